/**
 * Canned API answers for the dashboard tests, in the shapes `crusades validate`'s API serves
 * (spec crusades.md §J.2), with a fixed clock.
 */
import type { DashboardModel } from "../../src/tui/index.js";
import { applyDetail, applySnapshot, createDashboardModel } from "../../src/tui/index.js";
import {
  decodeEvaluations,
  decodeHistory,
  decodeLeaderboard,
  decodeOverview,
  decodeRecent,
  decodeSubmission,
  decodeThreshold,
  decodeValidator,
} from "../../src/tui/decode.js";

/** The tests' "now": 2025-06-01T12:00:00Z. */
export const NOW_MS = Date.parse("2025-06-01T12:00:00Z");
const ago = (seconds: number) => new Date(NOW_MS - seconds * 1000).toISOString();

export const OVERVIEW = {
  submissions_24h: 12,
  current_top_score: 52.1,
  mfu_to_beat: 52.6210,
  adaptive_threshold: 0.01,
  score_improvement_24h: 3.2,
  total_submissions: 1234,
  active_miners: 5,
};

export const VALIDATOR = {
  status: "running",
  evaluations_completed_1h: 7,
  current_evaluation: { submission_id: "v1_commit_900_42", miner_uid: 42 },
  uptime: "1d 2h 3m",
  queued_count: 3,
  running_count: 1,
  finished_count: 30,
  failed_count: 5,
  success_rate: "85.7%",
};

export const HISTORY = [
  { submission_id: "v1_commit_100_1", mfu: 40, timestamp: ago(5 * 86_400) },
  { submission_id: "v1_commit_200_2", mfu: 45.5, timestamp: ago(4 * 86_400) },
  { submission_id: "v1_commit_300_3", mfu: 45.5, timestamp: ago(3 * 86_400) },
  { submission_id: "v1_commit_400_4", mfu: 52.1, timestamp: ago(7200) },
];

const HOTKEY = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

/** Twelve rows; the API sends rank order, rank 1 first. */
export const LEADERBOARD = Array.from({ length: 12 }, (_, i) => ({
  rank: i + 1,
  submission_id: `v1_commit_${1000 + i}_${10 + i}`,
  miner_hotkey: HOTKEY,
  miner_uid: 10 + i,
  final_score: 52.1 - i,
  num_evaluations: 3,
  created_at: ago(90 * (i + 1)),
}));

export const RECENT = [
  { submission_id: "v1_commit_1000_10", miner_hotkey: HOTKEY, miner_uid: 10, status: "finished", project_status: "finished", final_score: 52.1, created_at: ago(90), error: null, error_code: null },
  { submission_id: "v1_commit_990_7", miner_hotkey: HOTKEY, miner_uid: 7, status: "failed_evaluation", project_status: "failed", final_score: null, created_at: ago(4000), error: "Scan rejected", error_code: "scan_rejected" },
  { submission_id: "v1_commit_980_8", miner_hotkey: HOTKEY, miner_uid: 8, status: "failed_evaluation", final_score: null, created_at: ago(90_000), error: "Fatal error", error_code: null },
];

export const THRESHOLD = {
  current_threshold: 0.12,
  last_improvement: 0.12,
  last_update_block: 5000,
  decayed_threshold: 0.01,
  updated_at: ago(7200),
  leader_id: "v1_commit_1000_10",
  leader_score: 52.1,
  threshold_block: 5000,
  current_block: 6000,
  mfu_to_beat: 52.621,
};

export const CODE = [
  "import torch",
  "# a comment",
  "",
  "def inner_steps(model, data_iterator, optimizer, num_steps, device, num_gpus=1):",
  '    """Docstring.',
  '    spans lines."""',
  "    for step in range(num_steps):",
  "        x = 'text'  # trailing",
  ...Array.from({ length: 40 }, (_, i) => `    y${i} = ${i} + 0.5`),
  "    return None",
].join("\n");

export const SUBMISSION = {
  submission_id: "v1_commit_1000_10",
  miner_hotkey: HOTKEY,
  miner_uid: 10,
  code_hash: "0123456789abcdef0123456789abcdef",
  bucket_path: "https://example.com/train.py",
  spec_version: 1,
  status: "failed_evaluation",
  project_status: "failed",
  created_at: ago(7200),
  updated_at: ago(3600),
  final_score: 51.25,
  error_message: "loss diverged from the reference",
  error_code: "fatal:loss_mismatch",
  code_content: CODE,
  code_disclosed: true,
  scan_violations: [{ rule: "forbidden_builtin", line: 12, col: 4, message: "eval() is forbidden" }],
  strategy: { dp_size: 4, tp_size: 1, num_gpus: 4 },
};

const provenance = {
  hparamsHash: "a".repeat(64),
  scannerRulesHash: "b".repeat(64),
  harnessHash: "c".repeat(64),
  imageId: `sha256:${"d".repeat(64)}`,
  codeSha256: "e".repeat(64),
  seed: "1234567",
};

/** Three runs: 51.25, 53.0 and a failure. Score (median_low of the successes) 51.25; average 52.125. */
export const EVALUATIONS = [
  { evaluation_id: "r1", run_no: 1, mfu: 51.25, tokens_per_second: 12345.6, total_tokens: 1048576, wall_time_seconds: 62.5, success: true, error: null, error_code: null, created_at: ago(5000), status: "success", provenance },
  { evaluation_id: "r2", run_no: 2, mfu: 53.0, tokens_per_second: 12800, total_tokens: 1048576, wall_time_seconds: 60.1, success: true, error: null, error_code: null, created_at: ago(4500), status: "success", provenance },
  { evaluation_id: "r3", run_no: 3, mfu: 0, tokens_per_second: 0, total_tokens: 0, wall_time_seconds: 3, success: false, error: "NaN loss", error_code: "nan_loss", created_at: ago(4000), status: "failed", provenance: null },
];

/** A model holding every fixture, updated at NOW_MS - 5 s. */
export function fullModel(): DashboardModel {
  const model = applySnapshot(
    createDashboardModel("http://localhost:8080"),
    {
      values: {
        overview: decodeOverview(OVERVIEW),
        validator: decodeValidator(VALIDATOR),
        history: decodeHistory(HISTORY),
        leaderboard: decodeLeaderboard(LEADERBOARD.slice(0, 10)),
        recent: decodeRecent(RECENT),
        threshold: decodeThreshold(THRESHOLD),
      },
      errors: [],
    },
    NOW_MS - 5000,
  );
  return model;
}

/** {@link fullModel} with the detail view of {@link SUBMISSION} loaded (`overrides` patch the row). */
export function detailModel(overrides: Record<string, unknown> = {}): DashboardModel {
  return applyDetail(fullModel(), {
    submissionId: SUBMISSION.submission_id,
    submission: decodeSubmission({ ...SUBMISSION, ...overrides }),
    evaluations: decodeEvaluations(EVALUATIONS),
    errors: [],
  });
}
