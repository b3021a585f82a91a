/**
 * The byte layout of an arkworks-serialized `TLECiphertext<TinyBLS381>` with an AES-256-GCM body
 * (chain.md §5.3), which is what the chain's commitments pallet deserializes:
 *
 * ```
 * offset       size        field
 * 0            96          U             compressed G2 point
 * 96           8 + 32      V             u64_le(32) ‖ V
 * 136          8 + 32      W             u64_le(32) ‖ W
 * 176          8 + B       body          u64_le(B) ‖ u64_le(n + 16) ‖ ct ‖ tag ‖ u64_le(12) ‖ nonce,  B = n + 44
 * 220 + n      8 + 8       cipher suite  u64_le(8) ‖ "AES_GCM_"
 * ```
 *
 * Total 244 + n bytes for an n-byte plaintext. The Rust decoder ignores the cipher-suite bytes and
 * trailing data; this parser is strict (exact lengths, `AES_GCM_`, nothing after), as §5.5 asks.
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { readU64le, u64le } from "./bytes.js";
import { decodeError, type TimelockDecodeError, type TimelockDecodeField } from "./errors.js";
import type { IbeCiphertext } from "./ibe.js";
import { G2_COMPRESSED_BYTES, g2FromCompressed, g2ToCompressedTrusted } from "./points.js";
import { AES_NONCE_BYTES, AES_TAG_BYTES } from "./aesGcm.js";

/**
 * Bytes a TLE ciphertext adds to its plaintext: a ciphertext is `244 + plaintext.length` bytes.
 *
 * @example
 * ```ts
 * import { TLE_OVERHEAD_BYTES } from "crusades";
 * const maxCommitmentPlaintext = 1024 - TLE_OVERHEAD_BYTES; // 780 bytes (chain.md §5.3)
 * ```
 */
export const TLE_OVERHEAD_BYTES = 244;

/** The ASCII cipher-suite tag of the AES-256-GCM body. */
const CIPHER_SUITE = Uint8Array.from("AES_GCM_", (c) => c.charCodeAt(0));

const OFFSET_V = G2_COMPRESSED_BYTES; // 96
const OFFSET_W = OFFSET_V + 8 + 32; // 136
const OFFSET_BODY = OFFSET_W + 8 + 32; // 176

/** A parsed TLE ciphertext. */
export interface TleCiphertext {
  readonly ibe: IbeCiphertext;
  /** AES-GCM output: ciphertext followed by the 16-byte tag. */
  readonly sealed: Uint8Array;
  readonly nonce: Uint8Array;
}

/** Serializes the parts into the exact layout above. `sealed` is `ct ‖ tag`. */
export function encodeTleCiphertext(parts: TleCiphertext): Uint8Array {
  const { ibe, sealed, nonce } = parts;
  const bodyLength = 8 + sealed.length + 8 + nonce.length;
  const out = new Uint8Array(OFFSET_BODY + 8 + bodyLength + 8 + CIPHER_SUITE.length);
  let o = 0;
  const put = (bytes: Uint8Array): void => {
    out.set(bytes, o);
    o += bytes.length;
  };
  put(g2ToCompressedTrusted(ibe.u));
  put(u64le(ibe.v.length));
  put(ibe.v);
  put(u64le(ibe.w.length));
  put(ibe.w);
  put(u64le(bodyLength));
  put(u64le(sealed.length));
  put(sealed);
  put(u64le(nonce.length));
  put(nonce);
  put(u64le(CIPHER_SUITE.length));
  put(CIPHER_SUITE);
  return out;
}

/** Reads a u64 length prefix at `offset` and checks that it equals `expected`. */
function expectLength(
  bytes: Uint8Array,
  offset: number,
  expected: number,
  field: TimelockDecodeField,
): TimelockDecodeError | undefined {
  const found = readU64le(bytes, offset);
  if (found === BigInt(expected)) return undefined;
  return decodeError(field, `length prefix at offset ${offset} is ${found}, expected ${expected}`);
}

/** Parses a TLE ciphertext strictly; the G2 point `U` is checked to be in the prime-order subgroup. */
export function decodeTleCiphertext(bytes: unknown): Result<TleCiphertext, TimelockDecodeError> {
  if (!(bytes instanceof Uint8Array)) {
    return err(decodeError("ciphertext", `expected a Uint8Array, got ${typeof bytes}`));
  }
  // The smallest structure has an empty AES ciphertext (tag only).
  if (bytes.length < TLE_OVERHEAD_BYTES) {
    return err(decodeError("ciphertext", `${bytes.length} bytes is shorter than the ${TLE_OVERHEAD_BYTES}-byte minimum`));
  }
  const badV = expectLength(bytes, OFFSET_V, 32, "ciphertext.V");
  if (badV) return err(badV);
  const badW = expectLength(bytes, OFFSET_W, 32, "ciphertext.W");
  if (badW) return err(badW);

  // Everything after the body is the 16-byte cipher suite, so B is fixed by the total length.
  const bodyLength = bytes.length - OFFSET_BODY - 8 - 8 - CIPHER_SUITE.length;
  const badBody = expectLength(bytes, OFFSET_BODY, bodyLength, "ciphertext.body");
  if (badBody) return err(badBody);
  const sealedOffset = OFFSET_BODY + 16;
  const sealedLength = bodyLength - 8 - 8 - AES_NONCE_BYTES;
  const badSealed = expectLength(bytes, OFFSET_BODY + 8, sealedLength, "ciphertext.body");
  if (badSealed) return err(badSealed);
  if (sealedLength < AES_TAG_BYTES) {
    return err(decodeError("ciphertext.body", `AES output of ${sealedLength} bytes is shorter than its tag`));
  }
  const nonceOffset = sealedOffset + sealedLength + 8;
  const badNonce = expectLength(bytes, nonceOffset - 8, AES_NONCE_BYTES, "ciphertext.nonce");
  if (badNonce) return err(badNonce);
  const suiteOffset = nonceOffset + AES_NONCE_BYTES;
  const badSuite = expectLength(bytes, suiteOffset, CIPHER_SUITE.length, "ciphertext.cipherSuite");
  if (badSuite) return err(badSuite);
  const suite = bytes.subarray(suiteOffset + 8);
  if (!suite.every((b, i) => b === CIPHER_SUITE[i])) {
    return err(decodeError("ciphertext.cipherSuite", 'cipher suite is not "AES_GCM_"'));
  }
  // Last, because it is the expensive check (square root and subgroup membership).
  let u;
  try {
    u = g2FromCompressed(bytes.subarray(0, G2_COMPRESSED_BYTES));
  } catch (cause) {
    return err(decodeError("ciphertext.U", "not a compressed G2 point of the prime-order subgroup", cause));
  }
  return ok({
    ibe: {
      u,
      v: bytes.slice(OFFSET_V + 8, OFFSET_V + 40),
      w: bytes.slice(OFFSET_W + 8, OFFSET_W + 40),
    },
    sealed: bytes.slice(sealedOffset, sealedOffset + sealedLength),
    nonce: bytes.slice(nonceOffset, nonceOffset + AES_NONCE_BYTES),
  });
}
