/**
 * `crusades/store`: the validator's embedded SQLite store (better-sqlite3, WAL, versioned
 * migrations): ingested commitments and the cursor, submissions, runs, code by content hash,
 * the leader record and its history, verified payments, gaps and weight settings
 * (spec crusades.md §J.1 [PROJECT]). Operations are synchronous; group them with `store.transaction`.
 * @module
 */
export { openStore } from "./open-store.js";
export type { OpenStoreOptions, Store } from "./open-store.js";
export { MIGRATIONS } from "./migrations.js";
export type { Migration } from "./migrations.js";
export { classifySqliteError } from "./errors.js";
export type { StoreError, StoreIoError, StoreSchemaTooNewError } from "./errors.js";
export {
  earlierSubmissionWithCode,
  FINAL_STATUSES,
  getSubmission,
  insertSubmission,
  latestSubmissionOfHotkey,
  nearestSubmissionOfHotkey,
  listSubmissions,
  nextQueuedSubmission,
  nowIso,
  referenceStatus,
  requeueInterrupted,
  submissionExists,
  submissionWithCodeHash,
  updateSubmission,
} from "./submissions.js";
export type { NewSubmission, SubmissionPatch, SubmissionRow, SubmissionStatus } from "./submissions.js";
export { insertRun, runsOfSubmission, supersedeRuns } from "./runs.js";
export { getCode, putCode } from "./code-blobs.js";
export { claimUrl, findIngested, getCursor, getMeta, listGaps, listIngested, recordGap, recordIngested, resolveGap, setCursor, setMeta, urlClaim } from "./ingestion.js";
export type { CommitmentSource, IngestedCommitment, IngestionGap, IngestionOutcome } from "./ingestion.js";
export { applyLeaderUpdate, getLeaderState, leaderHistory } from "./leader.js";
export type { LeaderHistoryRow } from "./leader.js";
export { recordedPaymentUser, recordVerifiedPayment } from "./payments.js";
export type { VerifiedPayment } from "./payments.js";
export { latestWeightSet, recordWeightSet } from "./weight-sets.js";
export type { WeightSetRecord } from "./weight-sets.js";
