/**
 * `crusades check` as a child process (scanner.md §2.3, §14, §15.6): the human and JSON output
 * formats, the exit codes 0 / 1 / 2, the --gpus default from the hparams file, and --version.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScanReport, type Scanner, createScanner } from "../../src/scanner/index.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = join(ROOT, "bin", "crusades.ts");
// Resolved to a URL so the CLI can also run with a working directory outside the repository.
const TSX = pathToFileURL(createRequire(join(ROOT, "package.json")).resolve("tsx")).href;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node --import tsx bin/crusades.ts ...args`; `CRUSADES_HPARAMS_PATH` is unset unless given. */
function crusades(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (options.env?.CRUSADES_HPARAMS_PATH === undefined) delete env.CRUSADES_HPARAMS_PATH;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, BIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const TAIL = 'def inner_steps(model, data_iterator, optimizer, num_steps, device, num_gpus=1):\n    return None\n\n\n';
const SOURCES = {
  ddp: `import torch\n\n\n${TAIL}def get_strategy():\n    return "ddp"\n`,
  tp: `import torch\n\n\n${TAIL}def get_strategy():\n    return "tp"\n`,
  none: `import torch\n\n\n${TAIL}`,
  bad: `import os\nx = eval("1")\n\n\n${TAIL}def get_strategy():\n    return "ddp"\n`,
  mismatch: `${TAIL}def get_strategy():\n    return {"dp_size": 2, "tp_size": 1}\n`,
  syntax: `def f(:\n    pass\n\n\n${TAIL}`,
} as const;

let dir: string;
let scanner: Scanner;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "crusades-check-"));
  for (const [name, text] of Object.entries(SOURCES)) writeFileSync(file(`${name}.py`), text);
  writeFileSync(file("not_utf8.py"), Buffer.concat([Buffer.from("# caf"), Buffer.from([0xc3, 0x28]), Buffer.from(`\n${SOURCES.ddp}`)]));
  writeFileSync(file("bom.py"), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SOURCES.ddp)]));
  mkdirSync(file("a_directory"));
  const created = await createScanner();
  if (created.isErr()) throw new Error("cannot load the scanner");
  scanner = created.value;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const scanFile = (name: string, gpus: number): ScanReport => scanner.scan(readFileSync(file(name)), { gpus });

/** Writes a copy of the repository's hparams.json with docker.num_gpus replaced. */
function hparamsWithGpus(path: string, gpus: number): void {
  const hparams = JSON.parse(readFileSync(join(ROOT, "hparams", "hparams.json"), "utf8")) as { docker: { num_gpus: number } };
  hparams.docker.num_gpus = gpus;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(hparams, null, 2));
}

describe.concurrent("crusades CLI", () => {
  describe.concurrent("crusades check: human output", () => {
    it("behavior: an accepted file prints only the verdict line, exit 0", async () => {
      const run = await crusades(["check", file("ddp.py"), "--gpus", "4"]);
      expect(run.stdout).toBe(`${file("ddp.py")}: accepted (dp_size=4, tp_size=1)\n`);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
    });

    it("behavior: a rejected file prints <file>:<line>:<col>: <rule>: <message> lines and the verdict, exit 1", async () => {
      const run = await crusades(["check", file("bad.py"), "--gpus", "4"]);
      const report = scanFile("bad.py", 4);
      expect(report.violations.length).toBeGreaterThan(1);
      const expected = [
        ...report.violations.map((v) => `${file("bad.py")}:${v.line}:${v.col}: ${v.rule}: ${v.message}`),
        `${file("bad.py")}: rejected: ${report.violations.length} violation(s)`,
      ];
      expect(run.stdout).toBe(`${expected.join("\n")}\n`);
      expect(run.stdout).toMatch(/^\S+:1:8: import\.forbidden: .*'os'.*$/m);
      expect(run.code).toBe(1);
    });

    it("behavior: the file is named as given on the command line (relative to the working directory)", async () => {
      const run = await crusades(["check", "tp.py", "--gpus", "2"], { cwd: dir });
      expect(run.stdout).toBe("tp.py: accepted (dp_size=1, tp_size=2)\n");
      expect(run.code).toBe(0);
    });

    it("behavior: several files, one verdict each; exit 1 when any is rejected", async () => {
      const run = await crusades(["check", "ddp.py", "mismatch.py", "--gpus", "4"], { cwd: dir });
      const lines = run.stdout.trimEnd().split("\n");
      expect(lines[0]).toBe("ddp.py: accepted (dp_size=4, tp_size=1)");
      expect(lines).toContain("mismatch.py:6:12: strategy.topology_mismatch: dp_size(2) * tp_size(1) = 2 != num_gpus(4)");
      expect(lines.at(-1)).toBe("mismatch.py: rejected: 1 violation(s)");
      expect(run.code).toBe(1);
    });

    it("behavior: a file that is not UTF-8 is rejected (exit 1), not a usage error", async () => {
      const run = await crusades(["check", "not_utf8.py", "--gpus", "4"], { cwd: dir });
      expect(run.stdout).toBe("not_utf8.py:1:6: input.not_utf8: " + scanFile("not_utf8.py", 4).violations[0]!.message + "\nnot_utf8.py: rejected: 1 violation(s)\n");
      expect(run.code).toBe(1);
    });

    it("behavior: a syntax error is rejected, exit 1", async () => {
      const run = await crusades(["check", "syntax.py", "--gpus", "1"], { cwd: dir });
      expect(run.stdout).toMatch(/^syntax\.py:1:\d+: syntax\.error: /);
      expect(run.stdout).toMatch(/syntax\.py: rejected: \d+ violation\(s\)\n$/);
      expect(run.code).toBe(1);
    });

    it("behavior: the bytes are read raw (a BOM is reported, not stripped)", async () => {
      const run = await crusades(["check", "bom.py", "--gpus", "4"], { cwd: dir });
      expect(run.stdout).toBe("bom.py:1:1: input.bom: " + scanFile("bom.py", 4).violations[0]!.message + "\nbom.py: rejected: 1 violation(s)\n");
      expect(run.code).toBe(1);
    });
  });

  describe.concurrent("crusades check --json", () => {
    function parseLines(stdout: string): Record<string, unknown>[] {
      expect(stdout.endsWith("\n")).toBe(true);
      return stdout
        .slice(0, -1)
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    }

    it("behavior: one object per file per line with exactly file, ok, violations, strategy in that order", async () => {
      const run = await crusades(["check", "--json", "bad.py", "ddp.py", "--gpus", "4"], { cwd: dir });
      const [bad, ddp] = parseLines(run.stdout);
      expect(Object.keys(bad!)).toEqual(["file", "ok", "violations", "strategy"]);
      expect(Object.keys(ddp!)).toEqual(["file", "ok", "violations", "strategy"]);
      expect(bad!.file).toBe("bad.py");
      expect(bad!.ok).toBe(false);
      const violations = bad!.violations as Record<string, unknown>[];
      expect(violations.length).toBeGreaterThan(1);
      for (const v of violations) expect(Object.keys(v)).toEqual(["rule", "line", "col", "message"]);
      expect(violations).toEqual(scanFile("bad.py", 4).violations.map((v) => ({ rule: v.rule, line: v.line, col: v.col, message: v.message })));
      expect(violations[0]).toMatchObject({ rule: "import.forbidden", line: 1, col: 8 });
      expect(bad!.strategy).toEqual({ dp_size: 4, tp_size: 1 });
      expect(Object.keys(bad!.strategy as object)).toEqual(["dp_size", "tp_size"]);
      expect(ddp).toEqual({ file: "ddp.py", ok: true, violations: [], strategy: { dp_size: 4, tp_size: 1 } });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(1);
    });

    it("behavior: an accepted file, exit 0", async () => {
      const run = await crusades(["check", "tp.py", "--json", "--gpus", "8"], { cwd: dir });
      expect(parseLines(run.stdout)).toEqual([{ file: "tp.py", ok: true, violations: [], strategy: { dp_size: 1, tp_size: 8 } }]);
      expect(run.code).toBe(0);
    });

    it("behavior: strategy is (1, 1) with one GPU and no literal", async () => {
      const run = await crusades(["check", "none.py", "--json", "--gpus", "1"], { cwd: dir });
      expect(parseLines(run.stdout)).toEqual([{ file: "none.py", ok: true, violations: [], strategy: { dp_size: 1, tp_size: 1 } }]);
      expect(run.code).toBe(0);
    });

    it("behavior: strategy is null with several GPUs and no literal", async () => {
      const run = await crusades(["check", "none.py", "--json", "--gpus", "2"], { cwd: dir });
      const [result] = parseLines(run.stdout);
      expect(result!.strategy).toBeNull();
      expect(result!.violations).toEqual([expect.objectContaining({ rule: "strategy.missing", line: 0, col: 0 })]);
      expect(run.code).toBe(1);
    });

    it("behavior: strategy holds the literal's values on a topology mismatch", async () => {
      const run = await crusades(["check", "mismatch.py", "--json", "--gpus", "4"], { cwd: dir });
      const [result] = parseLines(run.stdout);
      expect(result!.strategy).toEqual({ dp_size: 2, tp_size: 1 });
      expect(run.code).toBe(1);
    });

    it("behavior: strategy is null when a stop rule ended the scan (bad encoding)", async () => {
      const run = await crusades(["check", "not_utf8.py", "--json", "--gpus", "4"], { cwd: dir });
      const [result] = parseLines(run.stdout);
      expect(result).toMatchObject({ file: "not_utf8.py", ok: false, strategy: null });
      expect((result!.violations as { rule: string }[]).map((v) => v.rule)).toEqual(["input.not_utf8"]);
      expect(run.code).toBe(1);
    });

    it("behavior: strategy is null when a stop rule ended the scan (syntax error)", async () => {
      const run = await crusades(["check", "syntax.py", "--json", "--gpus", "4"], { cwd: dir });
      const [result] = parseLines(run.stdout);
      expect(result).toMatchObject({ ok: false, strategy: null });
      expect(run.code).toBe(1);
    });
  });

  describe.concurrent("crusades check: usage and I/O errors exit 2 with nothing on stdout and one line on stderr", () => {
    const cases: readonly (readonly [string, readonly string[]])[] = [
      ["an unknown flag", ["check", "ddp.py", "--bogus"]],
      ["--gpus without a value", ["check", "ddp.py", "--gpus"]],
      ["--gpus not an integer", ["check", "ddp.py", "--gpus", "four"]],
      ["--gpus 1.5", ["check", "ddp.py", "--gpus", "1.5"]],
      ["--gpus 0", ["check", "ddp.py", "--gpus", "0"]],
      ["--gpus 0 with --json", ["check", "ddp.py", "--json", "--gpus", "0"]],
      ["--gpus -2", ["check", "ddp.py", "--gpus=-2"]],
      ["--gpus empty", ["check", "ddp.py", "--gpus="]],
      ["no file", ["check", "--gpus", "4"]],
      ["a missing file", ["check", "does_not_exist.py", "--gpus", "4"]],
      ["a missing file after an existing one (nothing is printed for the first)", ["check", "ddp.py", "does_not_exist.py", "--json", "--gpus", "4"]],
      ["a directory", ["check", "a_directory", "--gpus", "4"]],
    ];
    it.each(cases)("error: %s", async (_label, args) => {
      const run = await crusades(args, { cwd: dir });
      expect(run.stdout).toBe("");
      expect(run.stderr.endsWith("\n"), JSON.stringify(run.stderr)).toBe(true);
      expect(run.stderr.slice(0, -1).split("\n"), JSON.stringify(run.stderr)).toHaveLength(1);
      expect(run.stderr.trim().length).toBeGreaterThan(0);
      expect(run.code).toBe(2);
    });
  });

  describe.concurrent("crusades check: the --gpus default", () => {
    it("behavior: docker.num_gpus from $CRUSADES_HPARAMS_PATH", async () => {
      const path = join(dir, "custom", "hp.json");
      hparamsWithGpus(path, 2);
      const run = await crusades(["check", "tp.py", "--json"], { cwd: dir, env: { CRUSADES_HPARAMS_PATH: path } });
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, strategy: { dp_size: 1, tp_size: 2 } });
      expect(run.code).toBe(0);
    });

    it("behavior: docker.num_gpus from ./hparams/hparams.json in the working directory", async () => {
      const cwd = mkdtempSync(join(tmpdir(), "crusades-check-cwd-"));
      try {
        hparamsWithGpus(join(cwd, "hparams", "hparams.json"), 8);
        writeFileSync(join(cwd, "train.py"), SOURCES.tp);
        const run = await crusades(["check", "train.py"], { cwd });
        expect(run.stdout).toBe("train.py: accepted (dp_size=1, tp_size=8)\n");
        expect(run.code).toBe(0);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });

    it("behavior: 4 when no hparams file exists (empty working directory, variable unset)", async () => {
      const cwd = mkdtempSync(join(tmpdir(), "crusades-check-empty-"));
      try {
        const run = await crusades(["check", file("tp.py"), "--json"], { cwd });
        expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, strategy: { dp_size: 1, tp_size: 4 } });
        expect(run.code).toBe(0);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });

    it("behavior: --gpus overrides the hparams file", async () => {
      const path = join(dir, "override", "hp.json");
      hparamsWithGpus(path, 2);
      const run = await crusades(["check", "tp.py", "--gpus", "3"], { cwd: dir, env: { CRUSADES_HPARAMS_PATH: path } });
      expect(run.stdout).toBe("tp.py: accepted (dp_size=1, tp_size=3)\n");
    });
  });

  describe.concurrent("crusades --version", () => {
    it("behavior: prints the scanner's rule-set hash", async () => {
      const run = await crusades(["--version"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(scanner.rulesHash);
      expect(scanner.rulesHash).toMatch(/^[0-9a-f]{64}$/);
      expect(run.stderr).toBe("");
    });
  });
});
