/**
 * The dashboard's UI state and the pure reducer of key presses (spec crusades.md §J.4): what is
 * selected, which view is open, how far the code is scrolled, and what the loop must do next.
 * @module
 */
import type { Key } from "./keys.js";
import type { DashboardModel } from "./model.js";

/** The main screen's selectable panels, in Tab order. */
export const DASHBOARD_PANELS = ["leaderboard", "recent"] as const;
export type Panel = (typeof DASHBOARD_PANELS)[number];

/** Code lines the detail view shows at once. */
export const CODE_VISIBLE_LINES = 20;
/** Lines one `j`/`k` scrolls the code by. */
export const CODE_SCROLL_STEP = 3;

export interface UiState {
  readonly view: "main" | "detail";
  /** The focused panel of the main screen. */
  readonly panel: Panel;
  /** The selected row of each panel. */
  readonly selected: Readonly<Record<Panel, number>>;
  /** The submission the detail view shows; `null` on the main screen. */
  readonly detailId: string | null;
  /** First code line shown (0-based). */
  readonly codeScroll: number;
  readonly showCode: boolean;
}

/** What the loop does after a key, besides redrawing. */
export type UiEffect =
  | { readonly type: "none" }
  | { readonly type: "quit" }
  /** Fetch the main screen again (and the detail view, when open). */
  | { readonly type: "refresh" }
  /** Fetch the detail view of `submissionId` (just opened). */
  | { readonly type: "open"; readonly submissionId: string }
  /** The detail view was closed. */
  | { readonly type: "back" };

export const INITIAL_UI_STATE: UiState = Object.freeze({
  view: "main",
  panel: "leaderboard",
  selected: Object.freeze({ leaderboard: 0, recent: 0 }),
  detailId: null,
  codeScroll: 0,
  showCode: true,
});

const NONE: UiEffect = { type: "none" };

/** Rows in `panel` as the model holds them. */
function rowIds(model: DashboardModel, panel: Panel): (string | null)[] {
  const rows = panel === "leaderboard" ? model.snapshot.leaderboard : model.snapshot.recent;
  return (rows ?? []).map((r) => r.submission_id);
}

/** Lines of the code the detail view shows (0 when there is none). */
export function codeLineCount(model: DashboardModel): number {
  const code = model.detail?.submission?.code_content;
  return typeof code === "string" ? code.replace(/\r\n?/g, "\n").split("\n").length : 0;
}

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

function open(state: UiState, submissionId: string | null | undefined): readonly [UiState, UiEffect] {
  if (typeof submissionId !== "string" || submissionId === "") return [state, NONE];
  return [{ ...state, view: "detail", detailId: submissionId, codeScroll: 0, showCode: true }, { type: "open", submissionId }];
}

function reduceMain(state: UiState, key: Key, model: DashboardModel): readonly [UiState, UiEffect] {
  const ids = rowIds(model, state.panel);
  const move = (delta: number): readonly [UiState, UiEffect] => {
    const row = clamp(state.selected[state.panel] + delta, 0, Math.max(0, ids.length - 1));
    return [{ ...state, selected: { ...state.selected, [state.panel]: row } }, NONE];
  };
  const switchPanel = (delta: number): readonly [UiState, UiEffect] => {
    const index = (DASHBOARD_PANELS.indexOf(state.panel) + delta + DASHBOARD_PANELS.length) % DASHBOARD_PANELS.length;
    return [{ ...state, panel: DASHBOARD_PANELS[index]! }, NONE];
  };
  if (key === "j" || key === "down") return move(1);
  if (key === "k" || key === "up") return move(-1);
  if (key === "l" || key === "right" || key === "tab") return switchPanel(1);
  if (key === "h" || key === "left" || key === "shift-tab") return switchPanel(-1);
  if (key === "enter") return open(state, ids[clamp(state.selected[state.panel], 0, Math.max(0, ids.length - 1))]);
  if (/^[1-9]$/.test(key)) {
    // `1`-`9` is the leaderboard rank; the row position when the API sent no ranks.
    const rank = Number(key);
    const rows = model.snapshot.leaderboard ?? [];
    let index = rows.findIndex((r) => r.rank === rank);
    if (index === -1 && rows.every((r) => r.rank === null)) index = rank - 1;
    const row = rows[index];
    if (row === undefined) return [state, NONE];
    return open({ ...state, panel: "leaderboard", selected: { ...state.selected, leaderboard: index } }, row.submission_id);
  }
  return [state, NONE];
}

function reduceDetail(state: UiState, key: Key, model: DashboardModel): readonly [UiState, UiEffect] {
  const maxScroll = Math.max(0, codeLineCount(model) - CODE_VISIBLE_LINES);
  const scroll = (delta: number): readonly [UiState, UiEffect] => [{ ...state, codeScroll: clamp(state.codeScroll + delta, 0, maxScroll) }, NONE];
  if (key === "j" || key === "down") return scroll(CODE_SCROLL_STEP);
  if (key === "k" || key === "up") return scroll(-CODE_SCROLL_STEP);
  if (key === "c") return [{ ...state, showCode: !state.showCode }, NONE];
  if (key === "b" || key === "escape") return [{ ...state, view: "main", detailId: null, codeScroll: 0 }, { type: "back" }];
  return [state, NONE];
}

/**
 * The state after `key`, and what the loop must do. Pure: the model is only read (row counts,
 * submission ids, code length).
 * @example
 * const [next, effect] = reduceKey(INITIAL_UI_STATE, "j", model)
 */
export function reduceKey(state: UiState, key: Key, model: DashboardModel): readonly [UiState, UiEffect] {
  if (key === "q" || key === "ctrl-c") return [state, { type: "quit" }];
  if (key === "r") return [state, { type: "refresh" }];
  return state.view === "detail" ? reduceDetail(state, key, model) : reduceMain(state, key, model);
}

/** `state` with selections clamped to the rows `model` now has (after a refresh shortened a list). */
export function clampSelection(state: UiState, model: DashboardModel): UiState {
  const fix = (panel: Panel) => clamp(state.selected[panel], 0, Math.max(0, rowIds(model, panel).length - 1));
  const selected = { leaderboard: fix("leaderboard"), recent: fix("recent") };
  const codeScroll = clamp(state.codeScroll, 0, Math.max(0, codeLineCount(model) - CODE_VISIBLE_LINES));
  return selected.leaderboard === state.selected.leaderboard && selected.recent === state.selected.recent && codeScroll === state.codeScroll ? state : { ...state, selected, codeScroll };
}
