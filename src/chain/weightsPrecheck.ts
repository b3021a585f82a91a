/**
 * The chain's weight checks (chain.md §8.1, §8.3) and the reveal round of a timelocked weights
 * commit (§8.5), as pure functions: everything is checked before anything is sent, because a
 * failed reveal is silent.
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import type { WeightsPrecheckError } from "./client/errors.js";
import { checkRevealRoundAhead } from "./revealRoundPrecheck.js";
import { QUICKNET_GENESIS_TIME_SECONDS, QUICKNET_PERIOD_SECONDS } from "../timelock/index.js";

/** What the checks need from the chain. */
export interface WeightsPrecheckState {
  /** The caller's uid. */
  readonly uid: number;
  /** `SubnetworkN`. */
  readonly n: number;
  readonly currentBlock: number;
  /** `LastUpdate[uid]` (0 = never). */
  readonly lastUpdate: number;
  readonly validatorPermit: boolean;
  /** The caller is the subnet owner's hotkey (exempt from the permit and stake checks). */
  readonly isOwner: boolean;
  readonly rateLimitBlocks: number;
  readonly minAllowedWeights: number;
  readonly maxWeightsLimit: number;
  /** `WeightsVersionKey(netuid)`. */
  readonly requiredVersionKey: bigint;
}

/** The weights to send, already u16 (distinct uids). */
export interface WeightsPrecheckRequest {
  readonly uids: readonly number[];
  readonly values: readonly number[];
  readonly versionKey: bigint;
}

function fail(check: WeightsPrecheckError["check"], message: string, blocksToWait?: number): Result<never, WeightsPrecheckError> {
  return err(blocksToWait === undefined ? { type: "WeightsPrecheck", message, check } : { type: "WeightsPrecheck", message, check, blocksToWait });
}

/**
 * Runs the chain's checks of `set_mechanism_weights` / a timelocked reveal in dispatch order.
 *
 * @example
 * ```ts
 * precheckWeights(state, { uids: [1], values: [65535], versionKey: 9010001n });
 * ```
 */
export function precheckWeights(state: WeightsPrecheckState, request: WeightsPrecheckRequest): Result<true, WeightsPrecheckError> {
  const { uids, values, versionKey } = request;
  if (uids.length === 0) return fail("NoWeights", "no non-zero weights to set");
  if (uids.length > state.n) return fail("UidsLengthExceedUidsInSubNet", `${uids.length} weights for a subnet of ${state.n} uids`);
  if (state.requiredVersionKey !== 0n && versionKey < state.requiredVersionKey) {
    return fail("IncorrectWeightVersionKey", `version key ${versionKey} is below the subnet's required ${state.requiredVersionKey}`);
  }
  // The extrinsic lands in the next block.
  const elapsed = state.currentBlock + 1 - state.lastUpdate;
  if (state.lastUpdate !== 0 && elapsed < state.rateLimitBlocks) {
    const wait = state.rateLimitBlocks - elapsed;
    return fail("SettingWeightsTooFast", `weights were set at block ${state.lastUpdate}; wait ${wait} more blocks`, wait);
  }
  const selfWeight = uids.length === 1 && uids[0] === state.uid;
  if (!selfWeight && !state.isOwner && !state.validatorPermit) {
    return fail("NeuronNoValidatorPermit", `uid ${state.uid} has no validator permit`);
  }
  const bad = uids.find((u) => u >= state.n);
  if (bad !== undefined) return fail("UidVecContainInvalidOne", `uid ${bad} does not exist (subnet has ${state.n} uids)`);
  const minimum = Math.min(state.minAllowedWeights, state.n);
  if (!selfWeight && uids.length < minimum) {
    return fail("WeightVecLengthIsLow", `${uids.length} weights, the subnet requires at least ${minimum}`);
  }
  if (!selfWeight && state.maxWeightsLimit !== 65535) {
    const max = Math.max(...values);
    const sum = values.reduce((a, v) => a + (v * 65535) / max, 0); // after the chain's max-upscaling
    if (65535 / sum > state.maxWeightsLimit / 65535) {
      return fail("MaxWeightExceeded", `the largest weight is ${(65535 / sum).toFixed(4)} of the total, above the limit ${(state.maxWeightsLimit / 65535).toFixed(4)}`);
    }
  }
  return ok(true);
}

/** Inputs of {@link weightsRevealRound}. */
export interface WeightsRevealRoundParameters {
  readonly currentBlock: number;
  /** `get_next_epoch_start_block(netuid)` from the runtime API, or an estimate. */
  readonly nextEpochStartBlock: number;
  readonly tempo: number;
  readonly revealPeriodEpochs: number;
  readonly nowSeconds: number;
  /** @default 12 */
  readonly blockTimeSeconds?: number;
}

/**
 * The drand round for a timelocked weights commit, a few blocks into its reveal epoch
 * (chain.md §8.5): `S = N + (P − 1)·T` when the commit lands before `N`, else `N + P·T`;
 * `R = floor((now + (S + 3 − b)·blockTime − genesis) / 3)`.
 *
 * @example
 * ```ts
 * weightsRevealRound({ currentBlock: 1000, nextEpochStartBlock: 1100, tempo: 360, revealPeriodEpochs: 1, nowSeconds });
 * ```
 */
export function weightsRevealRound(params: WeightsRevealRoundParameters): bigint {
  const { currentBlock: b, nextEpochStartBlock: n, tempo, revealPeriodEpochs: p, nowSeconds, blockTimeSeconds = 12 } = params;
  const lands = b + 1;
  const start = lands < n ? n + (p - 1) * tempo : n + p * tempo;
  const target = Math.floor(nowSeconds) + (start + 3 - b) * blockTimeSeconds;
  const round = Math.floor((target - QUICKNET_GENESIS_TIME_SECONDS) / QUICKNET_PERIOD_SECONDS);
  return BigInt(Math.max(1, round));
}

/**
 * The pool's check of a timelocked weights commit (chain.md §8.4): `reveal_round ≥
 * Drand.LastStoredRound`, else `InvalidRevealRound`; `lastStoredRound` is `null` on a runtime
 * without the Drand pallet.
 *
 * @example
 * ```ts
 * precheckWeightsRevealRound(999n, 1000n); // Err({ type: "WeightsPrecheck", check: "InvalidRevealRound", … })
 * ```
 */
export function precheckWeightsRevealRound(round: bigint, lastStoredRound: bigint | null): Result<bigint, WeightsPrecheckError> {
  return checkRevealRoundAhead(round, lastStoredRound, { allowStored: true }).mapErr((e) => ({ type: "WeightsPrecheck", message: e.message, check: "InvalidRevealRound" }));
}
