/**
 * The detail view of one submission (spec crusades.md §J.4 [PROJECT]): header with UID, status,
 * score, submitted time, shortened hotkey and hash, error code and message; scan violations; the
 * runs titled with the score (median_low), the average apart; provenance of the first run; the code
 * with line numbers and highlighting, or why it is not shown (§J.3).
 * @module
 */
import { sanitize, type Style } from "./ansi.js";
import { DASH, formatCompact, formatCount, formatMfu, formatSeconds, formatTimeAgo, formatUid, shorten, text } from "./format.js";
import { highlightPython } from "./highlight.js";
import { box, boxInner, flow, hstack, labelled, table } from "./layout.js";
import type { DetailSnapshot } from "./model.js";
import { paintStatus } from "./render-common.js";
import { CODE_VISIBLE_LINES } from "./state.js";
import type { EvaluationEntry, SubmissionDetail } from "./types.js";

/** Width from which scan violations and provenance sit side by side. */
const SIDE_BY_SIDE_WIDTH = 180;
/** Scan violations listed before "… N more". */
const MAX_VIOLATIONS = 8;

function statusText(s: SubmissionDetail, style: Style): string {
  const project = s.project_status;
  const reference = s.status;
  if (project !== null && reference !== null && project !== reference) return `${paintStatus(sanitize(project), style)} (${sanitize(reference)})`;
  const one = project ?? reference;
  return one === null ? DASH : paintStatus(sanitize(one), style);
}

/** The submission's header box. */
export function renderSubmissionPanel(s: SubmissionDetail | null, width: number, nowMs: number, style: Style, loading: boolean): string[] {
  const inner = boxInner(width);
  if (s === null) return box("Submission", [loading ? "loading…" : DASH], width, style);
  const strategy = s.strategy === null ? DASH : `dp ${formatUid(s.strategy.dp_size)} × tp ${formatUid(s.strategy.tp_size)}`;
  const lines = flow(
    [
      ["UID", style.bold(formatUid(s.miner_uid))],
      ["Status", statusText(s, style)],
      ["MFU", style.bold(formatMfu(s.final_score))],
      ["Submitted", formatTimeAgo(s.created_at, nowMs)],
      ["Hotkey", shorten(s.miner_hotkey)],
      ["Hash", shorten(s.code_hash, 8, 4)],
      ["Strategy", strategy],
    ],
    inner,
    style,
  );
  const error = [s.error_code === null ? null : style.red(sanitize(s.error_code)), s.error_message === null ? null : sanitize(s.error_message)].filter((x) => x !== null);
  const url = s.bucket_path === null ? style.gray("not disclosed") : sanitize(s.bucket_path);
  const extra = labelled(
    [
      ["ID", text(s.submission_id)],
      ["Error", error.length === 0 ? DASH : error.join("  ")],
      ["URL", url],
    ],
    inner,
    style,
  );
  return box("Submission", [...lines, ...extra], width, style);
}

/** The scan violations box: `line:col rule message`, "none", or a dash when never scanned. */
export function renderViolationsPanel(s: SubmissionDetail | null, width: number, style: Style): string[] {
  const list = s?.scan_violations ?? null;
  if (list === null) return box("Scan violations", [DASH], width, style);
  if (list.length === 0) return box("Scan violations (0)", [style.green("none")], width, style);
  const shown = list.slice(0, MAX_VIOLATIONS).map((v) => `${style.gray(`${formatUid(v.line)}:${formatUid(v.col)}`)} ${style.red(text(v.rule))} ${text(v.message)}`);
  const more = list.length > MAX_VIOLATIONS ? [style.gray(`… ${list.length - MAX_VIOLATIONS} more`)] : [];
  return box(`Scan violations (${list.length})`, [...shown, ...more], width, style);
}

function successMark(e: EvaluationEntry, style: Style): { text: string; paint?: (t: string) => string } {
  if (e.status === "void") return { text: "void", paint: style.gray };
  if (e.success === true) return { text: "✓", paint: style.green };
  if (e.success === false) return { text: "✗", paint: style.red };
  return { text: DASH };
}

/** Mean MFU of the successful runs, `null` when there are none. */
export function averageSuccessfulMfu(evaluations: readonly EvaluationEntry[]): { readonly mean: number; readonly count: number } | null {
  const mfus = evaluations.filter((e) => e.success === true && e.mfu !== null).map((e) => e.mfu!);
  return mfus.length === 0 ? null : { mean: mfus.reduce((a, b) => a + b, 0) / mfus.length, count: mfus.length };
}

/**
 * The runs table, titled with the submission's **score** (`final_score`, the median_low of the
 * successful runs' MFU, §H.1); the average is a separate line, labelled as not the score.
 */
export function renderEvaluationsPanel(score: number | null, evaluations: readonly EvaluationEntry[] | null, width: number, nowMs: number, style: Style): string[] {
  const title = `Evaluations · score ${formatMfu(score)} (median_low)`;
  if (evaluations === null) return box(title, [DASH], width, style);
  if (evaluations.length === 0) return box(title, ["no runs yet"], width, style);
  const lines = table(
    [
      { title: "#", width: 3, align: "right" },
      { title: "MFU", width: 8, align: "right" },
      { title: "TPS", width: 7, align: "right" },
      { title: "Tokens", width: 11, align: "right" },
      { title: "Wall Time", width: 9, align: "right" },
      { title: "✓/✗", width: 4 },
      { title: "Error code", width: 22 },
      { title: "Time", width: 0 },
    ],
    evaluations.map((e, i) => [
      String(e.run_no ?? i + 1),
      formatMfu(e.mfu),
      formatCompact(e.tokens_per_second),
      formatCount(e.total_tokens),
      formatSeconds(e.wall_time_seconds),
      successMark(e, style),
      e.error_code === null ? "" : { text: text(e.error_code), paint: style.red },
      formatTimeAgo(e.created_at, nowMs),
    ]),
    boxInner(width),
    style,
  );
  const avg = averageSuccessfulMfu(evaluations);
  const note = avg === null ? [] : [style.gray(`average of ${avg.count} successful run${avg.count === 1 ? "" : "s"}: ${formatMfu(avg.mean)} (not the score)`)];
  return box(title, [...lines, ...note], width, style);
}

/** Provenance hashes of the first run that has them (§L.6). */
export function renderProvenancePanel(evaluations: readonly EvaluationEntry[] | null, width: number, style: Style): string[] {
  const index = (evaluations ?? []).findIndex((e) => e.provenance !== null);
  const run = index === -1 ? undefined : evaluations?.[index];
  const p = run?.provenance ?? null;
  if (p === null) return box("Provenance", [DASH], width, style);
  const rows: [string, string][] = [
    ["hparams", text(p.hparamsHash)],
    ["scanner rules", text(p.scannerRulesHash)],
    ["harness", text(p.harnessHash)],
    ["image", text(p.imageId)],
    ["code sha256", text(p.codeSha256)],
    ["seed", text(p.seed)],
  ];
  return box(`Provenance (run ${run?.run_no ?? index + 1})`, labelled(rows, boxInner(width), style), width, style);
}

/**
 * The code box: `visibleLines` lines from `scroll` with line numbers and highlighting; or a note
 * when the API did not disclose the code (§J.3), it is not stored yet, or `c` hid it.
 */
export function renderCodePanel(s: SubmissionDetail | null, options: { readonly width: number; readonly scroll: number; readonly show: boolean; readonly visibleLines?: number }, style: Style): string[] {
  const { width, scroll, show, visibleLines = CODE_VISIBLE_LINES } = options;
  if (!show) return box("Code", [style.gray("hidden (press c to show)")], width, style);
  if (s === null) return box("Code", [DASH], width, style);
  if (s.code_content === null) {
    const why = s.code_disclosed === true ? "code not stored yet" : "code not disclosed (api.code_disclosure)";
    return box("Code", [style.gray(why), `${style.gray("code_hash")} ${text(s.code_hash)}`], width, style);
  }
  const highlighted = highlightPython(s.code_content, style);
  const total = highlighted.length;
  const start = Math.max(0, Math.min(scroll, total - 1));
  const end = Math.min(total, start + Math.max(1, visibleLines));
  const digits = String(total).length;
  const lines = highlighted.slice(start, end).map((line, i) => `${style.gray(String(start + i + 1).padStart(digits))} ${style.gray("│")} ${line}`);
  return box(`Code · lines ${start + 1}–${end} of ${total}`, lines, width, style);
}

/** Inputs of {@link renderDetail}. */
export interface DetailViewInput {
  readonly detail: DetailSnapshot | null;
  readonly codeScroll: number;
  readonly showCode: boolean;
  readonly loading: boolean;
}

/**
 * The detail view's body (no header or status bar). Code lines shrink below 20 only when `height`
 * leaves no room for them.
 */
export function renderDetail(input: DetailViewInput, width: number, height: number, nowMs: number, style: Style): string[] {
  const s = input.detail?.submission ?? null;
  const evaluations = input.detail?.evaluations ?? null;
  const top = renderSubmissionPanel(s, width, nowMs, style, input.loading || input.detail === null);
  const violations = (w: number) => renderViolationsPanel(s, w, style);
  const provenance = (w: number) => renderProvenancePanel(evaluations, w, style);
  const evals = renderEvaluationsPanel(s?.final_score ?? null, evaluations, width, nowMs, style);
  let middle: string[];
  // Side by side only where a full SHA-256 still fits in the provenance half.
  if (width >= SIDE_BY_SIDE_WIDTH) {
    const left = Math.floor((width - 1) / 2);
    middle = hstack([{ lines: violations(left), width: left }, { lines: provenance(width - 1 - left), width: width - 1 - left }]);
  } else {
    middle = [...violations(width), ...provenance(width)];
  }
  const above = [...top, ...evals, ...middle];
  const room = Number.isFinite(height) ? height - above.length - 2 : CODE_VISIBLE_LINES;
  const visibleLines = Math.max(5, Math.min(CODE_VISIBLE_LINES, room));
  const code = renderCodePanel(s, { width, scroll: input.codeScroll, show: input.showCode, visibleLines }, style);
  return [...above, ...code];
}
