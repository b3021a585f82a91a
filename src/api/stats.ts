/**
 * The dashboard's `/api/stats/*` endpoints (§J.2): overview, validator, recent, history, queue and
 * threshold, with the reference's field names; rank 1 and the threshold come from the leader record.
 * @module
 */
import { referenceStatus } from "../store/index.js";
import type { ApiContext } from "./context.js";
import { thresholdNow } from "./context.js";
import { detail, json, type ApiResponse } from "./http.js";
import { parseIntegerParameter } from "./params.js";
import {
  activeMinersSince,
  averageFinishedScore,
  bestFinishedScoreAtOrBefore,
  finishedScoresInOrder,
  firstFinishedScore,
  firstSubmissionAt,
  IN_PROGRESS,
  lastImprovement,
  leaderUpdatedAt,
  oldestInProgress,
  recentFinal,
  runsSince,
  submissionCounts,
  submissionsSince,
} from "./queries.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** `"Xd Yh Zm"` for a duration; `"N/A"` for a negative or non-finite one. */
export function formatUptime(durationMs: number): string {
  if (!Number.isFinite(durationMs) || durationMs < 0) return "N/A";
  const minutes = Math.floor(durationMs / 60_000);
  return `${Math.floor(minutes / 1440)}d ${Math.floor((minutes % 1440) / 60)}h ${minutes % 60}m`;
}

function queueCounts(ctx: ApiContext) {
  const c = submissionCounts(ctx.store, ctx.version);
  return {
    queued: c.queued,
    running: IN_PROGRESS.reduce((n, s) => n + c[s], 0),
    finished: c.finished,
    // `duplicate` is `failed_evaluation` in the reference's vocabulary (§C.10).
    failed: c.failed + c.duplicate,
    total: Object.values(c).reduce((a, b) => a + b, 0),
  };
}

/** `/api/stats/overview`. */
export async function overview(ctx: ApiContext): Promise<ApiResponse> {
  const t = await thresholdNow(ctx);
  const dayAgo = new Date(ctx.now().getTime() - DAY_MS).toISOString();
  const top = t.leader.leaderScore ?? 0;
  // The reference: against the best score 24 h ago, else the first finished score; never negative.
  const before = bestFinishedScoreAtOrBefore(ctx.store, ctx.version, dayAgo);
  let improvement = 0;
  if (before !== null && before > 0) improvement = Math.max(0, ((top - before) / before) * 100);
  else if (top > 0) {
    const first = firstFinishedScore(ctx.store, ctx.version);
    if (first !== null && first > 0 && first !== top) improvement = Math.max(0, ((top - first) / first) * 100);
  }
  return json(200, {
    submissions_24h: submissionsSince(ctx.store, ctx.version, dayAgo),
    current_top_score: top,
    mfu_to_beat: t.scoreToBeat === null ? 0 : round(t.scoreToBeat, 4),
    adaptive_threshold: t.decayed,
    score_improvement_24h: round(improvement, 2),
    total_submissions: queueCounts(ctx).total,
    active_miners: activeMinersSince(ctx.store, ctx.version, dayAgo),
  });
}

/** `/api/stats/validator`. */
export function validatorStatus(ctx: ApiContext): ApiResponse {
  const now = ctx.now();
  const q = queueCounts(ctx);
  const current = oldestInProgress(ctx.store, ctx.version);
  const decided = q.finished + q.failed;
  const first = firstSubmissionAt(ctx.store, ctx.version);
  const since = ctx.validator?.startedAt.getTime() ?? (first === null ? null : Date.parse(first));
  return json(200, {
    status: current !== null ? "running" : "idle",
    evaluations_completed_1h: runsSince(ctx.store, ctx.version, new Date(now.getTime() - HOUR_MS).toISOString()),
    current_evaluation: current === null ? null : { submission_id: current.submissionId, miner_uid: current.minerUid },
    uptime: since === null ? "N/A" : formatUptime(now.getTime() - since),
    queued_count: q.queued,
    running_count: q.running,
    finished_count: q.finished,
    failed_count: q.failed,
    success_rate: `${(decided === 0 ? 0 : (q.finished / decided) * 100).toFixed(1)}%`,
    validator_hotkey: ctx.validator?.hotkey ?? null,
    started_at: ctx.validator?.startedAt.toISOString() ?? null,
  });
}

/** `/api/stats/recent?limit=1..100` (default 20): the newest final submissions. No URL or code. */
export function recent(ctx: ApiContext, query: URLSearchParams): ApiResponse {
  const limit = parseIntegerParameter(query, "limit", { min: 1, max: 100, fallback: 20 });
  if (limit.isErr()) return detail(422, limit.error.message);
  return json(
    200,
    recentFinal(ctx.store, ctx.version, limit.value).map((r) => ({
      submission_id: r.submissionId,
      miner_hotkey: r.minerHotkey,
      miner_uid: r.minerUid,
      status: referenceStatus(r.status),
      project_status: r.status,
      final_score: r.finalScore,
      created_at: r.createdAt,
      error: r.errorMessage,
      error_code: r.errorCode,
    })),
  );
}

/** `/api/stats/history?limit=1..1000` (default 100): the running maximum of finished scores, last `limit` points. */
export function history(ctx: ApiContext, query: URLSearchParams): ApiResponse {
  const limit = parseIntegerParameter(query, "limit", { min: 1, max: 1000, fallback: 100 });
  if (limit.isErr()) return detail(422, limit.error.message);
  let best = 0;
  const points = finishedScoresInOrder(ctx.store, ctx.version).map((r) => {
    if (r.finalScore > best) best = r.finalScore;
    return { submission_id: r.submissionId, mfu: best, timestamp: r.createdAt };
  });
  return json(200, points.slice(-limit.value));
}

/** `/api/stats/queue`. */
export function queue(ctx: ApiContext): ApiResponse {
  const q = queueCounts(ctx);
  return json(200, {
    queued_count: q.queued,
    running_count: q.running,
    finished_count: q.finished,
    failed_count: q.failed,
    avg_wait_time_seconds: 0.0,
    avg_score: averageFinishedScore(ctx.store, ctx.version) ?? 0,
    pending_count: q.queued,
  });
}

/** `/api/stats/threshold`: the reference's fields plus `leader_id`, `leader_score`, `threshold_block` (§J.2 [PROJECT]). */
export async function threshold(ctx: ApiContext): Promise<ApiResponse> {
  const t = await thresholdNow(ctx);
  const base = ctx.hparams.adaptive_threshold.base_threshold;
  return json(200, {
    current_threshold: t.leader.threshold ?? base,
    last_improvement: lastImprovement(ctx.store, ctx.version),
    last_update_block: t.leader.thresholdBlock ?? 0,
    decayed_threshold: t.decayed,
    updated_at: leaderUpdatedAt(ctx.store, ctx.version),
    leader_id: t.leader.leaderId,
    leader_score: t.leader.leaderScore,
    threshold_block: t.leader.thresholdBlock,
    current_block: t.currentBlock,
    mfu_to_beat: t.scoreToBeat,
  });
}
