/** chain.md §14.3 items 3–5: GT serialization, the Rust-made known answer, the deterministic vector. */
import { describe, expect, test } from "vitest";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { TLE_OVERHEAD_BYTES, timelockDecrypt } from "../../src/timelock/index.js";
import { timelockEncryptWithRandomness } from "../../src/timelock/timelockEncrypt.js";
import { decodeTleCiphertext } from "../../src/timelock/ciphertext.js";
import { gtToArkBytes } from "../../src/timelock/gt.js";
import { ibeDeriveR } from "../../src/timelock/ibe.js";
import { xorBytes } from "../../src/timelock/bytes.js";
import { loadQuicknetFixture, signatureOf } from "./fixture.js";

const fx = loadQuicknetFixture();
const kat = fx.tle_known_answer;
const det = fx.tle_deterministic_vector;

describe("known answer made by the Rust tle crate", () => {
  const ciphertext = hexToBytes(kat.ciphertext_hex);

  test("behavior: decrypts with the round-1000 signature to SCALE(\"hello crusades\")", () => {
    const plaintext = timelockDecrypt(ciphertext, signatureOf(kat.decrypt_with_signature_of_round))._unsafeUnwrap();
    expect(bytesToHex(plaintext)).toBe(kat.expected_decryption_hex);
    expect(plaintext[0]).toBe(14 << 2);
    expect(new TextDecoder().decode(plaintext.subarray(1))).toBe(kat.expected_decryption_string_after_scale_decode);
  });

  test("behavior: reproduces the decryption intermediates (ark(GT), h2, sigma, esk, r)", () => {
    const parsed = decodeTleCiphertext(ciphertext)._unsafeUnwrap();
    const signature = bls12_381.G1.Point.fromBytes(signatureOf(1000));
    const gt = bls12_381.pairing(signature, parsed.ibe.u);
    const ark = gtToArkBytes(gt);
    const i = kat.decryption_intermediates;
    expect(ark.length).toBe(i.gt_ark_serialized_length);
    expect(bytesToHex(ark)).toBe(i.gt_pairing_sig_U_ark_serialized_hex);
    expect(bytesToHex(sha256(ark))).toBe(i.h2_sha256_of_gt_hex);
    const sigma = xorBytes(parsed.ibe.v, sha256(ark));
    expect(bytesToHex(sigma)).toBe(i.sigma_hex);
    const esk = xorBytes(parsed.ibe.w, sha256(sigma));
    expect(bytesToHex(esk)).toBe(i.esk_aes_key_hex);
    const concat = new Uint8Array([...sigma, ...esk]);
    expect(bytesToHex(sha256(concat))).toBe(i.sha256_sigma_esk_hex);
    const r = ibeDeriveR(sigma, esk);
    expect(r.toString(16).padStart(64, "0")).toBe(i.r_mod_q_hex);
    expect(bls12_381.G2.Point.BASE.multiply(r).equals(parsed.ibe.u)).toBe(true);
  });

  test("error: the round-2000 signature does not open it", () => {
    const result = timelockDecrypt(ciphertext, signatureOf(kat.must_fail_with_signature_of_round));
    expect(result._unsafeUnwrapErr()).toMatchObject({ type: "TimelockDecryptionFailed", reason: "SignatureMismatch" });
  });

  test("behavior: the layout matches the fixture field by field", () => {
    expect(ciphertext.length).toBe(kat.ciphertext_length);
    for (const { field, offset, length, hex } of kat.layout) {
      expect(bytesToHex(ciphertext.subarray(offset, offset + length)), field).toBe(hex);
    }
  });
});

describe("deterministic vector (fixed esk, sigma, nonce)", () => {
  const plaintext = hexToBytes(det.inputs.plaintext_hex);
  const randomness = {
    esk: hexToBytes(det.inputs.esk_hex),
    sigma: hexToBytes(det.inputs.sigma_hex),
    nonce: hexToBytes(det.inputs.nonce_hex),
  };

  test("behavior: r is reduced modulo q (sha256(sigma ‖ esk) ≥ q)", () => {
    const hash = sha256(new Uint8Array([...randomness.sigma, ...randomness.esk]));
    expect(bytesToHex(hash)).toBe(det.expected.sha256_sigma_esk_hex);
    expect(BigInt(`0x${bytesToHex(hash)}`) >= bls12_381.fields.Fr.ORDER).toBe(true);
    expect(ibeDeriveR(randomness.sigma, randomness.esk).toString(16).padStart(64, "0")).toBe(det.expected.r_mod_q_hex);
  });

  test("behavior: round 1000 reproduces the ciphertext byte for byte", () => {
    const ct = timelockEncryptWithRandomness(plaintext, det.inputs.round, randomness)._unsafeUnwrap();
    expect(ct.length).toBe(det.expected.ciphertext_length);
    expect(bytesToHex(ct)).toBe(det.expected.ciphertext_hex);
    expect(bytesToHex(ct.subarray(0, 96))).toBe(det.expected.U_g2_compressed_hex);
    expect(bytesToHex(ct.subarray(104, 136))).toBe(det.expected.V_hex);
    expect(bytesToHex(ct.subarray(144, 176))).toBe(det.expected.W_hex);
    expect(bytesToHex(ct.subarray(192, 192 + plaintext.length + 16))).toBe(det.expected.aes_gcm_ciphertext_and_tag_hex);
    expect(bytesToHex(timelockDecrypt(ct, signatureOf(1000))._unsafeUnwrap())).toBe(det.inputs.plaintext_hex);
  });

  test("behavior: round 2000 (bigint) reproduces its ciphertext; only V differs", () => {
    const ct = timelockEncryptWithRandomness(plaintext, 2000n, randomness)._unsafeUnwrap();
    expect(bytesToHex(ct)).toBe(det.same_inputs_round_2000_ciphertext_hex);
    expect(bytesToHex(timelockDecrypt(ct, signatureOf(2000))._unsafeUnwrap())).toBe(det.inputs.plaintext_hex);
    expect(timelockDecrypt(ct, signatureOf(1000))._unsafeUnwrapErr().type).toBe("TimelockDecryptionFailed");
  });

  test("behavior: size = 244 + plaintext length", () => {
    expect(TLE_OVERHEAD_BYTES).toBe(244);
    for (const n of [1, 2, 15, 100, 780, 4756]) {
      const ct = timelockEncryptWithRandomness(new Uint8Array(n).fill(7), 1000, randomness)._unsafeUnwrap();
      expect(ct.length).toBe(244 + n);
    }
  });
});
