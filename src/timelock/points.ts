/**
 * BLS12-381 point codecs in the ZCash/IETF compressed format that arkworks also writes.
 * @module
 */
import { bls12_381 } from "@noble/curves/bls12-381.js";
import type { WeierstrassPoint } from "@noble/curves/abstract/weierstrass.js";
import type { Fp2 } from "@noble/curves/abstract/tower.js";
import { writeBigIntBE } from "./bytes.js";

export type G1Point = WeierstrassPoint<bigint>;
export type G2Point = WeierstrassPoint<Fp2>;

export const G1_COMPRESSED_BYTES = 48;
export const G2_COMPRESSED_BYTES = 96;

/**
 * Decodes a compressed G1 point, checking that it is on the curve and in the prime-order subgroup
 * (as arkworks' validated deserialization does). Throws on invalid input; callers wrap it.
 */
export function g1FromCompressed(bytes: Uint8Array): G1Point {
  if (bytes.length !== G1_COMPRESSED_BYTES) throw new Error(`expected ${G1_COMPRESSED_BYTES} bytes, got ${bytes.length}`);
  return bls12_381.G1.Point.fromBytes(bytes);
}

/** Decodes a compressed G2 point with the same checks as {@link g1FromCompressed}. Throws on invalid input. */
export function g2FromCompressed(bytes: Uint8Array): G2Point {
  if (bytes.length !== G2_COMPRESSED_BYTES) throw new Error(`expected ${G2_COMPRESSED_BYTES} bytes, got ${bytes.length}`);
  return bls12_381.G2.Point.fromBytes(bytes);
}

/**
 * Compressed encoding of a G2 point that is known to be in the subgroup (a multiple of the
 * generator). noble's `toBytes` re-runs the subgroup check first (~2 ms, a fifth of an encryption);
 * this writes the same bytes without it: x.c1 ‖ x.c0, 48 bytes big-endian each, with the
 * compression flag (0x80) and the sort flag (0x20) set when y is the lexicographically larger root
 * (y.c1 > (p − 1)/2, or y.c1 = 0 and y.c0 > (p − 1)/2). The tests compare it with noble's encoder.
 */
export function g2ToCompressedTrusted(point: G2Point): Uint8Array {
  if (point.is0()) return point.toBytes(true);
  const { x, y } = point.toAffine();
  const halfP = (bls12_381.fields.Fp.ORDER - 1n) / 2n;
  const out = new Uint8Array(G2_COMPRESSED_BYTES);
  writeBigIntBE(out, 0, x.c1, 48);
  writeBigIntBE(out, 48, x.c0, 48);
  const sort = y.c1 !== 0n ? y.c1 > halfP : y.c0 > halfP;
  out[0] = (out[0] as number) | 0x80 | (sort ? 0x20 : 0);
  return out;
}

/** λ = z² − 1 for z = |x| = 0xd201000000010000: a cube root of unity mod q, and q = λ² + λ + 1 exactly. */
export const G1_GLV_LAMBDA = 0xac45a4010001a40200000000ffffffffn;

/** β, the cube root of unity in Fp with φ(x, y) = (β·x, y) = λ·(x, y) on G1. */
const G1_GLV_BETA =
  0x1a0111ea397fe699ec02408663d4de85aa0d857d89759ad4897d29650fb85f9b409427eb4f49fffd8bfd00000000aaacn;

/** φ(P) = λ·P: one field multiplication (noble's G1 points are projective, x = X/Z). */
function g1Endomorphism(point: G1Point): G1Point {
  const Fp = bls12_381.fields.Fp;
  return new bls12_381.G1.Point(Fp.mul(point.X, G1_GLV_BETA), point.Y, point.Z);
}

/**
 * `k·P` for a G1 point of the prime-order subgroup and `0 ≤ k < q`, through the GLV endomorphism:
 * since q = λ² + λ + 1, k = k0 + k1·λ with k0 = k mod λ and k1 = ⌊k / λ⌋ (both < 2¹²⁸), and
 * k·P = k0·P + k1·φ(P). One joint pass over 64 two-bit columns (a table of the 16 points
 * a·P + b·φ(P), a, b ∈ 0..3) costs 128 doublings and 64 additions, against about 255 of each for
 * noble's `multiply` on a point without precomputes. Every column adds (the table's ZERO when the
 * column is empty), so the operation count does not depend on `k`. The tests compare it with
 * noble's `multiply`.
 */
export function g1MulGlv(point: G1Point, k: bigint): G1Point {
  if (k < 0n || k >= bls12_381.fields.Fr.ORDER) throw new RangeError("g1MulGlv: scalar out of range");
  const k0 = k % G1_GLV_LAMBDA;
  const k1 = k / G1_GLV_LAMBDA;
  const P = point;
  const P2 = P.double();
  const P3 = P2.add(P);
  const multiples = [bls12_381.G1.Point.ZERO, P, P2, P3];
  const phi = multiples.map((m, i) => (i === 0 ? m : g1Endomorphism(m)));
  // table[a + 4b] = a·P + b·φ(P)
  const table: G1Point[] = [];
  for (let b = 0; b < 4; b++) {
    for (let a = 0; a < 4; a++) {
      table.push(b === 0 ? (multiples[a] as G1Point) : a === 0 ? (phi[b] as G1Point) : (multiples[a] as G1Point).add(phi[b] as G1Point));
    }
  }
  let acc = bls12_381.G1.Point.ZERO;
  for (let shift = 126n; shift >= 0n; shift -= 2n) {
    acc = acc.double().double();
    const column = Number((k0 >> shift) & 3n) + 4 * Number((k1 >> shift) & 3n);
    acc = acc.add(table[column] as G1Point);
  }
  return acc;
}
