/**
 * The timelock module's typed errors: a union of readonly objects discriminated by `type`.
 * Each function's `Result` names only the variants it can produce.
 * @module
 */

/**
 * A reveal round that is not an integer in `1 ..= 2^64 − 1` (drand has no round 0).
 *
 * @example
 * ```ts
 * timelockEncrypt(bytes, 0); // Err({ type: "InvalidRound", message: "round must be at least 1 …" })
 * ```
 */
export interface InvalidRoundError {
  readonly type: "InvalidRound";
  readonly message: string;
  /** The rejected value, rendered for display (`5n` for a bigint, which JSON cannot carry). */
  readonly received: string;
}

/**
 * A plaintext the chain could not reveal (empty, or not a `Uint8Array`).
 *
 * @example
 * ```ts
 * timelockEncrypt(new Uint8Array(0), 1000); // Err({ type: "InvalidPlaintext", lengthBytes: 0, … })
 * ```
 */
export interface InvalidPlaintextError {
  readonly type: "InvalidPlaintext";
  readonly message: string;
  /** Length of the rejected plaintext in bytes; `0` when it was not a `Uint8Array`. */
  readonly lengthBytes: number;
}

/**
 * A beacon public key that is not a 96-byte compressed G2 point of the prime-order subgroup,
 * or is the point at infinity (which would let anyone decrypt).
 *
 * @example
 * ```ts
 * timelockEncrypt(bytes, 1000, "00"); // Err({ type: "InvalidPublicKey", … })
 * ```
 */
export interface InvalidPublicKeyError {
  readonly type: "InvalidPublicKey";
  readonly message: string;
  readonly cause: unknown;
}

/**
 * Which part of a decryption input could not be decoded.
 *
 * @example
 * ```ts
 * const field: TimelockDecodeField = "ciphertext.U";
 * ```
 */
export type TimelockDecodeField =
  | "ciphertext"
  | "ciphertext.U"
  | "ciphertext.V"
  | "ciphertext.W"
  | "ciphertext.body"
  | "ciphertext.nonce"
  | "ciphertext.cipherSuite"
  | "signature";

/**
 * "Could not decode": the ciphertext does not follow the TLE layout of chain.md §5.3 exactly
 * (wrong lengths, invalid G2 point, unknown cipher suite, trailing bytes), or the signature is
 * not a 48-byte compressed G1 point.
 *
 * @example
 * ```ts
 * timelockDecrypt(ciphertext.subarray(1), signature); // Err({ type: "TimelockDecode", field: "ciphertext", … })
 * ```
 */
export interface TimelockDecodeError {
  readonly type: "TimelockDecode";
  readonly message: string;
  readonly field: TimelockDecodeField;
  readonly cause: unknown;
}

/**
 * "Did not verify / decrypt": well-formed inputs, but the signature is not the one of the round the
 * ciphertext was made for (`SignatureMismatch`: the recomputed `r·g2` differs from `U`; wrong round,
 * wrong beacon, or a tampered `U`, `V` or `W`), or AES-256-GCM authentication failed
 * (`AuthenticationFailed`: tampered body, tag or nonce).
 *
 * @example
 * ```ts
 * timelockDecrypt(ciphertext, otherRoundSignature); // Err({ type: "TimelockDecryptionFailed", reason: "SignatureMismatch", … })
 * ```
 */
export interface TimelockDecryptionFailedError {
  readonly type: "TimelockDecryptionFailed";
  readonly message: string;
  readonly reason: "SignatureMismatch" | "AuthenticationFailed";
}

/**
 * A numeric argument outside its domain (negative, not finite, not an integer, too large).
 *
 * @example
 * ```ts
 * revealRound(-1, 12); // Err({ type: "InvalidArgument", argument: "blocksUntilReveal", … })
 * ```
 */
export interface InvalidArgumentError {
  readonly type: "InvalidArgument";
  readonly message: string;
  /** The parameter's name, e.g. `blocksUntilReveal`. */
  readonly argument: string;
  readonly received: string;
}

/**
 * Errors of {@link timelockEncrypt}.
 *
 * @example
 * ```ts
 * const result = timelockEncrypt(bytes, round);
 * if (result.isErr()) {
 *   const why = match(result.error)
 *     .with({ type: "InvalidRound" }, (e) => e.message)
 *     .with({ type: "InvalidPlaintext" }, (e) => e.message)
 *     .with({ type: "InvalidPublicKey" }, (e) => e.message)
 *     .exhaustive();
 * }
 * ```
 */
export type TimelockEncryptError = InvalidRoundError | InvalidPlaintextError | InvalidPublicKeyError;

/**
 * Errors of {@link timelockDecrypt}: "could not decode" or "did not verify/decrypt".
 *
 * @example
 * ```ts
 * const outcome = timelockDecrypt(ciphertext, signature).match(
 *   () => "revealed",
 *   (e) => (e.type === "TimelockDecode" ? `malformed ${e.field}` : `not opened: ${e.reason}`),
 * );
 * ```
 */
export type TimelockDecryptError = TimelockDecodeError | TimelockDecryptionFailedError;

/**
 * Errors of {@link revealRound}.
 *
 * @example
 * ```ts
 * const round = revealRound(blocks, 12).match((r) => r, (e) => { throw new Error(e.message); });
 * ```
 */
export type RevealRoundError = InvalidArgumentError;

/**
 * Errors of {@link estimateRevealBlock}.
 *
 * @example
 * ```ts
 * estimateRevealBlock({ round: 0, currentBlock: 1 }); // Err({ type: "InvalidRound", … })
 * ```
 */
export type EstimateRevealBlockError = InvalidRoundError | InvalidArgumentError;

/**
 * Every error the timelock module can return.
 *
 * @example
 * ```ts
 * function render(e: TimelockError): string {
 *   return `${e.type}: ${e.message}`;
 * }
 * ```
 */
export type TimelockError =
  | InvalidRoundError
  | InvalidPlaintextError
  | InvalidPublicKeyError
  | TimelockDecodeError
  | TimelockDecryptionFailedError
  | InvalidArgumentError;

/** Renders any value for an error message without throwing (symbols, bigints, objects). */
export function describeValue(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export function invalidArgument(argument: string, value: unknown, requirement: string): InvalidArgumentError {
  const received = describeValue(value);
  return {
    type: "InvalidArgument",
    message: `${argument} must be ${requirement}, got ${received}`,
    argument,
    received,
  };
}

export function decodeError(field: TimelockDecodeField, message: string, cause?: unknown): TimelockDecodeError {
  return { type: "TimelockDecode", message: `could not decode ${field}: ${message}`, field, cause };
}
