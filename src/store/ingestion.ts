/**
 * What ingestion records (§C.1): every chain entry seen with its outcome, the URL claims of
 * "first committer wins", the cursor per commitment source, detected gaps, and the competition
 * version's start.
 * @module
 */
import type { Store } from "./open-store.js";
import { prepared } from "./statements.js";
import { nowIso } from "./submissions.js";

/** Where commitments are read from: timelocked reveals, or plain `CommitmentOf` entries. */
export type CommitmentSource = "revealed" | "plain";

/** Outcomes of an ingested entry (§C.1 step 3). */
export type IngestionOutcome =
  | "accepted"
  | "rejected_format"
  | "rejected_not_utf8"
  | "rejected_unregistered"
  | "duplicate_url"
  | "duplicate_content"
  | "rate_limited"
  | "payment_failed"
  | "payment_pending_retry"
  | "before_version_start";

/** An ingested entry. */
export interface IngestedCommitment {
  readonly hotkey: string;
  readonly revealBlock: number;
  /** SHA-256 hex of the revealed bytes: with hotkey and block, the entry's identity. */
  readonly payloadSha256: string;
  readonly source: CommitmentSource;
  /** Position in the hotkey's list on chain (oldest first). */
  readonly listIndex: number;
  readonly uid: number | null;
  /** The decoded text (`null` when it was not valid UTF-8). */
  readonly rawText: string | null;
  readonly outcome: IngestionOutcome;
  /** Why, in words (blocks remaining for `rate_limited`, the payment check that failed, ...). */
  readonly reason: string | null;
  readonly submissionId: string | null;
  readonly specVersion: number;
  /** The block the batch was read at. */
  readonly ingestedBlock: number;
  readonly createdAt?: string;
}

const COLUMNS = `hotkey, reveal_block AS revealBlock, payload_sha256 AS payloadSha256, source, list_index AS listIndex, uid,
  raw_text AS rawText, outcome, reason, submission_id AS submissionId, spec_version AS specVersion, ingested_block AS ingestedBlock, created_at AS createdAt`;

/** The recorded entry with this identity, or `null`. */
export function findIngested(store: Store, hotkey: string, revealBlock: number, payloadSha256: string): IngestedCommitment | null {
  return (
    (prepared(store, `SELECT ${COLUMNS} FROM commitments_ingested WHERE hotkey = ? AND reveal_block = ? AND payload_sha256 = ?`).get(hotkey, revealBlock, payloadSha256) as
      | IngestedCommitment
      | undefined) ?? null
  );
}

/** Records an entry, or replaces the outcome of one recorded before (a payment retried). */
export function recordIngested(store: Store, e: IngestedCommitment): void {
  const now = nowIso();
  prepared(store, 
      `INSERT INTO commitments_ingested (hotkey, reveal_block, payload_sha256, source, list_index, uid, raw_text, outcome, reason, submission_id, spec_version, ingested_block, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (hotkey, reveal_block, payload_sha256) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason,
         submission_id = excluded.submission_id, uid = excluded.uid, ingested_block = excluded.ingested_block, updated_at = excluded.updated_at`,
    )
    .run(e.hotkey, e.revealBlock, e.payloadSha256, e.source, e.listIndex, e.uid, e.rawText, e.outcome, e.reason, e.submissionId, e.specVersion, e.ingestedBlock, now, now);
}

/** Recorded entries, newest reveal first, optionally of one hotkey (the API's `/api/commitments`). */
export function listIngested(store: Store, options: { readonly hotkey?: string; readonly limit?: number } = {}): IngestedCommitment[] {
  const where = options.hotkey === undefined ? "" : "WHERE hotkey = ?";
  const args = options.hotkey === undefined ? [] : [options.hotkey];
  return prepared(store, `SELECT ${COLUMNS} FROM commitments_ingested ${where} ORDER BY reveal_block DESC, id DESC LIMIT ?`).all(...args, options.limit ?? 100) as IngestedCommitment[];
}

/** The first claim on `url` in `specVersion`, or `null`. */
export function urlClaim(store: Store, specVersion: number, url: string): { readonly revealBlock: number; readonly hotkey: string } | null {
  return (prepared(store, `SELECT reveal_block AS revealBlock, hotkey FROM url_claims WHERE spec_version = ? AND url = ?`).get(specVersion, url) as { revealBlock: number; hotkey: string } | undefined) ?? null;
}

/** Claims `url` for the entry (kept when an earlier claim exists). */
export function claimUrl(store: Store, specVersion: number, url: string, revealBlock: number, hotkey: string): void {
  prepared(store, `INSERT OR IGNORE INTO url_claims (spec_version, url, reveal_block, hotkey) VALUES (?, ?, ?, ?)`).run(specVersion, url, revealBlock, hotkey);
}

/** The cursor of a source: the block (and hash) up to which every revealed entry is recorded. */
export function getCursor(store: Store, source: CommitmentSource): { readonly block: number; readonly blockHash: string | null } | null {
  return (prepared(store, `SELECT block, block_hash AS blockHash FROM ingestion_cursor WHERE source = ?`).get(source) as { block: number; blockHash: string | null } | undefined) ?? null;
}

/** Moves a source's cursor; call in the transaction that records the batch it covers. */
export function setCursor(store: Store, source: CommitmentSource, block: number, blockHash: string | null): void {
  prepared(store, `INSERT INTO ingestion_cursor (source, block, block_hash, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (source) DO UPDATE SET block = excluded.block, block_hash = excluded.block_hash, updated_at = excluded.updated_at`)
    .run(source, block, blockHash, nowIso());
}

/** Records that a hotkey's kept entries may have pushed out unseen ones (§C.1 step 5). */
export function recordGap(store: Store, gap: { readonly hotkey: string; readonly oldestKeptBlock: number; readonly cursorBlock: number; readonly detectedBlock: number }): void {
  // One open gap per hotkey: a new detection moves its frontier down and keeps the older target.
  const open = openGapOf(store, gap.hotkey);
  if (open === null) {
    prepared(store, `INSERT INTO gaps (hotkey, oldest_kept_block, cursor_block, detected_block, created_at) VALUES (?, ?, ?, ?, ?)`).run(gap.hotkey, gap.oldestKeptBlock, gap.cursorBlock, gap.detectedBlock, nowIso());
    return;
  }
  prepared(store, `UPDATE gaps SET oldest_kept_block = ?, cursor_block = ? WHERE id = ?`)
    .run(Math.min(open.oldestKeptBlock, gap.oldestKeptBlock), Math.min(open.cursorBlock, gap.cursorBlock), open.id);
}

/** Closes a hotkey's open gap: its history now reaches the gap's cursor. */
export function resolveGap(store: Store, hotkey: string, block: number): void {
  prepared(store, `UPDATE gaps SET resolved_block = ? WHERE hotkey = ? AND resolved_block IS NULL`).run(block, hotkey);
}

/** A possible gap in a hotkey's revealed history (§C.1 step 5), open until recovery closes it. */
export interface IngestionGap {
  readonly id: number;
  readonly hotkey: string;
  /** The oldest reveal known so far: recovery reads the states before it. */
  readonly oldestKeptBlock: number;
  /** The block the history must reach back to (the cursor when the gap was found). */
  readonly cursorBlock: number;
  readonly detectedBlock: number;
  /** When the history reached `cursorBlock`; `null` while open. */
  readonly resolvedBlock: number | null;
  readonly createdAt: string;
}

const GAP_COLUMNS = `id, hotkey, oldest_kept_block AS oldestKeptBlock, cursor_block AS cursorBlock, detected_block AS detectedBlock, resolved_block AS resolvedBlock, created_at AS createdAt`;

function openGapOf(store: Store, hotkey: string): IngestionGap | null {
  return (prepared(store, `SELECT ${GAP_COLUMNS} FROM gaps WHERE hotkey = ? AND resolved_block IS NULL`).get(hotkey) as IngestionGap | undefined) ?? null;
}

/** Recorded gaps, newest first; `open` only those not yet closed. */
export function listGaps(store: Store, options: { readonly limit?: number; readonly open?: boolean } = {}): IngestionGap[] {
  return prepared(store, `SELECT ${GAP_COLUMNS} FROM gaps ${options.open ? "WHERE resolved_block IS NULL" : ""} ORDER BY id DESC LIMIT ?`)
    .all(options.limit ?? 100) as IngestionGap[];
}

/** A `meta` value (e.g. `competition_version`, `version_start_block`), or `null`. */
export function getMeta(store: Store, key: string): string | null {
  return (prepared(store, `SELECT value FROM meta WHERE key = ?`).get(key) as { value: string } | undefined)?.value ?? null;
}

/** Sets a `meta` value. */
export function setMeta(store: Store, key: string, value: string): void {
  prepared(store, `INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`).run(key, value, nowIso());
}
