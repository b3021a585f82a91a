/**
 * The adaptive threshold (spec crusades.md §H.3) and the project's explicit leader state (§H.4),
 * plus the reference's history re-ranking (§H.2) for compatibility checks.
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import type { AdaptiveThresholdHparams } from "../config/index.js";

/** The single stored leader record (§H.4: `{leader_id, leader_score, threshold, threshold_block}`); all `null` at first. */
export type LeaderState =
  | { readonly leaderId: null; readonly leaderScore: null; readonly threshold: null; readonly thresholdBlock: null }
  | { readonly leaderId: string; readonly leaderScore: number; readonly threshold: number; readonly thresholdBlock: number };

/** The empty record a competition version starts from. */
export const EMPTY_LEADER_STATE: LeaderState = Object.freeze({ leaderId: null, leaderScore: null, threshold: null, thresholdBlock: null });

/** A submission reaching `finished`. */
export interface FinishedSubmission {
  readonly submissionId: string;
  readonly score: number;
  /** The block at which it finished. */
  readonly block: number;
}

/** Why the record changed or did not. */
export type LeaderChangeReason = "first_leader" | "beat_threshold" | "within_threshold";

/** The outcome of {@link updateLeader}: the new record and an audit entry (§H.4 `leader_history`). */
export interface LeaderUpdate {
  readonly state: LeaderState;
  readonly previous: LeaderState;
  readonly changed: boolean;
  readonly reason: LeaderChangeReason;
  /** The decayed threshold the score was compared with (`null` for the first leader). */
  readonly thresholdApplied: number | null;
  /** `leaderScore × (1 + thresholdApplied)`: the score to beat (`null` for the first leader). */
  readonly scoreToBeat: number | null;
  readonly submissionId: string;
  readonly block: number;
}

/** Inputs {@link updateLeader} refuses. */
export type UpdateLeaderError =
  | { readonly type: "invalid_score"; readonly message: string; readonly score: number }
  | { readonly type: "block_regressed"; readonly message: string; readonly block: number; readonly thresholdBlock: number };

/**
 * The decayed threshold at `nowBlock` (§H.3):
 * `max(base, base + (T − base) × (1 − decay_percent) ^ ((nowBlock − T_block) / decay_interval_blocks))`,
 * with a fractional exponent. No stored threshold gives `base`; `decay_interval_blocks ≤ 0` returns `T` unchanged.
 * @example decayedThreshold({ threshold: 0.2, thresholdBlock: 0 }, 1000, { base_threshold: 0.01, decay_percent: 0.05, decay_interval_blocks: 100 }) // ≈ 0.1238
 */
export function decayedThreshold(
  stored: { readonly threshold: number | null; readonly thresholdBlock: number | null },
  nowBlock: number,
  params: AdaptiveThresholdHparams,
): number {
  const base = params.base_threshold;
  if (stored.threshold === null || stored.thresholdBlock === null) return base;
  if (params.decay_interval_blocks <= 0) return stored.threshold;
  const steps = (nowBlock - stored.thresholdBlock) / params.decay_interval_blocks;
  return Math.max(base, base + (stored.threshold - base) * (1 - params.decay_percent) ** steps);
}

/** The "MFU to beat" at `nowBlock`: `leaderScore × (1 + thr(nowBlock))`, or `null` with no leader (§H.4). */
export function scoreToBeat(state: LeaderState, nowBlock: number, params: AdaptiveThresholdHparams): number | null {
  if (state.leaderId === null) return null;
  return state.leaderScore * (1 + decayedThreshold(state, nowBlock, params));
}

/**
 * Applies one finished submission to the leader record (§H.4). Call in order of `(block, submissionId)`.
 * 1. No leader: it becomes leader with `threshold = base`, `threshold_block = block`.
 * 2. Else `t = thr(block)`; if `score > leaderScore × (1 + t)` (strictly) it becomes leader with
 *    `threshold = max(base, (score − leaderScore) / leaderScore)` (`base` if `leaderScore ≤ 0`), `threshold_block = block`.
 * 3. Else nothing changes. The history is never re-ranked.
 * @returns the update with its audit fields, or an error for a non-finite score or a block before `thresholdBlock`
 */
export function updateLeader(state: LeaderState, s: FinishedSubmission, params: AdaptiveThresholdHparams): Result<LeaderUpdate, UpdateLeaderError> {
  if (!Number.isFinite(s.score)) return err({ type: "invalid_score", message: `score ${s.score} is not finite`, score: s.score });
  const base = params.base_threshold;
  const common = { previous: state, submissionId: s.submissionId, block: s.block };
  if (state.leaderId === null) {
    const next: LeaderState = Object.freeze({ leaderId: s.submissionId, leaderScore: s.score, threshold: base, thresholdBlock: s.block });
    return ok({ ...common, state: next, changed: true, reason: "first_leader", thresholdApplied: null, scoreToBeat: null });
  }
  if (s.block < state.thresholdBlock) {
    return err({ type: "block_regressed", message: `block ${s.block} is before the threshold block ${state.thresholdBlock}`, block: s.block, thresholdBlock: state.thresholdBlock });
  }
  const t = decayedThreshold(state, s.block, params);
  const toBeat = state.leaderScore * (1 + t);
  if (!(s.score > toBeat)) {
    return ok({ ...common, state, changed: false, reason: "within_threshold", thresholdApplied: t, scoreToBeat: toBeat });
  }
  const improvement = state.leaderScore > 0 ? (s.score - state.leaderScore) / state.leaderScore : base;
  const next: LeaderState = Object.freeze({ leaderId: s.submissionId, leaderScore: s.score, threshold: Math.max(base, improvement), thresholdBlock: s.block });
  return ok({ ...common, state: next, changed: true, reason: "beat_threshold", thresholdApplied: t, scoreToBeat: toBeat });
}

/**
 * The reference's leaderboard (§H.2), for compatibility: submissions in `created_at` order, each
 * inserted before the first entry it beats by more than `threshold` (strictly), else appended.
 * @returns the board; `[0]` is the reference's winner
 */
export function referenceLeaderboard<T extends { readonly score: number }>(ordered: readonly T[], threshold: number): T[] {
  const board: T[] = [];
  for (const s of ordered) {
    const i = board.findIndex((b) => s.score > b.score * (1 + threshold));
    if (i < 0) board.push(s);
    else board.splice(i, 0, s);
  }
  return board;
}
