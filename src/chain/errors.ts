/**
 * The chain module's typed errors: readonly objects discriminated by `type`. Each function's
 * `Result` names only the variants it can produce. Messages are one line; secrets never appear in
 * them, key paths are shown with the home directory as `~`, URLs without credentials.
 * @module
 */

/** Metadata bytes that `@polkadot/types` could not decode. */
export interface MetadataDecodeError {
  readonly type: "MetadataDecode";
  readonly message: string;
  readonly cause: unknown;
}

/** A pallet call the connected runtime does not have (e.g. `set_mechanism_weights` before spec 3xx). */
export interface UnsupportedCallError {
  readonly type: "UnsupportedCall";
  readonly message: string;
  /** polkadot-js section name, e.g. `subtensorModule`. */
  readonly pallet: string;
  /** polkadot-js method name, e.g. `setMechanismWeights`. */
  readonly call: string;
}

/** A storage item the connected runtime does not have (e.g. `Commitments.RevealedCommitments` on spec 218). */
export interface UnsupportedStorageError {
  readonly type: "UnsupportedStorage";
  readonly message: string;
  readonly pallet: string;
  readonly item: string;
}

/** Arguments polkadot-js refused to encode against the metadata, or a value it could not decode. */
export interface CodecError {
  readonly type: "Codec";
  readonly message: string;
  readonly cause: unknown;
}

/** A numeric or byte argument outside its domain (netuid not a u16, empty data, …). */
export interface ChainArgumentError {
  readonly type: "ChainArgument";
  readonly message: string;
  /** The parameter's name, e.g. `netuid`. */
  readonly argument: string;
  readonly received: string;
}

/** Not an SS58 address (or not a 32-byte public key). */
export interface InvalidAddressError {
  readonly type: "InvalidAddress";
  readonly message: string;
  readonly address: string;
}

/** Weights that the Python SDK would refuse (negative, NaN, length mismatch, uid not a u16, empty). */
export interface InvalidWeightsError {
  readonly type: "InvalidWeights";
  readonly message: string;
  readonly reason: "length-mismatch" | "empty" | "negative-weight" | "non-finite-weight" | "invalid-uid" | "duplicate-uid";
}

/** A ciphertext, field or payload longer than the chain accepts (chain.md §3.2, §5.3, §8.4). */
export interface PayloadTooLargeError {
  readonly type: "PayloadTooLarge";
  readonly message: string;
  readonly what: "timelock-ciphertext" | "raw-field" | "big-raw-field" | "weights-commit";
  readonly sizeBytes: number;
  readonly limitBytes: number;
}

/** The per-epoch commitment space budget (`MaxSpace`, `UsedSpaceOf`) would be exceeded (chain.md §3.4). */
export interface CommitmentSpaceExceededError {
  readonly type: "CommitmentSpaceExceeded";
  readonly message: string;
  readonly costBytes: number;
  readonly usedBytes: number;
  readonly maxSpaceBytes: number;
}

/** Revealed bytes that are not a SCALE string of strict UTF-8 (crusades.md §B.1, §C.1). */
export interface CommitmentPayloadError {
  readonly type: "CommitmentPayload";
  readonly message: string;
  readonly reason: "empty" | "bad-length-prefix" | "length-mismatch" | "not-utf8";
}

/**
 * Every error of the offline layer (metadata, encoding, weights, budgets).
 *
 * @example
 * ```ts
 * const text = (e: ChainEncodingError) => `${e.type}: ${e.message}`;
 * ```
 */
export type ChainEncodingError =
  | MetadataDecodeError
  | UnsupportedCallError
  | UnsupportedStorageError
  | CodecError
  | ChainArgumentError
  | InvalidAddressError
  | InvalidWeightsError
  | PayloadTooLargeError
  | CommitmentSpaceExceededError
  | CommitmentPayloadError;

/** Renders any value for an error message without throwing. */
export function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Builds a {@link ChainArgumentError}. */
export function chainArgument(argument: string, value: unknown, requirement: string): ChainArgumentError {
  const received = describe(value);
  return { type: "ChainArgument", message: `${argument} must be ${requirement}, got ${received}`, argument, received };
}

/** The message of an unknown thrown value, on one line. */
export function causeMessage(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : describe(cause);
  return text.split("\n")[0] ?? "";
}
