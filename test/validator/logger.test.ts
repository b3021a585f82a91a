/**
 * The validator's structured logs (§J.5): the JSON-lines format (one object per line with `time`,
 * `level`, `msg`, then the fields), the text format, level filtering, and `crusades validate
 * --log-level`.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { runValidate, VALIDATE_HELP } from "../../src/cli/validate.js";
import { createLogger, type LogLevel } from "../../src/validator/index.js";

const NOW = new Date("2026-11-22T06:09:09.763Z");

function capture(options: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = [];
  const log = createLogger({ now: () => NOW, ...options, write: (line) => lines.push(line) });
  return { log, lines };
}

describe("createLogger, json format", () => {
  test("behavior: one JSON object per line: time (UTC ISO 8601), level, msg, then the fields in order", () => {
    const { log, lines } = capture({ format: "json" });
    log.info("submission done", { submissionId: "v19_commit_200_2", status: "finished", finalScore: 61.5, runs: [1, 2], detail: { block: 210 } });
    log.warn("ingestion cycle failed; the cursor stays", { error: "line one\nline two" });
    log.error("no fields");
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toContain("\n");
    const objects = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(objects[0]!)).toEqual(["time", "level", "msg", "submissionId", "status", "finalScore", "runs", "detail"]);
    expect(objects[0]).toEqual({ time: "2026-11-22T06:09:09.763Z", level: "info", msg: "submission done", submissionId: "v19_commit_200_2", status: "finished", finalScore: 61.5, runs: [1, 2], detail: { block: 210 } });
    expect(objects[1]).toEqual({ time: "2026-11-22T06:09:09.763Z", level: "warn", msg: "ingestion cycle failed; the cursor stays", error: "line one\nline two" });
    expect(objects[2]).toEqual({ time: "2026-11-22T06:09:09.763Z", level: "error", msg: "no fields" });
  });

  test("behavior: bigints become strings and errors their message", () => {
    const { log, lines } = capture({ format: "json" });
    log.info("fee", { amountRao: 50_000_000_000_000_000_000n, cause: new Error("rpc timeout") });
    expect(JSON.parse(lines[0]!)).toMatchObject({ amountRao: "50000000000000000000", cause: "rpc timeout" });
  });

  test("behavior: a field named time, level or msg does not overwrite the line's own; it is kept with a leading underscore", () => {
    const { log, lines } = capture({ format: "json" });
    log.info("real message", { level: "error", msg: "forged", time: "1970-01-01T00:00:00.000Z", other: 1 });
    expect(JSON.parse(lines[0]!)).toEqual({ time: "2026-11-22T06:09:09.763Z", level: "info", msg: "real message", _level: "error", _msg: "forged", _time: "1970-01-01T00:00:00.000Z", other: 1 });
  });

  test("behavior: fields that cannot be serialised still give one line, and logging does not throw", () => {
    const circular: Record<string, unknown> = {};
    circular["self"] = circular;
    for (const format of ["json", "text"] as const) {
      const { log, lines } = capture({ format });
      expect(() => log.warn("odd fields", { circular })).not.toThrow();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("odd fields");
      expect(lines[0]).toMatch(/fields not serialisable/);
    }
    const { log, lines } = capture({ format: "json" });
    log.warn("odd fields", { circular });
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "warn", msg: "odd fields", log_error: expect.stringMatching(/^fields not serialisable: /) });
  });
});

describe("createLogger, text format and levels", () => {
  test("behavior: text lines are time, padded level, message, then key=value fields", () => {
    const { log, lines } = capture();
    log.warn("re-queued interrupted submissions", { submissions: ["a", "b"], source: "revealed", note: "two words" });
    expect(lines).toEqual(['2026-11-22T06:09:09.763Z WARN  re-queued interrupted submissions submissions=["a","b"] source=revealed note="two words"']);
  });

  test.each([
    ["debug", ["debug", "info", "warn", "error"]],
    ["info", ["info", "warn", "error"]],
    ["warn", ["warn", "error"]],
    ["error", ["error"]],
  ] as const)("behavior: level %s writes %j", (level: LogLevel, written) => {
    const { log, lines } = capture({ format: "json", level });
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(lines.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(written);
  });

  test("behavior: the default level is info", () => {
    const { log, lines } = capture({ format: "json" });
    log.debug("hidden");
    log.info("shown");
    expect(lines).toHaveLength(1);
  });
});

describe("crusades validate --log-level", () => {
  test("behavior: --help lists the option and its levels", () => {
    expect(VALIDATE_HELP).toMatch(/--log-level L\s+debug \| info \(default\) \| warn \| error/);
  });

  test("error: an unknown level is refused before the store is created", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crusades-log-level-"));
    try {
      const io = { stdout: () => {}, stderr: () => {}, env: {}, cwd: dir };
      await expect(runValidate(["--log-level", "verbose", "--db", "v.db"], io)).rejects.toThrow("--log-level must be debug, info, warn or error, got 'verbose'");
      await expect(runValidate(["--log-level", "INFO", "--db", "v.db"], io)).rejects.toThrow("--log-level must be debug, info, warn or error, got 'INFO'");
      expect(existsSync(path.join(dir, "v.db"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
