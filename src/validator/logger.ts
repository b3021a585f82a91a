/**
 * Structured logs: one line per event, as text for people or as JSON lines for collectors.
 * @module
 */

/** Severity, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** A structured logger: a message plus fields (ids, blocks, figures). */
export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /**
   * `json`: one JSON object per line (`time`, `level`, `msg`, then the fields; a field named
   * `time`, `level` or `msg` is written as `_time`, `_level`, `_msg`). @default "text"
   */
  readonly format?: "text" | "json";
  /** The lowest level written; lower ones are dropped. @default "info" */
  readonly level?: LogLevel;
  /** @default process.stderr */
  readonly write?: (line: string) => void;
  /** Clock (tests). */
  readonly now?: () => Date;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return value.message;
  return value;
}

const RESERVED = new Set(["time", "level", "msg"]);

const notSerialisable = (cause: unknown) => `fields not serialisable: ${cause instanceof Error ? cause.message : String(cause)}`;

// A field must not overwrite the line's own time, level or message (a collector trusts them).
function jsonLine(time: string, level: LogLevel, msg: string, fields: Readonly<Record<string, unknown>>): string {
  const rest = Object.fromEntries(Object.entries(fields).map(([k, v]) => [RESERVED.has(k) ? `_${k}` : k, v]));
  try {
    return JSON.stringify({ time, level, msg, ...rest }, jsonSafe);
  } catch (cause) {
    // A circular field: logging must never throw into the task that logs.
    return JSON.stringify({ time, level, msg, log_error: notSerialisable(cause) });
  }
}

/**
 * Creates a logger; times are UTC ISO 8601 (§J.5).
 * @example
 * import { createLogger } from "crusades/validator";
 * const log = createLogger({ format: "json", level: "debug" });
 * log.info("ingested", { source: "revealed", block: 1200 });
 * // {"time":"2026-11-22T06:09:09.763Z","level":"info","msg":"ingested","source":"revealed","block":1200}
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const { format = "text", level = "info", write = (line: string) => process.stderr.write(line + "\n"), now = () => new Date() } = options;
  const emit = (lvl: LogLevel) => (message: string, fields: Readonly<Record<string, unknown>> = {}) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const time = now().toISOString();
    if (format === "json") {
      write(jsonLine(time, lvl, message, fields));
      return;
    }
    let rest: string;
    try {
      rest = Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === "string" && !/\s/.test(v) ? v : JSON.stringify(v, jsonSafe)}`)
        .join(" ");
    } catch (cause) {
      rest = `log_error=${JSON.stringify(notSerialisable(cause))}`;
    }
    write(`${time} ${lvl.toUpperCase().padEnd(5)} ${message}${rest ? ` ${rest}` : ""}`);
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
