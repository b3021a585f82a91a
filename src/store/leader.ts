/**
 * The stored leader record per competition version and its audit trail (§H.4).
 * @module
 */
import { EMPTY_LEADER_STATE, type LeaderState, type LeaderUpdate } from "../scoring/index.js";
import type { Store } from "./open-store.js";
import { prepared } from "./statements.js";
import { nowIso } from "./submissions.js";

/** The leader record of `specVersion` (all `null` before the first finished submission). */
export function getLeaderState(store: Store, specVersion: number): LeaderState {
  const row = prepared(store, `SELECT leader_id AS leaderId, leader_score AS leaderScore, threshold, threshold_block AS thresholdBlock FROM leader_state WHERE spec_version = ?`).get(specVersion) as
    | { leaderId: string | null; leaderScore: number | null; threshold: number | null; thresholdBlock: number | null }
    | undefined;
  if (!row || row.leaderId === null || row.leaderScore === null || row.threshold === null || row.thresholdBlock === null) return EMPTY_LEADER_STATE;
  return { leaderId: row.leaderId, leaderScore: row.leaderScore, threshold: row.threshold, thresholdBlock: row.thresholdBlock };
}

/** Stores the outcome of `updateLeader` and appends its audit row. Call inside the finalisation's transaction. */
export function applyLeaderUpdate(store: Store, specVersion: number, u: LeaderUpdate): void {
  const s = u.state;
  const p = u.previous;
  if (u.changed) {
    prepared(store, 
        `INSERT INTO leader_state (spec_version, leader_id, leader_score, threshold, threshold_block, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (spec_version) DO UPDATE SET leader_id = excluded.leader_id, leader_score = excluded.leader_score, threshold = excluded.threshold,
           threshold_block = excluded.threshold_block, updated_at = excluded.updated_at`,
      )
      .run(specVersion, s.leaderId, s.leaderScore, s.threshold, s.thresholdBlock, nowIso());
  }
  prepared(store, 
      `INSERT INTO leader_history (spec_version, submission_id, block, reason, changed, old_leader_id, old_leader_score, old_threshold, old_threshold_block,
         new_leader_id, new_leader_score, new_threshold, new_threshold_block, threshold_applied, score_to_beat, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(specVersion, u.submissionId, u.block, u.reason, u.changed ? 1 : 0, p.leaderId, p.leaderScore, p.threshold, p.thresholdBlock, s.leaderId, s.leaderScore, s.threshold, s.thresholdBlock, u.thresholdApplied, u.scoreToBeat, nowIso());
}

/** One audit row. */
export interface LeaderHistoryRow {
  readonly submissionId: string;
  readonly block: number;
  readonly reason: string;
  readonly changed: boolean;
  readonly oldLeaderId: string | null;
  readonly oldLeaderScore: number | null;
  readonly newLeaderId: string | null;
  readonly newLeaderScore: number | null;
  readonly newThreshold: number | null;
  readonly thresholdApplied: number | null;
  readonly scoreToBeat: number | null;
  readonly createdAt: string;
}

/** The audit trail of `specVersion`, newest first. */
export function leaderHistory(store: Store, specVersion: number, limit = 100): LeaderHistoryRow[] {
  const rows = prepared(store, 
      `SELECT submission_id AS submissionId, block, reason, changed, old_leader_id AS oldLeaderId, old_leader_score AS oldLeaderScore, new_leader_id AS newLeaderId,
         new_leader_score AS newLeaderScore, new_threshold AS newThreshold, threshold_applied AS thresholdApplied, score_to_beat AS scoreToBeat, created_at AS createdAt
       FROM leader_history WHERE spec_version = ? ORDER BY id DESC LIMIT ?`,
    )
    .all(specVersion, limit) as (Omit<LeaderHistoryRow, "changed"> & { changed: number })[];
  return rows.map((r) => ({ ...r, changed: r.changed === 1 }));
}
