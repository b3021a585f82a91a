/**
 * Defensive decoding of the API's JSON into the dashboard's types: a field of the wrong type is
 * `null`, a list entry that is not an object is dropped. Only a body of the wrong overall shape
 * (an object expected, an array expected) is an error, reported by the caller.
 * @module
 */
import type {
  EvaluationEntry,
  HistoryPoint,
  LeaderboardEntry,
  OverviewStats,
  RecentEntry,
  RunProvenanceView,
  ScanViolation,
  SubmissionCode,
  SubmissionDetail,
  SubmissionStrategy,
  ThresholdInfo,
  ValidatorStats,
} from "./types.js";

type Json = Readonly<Record<string, unknown>>;

/** `value` as a plain object, else `null`. */
export function asObject(value: unknown): Json | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

const num = (o: Json, key: string): number | null => {
  const v = o[key];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
};

// Identifiers and hashes are strings, but a number in their place is still worth showing.
const str = (o: Json, key: string): string | null => {
  const v = o[key];
  if (typeof v === "string") return v;
  return typeof v === "number" && Number.isFinite(v) ? String(v) : null;
};

const bool = (o: Json, key: string): boolean | null => {
  const v = o[key];
  return typeof v === "boolean" ? v : null;
};

/** The object entries of an array, or `null` when `value` is not an array. */
function objects(value: unknown): Json[] | null {
  if (!Array.isArray(value)) return null;
  return value.map(asObject).filter((o): o is Json => o !== null);
}

export function decodeOverview(o: Json): OverviewStats {
  return {
    submissions_24h: num(o, "submissions_24h"),
    current_top_score: num(o, "current_top_score"),
    mfu_to_beat: num(o, "mfu_to_beat"),
    adaptive_threshold: num(o, "adaptive_threshold"),
    score_improvement_24h: num(o, "score_improvement_24h"),
    total_submissions: num(o, "total_submissions"),
    active_miners: num(o, "active_miners"),
  };
}

export function decodeValidator(o: Json): ValidatorStats {
  const current = asObject(o.current_evaluation);
  return {
    status: str(o, "status"),
    evaluations_completed_1h: num(o, "evaluations_completed_1h"),
    current_evaluation: current === null ? null : { submission_id: str(current, "submission_id"), miner_uid: num(current, "miner_uid") },
    uptime: str(o, "uptime"),
    queued_count: num(o, "queued_count"),
    running_count: num(o, "running_count"),
    finished_count: num(o, "finished_count"),
    failed_count: num(o, "failed_count"),
    success_rate: str(o, "success_rate"),
  };
}

export function decodeHistory(value: unknown): HistoryPoint[] | null {
  return objects(value)?.map((o) => ({ submission_id: str(o, "submission_id"), mfu: num(o, "mfu"), timestamp: str(o, "timestamp") })) ?? null;
}

export function decodeLeaderboard(value: unknown): LeaderboardEntry[] | null {
  return (
    objects(value)?.map((o) => ({
      rank: num(o, "rank"),
      submission_id: str(o, "submission_id"),
      miner_hotkey: str(o, "miner_hotkey"),
      miner_uid: num(o, "miner_uid"),
      final_score: num(o, "final_score"),
      num_evaluations: num(o, "num_evaluations"),
      created_at: str(o, "created_at"),
    })) ?? null
  );
}

export function decodeRecent(value: unknown): RecentEntry[] | null {
  return (
    objects(value)?.map((o) => ({
      submission_id: str(o, "submission_id"),
      miner_hotkey: str(o, "miner_hotkey"),
      miner_uid: num(o, "miner_uid"),
      status: str(o, "status"),
      project_status: str(o, "project_status"),
      final_score: num(o, "final_score"),
      created_at: str(o, "created_at"),
      error: str(o, "error"),
      error_code: str(o, "error_code"),
    })) ?? null
  );
}

export function decodeThreshold(o: Json): ThresholdInfo {
  return {
    current_threshold: num(o, "current_threshold"),
    decayed_threshold: num(o, "decayed_threshold"),
    leader_id: str(o, "leader_id"),
    leader_score: num(o, "leader_score"),
    threshold_block: num(o, "threshold_block"),
    current_block: num(o, "current_block"),
    mfu_to_beat: num(o, "mfu_to_beat"),
  };
}

function decodeViolations(value: unknown): ScanViolation[] | null {
  return objects(value)?.map((o) => ({ rule: str(o, "rule"), line: num(o, "line"), col: num(o, "col"), message: str(o, "message") })) ?? null;
}

function decodeStrategy(value: unknown): SubmissionStrategy | null {
  const o = asObject(value);
  return o === null ? null : { dp_size: num(o, "dp_size"), tp_size: num(o, "tp_size"), num_gpus: num(o, "num_gpus") };
}

export function decodeSubmission(o: Json): SubmissionDetail {
  return {
    submission_id: str(o, "submission_id"),
    miner_hotkey: str(o, "miner_hotkey"),
    miner_uid: num(o, "miner_uid"),
    code_hash: str(o, "code_hash"),
    bucket_path: str(o, "bucket_path"),
    status: str(o, "status"),
    project_status: str(o, "project_status"),
    final_score: num(o, "final_score"),
    error_message: str(o, "error_message"),
    error_code: str(o, "error_code"),
    code_content: typeof o.code_content === "string" ? o.code_content : null,
    code_disclosed: bool(o, "code_disclosed"),
    scan_violations: decodeViolations(o.scan_violations),
    strategy: decodeStrategy(o.strategy),
    created_at: str(o, "created_at"),
  };
}

function decodeProvenance(value: unknown): RunProvenanceView | null {
  const o = asObject(value);
  if (o === null) return null;
  return {
    hparamsHash: str(o, "hparamsHash"),
    scannerRulesHash: str(o, "scannerRulesHash"),
    harnessHash: str(o, "harnessHash"),
    imageId: str(o, "imageId"),
    codeSha256: str(o, "codeSha256"),
    seed: str(o, "seed"),
  };
}

export function decodeEvaluations(value: unknown): EvaluationEntry[] | null {
  return (
    objects(value)?.map((o) => ({
      evaluation_id: str(o, "evaluation_id"),
      run_no: num(o, "run_no"),
      mfu: num(o, "mfu"),
      tokens_per_second: num(o, "tokens_per_second"),
      total_tokens: num(o, "total_tokens"),
      wall_time_seconds: num(o, "wall_time_seconds"),
      success: bool(o, "success"),
      status: str(o, "status"),
      error: str(o, "error"),
      error_code: str(o, "error_code"),
      created_at: str(o, "created_at"),
      provenance: decodeProvenance(o.provenance),
    })) ?? null
  );
}

export function decodeCode(o: Json): SubmissionCode {
  return { code: typeof o.code === "string" ? o.code : null, code_hash: str(o, "code_hash"), disclosed: bool(o, "disclosed") };
}
