/**
 * Opens the validator's SQLite store (better-sqlite3, WAL) and brings its schema up to date.
 * @module
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { err, ok, type Result } from "neverthrow";
import type { StoreError } from "./errors.js";
import { classifySqliteError } from "./errors.js";
import { MIGRATIONS, type Migration } from "./migrations.js";

/** An open store. Every operation is synchronous; wrap several in {@link Store.transaction} to make them atomic. */
export interface Store {
  /** The file path (`:memory:` for a test store). */
  readonly path: string;
  /** The schema version after migrations. */
  readonly schemaVersion: number;
  /** The better-sqlite3 handle, for the store's own operations. */
  readonly db: Database.Database;
  /** Runs `fn` in one IMMEDIATE transaction: all its writes land together or none do. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** Open read-only (the API server's default when it does not own the file). @default false */
  readonly readonly?: boolean;
  /** Migrations to apply (tests). @default MIGRATIONS */
  readonly migrations?: readonly Migration[];
}

/**
 * Opens (creating it if needed) the store at `file`, in WAL mode with foreign keys on, and applies
 * every pending migration, each in its own transaction.
 * @returns the store, or `StoreOpen` (cannot open / not a database) or `StoreSchemaTooNew` (written by a newer crusades)
 * @example
 * const store = openStore("crusades.db");
 * if (store.isOk()) { ...; store.value.close(); }
 */
export function openStore(file: string, options: OpenStoreOptions = {}): Result<Store, StoreError> {
  const { readonly = false, migrations = MIGRATIONS } = options;
  let db: Database.Database;
  try {
    if (file !== ":memory:" && !readonly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    db = new Database(file, { readonly, fileMustExist: readonly });
    // A SIGKILL loses nothing committed in WAL mode with synchronous=NORMAL; only power loss can
    // roll back the last transactions, which the ingestion cursor then re-reads.
    if (!readonly) db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
  } catch (cause) {
    return err(classifySqliteError(cause, `open the store ${file}`));
  }
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  let version: number;
  try {
    version = db.pragma("user_version", { simple: true }) as number;
    if (version > latest) {
      db.close();
      return err({ type: "StoreSchemaTooNew", message: `the store ${file} has schema version ${version}; this crusades knows up to ${latest}: upgrade crusades`, schemaVersion: version, supported: latest });
    }
    if (!readonly) {
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (m.version <= version) continue;
        db.transaction(() => {
          db.exec(m.sql);
          db.pragma(`user_version = ${m.version}`);
        }).immediate();
        version = m.version;
      }
    }
  } catch (cause) {
    db.close();
    return err(classifySqliteError(cause, `migrate the store ${file}`));
  }
  return ok({
    path: file,
    schemaVersion: version,
    db,
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    close: () => {
      if (db.open) db.close();
    },
  });
}
