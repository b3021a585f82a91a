/**
 * `crusades evaluate <train.py> [--gpus N] [--runs N] [--image cpu|gpu|<tag>] [--runner docker|local|remote]
 * [--json] [--no-scan]`: the validators' evaluation on this machine, or on an engine lease (`remote`):
 * host scan, reference run, candidate run, verification, MFU (spec crusades.md §E, §L.1;
 * docs/evaluation-protocol.md; compute.md §10.3).
 * @module
 */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { okAsync } from "neverthrow";
import { match } from "ts-pattern";
import {
  createEvaluationRunner,
  evaluateSubmission,
  formatEvaluationJson,
  formatEvaluationText,
  LOCAL_RUNNER_WARNING,
  type EvaluationError,
  type EvaluationProgress,
  type EvaluationReport,
  type PreparedRunner,
} from "../evaluation/index.js";
import { prepareRemoteRunner } from "./evaluate-remote.js";
import { loadEffectiveHparams } from "./hparams.js";
import { type CliIo, EXIT, parsePositiveInt, readInputFile, UsageError } from "./io.js";

export const EVALUATE_HELP = `Usage: crusades evaluate <train.py> [options]

Evaluates train.py as a validator does: the static scan, a reference run (trusted code only), the
candidate run under a supervisor in a sandboxed container, host-side verification of the final
weights, loss and tokens, and MFU. Prints every check with its figure.

Options:
  --gpus N          GPUs (CPU image: gloo processes). Default: docker.num_gpus with a GPU image, 1 on the CPU image
  --runs N          runs (default: evaluation_runs from hparams)
  --image I         cpu | gpu | <image tag>. Default: gpu when /dev/nvidiactl exists, else cpu.
                    The CPU image is built offline on first use (root, debootstrap)
  --runner R        docker (default; the sandbox) | local (plain python3 processes, for your OWN code
                    on a machine without Docker: no sandbox; validators never use it) | remote (each
                    step on an engine lease: the same sandbox on the leased machine, verification here)
  --agent URL       remote: the miner agent (crusades compute serve) holding the lease
  --miner-hotkey K  remote: the agent's SS58 hotkey (it signs every answer and job record)
  --lease ID        remote: your engine lease (crusades compute allocate --kind engine)
  --hotkey-file F   remote: the lease holder's hotkey secret URI (else $CRUSADES_HOTKEY_URI)
  --miner-coldkey K remote: the miner's coldkey, recorded with each run when known
  --pog-record F    remote: JSON of crusades compute pog --json proving the lease's GPUs
  --unverified-gpus remote: skip the GPU check (CPU image and your own code only)
  --work-dir DIR    where run directories go (default: $TMPDIR/crusades-eval)
  --keep            keep the run directories (states, logs) instead of deleting them
  --verbose         copy the containers' output to stderr (logs only; never parsed)
  --json            one JSON object on stdout
  --no-scan         skip the static scan: FOR TESTS AND RESEARCH ONLY (validators always scan)
  -h, --help        show this help

Hparams: $CRUSADES_HPARAMS_PATH, else ./hparams/hparams.json, else the package's own.
Exit status: 0 passed, 1 failed or rejected, 2 usage, I/O or infrastructure error.
`;

const NO_SCAN_WARNING =
  "WARNING: --no-scan: the static scan is OFF. Only the runtime defences stand between this code and the " +
  "evaluation. Use it for tests and research only; validators always scan, and a rejected file never runs.";


function errorLine(e: EvaluationError): string {
  return match(e)
    .with({ type: "docker_unavailable" }, (x) => `${x.message}; or use --runner local for your own code`)
    .with({ type: "image_build_failed" }, (x) => `${x.message}\n${x.outputTail.split("\n").slice(-10).join("\n")}`)
    .with({ type: "docker_image_missing" }, { type: "docker_container_missing" }, { type: "docker_conflict" }, { type: "docker_api" }, (x) => x.message)
    .with({ type: "evaluation_io" }, { type: "scanner_unavailable" }, { type: "local_runner_unavailable" }, { type: "evaluation_aborted" }, (x) => x.message)
    .with({ type: "remote_step_failed" }, (x) => `remote step: ${x.message}${x.remoteType ? ` (${x.remoteType})` : ""}`)
    .exhaustive();
}

function progressPrinter(io: CliIo, verbose: boolean): (e: EvaluationProgress) => void {
  const t0 = performance.now();
  const stamp = () => `[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s]`;
  return (e) =>
    match(e)
      .with({ kind: "scan" }, (x) => io.stderr(`${stamp()} scan ${x.state === "start" ? "started" : "done"}\n`))
      .with({ kind: "run" }, (x) => {
        if (x.state === "start") io.stderr(`${stamp()} run ${x.runNo}${x.attempt > 1 ? ` (attempt ${x.attempt})` : ""}\n`);
        else if (x.result) io.stderr(`${stamp()} run ${x.runNo}: ${x.result.status}${x.result.errorCode ? ` (${x.result.errorCode})` : ""}\n`);
      })
      .with({ kind: "phase" }, (x) => {
        const what = { reference: "reference run", candidate: "candidate run", verify: "verification" }[x.phase];
        io.stderr(`${stamp()}   ${what} ${x.state === "start" ? "started" : "finished"}\n`);
      })
      .with({ kind: "output" }, (x) => {
        // Logs are shown as escaped text only (spec L.1.9); nothing is parsed from them.
        if (verbose) io.stderr(`  ${x.phase === "reference" ? "ref" : "cand"}| ${JSON.stringify(x.line).slice(1, -1).slice(0, 400)}\n`);
      })
      .exhaustive();
}

/** `$XDG_CACHE_HOME/crusades`, else `~/.cache/crusades`, else `$TMPDIR/crusades-cache`. */
function localCacheDir(io: CliIo): string {
  if (io.env.XDG_CACHE_HOME) return join(io.env.XDG_CACHE_HOME, "crusades");
  if (io.env.HOME) return join(io.env.HOME, ".cache", "crusades");
  return join(io.env.TMPDIR ?? tmpdir(), "crusades-cache");
}

/** Runs the command; returns the exit code. */
export async function runEvaluate(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      gpus: { type: "string" },
      runs: { type: "string" },
      image: { type: "string" },
      runner: { type: "string", default: "docker" },
      "work-dir": { type: "string" },
      keep: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "no-scan": { type: "boolean", default: false },
      agent: { type: "string" },
      "miner-hotkey": { type: "string" },
      lease: { type: "string" },
      "hotkey-file": { type: "string" },
      "miner-coldkey": { type: "string" },
      "pog-record": { type: "string" },
      "unverified-gpus": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout(EVALUATE_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError("evaluate needs exactly one train.py (see crusades evaluate --help)");
  const file = positionals[0]!;
  const runnerKind = values.runner;
  if (runnerKind !== "docker" && runnerKind !== "local" && runnerKind !== "remote") throw new UsageError(`--runner must be docker, local or remote, got '${runnerKind}'`);
  if (runnerKind !== "remote" && (values.agent ?? values.lease ?? values["miner-hotkey"] ?? values["pog-record"]) !== undefined) throw new UsageError("--agent, --lease, --miner-hotkey and --pog-record go with --runner remote");
  const imageChoice = values.image ?? (existsSync("/dev/nvidiactl") ? "gpu" : "cpu");
  if (imageChoice === "") throw new UsageError("--image must not be empty");
  if (runnerKind === "local" && imageChoice !== "cpu" && imageChoice !== "gpu") throw new UsageError("--runner local takes --image cpu or gpu only");
  const hparams = loadEffectiveHparams(io);
  const remote = runnerKind === "remote" ? await prepareRemoteRunner({ ...values, image: values.image }, io, hparams) : null;
  const remoteCpu = remote !== null && remote.runner.device === "cpu";
  const numGpus = parsePositiveInt(values.gpus, "--gpus") ?? (remote !== null ? (remoteCpu ? 1 : remote.lease.request.gpuCount) : imageChoice === "cpu" ? 1 : hparams.docker.num_gpus);
  const runs = parsePositiveInt(values.runs, "--runs") ?? hparams.evaluation_runs;
  const code = readInputFile(io, file);
  const workDir = resolve(io.cwd, values["work-dir"] ?? join(io.env.TMPDIR ?? tmpdir(), "crusades-eval"));
  const scan = !values["no-scan"];
  if (!scan) io.stderr(`${NO_SCAN_WARNING}\n`);
  if (runnerKind === "local") io.stderr(`NOTE: ${LOCAL_RUNNER_WARNING}\n`);
  const progress = progressPrinter(io, values.verbose);

  // Ctrl-C / SIGTERM: abort, which kills and removes the running container before returning.
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      io.stderr(`\ncrusades: ${signal}: stopping and removing the evaluation containers...\n`);
      controller.abort();
    } else {
      io.stderr("crusades: interrupted again; leftover containers are removed at the next start\n");
      process.exit(EXIT.usage);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    if (remote !== null) io.stderr(`remote: lease ${remote.lease.id} on miner ${remote.lease.minerHotkey} (cpuset ${remote.lease.cpuset}${remote.lease.gpuUuids.length ? `, GPUs ${remote.lease.gpuUuids.join(", ")}` : ""})\n`);
    const prepared = await (remote !== null ? okAsync<PreparedRunner, EvaluationError>({ runner: remote.runner, image: null, removedLeftovers: [], warnings: remote.warnings }) : createEvaluationRunner(
      runnerKind === "local"
        ? { kind: "local", hparams, numGpus, workDir, pathEnv: io.env.PATH ?? "/usr/bin:/bin", cacheDir: localCacheDir(io), ...(values.image === undefined ? {} : { image: imageChoice as "cpu" | "gpu" }) }
        : { kind: "docker", hparams, numGpus, workDir, image: imageChoice, onBuildOutput: (line) => io.stderr(`  build| ${line}\n`) },
    ));
    if (prepared.isErr()) {
      io.stderr(`crusades: ${errorLine(prepared.error)}\n`);
      return EXIT.usage;
    }
    const p: PreparedRunner = prepared.value;
    for (const w of p.warnings) io.stderr(`warning: ${w}\n`);
    if (p.removedLeftovers.length > 0) io.stderr(`removed ${p.removedLeftovers.length} leftover evaluation container(s) of a crashed run\n`);
    const report = await evaluateSubmission({
      code, hparams, runner: p.runner, workDir, numGpus, runs, scan, signal: controller.signal, onProgress: progress,
    });
    if (report.isErr()) {
      io.stderr(`crusades: ${errorLine(report.error)}\n`);
      return EXIT.usage;
    }
    const r: EvaluationReport = report.value;
    const ctx = { file, image: p.image, warnings: p.warnings, kept: values.keep };
    io.stdout(values.json ? formatEvaluationJson(r, ctx) : formatEvaluationText(r, ctx));
    if (!values.keep) await Promise.all(r.runs.map((run) => rm(dirname(run.runDir), { recursive: true, force: true }).catch(() => undefined)));
    if (r.passed) return EXIT.ok;
    const infrastructure = r.errorCode === "infrastructure_error" || r.score.status === "pending";
    return infrastructure ? EXIT.usage : EXIT.rejected;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
