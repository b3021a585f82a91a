/**
 * Scanner benchmark: the synchronous `scan` of src/scanner on a realistic train.py just under the
 * 500,000-byte limit (and on a 50 KB one) after warm-up, a cold `crusades check` process, and, in
 * the same run, CPython 3's own `ast.parse` + one `ast.walk` (the reference scanner's core work)
 * on the same 500 KB file.
 *
 *   node --import tsx bench/scanner.ts [--runs N] [--keep]
 *
 * `--keep` leaves the generated files in the temporary folder it prints (for profiling them).
 *
 * The test files are built from accepted training code (local_test/*\/train.py and
 * test/fixtures/scanner/legit/*.py): each copy's top-level functions, classes and constants get a
 * numeric suffix so the concatenation stays valid Python, and only the first copy (local_test/ddp)
 * keeps `inner_steps` and `get_strategy`. Each generated file must be accepted by the scanner.
 *
 * Prints one line per figure, then, as the last line, one JSON object with every figure.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { createScanner } from "../src/scanner/index.js";

const root = resolve(import.meta.dirname, "..");
const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 15;
const KEEP = process.argv.includes("--keep");
const COLD_RUNS = 5;
const GPUS = 4;
const MAX_BYTES = 500_000;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round2 = (x: number): number => Math.round(x * 100) / 100;
const mb = (bytes: number): number => bytes / (1024 * 1024);

// ---------------------------------------------------------------------------------------------
// Test files

const KEPT = new Set(["inner_steps", "get_strategy"]);
const sourceFiles = [
  join(root, "local_test/ddp/train.py"), // first: keeps inner_steps and get_strategy ("ddp")
  ...readdirSync(join(root, "local_test"))
    .filter((d) => d !== "ddp" && existsSync(join(root, "local_test", d, "train.py")))
    .sort()
    .map((d) => join(root, "local_test", d, "train.py")),
  ...readdirSync(join(root, "test/fixtures/scanner/legit"))
    .filter((f) => f.endsWith(".py"))
    .sort()
    .map((f) => join(root, "test/fixtures/scanner/legit", f)),
];
const FUTURE = /^from __future__ import [^\n]*\n/gm;
const sources = sourceFiles.map((path) => readFileSync(path, "utf8").replace(FUTURE, ""));

/** Names bound at the top level: `def`, `async def`, `class`, and `NAME =` / `NAME: T =`. */
function topLevelNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/^(?:async\s+def|def|class)\s+([A-Za-z_]\w*)/gm)) names.add(m[1]!);
  for (const m of text.matchAll(/^([A-Za-z_]\w*)\s*(?::[^=\n]*)?=(?!=)/gm)) names.add(m[1]!);
  return [...names];
}

/** One copy of `text` with its top-level names suffixed by `_k` (attribute uses stay as they are). */
function renamedCopy(text: string, k: number, keep: boolean): string {
  let out = text;
  for (const name of topLevelNames(text)) {
    if (keep && KEPT.has(name)) continue;
    out = out.replace(new RegExp(`(?<![.\\w])${name}(?!\\w)`, "g"), `${name}_${k}`);
  }
  return `# ---- copy ${k} ----\n${out}${out.endsWith("\n") ? "" : "\n"}\n`;
}

/** Whole renamed copies, cycling through the sources, as many as fit in `maxBytes`. */
function buildFile(maxBytes: number): string {
  let text = "from __future__ import annotations\n\n";
  let k = 0;
  const size = (s: string): number => Buffer.byteLength(s, "utf8");
  for (;;) {
    const chunk = renamedCopy(sources[k % sources.length]!, k, k === 0);
    if (size(text) + size(chunk) > maxBytes) break;
    text += chunk;
    k++;
  }
  // Fill the rest with whichever copies still fit, smallest first.
  const bySize = sources.map((_, i) => i).sort((a, b) => size(sources[a]!) - size(sources[b]!));
  for (const i of bySize) {
    for (;;) {
      const chunk = renamedCopy(sources[i]!, k, false);
      if (size(text) + size(chunk) > maxBytes) break;
      text += chunk;
      k++;
    }
  }
  return text;
}

const dir = mkdtempSync(join(tmpdir(), "crusades-bench-scanner-"));
const file500 = buildFile(MAX_BYTES - 1);
const file50 = buildFile(50_000);
const file20 = buildFile(20_000);
const path500 = join(dir, "train_500kb.py");
const path20 = join(dir, "train_20kb.py");
writeFileSync(path500, file500);
writeFileSync(path20, file20);
if (KEEP) writeFileSync(join(dir, "train_50kb.py"), file50);
const bytes500 = new TextEncoder().encode(file500);
const bytes50 = new TextEncoder().encode(file50);
const bytes20 = new TextEncoder().encode(file20);

console.log(`scanner bench: ${RUNS} timed scans per size after warm-up, ${COLD_RUNS} cold CLI runs`);
console.log(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; ` +
    `load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`,
);
console.log(
  `files: ${bytes500.length} bytes (${file500.split("\n").length} lines), ${bytes50.length} bytes, ${bytes20.length} bytes; built from ${sources.length} accepted trainers`,
);

// ---------------------------------------------------------------------------------------------
// Warm scans

const created = await createScanner();
if (created.isErr()) throw new Error(`grammar load failed: ${created.error.message}`);
const scanner = created.value;

function verifyAccepted(label: string, bytes: Uint8Array): void {
  const report = scanner.scan(bytes, { gpus: GPUS });
  if (!report.ok) {
    const first = report.violations.slice(0, 5).map((v) => `${v.line}:${v.col} ${v.rule} ${v.message}`);
    throw new Error(`${label} file is rejected (${report.violations.length} violations):\n  ${first.join("\n  ")}\n(kept in ${dir})`);
  }
  console.log(`${label}: accepted (dp_size=${report.strategy?.dp_size}, tp_size=${report.strategy?.tp_size})`);
}
verifyAccepted("500 KB", bytes500);
verifyAccepted("50 KB", bytes50);
verifyAccepted("20 KB", bytes20);

function timeScans(bytes: Uint8Array): number[] {
  for (let i = 0; i < 3; i++) scanner.scan(bytes, { gpus: GPUS });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    scanner.scan(bytes, { gpus: GPUS });
    times.push(performance.now() - start);
  }
  return times;
}
const show = (label: string, times: readonly number[]): void =>
  console.log(
    `${label.padEnd(36)} median ${median(times).toFixed(1).padStart(7)} ms  min ${Math.min(...times).toFixed(1).padStart(7)} ms  max ${Math.max(...times).toFixed(1).padStart(7)} ms`,
  );

const times500 = timeScans(bytes500);
show(`scan ${bytes500.length} bytes (warm)`, times500);
const times50 = timeScans(bytes50);
show(`scan ${bytes50.length} bytes (warm)`, times50);
const scan500 = median(times500);
const scan50 = median(times50);
const throughput = bytes500.length / 1e6 / (scan500 / 1000);
console.log(
  `throughput ${throughput.toFixed(2)} MB/s; 500 KB / 50 KB time ratio ${(scan500 / scan50).toFixed(1)} for a size ratio of ${(bytes500.length / bytes50.length).toFixed(1)}`,
);

// ---------------------------------------------------------------------------------------------
// Cold CLI

const cli = join(root, "dist/bin/crusades.js");
if (!existsSync(cli)) {
  console.log("dist/bin/crusades.js is missing: npm run build");
  const build = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) throw new Error("npm run build failed");
}
const coldTimes: number[] = [];
for (let i = 0; i < COLD_RUNS; i++) {
  const start = performance.now();
  const run = spawnSync(process.execPath, [cli, "check", "--gpus", String(GPUS), path20], { cwd: root, encoding: "utf8" });
  coldTimes.push(performance.now() - start);
  if (run.status !== 0) throw new Error(`crusades check exited ${run.status}: ${run.stdout}${run.stderr}`);
}
show(`cold 'crusades check' ${bytes20.length} bytes`, coldTimes);
const coldCheck = median(coldTimes);

// ---------------------------------------------------------------------------------------------
// CPython: ast.parse + one ast.walk with a few isinstance checks, timed inside the interpreter

const PYTHON = `
import ast, json, statistics, sys, time
path, runs = sys.argv[1], int(sys.argv[2])
def once():
    with open(path, "rb") as f:
        source = f.read()
    tree = ast.parse(source)
    hits = 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            hits += 1
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("eval", "exec", "compile", "__import__", "getattr", "setattr"):
            hits += 1
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            hits += 1
        elif isinstance(node, ast.Name) and node.id in ("globals", "locals", "vars", "__builtins__"):
            hits += 1
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "_C" in node.value:
            hits += 1
    return hits
for _ in range(3):
    once()
times = []
for _ in range(runs):
    t = time.perf_counter()
    once()
    times.append((time.perf_counter() - t) * 1000)
print(json.dumps({"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times), "version": sys.version.split()[0]}))
`;
const py = spawnSync("python3", ["-c", PYTHON, path500, String(RUNS)], { encoding: "utf8" });
interface CpythonFigures {
  median_ms: number;
  min_ms: number;
  max_ms: number;
  version: string;
}
let cpython: CpythonFigures | null = null;
if (py.status === 0) {
  const figures = JSON.parse(py.stdout.trim().split("\n").at(-1)!) as CpythonFigures;
  cpython = figures;
  console.log(
    `${`CPython ${figures.version} ast.parse+walk 500 KB`.padEnd(36)} median ${figures.median_ms.toFixed(1).padStart(7)} ms  min ${figures.min_ms.toFixed(1).padStart(7)} ms  max ${figures.max_ms.toFixed(1).padStart(7)} ms`,
  );
} else {
  console.log(`python3 failed (${py.status}): ${py.stderr.trim().split("\n").at(-1) ?? ""}`);
}
const ratio = cpython === null ? null : cpython.median_ms / scan500;
if (ratio !== null) console.log(`ratio vs CPython (cpython ms / ours): ${ratio.toFixed(2)}× (> 1: we are faster)`);

const peakRss = mb(process.resourceUsage().maxRSS * 1024);
console.log(`peak RSS of the bench process: ${peakRss.toFixed(0)} MB`);
console.log(
  `goals: 500 KB warm scan < 100 ms: ${scan500 < 100 ? "met" : "NOT met"} (${scan500.toFixed(1)} ms); ` +
    `cold check < 400 ms: ${coldCheck < 400 ? "met" : "NOT met"} (${coldCheck.toFixed(0)} ms)`,
);
console.log(`load average at the end ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
if (KEEP) console.log(`generated files kept in ${dir}`);
else rmSync(dir, { recursive: true, force: true });

console.log(
  JSON.stringify({
    bench: "scanner",
    scan_500kb_ms: round2(scan500),
    scan_50kb_ms: round2(scan50),
    cold_check_ms: round2(coldCheck),
    cpython_ast_walk_500kb_ms: cpython === null ? null : round2(cpython.median_ms),
    ratio_vs_cpython: ratio === null ? null : round2(ratio),
    peak_rss_mb: Math.round(peakRss),
    bytes_500kb: bytes500.length,
    bytes_50kb: bytes50.length,
    bytes_cold: bytes20.length,
    runs: RUNS,
    cold_runs: COLD_RUNS,
    node: process.version,
    python: cpython?.version ?? null,
    cpus: cpus().length,
    loadavg_1m: round2(loadavg()[0]!),
    goal_scan_500kb_ms: 100,
    goal_cold_check_ms: 400,
  }),
);
