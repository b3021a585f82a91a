/**
 * Starts chopsticks offline from the raw spec-218 chain spec on 127.0.0.1 and a free port
 * (spec/chain.md §14.2); no --db, so its optional sqlite store is never loaded.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { raonetSpecPath } from "./fixtures.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A running chopsticks node. */
export interface Chopsticks {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Boots chopsticks (Instant block mode: one block per submitted extrinsic); rejects with its log on failure. */
export async function startChopsticks(port?: number, timeoutMs = 90_000): Promise<Chopsticks> {
  const chosen = port ?? (await freePort());
  const bin = path.join(repoRoot, "node_modules", ".bin", "chopsticks");
  const child: ChildProcess = spawn(
    bin,
    ["--genesis", raonetSpecPath(), "--host", "127.0.0.1", "--port", String(chosen), "--build-block-mode", "Instant"],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LOG_LEVEL: "info" } },
  );
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`chopsticks did not start within ${timeoutMs} ms:\n${log.slice(-4000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("RPC listening on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`chopsticks exited with ${code}:\n${log.slice(-4000)}`));
    });
  });
  child.stdout?.removeAllListeners("data");
  child.stderr?.removeAllListeners("data");
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    url: `ws://127.0.0.1:${chosen}`,
    port: chosen,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
