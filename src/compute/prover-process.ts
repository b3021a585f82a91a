/**
 * The agent's link to the GPU-side prover (`environments/compute/prover.py`): one JSON request
 * per line on its stdin, one response per line on its stdout. {@link ProverLauncher} is the seam
 * where the PoG container (Docker, no network, offered GPUs only) plugs in later; this file
 * starts the script as a local process.
 * @module
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { errAsync, okAsync, ResultAsync } from "neverthrow";

/** The prover failed, timed out or refused a request. */
export interface ProverError {
  readonly type: "prover_failed" | "prover_timeout" | "prover_rejected";
  readonly message: string;
}

/** A live prover. */
export interface ProverSession {
  /** Sends `{op, ...fields}`; resolves with the reply's fields (without `id` and `ok`). */
  request(op: string, fields: Readonly<Record<string, unknown>>, timeoutMs: number): ResultAsync<Record<string, unknown>, ProverError>;
  /** Stops the prover. */
  close(): void;
}

/** Starts a prover session (a local process now, the PoG container later). */
export type ProverLauncher = () => ResultAsync<ProverSession, ProverError>;

/** Options of {@link createProcessProverLauncher}. */
export interface ProcessProverOptions {
  /** Python interpreter with torch. @default "python3" */
  readonly python?: string;
  /** The prover script. @default the package's environments/compute/prover.py */
  readonly script?: string;
  /** Extra arguments (`--device cpu`, `--cpu-name`, ...). */
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Receives the prover's stderr (its log). */
  readonly onLog?: (text: string) => void;
}

/** Path of the bundled prover script, in the source tree or in dist/. */
export function defaultProverScript(): string {
  for (const rel of ["../../environments/compute/prover.py", "../../../environments/compute/prover.py"]) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return fileURLToPath(new URL("../../environments/compute/prover.py", import.meta.url));
}

/** A launcher that runs the prover script as a child process. */
export function createProcessProverLauncher(options: ProcessProverOptions = {}): ProverLauncher {
  const { python = "python3", script = defaultProverScript(), args = [], env = process.env, onLog } = options;
  return () => {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(python, [script, ...args], { env: { ...env }, stdio: ["pipe", "pipe", "pipe"] });
    } catch (e) {
      return errAsync({ type: "prover_failed", message: `cannot start ${python}: ${(e as Error).message}` });
    }
    return okAsync(attach(child, onLog));
  };
}

function attach(child: ChildProcessWithoutNullStreams, onLog?: (text: string) => void): ProverSession {
  type Reply = { readonly ok: true; readonly fields: Record<string, unknown> } | { readonly ok: false; readonly error: ProverError };
  const pending = new Map<number, (reply: Reply) => void>();
  let nextId = 1;
  let exited: string | null = null;
  const failAll = (message: string) => {
    exited = message;
    for (const resolve of pending.values()) resolve({ ok: false, error: { type: "prover_failed", message } });
    pending.clear();
  };
  child.on("error", (e) => failAll(`prover process error: ${e.message}`));
  child.on("exit", (code, signal) => failAll(`prover exited (${signal ?? code})`));
  child.stderr.setEncoding("utf8").on("data", (text: string) => onLog?.(text));
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on("line", (line) => {
    let reply: unknown;
    try {
      reply = JSON.parse(line);
    } catch {
      return onLog?.(`prover wrote a non-JSON line (${line.length} chars)\n`);
    }
    const id = (reply as { id?: unknown }).id;
    const resolve = typeof id === "number" ? pending.get(id) : undefined;
    if (!resolve) return;
    pending.delete(id as number);
    const r = reply as { ok?: unknown; error?: { type?: unknown; message?: unknown } };
    if (r.ok === true) {
      const { id: _id, ok: _ok, ...fields } = reply as Record<string, unknown>;
      resolve({ ok: true, fields });
    } else {
      const kind = r.error?.type === "bad_request" ? "prover_rejected" : "prover_failed";
      resolve({ ok: false, error: { type: kind, message: String(r.error?.message ?? "the prover failed") } });
    }
  });
  return {
    request(op, fields, timeoutMs) {
      if (exited !== null) return errAsync({ type: "prover_failed", message: exited });
      const id = nextId++;
      const promise = new Promise<Reply>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({ ok: false, error: { type: "prover_timeout", message: `the prover did not answer '${op}' within ${timeoutMs} ms` } });
        }, timeoutMs);
        pending.set(id, (reply) => {
          clearTimeout(timer);
          resolve(reply);
        });
        child.stdin.write(`${JSON.stringify({ ...fields, id, op })}\n`);
      });
      return ResultAsync.fromSafePromise(promise).andThen((reply) => (reply.ok ? okAsync(reply.fields) : errAsync(reply.error)));
    },
    close() {
      if (exited === null) {
        child.stdin.end(`${JSON.stringify({ id: 0, op: "quit" })}\n`);
        setTimeout(() => child.kill("SIGKILL"), 2000).unref();
      }
    },
  };
}
