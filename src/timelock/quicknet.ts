/**
 * drand quicknet, the beacon whose signatures the Bittensor chain's Drand pallet stores
 * (chain.md §4): its constants, the round → identity rule and the round → time rule.
 * Unchained BLS "short signatures": signatures in G1, the public key in G2.
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { hexToBytes } from "@noble/hashes/utils.js";
import { err, ok, type Result } from "neverthrow";
import { U64_MAX, u64be } from "./bytes.js";
import { describeValue, type InvalidRoundError } from "./errors.js";
import { g2FromCompressed, type G1Point, type G2Point } from "./points.js";
import { hashToG1 } from "./hashToG1.js";

/**
 * Hash of quicknet's chain info; the drand HTTP API path segment (`/{chainHash}/public/{round}`).
 *
 * @example
 * ```ts
 * import { QUICKNET_CHAIN_HASH } from "crusades";
 * const url = `https://api.drand.sh/${QUICKNET_CHAIN_HASH}/public/1000`;
 * ```
 */
export const QUICKNET_CHAIN_HASH = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";

/**
 * Quicknet's group public key: a compressed G2 point, 96 bytes, as hex (no `0x`). It is the chain's
 * default `Drand.BeaconConfig.public_key` and the default key of {@link timelockEncrypt}.
 *
 * @example
 * ```ts
 * import { QUICKNET_PUBLIC_KEY, timelockEncrypt } from "crusades";
 * const ct = timelockEncrypt(new Uint8Array([1]), 1000, QUICKNET_PUBLIC_KEY);
 * ```
 */
export const QUICKNET_PUBLIC_KEY =
  "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a";

/**
 * Unix time (seconds) of quicknet's round 1.
 *
 * @example
 * ```ts
 * import { QUICKNET_GENESIS_TIME_SECONDS, QUICKNET_PERIOD_SECONDS } from "crusades";
 * const round1000At = QUICKNET_GENESIS_TIME_SECONDS + (1000 - 1) * QUICKNET_PERIOD_SECONDS;
 * ```
 */
export const QUICKNET_GENESIS_TIME_SECONDS = 1692803367;

/**
 * Seconds between two quicknet rounds: round R is emitted at `genesis + (R − 1) · period`.
 *
 * @example
 * ```ts
 * import { QUICKNET_PERIOD_SECONDS } from "crusades";
 * const roundsPerBlock = 12 / QUICKNET_PERIOD_SECONDS; // 4 on finney
 * ```
 */
export const QUICKNET_PERIOD_SECONDS = 3;

/**
 * The RFC 9380 hash-to-G1 domain-separation tag of quicknet's signatures (`bls-unchained-g1-rfc9380`).
 *
 * @example
 * ```ts
 * import { bls12_381 } from "@noble/curves/bls12-381.js";
 * import { QUICKNET_G1_DST } from "crusades";
 * const point = bls12_381.G1.hashToCurve(new Uint8Array(32), { DST: QUICKNET_G1_DST });
 * ```
 */
export const QUICKNET_G1_DST = "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_";

/** The message drand signs for round R: `sha256(u64_be(R))` (no previous signature: unchained). */
export function roundMessage(round: bigint): Uint8Array {
  return sha256(u64be(round));
}

/**
 * The IBE identity of round R: `hash_to_G1(sha256(u64_be(R)))` with {@link QUICKNET_G1_DST} and no
 * further context (the chain pins w3f-bls 0.1.3, which hashes exactly the point drand signs).
 */
export function roundIdentity(round: bigint): G1Point {
  return hashToG1(roundMessage(round), QUICKNET_G1_DST);
}

/** Unix time in seconds at which quicknet emits `round`. */
export function roundTimeSeconds(round: bigint): bigint {
  return BigInt(QUICKNET_GENESIS_TIME_SECONDS) + (round - 1n) * BigInt(QUICKNET_PERIOD_SECONDS);
}

let quicknetKey: G2Point | undefined;

/** Quicknet's public key as a G2 point, decoded (and subgroup-checked) on first use. */
export function quicknetPublicKeyPoint(): G2Point {
  quicknetKey ??= g2FromCompressed(hexToBytes(QUICKNET_PUBLIC_KEY));
  return quicknetKey;
}

/**
 * Checks a reveal round: an integer in `1 ..= 2^64 − 1` (a u64 on chain; drand starts at round 1).
 * A `number` must be a safe integer, so that no precision was lost before it arrived here.
 */
export function parseRound(round: unknown): Result<bigint, InvalidRoundError> {
  const fail = (requirement: string): Result<bigint, InvalidRoundError> => {
    const received = describeValue(round);
    return err({ type: "InvalidRound", message: `round must be ${requirement}, got ${received}`, received });
  };
  let value: bigint;
  if (typeof round === "bigint") value = round;
  else if (typeof round === "number" && Number.isSafeInteger(round)) value = BigInt(round);
  else if (typeof round === "number") return fail("a safe integer (use a bigint beyond 2^53 - 1)");
  else return fail("a number or a bigint");
  if (value < 1n) return fail("at least 1 (drand rounds start at 1)");
  if (value > U64_MAX) return fail("at most 2^64 - 1 (a u64 on chain)");
  return ok(value);
}
