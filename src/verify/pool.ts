/**
 * Runs slice tasks of the verification kernel on `worker_threads` (or inline when `workers` is 0),
 * a bounded number in flight per thread, and returns the results in task order.
 * @module
 */
import * as fs from "node:fs";
import { Worker } from "node:worker_threads";
import { KERNEL_SOURCE, WORKER_SOURCE } from "./kernel-source.js";

/** One file operand of a slice: where the slice starts and how to check the file. */
export interface SliceFile {
  readonly path: string;
  readonly noFollow: boolean;
  readonly dev: string;
  readonly ino: string;
  readonly size: number;
  /** Absolute byte offset of the slice's first element. */
  readonly off: number;
  /** 0 = F32, 1 = F16, 2 = BF16. */
  readonly dt: 0 | 1 | 2;
}

/** A slice task: `n` elements of candidate `c`, reference `r` and initial `i`. */
export interface SliceTask {
  readonly id: number;
  readonly n: number;
  readonly c: SliceFile;
  readonly r: SliceFile | null;
  readonly i: SliceFile | null;
}

/** The kernel's sums for one slice. */
export interface SliceResult {
  readonly id: number;
  readonly dsq: number;
  readonly rsq: number;
  readonly changed: number;
  readonly nan: number;
  readonly inf: number;
}

type Kernel = { runSlice(t: SliceTask): SliceResult; closeAll(): void };

function inlineKernel(): Kernel {
  // The same source as the workers', so both paths compute identical figures.
  return new Function("fs", `${KERNEL_SOURCE}\nreturn { runSlice, closeAll };`)(fs) as Kernel;
}

/**
 * Runs every task and returns results indexed by task id.
 * @param workers - threads to use; 0 runs inline on the calling thread
 * @param onResult - called after each slice (progress)
 */
export async function runSlices(tasks: readonly SliceTask[], workers: number, onResult?: (t: SliceTask) => void): Promise<SliceResult[]> {
  const results: SliceResult[] = new Array(tasks.length);
  if (workers <= 0 || tasks.length === 0) {
    const k = inlineKernel();
    try {
      for (const t of tasks) {
        results[t.id] = k.runSlice(t);
        onResult?.(t);
      }
    } finally {
      k.closeAll();
    }
    return results;
  }
  const count = Math.min(workers, tasks.length);
  let next = 0;
  let failure: Error | null = null;
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const runOne = (w: Worker) =>
    new Promise<void>((resolve) => {
      const feed = () => {
        if (failure || next >= tasks.length) return resolve();
        w.postMessage(tasks[next++]);
      };
      w.on("message", (m: { ok: true; result: SliceResult } | { ok: false; id: number; error: string }) => {
        if (m.ok) {
          results[m.result.id] = m.result;
          onResult?.(byId.get(m.result.id)!);
        } else failure ??= new Error(m.error);
        feed();
      });
      w.on("error", (e) => {
        failure ??= e instanceof Error ? e : new Error(String(e));
        resolve();
      });
      w.on("exit", () => resolve());
      feed();
    });
  const pool = Array.from({ length: count }, () => new Worker(WORKER_SOURCE, { eval: true }));
  try {
    await Promise.all(pool.map(runOne));
  } finally {
    await Promise.all(pool.map(closeWorker));
  }
  if (failure) throw failure;
  for (let k = 0; k < tasks.length; k++) if (results[k] === undefined) throw new Error("a worker exited early");
  return results;
}

/** Asks a worker to close its files and exit; terminates it if it does not within 5 s. */
async function closeWorker(w: Worker): Promise<void> {
  const exited = new Promise<void>((resolve) => w.once("exit", () => resolve()));
  try {
    w.postMessage("close");
  } catch {
    // already gone
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), 5000)));
  const outcome = await Promise.race([exited.then(() => "exited" as const), timeout]);
  clearTimeout(timer);
  if (outcome === "timeout") await w.terminate();
}
