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
  /** `json`: one JSON object per line (`time`, `level`, `msg`, then the fields). @default "text" */
  readonly format?: "text" | "json";
  /** @default "info" */
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

/** Creates a logger; times are UTC ISO 8601 (§J.5). */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const { format = "text", level = "info", write = (line: string) => process.stderr.write(line + "\n"), now = () => new Date() } = options;
  const emit = (lvl: LogLevel) => (message: string, fields: Readonly<Record<string, unknown>> = {}) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const time = now().toISOString();
    if (format === "json") {
      write(JSON.stringify({ time, level: lvl, msg: message, ...fields }, jsonSafe));
      return;
    }
    const rest = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === "string" && !/\s/.test(v) ? v : JSON.stringify(v, jsonSafe)}`)
      .join(" ");
    write(`${time} ${lvl.toUpperCase().padEnd(5)} ${message}${rest ? ` ${rest}` : ""}`);
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
