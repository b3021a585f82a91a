/**
 * The evaluation stage: takes the next queued submission through download (once, hash-checked,
 * stored by content), content dedup, the host scan and its runs, storing each run as it ends,
 * then finalises it together with the leader record in one transaction (§A.3, §C.4, §C.6, §H.4).
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import type { Hparams } from "../config/index.js";
import { evaluateSubmission, type EvaluationError, type EvaluationReport, type EvaluationRunner } from "../evaluation/index.js";
import { scoreToBeat, updateLeader } from "../scoring/index.js";
import {
  applyLeaderUpdate,
  classifySqliteError,
  earlierSubmissionWithCode,
  getCode,
  getLeaderState,
  getSubmission,
  insertRun,
  nextQueuedSubmission,
  putCode,
  runsOfSubmission,
  supersedeRuns,
  updateSubmission,
  type Store,
  type StoreIoError,
  type SubmissionRow,
  type SubmissionStatus,
} from "../store/index.js";
import { fetchCode, type FetchCodeOptions } from "../submission/index.js";
import type { Logger } from "./logger.js";
import { confirmFailure, confirmLeaderChange, type ConfirmLeaderChangeError, type EvaluationPlace, hostsOfRuns, type NoEvaluationHostError, placesFor, type RemoteHosts } from "./remote-hosts.js";

/** Inputs of {@link evaluateNext}. */
export interface EvaluateNextParameters {
  readonly store: Store;
  readonly hparams: Hparams;
  readonly runner: EvaluationRunner;
  readonly workDir: string;
  /** GPUs per evaluation (processes on the CPU image). */
  readonly numGpus: number;
  /** The chain's current block (download retry windows, finalisation order). */
  readonly currentBlock: () => Promise<number>;
  readonly evaluatorHotkey: string | null;
  readonly log: Logger;
  /** Download options (e.g. `allowPrivateHosts` for private deployments and tests). */
  readonly download?: Omit<FetchCodeOptions, "expectedHash">;
  /** Base of the exponential download backoff, in ms. @default 10_000 */
  readonly downloadBackoffMs?: number;
  readonly signal?: AbortSignal;
  /** Called with each status change (the daemon's metrics, the CLI's progress). */
  readonly onStatus?: (submissionId: string, status: SubmissionStatus) => void;
  /**
   * Lease hosts to evaluate on (compute.md §10.3): a submission goes to one that shares no key
   * with its owner (else `runner`), and a leader-changing result made there is confirmed on a
   * second, independent host before it counts.
   */
  readonly remote?: RemoteHosts;
}

/** Rounds of void runs (each of `max_void_retries + 1` attempts) before a submission is abandoned. */
export const MAX_VOID_ATTEMPTS = 3;
/** Wait before a submission left undecided by void runs is tried again. */
const VOID_RETRY_DELAY_MS = 600_000;

/** What one call did. */
export interface EvaluateNextOutcome {
  readonly submissionId: string;
  readonly status: SubmissionStatus;
  readonly finalScore: number | null;
  readonly errorCode: string | null;
}

/** Errors of the stage: the store, the evaluation machinery (engine, files, abort), or the lease hosts. */
export type EvaluateNextError = StoreIoError | EvaluationError | NoEvaluationHostError | ConfirmLeaderChangeError;

function setStatus(p: EvaluateNextParameters, id: string, status: SubmissionStatus, extra: Parameters<typeof updateSubmission>[2] = {}): void {
  updateSubmission(p.store, id, { ...extra, status });
  p.onStatus?.(id, status);
}

/** The stored code, or a download: `Ok(null)` when the submission ended or was re-queued here. */
async function obtainCode(p: EvaluateNextParameters, s: SubmissionRow): Promise<Uint8Array | null> {
  if (s.codeSha256 !== null) {
    const stored = getCode(p.store, s.codeSha256);
    if (stored !== null) return stored;
  }
  setStatus(p, s.submissionId, "downloading");
  const block = await p.currentBlock();
  const fetched = await fetchCode(s.bucketPath, {
    allowedHosts: p.hparams.download.allowed_hosts, ...p.download, expectedHash: s.codeHash,
    timeoutMs: p.hparams.code_fetch_timeout * 1000, maxRedirects: p.hparams.download.max_redirects,
  });
  if (fetched.isOk()) {
    const sha256 = putCode(p.store, fetched.value.bytes);
    updateSubmission(p.store, s.submissionId, { codeSha256: sha256 });
    return fetched.value.bytes;
  }
  const e = fetched.error;
  const attempts = s.downloadAttempts + 1;
  const firstBlock = s.firstAttemptBlock ?? block;
  const windowLeft = firstBlock + p.hparams.download.retry_window_blocks - block;
  if (e.transient && attempts < p.hparams.download.max_attempts && windowLeft > 0) {
    const delayMs = (p.downloadBackoffMs ?? 10_000) * 2 ** (attempts - 1);
    p.log.warn("download failed, will retry", { submission: s.submissionId, attempt: attempts, delayMs, error: e.message });
    setStatus(p, s.submissionId, "queued", { downloadAttempts: attempts, firstAttemptBlock: firstBlock, nextAttemptAt: new Date(Date.now() + delayMs).toISOString() });
    return null;
  }
  const code = e.code === "hash_mismatch" ? "hash_mismatch" : "download_failed";
  p.log.warn("download failed for good", { submission: s.submissionId, attempts, error: e.message });
  setStatus(p, s.submissionId, "failed", { downloadAttempts: attempts, firstAttemptBlock: firstBlock, errorCode: code, errorMessage: code === "hash_mismatch" ? e.message : `Failed to download code: ${e.message}` });
  return null;
}

/** The stored error code of a failed report (§C.10). */
function failureCode(report: EvaluationReport): string {
  if (report.errorCode === "scan_rejected") return "scan_rejected";
  if (report.score.status === "failed_success_rate") return "success_rate";
  return `fatal:${report.errorCode ?? "unknown"}`;
}

/** Stores the outcome and, for a finished submission, updates the leader record: one transaction. */
function finalise(p: EvaluateNextParameters, s: SubmissionRow, report: EvaluationReport, block: number): EvaluateNextOutcome {
  const id = s.submissionId;
  const common = {
    scanViolations: report.scan.violations, scannerRulesHash: report.scan.rulesHash, strategy: report.strategy, finishedBlock: block,
  };
  if (report.score.status === "pending") {
    // Only void runs were left (infrastructure trouble): not the miner's fault, try again later,
    // a bounded number of times; then the submission fails for an operator to look at.
    const voids = report.runs.filter((r) => r.status === "void").length;
    const limit = (p.hparams.evaluation.max_void_retries + 1) * MAX_VOID_ATTEMPTS;
    if (voids >= limit) {
      const errorCode = "fatal:infrastructure_error";
      const errorMessage = `the validator could not complete a run in ${voids} attempts (${MAX_VOID_ATTEMPTS} rounds of ${p.hparams.evaluation.max_void_retries + 1}); last: ${report.error ?? "unknown"}`;
      updateSubmission(p.store, id, { ...common, status: "failed", errorCode, errorMessage });
      p.log.error("evaluation abandoned after repeated void runs", { submission: id, voids });
      return { submissionId: id, status: "failed", finalScore: null, errorCode };
    }
    updateSubmission(p.store, id, { ...common, status: "queued", nextAttemptAt: new Date(Date.now() + VOID_RETRY_DELAY_MS).toISOString(), finishedBlock: null });
    p.log.warn("evaluation undecided after void runs; re-queued", { submission: id, voids, limit });
    return { submissionId: id, status: "queued", finalScore: null, errorCode: null };
  }
  if (report.score.status !== "finished") {
    const errorCode = failureCode(report);
    updateSubmission(p.store, id, { ...common, status: "failed", errorCode, errorMessage: report.error });
    return { submissionId: id, status: "failed", finalScore: null, errorCode };
  }
  const score = report.score.score;
  p.store.transaction(() => {
    updateSubmission(p.store, id, { ...common, status: "finished", finalScore: score, errorCode: null, errorMessage: null });
    const state = getLeaderState(p.store, s.specVersion);
    const at = state.thresholdBlock !== null ? Math.max(block, state.thresholdBlock) : block;
    const update = updateLeader(state, { submissionId: id, score, block: at }, p.hparams.adaptive_threshold);
    if (update.isOk()) applyLeaderUpdate(p.store, s.specVersion, update.value);
    else p.log.error("leader update refused", { submission: id, error: update.error.message });
  });
  return { submissionId: id, status: "finished", finalScore: score, errorCode: null };
}

async function evaluateOne(p: EvaluateNextParameters, s: SubmissionRow): Promise<Result<EvaluateNextOutcome, EvaluateNextError>> {
  const code = await obtainCode(p, s);
  const current = getSubmission(p.store, s.submissionId)!;
  if (code === null) return ok({ submissionId: s.submissionId, status: current.status, finalScore: null, errorCode: current.errorCode });
  const downloaded = current;
  const twin = downloaded.codeSha256 === null ? null : earlierSubmissionWithCode(p.store, downloaded, downloaded.codeSha256);
  if (twin !== null) {
    setStatus(p, s.submissionId, "duplicate", { errorCode: "duplicate_content", errorMessage: `same code as ${twin.submissionId}` });
    return ok({ submissionId: s.submissionId, status: "duplicate", finalScore: null, errorCode: "duplicate_content" });
  }
  // Stored runs made under the current setup count; evaluateSubmission sets the others aside (§H.1).
  const previousRuns = runsOfSubmission(p.store, s.submissionId);
  const owner = { hotkey: s.minerHotkey, coldkey: p.remote ? await p.remote.coldkeyOf(s.minerHotkey) : null };
  let place: EvaluationPlace = { runner: p.runner, host: null };
  if (p.remote) {
    const places = await placesFor(p.remote, p.runner, owner);
    // After a failure or a round of void runs the next place is tried, so that one bad host
    // cannot hold a submission.
    const voidRounds = Math.floor(previousRuns.filter((r) => r.status === "void").length / (p.hparams.evaluation.max_void_retries + 1));
    const chosen = places[(current.machineryFailures + voidRounds) % Math.max(1, places.length)];
    if (chosen === undefined) return err({ type: "no_evaluation_host", message: `no lease host may evaluate a submission of ${s.minerHotkey} (each shares a key with it, or a coldkey is unknown) and the own runner is off` });
    place = chosen;
    p.log.info("evaluation host", { submission: s.submissionId, host: place.host?.hotkey ?? "own", lease: place.runner.remoteHost?.leaseId ?? null });
  }
  setStatus(p, s.submissionId, "scanning");
  const report = await evaluateSubmission({
    code, hparams: p.hparams, runner: place.runner, workDir: p.workDir, numGpus: p.numGpus, uid: s.minerUid, previousRuns,
    runIdPrefix: `${s.submissionId}-${Date.now().toString(36)}`,
    ...(p.signal ? { signal: p.signal } : {}),
    onProgress: (event) => {
      if (event.kind === "scan" && event.state === "done") setStatus(p, s.submissionId, "evaluating");
      // Stored as soon as it ends: a restart then makes only the interrupted run again.
      if (event.kind === "run" && event.state === "done" && event.result) {
        insertRun(p.store, s.submissionId, event.result, p.evaluatorHotkey);
        p.log.info("run done", { submission: s.submissionId, run: event.runNo, status: event.result.status, mfu: event.result.mfu, errorCode: event.result.errorCode });
      }
    },
  });
  if (report.isErr()) return err(report.error);
  if (report.value.supersededRunIds.length > 0) {
    supersedeRuns(p.store, s.submissionId, report.value.supersededRunIds);
    p.log.warn("stored runs were made under another image, harness, rule set or hparams; superseded", { submission: s.submissionId, runs: report.value.supersededRunIds });
  }
  const block = await p.currentBlock();
  let final = report.value;
  const onHosts = p.remote !== undefined && hostsOfRuns(final.runs).length > 0;
  const failed = final.score.status === "failed_fatal" || final.score.status === "failed_success_rate";
  // A lease host alone can neither take the lead for a submission nor fail it (§10.3).
  if (onHosts && (failed || (final.score.status === "finished" && changesLeader(p, s, final.score.score, block)))) {
    const confirmed = await confirmOnAnotherHost(p, s, code, owner, final);
    if (confirmed.isErr()) return err(confirmed.error);
    final = confirmed.value;
  }
  const outcome = finalise(p, s, final, block);
  p.onStatus?.(s.submissionId, outcome.status);
  return ok(outcome);
}

/** Whether a score would take the lead now (§H.4). */
function changesLeader(p: EvaluateNextParameters, s: SubmissionRow, score: number, block: number): boolean {
  const toBeat = scoreToBeat(getLeaderState(p.store, s.specVersion), block, p.hparams.adaptive_threshold);
  return toBeat === null || score > toBeat;
}

/**
 * Re-evaluates a result made on lease hosts on a second, independent place (§10.3): a
 * leader-changing score must be confirmed within the tolerance (it then counts with the lower
 * score), a failure must fail there too. The second evaluation's runs are logged, not counted. A
 * disagreement or a failed re-run sets the first runs aside (superseded) and fails the attempt,
 * so that the submission is evaluated again, elsewhere, after the backoff.
 */
async function confirmOnAnotherHost(p: EvaluateNextParameters, s: SubmissionRow, code: Uint8Array, owner: { hotkey: string; coldkey: string | null }, first: EvaluationReport): Promise<Result<EvaluationReport, EvaluateNextError>> {
  const remote = p.remote!;
  const leaderChange = first.score.status === "finished";
  p.log.info(leaderChange ? "leader-changing result from a lease host; confirming on a second host" : "failure from a lease host; confirming on a second host", {
    submission: s.submissionId, score: first.score.status === "finished" ? first.score.score : null, errorCode: first.errorCode,
  });
  const input = {
    remote, own: p.runner, owner, first,
    evaluate: (runner: EvaluationRunner) =>
      evaluateSubmission({
        code, hparams: p.hparams, runner, workDir: p.workDir, numGpus: p.numGpus, uid: s.minerUid, runIdPrefix: `${s.submissionId}-confirm-${Date.now().toString(36)}`,
        ...(p.signal ? { signal: p.signal } : {}),
        onProgress: (event) => {
          if (event.kind === "run" && event.state === "done" && event.result) p.log.info("confirmation run done", { submission: s.submissionId, run: event.runNo, status: event.result.status, mfu: event.result.mfu, errorCode: event.result.errorCode });
        },
      }),
  };
  const setAside = (e: ConfirmLeaderChangeError): Result<never, EvaluateNextError> => {
    if (e.type === "second_host_rejected") {
      supersedeRuns(p.store, s.submissionId, first.runs.map((r) => r.runId));
      p.log.warn("second host did not confirm; the first runs are set aside", { submission: s.submissionId, reason: e.reason, error: e.message });
    }
    return err(e);
  };
  if (!leaderChange || first.score.status !== "finished") {
    const failure = await confirmFailure(input);
    if (failure.isErr()) return setAside(failure.error);
    p.log.info("failure confirmed", { submission: s.submissionId, secondHost: failure.value.second.host?.hotkey ?? "own", errorCode: failure.value.report.errorCode });
    return ok(first);
  }
  const confirmed = await confirmLeaderChange(input);
  if (confirmed.isErr()) return setAside(confirmed.error);
  const { score, second } = confirmed.value;
  p.log.info("leader-changing result confirmed", { submission: s.submissionId, score, secondHost: second.host?.hotkey ?? "own" });
  return ok({ ...first, score: { ...first.score, score } });
}

/** Machinery failures (engine, files) of one submission before it is failed for an operator. */
export const MAX_MACHINERY_FAILURES = 5;
/** Wait after the first machinery failure, doubled after each further one. */
const MACHINERY_BACKOFF_MS = 60_000;

/**
 * After a failure of the validator's own machinery while evaluating `s`: defer it with backoff, so
 * that one bad submission or a broken engine does not spin the queue; after a few, fail it.
 */
function deferAfterMachineryFailure(p: EvaluateNextParameters, s: SubmissionRow, message: string): void {
  const failures = (getSubmission(p.store, s.submissionId)?.machineryFailures ?? s.machineryFailures) + 1;
  if (failures >= MAX_MACHINERY_FAILURES) {
    setStatus(p, s.submissionId, "failed", { machineryFailures: failures, errorCode: "fatal:infrastructure_error", errorMessage: `the validator failed ${failures} times while evaluating it; last: ${message}` });
    p.log.error("evaluation abandoned after repeated machinery failures", { submission: s.submissionId, failures, error: message });
    return;
  }
  const delayMs = MACHINERY_BACKOFF_MS * 2 ** (failures - 1);
  setStatus(p, s.submissionId, "queued", { machineryFailures: failures, nextAttemptAt: new Date(Date.now() + delayMs).toISOString() });
  p.log.error("evaluation failed (machinery); deferred", { submission: s.submissionId, failures, delayMs, error: message });
}

/**
 * Works on the next queued submission of the current competition version, if any.
 * @returns what happened to it, `Ok(null)` when the queue is empty, or a store / machinery error.
 *   After a machinery error the submission is deferred with backoff (and failed after
 *   {@link MAX_MACHINERY_FAILURES}); after an abort it stays where it was and is re-queued at the next start.
 */
export async function evaluateNext(p: EvaluateNextParameters): Promise<Result<EvaluateNextOutcome | null, EvaluateNextError>> {
  let s: SubmissionRow | null = null;
  try {
    s = nextQueuedSubmission(p.store, p.hparams.competition_version);
    if (s === null) return ok(null);
    p.log.info("evaluating", { submission: s.submissionId, uid: s.minerUid, url: s.bucketPath });
    const outcome = await evaluateOne(p, s);
    if (outcome.isErr() && !p.signal?.aborted) deferAfterMachineryFailure(p, s, outcome.error.message);
    return outcome;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (s !== null && !p.signal?.aborted) {
      try {
        deferAfterMachineryFailure(p, s, message);
      } catch {
        // The store itself failed: the submission is re-queued at the next start.
      }
    }
    if ((cause as { name?: string })?.name === "SqliteError") return err(classifySqliteError(cause, "update the submission"));
    throw cause;
  }
}
