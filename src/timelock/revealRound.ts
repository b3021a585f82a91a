/**
 * The reveal-round formula of the Python SDK's `set_reveal_commitment` (chain.md §6.1).
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { invalidArgument, type RevealRoundError } from "./errors.js";
import { QUICKNET_GENESIS_TIME_SECONDS, QUICKNET_PERIOD_SECONDS } from "./quicknet.js";

/**
 * The drand round for a commitment to be revealed `blocksUntilReveal` blocks from now, exactly as
 * the Python SDK computes it (bittensor-drand `encrypt_commitment`, used by
 * `Subtensor.set_reveal_commitment`):
 *
 * `floor(((nowSeconds − 1692803367) + round(blocksUntilReveal × blockTimeSeconds)) / 3)`
 *
 * with `nowSeconds` truncated to whole seconds and `round` half away from zero. The round is
 * emitted 3–6 s before the target time, so reveals made here and by Python miners coincide.
 *
 * @param blocksUntilReveal - Blocks to wait, a non-negative safe integer (Python's default is 360).
 * @param blockTimeSeconds - Seconds per block, finite and ≥ 0: 12 on finney and testnet, 0.25 on fast-block local nets.
 * @param nowSeconds - Unix time in seconds, truncated; defaults to the clock. Not before quicknet's genesis.
 * @returns The round, or `InvalidArgument` naming the parameter at fault.
 *
 * @example
 * ```ts
 * import { revealRound } from "crusades";
 *
 * revealRound(20, 12, 1_700_000_000); // Ok(2398957), emitted at 1700000235
 * const round = revealRound(360, 12); // 72 minutes from now
 * ```
 */
export function revealRound(
  blocksUntilReveal: number,
  blockTimeSeconds: number,
  nowSeconds?: number,
): Result<number, RevealRoundError> {
  if (typeof blocksUntilReveal !== "number" || !Number.isSafeInteger(blocksUntilReveal) || blocksUntilReveal < 0) {
    return err(invalidArgument("blocksUntilReveal", blocksUntilReveal, "a non-negative safe integer"));
  }
  if (typeof blockTimeSeconds !== "number" || !Number.isFinite(blockTimeSeconds) || blockTimeSeconds < 0) {
    return err(invalidArgument("blockTimeSeconds", blockTimeSeconds, "a finite number ≥ 0"));
  }
  const now = nowSeconds ?? Date.now() / 1000;
  if (typeof now !== "number" || !Number.isFinite(now) || now < QUICKNET_GENESIS_TIME_SECONDS) {
    return err(invalidArgument("nowSeconds", now, `a Unix time ≥ quicknet's genesis ${QUICKNET_GENESIS_TIME_SECONDS}`));
  }
  // Rust: `(blocks_until_reveal as f64 * block_time).round() as u64`; the product is the same f64
  // here, and for values ≥ 0 Math.round is f64::round (half away from zero).
  const delaySeconds = Math.round(blocksUntilReveal * blockTimeSeconds);
  if (!Number.isSafeInteger(delaySeconds)) {
    return err(invalidArgument("blocksUntilReveal", blocksUntilReveal, "small enough that the delay in seconds is a safe integer"));
  }
  const elapsed = Math.trunc(now) - QUICKNET_GENESIS_TIME_SECONDS;
  // Both terms are safe integers, so their sum is exact up to 2^54 and the division floors exactly.
  const round = Number((BigInt(elapsed) + BigInt(delaySeconds)) / BigInt(QUICKNET_PERIOD_SECONDS));
  return ok(round);
}
