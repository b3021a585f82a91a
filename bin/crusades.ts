/**
 * The one CLI. Subcommands parse their flags and call the SDK; errors become one line on stderr
 * and an exit code (0 ok, 1 rejected or failed, 2 usage or I/O).
 * @module
 */
import { readFileSync } from "node:fs";
import { runCheck, CHECK_HELP } from "../src/cli/check.js";
import { runCompute, COMPUTE_HELP } from "../src/cli/compute.js";
import { runDashboard, DASHBOARD_HELP } from "../src/cli/dashboard.js";
import { runEvaluate, EVALUATE_HELP } from "../src/cli/evaluate.js";
import { runStatus, STATUS_HELP } from "../src/cli/status.js";
import { runSubmit, SUBMIT_HELP } from "../src/cli/submit.js";
import { runValidate, VALIDATE_HELP } from "../src/cli/validate.js";
import { type CliIo, EXIT, processIo, UsageError } from "../src/cli/io.js";
import { createScanner } from "../src/scanner/index.js";

const HELP = `Usage: crusades <command> [options]

Commands:
  check <file...>   scan train.py files with the validators' static checker
  evaluate <file>   run a train.py in the sandbox against a reference run, verify it, compute MFU
  submit <url>      check the code as validators will, pay the fee if required, commit it
  status            a hotkey's commitments, rate-limit window and submissions
  validate          run the validator: ingestion, evaluation queue, weights, HTTP API
  dashboard         the terminal dashboard over a validator's API
  compute <cmd>     GPU specs, proof-of-GPU, compute score, miner agent, GPU leases (crusades compute --help)

Options:
  --version         print the version and the scanner's rule-set hash
  -h, --help        show this help; 'crusades <command> --help' for a command
`;

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;
const COMMANDS: Readonly<Record<string, { run: Command; help: string }>> = {
  check: { run: runCheck, help: CHECK_HELP },
  compute: { run: runCompute, help: COMPUTE_HELP },
  dashboard: { run: runDashboard, help: DASHBOARD_HELP },
  evaluate: { run: runEvaluate, help: EVALUATE_HELP },
  status: { run: runStatus, help: STATUS_HELP },
  submit: { run: runSubmit, help: SUBMIT_HELP },
  validate: { run: runValidate, help: VALIDATE_HELP },
};

function packageVersion(): string {
  for (const candidate of ["../package.json", "../../package.json"]) {
    try {
      return (JSON.parse(readFileSync(new URL(candidate, import.meta.url), "utf8")) as { name: string; version: string }).version;
    } catch {
      // try the next layout (source tree or dist/)
    }
  }
  return "unknown";
}

async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help") {
    io.stdout(HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version") {
    const scanner = await createScanner();
    const hash = scanner.isOk() ? scanner.value.rulesHash : "unavailable";
    io.stdout(`crusades ${packageVersion()}\nscanner rules hash ${hash}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (command === undefined) throw new UsageError(`unknown command '${name}' (see crusades --help)`);
  return command.run(rest, io);
}

const io = processIo();
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // parseArgs reports unknown flags and missing values with a TypeError carrying an ERR_PARSE_ARGS code.
    const code = (error as { code?: string }).code ?? "";
    if (error instanceof UsageError || code.startsWith("ERR_PARSE_ARGS")) {
      io.stderr(`crusades: ${(error as Error).message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    io.stderr(`crusades: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT.rejected;
  },
);
