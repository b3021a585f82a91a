/**
 * What the dashboard reads from the validator's API (spec crusades.md §J.2), with the API's field
 * names. Every field the API may omit, send as `null` or send with the wrong type is `null` here
 * (`[]` for lists), so the renderer never meets `undefined` or a string where it expects a number.
 * @module
 */

/** `/api/stats/overview`. Scores are MFU in percent; `adaptive_threshold` is a fraction. */
export interface OverviewStats {
  readonly submissions_24h: number | null;
  readonly current_top_score: number | null;
  readonly mfu_to_beat: number | null;
  readonly adaptive_threshold: number | null;
  readonly score_improvement_24h: number | null;
  readonly total_submissions: number | null;
  readonly active_miners: number | null;
}

/** The submission the validator is evaluating. */
export interface CurrentEvaluation {
  readonly submission_id: string | null;
  readonly miner_uid: number | null;
}

/** `/api/stats/validator`. */
export interface ValidatorStats {
  /** `"running"` or `"idle"`. */
  readonly status: string | null;
  readonly evaluations_completed_1h: number | null;
  readonly current_evaluation: CurrentEvaluation | null;
  /** `"Xd Yh Zm"`. */
  readonly uptime: string | null;
  readonly queued_count: number | null;
  readonly running_count: number | null;
  readonly finished_count: number | null;
  readonly failed_count: number | null;
  /** `"NN.N%"`. */
  readonly success_rate: string | null;
}

/** One point of `/api/stats/history`: the running maximum after a finished submission. */
export interface HistoryPoint {
  readonly submission_id: string | null;
  readonly mfu: number | null;
  readonly timestamp: string | null;
}

/** One row of `/leaderboard`. */
export interface LeaderboardEntry {
  readonly rank: number | null;
  readonly submission_id: string | null;
  readonly miner_hotkey: string | null;
  readonly miner_uid: number | null;
  readonly final_score: number | null;
  readonly num_evaluations: number | null;
  readonly created_at: string | null;
}

/** One row of `/api/stats/recent`. */
export interface RecentEntry {
  readonly submission_id: string | null;
  readonly miner_hotkey: string | null;
  readonly miner_uid: number | null;
  /** The reference's vocabulary (§C.10). */
  readonly status: string | null;
  /** The project's vocabulary (§C.10), when the API sends it. */
  readonly project_status: string | null;
  readonly final_score: number | null;
  readonly created_at: string | null;
  readonly error: string | null;
  readonly error_code: string | null;
}

/** `/api/stats/threshold` (project fields included). Thresholds are fractions. */
export interface ThresholdInfo {
  readonly current_threshold: number | null;
  readonly decayed_threshold: number | null;
  readonly leader_id: string | null;
  readonly leader_score: number | null;
  readonly threshold_block: number | null;
  readonly current_block: number | null;
  readonly mfu_to_beat: number | null;
}

/** One scanner violation of a submission. */
export interface ScanViolation {
  readonly rule: string | null;
  readonly line: number | null;
  readonly col: number | null;
  readonly message: string | null;
}

/** The parallel layout a submission declared. */
export interface SubmissionStrategy {
  readonly dp_size: number | null;
  readonly tp_size: number | null;
  readonly num_gpus: number | null;
}

/** `/api/submissions/{id}`: the fields the dashboard shows. */
export interface SubmissionDetail {
  readonly submission_id: string | null;
  readonly miner_hotkey: string | null;
  readonly miner_uid: number | null;
  readonly code_hash: string | null;
  /** `null` when not disclosed (§J.3). */
  readonly bucket_path: string | null;
  readonly status: string | null;
  readonly project_status: string | null;
  /** The score: median_low of the successful runs' MFU, in percent (§H.1). */
  readonly final_score: number | null;
  readonly error_message: string | null;
  readonly error_code: string | null;
  /** `null` when not disclosed (§J.3) or not stored yet. */
  readonly code_content: string | null;
  /** Whether the API disclosed the code and URL; `null` when it does not say. */
  readonly code_disclosed: boolean | null;
  /** `null` when the submission was never scanned. */
  readonly scan_violations: readonly ScanViolation[] | null;
  readonly strategy: SubmissionStrategy | null;
  readonly created_at: string | null;
}

/** The provenance hashes of a run (§L.6). */
export interface RunProvenanceView {
  readonly hparamsHash: string | null;
  readonly scannerRulesHash: string | null;
  readonly harnessHash: string | null;
  readonly imageId: string | null;
  readonly codeSha256: string | null;
  readonly seed: string | null;
}

/** One row of `/api/submissions/{id}/evaluations`. */
export interface EvaluationEntry {
  readonly evaluation_id: string | null;
  readonly run_no: number | null;
  readonly mfu: number | null;
  readonly tokens_per_second: number | null;
  readonly total_tokens: number | null;
  readonly wall_time_seconds: number | null;
  readonly success: boolean | null;
  /** `success`, `failed` or `void`, when the API sends it. */
  readonly status: string | null;
  readonly error: string | null;
  readonly error_code: string | null;
  readonly created_at: string | null;
  readonly provenance: RunProvenanceView | null;
}

/** `/api/submissions/{id}/code`. */
export interface SubmissionCode {
  readonly code: string | null;
  readonly code_hash: string | null;
  readonly disclosed: boolean | null;
}
