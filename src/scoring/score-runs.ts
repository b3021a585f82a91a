/**
 * `scoreRuns`: a submission's runs to its score (spec crusades.md §H.1, project rules; the
 * reference's `median_low` is the default statistic, so a failed run can never raise a score).
 * @module
 */
import { classifyErrorCode } from "./codes.js";

/** One run as scoring sees it. */
export interface RunOutcome {
  readonly status: "success" | "failed" | "void";
  /** MFU in percent; read only for successful runs. */
  readonly mfu: number;
  /** The failure code, or `null`. */
  readonly errorCode: string | null;
}

/** Options of {@link scoreRuns}. */
export interface ScoreRunsOptions {
  /** Runs per submission (`hparams.evaluation_runs`). */
  readonly evaluationRuns: number;
  /** Successful ÷ counted runs needed, compared with `>=` (`hparams.min_success_rate`). */
  readonly minSuccessRate: number;
  /**
   * `median_low` (the reference's `statistics.median_low`, and the project's rule of §H.1) or
   * `median` (`statistics.median`: the mean of the two middle values for an even count).
   * @default "median_low"
   */
  readonly statistic?: "median_low" | "median";
}

/** The outcome for a submission. */
export type SubmissionScore =
  /** More runs are needed. */
  | { readonly status: "pending"; readonly countedRuns: number; readonly successes: number; readonly voidRuns: number }
  /** A fatal code: fail at once, no score. */
  | { readonly status: "failed_fatal"; readonly errorCode: string; readonly countedRuns: number }
  /** Too few successes. */
  | { readonly status: "failed_success_rate"; readonly successRate: number; readonly minSuccessRate: number; readonly countedRuns: number }
  /** Scored. */
  | { readonly status: "finished"; readonly score: number; readonly successRate: number; readonly countedRuns: number; readonly successes: number };

/** The lower median of a non-empty list: `sorted[(m − 1) // 2]`, always an observed value. */
export function medianLow(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("medianLow of an empty list");
  const s = [...values].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1]!;
}

/** Python's `statistics.median`: the middle value, or the mean of the two middle values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of an empty list");
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Scores a submission from its runs, in order: a fatal code anywhere fails it at once; void runs
 * (`infrastructure_error`) do not count; with fewer counted runs than `evaluationRuns` it is
 * pending; then `successes / counted >= minSuccessRate` or it fails; else the score is the chosen
 * median of the successful runs' MFU.
 * @example
 * scoreRuns([{ status: "success", mfu: 60, errorCode: null }, { status: "success", mfu: 58, errorCode: null },
 *   { status: "failed", mfu: 0, errorCode: "loss_mismatch" }], { evaluationRuns: 3, minSuccessRate: 0.5 })
 * // { status: "finished", score: 58, ... }
 */
export function scoreRuns(runs: readonly RunOutcome[], options: ScoreRunsOptions): SubmissionScore {
  const { evaluationRuns, minSuccessRate, statistic = "median_low" } = options;
  const counted: RunOutcome[] = [];
  let voidRuns = 0;
  for (const r of runs) {
    const cls = r.status === "void" ? "void" : r.status === "failed" ? classifyErrorCode(r.errorCode) : "ok";
    if (cls === "void") {
      voidRuns++;
      continue;
    }
    counted.push(r);
    if (cls === "fatal") return { status: "failed_fatal", errorCode: r.errorCode!, countedRuns: counted.length };
  }
  const ok = counted.filter((r) => r.status === "success");
  if (counted.length < evaluationRuns) return { status: "pending", countedRuns: counted.length, successes: ok.length, voidRuns };
  const successRate = ok.length / counted.length;
  if (!(successRate >= minSuccessRate) || ok.length === 0) {
    return { status: "failed_success_rate", successRate, minSuccessRate, countedRuns: counted.length };
  }
  const mfus = ok.map((r) => r.mfu);
  return {
    status: "finished",
    score: statistic === "median" ? median(mfus) : medianLow(mfus),
    successRate,
    countedRuns: counted.length,
    successes: ok.length,
  };
}
