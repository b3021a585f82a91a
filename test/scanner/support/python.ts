/**
 * Runs CPython (python3 on PATH, 3.11 like the evaluation image) for the scanner's differential
 * tests: its `ast` dump of each file, and its side of the facts cross-check.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../../..");

/** CPython's version as "major.minor", or null when python3 is missing. */
export function pythonVersion(): string | null {
  try {
    return execFileSync("python3", ["-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"]).toString().trim();
  } catch {
    return null;
  }
}

export type CpythonDump = { path: string; ok: true; tree: unknown } | { path: string; ok: false; error: string };

/** CPython's ast of each file, in the shapes of src/scanner/ast/nodes.ts. */
export function cpythonDumps(paths: readonly string[]): CpythonDump[] {
  const out = execFileSync("python3", [resolve(ROOT, "test/scanner/support/cpython_dump.py")], { input: JSON.stringify(paths), maxBuffer: 1 << 30 });
  return out.toString().trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as CpythonDump);
}

const FACTS_SCRIPT = `
import json, sys
sys.path.insert(0, ${JSON.stringify(resolve(ROOT, "environments/templar"))})
import scan_facts
for path in json.load(sys.stdin):
    try:
        facts = scan_facts.compute_facts(open(path, "rb").read())
        print(scan_facts.canonical_json(facts).decode())
    except Exception as error:
        print(json.dumps({"error": type(error).__name__}))
`;

/** The canonical JSON of CPython's facts for each file, or `{"error": ...}` when CPython fails. */
export function cpythonFacts(paths: readonly string[]): string[] {
  const out = execFileSync("python3", ["-c", FACTS_SCRIPT], { input: JSON.stringify(paths), maxBuffer: 1 << 30 });
  return out.toString().trim().split("\n");
}

/** A deterministic sample of CPython's own standard library, a large corpus of real Python. */
export function stdlibSample(count: number): string[] {
  const script = `
import glob, os, sysconfig
files = sorted(glob.glob(os.path.join(sysconfig.get_paths()["stdlib"], "**", "*.py"), recursive=True))
files = [f for f in files if "site-packages" not in f and os.path.getsize(f) < 500000]
step = max(1, len(files) // ${count})
print("\\n".join(files[::step][:${count}]))
`;
  return execFileSync("python3", ["-c", script]).toString().trim().split("\n").filter(Boolean);
}
