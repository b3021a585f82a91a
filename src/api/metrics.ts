/**
 * `/metrics`: Prometheus text exposition format 0.0.4 of the store's state, for the current
 * competition version: submissions and runs by status, ingestion outcomes and cursors, the leader
 * score, the queue length and the last weight-setting block.
 * @module
 */
import { getLeaderState, latestWeightSet, type IngestionOutcome } from "../store/index.js";
import type { ApiContext } from "./context.js";
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

type Sample = readonly [labels: Readonly<Record<string, string>>, value: number];

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function family(name: string, help: string, samples: readonly Sample[]): string[] {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`];
  for (const [labels, value] of samples) {
    const entries = Object.entries(labels);
    const l = entries.length === 0 ? "" : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
    lines.push(`${name}${l} ${formatValue(value)}`);
  }
  return lines;
}

/** Renders the exposition text. A gauge with no value (no leader, no weights set yet) has no sample. */
export function renderMetrics(ctx: ApiContext): string {
  const subs = submissionCounts(ctx.store, ctx.version);
  const runs = runCounts(ctx.store, ctx.version);
  const seen = new Map(ingestionOutcomeCounts(ctx.store, ctx.version).map((o) => [o.outcome, o.n]));
  const outcomes = [...new Set<string>([...OUTCOMES, ...seen.keys()])];
  const leader = getLeaderState(ctx.store, ctx.version);
  const weights = latestWeightSet(ctx.store);
  const lines = [
    ...family("crusades_submissions", "Submissions of the current competition version by project status.", ALL_STATUSES.map((s) => [{ status: s }, subs[s]] as const)),
    ...family("crusades_runs", "Evaluation runs of the current competition version by status.", (["success", "failed", "void"] as const).map((s) => [{ status: s }, runs[s]] as const)),
    ...family("crusades_commitments_ingested", "Ingested commitments of the current competition version by outcome.", outcomes.map((o) => [{ outcome: o }, seen.get(o) ?? 0] as const)),
    ...family("crusades_ingestion_cursor_block", "Block up to which every revealed commitment is recorded, per source.", ingestionCursors(ctx.store).map((c) => [{ source: c.source }, c.block] as const)),
    ...family("crusades_ingestion_gaps", "Possible gaps in revealed histories still open (recovery from older states retries each cycle).", [[{}, gapCount(ctx.store)]]),
    ...family("crusades_leader_score", "The stored leader's score (MFU, percent).", leader.leaderId === null ? [] : [[{}, leader.leaderScore]]),
    ...family("crusades_queue_length", "Submissions queued for download and evaluation.", [[{}, subs.queued]]),
    ...family("crusades_last_weight_set_block", "Block of the last successful weight setting.", weights === null ? [] : [[{}, weights.block]]),
  ];
  return `${lines.join("\n")}\n`;
}

/** `/metrics`. */
export function metrics(ctx: ApiContext): ApiResponse {
  return { status: 200, text: renderMetrics(ctx), contentType: METRICS_CONTENT_TYPE };
}
