/**
 * Timelock encryption to a drand round, in the TLE format the chain decrypts (chain.md §5.2–5.3).
 * @module
 */
import { bytesToHex } from "@noble/hashes/utils.js";
import { randomBytes } from "node:crypto";
import { err, ok, type Result } from "neverthrow";
import { AES_KEY_BYTES, AES_NONCE_BYTES, aesGcmEncrypt } from "./aesGcm.js";
import { bytesFromInput } from "./bytes.js";
import { encodeTleCiphertext } from "./ciphertext.js";
import type { InvalidPlaintextError, InvalidPublicKeyError, TimelockEncryptError } from "./errors.js";
import type { Gt } from "./gt.js";
import {
  IBE_MESSAGE_BYTES,
  ibeEncrypt,
  ibeIdentityGt,
  ibeMaskFromIdentity,
  ibeMaskFromIdentityGt,
  ibePrepareMasterKey,
  type IbeMask,
  type IbeMasterKey,
} from "./ibe.js";
import type { G1Point } from "./points.js";
import { G2_COMPRESSED_BYTES, g2FromCompressed } from "./points.js";
import { QUICKNET_PUBLIC_KEY, parseRound, quicknetPublicKeyPoint, roundIdentity } from "./quicknet.js";

/**
 * A beacon public key: 96 bytes (a compressed G2 point) or their hex, with or without `0x`.
 *
 * @example
 * ```ts
 * const key: TimelockPublicKey = QUICKNET_PUBLIC_KEY; // or `0x${hex}`, or the 96 bytes
 * ```
 */
export type TimelockPublicKey = Uint8Array | string;

/** The random inputs of one encryption; {@link timelockEncrypt} draws them from a CSPRNG. */
export interface TimelockRandomness {
  /** 32 bytes: the AES-256 key, and the message the IBE layer encrypts. */
  readonly esk: Uint8Array;
  /** 32 bytes: the FullIdent σ. */
  readonly sigma: Uint8Array;
  /** 12 bytes: the AES-GCM nonce. */
  readonly nonce: Uint8Array;
}

interface ResolvedKey {
  readonly hex: string;
  readonly key: IbeMasterKey;
}

// Caches of public values only, bounded, filled on first use: prepared keys (the Miller-loop lines
// of PK, computed once per key), identity points Q_round, and e(Q_round, PK). A round's first
// encryption computes e(r·Q, PK) directly (GLV multiplication in G1, no GT exponentiation); its
// second computes and caches e(Q, PK); from then on an encryption to that round costs one GT
// exponentiation instead of hash-to-curve and a pairing, as when several commitments or weight
// commits target the same round.
const MAX_KEYS = 8;
const MAX_ROUNDS = 64;
const keyCache = new Map<string, IbeMasterKey>();
const identityCache = new Map<string, G1Point>();
const identityGtCache = new Map<string, Gt>();
let quicknetKey: IbeMasterKey | undefined;

function quicknet(): ResolvedKey {
  quicknetKey ??= ibePrepareMasterKey(quicknetPublicKeyPoint());
  return { hex: QUICKNET_PUBLIC_KEY, key: quicknetKey };
}

function remember<V>(cache: Map<string, V>, key: string, value: V, max: number): V {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > max) cache.delete(cache.keys().next().value as string);
  return value;
}

function resolveKey(publicKey: unknown): Result<ResolvedKey, InvalidPublicKeyError> {
  if (publicKey === undefined) return ok(quicknet());
  const bytes = bytesFromInput(publicKey, G2_COMPRESSED_BYTES);
  if (bytes === undefined) {
    return err({
      type: "InvalidPublicKey",
      message: `publicKey must be ${G2_COMPRESSED_BYTES} bytes (a compressed G2 point) or their hex`,
      cause: undefined,
    });
  }
  const hex = bytesToHex(bytes);
  if (hex === QUICKNET_PUBLIC_KEY) return ok(quicknet());
  const cached = keyCache.get(hex);
  if (cached) return ok({ hex, key: remember(keyCache, hex, cached, MAX_KEYS) });
  let point;
  try {
    point = g2FromCompressed(bytes);
  } catch (cause) {
    return err({
      type: "InvalidPublicKey",
      message: "publicKey is not a compressed G2 point of the prime-order subgroup",
      cause,
    });
  }
  if (point.is0()) {
    return err({ type: "InvalidPublicKey", message: "publicKey is the point at infinity", cause: undefined });
  }
  return ok({ hex, key: remember(keyCache, hex, ibePrepareMasterKey(point), MAX_KEYS) });
}

function maskFor(key: ResolvedKey, round: bigint): IbeMask {
  const id = `${key.hex}:${round}`;
  const cachedGt = identityGtCache.get(id);
  if (cachedGt) return ibeMaskFromIdentityGt(remember(identityGtCache, id, cachedGt, MAX_ROUNDS));
  const seen = identityCache.get(id);
  if (seen) {
    identityCache.delete(id);
    return ibeMaskFromIdentityGt(remember(identityGtCache, id, ibeIdentityGt(seen, key.key), MAX_ROUNDS));
  }
  return ibeMaskFromIdentity(remember(identityCache, id, roundIdentity(round), MAX_ROUNDS), key.key);
}

function checkPlaintext(plaintext: unknown): Result<Uint8Array, InvalidPlaintextError> {
  if (!(plaintext instanceof Uint8Array)) {
    return err({ type: "InvalidPlaintext", message: `plaintext must be a Uint8Array, got ${typeof plaintext}`, lengthBytes: 0 });
  }
  if (plaintext.length === 0) {
    // chain.md §3.6: the reveal drops an empty plaintext silently.
    return err({ type: "InvalidPlaintext", message: "plaintext must not be empty: the chain drops empty reveals", lengthBytes: 0 });
  }
  return ok(plaintext);
}

/**
 * Encrypts with caller-supplied randomness. For tests and known-answer vectors only: reusing
 * randomness across plaintexts breaks AES-GCM. Not exported from the package.
 */
export function timelockEncryptWithRandomness(
  plaintext: Uint8Array,
  round: number | bigint,
  randomness: TimelockRandomness,
  publicKey?: TimelockPublicKey,
): Result<Uint8Array, TimelockEncryptError> {
  const { esk, sigma, nonce } = randomness;
  if (esk.length !== AES_KEY_BYTES || sigma.length !== IBE_MESSAGE_BYTES || nonce.length !== AES_NONCE_BYTES) {
    throw new RangeError("timelockEncryptWithRandomness: esk and sigma must be 32 bytes, nonce 12");
  }
  return checkPlaintext(plaintext).andThen((message) =>
    parseRound(round).andThen((r) =>
      resolveKey(publicKey).map((key) =>
        encodeTleCiphertext({
          ibe: ibeEncrypt(maskFor(key, r), esk, sigma),
          sealed: aesGcmEncrypt(esk, nonce, message),
          nonce,
        }),
      ),
    ),
  );
}

/**
 * Timelock-encrypts `plaintext` so that it can be decrypted with the drand signature of `round`:
 * the TLE ciphertext (BLS12-381 Boneh–Franklin IBE around an AES-256-GCM body) that the chain's
 * commitments pallet and the timelocked-weights reveal decrypt, `244 + plaintext.length` bytes.
 * Randomness comes from node:crypto.
 *
 * For a commitment that Python validators read, the plaintext must be a SCALE-encoded string
 * (chain.md §6.2); the chain bounds the ciphertext at 1024 bytes for commitments and 5000 for
 * weights, which the caller checks. Encrypting again to a recent round reuses a cached pairing.
 *
 * @param plaintext - Non-empty bytes (the chain drops an empty reveal).
 * @param round - drand round, an integer in `1 ..= 2^64 − 1`; see {@link revealRound}.
 * @param publicKey - Beacon public key; defaults to {@link QUICKNET_PUBLIC_KEY}.
 * @returns The ciphertext, or `InvalidPlaintext`, `InvalidRound` or `InvalidPublicKey`.
 *
 * @example
 * ```ts
 * import { revealRound, timelockEncrypt } from "crusades";
 *
 * // SCALE("hello crusades"): compact length 14 << 2, then the UTF-8 bytes
 * const scaleHello = new Uint8Array([0x38, ...new TextEncoder().encode("hello crusades")]);
 * const result = revealRound(360, 12).andThen((round) => timelockEncrypt(scaleHello, round));
 * if (result.isErr()) throw new Error(result.error.message);
 * console.log(result.value.length); // 259 = 244 + 15
 * ```
 */
export function timelockEncrypt(
  plaintext: Uint8Array,
  round: number | bigint,
  publicKey?: TimelockPublicKey,
): Result<Uint8Array, TimelockEncryptError> {
  return timelockEncryptWithRandomness(
    plaintext,
    round,
    { esk: randomBytes(AES_KEY_BYTES), sigma: randomBytes(IBE_MESSAGE_BYTES), nonce: randomBytes(AES_NONCE_BYTES) },
    publicKey,
  );
}
