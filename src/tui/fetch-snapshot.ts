/**
 * One refresh: the main screen's six requests (or the detail view's two) in parallel, each failure
 * turned into a status-bar line. Never rejects.
 * @module
 */
import type { ResultAsync } from "neverthrow";
import type { DashboardClient } from "./client.js";
import type { DashboardClientError } from "./errors.js";
import type { DetailUpdate, SnapshotUpdate } from "./model.js";

/** Rows the main screen asks for. */
export const DASHBOARD_LIMITS = { history: 100, leaderboard: 10, recent: 10 } as const;

async function settle<T>(request: ResultAsync<T, DashboardClientError>, errors: string[]): Promise<T | null> {
  const result = await request;
  if (result.isOk()) return result.value;
  errors.push(result.error.message);
  return null;
}

/**
 * Fetches the main screen's data.
 * @example
 * const update = await fetchSnapshot(createDashboardClient())
 * update.errors // [] when every endpoint answered
 */
export async function fetchSnapshot(client: DashboardClient): Promise<SnapshotUpdate> {
  const errors: string[] = [];
  const [overview, validator, history, leaderboard, recent, threshold] = await Promise.all([
    settle(client.overview(), errors),
    settle(client.validator(), errors),
    settle(client.history(DASHBOARD_LIMITS.history), errors),
    settle(client.leaderboard(DASHBOARD_LIMITS.leaderboard), errors),
    settle(client.recent(DASHBOARD_LIMITS.recent), errors),
    settle(client.threshold(), errors),
  ]);
  return { values: { overview, validator, history, leaderboard, recent, threshold }, errors };
}

/** Fetches one submission and its evaluations for the detail view. */
export async function fetchDetail(client: DashboardClient, submissionId: string): Promise<DetailUpdate> {
  const errors: string[] = [];
  const [submission, evaluations] = await Promise.all([settle(client.submission(submissionId), errors), settle(client.evaluations(submissionId), errors)]);
  return { submissionId, submission, evaluations, errors };
}
