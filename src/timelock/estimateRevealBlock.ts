/**
 * When will the chain reveal a commitment timelocked to a round? (chain.md §3.6 "Timing".)
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { describeValue, invalidArgument, type EstimateRevealBlockError } from "./errors.js";
import { parseRound, roundTimeSeconds } from "./quicknet.js";

/** Blocks from the first block imported after the pulse exists to the block that reveals it. */
const PULSE_TO_REVEAL_BLOCKS = 2;

/**
 * Inputs of {@link estimateRevealBlock}.
 *
 * @example
 * ```ts
 * const options: EstimateRevealBlockOptions = { round: 2398957, currentBlock: 5_000_000, lastStoredRound: 2398900 };
 * ```
 */
export interface EstimateRevealBlockOptions {
  /** The drand round the commitment is timelocked to. */
  readonly round: number | bigint;
  /** The chain's current block number (the block produced at about `nowSeconds`). */
  readonly currentBlock: number;
  /** Seconds per block. @default 12 */
  readonly blockTimeSeconds?: number;
  /** Unix time in seconds of `currentBlock`. @default the clock */
  readonly nowSeconds?: number;
  /**
   * `Drand.LastStoredRound`, when known: a round at or below it already has its pulse on chain
   * and is revealed in the next block.
   */
  readonly lastStoredRound?: number | bigint;
}

/**
 * Estimates the block in which the chain reveals a commitment timelocked to `round`.
 *
 * drand emits round R at `1692803367 + 3·(R − 1)`. A validator's offchain worker fetches the
 * pulse after importing the first block N produced at or after that time, the pulse lands in N+1,
 * and the commitments pallet decrypts it in `on_initialize` of N+2 (chain.md §3.6). Hence
 * `N + 2` with `N = currentBlock + max(0, ceil((roundTime − nowSeconds) / blockTimeSeconds))`,
 * or `currentBlock + 1` when the pulse is already stored (`round ≤ lastStoredRound`).
 * An estimate: block production jitter and a lagging Drand pallet push the real block later.
 *
 * @returns The estimated block number, or `InvalidRound` / `InvalidArgument`.
 *
 * @example
 * ```ts
 * import { estimateRevealBlock, revealRound } from "crusades";
 *
 * const now = 1_700_000_000;
 * revealRound(20, 12, now) // Ok(2398957), emitted at now + 235 s
 *   .andThen((round) => estimateRevealBlock({ round, currentBlock: 5_000_000, nowSeconds: now })); // Ok(5000022)
 * ```
 */
export function estimateRevealBlock(options: EstimateRevealBlockOptions): Result<number, EstimateRevealBlockError> {
  const { round, currentBlock, blockTimeSeconds = 12, nowSeconds = Date.now() / 1000, lastStoredRound } = options;
  const parsedRound = parseRound(round);
  if (parsedRound.isErr()) return err(parsedRound.error);
  if (typeof currentBlock !== "number" || !Number.isSafeInteger(currentBlock) || currentBlock < 0) {
    return err(invalidArgument("currentBlock", currentBlock, "a non-negative safe integer"));
  }
  if (typeof blockTimeSeconds !== "number" || !Number.isFinite(blockTimeSeconds) || blockTimeSeconds <= 0) {
    return err(invalidArgument("blockTimeSeconds", blockTimeSeconds, "a finite number > 0"));
  }
  if (typeof nowSeconds !== "number" || !Number.isFinite(nowSeconds)) {
    return err(invalidArgument("nowSeconds", nowSeconds, "a finite Unix time in seconds"));
  }
  if (lastStoredRound !== undefined) {
    const stored = typeof lastStoredRound === "bigint" ? lastStoredRound : Number.isSafeInteger(lastStoredRound) ? BigInt(lastStoredRound) : undefined;
    if (stored === undefined || stored < 0n) {
      return err(invalidArgument("lastStoredRound", lastStoredRound, "a non-negative integer"));
    }
    if (parsedRound.value <= stored) return ok(currentBlock + 1);
  }
  const secondsUntilRound = Number(roundTimeSeconds(parsedRound.value)) - nowSeconds;
  const blocksUntilPulse = Math.max(0, Math.ceil(secondsUntilRound / blockTimeSeconds));
  const block = currentBlock + blocksUntilPulse + PULSE_TO_REVEAL_BLOCKS;
  if (!Number.isSafeInteger(block)) {
    const received = describeValue(round);
    return err({ type: "InvalidRound", message: `round ${received} is too far ahead for a block estimate`, received });
  }
  return ok(block);
}
