/**
 * The interactive loop (spec crusades.md §J.4): alternate screen, raw keys, hidden cursor, a
 * refresh every `refreshMs`, redraw on resize; the terminal is restored on quit, on SIGINT and
 * SIGTERM, on process exit and when a frame fails to render.
 * @module
 */
import { match } from "ts-pattern";
import type { DashboardClient } from "./client.js";
import { fetchDetail, fetchSnapshot } from "./fetch-snapshot.js";
import { parseKeys } from "./keys.js";
import { applyDetail, applySnapshot, clearDetail, createDashboardModel, type DashboardModel } from "./model.js";
import { renderDashboard } from "./render.js";
import { clampSelection, INITIAL_UI_STATE, reduceKey, type UiState } from "./state.js";

/** The keyboard side of a terminal (`process.stdin` fits). */
export interface TerminalInput {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  setEncoding?(encoding: "utf8"): unknown;
  on(event: "data" | "end", listener: (chunk?: string | Uint8Array) => void): unknown;
  off(event: "data" | "end", listener: (chunk?: string | Uint8Array) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/** The screen side of a terminal (`process.stdout` fits). */
export interface TerminalOutput {
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
  write(text: string): unknown;
  on(event: "resize", listener: () => void): unknown;
  off(event: "resize", listener: () => void): unknown;
}

/** Options of {@link runInteractiveDashboard}. */
export interface InteractiveDashboardOptions {
  readonly client: DashboardClient;
  readonly input: TerminalInput;
  readonly output: TerminalOutput;
  /**
   * Time between automatic refreshes.
   * @default 30000
   */
  readonly refreshMs?: number;
  /** @default true */
  readonly colors?: boolean;
  /** @default Date.now */
  readonly now?: () => number;
  /**
   * Restore the terminal and stop on SIGINT and SIGTERM (off in tests that share the process).
   * @default true
   */
  readonly handleSignals?: boolean;
}

/** Escape sequences of the screen modes the loop enters and leaves. */
export const TERMINAL_MODES = {
  enterAltScreen: "\x1b[?1049h",
  leaveAltScreen: "\x1b[?1049l",
  hideCursor: "\x1b[?25l",
  showCursor: "\x1b[?25h",
  clear: "\x1b[2J",
} as const;

/** A whole frame as one write: each line placed by cursor position (no wrap surprises), then the rest of the screen cleared. */
export function frameSequence(lines: readonly string[]): string {
  return `${lines.map((line, i) => `\x1b[${i + 1};1H${line}\x1b[K`).join("")}\x1b[${lines.length + 1};1H\x1b[J`;
}

/**
 * Runs the dashboard until `q`, Ctrl-C, SIGINT or SIGTERM; resolves once the terminal is restored,
 * rejects (terminal restored too) if a frame cannot be rendered.
 * @example
 * import { createDashboardClient, runInteractiveDashboard } from "crusades/tui"
 * await runInteractiveDashboard({ client: createDashboardClient(), input: process.stdin, output: process.stdout })
 */
export function runInteractiveDashboard(options: InteractiveDashboardOptions): Promise<void> {
  const { client, input, output, refreshMs = 30_000, colors = true, now = Date.now, handleSignals = true } = options;
  return new Promise<void>((resolve, reject) => {
    let model: DashboardModel = createDashboardModel(client.displayUrl);
    let ui: UiState = INITIAL_UI_STATE;
    let finished = false;
    let mainInFlight = false;

    const restore = () => {
      input.setRawMode?.(false);
      input.pause();
      output.write(TERMINAL_MODES.showCursor + TERMINAL_MODES.leaveAltScreen);
    };
    const draw = () => {
      if (finished) return;
      try {
        const lines = renderDashboard(model, ui, { width: output.columns ?? 80, height: output.rows ?? 24, colors, nowMs: now() });
        output.write(frameSequence(lines));
      } catch (error) {
        finish(error);
      }
    };
    const refreshMain = async () => {
      if (mainInFlight || finished) return;
      mainInFlight = true;
      model = { ...model, loading: true };
      draw();
      const update = await fetchSnapshot(client);
      mainInFlight = false;
      if (finished) return;
      model = { ...applySnapshot(model, update, now()), loading: false };
      ui = clampSelection(ui, model);
      draw();
    };
    const loadDetail = async (id: string) => {
      const update = await fetchDetail(client, id);
      // The user may have gone back or opened another submission meanwhile.
      if (finished || ui.detailId !== id) return;
      model = applyDetail(model, update);
      ui = clampSelection(ui, model);
      draw();
    };
    const refreshAll = () => {
      void refreshMain();
      if (ui.view === "detail" && ui.detailId !== null) void loadDetail(ui.detailId);
    };
    const onData = (chunk?: string | Uint8Array) => {
      if (chunk === undefined) return;
      const textChunk = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      for (const key of parseKeys(textChunk)) {
        if (finished) return;
        const [next, effect] = reduceKey(ui, key, model);
        ui = next;
        match(effect)
          .with({ type: "quit" }, () => finish())
          .with({ type: "refresh" }, () => refreshAll())
          .with({ type: "open" }, ({ submissionId }) => {
            if (model.detail?.submissionId !== submissionId) model = clearDetail(model);
            void loadDetail(submissionId);
          })
          .with({ type: "back" }, () => {
            model = clearDetail(model);
          })
          .with({ type: "none" }, () => undefined)
          .exhaustive();
      }
      draw();
    };
    const onEnd = () => finish();
    const onSignal = () => finish();
    const onExit = () => {
      if (!finished) restore();
    };
    const timer = setInterval(refreshAll, Math.max(1000, refreshMs));

    function finish(error?: unknown) {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      input.off("data", onData);
      input.off("end", onEnd);
      output.off("resize", draw);
      if (handleSignals) {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
      process.off("exit", onExit);
      restore();
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    }

    if (handleSignals) {
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
    }
    process.on("exit", onExit);
    output.write(TERMINAL_MODES.enterAltScreen + TERMINAL_MODES.hideCursor + TERMINAL_MODES.clear);
    input.setRawMode?.(true);
    input.setEncoding?.("utf8");
    input.on("data", onData);
    input.on("end", onEnd);
    input.resume();
    output.on("resize", draw);
    void refreshMain();
  });
}
