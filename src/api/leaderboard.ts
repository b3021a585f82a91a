/**
 * `/leaderboard` (§J.2 [PROJECT]): rank 1 is the stored leader (§H.4), then every other finished
 * submission of the version by raw score. Unlike the reference, the history is never re-ranked, so
 * the API, the dashboard and weight setting agree on rank 1.
 * @module
 */
import { getLeaderState } from "../store/index.js";
import type { ApiContext } from "./context.js";
import { detail, json, type ApiResponse } from "./http.js";
import { parseIntegerParameter } from "./params.js";
import { leaderboardRow, leaderboardRows, type LeaderboardRow } from "./queries.js";

/** `/leaderboard?limit=1..100` (default 50). `num_evaluations` counts the non-void runs. */
export function leaderboard(ctx: ApiContext, query: URLSearchParams): ApiResponse {
  const limit = parseIntegerParameter(query, "limit", { min: 1, max: 100, fallback: 50 });
  if (limit.isErr()) return detail(422, limit.error.message);
  const leaderId = getLeaderState(ctx.store, ctx.version).leaderId;
  const leader = leaderId === null ? null : leaderboardRow(ctx.store, ctx.version, leaderId);
  const rest = leaderboardRows(ctx.store, ctx.version, leader?.submissionId ?? null, limit.value);
  const rows: LeaderboardRow[] = leader === null ? rest : [leader, ...rest];
  return json(
    200,
    rows.slice(0, limit.value).map((r, i) => ({
      rank: i + 1,
      submission_id: r.submissionId,
      miner_hotkey: r.minerHotkey,
      miner_uid: r.minerUid,
      final_score: r.finalScore,
      num_evaluations: r.numEvaluations,
      created_at: r.createdAt,
    })),
  );
}
