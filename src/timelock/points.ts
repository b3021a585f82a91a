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
