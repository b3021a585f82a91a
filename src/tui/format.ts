/**
 * Value formatting for the dashboard: every function takes a possibly missing value and returns
 * {@link DASH} for it, so a field the API left out never shows as `undefined`, `null` or `NaN`.
 * @module
 */
import { sanitize } from "./ansi.js";

/** What a missing value shows as. */
export const DASH = "—";

/**
 * Milliseconds since the epoch of an API timestamp. The reference stores naive UTC
 * (`2024-05-01 12:00:00`), so a timestamp without a zone is read as UTC.
 */
export function parseTimestamp(text: string | null | undefined): number | null {
  if (typeof text !== "string" || text.trim() === "") return null;
  const t = text.trim();
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(t) ? t : `${t.replace(" ", "T")}Z`;
  const ms = Date.parse(zoned);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * `"42s ago"`, `"5m ago"`, `"3h ago"`, `"2d ago"`; `"just now"` for a time up to a minute ahead
 * (clock skew); {@link DASH} when the timestamp is missing or unreadable.
 * @param nowMs the clock, injected so output is reproducible
 */
export function formatTimeAgo(timestamp: string | null | undefined, nowMs: number): string {
  const ms = parseTimestamp(timestamp);
  if (ms === null) return DASH;
  const seconds = Math.floor((nowMs - ms) / 1000);
  if (seconds < 0) return seconds >= -60 ? "just now" : "in the future";
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ago`;
  return `${Math.floor(hours / 24)}d ago`;
}

/** An MFU in percent: `"52.10%"`. */
export function formatMfu(mfu: number | null | undefined, digits = 2): string {
  return typeof mfu === "number" && Number.isFinite(mfu) ? `${mfu.toFixed(digits)}%` : DASH;
}

/** A fraction as a percent: `0.0125` → `"1.25%"`. */
export function formatFraction(value: number | null | undefined, digits = 2): string {
  return typeof value === "number" && Number.isFinite(value) ? `${(value * 100).toFixed(digits)}%` : DASH;
}

/** A count with thousands separators: `"1,234,567"`. */
export function formatCount(value: number | null | undefined): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return DASH;
  const sign = value < 0 ? "-" : "";
  return sign + Math.round(Math.abs(value)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A rate or a size with one decimal and a k/M/G suffix: `12345` → `"12.3k"`. */
export function formatCompact(value: number | null | undefined): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return DASH;
  const abs = Math.abs(value);
  for (const [limit, suffix] of [[1e9, "G"], [1e6, "M"], [1e3, "k"]] as const) {
    if (abs >= limit) return `${(value / limit).toFixed(1)}${suffix}`;
  }
  return value.toFixed(abs >= 100 || Number.isInteger(value) ? 0 : 1);
}

/** A duration in seconds: `"45.2s"`, `"3m 05s"`, `"1h 02m"`. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) return DASH;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m ${String(Math.floor(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

/** A signed percent change: `"+3.20%"`. */
export function formatChange(percent: number | null | undefined): string {
  if (typeof percent !== "number" || !Number.isFinite(percent)) return DASH;
  return `${percent >= 0 ? "+" : ""}${percent.toFixed(2)}%`;
}

/** Remote text, sanitised, or {@link DASH} when missing or empty. */
export function text(value: string | number | null | undefined): string {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : DASH;
  return typeof value === "string" && value !== "" ? sanitize(value) : DASH;
}

/** A long hotkey or hash as its head and tail: `"5Grwva…utQY"`; short values unchanged. */
export function shorten(value: string | null | undefined, head = 6, tail = 4): string {
  if (typeof value !== "string" || value === "") return DASH;
  const clean = sanitize(value);
  const chars = Array.from(clean);
  return chars.length <= head + tail + 1 ? clean : `${chars.slice(0, head).join("")}…${chars.slice(-tail).join("")}`;
}

/** A miner UID: `"12"`. */
export function formatUid(uid: number | null | undefined): string {
  return typeof uid === "number" && Number.isFinite(uid) ? String(uid) : DASH;
}
