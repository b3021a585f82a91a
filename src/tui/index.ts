/**
 * `crusades/tui`: the terminal dashboard over a validator's HTTP API (spec crusades.md §J.4): a
 * typed, defensive client of the §J.2 endpoints; pure render functions from data, UI state and
 * terminal size to lines (colours optional); the pure key reducer; and the interactive loop. Nothing
 * runs at import.
 * @module
 */
export { createAnsiStyle, stripAnsi, visibleWidth } from "./ansi.js";
export type { Style } from "./ansi.js";
export { lineChart } from "./chart.js";
export type { LineChartOptions } from "./chart.js";
export { createDashboardClient, DEFAULT_DASHBOARD_URL } from "./client.js";
export type { DashboardClient, DashboardClientOptions } from "./client.js";
export type {
  DashboardBadResponseError,
  DashboardClientError,
  DashboardHttpStatusError,
  DashboardTimeoutError,
  DashboardUnreachableError,
} from "./errors.js";
export { DASHBOARD_LIMITS, fetchDetail, fetchSnapshot } from "./fetch-snapshot.js";
export { formatTimeAgo } from "./format.js";
export { highlightPython } from "./highlight.js";
export { parseKeys } from "./keys.js";
export type { Key, NamedKey } from "./keys.js";
export { applyDetail, applySnapshot, clearDetail, createDashboardModel } from "./model.js";
export type { DashboardModel, DashboardSnapshot, DetailSnapshot, DetailUpdate, SnapshotUpdate } from "./model.js";
export { renderDashboard, renderStatusBar } from "./render.js";
export type { RenderOptions } from "./render-common.js";
export {
  renderCodePanel,
  renderDetail,
  renderEvaluationsPanel,
  renderProvenancePanel,
  renderSubmissionPanel,
  renderViolationsPanel,
} from "./render-detail.js";
export type { DetailViewInput } from "./render-detail.js";
export { renderHistoryPanel, renderLeaderboardPanel, renderRecentPanel, renderStatsPanel, renderValidatorPanel } from "./render-main.js";
export { frameSequence, runInteractiveDashboard, TERMINAL_MODES } from "./run-dashboard.js";
export type { InteractiveDashboardOptions, TerminalInput, TerminalOutput } from "./run-dashboard.js";
export { CODE_SCROLL_STEP, CODE_VISIBLE_LINES, clampSelection, DASHBOARD_PANELS, INITIAL_UI_STATE, reduceKey } from "./state.js";
export type { Panel, UiEffect, UiState } from "./state.js";
export type {
  CurrentEvaluation,
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
