/**
 * Float weights to the chain's u16 values, exactly as the Python SDK's
 * `convert_weights_and_uids_for_emit` (chain.md §8.2, crusades.md §H.6).
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import type { InvalidWeightsError } from "./errors.js";

/** `u16::MAX`: the value the largest weight maps to. */
export const U16_MAX = 65535;

/** Parallel arrays ready for `set_mechanism_weights` or a `WeightsTlockPayload`. */
export interface U16Weights {
  readonly uids: readonly number[];
  readonly values: readonly number[];
}

function invalid(reason: InvalidWeightsError["reason"], message: string): InvalidWeightsError {
  return { type: "InvalidWeights", message, reason };
}

/**
 * Python's `round()` on a float: round half to even (banker's rounding), on the exact double.
 * `Math.round` rounds halves up and must not be used (2.5 → 2 here, 3 there).
 */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor; // exact for |x| < 2^52: floor(x) is a multiple of ulp(x)
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Converts float weights to u16 values as the Python SDK does, for parity between Python and
 * TypeScript validators: each weight is first rounded to float32 (the SDK takes a float32
 * tensor), then max-normalised in float64, multiplied by 65535 and rounded half to even; entries
 * that become 0 are dropped (uid and value). A zero sum gives empty arrays (nothing to set).
 *
 * @param uids - Neuron uids, integers in `0..=65535`, without duplicates.
 * @param weights - Non-negative finite weights, same length as `uids`.
 * @returns `{ uids, values }`, or `InvalidWeights` for a length mismatch, no entries, a negative or
 *   non-finite weight, or a uid that is not a u16 or repeats (the chain rejects duplicates).
 *
 * @example
 * ```ts
 * import { weightsToU16 } from "crusades";
 * weightsToU16([1, 7], [0.95, 0.05]); // Ok({ uids: [1, 7], values: [65535, 3449] })
 * weightsToU16([0, 1], [131070, 5]); // Ok({ uids: [0, 1], values: [65535, 2] }): 2.5 rounds to 2
 * ```
 */
export function weightsToU16(
  uids: readonly number[],
  weights: readonly number[],
): Result<U16Weights, InvalidWeightsError> {
  if (uids.length !== weights.length) {
    return err(invalid("length-mismatch", `uids (${uids.length}) and weights (${weights.length}) differ in length`));
  }
  if (uids.length === 0) return err(invalid("empty", "no weights given"));
  const seen = new Set<number>();
  for (const uid of uids) {
    if (typeof uid !== "number" || !Number.isInteger(uid) || uid < 0 || uid > U16_MAX) {
      return err(invalid("invalid-uid", `uid ${String(uid)} is not an integer in 0..=65535`));
    }
    if (seen.has(uid)) return err(invalid("duplicate-uid", `uid ${uid} appears more than once`));
    seen.add(uid);
  }
  const single = weights.map((w) => Math.fround(w));
  for (const [i, w] of single.entries()) {
    if (typeof weights[i] !== "number" || !Number.isFinite(w)) {
      return err(invalid("non-finite-weight", `weight ${String(weights[i])} (uid ${uids[i]}) is not a finite float32`));
    }
    if (w < 0) return err(invalid("negative-weight", `weight ${w} (uid ${uids[i]}) is negative`));
  }
  let sum = 0;
  let max = 0;
  for (const w of single) {
    sum += w;
    if (w > max) max = w;
  }
  if (sum === 0) return ok({ uids: [], values: [] });
  const outUids: number[] = [];
  const values: number[] = [];
  for (const [i, w] of single.entries()) {
    const value = roundHalfEven((w / max) * U16_MAX);
    if (value !== 0) {
      outUids.push(uids[i]!);
      values.push(value);
    }
  }
  return ok({ uids: outUids, values });
}
