/**
 * `crusades dashboard` through `runDashboard(argv, io)` with a captured CliIo against a real HTTP
 * server: `--once` frames, `--json`, exit codes, the API key, usage errors, non-TTY behaviour.
 */
import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { DASHBOARD_HELP, runDashboard } from "../../src/cli/dashboard.js";
import type { CliIo } from "../../src/cli/io.js";
import { UsageError } from "../../src/cli/io.js";
import { startTestApi, type TestApi } from "./api-server.js";
import { NOW_MS } from "./fixtures.js";

function captureIo(env: Record<string, string> = {}) {
  const out = { stdout: "", stderr: "" };
  const io: CliIo = { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t), env, cwd: process.cwd() };
  return { io, out };
}

/** A terminal that is not a TTY (as in a pipe), so no test falls into the interactive loop. */
function pipeTerminal() {
  const input = Object.assign(new EventEmitter(), { isTTY: false, resume: () => undefined, pause: () => undefined });
  const output = Object.assign(new EventEmitter(), { isTTY: false, write: () => true });
  return { input, output };
}

const deps = () => ({ terminal: pipeTerminal(), now: () => NOW_MS });

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("runDashboard", () => {
  it("behavior: --once prints one frame without colours and exits 0", async () => {
    api = await startTestApi();
    const { io, out } = captureIo();
    const code = await runDashboard(["--once", "--url", api.url], io, deps());
    expect(code).toBe(0);
    expect(out.stderr).toBe("");
    expect(out.stdout).not.toContain("\x1b");
    const lines = out.stdout.trimEnd().split("\n");
    expect(lines[0]).toContain("τemplar crusades");
    expect(lines[0]).toContain(api.url);
    for (const title of ["Stats", "Validator", "MFU history", "Leaderboard (top 10)", "Recent activity"]) expect(out.stdout).toContain(title);
    expect(out.stdout).toMatch(/\b1\s+1\s+10\s+52\.10%\s+3\s+1m ago/);
    expect(out.stdout).toMatch(/Uptime\s+1d 2h 3m/);
    expect(lines.at(-1)).toContain("updated 0s ago");
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(100);
  });

  it("args: the width of a printed frame comes from $COLUMNS", async () => {
    api = await startTestApi();
    const { io, out } = captureIo({ COLUMNS: "64" });
    await runDashboard(["--once", "--url", api.url], io, deps());
    const widths = out.stdout.trimEnd().split("\n").map((l) => [...l].length);
    expect(Math.max(...widths)).toBe(64);
  });

  it("behavior: a stdout that is not a terminal behaves like --once", async () => {
    api = await startTestApi();
    const { io, out } = captureIo();
    expect(await runDashboard(["--url", api.url], io, deps())).toBe(0);
    expect(out.stdout).toContain("Leaderboard (top 10)");
  });

  it("error: a failing endpoint still prints the frame, names the path on stderr and exits 1", async () => {
    api = await startTestApi();
    api.routes.set("/api/stats/validator", { status: 500, json: { detail: "boom" } });
    const { io, out } = captureIo();
    expect(await runDashboard(["--once", "--url", api.url], io, deps())).toBe(1);
    expect(out.stderr).toBe(`crusades dashboard: GET ${api.url}/api/stats/validator: HTTP 500: boom\n`);
    expect(out.stdout).toContain("Leaderboard (top 10)");
    expect(out.stdout.trimEnd().split("\n").at(-1)).toContain("⚠ GET");
  });

  it("behavior: --json prints the fetched data as one JSON object", async () => {
    api = await startTestApi();
    api.routes.set("/api/stats/recent", { raw: "not json" });
    const { io, out } = captureIo();
    expect(await runDashboard(["--json", "--url", api.url], io, deps())).toBe(1);
    const lines = out.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    const data = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(data.url).toBe(api.url);
    expect(data.fetched_at).toBe(new Date(NOW_MS).toISOString());
    expect((data.overview as { current_top_score: number }).current_top_score).toBe(52.1);
    expect((data.leaderboard as unknown[]).length).toBe(10);
    expect(data.recent).toBeNull();
    expect(data.errors).toEqual([expect.stringContaining("/api/stats/recent?limit=10")]);
  });

  it("args: --api-key (or $DASHBOARD_API_KEY) is sent as X-API-Key", async () => {
    api = await startTestApi({ requireKey: "k1" });
    const a = captureIo();
    expect(await runDashboard(["--once", "--url", api.url, "--api-key", "k1"], a.io, deps())).toBe(0);
    const b = captureIo({ DASHBOARD_API_KEY: "k1" });
    expect(await runDashboard(["--once", "--url", api.url], b.io, deps())).toBe(0);
    const c = captureIo();
    expect(await runDashboard(["--once", "--url", api.url], c.io, deps())).toBe(1);
    expect(c.out.stderr).toContain("HTTP 401");
  });

  it("args: the default URL is the API's default port 8080", () => {
    expect(DASHBOARD_HELP).toContain("http://localhost:8080");
  });

  it("args: --help prints the usage", async () => {
    const { io, out } = captureIo();
    expect(await runDashboard(["--help"], io, deps())).toBe(0);
    expect(out.stdout).toBe(DASHBOARD_HELP);
  });

  it("error: a bad --url or --refresh is a usage error; unknown flags are rejected", async () => {
    const { io } = captureIo();
    await expect(runDashboard(["--url", "ftp://x"], io, deps())).rejects.toThrow(UsageError);
    await expect(runDashboard(["--url", "not a url"], io, deps())).rejects.toThrow(/--url must be an http\(s\) URL/);
    await expect(runDashboard(["--refresh", "0"], io, deps())).rejects.toThrow(/--refresh must be an integer >= 1/);
    await expect(runDashboard(["--demo"], io, deps())).rejects.toMatchObject({ code: "ERR_PARSE_ARGS_UNKNOWN_OPTION" });
  });
});
