/**
 * Downloaded code, stored once by its full SHA-256 and read back for every run (§C.6 step 9).
 * @module
 */
import { createHash } from "node:crypto";
import type { Store } from "./open-store.js";
import { prepared } from "./statements.js";
import { nowIso } from "./submissions.js";

/** Stores `bytes` (idempotent) and returns their SHA-256 hex. */
export function putCode(store: Store, bytes: Uint8Array): string {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  prepared(store, `INSERT OR IGNORE INTO code_blobs (sha256, bytes, size_bytes, created_at) VALUES (?, ?, ?, ?)`).run(sha256, Buffer.from(bytes), bytes.length, nowIso());
  return sha256;
}

/** The stored bytes, or `null`. */
export function getCode(store: Store, sha256: string): Uint8Array | null {
  const row = prepared(store, `SELECT bytes FROM code_blobs WHERE sha256 = ?`).get(sha256) as { bytes: Buffer } | undefined;
  return row ? new Uint8Array(row.bytes) : null;
}
