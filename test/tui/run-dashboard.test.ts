/**
 * The interactive loop on a fake terminal against a real HTTP server: the screen modes entered and
 * restored, keys driving the detail view, resize, auto refresh, SIGTERM.
 */
import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { createDashboardClient, frameSequence, runInteractiveDashboard, stripAnsi, TERMINAL_MODES } from "../../src/tui/index.js";
import { startTestApi, type TestApi } from "./api-server.js";
import { NOW_MS } from "./fixtures.js";

class FakeInput extends EventEmitter {
  readonly isTTY = true;
  readonly rawModes: boolean[] = [];
  paused = true;
  setRawMode(mode: boolean) {
    this.rawModes.push(mode);
  }
  setEncoding() {}
  resume() {
    this.paused = false;
  }
  pause() {
    this.paused = true;
  }
  type(text: string) {
    this.emit("data", text);
  }
}

class FakeOutput extends EventEmitter {
  readonly isTTY = true;
  columns = 120;
  rows = 60;
  written = "";
  write(text: string) {
    this.written += text;
    return true;
  }
  /** The text of the latest full frame, escape codes removed. */
  lastFrame(): string {
    const frames = this.written.split("\x1b[1;1H");
    return stripAnsi(frames.at(-1) ?? "");
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("runInteractiveDashboard", () => {
  it("behavior: alternate screen, raw mode, hidden cursor; keys open a submission; q restores the terminal", async () => {
    api = await startTestApi();
    const input = new FakeInput();
    const output = new FakeOutput();
    const done = runInteractiveDashboard({ client: createDashboardClient({ baseUrl: api.url }), input, output, handleSignals: false, now: () => NOW_MS });
    expect(output.written.startsWith(TERMINAL_MODES.enterAltScreen + TERMINAL_MODES.hideCursor)).toBe(true);
    expect(input.rawModes).toEqual([true]);
    expect(input.paused).toBe(false);
    await until(() => output.lastFrame().includes("52.10%") && output.lastFrame().includes("updated"), "the first data");

    // Rank 2 is not served: the 404 goes to the status bar.
    input.type("2");
    await until(() => output.lastFrame().includes("/api/submissions/v1_commit_1001_11: HTTP 404"), "the 404 in the status bar");
    input.type("\x1b");
    await until(() => !output.lastFrame().includes("HTTP 404") && output.lastFrame().includes("Recent activity"), "the main screen");

    input.type("1");
    await until(() => output.lastFrame().includes("Evaluations · score 51.25% (median_low)"), "the detail view");
    expect(api.requests.map((r) => r.url)).toContain("/api/submissions/v1_commit_1000_10/evaluations");
    expect(output.lastFrame()).toContain("1 │ import torch");

    input.type("j");
    await until(() => output.lastFrame().includes("lines 4–23 of 49"), "the code to scroll");
    input.type("b");
    await until(() => output.lastFrame().includes("Recent activity"), "the main screen");

    input.type("q");
    await done;
    expect(input.rawModes).toEqual([true, false]);
    expect(input.paused).toBe(true);
    expect(output.written.endsWith(TERMINAL_MODES.showCursor + TERMINAL_MODES.leaveAltScreen)).toBe(true);
    expect(input.listenerCount("data")).toBe(0);
    expect(output.listenerCount("resize")).toBe(0);
  });

  it("behavior: a resize redraws at the new size", async () => {
    api = await startTestApi();
    const input = new FakeInput();
    const output = new FakeOutput();
    const done = runInteractiveDashboard({ client: createDashboardClient({ baseUrl: api.url }), input, output, handleSignals: false, now: () => NOW_MS });
    await until(() => output.lastFrame().includes("52.10%"), "the first data");
    output.columns = 50;
    output.rows = 20;
    output.emit("resize");
    const lines = output.written.split("\x1b[1;1H").at(-1)!.split(/\x1b\[\d+;1H/);
    expect(lines.length).toBeLessThanOrEqual(21);
    for (const line of lines) expect([...stripAnsi(line.replace(/\x1b\[K|\x1b\[J/g, ""))].length).toBeLessThanOrEqual(50);
    input.type("\x03");
    await done;
  });

  it("behavior: refreshes every refreshMs; a failing endpoint shows in the status bar and the old data stays", async () => {
    api = await startTestApi();
    const input = new FakeInput();
    const output = new FakeOutput();
    const done = runInteractiveDashboard({ client: createDashboardClient({ baseUrl: api.url }), input, output, handleSignals: false, refreshMs: 1000, now: () => NOW_MS });
    await until(() => output.lastFrame().includes("52.10%"), "the first data");
    api.routes.set("/leaderboard", { status: 503, json: { detail: "down" } });
    await until(() => output.lastFrame().includes("HTTP 503"), "the automatic refresh", 4000);
    expect(output.lastFrame()).toMatch(/1\s+1\s+10\s+52\.10%/);
    expect(api.requests.filter((r) => r.url.startsWith("/leaderboard")).length).toBeGreaterThanOrEqual(2);
    input.type("q");
    await done;
  });

  it("behavior: SIGTERM restores the terminal and removes the handlers", async () => {
    api = await startTestApi();
    const input = new FakeInput();
    const output = new FakeOutput();
    const before = { int: process.listenerCount("SIGINT"), term: process.listenerCount("SIGTERM") };
    const done = runInteractiveDashboard({ client: createDashboardClient({ baseUrl: api.url }), input, output, now: () => NOW_MS });
    expect(process.listenerCount("SIGTERM")).toBe(before.term + 1);
    process.emit("SIGTERM");
    await done;
    expect(output.written.endsWith(TERMINAL_MODES.showCursor + TERMINAL_MODES.leaveAltScreen)).toBe(true);
    expect({ int: process.listenerCount("SIGINT"), term: process.listenerCount("SIGTERM") }).toEqual(before);
  });

  it("behavior: frameSequence places each line and clears the rest of the screen", () => {
    expect(frameSequence(["a", "b"])).toBe("\x1b[1;1Ha\x1b[K\x1b[2;1Hb\x1b[K\x1b[3;1H\x1b[J");
  });
});
