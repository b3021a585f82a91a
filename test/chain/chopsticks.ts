/**
 * Starts chopsticks offline from the raw spec-218 chain spec on 127.0.0.1 and a free port
 * (spec/chain.md §14.2); no --db, so its optional sqlite store is never loaded.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { u8aToHex } from "@polkadot/util";
import { WsProvider } from "@polkadot/api";
import { createSubtensorClient, type SubtensorClient } from "../../src/chain/index.js";
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

/** The dev RPC the helpers below need (a WsProvider's `send`). */
export interface DevRpc {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/**
 * Registers `hotkeys` as uids 0.. of `netuid` (and `SubnetworkN` to match) by raw storage writes
 * (spec/chain.md §14.2), plus `extra` key/value pairs, and waits until the metagraph shows them. Writes on the genesis block
 * do not show, so a block is built first while the head is #0; a block build that started before
 * the write can replace the head without it, so the write is repeated until it holds.
 */
export async function registerHotkeys(
  client: SubtensorClient,
  dev: DevRpc,
  netuid: number,
  hotkeys: readonly { readonly address: string; readonly publicKey: Uint8Array }[],
  extra: readonly (readonly [string, string])[] = [],
): Promise<void> {
  const q = client.api.query as unknown as Record<string, Record<string, { key(...a: unknown[]): string }>>;
  const sm = q["subtensorModule"]!;
  // SubnetworkN covers the new uids (spec 218's subnet 1 starts with one); `extra` may override it.
  const writes: (readonly [string, string])[] = [[sm["subnetworkN"]!.key(netuid), u8aToHex(new Uint8Array([hotkeys.length & 0xff, hotkeys.length >> 8]))]];
  hotkeys.forEach((k, uid) => {
    writes.push([sm["uids"]!.key(netuid, k.address), u8aToHex(new Uint8Array([uid & 0xff, uid >> 8]))]);
    writes.push([sm["keys"]!.key(netuid, uid), u8aToHex(k.publicKey)]);
  });
  writes.push(...extra);
  for (let attempt = 0; attempt < 20; attempt++) {
    if ((await client.blockNumber()).unwrapOr(0) === 0) await dev.send("dev_newBlock", [{ count: 1 }]);
    await dev.send("dev_setStorage", [writes]);
    await new Promise((r) => setTimeout(r, 300));
    const m = await client.readMetagraph(netuid);
    if (m.isOk() && hotkeys.every((k, uid) => m.value.hotkeys[uid] === k.address)) return;
  }
  throw new Error("chopsticks did not keep the faked registrations");
}

/** A chopsticks node, a Subtensor client on it, and a provider for chopsticks' `dev_*` RPCs. */
export interface ChainUnderTest {
  readonly node: Chopsticks;
  readonly client: SubtensorClient;
  readonly dev: WsProvider;
}

/** Starts chopsticks and connects a client (20 s timeout) and a dev-RPC provider to it. */
export async function startChainUnderTest(): Promise<ChainUnderTest> {
  const node = await startChopsticks();
  const client = (await createSubtensorClient({ url: node.url, timeoutMs: 20_000 }))._unsafeUnwrap();
  const dev = new WsProvider(node.url);
  await dev.isReady;
  return { node, client, dev };
}

/** Disconnects and stops what {@link startChainUnderTest} started; parts a failed start left unset are skipped. */
export async function stopChainUnderTest(chain: Partial<ChainUnderTest>): Promise<void> {
  await chain.dev?.disconnect();
  await chain.client?.disconnect();
  await chain.node?.stop();
}
