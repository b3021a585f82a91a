/**
 * Timelock decryption with a drand round signature, as the chain's reveal does (chain.md §5.5).
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { aesGcmDecrypt } from "./aesGcm.js";
import { bytesFromInput } from "./bytes.js";
import { decodeTleCiphertext } from "./ciphertext.js";
import { decodeError, type TimelockDecryptError } from "./errors.js";
import { ibeDecrypt } from "./ibe.js";
import { G1_COMPRESSED_BYTES, g1FromCompressed, type G1Point } from "./points.js";

/**
 * A drand round signature: 48 bytes (a compressed G1 point) or their hex, with or without `0x`.
 *
 * @example
 * ```ts
 * const pulse = await (await fetch(`https://api.drand.sh/${QUICKNET_CHAIN_HASH}/public/1000`)).json();
 * const signature: TimelockSignature = pulse.signature;
 * ```
 */
export type TimelockSignature = Uint8Array | string;

/** ASCII "0x". */
const ASCII_HEX_PREFIX = [0x30, 0x78];

function decodeSignature(signature: unknown): Result<G1Point, TimelockDecryptError> {
  // The chain strips an optional ASCII "0x" prefix from a stored pulse signature before
  // deserializing it (chain.md §3.6); accept the same bytes it accepts.
  const input =
    signature instanceof Uint8Array &&
    signature.length === G1_COMPRESSED_BYTES + 2 &&
    signature[0] === ASCII_HEX_PREFIX[0] &&
    signature[1] === ASCII_HEX_PREFIX[1]
      ? signature.subarray(2)
      : signature;
  const bytes = bytesFromInput(input, G1_COMPRESSED_BYTES);
  if (bytes === undefined) {
    return err(decodeError("signature", `expected ${G1_COMPRESSED_BYTES} bytes (a compressed G1 point) or their hex`));
  }
  try {
    return ok(g1FromCompressed(bytes));
  } catch (cause) {
    return err(decodeError("signature", "not a compressed G1 point of the prime-order subgroup", cause));
  }
}

/**
 * Decrypts a TLE ciphertext with the drand signature of the round it was encrypted to. Strict about
 * the layout (exact lengths, cipher suite `AES_GCM_`, no trailing bytes). Never throws.
 *
 * The signature is not checked against a beacon key: as on chain, a signature of another round (or
 * another beacon) simply fails the IBE consistency check.
 *
 * @param ciphertext - A TLE ciphertext (chain.md §5.3), e.g. from {@link timelockEncrypt}.
 * @param signature - The round's signature, e.g. `Drand.Pulses(round).signature` or the drand HTTP API's `signature`.
 * @returns The plaintext; `TimelockDecode` ("could not decode": malformed ciphertext or signature,
 *   with the `field` at fault) or `TimelockDecryptionFailed` ("did not verify/decrypt": `SignatureMismatch`
 *   for another round's signature or a tampered U/V/W, `AuthenticationFailed` for a tampered body).
 *
 * @example
 * ```ts
 * import { timelockDecrypt } from "crusades";
 * import { match } from "ts-pattern";
 *
 * const round1000 = "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39";
 * const result = timelockDecrypt(ciphertext, round1000);
 * const text = result.match(
 *   (plaintext) => new TextDecoder().decode(plaintext.subarray(1)),
 *   (e) => match(e)
 *     .with({ type: "TimelockDecode" }, (e) => `malformed ${e.field}`)
 *     .with({ type: "TimelockDecryptionFailed" }, (e) => `not revealed: ${e.reason}`)
 *     .exhaustive(),
 * );
 * ```
 */
export function timelockDecrypt(
  ciphertext: Uint8Array,
  signature: TimelockSignature,
): Result<Uint8Array, TimelockDecryptError> {
  return decodeTleCiphertext(ciphertext).andThen((parsed) =>
    decodeSignature(signature).andThen((identityKey): Result<Uint8Array, TimelockDecryptError> => {
      const esk = ibeDecrypt(parsed.ibe, identityKey);
      if (esk === undefined) {
        return err({
          type: "TimelockDecryptionFailed",
          message: "the signature does not open this ciphertext (another round, another beacon, or a tampered U, V or W)",
          reason: "SignatureMismatch",
        });
      }
      const plaintext = aesGcmDecrypt(esk, parsed.nonce, parsed.sealed);
      if (plaintext === undefined) {
        return err({
          type: "TimelockDecryptionFailed",
          message: "AES-256-GCM authentication failed (tampered body, tag or nonce)",
          reason: "AuthenticationFailed",
        });
      }
      return ok(plaintext);
    }),
  );
}
