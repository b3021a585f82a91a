/**
 * bin/crusades.ts routes every command: the top-level help lists each one and each answers
 * `--help` with its own usage and exit status 0; an unknown command is a usage error (2).
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const TSX = pathToFileURL(createRequire(join(ROOT, "package.json")).resolve("tsx")).href;
const run = (...args: string[]) => spawnSync(process.execPath, ["--import", TSX, join(ROOT, "bin", "crusades.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
const COMMANDS = ["check", "evaluate", "submit", "status", "validate", "dashboard", "compute"];

describe("crusades", () => {
  test("behavior: the help lists every command", () => {
    const r = run("--help");
    expect(r.status).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, "m"));
  });

  test.each(COMMANDS)("behavior: %s --help prints its usage", (c) => {
    const r = run(c, "--help");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Usage: crusades ${c}`));
  });

  test("error: an unknown command is a usage error", () => {
    const r = run("frobnicate");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/frobnicate/);
  });
});
