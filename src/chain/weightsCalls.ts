/**
 * The weight calls of `SubtensorModule` as {@link ChainCall}s, and the `WeightsTlockPayload` that a
 * timelocked weights commit encrypts (chain.md §8.1, §8.4).
 * @module
 */
import { compactToU8a, u8aConcat } from "@polkadot/util";
import { err, ok, Result } from "neverthrow";
import { accountIdOf, checkU16, checkU64, checkUint, hexOf } from "./args.js";
import { checkPayloadSize, MAX_WEIGHTS_COMMIT_BYTES } from "./budget.js";
import type { ChainCall } from "./calls.js";
import {
  chainArgument,
  type ChainArgumentError,
  type InvalidAddressError,
  type PayloadTooLargeError,
} from "./errors.js";

/** u16 weights for one subnet, as sent on chain. */
export interface WeightsCallParameters {
  /** Subnet id (u16). */
  readonly netuid: number;
  /** Destination uids (u16), same length as `values`. */
  readonly uids: readonly number[];
  /** u16 values, e.g. from {@link weightsToU16}. */
  readonly values: readonly number[];
  /** u64; at least the chain's `WeightsVersionKey(netuid)`. */
  readonly versionKey: number | bigint;
  /**
   * Mechanism id (u8) for the mechanism calls.
   * @default 0
   */
  readonly mecid?: number;
}

/** Inputs of {@link commitTimelockedMechanismWeightsCall}. */
export interface CommitTimelockedWeightsParameters {
  readonly netuid: number;
  /** The timelock ciphertext of a {@link encodeWeightsTlockPayload} payload, at most 5000 bytes. */
  readonly commit: Uint8Array;
  /** drand round at which the chain decrypts it. */
  readonly revealRound: number | bigint;
  /** Must equal the chain's `CommitRevealWeightsVersion` (4 on spec 424). */
  readonly commitRevealVersion: number;
  /** @default 0 */
  readonly mecid?: number;
}

/** Inputs of {@link encodeWeightsTlockPayload}. */
export interface WeightsTlockPayloadParameters {
  /** The committing hotkey (SS58 or 32-byte public key); the chain requires it to equal the signer. */
  readonly hotkey: string | Uint8Array;
  readonly uids: readonly number[];
  readonly values: readonly number[];
  readonly versionKey: number | bigint;
}

function u16Vector(values: readonly number[], label: string): Result<number[], ChainArgumentError> {
  if (!Array.isArray(values)) return err(chainArgument(label, values, "an array of u16"));
  return Result.combine(values.map((v, i) => checkU16(v, `${label}[${i}]`)));
}

function checkVectors(uids: readonly number[], values: readonly number[]): Result<[number[], number[]], ChainArgumentError> {
  return Result.combine([u16Vector(uids, "uids"), u16Vector(values, "values")]).andThen(([u, v]) =>
    u.length === v.length ? ok([u, v] as [number[], number[]]) : err(chainArgument("values", `${v.length} values`, `${u.length} values, one per uid`)),
  );
}

/**
 * `SubtensorModule.set_mechanism_weights(netuid, mecid, dests, weights, version_key)` (call 119),
 * what the Python SDK sends when commit-reveal is off.
 *
 * @example
 * ```ts
 * import { encodeCall, setMechanismWeightsCall } from "crusades/chain";
 * setMechanismWeightsCall({ netuid: 3, uids: [0, 5], values: [65535, 32768], versionKey: 1000 })
 *   .andThen((c) => encodeCall(meta, c)); // Ok("0x0777030000080000050008ffff0080e803000000000000")
 * ```
 */
export function setMechanismWeightsCall(params: WeightsCallParameters): Result<ChainCall, ChainArgumentError> {
  const { netuid, uids, values, versionKey, mecid = 0 } = params;
  return Result.combine([checkU16(netuid, "netuid"), checkUint(mecid, "mecid", 0xff)]).andThen(([n, m]) =>
    checkVectors(uids, values).andThen(([u, v]) =>
      checkU64(versionKey, "versionKey").map((k) => ({ pallet: "subtensorModule", call: "setMechanismWeights", args: [n, m, u, v, k] })),
    ),
  );
}

/**
 * `SubtensorModule.set_weights(netuid, dests, weights, version_key)` (call 0), for runtimes
 * without mechanisms (such as the spec-218 test chain).
 *
 * @example
 * ```ts
 * setWeightsCall({ netuid: 3, uids: [0, 5], values: [65535, 32768], versionKey: 1000 });
 * // encodes to 0x07000300080000050008ffff0080e803000000000000 on spec 424
 * ```
 */
export function setWeightsCall(params: Omit<WeightsCallParameters, "mecid">): Result<ChainCall, ChainArgumentError> {
  const { netuid, uids, values, versionKey } = params;
  return checkU16(netuid, "netuid").andThen((n) =>
    checkVectors(uids, values).andThen(([u, v]) =>
      checkU64(versionKey, "versionKey").map((k) => ({ pallet: "subtensorModule", call: "setWeights", args: [n, u, v, k] })),
    ),
  );
}

/**
 * `SubtensorModule.commit_timelocked_mechanism_weights(netuid, mecid, commit, reveal_round,
 * commit_reveal_version)` (call 118), what the Python SDK sends when commit-reveal is on.
 *
 * @returns The call, `ChainArgument`, or `PayloadTooLarge` when `commit` exceeds 5000 bytes.
 *
 * @example
 * ```ts
 * commitTimelockedMechanismWeightsCall({ netuid: 3, commit, revealRound: 1234567n, commitRevealVersion: 4 });
 * ```
 */
export function commitTimelockedMechanismWeightsCall(
  params: CommitTimelockedWeightsParameters,
): Result<ChainCall, ChainArgumentError | PayloadTooLargeError> {
  const { netuid, commit, revealRound, commitRevealVersion, mecid = 0 } = params;
  if (!(commit instanceof Uint8Array) || commit.length === 0) return err(chainArgument("commit", commit, "non-empty bytes"));
  return checkPayloadSize("weights-commit", commit.length, MAX_WEIGHTS_COMMIT_BYTES).andThen(() =>
    Result.combine([checkU16(netuid, "netuid"), checkUint(mecid, "mecid", 0xff), checkU16(commitRevealVersion, "commitRevealVersion")]).andThen(
      ([n, m, version]) =>
        checkU64(revealRound, "revealRound").map((round) => ({
          pallet: "subtensorModule",
          call: "commitTimelockedMechanismWeights",
          args: [n, m, hexOf(commit), round, version],
        })),
    ),
  );
}

function u16le(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  values.forEach((v, i) => {
    out[2 * i] = v & 0xff;
    out[2 * i + 1] = v >> 8;
  });
  return out;
}

/**
 * SCALE encoding of `WeightsTlockPayload { hotkey: Vec<u8>, uids: Vec<u16>, values: Vec<u16>,
 * version_key: u64 }` (chain.md §8.4): the plaintext to timelock-encrypt for a weights commit.
 * 43 + 4n bytes (45 + 4n from 64 entries).
 *
 * @example
 * ```ts
 * import { encodeWeightsTlockPayload } from "crusades/chain";
 * encodeWeightsTlockPayload({ hotkey: alice.address, uids: [0, 5], values: [65535, 32768], versionKey: 1000 });
 * // Ok(0x80 d435…a27d 08 0000 0500 08 ffff 0080 e803000000000000)
 * ```
 */
export function encodeWeightsTlockPayload(
  params: WeightsTlockPayloadParameters,
): Result<Uint8Array, ChainArgumentError | InvalidAddressError> {
  const { hotkey, uids, values, versionKey } = params;
  return accountIdOf(hotkey).andThen((account) =>
    checkVectors(uids, values).andThen(([u, v]) =>
      checkU64(versionKey, "versionKey").map((key) => {
        const version = new Uint8Array(8);
        new DataView(version.buffer).setBigUint64(0, key, true);
        return u8aConcat(compactToU8a(32), account, compactToU8a(u.length), u16le(u), compactToU8a(v.length), u16le(v), version);
      }),
    ),
  );
}
