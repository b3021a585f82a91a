/**
 * Runs: every attempt of a submission's evaluation, void ones included (§E.10), stored as soon as
 * it ends so that a restart makes only the interrupted run again.
 * @module
 */
import type { RunResult } from "../evaluation/index.js";
import type { Store } from "./open-store.js";
import { prepared } from "./statements.js";
import { nowIso } from "./submissions.js";

/** Stores one run's result (the whole record as JSON, the figures the API lists as columns). */
export function insertRun(store: Store, submissionId: string, run: RunResult, evaluatorHotkey: string | null): void {
  const wall = run.timing?.timedWallSeconds ?? null;
  prepared(store, 
      `INSERT INTO runs (run_id, submission_id, run_no, evaluator_hotkey, status, error_code, error, mfu, tokens_per_second, total_tokens, wall_time_seconds, result, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(run.runId, submissionId, run.runNo, evaluatorHotkey, run.status, run.errorCode, run.error, finiteOr0(run.mfu), finiteOr0(run.tps), run.totalUniqueTokens, wall, JSON.stringify(run), nowIso());
}

function finiteOr0(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

/** The submission's runs in the order they were made; superseded ones only with `includeSuperseded`. */
export function runsOfSubmission(store: Store, submissionId: string, options: { readonly includeSuperseded?: boolean } = {}): RunResult[] {
  const rows = prepared(store, `SELECT result FROM runs WHERE submission_id = ? ${options.includeSuperseded ? "" : "AND superseded = 0"} ORDER BY rowid`).all(submissionId) as { result: string }[];
  return rows.map((r) => JSON.parse(r.result) as RunResult);
}

/** Marks runs as made under another setup than the submission's later runs: kept, never counted. */
export function supersedeRuns(store: Store, submissionId: string, runIds: readonly string[]): void {
  const mark = prepared(store, `UPDATE runs SET superseded = 1 WHERE submission_id = ? AND run_id = ?`);
  store.transaction(() => {
    for (const id of runIds) mark.run(submissionId, id);
  });
}
