/**
 * Store errors, classified once from better-sqlite3's exceptions.
 * @module
 */

/** The store could not be opened, read or written. */
export interface StoreIoError {
  readonly type: "StoreIo";
  readonly message: string;
  /** SQLite's code, e.g. `SQLITE_FULL`, `SQLITE_NOTADB`, `SQLITE_BUSY`. */
  readonly code: string | null;
  readonly cause: unknown;
}

/** The file was written by a newer schema than this version of crusades knows. */
export interface StoreSchemaTooNewError {
  readonly type: "StoreSchemaTooNew";
  readonly message: string;
  readonly schemaVersion: number;
  readonly supported: number;
}

/** Errors of the store. */
export type StoreError = StoreIoError | StoreSchemaTooNewError;

/** Maps anything better-sqlite3 threw to a {@link StoreIoError} naming what was being done. */
export function classifySqliteError(cause: unknown, doing: string): StoreIoError {
  const code = typeof (cause as { code?: unknown })?.code === "string" ? ((cause as { code: string }).code) : null;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return { type: "StoreIo", message: `could not ${doing}: ${reason}${code ? ` (${code})` : ""}`, code, cause };
}
