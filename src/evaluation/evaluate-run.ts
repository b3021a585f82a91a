/**
 * `evaluateRun`: one evaluation run (spec crusades.md §L.1.8): run directory, reference step,
 * candidate step, the supervisor's trusted files, `verifyRun`, timed wall time, MFU, verdict.
 * @module
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { err, ok, type Result, ResultAsync } from "neverthrow";
import type { MfuHparams, TimingHparams, VerificationHparams } from "../config/index.js";
import { computeMfu, type MfuResult } from "../mfu/index.js";
import { canonicalJson, type ScanFacts } from "../scanner/index.js";
import { computeTimedWall, parseReferenceSummary, RUN_ARTIFACT_PATHS, verifyRun, type ReferenceSummary, type TimedWall, type VerifyReport } from "../verify/index.js";
import type { EvaluationError } from "./errors.js";
import { buildRunParams, type RunShape } from "./params.js";
import { prepareRunDirectory, readSupervisorResult, readSupervisorTiming, writeInputFile, type RunDirectory, type SupervisorResult } from "./run-dir.js";
import { sha256File, type RunProvenance, type RunResult, type StepRecord } from "./run-result.js";
import type { EvaluationRunner, StepOutcome } from "./runner.js";
import { judgeRun, parsePostChecks, type RunCheck } from "./verdict.js";

/** A progress event of a run. */
export type RunProgress =
  | { readonly kind: "phase"; readonly runNo: number; readonly phase: "reference" | "candidate" | "verify"; readonly state: "start" | "done"; readonly elapsedMs: number }
  | { readonly kind: "output"; readonly runNo: number; readonly phase: "reference" | "candidate"; readonly line: string };

/** Inputs of {@link evaluateRun}. */
export interface EvaluateRunInput {
  readonly runner: EvaluationRunner;
  /** Parent of the run directories. */
  readonly workDir: string;
  readonly runId: string;
  readonly runNo: number;
  readonly seed: string;
  /** The exact bytes that were scanned. */
  readonly code: Uint8Array;
  /** The host scan's facts (`scan.json`), or `null` with the scan switched off. */
  readonly scanFacts: ScanFacts | null;
  readonly scannerRulesHash: string | null;
  readonly hparamsHash: string;
  readonly shape: RunShape;
  readonly numGpus: number;
  readonly dpSize: number;
  readonly tpSize: number;
  readonly verification: VerificationHparams;
  readonly timingParams: TimingHparams;
  readonly mfuParams: MfuHparams;
  /** `sandbox.handoff_max_bytes_factor`. */
  readonly handoffMaxBytesFactor: number;
  /** Apply the MFU bounds (GPU image); on the CPU image they are reported only. */
  readonly applyMfuBounds: boolean;
  readonly referenceDeadlineMs: number;
  readonly candidateDeadlineMs: number;
  readonly warmupOffset?: number | null;
  readonly verifyWorkers?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: RunProgress) => void;
}

const aborted = (): EvaluationError => ({ type: "evaluation_aborted", message: "evaluation interrupted; its containers were removed" });

function record(o: StepOutcome, logPath: string): StepRecord {
  return { end: o.end, exitCode: o.exitCode, oomKilled: o.oomKilled, durationMs: o.durationMs, logPath };
}

async function readReference(runDir: string): Promise<Result<ReferenceSummary, string>> {
  try {
    return parseReferenceSummary(JSON.parse(await readFile(join(runDir, RUN_ARTIFACT_PATHS.referenceSummary), "utf8")) as unknown);
  } catch (cause) {
    return err(`reference/summary.json: ${(cause as Error).message}`);
  }
}

/** Why a candidate step ended without a usable supervisor verdict, or `null` to read its files. */
function candidateFailure(o: StepOutcome): { code: string; message: string } | null {
  if (o.end === "deadline_exceeded") return { code: "deadline_exceeded", message: "the candidate container ran past the total deadline and was killed" };
  if (o.hostError !== null) return { code: "infrastructure_error", message: `candidate: ${o.hostError}` };
  return null;
}

/**
 * Runs one evaluation run with `runner` and judges it. Candidate faults are a `failed` result with
 * their code; faults of the trusted side are a `void` result (`infrastructure_error`).
 * @returns the result; `Err` when the run directory cannot be made, the engine fails, or on abort
 */
export function evaluateRun(input: EvaluateRunInput): ResultAsync<RunResult, EvaluationError> {
  return prepareRunDirectory(input.workDir, input.runId, { chownToContainerUsers: input.runner.chownRunDirs })
    .mapErr((e): EvaluationError => e)
    .andThen((dir) => new ResultAsync(runIn(dir, input)));
}

async function runIn(dir: RunDirectory, input: EvaluateRunInput): Promise<Result<RunResult, EvaluationError>> {
  const { runner, runNo } = input;
  const t0 = performance.now();
  const progress = input.onProgress ?? (() => undefined);
  const params = (role: "reference" | "candidate") =>
    JSON.stringify(
      buildRunParams({
        runId: input.runId, seed: input.seed, model: runner.model, shape: input.shape, numGpus: input.numGpus, dpSize: input.dpSize,
        tpSize: input.tpSize, device: runner.device, totalDeadlineSeconds: input.candidateDeadlineMs / 1000, timing: input.timingParams,
        launch: runner.launch, scanCheck: input.scanFacts === null ? "skip" : "required", warmupOffset: input.warmupOffset ?? null,
        paths: runner.paths(dir, role),
      }),
      null,
      1,
    );
  const codeSha256 = createHash("sha256").update(input.code).digest("hex");
  let referenceStep: StepRecord | null = null;
  let candidateStep: StepRecord | null = null;
  let reference: ReferenceSummary | null = null;
  let supervisor: SupervisorResult | null = null;
  let timing: TimedWall | null = null;
  let verification: VerifyReport | null = null;
  let measured: MfuResult | null = null;
  let verifyMs = 0;
  let referenceRemote: StepOutcome["remote"] = undefined;
  let candidateRemote: StepOutcome["remote"] = undefined;

  const finish = async (status: RunResult["status"], errorCode: string | null, error: string | null, checks: readonly RunCheck[]): Promise<Result<RunResult, EvaluationError>> => {
    const P = RUN_ARTIFACT_PATHS;
    const [initialSha, referenceSha, candidateSha, referenceJsonSha, supervisorSha] = await Promise.all([
      sha256File(join(dir.runDir, P.initialState)),
      sha256File(join(dir.runDir, P.referenceState)),
      sha256File(join(dir.runDir, P.candidateState)),
      sha256File(join(dir.runDir, P.referenceSummary)),
      sha256File(join(dir.runDir, "supervisor", "result.json")),
    ]);
    const remote = runner.remoteHost ?? null;
    // A remote host reports its own sandbox profile; an exception there is the run's profile.
    const remoteProfile = [referenceRemote, candidateRemote].map((r) => r?.sandboxProfile).find((p) => p !== undefined && p !== "strict");
    const provenance: RunProvenance = {
      imageId: runner.provenance.imageId, imageTag: runner.provenance.imageTag, harnessHash: runner.provenance.harnessHash,
      referenceHarnessHash: reference?.harness_hash ?? null, scannerRulesHash: input.scannerRulesHash, hparamsHash: input.hparamsHash,
      codeSha256, seed: input.seed, taskId: runNo, initialStateSha256: initialSha, referenceStateSha256: referenceSha,
      candidateStateSha256: candidateSha, referenceJsonSha256: referenceJsonSha, supervisorResultSha256: supervisorSha,
      device: runner.device, runner: runner.kind, sandboxProfile: remoteProfile ?? runner.provenance.sandboxProfile, versions: reference?.versions ?? {},
      ...(remote === null ? {} : { remoteHost: { ...remote, referenceRecord: referenceRemote?.record ?? null, candidateRecord: candidateRemote?.record ?? null } }),
    };
    const keepFigures = status === "success" || errorCode === "insufficient_mfu";
    return ok({
      runId: input.runId, runNo, seed: input.seed, status, errorCode, error,
      mfu: keepFigures ? (measured?.mfu ?? 0) : 0,
      tps: keepFigures ? (measured?.tps ?? 0) : 0,
      totalUniqueTokens: keepFigures ? (measured?.totalUniqueTokens ?? 0) : 0,
      measured, timing,
      referenceLoss: reference?.final_loss ?? null,
      candidateLoss: verification?.details.candidateLoss ?? null,
      modelParams: reference?.model_params ?? null,
      strategy: { dpSize: input.dpSize, tpSize: input.tpSize, numGpus: input.numGpus },
      checks, verification: verification?.details ?? null, supervisor: supervisor?.raw ?? null,
      mfuComparable: input.applyMfuBounds,
      steps: { reference: referenceStep, candidate: candidateStep },
      durations: { referenceMs: referenceStep?.durationMs ?? 0, candidateMs: candidateStep?.durationMs ?? 0, verifyMs, totalMs: performance.now() - t0 },
      runDir: dir.runDir, provenance,
    });
  };
  const voidRun = (message: string) => finish("void", "infrastructure_error", message, []);

  // 1. The reference container: trusted code only.
  const refIn = await writeInputFile(dir.referenceIn, "params.json", params("reference"));
  if (refIn.isErr()) return err(refIn.error);
  progress({ kind: "phase", runNo, phase: "reference", state: "start", elapsedMs: performance.now() - t0 });
  const ref = await runner.runReference({
    runId: `${input.runId}-ref`, taskId: runNo, dir, params: JSON.parse(params("reference")), deadlineMs: input.referenceDeadlineMs, signal: input.signal,
    onOutput: (line) => progress({ kind: "output", runNo, phase: "reference", line }),
  });
  if (ref.isErr()) return err(ref.error);
  referenceRemote = ref.value.remote;
  referenceStep = record(ref.value, join(dir.logsDir, "reference.log"));
  progress({ kind: "phase", runNo, phase: "reference", state: "done", elapsedMs: performance.now() - t0 });
  if (ref.value.end === "aborted") return err(aborted());
  if (ref.value.end === "deadline_exceeded") return voidRun("the reference run exceeded its deadline");
  if (ref.value.hostError !== null || ref.value.exitCode !== 0) {
    return voidRun(`the reference run failed (exit ${ref.value.exitCode}${ref.value.oomKilled ? ", out of memory" : ""}${ref.value.hostError ? `, ${ref.value.hostError}` : ""}); see ${referenceStep.logPath}`);
  }
  const refSummary = await readReference(dir.runDir);
  if (refSummary.isErr()) return voidRun(refSummary.error);
  reference = refSummary.value;
  const expectedHash = runner.provenance.harnessHash;
  if (expectedHash !== null && reference.harness_hash !== expectedHash) {
    return voidRun(`the reference ran harness ${reference.harness_hash}, not the configured ${expectedHash} (spec L.6)`);
  }

  // 2. The candidate container: supervisor + miner code.
  for (const [name, data] of [
    ["params.json", params("candidate")],
    ["miner_train.py", input.code],
    ...(input.scanFacts === null ? [] : [["scan.json", canonicalJson(input.scanFacts)] as const]),
  ] as const) {
    const w = await writeInputFile(dir.candidateIn, name, data);
    if (w.isErr()) return err(w.error);
  }
  progress({ kind: "phase", runNo, phase: "candidate", state: "start", elapsedMs: performance.now() - t0 });
  const cand = await runner.runCandidate({
    runId: `${input.runId}-cand`, taskId: runNo, dir, params: JSON.parse(params("candidate")), deadlineMs: input.candidateDeadlineMs, signal: input.signal,
    onOutput: (line) => progress({ kind: "output", runNo, phase: "candidate", line }),
  });
  if (cand.isErr()) return err(cand.error);
  candidateRemote = cand.value.remote;
  candidateStep = record(cand.value, join(dir.logsDir, "candidate.log"));
  progress({ kind: "phase", runNo, phase: "candidate", state: "done", elapsedMs: performance.now() - t0 });
  if (cand.value.end === "aborted") return err(aborted());
  const early = candidateFailure(cand.value);
  if (early !== null) {
    const fail: RunCheck = { id: "supervisor_status", status: "fail", binding: true, figure: null, threshold: null, comparison: "== completed", code: early.code, message: early.message };
    return early.code === "infrastructure_error" ? voidRun(early.message) : finish("failed", early.code, early.message, [fail]);
  }

  // 3. The supervisor's trusted files, read only now that the container is gone.
  const timingFile = await readSupervisorTiming(dir.runDir, runner.supervisorUid);
  const resultFile = await readSupervisorResult(dir.runDir, runner.supervisorUid);
  supervisor = resultFile.isOk() ? resultFile.value : null;
  if (timingFile.isErr()) {
    if (cand.value.oomKilled) {
      const message = "the candidate container ran out of memory";
      return finish("failed", "miner_crash", message, [{ id: "supervisor_status", status: "fail", binding: true, figure: null, threshold: null, comparison: "== completed", code: "miner_crash", message }]);
    }
    return voidRun(`supervisor files unusable (exit ${cand.value.exitCode}): ${timingFile.error.message}`);
  }
  const status = timingFile.value.status;
  if (expectedHash !== null && supervisor !== null && supervisor.harnessHash !== null && supervisor.harnessHash !== expectedHash) {
    return voidRun(`the supervisor ran harness ${supervisor.harnessHash}, not the configured ${expectedHash} (spec L.6)`);
  }
  if (status !== "completed" && cand.value.oomKilled) {
    // The trusted side's memory is small and bounded: an out-of-memory kill in the candidate
    // container is the miner code's doing, even when the kernel picked the supervisor as victim.
    const message = `the candidate container ran out of memory (supervisor status ${status}${supervisor?.error ? `: ${supervisor.error}` : ""})`;
    return finish("failed", "miner_crash", message, [{ id: "supervisor_status", status: "fail", binding: true, figure: null, threshold: null, comparison: "== completed", code: "miner_crash", message }]);
  }
  if (status === "completed" && cand.value.exitCode !== 0) return voidRun(`the supervisor reported completed but exited with ${cand.value.exitCode}`);
  if (status === "infrastructure_error") return voidRun(`supervisor: ${supervisor?.error ?? "infrastructure_error"}`);

  // 4. Verification, timing and MFU on the host (§L.1.8 steps 4 to 6).
  if (status === "completed") {
    const tw = computeTimedWall(timingFile.value, reference.state_write_seconds, input.timingParams);
    if (tw.isErr()) return voidRun(`supervisor/timing.json: ${tw.error}`);
    timing = tw.value;
    progress({ kind: "phase", runNo, phase: "verify", state: "start", elapsedMs: performance.now() - t0 });
    const v0 = performance.now();
    const verified = await verifyRun(dir.runDir, {
      verification: input.verification, handoffMaxBytesFactor: input.handoffMaxBytesFactor,
      ...(input.verifyWorkers === undefined ? {} : { workers: input.verifyWorkers }),
    });
    verifyMs = performance.now() - v0;
    progress({ kind: "phase", runNo, phase: "verify", state: "done", elapsedMs: performance.now() - t0 });
    if (verified.isErr()) return voidRun(verified.error.message);
    verification = verified.value;
    measured = computeMfu({
      modelParams: reference.model_params, batchSize: reference.batch_size, sequenceLength: reference.sequence_length, steps: reference.steps,
      dpSize: reference.dp_size, numGpus: reference.num_gpus, wallTimeSeconds: timing.timedWallSeconds, gpuPeakTflops: input.mfuParams.gpu_peak_tflops,
      bounds: input.mfuParams, verified: verification.verified,
    });
  }
  const verdict = judgeRun({
    supervisorStatus: status, supervisorError: supervisor?.error ?? null, timing, mfu: measured, mfuBounds: input.mfuParams,
    applyMfuBounds: input.applyMfuBounds, postChecks: parsePostChecks(supervisor?.claims ?? null), verification,
  });
  if (verdict.errorCode === "infrastructure_error") return voidRun(verdict.error ?? "infrastructure_error");
  return finish(verdict.passed ? "success" : "failed", verdict.errorCode, verdict.error, verdict.checks);
}
