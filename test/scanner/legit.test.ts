/**
 * Realistic trainers must be accepted (scanner.md §15.3): every `test/fixtures/scanner/legit/*.py`
 * (first line `# expect: dp_size=D tp_size=T gpus=N`) and every `local_test/<name>/train.py`.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { Scanner } from "../../src/scanner/index.js";
import { describeViolations, loadScanner } from "./helpers.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const LEGIT_DIR = join(ROOT, "test", "fixtures", "scanner", "legit");
const LOCAL_TEST_DIR = join(ROOT, "local_test");

interface Expectation {
  readonly dp_size: number;
  readonly tp_size: number;
  readonly gpus: number;
}

const EXPECT_LINE = /^#\s*expect:\s*dp_size=(\d+)\s+tp_size=(\d+)\s+gpus=(\d+)\s*$/;

/** The `# expect:` line among the first lines of a file, or null. */
function expectationOf(text: string, firstLineOnly: boolean): Expectation | null {
  const lines = text.split(/\r?\n/).slice(0, firstLineOnly ? 1 : 5);
  for (const line of lines) {
    const match = EXPECT_LINE.exec(line);
    if (match !== null) return { dp_size: Number(match[1]), tp_size: Number(match[2]), gpus: Number(match[3]) };
  }
  return null;
}

/** The examples shipped in local_test/, with the topology each documents. */
const LOCAL_TEST_EXPECTATIONS: Readonly<Record<string, Expectation>> = {
  single_gpu: { dp_size: 1, tp_size: 1, gpus: 1 },
  ddp: { dp_size: 4, tp_size: 1, gpus: 4 },
  fsdp: { dp_size: 4, tp_size: 1, gpus: 4 },
  tensor_parallel: { dp_size: 1, tp_size: 4, gpus: 4 },
  fsdp_tp: { dp_size: 2, tp_size: 2, gpus: 4 },
};

const legitFiles = existsSync(LEGIT_DIR)
  ? readdirSync(LEGIT_DIR)
      .filter((name) => name.endsWith(".py"))
      .sort()
  : [];

const localTests = existsSync(LOCAL_TEST_DIR)
  ? readdirSync(LOCAL_TEST_DIR, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(LOCAL_TEST_DIR, entry.name, "train.py")))
      .map((entry) => entry.name)
      .sort()
  : [];

let scanner: Scanner;
beforeAll(async () => {
  scanner = await loadScanner();
});

function expectAcceptedWith(path: string, expectation: Expectation): void {
  const bytes = readFileSync(path);
  const report = scanner.scan(bytes, { gpus: expectation.gpus });
  expect(report.violations, `${relative(ROOT, path)} must be accepted; got:\n${describeViolations(report)}`).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.strategy).toEqual({ dp_size: expectation.dp_size, tp_size: expectation.tp_size });
  expect(report.facts).not.toBeNull();
}

describe("test/fixtures/scanner/legit", () => {
  it("behavior: the fixture directory holds at least one trainer", () => {
    expect(legitFiles.length, `no fixture found: expected *.py files in ${relative(ROOT, LEGIT_DIR)}`).toBeGreaterThan(0);
  });

  it.each(legitFiles)("accepts: %s with its declared strategy", (name) => {
    const path = join(LEGIT_DIR, name);
    const expectation = expectationOf(readFileSync(path, "utf8"), true);
    expect(expectation, `${name}: the first line must be '# expect: dp_size=D tp_size=T gpus=N'`).not.toBeNull();
    expectAcceptedWith(path, expectation!);
  });
});

describe("local_test/*/train.py", () => {
  it("behavior: the local_test directory holds at least one example", () => {
    expect(localTests.length, `no fixture found: expected local_test/<name>/train.py under ${LOCAL_TEST_DIR}`).toBeGreaterThan(0);
  });

  it.each(localTests)("accepts: local_test/%s/train.py with its documented strategy", (name) => {
    const path = join(LOCAL_TEST_DIR, name, "train.py");
    const expectation = expectationOf(readFileSync(path, "utf8"), false) ?? LOCAL_TEST_EXPECTATIONS[name] ?? null;
    expect(expectation, `local_test/${name}: add an '# expect:' line or an entry in LOCAL_TEST_EXPECTATIONS`).not.toBeNull();
    expectAcceptedWith(path, expectation!);
  });
});
