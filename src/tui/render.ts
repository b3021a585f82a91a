/**
 * One frame of the dashboard: the header, the main screen's panels or the detail view, and the
 * status bar (the latest error, or when the data was updated, and the keys). Pure: the same model,
 * UI state and options always give the same lines, none wider than `width`, at most `height`.
 * @module
 */
import { createAnsiStyle, fit, sanitize, type Style, truncate, visibleWidth } from "./ansi.js";
import { formatTimeAgo } from "./format.js";
import { hstack } from "./layout.js";
import type { DashboardModel } from "./model.js";
import { type RenderOptions, renderHeader } from "./render-common.js";
import { renderDetail } from "./render-detail.js";
import {
  renderHistoryPanel,
  renderLeaderboardPanel,
  renderRecentPanel,
  renderStatsPanel,
  renderValidatorPanel,
  STATS_PANEL_ROWS,
  VALIDATOR_PANEL_ROWS,
} from "./render-main.js";
import type { UiState } from "./state.js";

/** Widths from which panels sit side by side. */
const SIDE_BY_SIDE = { stats: 72, tables: 110 } as const;
const CHART_ROWS = { min: 3, max: 8 } as const;
// Leaderboard or recent box: 10 rows, the column header and two borders.
const TABLE_PANEL_ROWS = 13;

const MAIN_KEYS = "j/k move · h/l panel · ⏎/1-9 detail · r refresh · q quit";
const DETAIL_KEYS = "j/k scroll · c code · b back · r refresh · q quit";

/** The bottom line: the first error (and how many more), else "refreshing…" or when the data was updated; key hints on the right. */
export function renderStatusBar(model: DashboardModel, ui: UiState, options: RenderOptions, style: Style): string {
  const { width, nowMs, interactive = true } = options;
  const errors = [...model.errors, ...(ui.view === "detail" ? model.detailErrors : [])];
  let left: string;
  if (errors.length > 0) left = style.red(`⚠ ${errors[0]}${errors.length > 1 ? ` (+${errors.length - 1} more)` : ""}`);
  else if (model.loading) left = style.yellow("refreshing…");
  else if (model.updatedAtMs === null) left = style.gray("not loaded yet");
  else left = style.gray(`updated ${formatTimeAgo(new Date(model.updatedAtMs).toISOString(), nowMs)}`);
  const hints = interactive ? (ui.view === "detail" ? DETAIL_KEYS : MAIN_KEYS) : "";
  const hintWidth = visibleWidth(hints);
  // The error wins the space: hints only when both fit.
  if (hints === "" || visibleWidth(left) + 3 + hintWidth > width) return fit(` ${left}`, width);
  return `${fit(` ${left}`, width - hintWidth - 1)}${style.gray(hints)} `;
}

function renderMainBody(model: DashboardModel, ui: UiState, options: RenderOptions, style: Style): string[] {
  const { width, height, nowMs, interactive = true } = options;
  const s = model.snapshot;
  const sideStats = width >= SIDE_BY_SIDE.stats;
  const sideTables = width >= SIDE_BY_SIDE.tables;
  const half = Math.floor((width - 1) / 2);
  const rest = width - 1 - half;

  const top = sideStats
    ? hstack([{ lines: renderStatsPanel(s.overview, s.threshold, half, style), width: half }, { lines: renderValidatorPanel(s.validator, rest, style), width: rest }])
    : [...renderStatsPanel(s.overview, s.threshold, width, style), ...renderValidatorPanel(s.validator, width, style)];

  const topRows = sideStats ? Math.max(STATS_PANEL_ROWS, VALIDATOR_PANEL_ROWS) : STATS_PANEL_ROWS + VALIDATOR_PANEL_ROWS;
  const tableRows = sideTables ? TABLE_PANEL_ROWS : 2 * TABLE_PANEL_ROWS;
  // header + top + chart box (borders, caption) + tables + status bar
  const spare = height - (1 + topRows + 3 + tableRows + 1);
  const chartRows = Math.max(CHART_ROWS.min, Math.min(CHART_ROWS.max, Number.isFinite(spare) ? spare : CHART_ROWS.max));
  const chart = renderHistoryPanel(s.history, width, chartRows, nowMs, style);

  const selected = (panel: UiState["panel"]) => (interactive ? (ui.panel === panel ? ui.selected[panel] : null) : undefined);
  const leaderboard = (w: number) => renderLeaderboardPanel(s.leaderboard, w, nowMs, style, selected("leaderboard"));
  const recent = (w: number) => renderRecentPanel(s.recent, w, nowMs, style, selected("recent"));
  const tables = sideTables ? hstack([{ lines: leaderboard(half), width: half }, { lines: recent(rest), width: rest }]) : [...leaderboard(width), ...recent(width)];
  return [...top, ...chart, ...tables];
}

/**
 * The frame for `model` in `ui`'s view: lines without a trailing newline, each at most
 * `options.width` columns (exactly that wide when interactive), at most `options.height` of them,
 * the status bar last.
 * @example
 * const lines = renderDashboard(model, INITIAL_UI_STATE, { width: 120, height: 40, colors: true, nowMs: Date.now() })
 * process.stdout.write(lines.join("\n"))
 */
export function renderDashboard(model: DashboardModel, ui: UiState, options: RenderOptions): string[] {
  const width = Math.max(0, Math.floor(options.width));
  const height = Number.isFinite(options.height) ? Math.max(0, Math.floor(options.height)) : Infinity;
  const opts: RenderOptions = { ...options, width, height };
  const style = createAnsiStyle(options.colors);
  const interactive = options.interactive ?? true;
  if (height === 0 || width === 0) return height === 0 ? [] : Array.from({ length: Math.min(height, 1) }, () => "");

  const detailOpen = ui.view === "detail";
  const id = ui.detailId ?? "";
  const header = renderHeader(sanitize(detailOpen ? `submission ${id}` : model.url), width, style);
  const body = detailOpen
    ? renderDetail(
        { detail: model.detail?.submissionId === id ? model.detail : null, codeScroll: ui.codeScroll, showCode: ui.showCode, loading: model.loading },
        width,
        height - 2,
        options.nowMs,
        style,
      )
    : renderMainBody(model, ui, opts, style);
  const status = renderStatusBar(model, ui, opts, style);
  const lines = [header, ...body].slice(0, Math.max(0, height - 1));
  lines.push(status);
  // Interactive frames are padded so each line overwrites the previous frame; printed ones are not.
  return lines.map((l) => (interactive ? fit(l, width) : trimEndPlain(truncate(l, width))));
}

function trimEndPlain(line: string): string {
  return line.includes("\x1b") ? line : line.trimEnd();
}
