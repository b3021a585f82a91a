/**
 * `/metrics`: Prometheus text exposition format 0.0.4 of the store's state, for the current
 * competition version: submissions and runs by status, ingestion outcomes and cursors, the leader
 * score, the queue length and the last weight-setting block; then, when the API runs beside the
 * daemon, the daemon's counters and evaluation durations (`validator-metrics.ts`).
 * @module
 */
import { getLeaderState, latestWeightSet, type IngestionOutcome } from "../store/index.js";
import type { ApiContext } from "./context.js";
import { metricFamily, type MetricSample } from "./exposition.js";
import type { ApiResponse } from "./http.js";
import { ALL_STATUSES, gapCount, ingestionCursors, ingestionOutcomeCounts, runCounts, submissionCounts } from "./queries.js";

/** The content type of the exposition format. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

// Listed so that every series exists (at 0) before its first occurrence.
const OUTCOMES = [
  "accepted",
  "rejected_format",
  "rejected_not_utf8",
  "rejected_unregistered",
  "duplicate_url",
  "duplicate_content",
  "rate_limited",
  "payment_failed",
  "payment_pending_retry",
  "before_version_start",
] as const satisfies readonly IngestionOutcome[];

const gauges = (name: string, help: string, samples: readonly MetricSample[]) => metricFamily(name, help, "gauge", samples);

/**
 * Renders the exposition text. A gauge with no value (no leader, no weights set yet) has no
 * sample; the daemon's families follow when `ctx.validatorMetrics` is set.
 */
export function renderMetrics(ctx: ApiContext): string {
  const subs = submissionCounts(ctx.store, ctx.version);
  const runs = runCounts(ctx.store, ctx.version);
  const seen = new Map(ingestionOutcomeCounts(ctx.store, ctx.version).map((o) => [o.outcome, o.n]));
  const outcomes = [...new Set<string>([...OUTCOMES, ...seen.keys()])];
  const leader = getLeaderState(ctx.store, ctx.version);
  const weights = latestWeightSet(ctx.store);
  const lines = [
    ...gauges("crusades_submissions", "Submissions of the current competition version by project status.", ALL_STATUSES.map((s) => [{ status: s }, subs[s]] as const)),
    ...gauges("crusades_runs", "Evaluation runs of the current competition version by status.", (["success", "failed", "void"] as const).map((s) => [{ status: s }, runs[s]] as const)),
    ...gauges("crusades_commitments_ingested", "Ingested commitments of the current competition version by outcome.", outcomes.map((o) => [{ outcome: o }, seen.get(o) ?? 0] as const)),
    ...gauges("crusades_ingestion_cursor_block", "Block up to which every revealed commitment is recorded, per source.", ingestionCursors(ctx.store).map((c) => [{ source: c.source }, c.block] as const)),
    ...gauges("crusades_ingestion_gaps", "Possible gaps in revealed histories still open (recovery from older states retries each cycle).", [[{}, gapCount(ctx.store)]]),
    ...gauges("crusades_leader_score", "The stored leader's score (MFU, percent).", leader.leaderId === null ? [] : [[{}, leader.leaderScore]]),
    ...gauges("crusades_queue_length", "Submissions queued for download and evaluation.", [[{}, subs.queued]]),
    ...gauges("crusades_last_weight_set_block", "Block of the last successful weight setting.", weights === null ? [] : [[{}, weights.block]]),
    ...(ctx.validatorMetrics?.render() ?? []),
  ];
  return `${lines.join("\n")}\n`;
}

/** `/metrics`. */
export function metrics(ctx: ApiContext): ApiResponse {
  return { status: 200, text: renderMetrics(ctx), contentType: METRICS_CONTENT_TYPE };
}
