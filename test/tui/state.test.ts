/**
 * The key reducer and the raw-input parser (spec crusades.md §J.4 keys).
 */
import { describe, expect, it } from "vitest";
import { clampSelection, CODE_SCROLL_STEP, INITIAL_UI_STATE, parseKeys, reduceKey, type DashboardModel, type Key, type UiState } from "../../src/tui/index.js";
import { decodeLeaderboard } from "../../src/tui/decode.js";
import { detailModel, fullModel, LEADERBOARD, RECENT, SUBMISSION } from "./fixtures.js";

/** Applies keys in order; returns the final state and every effect. */
function press(keys: readonly Key[], model: DashboardModel = fullModel(), start: UiState = INITIAL_UI_STATE) {
  let state = start;
  const effects = [];
  for (const key of keys) {
    const [next, effect] = reduceKey(state, key, model);
    state = next;
    effects.push(effect);
  }
  return { state, effects };
}

const DETAIL: UiState = { ...INITIAL_UI_STATE, view: "detail", detailId: SUBMISSION.submission_id };

describe("reduceKey: main screen", () => {
  it("behavior: j/k and the arrows move the selection, clamped to the rows", () => {
    expect(press(["j", "j", "down"]).state.selected.leaderboard).toBe(3);
    expect(press(["j", "j", "k"]).state.selected.leaderboard).toBe(1);
    expect(press(["up", "k"]).state.selected.leaderboard).toBe(0);
    expect(press(Array.from({ length: 20 }, () => "j")).state.selected.leaderboard).toBe(9);
  });

  it("behavior: h/l, Tab, Shift-Tab and left/right switch panels; each panel keeps its selection", () => {
    expect(press(["l"]).state.panel).toBe("recent");
    expect(press(["tab"]).state.panel).toBe("recent");
    expect(press(["right", "right"]).state.panel).toBe("leaderboard");
    expect(press(["h"]).state.panel).toBe("recent");
    expect(press(["left", "shift-tab"]).state.panel).toBe("leaderboard");
    const { state } = press(["j", "j", "tab", "j", "j", "j", "j"]);
    expect(state.selected).toEqual({ leaderboard: 2, recent: RECENT.length - 1 });
  });

  it("behavior: Enter opens the selected row of the focused panel", () => {
    const onLeaderboard = press(["j", "enter"]);
    expect(onLeaderboard.state).toMatchObject({ view: "detail", detailId: LEADERBOARD[1]!.submission_id, codeScroll: 0, showCode: true });
    expect(onLeaderboard.effects.at(-1)).toEqual({ type: "open", submissionId: LEADERBOARD[1]!.submission_id });
    const onRecent = press(["tab", "j", "enter"]);
    expect(onRecent.effects.at(-1)).toEqual({ type: "open", submissionId: RECENT[1]!.submission_id });
  });

  it("behavior: 1-9 open the leaderboard row with that rank", () => {
    const { state, effects } = press(["tab", "3"]);
    expect(effects.at(-1)).toEqual({ type: "open", submissionId: LEADERBOARD[2]!.submission_id });
    expect(state).toMatchObject({ view: "detail", panel: "leaderboard", selected: { leaderboard: 2, recent: 0 } });
  });

  it("behavior: a rank that is not on the board, or a row without an id, opens nothing", () => {
    const short: DashboardModel = { ...fullModel(), snapshot: { ...fullModel().snapshot, leaderboard: decodeLeaderboard(LEADERBOARD.slice(0, 2)) } };
    expect(press(["5"], short)).toEqual({ state: INITIAL_UI_STATE, effects: [{ type: "none" }] });
    const noId: DashboardModel = { ...fullModel(), snapshot: { ...fullModel().snapshot, leaderboard: decodeLeaderboard([{ rank: 1 }]) } };
    expect(press(["enter"], noId).state.view).toBe("main");
    const empty: DashboardModel = { ...fullModel(), snapshot: { ...fullModel().snapshot, leaderboard: null } };
    expect(press(["j", "enter"], empty)).toEqual({ state: INITIAL_UI_STATE, effects: [{ type: "none" }, { type: "none" }] });
  });

  it("behavior: r refreshes, q and Ctrl-C quit, other keys do nothing", () => {
    expect(press(["r"]).effects).toEqual([{ type: "refresh" }]);
    expect(press(["q"]).effects).toEqual([{ type: "quit" }]);
    expect(press(["ctrl-c"]).effects).toEqual([{ type: "quit" }]);
    expect(press(["x", "escape", "c"])).toEqual({ state: INITIAL_UI_STATE, effects: [{ type: "none" }, { type: "none" }, { type: "none" }] });
  });
});

describe("reduceKey: detail view", () => {
  it("behavior: j/k scroll the code by 3, clamped to the last 20 lines", () => {
    const model = detailModel();
    expect(CODE_SCROLL_STEP).toBe(3);
    expect(press(["j"], model, DETAIL).state.codeScroll).toBe(3);
    expect(press(["j", "down", "k"], model, DETAIL).state.codeScroll).toBe(3);
    expect(press(["k"], model, DETAIL).state.codeScroll).toBe(0);
    // 49 lines: the last screen starts at line 30 (index 29).
    expect(press(Array.from({ length: 30 }, () => "j"), model, DETAIL).state.codeScroll).toBe(29);
  });

  it("behavior: no code, no scrolling", () => {
    expect(press(["j"], detailModel({ code_content: null }), DETAIL).state.codeScroll).toBe(0);
  });

  it("behavior: c toggles the code; b and Esc go back; r refreshes; q quits", () => {
    const model = detailModel();
    expect(press(["c"], model, DETAIL).state.showCode).toBe(false);
    expect(press(["c", "c"], model, DETAIL).state.showCode).toBe(true);
    for (const key of ["b", "escape"]) {
      const { state, effects } = press(["j", key], model, DETAIL);
      expect(state).toMatchObject({ view: "main", detailId: null, codeScroll: 0 });
      expect(effects.at(-1)).toEqual({ type: "back" });
    }
    expect(press(["r"], model, DETAIL).effects).toEqual([{ type: "refresh" }]);
    expect(press(["q"], model, DETAIL).effects).toEqual([{ type: "quit" }]);
  });

  it("behavior: digits and Enter do not open another submission from the detail view", () => {
    expect(press(["1", "enter"], detailModel(), DETAIL).state).toEqual(DETAIL);
  });
});

describe("clampSelection", () => {
  it("behavior: a selection past a list that shrank moves to its last row", () => {
    const shrunk: DashboardModel = { ...fullModel(), snapshot: { ...fullModel().snapshot, leaderboard: decodeLeaderboard(LEADERBOARD.slice(0, 3)) } };
    const state: UiState = { ...INITIAL_UI_STATE, selected: { leaderboard: 8, recent: 1 } };
    expect(clampSelection(state, shrunk).selected).toEqual({ leaderboard: 2, recent: 1 });
    const unchanged: UiState = { ...INITIAL_UI_STATE, selected: { leaderboard: 1, recent: 0 } };
    expect(clampSelection(unchanged, shrunk)).toBe(unchanged);
  });
});

describe("parseKeys", () => {
  it("behavior: arrows (CSI and SS3), Tab, Shift-Tab, Enter, Esc, Ctrl-C and characters", () => {
    expect(parseKeys("\x1b[A\x1b[B\x1b[C\x1b[D\x1bOA")).toEqual(["up", "down", "right", "left", "up"]);
    expect(parseKeys("\t\x1b[Z\r\x03")).toEqual(["tab", "shift-tab", "enter", "ctrl-c"]);
    expect(parseKeys("jk1q")).toEqual(["j", "k", "1", "q"]);
    expect(parseKeys("\x1b")).toEqual(["escape"]);
  });

  it("behavior: other escape sequences and control bytes are dropped", () => {
    expect(parseKeys("\x1b[1;5Hx\x1b[200~\x7f\x00y")).toEqual(["x", "y"]);
  });
});
