/**
 * Whether a drand reveal round is still ahead of the chain's `Drand.LastStoredRound`, as a pure
 * function shared by timelocked commitments (chain.md §3.6) and timelocked weights (§8.4, §8.5).
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import type { RevealRoundTooEarlyError } from "./client/errors.js";

/**
 * Checks `round` against `Drand.LastStoredRound`.
 *
 * @param round - The drand round the ciphertext is encrypted to.
 * @param lastStoredRound - `Drand.LastStoredRound`; `null` when the runtime has no Drand pallet (always ok).
 * @param options.allowStored - Accept `round == lastStoredRound`: the chain's own rule for weights
 *   commits (`reveal_round ≥ LastStoredRound`). Commitments require a round strictly after it.
 * @returns `round`, or `RevealRoundTooEarly` naming both rounds.
 *
 * @example
 * ```ts
 * checkRevealRoundAhead(1000n, 1000n, { allowStored: false }); // Err(RevealRoundTooEarly)
 * ```
 */
export function checkRevealRoundAhead(
  round: bigint,
  lastStoredRound: bigint | null,
  options: { readonly allowStored: boolean },
): Result<bigint, RevealRoundTooEarlyError> {
  if (lastStoredRound === null || round > lastStoredRound || (options.allowStored && round === lastStoredRound)) return ok(round);
  const relation = round === lastStoredRound ? "equals" : "is behind";
  return err({
    type: "RevealRoundTooEarly",
    message: `reveal round ${round} ${relation} Drand.LastStoredRound ${lastStoredRound}: its pulse is already on chain, so the ciphertext would be readable at once; check the system clock`,
    revealRound: round,
    lastStoredRound,
  });
}
