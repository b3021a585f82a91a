/**
 * `verifyRun`: the host-side checks of spec §F (and §F.5, §L.1.8) over a run directory.
 * @module
 */
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { err, ok, ResultAsync, type Result } from "neverthrow";
import type { VerificationHparams } from "../config/index.js";
import { parseCandidateSummary, parseReferenceSummary, RUN_ARTIFACT_PATHS, type CandidateSummary, type ReferenceSummary } from "./artifacts.js";
import { buildChecks, type CandidateStateStatus } from "./checks.js";
import { FLOAT_DTYPES } from "./dtype.js";
import type { RunArtifactError, VerifyRunError } from "./errors.js";
import type { VerifyReport } from "./report.js";
import { MAX_HEADER_BYTES, readSafetensors, type SafetensorsReader } from "./safetensors.js";
import { runTensorPass, type PassFigures } from "./tensor-pass.js";

/** Options of {@link verifyRun}. */
export interface VerifyRunOptions {
  /** The thresholds: `hparams.verification`. */
  readonly verification: VerificationHparams;
  /** Largest candidate state relative to the reference's (`sandbox.handoff_max_bytes_factor`). @default 1.1 */
  readonly handoffMaxBytesFactor?: number;
  /** Worker threads; 0 computes on the calling thread. @default min(availableParallelism(), 8) */
  readonly workers?: number;
  /** Elements per unit of work. @default 4194304 */
  readonly sliceElements?: number;
  /** Called as tensor data is verified. */
  readonly onProgress?: (p: { readonly doneBytes: number; readonly totalBytes: number }) => void;
}

const artifactError = (runDir: string, artifact: string, message: string, cause: unknown = null): RunArtifactError => ({
  type: "run_artifact_invalid", message: `${artifact}: ${message}`, path: join(runDir, artifact), artifact, cause,
});

async function readJson(runDir: string, artifact: string): Promise<Result<unknown, { missing: boolean; message: string; cause: unknown }>> {
  let text: string;
  try {
    text = await readFile(join(runDir, artifact), "utf8");
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    return err({ missing: code === "ENOENT", message: `cannot read (${code ?? "EIO"})`, cause });
  }
  if (text.length > 16 * 1024 * 1024) return err({ missing: false, message: "larger than 16 MiB", cause: null });
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (cause) {
    return err({ missing: false, message: `not valid JSON (${(cause as Error).message})`, cause });
  }
}

/**
 * Verifies a run directory (layout in `docs/run-artifacts.md`): logits shape, final-state validity,
 * keys and shapes, changed-parameter ratio, token count, loss validity and difference, global and
 * per-layer relative L2 weight error, NaN/Inf. Every check is reported, not only the first failure.
 * Tensors are streamed in fixed-size chunks over worker threads: memory stays bounded whatever the
 * model size.
 * @param runDir - the run directory
 * @returns the report; `Err` only when a trusted artifact (initial or reference state, reference
 *   summary) is missing or invalid, or reading failed midway: then the run is void, not failed
 * @example
 * import { verifyRun } from "crusades/verify";
 * import { loadHparams } from "crusades/config";
 * const hp = loadHparams()._unsafeUnwrap();
 * const report = await verifyRun("runs/42", { verification: hp.verification });
 */
export function verifyRun(runDir: string, options: VerifyRunOptions): ResultAsync<VerifyReport, VerifyRunError> {
  return new ResultAsync(verify(runDir, options));
}

async function verify(runDir: string, options: VerifyRunOptions): Promise<Result<VerifyReport, VerifyRunError>> {
  const started = performance.now();
  const P = RUN_ARTIFACT_PATHS;
  const refJson = await readJson(runDir, P.referenceSummary);
  if (refJson.isErr()) return err(artifactError(runDir, P.referenceSummary, refJson.error.message, refJson.error.cause));
  const refSummary = parseReferenceSummary(refJson.value);
  if (refSummary.isErr()) return err(artifactError(runDir, P.referenceSummary, refSummary.error));

  const candJson = await readJson(runDir, P.candidateSummary);
  let candidate: CandidateSummary | string;
  if (candJson.isErr()) candidate = candJson.error.missing ? "missing" : candJson.error.message;
  else candidate = parseCandidateSummary(candJson.value).match((s) => s as CandidateSummary | string, (e) => e);

  const readers: SafetensorsReader[] = [];
  try {
    const trusted = async (artifact: string) => {
      const r = await readSafetensors(join(runDir, artifact), { allowedDtypes: FLOAT_DTYPES });
      if (r.isErr()) return err(artifactError(runDir, artifact, r.error.message, r.error));
      readers.push(r.value);
      return ok(r.value);
    };
    const initial = await trusted(P.initialState);
    if (initial.isErr()) return err(initial.error);
    const reference = await trusted(P.referenceState);
    if (reference.isErr()) return err(reference.error);

    // The candidate's header holds at most the initial state's keys (the harness drops extras,
    // §L.1.5): bound it by the initial header's size so a hostile header cannot cost more.
    const candidateHeaderLimit = Math.min(MAX_HEADER_BYTES, Math.max(1 << 20, 2 * initial.value.headerBytes));
    const cand = await readSafetensors(join(runDir, P.candidateState), { allowedDtypes: FLOAT_DTYPES, noFollow: true, maxHeaderBytes: candidateHeaderLimit });
    let state: CandidateStateStatus;
    if (cand.isErr()) {
      const missing = cand.error.type === "safetensors_io" && (cand.error.cause as { code?: string } | null)?.code === "ENOENT";
      state = { kind: missing ? "missing" : "invalid", message: cand.error.message };
    } else {
      readers.push(cand.value);
      state = { kind: "ok", reader: cand.value };
    }

    let pass: PassFigures | null = null;
    if (state.kind === "ok") {
      try {
        pass = await runTensorPass(state.reader, reference.value, initial.value, {
          workers: options.workers ?? Math.min(availableParallelism(), 8),
          sliceElements: options.sliceElements ?? 1 << 22,
          onProgress: options.onProgress,
        });
      } catch (cause) {
        return err({ type: "verify_io", message: `reading tensor data failed: ${(cause as Error).message}`, path: runDir, cause });
      }
    }
    return ok(
      buildChecks({
        reference: refSummary.value as ReferenceSummary,
        candidate,
        state,
        initial: initial.value,
        referenceState: reference.value,
        pass,
        verification: options.verification,
        handoffMaxBytesFactor: options.handoffMaxBytesFactor ?? 1.1,
        seconds: (performance.now() - started) / 1000,
      }),
    );
  } finally {
    await Promise.all(readers.map((r) => r.close().catch(() => undefined)));
  }
}
