/**
 * `/api/weights/latest` (§J.2 [PROJECT]): the last weight vector set on chain and the leader record
 * it came from.
 * @module
 */
import { latestWeightSet, type WeightSetRecord } from "../store/index.js";
import type { ApiContext } from "./context.js";
import { json, type ApiResponse } from "./http.js";

function weightSetJson(w: WeightSetRecord) {
  return {
    block: w.block,
    uids: w.uids,
    weights: w.weights,
    leader: { leader_id: w.leader.leaderId, leader_score: w.leader.leaderScore, threshold: w.leader.threshold, threshold_block: w.leader.thresholdBlock },
    mode: w.mode,
    tx_hash: w.txHash,
    outcome: w.outcome,
    error: w.error,
    created_at: w.createdAt ?? null,
  };
}

/**
 * `/api/weights/latest`: `{latest, last_attempt}`: the newest attempt whose outcome is `set` and the
 * newest attempt whatever its outcome (a failing weight setter shows here), each `null` when none.
 */
export function weightsLatest(ctx: ApiContext): ApiResponse {
  const set = latestWeightSet(ctx.store);
  const any = latestWeightSet(ctx.store, { anyOutcome: true });
  return json(200, { latest: set === null ? null : weightSetJson(set), last_attempt: any === null ? null : weightSetJson(any) });
}
