/**
 * `/api/submissions/{id}`, `/evaluations` and `/code` (§J.2): the whole row in the reference's field
 * names plus the project's (§C.10 statuses in both vocabularies, scan violations, error codes,
 * verification and provenance of every run). Not filtered by version, as in the reference; the URL
 * and the code follow `api.code_disclosure` (§J.3).
 * @module
 */
import type { RunResult } from "../evaluation/index.js";
import { getSubmission, referenceStatus, type SubmissionRow } from "../store/index.js";
import type { ApiContext } from "./context.js";
import { disclosureState, isDisclosed } from "./disclosure.js";
import { detail, json, type ApiResponse } from "./http.js";
import { codeBytes, runRows, type RunRow } from "./queries.js";

// Code is served as stored; a byte-order mark stays (the scanner saw it too, §B.5).
const UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** The stored code of `s` as text, or `null` when none is stored. */
function storedCode(ctx: ApiContext, s: SubmissionRow): string | null {
  if (s.codeSha256 === null) return null;
  const bytes = codeBytes(ctx.store, s.codeSha256);
  return bytes === null ? null : UTF8.decode(bytes);
}

/** `/api/submissions/{id}`: 404 `{"detail": "Submission not found"}` when missing. */
export async function submissionDetail(ctx: ApiContext, id: string): Promise<ApiResponse> {
  const s = getSubmission(ctx.store, id);
  if (s === null) return detail(404, "Submission not found");
  const open = isDisclosed(ctx, s, await disclosureState(ctx));
  return json(200, {
    submission_id: s.submissionId,
    miner_hotkey: s.minerHotkey,
    miner_uid: s.minerUid,
    code_hash: s.codeHash,
    bucket_path: open ? s.bucketPath : null,
    spec_version: s.specVersion,
    status: referenceStatus(s.status),
    project_status: s.status,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    final_score: s.finalScore,
    error_message: s.errorMessage,
    error_code: s.errorCode,
    code_content: open ? storedCode(ctx, s) : null,
    code_disclosed: open,
    payment_verified: s.paymentVerified,
    scan_violations: s.scanViolations,
    scanner_rules_hash: s.scannerRulesHash,
    strategy: s.strategy === null ? null : { dp_size: s.strategy.dpSize, tp_size: s.strategy.tpSize, num_gpus: s.strategy.numGpus },
    code_sha256: s.codeSha256,
    reveal_block: s.revealBlock,
    finished_block: s.finishedBlock,
    download_attempts: s.downloadAttempts,
  });
}

function parseResult(text: string): Partial<RunResult> {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === "object" && v !== null ? (v as Partial<RunResult>) : {};
  } catch {
    return {};
  }
}

function evaluationJson(r: RunRow) {
  const result = parseResult(r.result);
  return {
    evaluation_id: r.runId,
    submission_id: r.submissionId,
    evaluator_hotkey: r.evaluatorHotkey,
    mfu: r.mfu,
    tokens_per_second: r.tokensPerSecond,
    total_tokens: r.totalTokens,
    wall_time_seconds: r.wallTimeSeconds,
    success: r.status === "success",
    error: r.error,
    created_at: r.createdAt,
    error_code: r.errorCode,
    status: r.status,
    superseded: r.superseded === 1,
    run_no: r.runNo,
    seed: result.seed ?? null,
    mfu_comparable: result.mfuComparable ?? null,
    measured: result.measured ?? null,
    timing: result.timing ?? null,
    checks: result.checks ?? [],
    verification: result.verification ?? null,
    provenance: result.provenance ?? null,
  };
}

/** `/api/submissions/{id}/evaluations`: every run, void ones included, in the order made (`[]` for an unknown id, as the reference). */
export function submissionEvaluations(ctx: ApiContext, id: string): ApiResponse {
  return json(200, runRows(ctx.store, id).map(evaluationJson));
}

/** The placeholder served in place of code that is not stored yet. */
export function codeNotStoredPlaceholder(codeHash: string): string {
  return `# Code not yet available\n# Submission may still be evaluating\n# code_hash: ${codeHash}`;
}

/** The placeholder served in place of code that `api.code_disclosure` keeps hidden. */
export function codeHiddenPlaceholder(codeHash: string, mode: string): string {
  return `# Code not available: not disclosed (api.code_disclosure = ${mode})\n# code_hash: ${codeHash}`;
}

/**
 * `/api/submissions/{id}/code`: `{code, code_hash}`; a placeholder comment when the code is not
 * stored or not disclosed; `{code: null, code_hash: null}` for an unknown id, as the reference.
 */
export async function submissionCode(ctx: ApiContext, id: string): Promise<ApiResponse> {
  const s = getSubmission(ctx.store, id);
  if (s === null) return json(200, { code: null, code_hash: null, disclosed: false });
  if (!isDisclosed(ctx, s, await disclosureState(ctx))) return json(200, { code: codeHiddenPlaceholder(s.codeHash, ctx.hparams.api.code_disclosure), code_hash: s.codeHash, disclosed: false });
  const code = storedCode(ctx, s);
  return json(200, { code: code ?? codeNotStoredPlaceholder(s.codeHash), code_hash: s.codeHash, disclosed: code !== null });
}
