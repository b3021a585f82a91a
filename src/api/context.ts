/**
 * What every handler gets, and the threshold as of the current chain block (§H.3, §H.4 [PROJECT]:
 * the decay is computed in blocks, never from wall-clock time).
 * @module
 */
import type { Hparams } from "../config/index.js";
import { decayedThreshold, scoreToBeat, type LeaderState } from "../scoring/index.js";
import { getLeaderState, type Store } from "../store/index.js";
import type { ValidatorMetrics } from "./validator-metrics.js";

/** The validator the API runs beside. */
export interface ValidatorInfo {
  /** Its hotkey (SS58), or `null` when not known. */
  readonly hotkey: string | null;
  /** When it started (the uptime's origin). */
  readonly startedAt: Date;
}

/** The handlers' shared context. */
export interface ApiContext {
  readonly store: Store;
  readonly hparams: Hparams;
  /** `hparams.competition_version`: every list and count is of this version. */
  readonly version: number;
  readonly now: () => Date;
  readonly currentBlock: () => Promise<number | null>;
  readonly validator: ValidatorInfo | null;
  /** The daemon's in-memory metrics, rendered by `/metrics` after the store's; absent for an API without a daemon. */
  readonly validatorMetrics?: ValidatorMetrics;
}

/** The leader record with its threshold decayed to the current block. */
export interface ThresholdNow {
  readonly leader: LeaderState;
  /** The chain block as reported, or `null` when unknown. */
  readonly currentBlock: number | null;
  /** The block the decay was computed at: the current block, or the threshold block when the block is unknown or behind it. */
  readonly decayBlock: number | null;
  /** `thr(decayBlock)`; the base threshold when there is no leader. */
  readonly decayed: number;
  /** `leader_score × (1 + decayed)`, or `null` with no leader. */
  readonly scoreToBeat: number | null;
}

/** The current block, or `null` when the source fails or returns something that is not a block number. */
export async function safeCurrentBlock(ctx: Pick<ApiContext, "currentBlock">): Promise<number | null> {
  try {
    const b = await ctx.currentBlock();
    return typeof b === "number" && Number.isSafeInteger(b) && b >= 0 ? b : null;
  } catch {
    // An unreachable chain must not fail the API: the threshold is then shown as of its own block.
    return null;
  }
}

/**
 * The leader record of the current version and its threshold at the current block. With the block
 * unknown (or behind the threshold block, a lagging node) the decay is computed at `threshold_block`,
 * i.e. the stored threshold is shown undecayed.
 */
export async function thresholdNow(ctx: ApiContext): Promise<ThresholdNow> {
  const leader = getLeaderState(ctx.store, ctx.version);
  const currentBlock = await safeCurrentBlock(ctx);
  const params = ctx.hparams.adaptive_threshold;
  if (leader.leaderId === null) return { leader, currentBlock, decayBlock: currentBlock, decayed: params.base_threshold, scoreToBeat: null };
  const decayBlock = currentBlock === null ? leader.thresholdBlock : Math.max(currentBlock, leader.thresholdBlock);
  return { leader, currentBlock, decayBlock, decayed: decayedThreshold(leader, decayBlock, params), scoreToBeat: scoreToBeat(leader, decayBlock, params) };
}
