/**
 * `crusades check <file...> [--gpus N] [--json]` (scanner.md §2.3): scans each file as raw bytes
 * and prints every violation and a verdict per file.
 * @module
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadHparams, resolveHparamsPath } from "../config/index.js";
import { createScanner } from "../scanner/index.js";
import type { ScanReport } from "../scanner/index.js";
import { type CliIo, EXIT, parsePositiveInt, readInputFile, UsageError } from "./io.js";

export const CHECK_HELP = `Usage: crusades check <file...> [--gpus N] [--json]

Scans train.py files with the validators' static checker.

Options:
  --gpus N   GPU count for the get_strategy() rules (default: docker.num_gpus from
             $CRUSADES_HPARAMS_PATH or ./hparams/hparams.json, else 4)
  --json     one JSON object per file per line:
             {"file","ok","violations":[{"rule","line","col","message"}],"strategy"}
  -h, --help show this help

Exit status: 0 every file accepted, 1 any file rejected, 2 usage or I/O error.
`;

const DEFAULT_GPUS = 4;

/** The GPU count when --gpus is absent: the hparams file's docker.num_gpus, else 4. */
function defaultGpus(io: CliIo): number {
  const path = resolveHparamsPath(io.env, io.cwd);
  if (!existsSync(path)) return DEFAULT_GPUS;
  const hparams = loadHparams(path);
  if (hparams.isErr()) throw new UsageError(`cannot read the GPU count from ${path}: ${hparams.error.message}`);
  return hparams.value.docker.num_gpus;
}

function renderHuman(file: string, report: ScanReport): string {
  const lines = report.violations.map((v) => `${file}:${v.line}:${v.col}: ${v.rule}: ${v.message}`);
  const verdict = report.ok
    ? `${file}: accepted (dp_size=${report.strategy?.dp_size}, tp_size=${report.strategy?.tp_size})`
    : `${file}: rejected: ${report.violations.length} violation(s)`;
  return `${[...lines, verdict].join("\n")}\n`;
}

function renderJson(file: string, report: ScanReport): string {
  const violations = report.violations.map((v) => ({ rule: v.rule, line: v.line, col: v.col, message: v.message }));
  return `${JSON.stringify({ file, ok: report.ok, violations, strategy: report.strategy })}\n`;
}

/** Runs the command; returns the exit code. */
export async function runCheck(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { gpus: { type: "string" }, json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout(CHECK_HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError("check needs at least one file (see crusades check --help)");
  const gpus = values.gpus === undefined ? defaultGpus(io) : parsePositiveInt(values.gpus, "--gpus")!;
  // Read every file before printing anything: on an I/O error stdout stays empty (exit 2).
  const sources = positionals.map((file) => ({ file, bytes: readInputFile(io, file) }));

  const scanner = await createScanner();
  if (scanner.isErr()) throw new UsageError(scanner.error.message);
  let rejected = false;
  for (const { file, bytes } of sources) {
    const report = scanner.value.scan(bytes, { gpus });
    rejected ||= !report.ok;
    io.stdout(values.json ? renderJson(file, report) : renderHuman(file, report));
  }
  return rejected ? EXIT.rejected : EXIT.ok;
}
