import { describe, expect, it } from "vitest";
import * as tui from "../../src/tui/index.js";

describe("crusades/tui surface", () => {
  it("exports: exactly these runtime names", () => {
    expect(Object.keys(tui).sort()).toEqual(
      [
        "CODE_SCROLL_STEP", "CODE_VISIBLE_LINES", "DASHBOARD_LIMITS", "DASHBOARD_PANELS", "DEFAULT_DASHBOARD_URL", "INITIAL_UI_STATE", "TERMINAL_MODES",
        "applyDetail", "applySnapshot", "clampSelection", "clearDetail", "createAnsiStyle", "createDashboardClient", "createDashboardModel",
        "fetchDetail", "fetchSnapshot", "formatTimeAgo", "frameSequence", "highlightPython", "lineChart", "parseKeys", "reduceKey",
        "renderCodePanel", "renderDashboard", "renderDetail", "renderEvaluationsPanel", "renderHistoryPanel", "renderLeaderboardPanel",
        "renderProvenancePanel", "renderRecentPanel", "renderStatsPanel", "renderStatusBar", "renderSubmissionPanel", "renderValidatorPanel",
        "renderViolationsPanel", "runInteractiveDashboard", "stripAnsi", "visibleWidth",
      ].sort(),
    );
  });

  it("behavior: the default URL is the API's default port", () => {
    expect(tui.DEFAULT_DASHBOARD_URL).toBe("http://localhost:8080");
  });
});
