/**
 * The dashboard page in real headless Chromium (Debian's, from scripts/chromium.sh), driven over
 * the DevTools protocol (test/web/cdp.ts) against a canned API: the panels, the leaderboard order,
 * API strings rendered as text, the detail view (score in the runs title, code with line numbers,
 * "not disclosed"), the error banner, the API key, and the page's CSP (a blocked script would
 * leave every panel empty and log a violation).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { browserUnavailableReason, launchBrowser, type Browser, type CdpPage } from "./cdp.js";
import { API_KEY, LEADER_ID, LEADER_UIDS, startCannedServer, XSS_ERROR, XSS_NAME, XSS_VIOLATION, type CannedServer } from "./fixtures.js";

const unavailable = browserUnavailableReason();
if (unavailable !== null) console.warn(`dashboard browser test skipped: ${unavailable}`);

const text = (testId: string) => `(document.querySelector('[data-testid="${testId}"]')?.textContent ?? null)`;
const all = (testId: string) => `document.querySelectorAll('[data-testid="${testId}"]')`;
const visible = (testId: string) => `(() => { const e = document.querySelector('[data-testid="${testId}"]'); return e !== null && !e.hidden && e.offsetParent !== null; })()`;
const click = (selector: string) => `document.querySelector(${JSON.stringify(selector)}).dispatchEvent(new MouseEvent("click", { bubbles: true }))`;

describe.skipIf(unavailable !== null)(`dashboard page in headless Chromium${unavailable === null ? "" : ` (skipped: ${unavailable})`}`, () => {
  let browser: Browser;
  let api: CannedServer;
  let page: CdpPage;

  beforeAll(async () => {
    api = await startCannedServer({ apiKey: API_KEY });
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.navigate(`${api.url}/dashboard?key=${API_KEY}`);
    await page.waitFor(`${text("leader-uid")} === "7"`);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  test("behavior: the Stats and Validator panels show the API's numbers", async () => {
    const got = await page.evaluate<Record<string, string>>(`(() => {
      const ids = ["stat-submissions-24h", "stat-top-mfu", "stat-mfu-to-beat", "stat-threshold", "leader-uid", "stat-active-miners", "stat-total",
        "validator-status", "validator-current", "validator-evals-hour", "validator-queued", "validator-running", "validator-done", "validator-failed",
        "validator-success-rate", "validator-uptime"];
      return Object.fromEntries(ids.map((id) => [id, document.querySelector('[data-testid="' + id + '"]').textContent]));
    })()`);
    expect(got).toEqual({
      "stat-submissions-24h": "12",
      "stat-top-mfu": "61.23%",
      "stat-mfu-to-beat": "61.85%",
      "stat-threshold": "1.00%",
      "leader-uid": "7",
      "stat-active-miners": "9",
      "stat-total": "345",
      "validator-status": "running",
      "validator-current": "42",
      "validator-evals-hour": "4",
      "validator-queued": "3",
      "validator-running": "1",
      "validator-done": "300",
      "validator-failed": "41",
      "validator-success-rate": "88.0%",
      "validator-uptime": "2d 3h 4m",
    });
    expect(await page.evaluate(`document.querySelector('[data-testid="validator-dot"]').className`)).toBe("dot st-running");
  });

  test("behavior: the leaderboard shows the top 10 in rank order, ranks 1 to 3 highlighted", async () => {
    const rows = await page.evaluate<{ cells: string[]; cls: string }[]>(
      `Array.from(${all("leaderboard-row")}).map((r) => ({ cells: Array.from(r.cells).map((c) => c.textContent), cls: r.className }))`,
    );
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => Number(r.cells[1]))).toEqual(LEADER_UIDS.slice(0, 10));
    expect(rows.map((r) => r.cells[0])).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    expect(rows[0]?.cells.slice(2)).toEqual(["61.23%", "3", "1h ago"]);
    expect(rows.slice(0, 4).map((r) => r.cls)).toEqual(["clickable rank-1", "clickable rank-2", "clickable rank-3", "clickable"]);
    expect(await page.evaluate(`${all("recent-row")}.length`)).toBe(10);
    expect(api.requests.some((r) => r.url === "/leaderboard?limit=10")).toBe(true);
  });

  test("behavior: the MFU history is a line of the running maximum", async () => {
    expect(await page.evaluate(`document.querySelector('[data-testid="history-chart"] svg').getAttribute("data-points")`)).toBe("5");
    expect(await page.evaluate(text("history-max"))).toBe("61.23%");
    const ys = await page.evaluate<number[]>(`document.querySelector('[data-testid="history-line"]').getAttribute("points").split(" ").map((p) => Number(p.split(",")[1]))`);
    for (let i = 1; i < ys.length; i++) expect(ys[i]).toBeLessThanOrEqual(ys[i - 1] as number); // SVG y grows downwards: never falls
  });

  test("security: API strings are shown as text, never parsed as HTML", async () => {
    expect(await page.evaluate(`document.querySelector('[data-testid="recent-submission"]').textContent`)).toBe(XSS_NAME);
    expect(await page.evaluate(`document.querySelector('[data-testid="recent-row"] td[title]').getAttribute("title")`)).toBe(XSS_ERROR);
    expect(await page.evaluate(`document.querySelectorAll("img").length`)).toBe(0);
    expect(await page.evaluate(`document.querySelectorAll("script").length`)).toBe(1);
    expect(page.log.dialogs).toEqual([]);
  });

  test("security: the API key from ?key= is sent as X-API-Key and leaves the address bar", async () => {
    expect(api.requests.length).toBeGreaterThan(0);
    expect(api.requests.filter((r) => r.key !== API_KEY)).toEqual([]);
    expect(await page.evaluate("location.search")).toBe("");
  });

  test("behavior: a row click opens the detail view, titled with the score, with the code", async () => {
    await page.evaluate(click('[data-testid="leaderboard-row"]'));
    await page.waitFor(`${text("detail-score")} === "61.23%" && ${all("code-line")}.length > 0`);
    expect(await page.evaluate(visible("overview-view"))).toBe(false);
    expect(await page.evaluate("location.hash")).toBe(`#submission/${LEADER_ID}`);
    expect(await page.evaluate(text("detail-id"))).toBe(LEADER_ID);
    expect(await page.evaluate(text("detail-uid"))).toBe("7");
    expect(await page.evaluate(text("detail-status"))).toBe("finished");
    expect(await page.evaluate(text("detail-hotkey"))).toBe("5LeaderH\u2026AAAzz9");
    expect(await page.evaluate(text("detail-hash"))).toBe("0123456789ab\u2026");
    expect(await page.evaluate(text("evaluations-title"))).toBe("Evaluations \u2014 score 61.23% (median_low of successful runs)");
    expect(await page.evaluate(text("evaluations-average"))).toContain("61.58%");
    expect(await page.evaluate(`${all("evaluation-row")}.length`)).toBe(3);
    const prov = await page.evaluate<string[]>(`Array.from(document.querySelectorAll('[data-testid="provenance-row"]')[0].cells).map((c) => c.title || c.textContent)`);
    expect(prov).toEqual(["1", "hp1".padEnd(64, "a"), "rules".padEnd(64, "b"), "harness".padEnd(64, "c"), "sha256:".padEnd(71, "d"), "code".padEnd(64, "e"), "seed-1"]);
    const lines = await page.evaluate<{ n: string; src: string }[]>(
      `Array.from(${all("code-line")}).map((l) => ({ n: l.querySelector(".ln").textContent, src: l.querySelector(".src").textContent }))`,
    );
    expect(lines).toEqual([
      { n: "1", src: "import torch" },
      { n: "2", src: "" },
      { n: "3", src: "def inner_steps(model, data):" },
      { n: "4", src: "    # fast path" },
      { n: "5", src: '    return "ok"' },
    ]);
    expect(await page.evaluate(`Array.from(document.querySelectorAll("#code .tk-kw")).map((e) => e.textContent)`)).toEqual(["import", "def", "return"]);
    expect(await page.evaluate(visible("code-hidden"))).toBe(false);
  });

  test("behavior: withheld code reads 'not disclosed'; violations are text", async () => {
    await page.evaluate(click('[data-testid="back"]'));
    await page.waitFor(visible("overview-view"));
    await page.evaluate(`document.querySelectorAll('[data-testid="leaderboard-row"]')[1].dispatchEvent(new MouseEvent("click", { bubbles: true }))`);
    await page.waitFor(`${text("detail-error")} === "scan_rejected: 1 violation(s)"`);
    expect(await page.evaluate(text("detail-id"))).toBe(XSS_NAME);
    expect(await page.evaluate(visible("code-hidden"))).toBe(true);
    expect(await page.evaluate(text("code-hidden"))).toContain("not disclosed");
    expect(await page.evaluate(`${all("code-line")}.length`)).toBe(0);
    expect(await page.evaluate(text("detail-url"))).toBe("not disclosed");
    expect(await page.evaluate(text("detail-score"))).toBe("\u2014");
    expect(await page.evaluate(text("violation"))).toBe(`import.forbidden line 3:1 \u2014 ${XSS_VIOLATION}`);
    expect(await page.evaluate(`document.querySelectorAll("img").length`)).toBe(0);
    expect(page.log.dialogs).toEqual([]);
    await page.evaluate(`document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }))`);
    await page.waitFor(visible("overview-view"));
  });

  test("error: a failing endpoint shows the banner and keeps the last data", async () => {
    expect(await page.evaluate(visible("error-banner"))).toBe(false);
    api.failing.add("/api/stats/overview");
    await page.evaluate(click('[data-testid="refresh"]'));
    await page.waitFor(visible("error-banner"));
    expect(await page.evaluate(text("error-banner"))).toContain("/api/stats/overview: HTTP 500");
    expect(await page.evaluate(text("stat-top-mfu"))).toBe("61.23%");
    expect(await page.evaluate(text("leader-uid"))).toBe("7");
    api.failing.clear();
    await page.evaluate(click('[data-testid="refresh"]'));
    await page.waitFor(`!(${visible("error-banner")})`);
  });

  test("error: without the key the banner says one is needed", async () => {
    const bare = await browser.newPage(); // a new tab: no session storage, so no key
    await bare.navigate(`${api.url}/`);
    await bare.waitFor(visible("error-banner"));
    expect(await bare.evaluate(text("error-banner"))).toContain("HTTP 401 (an API key is needed");
    expect(await bare.evaluate(text("stat-top-mfu"))).toBe("\u2014");
  });

  test("security: the page runs under its CSP without violations or exceptions", () => {
    expect(page.log.exceptions).toEqual([]);
    expect(page.log.errors.filter((e) => /Content Security Policy|Refused|violates/.test(e))).toEqual([]);
  });
});
