/**
 * Prepared statements, compiled once per connection: ingestion runs a handful of statements per
 * chain entry, and compiling SQL costs more than running it.
 * @module
 */
import type Database from "better-sqlite3";
import type { Store } from "./open-store.js";

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** The statement for `sql` on the store's connection, compiled on first use. */
export function prepared(store: Store, sql: string): Database.Statement {
  let byText = cache.get(store.db);
  if (byText === undefined) cache.set(store.db, (byText = new Map()));
  let statement = byText.get(sql);
  if (statement === undefined) byText.set(sql, (statement = store.db.prepare(sql)));
  return statement;
}
