/**
 * `/api/commitments?hotkey=…&limit=…` (§J.2 [PROJECT]): every ingested commitment of the version
 * with its outcome and reason, so that a miner can see why a commitment was not evaluated.
 * @module
 */
import type { ApiContext } from "./context.js";
import { disclosureState, isDisclosed, type DisclosureState } from "./disclosure.js";
import { detail, json, type ApiResponse } from "./http.js";
import { parseIntegerParameter } from "./params.js";
import { commitmentRows, type CommitmentRow } from "./queries.js";

// The raw text carries the URL: it is served only when the submission it created may show its
// URL (§J.3). An entry that created no submission (rejected, duplicate URL, rate-limited) never
// shows it: its URL may be another miner's, or code that was never evaluated.
function rawTextOf(ctx: ApiContext, c: CommitmentRow, state: DisclosureState): string | null {
  if (c.submissionId === null || c.submissionStatus === null || c.submissionBucketPath === null) return null;
  const subject = { submissionId: c.submissionId, status: c.submissionStatus, finishedBlock: c.submissionFinishedBlock, codeSha256: c.submissionCodeSha256, bucketPath: c.submissionBucketPath };
  const open = isDisclosed(ctx, subject, state);
  return open ? c.rawText : null;
}

/** `/api/commitments`: newest reveal first; `hotkey` filters (empty means all); `limit=1..1000` (default 100). */
export async function commitments(ctx: ApiContext, query: URLSearchParams): Promise<ApiResponse> {
  const limit = parseIntegerParameter(query, "limit", { min: 1, max: 1000, fallback: 100 });
  if (limit.isErr()) return detail(422, limit.error.message);
  const hotkey = query.get("hotkey");
  const rows = commitmentRows(ctx.store, ctx.version, hotkey === null || hotkey === "" ? null : hotkey, limit.value);
  const state = await disclosureState(ctx);
  return json(
    200,
    rows.map((c) => ({
      hotkey: c.hotkey,
      uid: c.uid,
      reveal_block: c.revealBlock,
      payload_sha256: c.payloadSha256,
      source: c.source,
      list_index: c.listIndex,
      outcome: c.outcome,
      reason: c.reason,
      submission_id: c.submissionId,
      submission_status: c.submissionStatus,
      final_score: c.submissionFinalScore,
      error_code: c.submissionErrorCode,
      spec_version: c.specVersion,
      ingested_block: c.ingestedBlock,
      raw_text: rawTextOf(ctx, c, state),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
    })),
  );
}
