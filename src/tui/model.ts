/**
 * The data the dashboard shows and how a refresh updates it: each endpoint's last good answer is
 * kept when a later request fails, and the failures of the latest refresh go to the status bar.
 * @module
 */
import type {
  EvaluationEntry,
  HistoryPoint,
  LeaderboardEntry,
  OverviewStats,
  RecentEntry,
  SubmissionDetail,
  ThresholdInfo,
  ValidatorStats,
} from "./types.js";

/** The main screen's data; `null` until the endpoint first answered well. */
export interface DashboardSnapshot {
  readonly overview: OverviewStats | null;
  readonly validator: ValidatorStats | null;
  readonly history: readonly HistoryPoint[] | null;
  readonly leaderboard: readonly LeaderboardEntry[] | null;
  readonly recent: readonly RecentEntry[] | null;
  readonly threshold: ThresholdInfo | null;
}

/** The detail view's data for one submission. */
export interface DetailSnapshot {
  readonly submissionId: string;
  readonly submission: SubmissionDetail | null;
  readonly evaluations: readonly EvaluationEntry[] | null;
}

/** Everything the renderer needs besides the UI state. */
export interface DashboardModel {
  /** The API's base URL, shown in the header. */
  readonly url: string;
  readonly snapshot: DashboardSnapshot;
  readonly detail: DetailSnapshot | null;
  /** One line per main-screen request that failed in the latest refresh. */
  readonly errors: readonly string[];
  /** One line per detail-view request that failed in the latest detail fetch. */
  readonly detailErrors: readonly string[];
  /** A refresh is in flight. */
  readonly loading: boolean;
  /** When the latest refresh ended (ms since the epoch), `null` before the first. */
  readonly updatedAtMs: number | null;
}

/** A fetch of the main screen: each endpoint's value, `null` where it failed, and the failures. */
export interface SnapshotUpdate {
  readonly values: DashboardSnapshot;
  readonly errors: readonly string[];
}

/** A fetch of the detail view. */
export interface DetailUpdate {
  readonly submissionId: string;
  readonly submission: SubmissionDetail | null;
  readonly evaluations: readonly EvaluationEntry[] | null;
  readonly errors: readonly string[];
}

export const EMPTY_SNAPSHOT: DashboardSnapshot = Object.freeze({ overview: null, validator: null, history: null, leaderboard: null, recent: null, threshold: null });

/** The model before the first refresh. */
export function createDashboardModel(url: string): DashboardModel {
  return { url, snapshot: EMPTY_SNAPSHOT, detail: null, errors: [], detailErrors: [], loading: false, updatedAtMs: null };
}

const keep = <T>(next: T | null, previous: T | null): T | null => (next === null ? previous : next);

/** `model` after a main-screen fetch ended at `nowMs`: new values where they came, the old ones elsewhere. */
export function applySnapshot(model: DashboardModel, update: SnapshotUpdate, nowMs: number): DashboardModel {
  const prev = model.snapshot;
  const next = update.values;
  return {
    ...model,
    snapshot: {
      overview: keep(next.overview, prev.overview),
      validator: keep(next.validator, prev.validator),
      history: keep(next.history, prev.history),
      leaderboard: keep(next.leaderboard, prev.leaderboard),
      recent: keep(next.recent, prev.recent),
      threshold: keep(next.threshold, prev.threshold),
    },
    errors: update.errors,
    updatedAtMs: nowMs,
  };
}

/** `model` after a detail fetch; kept data is only reused for the same submission. */
export function applyDetail(model: DashboardModel, update: DetailUpdate): DashboardModel {
  const prev = model.detail?.submissionId === update.submissionId ? model.detail : null;
  return {
    ...model,
    detail: {
      submissionId: update.submissionId,
      submission: keep(update.submission, prev?.submission ?? null),
      evaluations: keep(update.evaluations, prev?.evaluations ?? null),
    },
    detailErrors: update.errors,
  };
}

/** `model` with the detail view's data dropped (back to the main screen). */
export function clearDetail(model: DashboardModel): DashboardModel {
  return { ...model, detail: null, detailErrors: [] };
}
