/**
 * The encryption's fast paths against noble's reference operations: the GLV multiplication in G1,
 * hash-to-G1 without the redundant subgroup re-check, and e(r·Q, PK) = e(Q, PK)^r.
 */
import { bls12_381 } from "@noble/curves/bls12-381.js";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { gtPow } from "../../src/timelock/gt.js";
import { hashToG1 } from "../../src/timelock/hashToG1.js";
import { ibeIdentityGt, ibeMaskFromIdentity, ibeMaskFromIdentityGt, ibePrepareMasterKey } from "../../src/timelock/ibe.js";
import { G1_GLV_LAMBDA, g1MulGlv } from "../../src/timelock/points.js";
import { QUICKNET_G1_DST, quicknetPublicKeyPoint, roundIdentity, roundMessage } from "../../src/timelock/quicknet.js";

const q = bls12_381.fields.Fr.ORDER;
const Fp12 = bls12_381.fields.Fp12;

describe("g1MulGlv", () => {
  test("behavior: λ is a cube root of unity and q = λ² + λ + 1", () => {
    expect(G1_GLV_LAMBDA * G1_GLV_LAMBDA + G1_GLV_LAMBDA + 1n).toBe(q);
    const P = bls12_381.G1.Point.BASE.multiply(987654321n);
    expect(g1MulGlv(P, G1_GLV_LAMBDA).equals(P.multiply(G1_GLV_LAMBDA))).toBe(true);
  });

  test("behavior: edge scalars (0, 1, λ ± 1, q − 1)", () => {
    const P = roundIdentity(1000n);
    expect(g1MulGlv(P, 0n).is0()).toBe(true);
    for (const k of [1n, 2n, 3n, G1_GLV_LAMBDA - 1n, G1_GLV_LAMBDA + 1n, q - 1n, (1n << 128n) - 1n, 1n << 200n]) {
      expect(g1MulGlv(P, k).equals(P.multiply(k))).toBe(true);
    }
    expect(g1MulGlv(bls12_381.G1.Point.ZERO, 5n).is0()).toBe(true);
  });

  test("behavior: equals noble's multiply for random scalars", () => {
    const P = roundIdentity(2000n);
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: q - 1n }), (k) => g1MulGlv(P, k).equals(P.multiply(k))), { numRuns: 25 });
  });

  test("error: a scalar outside 0..q−1 is a RangeError", () => {
    const P = bls12_381.G1.Point.BASE;
    expect(() => g1MulGlv(P, q)).toThrow(RangeError);
    expect(() => g1MulGlv(P, -1n)).toThrow(RangeError);
  });
});

describe("hashToG1", () => {
  test("behavior: equals noble's hashToCurve (quicknet DST, many rounds, other DSTs and lengths)", () => {
    for (const round of [0n, 1n, 1000n, 2000n, 123456789n, (1n << 64n) - 1n]) {
      const expected = bls12_381.G1.hashToCurve(roundMessage(round), { DST: QUICKNET_G1_DST });
      expect(hashToG1(roundMessage(round), QUICKNET_G1_DST).equals(expected)).toBe(true);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.string({ minLength: 1, maxLength: 40 }), (msg, dst) =>
        hashToG1(msg, dst).equals(bls12_381.G1.hashToCurve(msg, { DST: dst })),
      ),
      { numRuns: 20 },
    );
  });

  test("behavior: the output is in the prime-order subgroup", () => {
    const P = hashToG1(roundMessage(77n), QUICKNET_G1_DST);
    expect(() => P.assertValidity()).not.toThrow();
    expect(P.isTorsionFree()).toBe(true);
  });
});

describe("IBE masks", () => {
  test("behavior: e(r·Q, PK) equals e(Q, PK)^r", () => {
    const key = ibePrepareMasterKey(quicknetPublicKeyPoint());
    const Q = roundIdentity(31337n);
    const fromPoint = ibeMaskFromIdentity(Q, key);
    const fromGt = ibeMaskFromIdentityGt(ibeIdentityGt(Q, key));
    for (const r of [0n, 1n, 0x1234567890abcdefn, q - 1n]) {
      expect(Fp12.eql(fromPoint(r), fromGt(r))).toBe(true);
    }
    expect(Fp12.eql(fromPoint(5n), gtPow(bls12_381.pairing(Q, quicknetPublicKeyPoint()), 5n))).toBe(true);
  });
});

describe("timelockEncryptWithRandomness across the round caches", () => {
  test("behavior: a round's first, second and later encryptions give the same bytes", async () => {
    const { timelockEncryptWithRandomness } = await import("../../src/timelock/timelockEncrypt.js");
    const randomness = { esk: new Uint8Array(32).fill(7), sigma: new Uint8Array(32).fill(9), nonce: new Uint8Array(12).fill(1) };
    const plaintext = new TextEncoder().encode("same bytes every time");
    const round = 987_654_321n;
    const first = timelockEncryptWithRandomness(plaintext, round, randomness)._unsafeUnwrap(); // e(r·Q, PK)
    const second = timelockEncryptWithRandomness(plaintext, round, randomness)._unsafeUnwrap(); // e(Q, PK) computed, cached
    const third = timelockEncryptWithRandomness(plaintext, round, randomness)._unsafeUnwrap(); // cached e(Q, PK)
    expect(second).toEqual(first);
    expect(third).toEqual(first);
  });
});
