/**
 * What every render function shares: the options (size, colours, clock) and the colours that carry
 * meaning (submission statuses, leaderboard ranks 1 to 3).
 * @module
 */
import type { Style } from "./ansi.js";

/** Size and environment of one frame. */
export interface RenderOptions {
  /** Columns; no line is wider. */
  readonly width: number;
  /** Rows; `Infinity` for the natural height (`--once`). */
  readonly height: number;
  /** ANSI colours on or off. */
  readonly colors: boolean;
  /** The clock for "time ago" (ms since the epoch). */
  readonly nowMs: number;
  /**
   * Interactive frame: selection marker and key hints. Off for `--once`.
   * @default true
   */
  readonly interactive?: boolean;
}

/** A submission status in the colour of its outcome (either vocabulary of §C.10). */
export function paintStatus(status: string, style: Style): string {
  if (status === "finished") return style.green(status);
  if (status.startsWith("failed") || status === "error") return style.red(status);
  if (status === "duplicate") return style.gray(status);
  if (["queued", "pending", "downloading", "scanning", "validating", "evaluating", "running"].includes(status)) return style.yellow(status);
  return status;
}

/** The paint of a leaderboard rank: gold, silver, bronze for 1 to 3, `undefined` otherwise. */
export function rankPaint(rank: number | null, style: Style): ((text: string) => string) | undefined {
  if (rank === 1) return style.gold;
  if (rank === 2) return style.silver;
  if (rank === 3) return style.bronze;
  return undefined;
}

/** The title line of every view: `τemplar crusades` and, on the right, `right`. */
export function renderHeader(right: string, width: number, style: Style): string {
  const title = " τemplar crusades";
  return `${style.bold(style.cyan(title))}${rightAligned(right, width - 17, style)}`;
}

function rightAligned(text: string, width: number, style: Style): string {
  if (width <= 2) return " ".repeat(Math.max(0, width));
  const chars = Array.from(text);
  const room = width - 2;
  const shown = chars.length > room ? `…${chars.slice(chars.length - room + 1).join("")}` : text;
  return " ".repeat(width - 1 - Array.from(shown).length) + style.gray(shown) + " ";
}
