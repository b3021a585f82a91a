/**
 * Errors of the API server, as readonly objects discriminated by `type`.
 * @module
 */

/** A query parameter was not an integer or out of range (HTTP 422). */
export interface ApiQueryInvalidError {
  readonly type: "ApiQueryInvalid";
  /** One line naming the parameter, as sent in `{"detail": ...}`. */
  readonly message: string;
  readonly parameter: string;
  /** The raw value received. */
  readonly value: string;
}

/** A handler failed (a store error, most likely): answered with HTTP 500 and reported to `onError`. */
export interface ApiInternalError {
  readonly type: "ApiInternal";
  /** One line, no stack. */
  readonly message: string;
  /** The request path. */
  readonly path: string;
  readonly cause: unknown;
}

/** The server could not listen (address in use, permission denied, ...). */
export interface ApiListenError {
  readonly type: "ApiListen";
  readonly message: string;
  /** Node's code, e.g. `EADDRINUSE`. */
  readonly code: string | null;
  readonly cause: unknown;
}

/** Errors of the API module. */
export type ApiError = ApiQueryInvalidError | ApiInternalError | ApiListenError;

/** The first line of whatever was thrown. */
export function oneLine(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.split("\n")[0] ?? "";
}
