/**
 * The BLS12-381 target group GT (the order-q subgroup of Fp12*): the arkworks serialization that
 * the chain hashes (chain.md §5.4) and an exponentiation that uses the Frobenius map.
 *
 * noble's Fp12 uses the same tower as arkworks (Fp12 = Fp6[w]/(w² − v), Fp6 = Fp2[v]/(v³ − (u + 1)),
 * Fp2 = Fp[u]/(u² + 1)), so only the byte order differs: noble's own `Fp12.toBytes` must not be used.
 * @module
 */
import { bls12_381 } from "@noble/curves/bls12-381.js";
import type { Fp12 } from "@noble/curves/abstract/tower.js";
import { writeBigIntLE } from "./bytes.js";

/** An element of GT, as noble represents it. */
export type Gt = Fp12;

/** Size of `ark(GT)`: twelve 48-byte Fp coefficients. */
export const GT_ARK_BYTES = 576;

/**
 * `ark(g)`: arkworks' canonical (compressed = uncompressed for Fp12) serialization, the twelve Fp
 * coefficients in the order c0.c0.c0, c0.c0.c1, c0.c1.c0, … c1.c2.c1, each 48 bytes little-endian
 * of its canonical integer value (chain.md §5.4).
 */
export function gtToArkBytes(g: Gt): Uint8Array {
  const out = new Uint8Array(GT_ARK_BYTES);
  let offset = 0;
  for (const fp6 of [g.c0, g.c1]) {
    for (const fp2 of [fp6.c0, fp6.c1, fp6.c2]) {
      for (const coefficient of [fp2.c0, fp2.c1]) {
        writeBigIntLE(out, offset, coefficient, 48);
        offset += 48;
      }
    }
  }
  return out;
}

/** |x| for the BLS12-381 parameter x = −0xd201000000010000. */
const X_ABS = 0xd201000000010000n;

/**
 * `g^e` for `g` in GT and `0 ≤ e < q`, through the Frobenius endomorphism (a 4-dimensional GLS
 * decomposition). For BLS12 curves p ≡ x (mod q), so on GT the Frobenius map `π(g) = g^p` is
 * exponentiation by x. With z = |x| = −x and q < z⁴, write e = d0 + d1·z + d2·z² + d3·z³ with
 * 0 ≤ di < z < 2⁶⁴; then g^e = g^d0 · h1^d1 · h2^d2 · h3^d3 where h1 = g^z = conj(π(g)) (inversion
 * is conjugation on the cyclotomic subgroup), h2 = g^(z²) = π²(g), h3 = g^(z³) = conj(π³(g)).
 * One joint (Straus) pass over the 64 bit-columns costs 64 cyclotomic squarings and 64
 * multiplications, against ~255 squarings for a plain square-and-multiply. Every column multiplies
 * (by ONE when the column is empty), so the operation count does not depend on `e`.
 *
 * Valid only for elements of GT (outputs of a final exponentiation), where cyclotomic squaring and
 * conjugate-as-inverse hold; the tests check it against noble's generic `Fp12.pow`.
 */
export function gtPow(g: Gt, e: bigint): Gt {
  const Fp12 = bls12_381.fields.Fp12;
  if (e < 0n || e >= bls12_381.fields.Fr.ORDER) throw new RangeError("gtPow: exponent out of range");
  const h1 = Fp12.conjugate(Fp12.frobeniusMap(g, 1));
  const h2 = Fp12.frobeniusMap(g, 2);
  const h3 = Fp12.conjugate(Fp12.frobeniusMap(g, 3));
  const bases = [g, h1, h2, h3];
  // table[m] = product of bases[i] for each bit i set in m.
  const table: Gt[] = [Fp12.ONE];
  for (let m = 1; m < 16; m++) {
    const low = m & -m;
    const i = 31 - Math.clz32(low);
    table[m] = m === low ? (bases[i] as Gt) : Fp12.mul(table[m ^ low] as Gt, bases[i] as Gt);
  }
  const digits: bigint[] = [];
  let rest = e;
  for (let i = 0; i < 4; i++) {
    digits.push(rest % X_ABS);
    rest /= X_ABS;
  }
  let acc = Fp12.ONE;
  for (let bit = 63n; bit >= 0n; bit--) {
    acc = Fp12._cyclotomicSquare(acc);
    let m = 0;
    for (let i = 0; i < 4; i++) m |= Number(((digits[i] as bigint) >> bit) & 1n) << i;
    acc = Fp12.mul(acc, table[m] as Gt);
  }
  return acc;
}
