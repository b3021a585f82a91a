/**
 * The validators' per-hotkey rate limit as a miner sees it (crusades.md §C.5, §B.7 step 4): the
 * newest block at which one of the hotkey's commitments became visible, and the first block at
 * which a new commitment would be accepted. One place for `crusades submit` and `crusades status`.
 * @module
 */
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import type { CommitmentError, SubtensorClient } from "../chain/index.js";
import type { Hparams } from "../config/index.js";

/** Blocks the chain usually adds to a timelocked reveal (drand and pallet lag, §B.7 step 4). */
export const REVEAL_LAG_BLOCKS = 3;

/** Where a hotkey stands against the rate limit. */
export interface RateLimitWindow {
  /** The newest reveal (or plain commitment) block of the hotkey, `null` when it has none. */
  readonly newestRevealBlock: number | null;
  /** The first block at which a commitment sent now would reveal late enough; the head when that is now. */
  readonly earliestCommitBlock: number;
  /** Blocks from sending to being seen: 1 for a plain commitment, `reveal_blocks` plus the lag for a timelocked one. */
  readonly revealLagBlocks: number;
  /** Whether the runtime has revealed commitments to read (spec 218 has none). */
  readonly revealedReadable: boolean;
}

/**
 * The hotkey's rate-limit window at `head`.
 * @param plain - whether the next commitment is plain (seen one block after sending)
 */
export function readRateLimitWindow(client: SubtensorClient, hparams: Hparams, hotkey: string, head: number, plain: boolean): ResultAsync<RateLimitWindow, CommitmentError> {
  const netuid = hparams.netuid;
  const revealed = client
    .readRevealedCommitmentsOf(netuid, hotkey)
    .map((list) => ({ blocks: list.map((c) => c.revealBlock), readable: true }))
    .orElse((e) => (e.type === "UnsupportedStorage" ? okAsync({ blocks: [] as number[], readable: false }) : errAsync(e)));
  const pendingOrPlain = client.readCommitment(netuid, hotkey).map((c) => (c !== null && c.fields.some((f) => f.kind === "raw" || f.kind === "bigRaw") ? [c.block] : []));
  return ResultAsync.combine([revealed, pendingOrPlain]).map(([r, p]) => {
    const seen = [...r.blocks, ...p];
    const newest = seen.length === 0 ? null : Math.max(...seen);
    const lag = plain ? 1 : hparams.reveal_blocks + REVEAL_LAG_BLOCKS;
    const earliest = newest === null ? head : Math.max(head, newest + hparams.min_blocks_between_commits - lag);
    return { newestRevealBlock: newest, earliestCommitBlock: earliest, revealLagBlocks: lag, revealedReadable: r.readable };
  });
}
