/**
 * The validator daemon's own metrics, held in memory: what the store cannot tell (how often
 * ingestion ran or failed, how long evaluations took, how weight settings went). The daemon's
 * observers feed them (`crusades validate` wires both); `/metrics` renders them after the store's
 * gauges. Counters start at 0 with the process, as Prometheus expects of counters.
 * @module
 */
import { formatMetricValue, metricFamily, type MetricSample } from "./exposition.js";

/**
 * Upper bounds of the evaluation duration histogram, in seconds: from a download that fails at
 * once to every run of a submission at `eval_timeout` (an hour each by default).
 */
export const EVALUATION_DURATION_BUCKETS_SECONDS: readonly number[] = Object.freeze([1, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400]);

/** A weight-setting attempt's result. */
export type WeightSettingOutcome = "set" | "failed";

/** The registry: one method per event the daemon reports, and the rendering. */
export interface ValidatorMetrics {
  /** One ingestion cycle of `source`; `failed` when it stored nothing (the chain or the metagraph could not be read). */
  ingestionCycle(source: string, failed: boolean): void;
  /** A submission the evaluation queue worked on: the status it was left in and how long that took. */
  submissionEvaluated(status: string, durationSeconds: number): void;
  /** A queue step that failed in the validator's own machinery (the error's `type`); the submission is deferred. */
  evaluationError(type: string): void;
  /** A weight-setting attempt that was due. */
  weightSetting(outcome: WeightSettingOutcome): void;
  /** The exposition lines of every family, without a trailing newline. */
  render(): string[];
}

/** Counts per label value, in first-seen order. */
function labelledCounter(seed: readonly string[] = []) {
  const counts = new Map<string, number>(seed.map((v) => [v, 0]));
  return {
    add(value: string, by: number) {
      counts.set(value, (counts.get(value) ?? 0) + by);
    },
    samples: (label: string): MetricSample[] => [...counts].map(([v, n]) => [{ [label]: v }, n]),
  };
}

interface HistogramSeries {
  /** Cumulative counts per bound of {@link EVALUATION_DURATION_BUCKETS_SECONDS}. */
  readonly buckets: number[];
  sum: number;
  count: number;
}

/**
 * Creates an empty registry.
 * @example
 * import { createApiServer, createValidatorMetrics } from "crusades/api";
 * const metrics = createValidatorMetrics();
 * const api = createApiServer({ store, hparams, currentBlock, validatorMetrics: metrics });
 * metrics.weightSetting("set");
 */
export function createValidatorMetrics(): ValidatorMetrics {
  const cycles = labelledCounter();
  const failures = labelledCounter();
  const evaluated = labelledCounter(["finished", "failed", "duplicate"]);
  const errors = labelledCounter();
  const weights = labelledCounter(["set", "failed"]);
  const durations = new Map<string, HistogramSeries>();
  const bounds = EVALUATION_DURATION_BUCKETS_SECONDS;

  const durationSamples = (): MetricSample[] =>
    [...durations].flatMap(([status, h]): MetricSample[] => [
      ...bounds.map((le, i): MetricSample => [{ status, le: formatMetricValue(le) }, h.buckets[i] ?? 0, "_bucket"]),
      [{ status, le: "+Inf" }, h.count, "_bucket"],
      [{ status }, h.sum, "_sum"],
      [{ status }, h.count, "_count"],
    ]);

  return {
    ingestionCycle(source, failed) {
      cycles.add(source, 1);
      // Both series of a source exist from its first cycle, so that a rate over failures works at once.
      failures.add(source, failed ? 1 : 0);
    },
    submissionEvaluated(status, durationSeconds) {
      if (!Number.isFinite(durationSeconds) || durationSeconds < 0) throw new RangeError(`durationSeconds must be a finite number >= 0, got ${durationSeconds}`);
      evaluated.add(status, 1);
      let h = durations.get(status);
      if (h === undefined) durations.set(status, (h = { buckets: bounds.map(() => 0), sum: 0, count: 0 }));
      bounds.forEach((le, i) => {
        if (durationSeconds <= le) h.buckets[i] = (h.buckets[i] ?? 0) + 1;
      });
      h.sum += durationSeconds;
      h.count += 1;
    },
    evaluationError(type) {
      errors.add(type, 1);
    },
    weightSetting(outcome) {
      weights.add(outcome, 1);
    },
    render: () => [
      ...metricFamily("crusades_ingestion_cycles_total", "Ingestion cycles run since the validator started, per commitment source.", "counter", cycles.samples("source")),
      ...metricFamily("crusades_ingestion_failures_total", "Ingestion cycles that stored nothing (chain or metagraph unreadable), per commitment source.", "counter", failures.samples("source")),
      ...metricFamily("crusades_submissions_evaluated_total", "Submissions the evaluation queue worked on since the validator started, by the status they were left in.", "counter", evaluated.samples("status")),
      ...metricFamily("crusades_evaluation_duration_seconds", "Time the evaluation queue spent on a submission, by the status it was left in.", "histogram", durationSamples()),
      ...metricFamily("crusades_evaluation_errors_total", "Evaluation queue steps that failed in the validator's machinery, by error type (the submission is deferred).", "counter", errors.samples("type")),
      ...metricFamily("crusades_weight_settings_total", "Weight-setting attempts that were due, by outcome.", "counter", weights.samples("outcome")),
    ],
  };
}
