/**
 * The dashboard's frames on fixed data (spec crusades.md §J.4): panel titles, labels, leaderboard
 * order and formatting, rank and status colours, the detail view (score-titled runs, violations,
 * provenance, code), missing data, and widths.
 */
import { describe, expect, it } from "vitest";
import {
  applySnapshot,
  createDashboardModel,
  type DashboardModel,
  INITIAL_UI_STATE,
  renderDashboard,
  renderLeaderboardPanel,
  renderRecentPanel,
  stripAnsi,
  type UiState,
  visibleWidth,
} from "../../src/tui/index.js";
import { createAnsiStyle } from "../../src/tui/index.js";
import { decodeLeaderboard, decodeOverview, decodeRecent, decodeValidator } from "../../src/tui/decode.js";
import { detailModel, fullModel, LEADERBOARD, NOW_MS, RECENT, SUBMISSION } from "./fixtures.js";

const plain = { width: 120, height: Infinity, colors: false, nowMs: NOW_MS, interactive: false } as const;
const DETAIL: UiState = { ...INITIAL_UI_STATE, view: "detail", detailId: SUBMISSION.submission_id };
const frame = (model: DashboardModel, ui: UiState = INITIAL_UI_STATE, options: { width?: number; height?: number; colors?: boolean; interactive?: boolean } = {}) =>
  renderDashboard(model, ui, { ...plain, ...options });
const lineWith = (lines: readonly string[], needle: string) => lines.find((l) => l.includes(needle)) ?? "";

describe("renderDashboard: main screen", () => {
  it("behavior: header and every panel title, no escape codes with colours off", () => {
    const lines = frame(fullModel());
    expect(lines[0]).toContain("τemplar crusades");
    expect(lines[0]).toContain("http://localhost:8080");
    for (const title of ["Stats", "Validator", "MFU history (running max)", "Leaderboard (top 10)", "Recent activity"]) {
      expect(lines.some((l) => l.includes(`─ ${title} ─`)), title).toBe(true);
    }
    expect(lines.join("\n")).not.toContain("\x1b");
  });

  it("behavior: Stats shows the overview figures", () => {
    const lines = frame(fullModel());
    expect(lineWith(lines, "Submissions (24h)")).toMatch(/Submissions \(24h\)\s+12\b/);
    expect(lineWith(lines, "Top MFU")).toContain("52.10%");
    expect(lineWith(lines, "MFU to beat")).toContain("52.62%");
    expect(lineWith(lines, "Active miners")).toMatch(/Active miners \(24h\)\s+5\b/);
    expect(lineWith(lines, "Total submissions")).toContain("1,234");
  });

  it("behavior: Validator labels each field correctly (uptime under Uptime, not Success)", () => {
    const lines = frame(fullModel());
    expect(lineWith(lines, "Uptime")).toMatch(/Uptime\s+1d 2h 3m/);
    expect(lineWith(lines, "Success rate")).toMatch(/Success rate\s+85\.7%/);
    expect(lineWith(lines, "Success rate")).not.toContain("1d 2h 3m");
    expect(lineWith(lines, "Status ")).toContain("● running");
    expect(lineWith(lines, "Evaluating")).toContain("UID 42");
    expect(lineWith(lines, "Evals / hour")).toMatch(/Evals \/ hour\s+7\b/);
    expect(lineWith(lines, "Queued")).toMatch(/Queued\s+3\b/);
    expect(lineWith(lines, "Running ")).toMatch(/Running\s+1\b/);
    expect(lineWith(lines, "Done")).toMatch(/Done\s+30\b/);
    expect(lineWith(lines, "Failed  ")).toMatch(/Failed\s+5\b/);
  });

  it("behavior: the history chart spans from the first to the best running max", () => {
    const lines = frame(fullModel());
    expect(lineWith(lines, "52.10% ┤")).toMatch(/╭/);
    expect(lineWith(lines, "40.00% ┤")).toMatch(/─/);
    expect(lines.some((l) => l.includes("4 finished · first 5d ago · latest 2h ago · best 52.10%"))).toBe(true);
  });

  it("behavior: leaderboard rows in rank order: #, Rank, UID, MFU, Evals, Submitted (time ago); at most 10", () => {
    const rows = decodeLeaderboard(LEADERBOARD)!;
    const lines = renderLeaderboardPanel(rows, 70, NOW_MS, createAnsiStyle(false)).map((l) => l.replace(/│/g, "").trim());
    expect(lines[1]).toMatch(/^#\s+Rank\s+UID\s+MFU\s+Evals\s+Submitted$/);
    const body = lines.slice(2, -1);
    expect(body).toHaveLength(10);
    expect(body[0]).toMatch(/^1\s+1\s+10\s+52\.10%\s+3\s+1m ago$/);
    expect(body[1]).toMatch(/^2\s+2\s+11\s+51\.10%\s+3\s+3m ago$/);
    expect(body[9]).toMatch(/^10\s+10\s+19\s+43\.10%\s+3\s+15m ago$/);
    expect(body.map((l) => Number(l.split(/\s+/)[2]))).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it("behavior: ranks 1-3 are coloured gold, silver, bronze with colours on, rank 4 is not", () => {
    const lines = renderLeaderboardPanel(decodeLeaderboard(LEADERBOARD)!, 70, NOW_MS, createAnsiStyle(true));
    expect(lines[2]).toContain("\x1b[1;33m");
    expect(lines[3]).toContain("\x1b[1;37m");
    expect(lines[4]).toContain("\x1b[38;5;173m");
    for (const code of ["\x1b[1;33m", "\x1b[1;37m", "\x1b[38;5;173m"]) expect(lines[5]).not.toContain(code);
  });

  it("behavior: recent activity shows UID, status (project vocabulary first), MFU, time ago, error code; status coloured", () => {
    const rows = decodeRecent(RECENT)!;
    const off = renderRecentPanel(rows, 80, NOW_MS, createAnsiStyle(false)).map((l) => l.replace(/│/g, "").trim());
    expect(off[2]).toMatch(/^10\s+finished\s+52\.10%\s+1m ago$/);
    expect(off[3]).toMatch(/^7\s+failed\s+—\s+1h ago\s+scan_rejected$/);
    expect(off[4]).toMatch(/^8\s+failed_ev…\s+—\s+1d ago\s+Fatal error$/);
    const on = renderRecentPanel(rows, 80, NOW_MS, createAnsiStyle(true));
    expect(on[2]).toContain("\x1b[32mfinished");
    expect(on[3]).toContain("\x1b[31mfailed");
  });

  it("behavior: the focused panel's selected row is marked in interactive frames only", () => {
    const ui: UiState = { ...INITIAL_UI_STATE, selected: { leaderboard: 2, recent: 0 } };
    const interactive = frame(fullModel(), ui, { interactive: true });
    expect(interactive.filter((l) => l.includes("›"))).toHaveLength(1);
    expect(lineWith(interactive, "›")).toMatch(/› +3 +3 +12/);
    expect(frame(fullModel(), ui, { interactive: false }).some((l) => l.includes("›"))).toBe(false);
  });

  it("behavior: missing or null fields show as — and never as undefined, null or NaN", () => {
    const model = applySnapshot(
      createDashboardModel("http://x:8080"),
      {
        values: {
          overview: decodeOverview({}),
          validator: decodeValidator({ current_evaluation: null }),
          history: [],
          leaderboard: decodeLeaderboard([{}]),
          recent: decodeRecent([{ status: null }]),
          threshold: null,
        },
        errors: [],
      },
      NOW_MS,
    );
    const text = frame(model).join("\n");
    expect(text).not.toMatch(/undefined|null|NaN/);
    expect(lineWith(frame(model), "Top MFU")).toMatch(/Top MFU\s+—/);
    expect(lineWith(frame(model), "Uptime")).toMatch(/Uptime\s+—/);
    expect(text).toContain("no finished submissions yet");
  });

  it("behavior: a failed refresh keeps the last good data and puts the error in the status bar", () => {
    const failed = applySnapshot(
      fullModel(),
      { values: { overview: null, validator: null, history: null, leaderboard: null, recent: null, threshold: null }, errors: ["GET http://localhost:8080/leaderboard?limit=10: HTTP 500", "second"] },
      NOW_MS,
    );
    const lines = frame(failed);
    expect(lineWith(lines, "Top MFU")).toContain("52.10%");
    expect(lines.some((l) => /\b1\s+1\s+10\s+52\.10%/.test(l))).toBe(true);
    expect(lines.at(-1)).toContain("⚠ GET http://localhost:8080/leaderboard?limit=10: HTTP 500 (+1 more)");
  });

  it("behavior: the status bar says when the data was updated and lists the keys", () => {
    const last = frame(fullModel(), INITIAL_UI_STATE, { interactive: true }).at(-1) ?? "";
    expect(last).toContain("updated 5s ago");
    expect(last).toContain("q quit");
    expect(frame(fullModel()).at(-1)).not.toContain("q quit");
  });

  it("behavior: remote control characters are neutralised", () => {
    const model = applySnapshot(
      fullModel(),
      { values: { ...fullModel().snapshot, recent: decodeRecent([{ miner_uid: 1, status: "finished\x1b[2J", error: "x\x07y" }]) }, errors: [] },
      NOW_MS,
    );
    const text = frame(model).join("\n");
    expect(text).not.toContain("\x1b");
    expect(text).not.toContain("\x07");
  });
});

describe("renderDashboard: detail view", () => {
  it("behavior: header with UID, both statuses, score, submitted, shortened hotkey and hash, error code and message", () => {
    const lines = frame(detailModel(), DETAIL);
    expect(lines[0]).toContain("submission v1_commit_1000_10");
    const text = lines.join("\n");
    expect(text).toContain("UID 10");
    expect(text).toContain("Status failed (failed_evaluation)");
    expect(text).toContain("MFU 51.25%");
    expect(text).toContain("Submitted 2h ago");
    expect(text).toContain("Hotkey 5Grwva…utQY");
    expect(text).toContain("Hash 01234567…cdef");
    expect(lineWith(lines, "Error ")).toContain("fatal:loss_mismatch  loss diverged from the reference");
    expect(lineWith(lines, "URL")).toContain("https://example.com/train.py");
  });

  it("behavior: the evaluations table is titled with the score (median_low), not the average", () => {
    const lines = frame(detailModel(), DETAIL);
    const title = lineWith(lines, "─ Evaluations");
    expect(title).toContain("score 51.25% (median_low)");
    expect(title).not.toContain("52.13");
    expect(lineWith(lines, "average of")).toContain("average of 2 successful runs: 52.13% (not the score)");
  });

  it("behavior: the runs table: #, MFU, TPS, Tokens, Wall Time, ✓/✗, error code, Time", () => {
    const lines = frame(detailModel(), DETAIL).map((l) => l.replace(/│/g, "").trim());
    expect(lineWith(lines, "Wall Time")).toMatch(/^#\s+MFU\s+TPS\s+Tokens\s+Wall Time\s+✓\/✗\s+Error code\s+Time$/);
    expect(lines).toContainEqual(expect.stringMatching(/^1\s+51\.25%\s+12\.3k\s+1,048,576\s+1m 02s\s+✓\s+1h ago$/));
    expect(lines).toContainEqual(expect.stringMatching(/^3\s+0\.00%\s+0\s+0\s+3\.0s\s+✗\s+nan_loss\s+1h ago$/));
  });

  it("behavior: scan violations and the first run's provenance hashes", () => {
    const lines = frame(detailModel(), DETAIL, { width: 200 });
    expect(lineWith(lines, "Scan violations (1)")).toBeTruthy();
    expect(lineWith(lines, "forbidden_builtin")).toContain("12:4 forbidden_builtin eval() is forbidden");
    expect(lineWith(lines, "Provenance (run 1)")).toBeTruthy();
    expect(lineWith(lines, "hparams ")).toContain("a".repeat(64));
    expect(lineWith(lines, "scanner rules")).toContain("b".repeat(64));
    expect(lineWith(lines, "harness")).toContain("c".repeat(64));
    expect(lineWith(lines, "image")).toContain(`sha256:${"d".repeat(64)}`);
    expect(lineWith(lines, "code sha256")).toContain("e".repeat(64));
    expect(lineWith(lines, "seed")).toContain("1234567");
  });

  it("behavior: code with line numbers, 20 lines visible, scrolled by codeScroll", () => {
    const lines = frame(detailModel(), DETAIL);
    const code = lines.filter((l) => /^│\s+\d+ │ /.test(l));
    expect(code).toHaveLength(20);
    expect(code[0]).toMatch(/^│\s+1 │ import torch/);
    expect(code[19]).toMatch(/^│\s+20 │ {5}y11 = 11 \+ 0\.5/);
    expect(lineWith(lines, "─ Code")).toContain("lines 1–20 of 49");
    const scrolled = frame(detailModel(), { ...DETAIL, codeScroll: 3 }).filter((l) => /^│\s+\d+ │ /.test(l));
    expect(scrolled[0]).toMatch(/^│\s+4 │ def inner_steps/);
  });

  it("behavior: the code is highlighted with colours on (keywords, strings, comments)", () => {
    const text = frame(detailModel(), DETAIL, { colors: true }).join("\n");
    expect(text).toContain("\x1b[35mimport\x1b[0m");
    expect(text).toContain("\x1b[90m# a comment\x1b[0m");
    expect(text).toContain("\x1b[32m'text'\x1b[0m");
  });

  it("behavior: undisclosed code and URL say so (api.code_disclosure)", () => {
    const lines = frame(detailModel({ code_content: null, bucket_path: null, code_disclosed: false }), DETAIL);
    expect(lineWith(lines, "URL")).toContain("not disclosed");
    expect(lines.join("\n")).toContain("code not disclosed (api.code_disclosure)");
    expect(lineWith(lines, "code_hash")).toContain(SUBMISSION.code_hash);
    expect(lines.some((l) => /^│\s+\d+ │ /.test(l))).toBe(false);
  });

  it("behavior: c-hidden code shows a hint instead of the lines", () => {
    const lines = frame(detailModel(), { ...DETAIL, showCode: false });
    expect(lines.join("\n")).toContain("hidden (press c to show)");
    expect(lines.some((l) => /^│\s+\d+ │ /.test(l))).toBe(false);
  });

  it("behavior: no runs and no violations are said plainly; an unscanned submission shows —", () => {
    const model = detailModel({ scan_violations: [], final_score: null });
    const noRuns: DashboardModel = { ...model, detail: { ...model.detail!, evaluations: [] } };
    const lines = frame(noRuns, DETAIL);
    expect(lineWith(lines, "─ Evaluations")).toContain("score — (median_low)");
    expect(lines.join("\n")).toContain("no runs yet");
    expect(lineWith(lines, "Scan violations (0)")).toBeTruthy();
    expect(lineWith(frame(detailModel({ scan_violations: null }), DETAIL), "─ Scan violations ─")).toBeTruthy();
  });

  it("behavior: before the detail data arrives the view says loading", () => {
    expect(frame(fullModel(), DETAIL).join("\n")).toContain("loading…");
  });
});

describe("renderDashboard: sizes", () => {
  const models = [
    ["main", fullModel(), INITIAL_UI_STATE],
    ["detail", detailModel(), DETAIL],
    ["empty", createDashboardModel("http://localhost:8080"), INITIAL_UI_STATE],
  ] as const;

  it("behavior: narrow and short terminals never throw, no line exceeds the width, no frame exceeds the height", () => {
    for (const [name, model, ui] of models) {
      for (const width of [0, 1, 2, 3, 4, 5, 9, 17, 20, 33, 40, 59, 71, 72, 80, 109, 110, 119, 120, 179, 180, 250]) {
        for (const height of [Infinity, 24, 5, 1, 0]) {
          for (const [colors, interactive] of [[false, false], [true, true]] as const) {
            const lines = renderDashboard(model, ui, { width, height, colors, nowMs: NOW_MS, interactive });
            const where = `${name} ${width}x${height} colors=${colors} interactive=${interactive}`;
            expect(lines.length, where).toBeLessThanOrEqual(height);
            for (const line of lines) expect(visibleWidth(line), `${where}: ${stripAnsi(line)}`).toBeLessThanOrEqual(width);
          }
        }
      }
    }
  });

  it("behavior: interactive frames are exactly width columns, the status bar last", () => {
    const lines = renderDashboard(fullModel(), INITIAL_UI_STATE, { width: 100, height: 30, colors: true, nowMs: NOW_MS });
    expect(lines).toHaveLength(30);
    for (const line of lines) expect(visibleWidth(line)).toBe(100);
    expect(stripAnsi(lines[29]!)).toContain("updated 5s ago");
  });

  it("behavior: a short terminal shrinks the chart before cutting panels", () => {
    const tall = frame(fullModel(), INITIAL_UI_STATE, { width: 120, height: Infinity });
    const short = frame(fullModel(), INITIAL_UI_STATE, { width: 120, height: 34 });
    const chartRows = (lines: string[]) => lines.filter((l) => /%\s┤/.test(l)).length;
    expect(chartRows(tall)).toBe(8);
    expect(chartRows(short)).toBeLessThan(8);
    expect(short.some((l) => l.includes("└"))).toBe(true);
  });
});
