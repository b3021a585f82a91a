/**
 * The API's read-only queries against the store (plain SELECTs on `store.db`). Everything but the
 * per-submission reads is filtered on the competition version (§J.2, as the reference does).
 * Timestamps are compared as stored: ISO 8601 UTC strings, which sort as times.
 * @module
 */
import type { Store, SubmissionStatus } from "../store/index.js";

/** Submissions still in the pipeline (the reference's `evaluating`, §C.10). */
export const IN_PROGRESS: readonly SubmissionStatus[] = Object.freeze(["downloading", "scanning", "evaluating"]);

/** Every project status, in lifecycle order (§C.10). */
export const ALL_STATUSES: readonly SubmissionStatus[] = Object.freeze(["queued", "downloading", "scanning", "evaluating", "finished", "failed", "duplicate"]);

const inList = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(", ");

function count(store: Store, sql: string, ...args: unknown[]): number {
  return (store.db.prepare(sql).get(...args) as { n: number }).n;
}

/** Submissions of `version` per project status (every status present, 0 when none). */
export function submissionCounts(store: Store, version: number): Record<SubmissionStatus, number> {
  const rows = store.db.prepare(`SELECT status, COUNT(*) AS n FROM submissions WHERE spec_version = ? GROUP BY status`).all(version) as { status: SubmissionStatus; n: number }[];
  const counts = Object.fromEntries(ALL_STATUSES.map((s) => [s, 0])) as Record<SubmissionStatus, number>;
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/** Submissions of `version` created strictly after `sinceIso`. */
export function submissionsSince(store: Store, version: number, sinceIso: string): number {
  return count(store, `SELECT COUNT(*) AS n FROM submissions WHERE spec_version = ? AND created_at > ?`, version, sinceIso);
}

/** Distinct hotkeys with a submission of `version` created after `sinceIso`. */
export function activeMinersSince(store: Store, version: number, sinceIso: string): number {
  return count(store, `SELECT COUNT(DISTINCT miner_hotkey) AS n FROM submissions WHERE spec_version = ? AND created_at > ?`, version, sinceIso);
}

/** The best finished score of `version` among submissions created at or before `iso`, or `null`. */
export function bestFinishedScoreAtOrBefore(store: Store, version: number, iso: string): number | null {
  const r = store.db.prepare(`SELECT MAX(final_score) AS s FROM submissions WHERE spec_version = ? AND status = 'finished' AND created_at <= ?`).get(version, iso) as { s: number | null };
  return r.s;
}

/** The first positive finished score of `version` by creation time, or `null`. */
export function firstFinishedScore(store: Store, version: number): number | null {
  const r = store.db
    .prepare(`SELECT final_score AS s FROM submissions WHERE spec_version = ? AND status = 'finished' AND final_score > 0 ORDER BY created_at, submission_id LIMIT 1`)
    .get(version) as { s: number } | undefined;
  return r?.s ?? null;
}

/** The mean finished score of `version`, or `null`. */
export function averageFinishedScore(store: Store, version: number): number | null {
  const r = store.db.prepare(`SELECT AVG(final_score) AS s FROM submissions WHERE spec_version = ? AND status = 'finished' AND final_score IS NOT NULL`).get(version) as { s: number | null };
  return r.s;
}

/** The oldest submission of `version` in the pipeline, or `null`. */
export function oldestInProgress(store: Store, version: number): { readonly submissionId: string; readonly minerUid: number } | null {
  const r = store.db
    .prepare(`SELECT submission_id AS submissionId, miner_uid AS minerUid FROM submissions WHERE spec_version = ? AND status IN (${inList(IN_PROGRESS)}) ORDER BY created_at, submission_id LIMIT 1`)
    .get(version) as { submissionId: string; minerUid: number } | undefined;
  return r ?? null;
}

/** Non-void runs of `version`'s submissions stored after `sinceIso`. */
export function runsSince(store: Store, version: number, sinceIso: string): number {
  return count(
    store,
    `SELECT COUNT(*) AS n FROM runs r JOIN submissions s ON s.submission_id = r.submission_id WHERE s.spec_version = ? AND r.status != 'void' AND r.superseded = 0 AND r.created_at > ?`,
    version,
    sinceIso,
  );
}

/** When the first submission of `version` was created, or `null`. */
export function firstSubmissionAt(store: Store, version: number): string | null {
  return (store.db.prepare(`SELECT MIN(created_at) AS t FROM submissions WHERE spec_version = ?`).get(version) as { t: string | null }).t;
}

/** A row of `/api/stats/recent`. */
export interface RecentRow {
  readonly submissionId: string;
  readonly minerHotkey: string;
  readonly minerUid: number;
  readonly status: SubmissionStatus;
  readonly finalScore: number | null;
  readonly createdAt: string;
  readonly errorMessage: string | null;
  readonly errorCode: string | null;
}

/** The newest submissions of `version` in a final state. */
export function recentFinal(store: Store, version: number, limit: number): RecentRow[] {
  return store.db
    .prepare(
      `SELECT submission_id AS submissionId, miner_hotkey AS minerHotkey, miner_uid AS minerUid, status, final_score AS finalScore,
         created_at AS createdAt, error_message AS errorMessage, error_code AS errorCode
       FROM submissions WHERE spec_version = ? AND status IN ('finished', 'failed', 'duplicate')
       ORDER BY created_at DESC, submission_id DESC LIMIT ?`,
    )
    .all(version, limit) as RecentRow[];
}

/** Finished scores of `version` in creation order (the history chart). */
export function finishedScoresInOrder(store: Store, version: number): { readonly submissionId: string; readonly finalScore: number; readonly createdAt: string }[] {
  return store.db
    .prepare(
      `SELECT submission_id AS submissionId, final_score AS finalScore, created_at AS createdAt FROM submissions
       WHERE spec_version = ? AND status = 'finished' AND final_score IS NOT NULL ORDER BY created_at, submission_id`,
    )
    .all(version) as { submissionId: string; finalScore: number; createdAt: string }[];
}

/** When the leader record of `version` last changed, or `null` when there is none. */
export function leaderUpdatedAt(store: Store, version: number): string | null {
  const r = store.db.prepare(`SELECT updated_at AS t FROM leader_state WHERE spec_version = ?`).get(version) as { t: string } | undefined;
  return r?.t ?? null;
}

/** The relative improvement of the last leader change of `version` (`(new − old) / old`), 0 for a first leader or none. */
export function lastImprovement(store: Store, version: number): number {
  const r = store.db
    .prepare(`SELECT old_leader_score AS oldScore, new_leader_score AS newScore FROM leader_history WHERE spec_version = ? AND changed = 1 ORDER BY id DESC LIMIT 1`)
    .get(version) as { oldScore: number | null; newScore: number | null } | undefined;
  if (!r || r.oldScore === null || r.newScore === null || !(r.oldScore > 0)) return 0;
  return (r.newScore - r.oldScore) / r.oldScore;
}

/** A row of `/leaderboard`, before its rank. */
export interface LeaderboardRow {
  readonly submissionId: string;
  readonly minerHotkey: string;
  readonly minerUid: number;
  readonly finalScore: number;
  readonly numEvaluations: number;
  readonly createdAt: string;
}

const LEADERBOARD_COLUMNS = `s.submission_id AS submissionId, s.miner_hotkey AS minerHotkey, s.miner_uid AS minerUid, s.final_score AS finalScore,
  (SELECT COUNT(*) FROM runs r WHERE r.submission_id = s.submission_id AND r.status != 'void' AND r.superseded = 0) AS numEvaluations, s.created_at AS createdAt`;

/** The finished submission `id` of `version` as a leaderboard row, or `null`. */
export function leaderboardRow(store: Store, version: number, id: string): LeaderboardRow | null {
  return (
    (store.db
      .prepare(`SELECT ${LEADERBOARD_COLUMNS} FROM submissions s WHERE s.spec_version = ? AND s.submission_id = ? AND s.status = 'finished' AND s.final_score IS NOT NULL`)
      .get(version, id) as LeaderboardRow | undefined) ?? null
  );
}

/** Finished submissions of `version` other than `excludeId`, by raw score descending (ties: earlier first). */
export function leaderboardRows(store: Store, version: number, excludeId: string | null, limit: number): LeaderboardRow[] {
  return store.db
    .prepare(
      `SELECT ${LEADERBOARD_COLUMNS} FROM submissions s
       WHERE s.spec_version = ? AND s.status = 'finished' AND s.final_score IS NOT NULL AND s.submission_id IS NOT ?
       ORDER BY s.final_score DESC, s.created_at, s.submission_id LIMIT ?`,
    )
    .all(version, excludeId, limit) as LeaderboardRow[];
}

/** Submissions (any version) sharing the downloaded code or the URL: disclosing one discloses them all. */
export function submissionsSharingCode(
  store: Store,
  codeSha256: string | null,
  bucketPath: string,
): { readonly submissionId: string; readonly status: SubmissionStatus; readonly finishedBlock: number | null }[] {
  return store.db
    .prepare(`SELECT submission_id AS submissionId, status, finished_block AS finishedBlock FROM submissions WHERE bucket_path = ? OR (? IS NOT NULL AND code_sha256 = ?)`)
    .all(bucketPath, codeSha256, codeSha256) as { submissionId: string; status: SubmissionStatus; finishedBlock: number | null }[];
}

/** The code bytes under `sha256`, or `null`. */
export function codeBytes(store: Store, sha256: string): Buffer | null {
  const r = store.db.prepare(`SELECT bytes FROM code_blobs WHERE sha256 = ?`).get(sha256) as { bytes: Buffer } | undefined;
  return r?.bytes ?? null;
}

/** A stored run, with the whole result record as JSON text. */
export interface RunRow {
  readonly runId: string;
  readonly submissionId: string;
  readonly runNo: number;
  readonly evaluatorHotkey: string | null;
  readonly status: "success" | "failed" | "void";
  readonly errorCode: string | null;
  readonly error: string | null;
  readonly mfu: number;
  readonly tokensPerSecond: number;
  readonly totalTokens: number;
  readonly wallTimeSeconds: number | null;
  readonly result: string;
  /** 1 when made under another setup than the submission's later runs (never counted). */
  readonly superseded: number;
  readonly createdAt: string;
}

/** The runs of a submission in the order they were stored (void ones included). */
export function runRows(store: Store, submissionId: string): RunRow[] {
  return store.db
    .prepare(
      `SELECT run_id AS runId, submission_id AS submissionId, run_no AS runNo, evaluator_hotkey AS evaluatorHotkey, status, error_code AS errorCode, error,
         mfu, tokens_per_second AS tokensPerSecond, total_tokens AS totalTokens, wall_time_seconds AS wallTimeSeconds, result, superseded, created_at AS createdAt
       FROM runs WHERE submission_id = ? ORDER BY rowid`,
    )
    .all(submissionId) as RunRow[];
}

/** An ingested commitment, with the status and identity of the submission it created. */
export interface CommitmentRow {
  readonly hotkey: string;
  readonly uid: number | null;
  readonly revealBlock: number;
  readonly payloadSha256: string;
  readonly source: string;
  readonly listIndex: number;
  readonly rawText: string | null;
  readonly outcome: string;
  readonly reason: string | null;
  readonly submissionId: string | null;
  readonly specVersion: number;
  readonly ingestedBlock: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly submissionStatus: SubmissionStatus | null;
  readonly submissionCodeSha256: string | null;
  readonly submissionBucketPath: string | null;
  readonly submissionFinishedBlock: number | null;
  readonly submissionFinalScore: number | null;
  readonly submissionErrorCode: string | null;
}

/** Ingested commitments of `version`, newest reveal first, optionally of one hotkey. */
export function commitmentRows(store: Store, version: number, hotkey: string | null, limit: number): CommitmentRow[] {
  return store.db
    .prepare(
      `SELECT c.hotkey, c.uid, c.reveal_block AS revealBlock, c.payload_sha256 AS payloadSha256, c.source, c.list_index AS listIndex, c.raw_text AS rawText,
         c.outcome, c.reason, c.submission_id AS submissionId, c.spec_version AS specVersion, c.ingested_block AS ingestedBlock,
         c.created_at AS createdAt, c.updated_at AS updatedAt,
         s.status AS submissionStatus, s.code_sha256 AS submissionCodeSha256, s.bucket_path AS submissionBucketPath,
         s.finished_block AS submissionFinishedBlock, s.final_score AS submissionFinalScore, s.error_code AS submissionErrorCode
       FROM commitments_ingested c LEFT JOIN submissions s ON s.submission_id = c.submission_id
       WHERE c.spec_version = ? AND (? IS NULL OR c.hotkey = ?)
       ORDER BY c.reveal_block DESC, c.id DESC LIMIT ?`,
    )
    .all(version, hotkey, hotkey, limit) as CommitmentRow[];
}

/** A `leader_history` row. */
export interface LeaderHistoryApiRow {
  readonly submissionId: string;
  readonly block: number;
  readonly reason: string;
  readonly changed: number;
  readonly oldLeaderId: string | null;
  readonly oldLeaderScore: number | null;
  readonly oldThreshold: number | null;
  readonly oldThresholdBlock: number | null;
  readonly newLeaderId: string | null;
  readonly newLeaderScore: number | null;
  readonly newThreshold: number | null;
  readonly newThresholdBlock: number | null;
  readonly thresholdApplied: number | null;
  readonly scoreToBeat: number | null;
  readonly createdAt: string;
}

/** The leader audit trail of `version`, newest first. */
export function leaderHistoryRows(store: Store, version: number, limit: number): LeaderHistoryApiRow[] {
  return store.db
    .prepare(
      `SELECT submission_id AS submissionId, block, reason, changed, old_leader_id AS oldLeaderId, old_leader_score AS oldLeaderScore,
         old_threshold AS oldThreshold, old_threshold_block AS oldThresholdBlock, new_leader_id AS newLeaderId, new_leader_score AS newLeaderScore,
         new_threshold AS newThreshold, new_threshold_block AS newThresholdBlock, threshold_applied AS thresholdApplied, score_to_beat AS scoreToBeat,
         created_at AS createdAt
       FROM leader_history WHERE spec_version = ? ORDER BY id DESC LIMIT ?`,
    )
    .all(version, limit) as LeaderHistoryApiRow[];
}

/** Runs of `version`'s submissions per run status. */
export function runCounts(store: Store, version: number): Record<"success" | "failed" | "void", number> {
  const rows = store.db
    .prepare(`SELECT r.status, COUNT(*) AS n FROM runs r JOIN submissions s ON s.submission_id = r.submission_id WHERE s.spec_version = ? AND r.superseded = 0 GROUP BY r.status`)
    .all(version) as { status: "success" | "failed" | "void"; n: number }[];
  const counts = { success: 0, failed: 0, void: 0 };
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/** Ingested commitments of `version` per outcome (only outcomes seen). */
export function ingestionOutcomeCounts(store: Store, version: number): { readonly outcome: string; readonly n: number }[] {
  return store.db.prepare(`SELECT outcome, COUNT(*) AS n FROM commitments_ingested WHERE spec_version = ? GROUP BY outcome ORDER BY outcome`).all(version) as { outcome: string; n: number }[];
}

/** The ingestion cursor of every source. */
export function ingestionCursors(store: Store): { readonly source: string; readonly block: number }[] {
  return store.db.prepare(`SELECT source, block FROM ingestion_cursor ORDER BY source`).all() as { source: string; block: number }[];
}

/** How many possible gaps in revealed histories are still open. */
export function gapCount(store: Store): number {
  return (store.db.prepare(`SELECT COUNT(*) AS n FROM gaps WHERE resolved_block IS NULL`).get() as { n: number }).n;
}
