/**
 * The commitment plaintext: a SCALE-encoded string (chain.md §6.2, crusades.md §B.6, §C.1).
 * @module
 */
import { compactFromU8a, compactToU8a, u8aConcat } from "@polkadot/util";
import { err, ok, type Result } from "neverthrow";
import type { CommitmentPayloadError } from "./errors.js";

const utf8 = new TextEncoder();
// fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a leading U+FEFF is kept, as Python does.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * SCALE encoding of a string: compact length of the UTF-8 bytes, then the bytes. This is the
 * plaintext to timelock-encrypt for a commitment, so that the Python reader (which skips the
 * compact prefix) recovers the whole text.
 *
 * @param text - The commitment text (for crusades, `hash:block:index:url`).
 * @returns The SCALE bytes.
 *
 * @example
 * ```ts
 * import { encodeCommitmentPayload } from "crusades/chain";
 * encodeCommitmentPayload("hello crusades"); // 0x38 68656c6c6f206372757361646573
 * ```
 */
export function encodeCommitmentPayload(text: string): Uint8Array {
  const bytes = utf8.encode(text);
  return u8aConcat(compactToU8a(bytes.length), bytes);
}

function payloadError(reason: CommitmentPayloadError["reason"], message: string): CommitmentPayloadError {
  return { type: "CommitmentPayload", message, reason };
}

/**
 * Strict decoding of revealed commitment bytes (chain.md §7 step 4): a SCALE compact length that
 * exactly covers the rest, then strict UTF-8. Malformed payloads, which the Python reader accepts
 * partially, are rejected (crusades.md §B.1, project difference).
 *
 * @param payload - The bare revealed bytes (`Bytes.toU8a(true)`).
 * @returns The text, or `CommitmentPayload` with the reason.
 *
 * @example
 * ```ts
 * import { decodeCommitmentPayload } from "crusades/chain";
 * decodeCommitmentPayload(new Uint8Array([0x08, 0x68, 0x69])); // Ok("hi")
 * ```
 */
export function decodeCommitmentPayload(payload: Uint8Array): Result<string, CommitmentPayloadError> {
  if (payload.length === 0) return err(payloadError("empty", "commitment payload is empty"));
  const mode = payload[0]! & 0b11;
  const prefixBytes = mode === 0 ? 1 : mode === 1 ? 2 : mode === 2 ? 4 : 5 + (payload[0]! >> 2);
  if (payload.length < prefixBytes) {
    return err(payloadError("bad-length-prefix", `commitment payload of ${payload.length} bytes ends inside its length prefix`));
  }
  const [offset, length] = compactFromU8a(payload);
  const declared = BigInt(length.toString());
  const actual = BigInt(payload.length - offset);
  if (declared !== actual) {
    return err(payloadError("length-mismatch", `commitment payload declares ${declared} bytes but carries ${actual}`));
  }
  try {
    return ok(strictUtf8.decode(payload.subarray(offset)));
  } catch {
    return err(payloadError("not-utf8", "commitment payload is not valid UTF-8"));
  }
}
