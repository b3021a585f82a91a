/**
 * `evaluateSubmission`: a submission's evaluation (spec crusades.md §A.3 step 4, §E, §H.1): the
 * authoritative host scan, then per run a fresh seed, the reference and candidate steps, host-side
 * verification and MFU; void runs are retried; a fatal code stops the remaining runs; the runs are
 * scored with `scoreRuns`.
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import { err, ok, type Result, ResultAsync } from "neverthrow";
import type { Hparams } from "../config/index.js";
import { checkTopology, createScanner, parseStrategy, canonicalJson, type ScanReport, type Violation } from "../scanner/index.js";
import { isFatalErrorCode, scoreRuns, type SubmissionScore } from "../scoring/index.js";
import type { EvaluationError } from "./errors.js";
import { evaluateRun, type RunProgress } from "./evaluate-run.js";
import type { RunShape } from "./params.js";
import type { RunResult } from "./run-result.js";
import type { EvaluationRunner } from "./runner.js";
import { createRunSeed } from "./seed.js";

/** The host scan as the report shows it. */
export interface ScanSummary {
  /** `false` with `--no-scan` (tests and research only). */
  readonly enabled: boolean;
  readonly ok: boolean;
  readonly violations: readonly Violation[];
  readonly rulesHash: string | null;
}

/** Options of {@link evaluateSubmission}. */
export interface EvaluateSubmissionOptions {
  /** The exact `train.py` bytes. */
  readonly code: Uint8Array;
  readonly hparams: Hparams;
  readonly runner: EvaluationRunner;
  /** Where run directories are created. */
  readonly workDir: string;
  /** GPUs (processes on the CPU image). */
  readonly numGpus: number;
  /** Runs to make. @default hparams.evaluation_runs */
  readonly runs?: number;
  /** Run the host scan (authoritative). `false` is for tests and research only. @default true */
  readonly scan?: boolean;
  /** The seed's uid part. @default "local" */
  readonly uid?: number | string;
  /** Overrides of the run shape (steps, batch, sequence length, data samples). @default from hparams */
  readonly shape?: Partial<RunShape>;
  /** Step deadlines in ms. @default sandbox.reference_deadline_s / sandbox.total_deadline_s */
  readonly referenceDeadlineMs?: number;
  readonly candidateDeadlineMs?: number;
  /** Apply the MFU bounds. @default runner.device === "cuda" */
  readonly applyMfuBounds?: boolean;
  /** Force the warm-up offset (tests). */
  readonly warmupOffset?: number | null;
  readonly verifyWorkers?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: EvaluationProgress) => void;
  /** Run ids; @default `<unix>-<random>-r<n>` */
  readonly runIdPrefix?: string;
  /**
   * Runs already made for this submission (stored before a restart), in order: those made with
   * the same image, harness, rule set and hparams as now count as made, so only the remaining runs
   * are made, and a fatal one among them stops at once. The others are superseded (§H.1: a
   * submission's runs all share one setup) and listed in {@link EvaluationReport.supersededRunIds}.
   */
  readonly previousRuns?: readonly RunResult[];
}

/** Progress of an evaluation. */
export type EvaluationProgress =
  | { readonly kind: "scan"; readonly state: "start" | "done" }
  | { readonly kind: "run"; readonly runNo: number; readonly attempt: number; readonly state: "start" | "done"; readonly result?: RunResult }
  | RunProgress;

/** The outcome of {@link evaluateSubmission}. */
export interface EvaluationReport {
  /** `true` when the submission scored (`score.status === "finished"`). */
  readonly passed: boolean;
  /** `scan_rejected`, `strategy_invalid`, the fatal code, or the first failed run's code; `null` when passed. */
  readonly errorCode: string | null;
  readonly error: string | null;
  readonly scan: ScanSummary;
  readonly strategy: { readonly dpSize: number; readonly tpSize: number; readonly numGpus: number };
  /** Every attempt that counts, void ones included, in order (resumed ones first). */
  readonly runs: readonly RunResult[];
  /** Previous runs left out because they were made under another setup (image, harness, rules, hparams). */
  readonly supersededRunIds: readonly string[];
  readonly score: SubmissionScore;
  readonly device: "cpu" | "cuda";
  readonly runner: EvaluationRunner["kind"];
  /** `false` on the CPU image / tiny model: MFU there is not comparable with GPU figures. */
  readonly mfuComparable: boolean;
  readonly durationMs: number;
}

/** SHA-256 of the RFC 8785 canonical JSON of the effective hparams (§L.6 `hparams_hash`). */
export function hparamsHash(hparams: Hparams): string {
  return createHash("sha256").update(canonicalJson(hparams), "utf8").digest("hex");
}

const STRATEGY_RULES = new Set(["strategy.missing", "strategy.topology_mismatch"]);

async function hostScan(code: Uint8Array, numGpus: number, enabled: boolean): Promise<Result<{ summary: ScanSummary; report: ScanReport | null; dp: number; tp: number; code: string | null; message: string | null }, EvaluationError>> {
  if (enabled) {
    const scanner = await createScanner();
    if (scanner.isErr()) return err({ type: "scanner_unavailable", message: scanner.error.message, cause: scanner.error });
    const report = scanner.value.scan(code, { gpus: numGpus });
    const summary: ScanSummary = { enabled: true, ok: report.ok, violations: report.violations, rulesHash: report.rulesHash };
    const strategy = report.strategy ?? { dp_size: numGpus, tp_size: 1 };
    if (report.ok) return ok({ summary, report, dp: strategy.dp_size, tp: strategy.tp_size, code: null, message: null });
    const onlyStrategy = report.violations.every((v) => STRATEGY_RULES.has(v.rule));
    const first = report.violations[0]!;
    return ok({ summary, report, dp: strategy.dp_size, tp: strategy.tp_size, code: onlyStrategy ? "strategy_invalid" : "scan_rejected",
      message: `${report.violations.length} violation(s); first: ${first.line}:${first.col} ${first.rule}: ${first.message}` });
  }
  // The scan is off: still read the topology the submission declares (not a security check).
  const literal = await parseStrategy(code);
  const topology = literal.isOk() ? checkTopology(literal.value, numGpus) : null;
  const s = topology !== null && topology.isOk() ? topology.value : { dp_size: numGpus, tp_size: 1 };
  return ok({ summary: { enabled: false, ok: true, violations: [], rulesHash: null }, report: null, dp: s.dp_size, tp: s.tp_size, code: null, message: null });
}

/**
 * Evaluates a submission: scan, then up to `runs` runs (each: reference, candidate, verification,
 * MFU), void runs retried up to `evaluation.max_void_retries` times, stopping at a fatal code, and
 * the score of §H.1.
 * @returns the report; `Err` only for failures of the machinery (engine, files, abort)
 * @example
 * const runner = await createEvaluationRunner({ kind: "docker", image: "cpu", ... });
 * const report = await evaluateSubmission({ code, hparams, runner: runner.value, workDir: "/var/tmp/crusades", numGpus: 1 });
 */
export function evaluateSubmission(options: EvaluateSubmissionOptions): ResultAsync<EvaluationReport, EvaluationError> {
  return new ResultAsync(evaluate(options));
}

async function evaluate(o: EvaluateSubmissionOptions): Promise<Result<EvaluationReport, EvaluationError>> {
  const t0 = performance.now();
  const { hparams, runner } = o;
  const progress = o.onProgress ?? (() => undefined);
  const runsWanted = o.runs ?? hparams.evaluation_runs;
  if (!Number.isSafeInteger(runsWanted) || runsWanted < 1) throw new RangeError(`runs must be an integer >= 1, got ${runsWanted}`);
  const applyMfuBounds = o.applyMfuBounds ?? runner.device === "cuda";
  progress({ kind: "scan", state: "start" });
  const scanned = await hostScan(o.code, o.numGpus, o.scan ?? true);
  progress({ kind: "scan", state: "done" });
  if (scanned.isErr()) return err(scanned.error);
  const s = scanned.value;
  const strategy = { dpSize: s.dp, tpSize: s.tp, numGpus: o.numGpus };
  const base = {
    scan: s.summary, strategy, device: runner.device, runner: runner.kind, mfuComparable: applyMfuBounds,
  };
  const scoreOptions = { evaluationRuns: runsWanted, minSuccessRate: hparams.min_success_rate };
  if (s.code !== null) {
    // No container is started for a rejected scan (§A.3 step 3).
    return ok({ ...base, passed: false, errorCode: s.code, error: s.message, runs: [], supersededRunIds: (o.previousRuns ?? []).map((r) => r.runId), score: { status: "failed_fatal", errorCode: s.code, countedRuns: 0 }, durationMs: performance.now() - t0 });
  }
  const shape: RunShape = {
    steps: o.shape?.steps ?? hparams.eval_steps,
    warmupSteps: o.shape?.warmupSteps ?? 2,
    batchSize: o.shape?.batchSize ?? hparams.benchmark_batch_size,
    sequenceLength: o.shape?.sequenceLength ?? hparams.benchmark_sequence_length,
    dataSamples: o.shape?.dataSamples ?? hparams.benchmark_data_samples,
  };
  const prefix = o.runIdPrefix ?? `${Math.floor(Date.now() / 1000)}-${randomBytes(4).toString("hex")}`;
  const results: RunResult[] = [];
  const hpHash = hparamsHash(hparams);
  // The run loop's state: void runs are retried (up to max_void_retries in a row), a fatal code stops.
  let voids = 0;
  let counted = 0;
  let runNo = 1;
  let stopped = false;
  const record = (r: RunResult): void => {
    results.push(r);
    if (r.status === "void") {
      voids++;
      if (voids > hparams.evaluation.max_void_retries) stopped = true;
      return;
    }
    voids = 0;
    counted++;
    runNo++;
    if (isFatalErrorCode(r.errorCode)) stopped = true;
  };
  // Runs stored before a restart count as made, when made under the same setup: only the
  // interrupted run is made again.
  const setup = { imageId: runner.provenance.imageId, harnessHash: runner.provenance.harnessHash, scannerRulesHash: s.summary.rulesHash, hparamsHash: hpHash };
  const previous = o.previousRuns ?? [];
  const resumable = previous.filter((r) => sameSetup(r.provenance, setup));
  const supersededRunIds = previous.filter((r) => !resumable.includes(r)).map((r) => r.runId);
  for (const r of resumable) record(r);
  // This attempt has its own void-retry budget: runs voided before (the validator's trouble, §E.9)
  // do not use it up, or a re-queued submission would never make another run.
  voids = 0;
  stopped = results.some((r) => r.status !== "void" && isFatalErrorCode(r.errorCode));
  while (!stopped && counted < runsWanted) {
    const attempt = voids + 1;
    progress({ kind: "run", runNo, attempt, state: "start" });
    const r = await evaluateRun({
      runner, workDir: o.workDir, runId: `${prefix}-r${runNo}${attempt > 1 ? `a${attempt}` : ""}`, runNo,
      seed: createRunSeed({ uid: o.uid ?? "local", runNo }), code: o.code, scanFacts: s.report?.facts ?? null,
      scannerRulesHash: s.summary.rulesHash, hparamsHash: hpHash, shape, numGpus: o.numGpus, dpSize: s.dp, tpSize: s.tp,
      verification: hparams.verification, timingParams: hparams.timing, mfuParams: hparams.mfu,
      handoffMaxBytesFactor: hparams.sandbox.handoff_max_bytes_factor, applyMfuBounds,
      referenceDeadlineMs: o.referenceDeadlineMs ?? hparams.sandbox.reference_deadline_s * 1000,
      candidateDeadlineMs: o.candidateDeadlineMs ?? hparams.sandbox.total_deadline_s * 1000,
      ...(o.warmupOffset === undefined ? {} : { warmupOffset: o.warmupOffset }),
      ...(o.verifyWorkers === undefined ? {} : { verifyWorkers: o.verifyWorkers }),
      ...(o.signal === undefined ? {} : { signal: o.signal }),
      onProgress: progress,
    });
    if (r.isErr()) return err(r.error);
    const thisRun = runNo;
    record(r.value);
    progress({ kind: "run", runNo: thisRun, attempt, state: "done", result: r.value });
  }
  const score = scoreRuns(results.map((r) => ({ status: r.status, mfu: r.mfu, errorCode: r.errorCode })), scoreOptions);
  const firstBad = results.find((r) => r.status === "failed") ?? results.find((r) => r.status === "void");
  const passed = score.status === "finished";
  return ok({
    ...base,
    passed,
    errorCode: passed ? null : score.status === "failed_fatal" ? score.errorCode : (firstBad?.errorCode ?? "infrastructure_error"),
    error: passed ? null : (firstBad?.error ?? `score: ${score.status}`),
    runs: results,
    supersededRunIds,
    score,
    durationMs: performance.now() - t0,
  });
}

/** Whether a run was made under `setup` (§H.1, §L.6: comparable only with the same four identities). */
function sameSetup(p: RunResult["provenance"], setup: Pick<RunResult["provenance"], "imageId" | "harnessHash" | "scannerRulesHash" | "hparamsHash">): boolean {
  return p.imageId === setup.imageId && p.harnessHash === setup.harnessHash && p.scannerRulesHash === setup.scannerRulesHash && p.hparamsHash === setup.hparamsHash;
}
