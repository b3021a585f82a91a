/**
 * The validator daemon: independent tasks that hand over through the store (§A.3 step 2):
 * ingestion on its own schedule, the evaluation queue, and weight setting. A slow evaluation never
 * blocks ingestion or weights. The daemon only schedules; the stages are in their own files.
 * @module
 */
import type { KeyringPair } from "@polkadot/keyring/types";
import type { Metagraph, SubtensorClient } from "../chain/index.js";
import type { Hparams } from "../config/index.js";
import type { EvaluationRunner } from "../evaluation/index.js";
import { getMeta, requeueInterrupted, setMeta, type CommitmentSource, type Store } from "../store/index.js";
import type { FetchCodeOptions } from "../submission/index.js";
import { evaluateNext, type EvaluateNextError, type EvaluateNextOutcome } from "./evaluate-next.js";
import { ingestOnce, type IngestOnceParameters } from "./ingest.js";
import type { IngestionSummary } from "./ingest-batch.js";
import type { Logger } from "./logger.js";
import type { RemoteHosts } from "./remote-hosts.js";
import { blocksUntilWeightsDue, maybeSetWeights, type MaybeSetWeightsOutcome } from "./set-weights.js";

/** Options of {@link runValidator}. */
export interface RunValidatorOptions {
  readonly store: Store;
  readonly client: SubtensorClient;
  /** An archive node for gap recovery and payment blocks (see {@link IngestOnceParameters}). */
  readonly archive?: SubtensorClient;
  readonly hparams: Hparams;
  /** The validator's hotkey: signs weights. */
  readonly hotkey: KeyringPair;
  readonly runner: EvaluationRunner;
  /** Lease hosts to evaluate on besides (or instead of) `runner` (compute.md §10.3). */
  readonly remote?: RemoteHosts;
  readonly workDir: string;
  readonly numGpus: number;
  readonly log: Logger;
  /** Aborting it stops every task gracefully (an evaluation in flight is aborted and re-queued at the next start). */
  readonly signal: AbortSignal;
  /** Commitment sources. `plain` accepts plain (not timelocked) commitments. @default ["revealed"] */
  readonly sources?: readonly CommitmentSource[];
  /** The first start's version start block (§A.6): reveals at or before it are ignored. @default the head at first start */
  readonly startBlock?: number;
  readonly download?: Omit<FetchCodeOptions, "expectedHash">;
  /** Between ingestion cycles. @default poll_interval_blocks × block_time s */
  readonly ingestIntervalMs?: number;
  /** Between weight checks (against the newest metagraph; a fresh one is read only when due). @default block_time s */
  readonly weightsIntervalMs?: number;
  /** Between metagraph refreshes (the metagraph sync task). @default poll_interval_blocks × block_time s */
  readonly metagraphIntervalMs?: number;
  /** Idle wait of the evaluation queue. @default 2 s */
  readonly queueIdleMs?: number;
  /** Evaluate (`false` for an ingestion-only validator). @default true */
  readonly evaluate?: boolean;
  /** Set weights. @default true */
  readonly setWeights?: boolean;
  /** Observers (metrics, tests). A completed ingestion cycle of one source (its cursor advanced as far as it could). */
  readonly onIngested?: (summary: IngestionSummary) => void;
  /** An ingestion cycle of `source` that stored nothing: the metagraph or the chain could not be read (the cursor stays). */
  readonly onIngestionFailed?: (source: CommitmentSource, message: string) => void;
  /** A submission the evaluation queue worked on, with the status it was left in, and how long that took. */
  readonly onEvaluated?: (outcome: EvaluateNextOutcome, durationMs: number) => void;
  /** A queue step that failed in the validator's machinery (the submission is deferred); not told of a shutdown's abort. */
  readonly onEvaluationError?: (error: EvaluateNextError, durationMs: number) => void;
  /** A weight setting that was due: set or failed. */
  readonly onWeights?: (outcome: MaybeSetWeightsOutcome) => void;
  /** Each metagraph read (by the sync task, ingestion or weights). */
  readonly onMetagraph?: (metagraph: Metagraph) => void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

/** Runs `step` every `intervalMs` until aborted; a failed step is logged and retried next time. */
async function every(name: string, intervalMs: number, signal: AbortSignal, log: Logger, step: () => Promise<number | void>): Promise<void> {
  while (!signal.aborted) {
    let wait = intervalMs;
    try {
      const asked = await step();
      if (typeof asked === "number") wait = asked;
    } catch (cause) {
      log.error(`${name} failed`, { error: cause instanceof Error ? cause.message : String(cause) });
    }
    await sleep(wait, signal);
  }
}

/**
 * The version state (§A.6): a new competition version (or a fresh store) starts at `startBlock`;
 * reveals at or before it are ignored.
 * @returns the version start block
 */
export function ensureVersionStart(store: Store, hparams: Hparams, head: number, startBlock: number | undefined, log: Logger): number {
  const version = String(hparams.competition_version);
  const stored = getMeta(store, "competition_version");
  const storedStart = getMeta(store, "version_start_block");
  if (stored === version && storedStart !== null) return Number(storedStart);
  const start = startBlock ?? head;
  store.transaction(() => {
    setMeta(store, "competition_version", version);
    setMeta(store, "version_start_block", String(start));
  });
  log.info(stored === null ? "new store" : "competition version changed", { from: stored, to: version, versionStartBlock: start });
  return start;
}

/**
 * Runs the validator until `signal` aborts. On start: interrupted submissions go back to the queue
 * (their stored runs still count), and the version state is checked.
 */
export async function runValidator(o: RunValidatorOptions): Promise<void> {
  const { store, client, hparams, log, signal } = o;
  const requeued = requeueInterrupted(store);
  if (requeued.length > 0) log.warn("re-queued interrupted submissions", { submissions: requeued });
  const head = await client.blockNumber();
  if (head.isErr()) throw new Error(`cannot read the chain head: ${head.error.message}`);
  const versionStart = ensureVersionStart(store, hparams, head.value, o.startBlock, log);
  const sources = o.sources ?? ["revealed"];
  const blockMs = hparams.block_time * 1000;
  let latestBlock = head.value;
  const currentBlock = async () => {
    const b = await client.blockNumber();
    if (b.isOk()) latestBlock = b.value;
    return latestBlock;
  };
  // The newest metagraph read by any task: the weights task checks due-ness against it, and reads
  // a fresh one only when weights are due (§H.6: re-read before each attempt).
  let cachedMetagraph: Metagraph | null = null;
  const readMetagraph = async (): Promise<Metagraph | null> => {
    const m = await client.readMetagraph(hparams.netuid);
    if (m.isErr()) {
      log.warn("metagraph read failed", { error: m.error.message });
      return null;
    }
    latestBlock = m.value.blockNumber;
    if (cachedMetagraph === null || m.value.blockNumber >= cachedMetagraph.blockNumber) cachedMetagraph = m.value;
    o.onMetagraph?.(m.value);
    return m.value;
  };
  log.info("validator started", { netuid: hparams.netuid, version: hparams.competition_version, versionStartBlock: versionStart, sources, hotkey: o.hotkey.address, head: head.value });

  const ingestion = every("ingestion", o.ingestIntervalMs ?? hparams.ingestion.poll_interval_blocks * blockMs, signal, log, async () => {
    const metagraph = await readMetagraph();
    if (metagraph === null) {
      for (const source of sources) o.onIngestionFailed?.(source, "the metagraph could not be read");
      return;
    }
    for (const source of sources) {
      const summary = await ingestOnce({ store, client, hparams, source, metagraph, versionStartBlock: versionStart, ...(o.archive ? { archive: o.archive } : {}) });
      if (summary.isErr()) {
        log.warn("ingestion cycle failed; the cursor stays", { source, error: summary.error.message });
        o.onIngestionFailed?.(source, summary.error.message);
        continue;
      }
      if (Object.keys(summary.value.outcomes).length > 0 || summary.value.gaps > 0) log.info("ingested", { ...summary.value });
      o.onIngested?.(summary.value);
    }
  });

  const evaluation = (o.evaluate ?? true)
    ? every("evaluation", o.queueIdleMs ?? 2_000, signal, log, async () => {
        const started = performance.now();
        const outcome = await evaluateNext({
          store, hparams, runner: o.runner, workDir: o.workDir, numGpus: o.numGpus, currentBlock, evaluatorHotkey: o.hotkey.address, log, signal,
          ...(o.download ? { download: o.download } : {}),
          ...(o.remote ? { remote: o.remote } : {}),
        });
        if (outcome.isErr()) {
          // logged and deferred by evaluateNext (or aborted: re-queued at the next start)
          if (!signal.aborted) o.onEvaluationError?.(outcome.error, performance.now() - started);
          return;
        }
        if (outcome.value === null) return;
        log.info("submission done", { ...outcome.value });
        o.onEvaluated?.(outcome.value, performance.now() - started);
        return 0; // more may be queued: look again at once
      })
    : Promise.resolve();

  const metagraphSync = every("metagraph", o.metagraphIntervalMs ?? hparams.ingestion.poll_interval_blocks * blockMs, signal, log, async () => {
    await readMetagraph();
  });

  const weights = (o.setWeights ?? true)
    ? every("weights", o.weightsIntervalMs ?? blockMs, signal, log, async () => {
        if (cachedMetagraph !== null && blocksUntilWeightsDue(store, hparams, cachedMetagraph, o.hotkey.address, await currentBlock()) > 0) return;
        const metagraph = await readMetagraph();
        if (metagraph === null) return;
        const outcome = await maybeSetWeights({ store, client, hparams, metagraph, signer: o.hotkey, log });
        if (outcome.kind !== "not_due") o.onWeights?.(outcome);
      })
    : Promise.resolve();

  await Promise.all([metagraphSync, ingestion, evaluation, weights]);
  log.info("validator stopped");
}
