/**
 * Boneh–Franklin FullIdent over BLS12-381 with identities in G1 and the master key in G2, as the
 * chain's `tle` crate implements it (ideal-lab5/timelock rev 5416406c, `tle/src/ibe/fullident.rs`;
 * chain.md §5.2 steps 4–7 and §5.5 steps 2–4). Network-agnostic: the identity point and the master
 * public key come from the caller (`quicknet.ts` supplies drand quicknet's).
 *
 * Encryption of a 32-byte message m for identity Q under master key PK, with 32 random bytes σ:
 *
 *   r = int_be(sha256(σ ‖ m)) mod q      U = r·g2
 *   V = σ xor sha256(ark(e(Q, PK)^r))    W = m xor sha256(σ)
 *
 * Decryption with the identity's secret key s = sk·Q (for drand: the round signature):
 *
 *   σ = V xor sha256(ark(e(s, U)))   m = W xor sha256(σ)   accept iff r(σ, m)·g2 = U
 *
 * since e(sk·Q, r·g2) = e(Q, sk·g2)^r = e(Q, PK)^r. The hashes carry no domain-separation tags
 * (unlike tlock-js), and `e(Q, PK)^r` equals the `tle` crate's `e(Q, r·PK)` by bilinearity.
 * @module
 */
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToBigIntBE, xorBytes } from "./bytes.js";
import { gtPow, gtToArkBytes, type Gt } from "./gt.js";
import { g1MulGlv, type G1Point, type G2Point } from "./points.js";

/** Size of the IBE message (the AES key `esk`) and of σ. */
export const IBE_MESSAGE_BYTES = 32;

/** The IBE part of a TLE ciphertext. */
export interface IbeCiphertext {
  readonly u: G2Point;
  readonly v: Uint8Array;
  readonly w: Uint8Array;
}

/** e(P, Q), with the neutral element for a point at infinity (noble refuses ZERO inputs). */
function pair(p: G1Point, q: G2Point): Gt {
  if (p.is0() || q.is0()) return bls12_381.fields.Fp12.ONE;
  return bls12_381.pairing(p, q);
}

/** r·g2, with the point at infinity for r = 0 (noble's `multiply` requires 1 ≤ r < q). */
function baseG2(r: bigint): G2Point {
  return r === 0n ? bls12_381.G2.Point.ZERO : bls12_381.G2.Point.BASE.multiply(r);
}

/** A master public key with its Miller-loop line coefficients computed once. */
export interface IbeMasterKey {
  readonly point: G2Point;
  readonly lines: ReturnType<typeof bls12_381.utils.calcPairingPrecomputes>;
}

/** Prepares a validated master public key (a G2 point of the prime-order subgroup, not ZERO). */
export function ibePrepareMasterKey(point: G2Point): IbeMasterKey {
  return { point, lines: bls12_381.utils.calcPairingPrecomputes(point) };
}

/**
 * `e(Q, PK)`: depends only on the identity and the master key, so callers may cache it and share
 * it between encryptions to the same identity. Uses the key's precomputed lines (saves ~15% of a
 * pairing); `identity` must be a subgroup point, as hash-to-curve outputs are.
 */
export function ibeIdentityGt(identity: G1Point, masterKey: IbeMasterKey): Gt {
  const Fp12 = bls12_381.fields.Fp12;
  if (identity.is0() || masterKey.point.is0()) return Fp12.ONE;
  const { x, y } = identity.toAffine();
  return Fp12.finalExponentiate(bls12_381.millerLoopBatch([[masterKey.lines, x, y]]));
}

/** `r = int_be(sha256(σ ‖ m)) mod q` (the hash is often ≥ q, so the reduction matters). */
export function ibeDeriveR(sigma: Uint8Array, message: Uint8Array): bigint {
  const input = new Uint8Array(sigma.length + message.length);
  input.set(sigma, 0);
  input.set(message, sigma.length);
  return bytesToBigIntBE(sha256(input)) % bls12_381.fields.Fr.ORDER;
}

/**
 * How an encryption obtains the mask `e(Q, PK)^r` once `r` is known: from a cached `e(Q, PK)`
 * ({@link ibeMaskFromIdentityGt}) or straight from the identity point ({@link ibeMaskFromIdentity}).
 */
export type IbeMask = (r: bigint) => Gt;

/** `e(Q, PK)^r` from a cached `e(Q, PK)` (one GT exponentiation, ~a third of a pairing). */
export function ibeMaskFromIdentityGt(identityGt: Gt): IbeMask {
  return (r) => gtPow(identityGt, r);
}

/**
 * `e(Q, PK)^r` as `e(r·Q, PK)` (bilinearity): a GLV multiplication in G1 and one pairing with the
 * key's precomputed lines, without the GT exponentiation. For an identity seen once this is
 * cheaper than computing `e(Q, PK)` and then raising it to `r`.
 */
export function ibeMaskFromIdentity(identity: G1Point, masterKey: IbeMasterKey): IbeMask {
  return (r) => ibeIdentityGt(g1MulGlv(identity, r), masterKey);
}

/** Encrypts a 32-byte message; `mask` yields `e(Q, PK)^r` for the target identity Q. */
export function ibeEncrypt(mask: IbeMask, message: Uint8Array, sigma: Uint8Array): IbeCiphertext {
  if (message.length !== IBE_MESSAGE_BYTES || sigma.length !== IBE_MESSAGE_BYTES) {
    throw new RangeError(`ibeEncrypt: message and sigma must be ${IBE_MESSAGE_BYTES} bytes`);
  }
  const r = ibeDeriveR(sigma, message);
  const u = baseG2(r);
  const g = mask(r);
  const v = xorBytes(sigma, sha256(gtToArkBytes(g)));
  const w = xorBytes(message, sha256(sigma));
  return { u, v, w };
}

/**
 * Decrypts with the identity's secret key (a drand round signature); `undefined` when the
 * consistency check `r·g2 = U` fails (another identity's key, or a tampered U, V or W).
 */
export function ibeDecrypt(ciphertext: IbeCiphertext, identityKey: G1Point): Uint8Array | undefined {
  if (ciphertext.v.length !== IBE_MESSAGE_BYTES || ciphertext.w.length !== IBE_MESSAGE_BYTES) return undefined;
  const g = pair(identityKey, ciphertext.u);
  const sigma = xorBytes(ciphertext.v, sha256(gtToArkBytes(g)));
  const message = xorBytes(ciphertext.w, sha256(sigma));
  const r = ibeDeriveR(sigma, message);
  return baseG2(r).equals(ciphertext.u) ? message : undefined;
}
