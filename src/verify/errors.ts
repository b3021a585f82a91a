/**
 * The verify module's errors: readonly objects discriminated by `type` (style guide, Errors).
 * @module
 */

interface Base {
  /** One line, for people. */
  readonly message: string;
  /** The file concerned, when there is one. */
  readonly path: string | null;
}

/** The file could not be opened or read, or is not a regular file. */
export interface SafetensorsIoError extends Base {
  readonly type: "safetensors_io";
  readonly cause: unknown;
}
/** The file ends before the 8-byte length, the header or (on read) the data it announces. */
export interface SafetensorsTruncatedError extends Base {
  readonly type: "safetensors_truncated";
}
/** The announced header length exceeds the limit; nothing was allocated for it. */
export interface SafetensorsHeaderTooLargeError extends Base {
  readonly type: "safetensors_header_too_large";
  readonly headerBytes: bigint;
  readonly limitBytes: number;
}
/** The header is not UTF-8 JSON of the required shape (objects, keys, duplicate keys, types). */
export interface SafetensorsHeaderInvalidError extends Base {
  readonly type: "safetensors_header_invalid";
  readonly tensor: string | null;
}
/** A dtype outside the format, or outside the caller's allowed set. */
export interface SafetensorsUnsupportedDtypeError extends Base {
  readonly type: "safetensors_unsupported_dtype";
  readonly tensor: string;
  readonly dtype: string;
}
/** `product(shape) × dtype size` differs from the tensor's byte span. */
export interface SafetensorsSizeMismatchError extends Base {
  readonly type: "safetensors_size_mismatch";
  readonly tensor: string;
}
/** Offsets out of the data section, overlapping, or leaving a gap or trailing bytes. */
export interface SafetensorsOffsetsError extends Base {
  readonly type: "safetensors_offsets_invalid";
  readonly tensor: string | null;
  readonly reason: "out_of_bounds" | "overlap" | "gap";
}
/** A tensor name not in the header. */
export interface SafetensorsNoSuchTensorError extends Base {
  readonly type: "safetensors_no_such_tensor";
  readonly tensor: string;
}

/** Everything {@link readSafetensors} can fail with: the file is unreadable or not a valid safetensors file. */
export type ReadSafetensorsError =
  | SafetensorsIoError
  | SafetensorsTruncatedError
  | SafetensorsHeaderTooLargeError
  | SafetensorsHeaderInvalidError
  | SafetensorsUnsupportedDtypeError
  | SafetensorsSizeMismatchError
  | SafetensorsOffsetsError;

/** Everything a header parse can fail with (no I/O). */
export type ParseSafetensorsHeaderError = Exclude<ReadSafetensorsError, SafetensorsIoError>;

/** What reading tensor data from an open reader can fail with. */
export type ReadTensorError = SafetensorsIoError | SafetensorsTruncatedError | SafetensorsNoSuchTensorError;

/** A trusted run artifact (reference, initial state, supervisor file) is missing or invalid: the run is void. */
export interface RunArtifactError extends Base {
  readonly type: "run_artifact_invalid";
  /** The artifact's role, e.g. `reference/summary.json`. */
  readonly artifact: string;
  readonly cause: unknown;
}
/** A worker thread failed or a state file changed while it was read. */
export interface VerifyIoError extends Base {
  readonly type: "verify_io";
  readonly cause: unknown;
}

/** Everything {@link verifyRun} can fail with. A candidate's own faults are failed checks, not errors. */
export type VerifyRunError = RunArtifactError | VerifyIoError;
