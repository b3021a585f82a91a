/**
 * The main screen's panels (spec crusades.md §J.4): Stats, Validator, MFU history, Leaderboard and
 * Recent activity. Pure: data, selection and width in, lines out.
 * @module
 */
import type { Style } from "./ansi.js";
import { lineChart } from "./chart.js";
import { DASH, formatChange, formatCount, formatFraction, formatMfu, formatTimeAgo, formatUid, text } from "./format.js";
import { box, boxInner, labelled, table } from "./layout.js";
import { paintStatus, rankPaint } from "./render-common.js";
import type { HistoryPoint, LeaderboardEntry, OverviewStats, RecentEntry, ThresholdInfo, ValidatorStats } from "./types.js";

/** Rows of the Stats panel's box (content and borders). */
export const STATS_PANEL_ROWS = 10;
/** Rows of the Validator panel's box. */
export const VALIDATOR_PANEL_ROWS = 11;

/** The Stats panel: submissions in 24 h, top MFU, MFU to beat, threshold, improvement, miners, total, leader. */
export function renderStatsPanel(overview: OverviewStats | null, threshold: ThresholdInfo | null, width: number, style: Style): string[] {
  const o = overview;
  const decayed = o?.adaptive_threshold ?? threshold?.decayed_threshold ?? null;
  const rows: [string, string][] = [
    ["Submissions (24h)", formatCount(o?.submissions_24h)],
    ["Top MFU", style.bold(formatMfu(o?.current_top_score ?? threshold?.leader_score))],
    ["MFU to beat", formatMfu(o?.mfu_to_beat ?? threshold?.mfu_to_beat)],
    ["Threshold", decayed === null ? DASH : `${formatFraction(decayed)} (decayed)`],
    ["Improvement (24h)", formatChange(o?.score_improvement_24h)],
    ["Active miners (24h)", formatCount(o?.active_miners)],
    ["Total submissions", formatCount(o?.total_submissions)],
    ["Leader", text(threshold?.leader_id)],
  ];
  return box("Stats", labelled(rows, boxInner(width), style), width, style);
}

/** The status dot: `●` running (green), `○` idle (yellow), `?` unknown. */
function statusDot(status: string | null, style: Style): string {
  if (status === "running") return `${style.green("●")} running`;
  if (status === "idle") return `${style.yellow("○")} idle`;
  return `${style.gray("?")} ${text(status)}`;
}

/** The Validator panel: status dot, the UID being evaluated, evaluations per hour, queue counts, success rate, uptime. */
export function renderValidatorPanel(validator: ValidatorStats | null, width: number, style: Style): string[] {
  const v = validator;
  const current = v?.current_evaluation ?? null;
  const evaluating = current === null ? DASH : current.miner_uid === null ? text(current.submission_id) : `UID ${formatUid(current.miner_uid)}`;
  const rows: [string, string][] = [
    ["Status", v === null ? DASH : statusDot(v.status, style)],
    ["Evaluating", evaluating],
    ["Evals / hour", formatCount(v?.evaluations_completed_1h)],
    ["Queued", formatCount(v?.queued_count)],
    ["Running", formatCount(v?.running_count)],
    ["Done", formatCount(v?.finished_count)],
    ["Failed", formatCount(v?.failed_count)],
    ["Success rate", text(v?.success_rate)],
    ["Uptime", text(v?.uptime)],
  ];
  return box("Validator", labelled(rows, boxInner(width), style), width, style);
}

/** The MFU history panel: a line chart of the running maximum over `chartRows` rows, then a caption. */
export function renderHistoryPanel(history: readonly HistoryPoint[] | null, width: number, chartRows: number, nowMs: number, style: Style): string[] {
  const inner = boxInner(width);
  const points = (history ?? []).filter((p): p is HistoryPoint & { mfu: number } => p.mfu !== null);
  if (points.length === 0) return box("MFU history (running max)", [history === null ? DASH : "no finished submissions yet"], width, style);
  const chart = lineChart(
    points.map((p) => p.mfu),
    { width: inner, height: chartRows, label: (v) => `${v.toFixed(2)}%`, paint: style.cyan },
  );
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const caption = style.gray(`${points.length} finished · first ${formatTimeAgo(first.timestamp, nowMs)} · latest ${formatTimeAgo(last.timestamp, nowMs)} · best ${formatMfu(last.mfu)}`);
  return box("MFU history (running max)", [...chart, caption], width, style);
}

/**
 * The Leaderboard panel: the top 10 with #, Rank, UID, MFU, Evals and Submitted (time ago); ranks 1
 * to 3 in gold, silver and bronze. `selected` marks a row (`null`: none; `undefined`: no marker column).
 */
export function renderLeaderboardPanel(rows: readonly LeaderboardEntry[] | null, width: number, nowMs: number, style: Style, selected?: number | null): string[] {
  if (rows === null || rows.length === 0) return box("Leaderboard (top 10)", [rows === null ? DASH : "no finished submissions yet"], width, style);
  const lines = table(
    [
      { title: "#", width: 2, align: "right" },
      { title: "Rank", width: 4, align: "right" },
      { title: "UID", width: 5, align: "right" },
      { title: "MFU", width: 8, align: "right" },
      { title: "Evals", width: 5, align: "right" },
      { title: "Submitted", width: 0 },
    ],
    rows.slice(0, 10).map((r, i) => {
      const paint = rankPaint(r.rank, style);
      return [
        String(i + 1),
        { text: formatUid(r.rank), paint },
        { text: formatUid(r.miner_uid), paint },
        { text: formatMfu(r.final_score), paint },
        formatCount(r.num_evaluations),
        formatTimeAgo(r.created_at, nowMs),
      ];
    }),
    boxInner(width),
    style,
    selected,
  );
  return box("Leaderboard (top 10)", lines, width, style);
}

/** The Recent activity panel: 10 rows of UID, coloured status, MFU, submitted (time ago) and error code. */
export function renderRecentPanel(rows: readonly RecentEntry[] | null, width: number, nowMs: number, style: Style, selected?: number | null): string[] {
  if (rows === null || rows.length === 0) return box("Recent activity", [rows === null ? DASH : "no finished or failed submissions yet"], width, style);
  const lines = table(
    [
      { title: "UID", width: 5, align: "right" },
      { title: "Status", width: 10 },
      { title: "MFU", width: 8, align: "right" },
      { title: "Submitted", width: 9 },
      { title: "Error", width: 0 },
    ],
    rows.slice(0, 10).map((r) => {
      const status = r.project_status ?? r.status;
      return [
        formatUid(r.miner_uid),
        { text: text(status), paint: status === null ? undefined : (t: string) => paintStatus(t.trimEnd(), style) + t.slice(t.trimEnd().length) },
        formatMfu(r.final_score),
        formatTimeAgo(r.created_at, nowMs),
        r.error_code !== null ? text(r.error_code) : r.error !== null ? text(r.error) : "",
      ];
    }),
    boxInner(width),
    style,
    selected,
  );
  return box("Recent activity", lines, width, style);
}
