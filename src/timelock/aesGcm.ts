/**
 * The TLE body cipher: AES-256-GCM, 12-byte nonce, 16-byte tag, no associated data
 * (`tle/src/stream_ciphers.rs`, chain.md §5.2 step 8). node:crypto's OpenSSL implementation; a
 * browser build would swap in @noble/ciphers' `gcm` with the same contract.
 * @module
 */
import { createCipheriv, createDecipheriv } from "node:crypto";

export const AES_KEY_BYTES = 32;
export const AES_NONCE_BYTES = 12;
export const AES_TAG_BYTES = 16;

/** Returns `ct ‖ tag` (plaintext length + 16 bytes). */
export function aesGcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: AES_TAG_BYTES });
  const head = cipher.update(plaintext);
  const tail = cipher.final();
  const tag = cipher.getAuthTag();
  const out = new Uint8Array(head.length + tail.length + tag.length);
  out.set(head, 0);
  out.set(tail, head.length);
  out.set(tag, head.length + tail.length);
  return out;
}

/** Decrypts `ct ‖ tag`; `undefined` when authentication fails. */
export function aesGcmDecrypt(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
  if (sealed.length < AES_TAG_BYTES) return undefined;
  const ctLength = sealed.length - AES_TAG_BYTES;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: AES_TAG_BYTES });
    decipher.setAuthTag(sealed.subarray(ctLength));
    const head = decipher.update(sealed.subarray(0, ctLength));
    const tail = decipher.final(); // throws when the tag does not authenticate
    const out = new Uint8Array(head.length + tail.length);
    out.set(head, 0);
    out.set(tail, head.length);
    return out;
  } catch {
    return undefined;
  }
}
