/**
 * Submissions: one row per accepted commitment, moved through the project's lifecycle (§C.10).
 * @module
 */
import type { Store } from "./open-store.js";
import { prepared } from "./statements.js";

/** The project's statuses (§C.10). */
export type SubmissionStatus = "queued" | "downloading" | "scanning" | "evaluating" | "finished" | "failed" | "duplicate";

/** Statuses a submission never leaves. */
export const FINAL_STATUSES: readonly SubmissionStatus[] = Object.freeze(["finished", "failed", "duplicate"]);

/** The reference's status names, as the API reports them (§C.10). */
export function referenceStatus(status: SubmissionStatus): "finished" | "failed_evaluation" | "evaluating" {
  if (status === "finished") return "finished";
  if (status === "failed" || status === "duplicate") return "failed_evaluation";
  return "evaluating";
}

/** A stored submission. JSON columns are parsed. */
export interface SubmissionRow {
  readonly submissionId: string;
  readonly minerHotkey: string;
  readonly minerUid: number;
  /** The 32-hex hash from the commitment. */
  readonly codeHash: string;
  /** The committed URL. */
  readonly bucketPath: string;
  readonly specVersion: number;
  readonly status: SubmissionStatus;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly finalScore: number | null;
  readonly revealBlock: number;
  /** Full SHA-256 of the downloaded code (its key in `code_blobs`), once downloaded. */
  readonly codeSha256: string | null;
  readonly scanViolations: readonly unknown[] | null;
  readonly scannerRulesHash: string | null;
  readonly strategy: { readonly dpSize: number; readonly tpSize: number; readonly numGpus: number } | null;
  readonly paymentVerified: boolean;
  readonly downloadAttempts: number;
  /** Failures of the validator's machinery while evaluating it (each one defers it). */
  readonly machineryFailures: number;
  readonly nextAttemptAt: string | null;
  readonly firstAttemptBlock: number | null;
  readonly finishedBlock: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A submission to create. */
export interface NewSubmission {
  readonly submissionId: string;
  readonly minerHotkey: string;
  readonly minerUid: number;
  readonly codeHash: string;
  readonly bucketPath: string;
  readonly specVersion: number;
  readonly revealBlock: number;
  readonly paymentVerified: boolean;
}

const COLUMNS = `submission_id AS submissionId, miner_hotkey AS minerHotkey, miner_uid AS minerUid, code_hash AS codeHash,
  bucket_path AS bucketPath, spec_version AS specVersion, status, error_code AS errorCode, error_message AS errorMessage,
  final_score AS finalScore, reveal_block AS revealBlock, code_sha256 AS codeSha256, scan_violations AS scanViolations,
  scanner_rules_hash AS scannerRulesHash, strategy, payment_verified AS paymentVerified, download_attempts AS downloadAttempts, machinery_failures AS machineryFailures,
  next_attempt_at AS nextAttemptAt, first_attempt_block AS firstAttemptBlock, finished_block AS finishedBlock,
  created_at AS createdAt, updated_at AS updatedAt`;

type RawRow = Omit<SubmissionRow, "scanViolations" | "strategy" | "paymentVerified"> & { scanViolations: string | null; strategy: string | null; paymentVerified: number };

function fromRaw(r: RawRow | undefined): SubmissionRow | null {
  if (r === undefined) return null;
  return {
    ...r,
    scanViolations: r.scanViolations === null ? null : (JSON.parse(r.scanViolations) as unknown[]),
    strategy: r.strategy === null ? null : (JSON.parse(r.strategy) as SubmissionRow["strategy"]),
    paymentVerified: r.paymentVerified === 1,
  };
}

/** Now, as stored: ISO 8601 UTC with milliseconds. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** Inserts a `queued` submission. */
export function insertSubmission(store: Store, s: NewSubmission): void {
  const now = nowIso();
  prepared(store, 
      `INSERT INTO submissions (submission_id, miner_hotkey, miner_uid, code_hash, bucket_path, spec_version, status, reveal_block, payment_verified, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
    )
    .run(s.submissionId, s.minerHotkey, s.minerUid, s.codeHash, s.bucketPath, s.specVersion, s.revealBlock, s.paymentVerified ? 1 : 0, now, now);
}

/** The submission, or `null`. */
export function getSubmission(store: Store, submissionId: string): SubmissionRow | null {
  return fromRaw(prepared(store, `SELECT ${COLUMNS} FROM submissions WHERE submission_id = ?`).get(submissionId) as RawRow | undefined);
}

/** Whether an id is taken (for the `_2`, `_3` suffixes of §C.3). */
export function submissionExists(store: Store, submissionId: string): boolean {
  return prepared(store, `SELECT 1 FROM submissions WHERE submission_id = ?`).get(submissionId) !== undefined;
}

/** The next submission to work on: queued, due, of `specVersion`, oldest reveal first. */
export function nextQueuedSubmission(store: Store, specVersion: number, now: string = nowIso()): SubmissionRow | null {
  return fromRaw(
    prepared(store, 
        `SELECT ${COLUMNS} FROM submissions WHERE spec_version = ? AND status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
         ORDER BY reveal_block, submission_id LIMIT 1`,
      )
      .get(specVersion, now) as RawRow | undefined,
  );
}

/** The hotkey's newest recorded submission of `specVersion` by reveal block (the rate limit's `last_block`, §C.5). */
export function latestSubmissionOfHotkey(store: Store, hotkey: string, specVersion: number): SubmissionRow | null {
  return fromRaw(
    prepared(store, `SELECT ${COLUMNS} FROM submissions WHERE miner_hotkey = ? AND spec_version = ? ORDER BY reveal_block DESC LIMIT 1`)
      .get(hotkey, specVersion) as RawRow | undefined,
  );
}

/**
 * The hotkey's submission whose reveal block is nearest to `revealBlock` (earlier or later), or
 * `null`: the rate limit's reference (§C.5), also for an older entry recovered after newer ones.
 */
export function nearestSubmissionOfHotkey(store: Store, hotkey: string, specVersion: number, revealBlock: number): SubmissionRow | null {
  return fromRaw(
    prepared(store, `SELECT ${COLUMNS} FROM submissions WHERE miner_hotkey = ? AND spec_version = ? ORDER BY ABS(reveal_block - ?), reveal_block DESC LIMIT 1`)
      .get(hotkey, specVersion, revealBlock) as RawRow | undefined,
  );
}

// A submission whose code never arrived (or was not what was committed) claims no content.
const CLAIMS_CONTENT = `status != 'duplicate' AND NOT (status = 'failed' AND error_code IN ('download_failed', 'hash_mismatch'))`;

/**
 * An earlier submission of `specVersion` committing the same 32-hex hash whose code was downloaded
 * and matched it (ingestion's `duplicate_content`, §C.4). One still waiting for its download claims
 * nothing yet: if that download fails, the later entry must not have been thrown away; the
 * evaluation-time check on the full SHA-256 catches the copy otherwise.
 */
export function submissionWithCodeHash(store: Store, codeHash: string, specVersion: number): SubmissionRow | null {
  return fromRaw(
    prepared(store, `SELECT ${COLUMNS} FROM submissions WHERE spec_version = ? AND code_hash = ? AND code_sha256 IS NOT NULL AND ${CLAIMS_CONTENT} ORDER BY reveal_block, submission_id LIMIT 1`)
      .get(specVersion, codeHash) as RawRow | undefined,
  );
}

/** A submission ahead of `s` in (reveal block, id) order with the same downloaded code (§C.4 content dedup). */
export function earlierSubmissionWithCode(store: Store, s: Pick<SubmissionRow, "submissionId" | "revealBlock" | "specVersion">, codeSha256: string): SubmissionRow | null {
  return fromRaw(
    prepared(store, 
        `SELECT ${COLUMNS} FROM submissions WHERE spec_version = ? AND code_sha256 = ? AND ${CLAIMS_CONTENT}
           AND (reveal_block < ? OR (reveal_block = ? AND submission_id < ?))
         ORDER BY reveal_block, submission_id LIMIT 1`,
      )
      .get(s.specVersion, codeSha256, s.revealBlock, s.revealBlock, s.submissionId) as RawRow | undefined,
  );
}

/** The fields a stage may change. */
export interface SubmissionPatch {
  readonly status?: SubmissionStatus;
  readonly errorCode?: string | null;
  readonly errorMessage?: string | null;
  readonly finalScore?: number | null;
  readonly codeSha256?: string | null;
  readonly scanViolations?: readonly unknown[] | null;
  readonly scannerRulesHash?: string | null;
  readonly strategy?: SubmissionRow["strategy"];
  readonly downloadAttempts?: number;
  readonly machineryFailures?: number;
  readonly nextAttemptAt?: string | null;
  readonly firstAttemptBlock?: number | null;
  readonly finishedBlock?: number | null;
}

const PATCH_COLUMNS: Readonly<Record<keyof SubmissionPatch, string>> = {
  status: "status",
  errorCode: "error_code",
  errorMessage: "error_message",
  finalScore: "final_score",
  codeSha256: "code_sha256",
  scanViolations: "scan_violations",
  scannerRulesHash: "scanner_rules_hash",
  strategy: "strategy",
  downloadAttempts: "download_attempts",
  machineryFailures: "machinery_failures",
  nextAttemptAt: "next_attempt_at",
  firstAttemptBlock: "first_attempt_block",
  finishedBlock: "finished_block",
};

/** Updates the given fields (and `updated_at`). */
export function updateSubmission(store: Store, submissionId: string, patch: SubmissionPatch): void {
  const keys = (Object.keys(patch) as (keyof SubmissionPatch)[]).filter((k) => patch[k] !== undefined);
  const unknown = keys.find((k) => !(k in PATCH_COLUMNS));
  if (unknown !== undefined) throw new TypeError(`updateSubmission: '${unknown}' cannot be changed`);
  const values = keys.map((k) => {
    const v = patch[k];
    return k === "scanViolations" || k === "strategy" ? (v === null ? null : JSON.stringify(v)) : v;
  });
  const sets = [...keys.map((k) => `${PATCH_COLUMNS[k]} = ?`), "updated_at = ?"].join(", ");
  prepared(store, `UPDATE submissions SET ${sets} WHERE submission_id = ?`).run(...values, nowIso(), submissionId);
}

/**
 * Puts submissions interrupted mid-stage (a crash, a SIGKILL) back in the queue; their stored runs
 * stay, so only the interrupted run is made again.
 * @returns the ids re-queued
 */
export function requeueInterrupted(store: Store): string[] {
  return store.transaction(() => {
    const ids = (prepared(store, `SELECT submission_id AS id FROM submissions WHERE status IN ('downloading', 'scanning', 'evaluating')`).all() as { id: string }[]).map((r) => r.id);
    prepared(store, `UPDATE submissions SET status = 'queued', updated_at = ? WHERE status IN ('downloading', 'scanning', 'evaluating')`).run(nowIso());
    return ids;
  });
}

/** Submissions of `specVersion` by status, newest first (operators and tests). */
export function listSubmissions(store: Store, options: { readonly specVersion?: number; readonly status?: SubmissionStatus; readonly limit?: number } = {}): SubmissionRow[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (options.specVersion !== undefined) (where.push("spec_version = ?"), args.push(options.specVersion));
  if (options.status !== undefined) (where.push("status = ?"), args.push(options.status));
  const sql = `SELECT ${COLUMNS} FROM submissions ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY reveal_block DESC, submission_id DESC LIMIT ?`;
  return (prepared(store, sql).all(...args, options.limit ?? 1000) as RawRow[]).map((r) => fromRaw(r)!);
}
