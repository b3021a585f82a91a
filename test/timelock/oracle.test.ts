/** chain.md §14.3 items 6–7: cross-checks with the Rust tle crate compiled to WebAssembly (the chain's code). */
import { describe, expect, test } from "vitest";
import { randomBytes } from "node:crypto";
import { hexToBytes } from "@noble/hashes/utils.js";
import { QUICKNET_PUBLIC_KEY, timelockDecrypt, timelockEncrypt } from "../../src/timelock/index.js";
import { signatureOf } from "./fixture.js";
import { oracleDecrypt, oracleEncrypt } from "./oracle.js";

const publicKey = hexToBytes(QUICKNET_PUBLIC_KEY);
const LENGTHS = [1, 15, 63, 64, 780, 1000];

describe("TS → Rust", () => {
  test.each(LENGTHS)("behavior: a %i-byte plaintext encrypted here decrypts in tld", (length) => {
    const plaintext = randomBytes(length);
    const ct = timelockEncrypt(plaintext, 1000)._unsafeUnwrap();
    expect(ct.length).toBe(244 + length);
    expect(oracleDecrypt(ct, signatureOf(1000))).toEqual(Uint8Array.from(plaintext));
  });

  test("behavior: round 2000 ciphertexts decrypt in tld with the round-2000 signature only", () => {
    const plaintext = new TextEncoder().encode("\u0038hello crusades");
    const ct = timelockEncrypt(plaintext, 2000n)._unsafeUnwrap();
    expect(oracleDecrypt(ct, signatureOf(2000))).toEqual(plaintext);
    expect(() => oracleDecrypt(ct, signatureOf(1000))).toThrow(/InvalidSignature/);
  });
});

describe("Rust → TS", () => {
  test.each(LENGTHS)("behavior: a %i-byte plaintext encrypted by tle decrypts here", (length) => {
    const plaintext = Uint8Array.from(randomBytes(length));
    const ct = oracleEncrypt(plaintext, 1000, publicKey, randomBytes(32));
    expect(ct.length).toBe(244 + length);
    expect(timelockDecrypt(ct, signatureOf(1000))._unsafeUnwrap()).toEqual(plaintext);
  });

  test("error: a tle ciphertext for round 2000 fails here with the round-1000 signature", () => {
    const ct = oracleEncrypt(new Uint8Array([1, 2, 3]), 2000, publicKey, randomBytes(32));
    expect(timelockDecrypt(ct, signatureOf(2000))._unsafeUnwrap()).toEqual(new Uint8Array([1, 2, 3]));
    expect(timelockDecrypt(ct, signatureOf(1000))._unsafeUnwrapErr()).toMatchObject({
      type: "TimelockDecryptionFailed",
      reason: "SignatureMismatch",
    });
  });

  test("behavior: the Rust decoder is lenient where this one is strict (chain.md §5.5)", () => {
    const ct = timelockEncrypt(new Uint8Array([9]), 1000)._unsafeUnwrap();
    const trailing = new Uint8Array([...ct, 0]);
    const suite = Uint8Array.from(ct);
    suite[suite.length - 1] = (suite[suite.length - 1] as number) ^ 0xff;
    for (const variant of [trailing, suite]) {
      expect(oracleDecrypt(variant, signatureOf(1000))).toEqual(new Uint8Array([9]));
      expect(timelockDecrypt(variant, signatureOf(1000))._unsafeUnwrapErr().type).toBe("TimelockDecode");
    }
  });
});
