/**
 * `/api/leader/history` (§J.2 [PROJECT], §H.4): the leader record's audit trail, newest first.
 * @module
 */
import type { ApiContext } from "./context.js";
import { detail, json, type ApiResponse } from "./http.js";
import { parseIntegerParameter } from "./params.js";
import { leaderHistoryRows } from "./queries.js";

/** `/api/leader/history?limit=1..1000` (default 100): every finalisation the record saw, changed or not. */
export function leaderHistory(ctx: ApiContext, query: URLSearchParams): ApiResponse {
  const limit = parseIntegerParameter(query, "limit", { min: 1, max: 1000, fallback: 100 });
  if (limit.isErr()) return detail(422, limit.error.message);
  return json(
    200,
    leaderHistoryRows(ctx.store, ctx.version, limit.value).map((h) => ({
      submission_id: h.submissionId,
      block: h.block,
      reason: h.reason,
      changed: h.changed === 1,
      old_leader_id: h.oldLeaderId,
      old_leader_score: h.oldLeaderScore,
      old_threshold: h.oldThreshold,
      old_threshold_block: h.oldThresholdBlock,
      new_leader_id: h.newLeaderId,
      new_leader_score: h.newLeaderScore,
      new_threshold: h.newThreshold,
      new_threshold_block: h.newThresholdBlock,
      threshold_applied: h.thresholdApplied,
      score_to_beat: h.scoreToBeat,
      created_at: h.createdAt,
    })),
  );
}
