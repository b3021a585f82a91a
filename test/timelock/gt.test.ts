/** The GT helpers and the trusted G2 encoder, against noble's generic implementations. */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { gtPow } from "../../src/timelock/gt.js";
import { g2ToCompressedTrusted } from "../../src/timelock/points.js";
import { roundIdentity, quicknetPublicKeyPoint } from "../../src/timelock/quicknet.js";
import { ibeIdentityGt, ibePrepareMasterKey } from "../../src/timelock/ibe.js";

const { Fp, Fp12, Fr } = bls12_381.fields;
const q = Fr.ORDER;
const z = 0xd201000000010000n; // |x|, x = −z the BLS12-381 parameter

describe("gtPow", () => {
  const g = bls12_381.pairing(roundIdentity(1000n), quicknetPublicKeyPoint());

  test("behavior: ibeIdentityGt (precomputed key lines) equals noble's pairing", () => {
    const key = ibePrepareMasterKey(quicknetPublicKeyPoint());
    for (const round of [1n, 1000n, 123456789n]) {
      const identity = roundIdentity(round);
      expect(Fp12.eql(ibeIdentityGt(identity, key), bls12_381.pairing(identity, quicknetPublicKeyPoint()))).toBe(true);
    }
  });

  test("behavior: its premises hold (p ≡ x mod q, q < z^4, g has order q)", () => {
    expect(Fp.ORDER % q).toBe(q - z);
    expect(q < z ** 4n).toBe(true);
    expect(Fp12.eql(Fp12.pow(g, q), Fp12.ONE)).toBe(true);
    expect(Fp12.eql(Fp12.frobeniusMap(g, 1), Fp12.pow(g, q - z))).toBe(true);
  });

  test.each([0n, 1n, 2n, z - 1n, z, z + 1n, z * z, z ** 3n, q - z, q - 1n])("behavior: equals Fp12.pow for e = %s", (e) => {
    expect(Fp12.eql(gtPow(g, e), Fp12.pow(g, e))).toBe(true);
  });

  test("behavior: equals Fp12.pow for random exponents", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: q - 1n }), (e) => Fp12.eql(gtPow(g, e), Fp12.pow(g, e))),
      { numRuns: 15 },
    );
  });

  test("error: refuses exponents outside [0, q)", () => {
    expect(() => gtPow(g, q)).toThrow(RangeError);
    expect(() => gtPow(g, -1n)).toThrow(RangeError);
  });
});

describe("g2ToCompressedTrusted", () => {
  test("behavior: writes noble's compressed encoding", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: q - 1n }), (k) => {
        const point = bls12_381.G2.Point.BASE.multiply(k);
        const ours = g2ToCompressedTrusted(point);
        expect(ours).toEqual(point.toBytes(true));
        // both sort-flag values occur: -P has the other root
        expect(g2ToCompressedTrusted(point.negate())).toEqual(point.negate().toBytes(true));
      }),
      { numRuns: 40 },
    );
  });

  test("behavior: the point at infinity is 0xc0 followed by zeros", () => {
    const bytes = g2ToCompressedTrusted(bls12_381.G2.Point.ZERO);
    expect(bytes[0]).toBe(0xc0);
    expect(bytes.subarray(1).every((b) => b === 0)).toBe(true);
  });
});
