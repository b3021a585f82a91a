/** chain.md §14.3 item 8: every bad input is a typed Err, never a throw. */
import { describe, expect, test } from "vitest";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { QUICKNET_G1_DST, QUICKNET_PUBLIC_KEY, timelockDecrypt, timelockEncrypt } from "../../src/timelock/index.js";
import type { TimelockDecryptError } from "../../src/timelock/index.js";
import { roundMessage } from "../../src/timelock/quicknet.js";
import { loadQuicknetFixture, signatureOf } from "./fixture.js";

const fx = loadQuicknetFixture();
const sig1000 = signatureOf(1000);

/** The outcome class expected when byte `i` of a ciphertext with an n-byte plaintext is altered. */
function expectedFor(i: number, n: number): (e: TimelockDecryptError) => boolean {
  const decode = (field: string) => (e: TimelockDecryptError) => e.type === "TimelockDecode" && e.field === field;
  const mismatch = (e: TimelockDecryptError) => e.type === "TimelockDecryptionFailed" && e.reason === "SignatureMismatch";
  const auth = (e: TimelockDecryptError) => e.type === "TimelockDecryptionFailed" && e.reason === "AuthenticationFailed";
  const nonceLen = 192 + n + 16;
  if (i < 96) return (e) => decode("ciphertext.U")(e) || mismatch(e);
  if (i < 104) return decode("ciphertext.V");
  if (i < 136) return mismatch;
  if (i < 144) return decode("ciphertext.W");
  if (i < 176) return mismatch;
  if (i < 192) return decode("ciphertext.body");
  if (i < nonceLen) return auth;
  if (i < nonceLen + 8) return decode("ciphertext.nonce");
  if (i < nonceLen + 20) return auth;
  return decode("ciphertext.cipherSuite");
}

describe("timelockDecrypt", () => {
  const plaintext = new Uint8Array([0x04, 0x41]);
  const ct = timelockEncrypt(plaintext, 1000)._unsafeUnwrap();

  test("error: every flipped byte fails with the variant of its field", () => {
    expect(timelockDecrypt(ct, sig1000)._unsafeUnwrap()).toEqual(plaintext);
    for (let i = 0; i < ct.length; i++) {
      const bad = Uint8Array.from(ct);
      bad[i] = (bad[i] as number) ^ 0xff;
      const result = timelockDecrypt(bad, sig1000);
      expect(result.isErr(), `byte ${i}`).toBe(true);
      const e = result._unsafeUnwrapErr();
      expect(expectedFor(i, plaintext.length)(e), `byte ${i}: ${e.message}`).toBe(true);
    }
  });

  test("error: every truncation and a trailing byte are decode errors", () => {
    for (let length = 0; length < ct.length; length++) {
      expect(timelockDecrypt(ct.subarray(0, length), sig1000)._unsafeUnwrapErr().type, `length ${length}`).toBe("TimelockDecode");
    }
    expect(timelockDecrypt(new Uint8Array([...ct, 0]), sig1000)._unsafeUnwrapErr()).toMatchObject({
      type: "TimelockDecode",
      field: "ciphertext.body",
    });
  });

  test("error: a wrong round's signature is a SignatureMismatch", () => {
    expect(timelockDecrypt(ct, signatureOf(2000))._unsafeUnwrapErr()).toMatchObject({
      type: "TimelockDecryptionFailed",
      reason: "SignatureMismatch",
    });
  });

  test("error: a ciphertext for another round fails with this round's signature", () => {
    const other = timelockEncrypt(plaintext, 1001)._unsafeUnwrap();
    expect(timelockDecrypt(other, sig1000)._unsafeUnwrapErr().type).toBe("TimelockDecryptionFailed");
  });

  test("args: the signature may be hex, with or without 0x", () => {
    const hex = bytesToHex(sig1000);
    expect(timelockDecrypt(ct, hex)._unsafeUnwrap()).toEqual(plaintext);
    expect(timelockDecrypt(ct, `0x${hex}`)._unsafeUnwrap()).toEqual(plaintext);
    // as on chain, raw signature bytes behind an ASCII "0x" prefix
    expect(timelockDecrypt(ct, new Uint8Array([0x30, 0x78, ...sig1000]))._unsafeUnwrap()).toEqual(plaintext);
  });

  const badSignatures: [string, unknown][] = [
    ["47 bytes", sig1000.subarray(1)],
    ["49 bytes", new Uint8Array([...sig1000, 0])],
    ["48 zero bytes (no compression flag)", new Uint8Array(48)],
    ["x not on the curve", Uint8Array.from([0x80 | 0x1f, ...new Uint8Array(47).fill(0xff)])],
    ["odd-length hex", "abc"],
    ["non-hex", "zz".repeat(48)],
    ["a number", 42],
    ["undefined", undefined],
  ];
  test.each(badSignatures)("error: a signature that is %s cannot be decoded", (_, signature) => {
    expect(timelockDecrypt(ct, signature as Uint8Array)._unsafeUnwrapErr()).toMatchObject({
      type: "TimelockDecode",
      field: "signature",
    });
  });

  test("error: the point at infinity as signature decodes but does not verify", () => {
    const infinity = new Uint8Array(48);
    infinity[0] = 0xc0;
    expect(timelockDecrypt(ct, infinity)._unsafeUnwrapErr()).toMatchObject({ type: "TimelockDecryptionFailed" });
  });

  test.each([["a string", "00"], ["null", null], ["an array", [...ct]]])("error: a ciphertext that is %s cannot be decoded", (_, value) => {
    expect(timelockDecrypt(value as unknown as Uint8Array, sig1000)._unsafeUnwrapErr()).toMatchObject({
      type: "TimelockDecode",
      field: "ciphertext",
    });
  });
});

describe("timelockEncrypt", () => {
  test("error: an empty plaintext is refused (the chain drops empty reveals)", () => {
    expect(timelockEncrypt(new Uint8Array(0), 1000)._unsafeUnwrapErr()).toMatchObject({ type: "InvalidPlaintext", lengthBytes: 0 });
    expect(timelockEncrypt("text" as unknown as Uint8Array, 1000)._unsafeUnwrapErr().type).toBe("InvalidPlaintext");
  });

  test.each([0, -1, 1.5, Number.NaN, 2 ** 53, -1n, 1n << 64n])("error: round %s is an InvalidRound", (round) => {
    const e = timelockEncrypt(new Uint8Array([1]), round)._unsafeUnwrapErr();
    expect(e.type).toBe("InvalidRound");
    expect(e.message).toContain("round must be");
  });

  const badKeys: [string, unknown][] = [
    ["95 bytes", hexToBytes(QUICKNET_PUBLIC_KEY).subarray(1)],
    ["96 zero bytes", new Uint8Array(96)],
    ["a G1 point", hexToBytes(fx.round_signatures[0]?.signature_hex ?? "")],
    ["a corrupted key", hexToBytes(QUICKNET_PUBLIC_KEY.replace(/^83cf/, "83ce"))],
    ["non-hex", "xy".repeat(96)],
    ["a number", 7],
    ["the point at infinity (anyone could decrypt)", Uint8Array.from([0xc0, ...new Uint8Array(95)])],
  ];
  test.each(badKeys)("error: a public key that is %s is an InvalidPublicKey", (_, key) => {
    expect(timelockEncrypt(new Uint8Array([1]), 1000, key as string)._unsafeUnwrapErr().type).toBe("InvalidPublicKey");
  });

  test("args: the public key may be bytes or hex with 0x; another beacon's key works end to end", () => {
    const secretKey = 0x1234567890abcdefn;
    const publicKey = bls12_381.G2.Point.BASE.multiply(secretKey).toBytes(true);
    const signature = bls12_381.shortSignatures.sign(bls12_381.shortSignatures.hash(roundMessage(77n), QUICKNET_G1_DST), bls12_381.fields.Fr.toBytes(secretKey));
    for (const key of [publicKey, `0x${bytesToHex(publicKey)}`]) {
      const ct = timelockEncrypt(new Uint8Array([5, 6]), 77, key)._unsafeUnwrap();
      expect(timelockDecrypt(ct, signature.toBytes(true))._unsafeUnwrap()).toEqual(new Uint8Array([5, 6]));
    }
    const quicknetCt = timelockEncrypt(new Uint8Array([5, 6]), 77, `0x${QUICKNET_PUBLIC_KEY}`)._unsafeUnwrap();
    expect(timelockDecrypt(quicknetCt, signature.toBytes(true))._unsafeUnwrapErr().type).toBe("TimelockDecryptionFailed");
  });
});
