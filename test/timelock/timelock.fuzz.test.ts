/** fast-check: round trips for arbitrary plaintexts and rounds; arbitrary input is always an Err, never a throw. */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { QUICKNET_G1_DST, timelockDecrypt, timelockEncrypt } from "../../src/timelock/index.js";
import { roundMessage } from "../../src/timelock/quicknet.js";
import { signatureOf } from "./fixture.js";

// A beacon of our own, so that any round has a signature: sk·H(sha256(u64_be(round))).
const secretKey = bls12_381.fields.Fr.toBytes(0x5eed5eed5eed5eedn);
const publicKey = bls12_381.shortSignatures.getPublicKey(secretKey).toBytes(true);
const signRound = (round: bigint): Uint8Array =>
  bls12_381.shortSignatures.sign(bls12_381.shortSignatures.hash(roundMessage(round), QUICKNET_G1_DST), secretKey).toBytes(true);

const plaintexts = fc.uint8Array({ minLength: 1, maxLength: 800 });

describe("round trips", () => {
  test("behavior: quicknet, rounds 1000 and 2000, real signatures", () => {
    fc.assert(
      fc.property(plaintexts, fc.constantFrom(1000, 2000), (plaintext, round) => {
        const ct = timelockEncrypt(plaintext, round)._unsafeUnwrap();
        expect(ct.length).toBe(244 + plaintext.length);
        expect(timelockDecrypt(ct, signatureOf(round))._unsafeUnwrap()).toEqual(plaintext);
        expect(timelockDecrypt(ct, signatureOf(round === 1000 ? 2000 : 1000)).isErr()).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  test("behavior: any u64 round, with a beacon key made here", () => {
    fc.assert(
      fc.property(plaintexts, fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }), (plaintext, round) => {
        const ct = timelockEncrypt(plaintext, round, publicKey)._unsafeUnwrap();
        expect(timelockDecrypt(ct, signRound(round))._unsafeUnwrap()).toEqual(plaintext);
        expect(timelockDecrypt(ct, signRound(round === 1n ? 2n : round - 1n))._unsafeUnwrapErr().type).toBe("TimelockDecryptionFailed");
      }),
      { numRuns: 15 },
    );
  });
});

describe("never throws", () => {
  const valid = timelockEncrypt(new Uint8Array([1, 2, 3]), 1000)._unsafeUnwrap();

  test("error: arbitrary bytes as ciphertext", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => timelockDecrypt(bytes, signatureOf(1000)).isErr()),
      { numRuns: 300 },
    );
  });

  test("error: random edits of a valid ciphertext never throw, and only a no-op edit decrypts", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
        (edits) => {
          const bytes = Uint8Array.from(valid);
          for (const [index, value] of edits) bytes[index] = value;
          const result = timelockDecrypt(bytes, signatureOf(1000));
          const unchanged = bytes.every((b, i) => b === valid[i]);
          expect(result.isOk()).toBe(unchanged);
        },
      ),
      { numRuns: 60 },
    );
  });

  test("error: arbitrary values as encryption arguments", () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.option(fc.anything()), (plaintext, round, key) => {
        const result = timelockEncrypt(plaintext as Uint8Array, round as number, key as string);
        return result.isErr() || plaintext instanceof Uint8Array;
      }),
      { numRuns: 300 },
    );
  });

  test("error: arbitrary values as decryption arguments", () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (ciphertext, signature) =>
        timelockDecrypt(ciphertext as Uint8Array, signature as Uint8Array).isErr(),
      ),
      { numRuns: 300 },
    );
  });
});
