/**
 * `crusades validate`: the validator daemon (spec crusades.md §A.3): ingestion, the evaluation
 * queue in the Docker sandbox, weight setting, and the HTTP API over the same store.
 * @module
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createApiServer, createValidatorMetrics, type ValidatorMetrics } from "../api/index.js";
import { createEvaluationRunner } from "../evaluation/index.js";
import { openStore, type CommitmentSource } from "../store/index.js";
import { createLogger, runValidator, type Logger, type LogLevel, type RunValidatorOptions } from "../validator/index.js";
import { createSubtensorClient, type SubtensorClient } from "../chain/index.js";
import type { Hparams } from "../config/index.js";
import { CHAIN_FLAGS, CHAIN_FLAGS_HELP, chainTarget, connect, hotkeyOf } from "./chain-options.js";
import { loadEffectiveHparams } from "./hparams.js";
import { type CliIo, EXIT, parsePositiveInt, UsageError } from "./io.js";
import { readRemoteHostsFile, remoteHostsFromFile } from "./validate-remote.js";

export const VALIDATE_HELP = `Usage: crusades validate [options]

Runs the validator: reads revealed commitments (every kept entry, never losing one), evaluates
each submission in the sandbox (download once, hash check, scan, N runs, verification, MFU),
keeps the leader record, sets weights on schedule, and serves the HTTP API from the same store.
Killed at any point and restarted, it loses nothing and re-runs only the interrupted run.

Options:
${CHAIN_FLAGS_HELP}
  --db FILE                   the SQLite store (default ./crusades.db)
  --plain                     also accept plain (not timelocked) commitments
  --archive URL|none          archive node for gap recovery and payment blocks (default: hparams
                              payment.archive_endpoint on finney, none elsewhere)
  --from-block N              on a fresh store: ignore reveals at or before block N (default: the head)
  --image I                   cpu | gpu | <tag> (default: gpu when /dev/nvidiactl exists, else cpu)
  --gpus N                    GPUs per evaluation (default: docker.num_gpus; 1 on the CPU image)
  --work-dir DIR              run directories (default $TMPDIR/crusades-validator)
  --api-port P                HTTP API port (default 8080); --no-api to serve none
  --api-host H                HTTP API address (default 0.0.0.0)
  --api-key KEY               require X-API-Key (default: env DASHBOARD_API_KEY)
  --allow-private-hosts LIST  comma-separated hosts or addresses code may be fetched from even
                              though they are private (private deployments and tests; off by default)
  --remote-hosts FILE         also evaluate on engine leases (compute.md §10.3; JSON: hosts with agent,
                              minerHotkey, lease, pogRecord; relativeTolerance; ownGpus). A host
                              never evaluates a submission of its own keys; a leader-changing
                              result from a host is confirmed on a second, independent one
  --no-weights                never set weights (observer mode)
  --no-evaluate               ingest only
  --log-format F              text (default) | json (one JSON object per line)
  --log-level L               debug | info (default) | warn | error: the lowest level written
  -h, --help                  show this help

Hparams: $CRUSADES_HPARAMS_PATH, else ./hparams/hparams.json. SIGINT / SIGTERM stop it gracefully.
`;

/** Runs the daemon until SIGINT / SIGTERM; returns the exit code. */
export async function runValidate(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...CHAIN_FLAGS,
      db: { type: "string", default: "crusades.db" },
      plain: { type: "boolean", default: false },
      archive: { type: "string" },
      "from-block": { type: "string" },
      image: { type: "string" },
      gpus: { type: "string" },
      "work-dir": { type: "string" },
      "api-port": { type: "string" },
      "api-host": { type: "string", default: "0.0.0.0" },
      "api-key": { type: "string" },
      "no-api": { type: "boolean", default: false },
      "allow-private-hosts": { type: "string" },
      "remote-hosts": { type: "string" },
      "no-weights": { type: "boolean", default: false },
      "no-evaluate": { type: "boolean", default: false },
      "log-format": { type: "string", default: "text" },
      "log-level": { type: "string", default: "info" },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    io.stdout(VALIDATE_HELP);
    return EXIT.ok;
  }
  const format = values["log-format"];
  if (format !== "text" && format !== "json") throw new UsageError(`--log-format must be text or json, got '${format}'`);
  const level = values["log-level"];
  if (!isLogLevel(level)) throw new UsageError(`--log-level must be debug, info, warn or error, got '${level}'`);
  const log = createLogger({ format, level, write: (line) => io.stderr(line + "\n") });
  const hparams = loadEffectiveHparams(io);
  const imageChoice = values.image ?? (existsSync("/dev/nvidiactl") ? "gpu" : "cpu");
  const numGpus = parsePositiveInt(values.gpus, "--gpus") ?? (imageChoice === "cpu" ? 1 : hparams.docker.num_gpus);
  const fromBlockText = values["from-block"];
  if (fromBlockText !== undefined && !/^[0-9]+$/.test(fromBlockText)) throw new UsageError(`--from-block must be a block number, got '${fromBlockText}'`);
  const apiPort = values["api-port"] === undefined ? 8080 : parsePort(values["api-port"]);
  const allowPrivateHosts = (values["allow-private-hosts"] ?? "").split(",").map((h) => h.trim()).filter((h) => h !== "");
  const workDir = resolve(io.cwd, values["work-dir"] ?? join(io.env.TMPDIR ?? tmpdir(), "crusades-validator"));
  const sources: CommitmentSource[] = values.plain ? ["revealed", "plain"] : ["revealed"];
  const archiveUrl = archiveUrlOf(values, hparams, io);
  const remoteFile = values["remote-hosts"] === undefined ? null : readRemoteHostsFile(io, values["remote-hosts"]);

  // Flags, keys and the chain are checked before the store is opened: a refused start creates no file.
  const hotkey = await hotkeyOf(values, io);
  const client = await connect(values, io);
  const archive = archiveUrl === null ? null : await connectArchive(archiveUrl, hparams, log);
  const store = openStore(resolve(io.cwd, values.db));
  if (store.isErr()) {
    await Promise.all([client.disconnect(), archive?.disconnect()]);
    throw new UsageError(store.error.message);
  }
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(EXIT.usage);
    log.info("stopping", { signal });
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let api: ReturnType<typeof createApiServer> | null = null;
  const metrics = createValidatorMetrics();
  try {
    const prepared = await createEvaluationRunner({ kind: "docker", hparams, numGpus, workDir, image: imageChoice, onBuildOutput: (line) => log.debug("image build", { line }) });
    if (prepared.isErr()) throw new UsageError(prepared.error.message);
    for (const w of prepared.value.warnings) log.warn(w);
    if (prepared.value.removedLeftovers.length > 0) log.warn("removed leftover evaluation containers", { containers: prepared.value.removedLeftovers });
    if (!values["no-api"]) {
      api = createApiServer({
        store: store.value, hparams, host: values["api-host"], port: apiPort, validator: { hotkey: hotkey.address, startedAt: new Date() },
        currentBlock: async () => (await client.blockNumber()).unwrapOr(null), validatorMetrics: metrics,
        ...(values["api-key"] ?? io.env.DASHBOARD_API_KEY ? { apiKey: values["api-key"] ?? io.env.DASHBOARD_API_KEY! } : {}),
      });
      const listening = await api.listen();
      log.info("API listening", { url: listening.url });
    }
    const remote = remoteFile === null ? null : remoteHostsFromFile(remoteFile, { io, hparams, client, log, image: imageChoice === "cpu" ? "cpu" : "gpu", signer: { address: hotkey.address, sign: (m) => hotkey.sign(m) } });
    if (remote !== null) log.info("lease hosts", { usableNow: (await remote.runners()).map((r) => r.remoteHost?.hotkey), configured: remoteFile?.targets.length, ownGpus: remoteFile?.ownGpus });
    await runValidator({
      store: store.value, client, hparams, hotkey, ...(remote === null ? {} : { remote }), ...(archive ? { archive } : {}), runner: prepared.value.runner, workDir, numGpus, log, signal: controller.signal, sources,
      evaluate: !values["no-evaluate"], setWeights: !values["no-weights"], ...metricsObservers(metrics),
      ...(fromBlockText === undefined ? {} : { startBlock: Number(fromBlockText) }),
      ...(allowPrivateHosts.length > 0 ? { download: { allowPrivateHosts } } : {}),
    });
    return EXIT.ok;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await api?.close();
    await client.disconnect();
    await archive?.disconnect();
    store.value.close();
  }
}

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
const isLogLevel = (text: string): text is LogLevel => (LOG_LEVELS as readonly string[]).includes(text);

/** The daemon's observers, feeding `metrics` (served by the API's `/metrics`). */
export function metricsObservers(metrics: ValidatorMetrics): Pick<RunValidatorOptions, "onIngested" | "onIngestionFailed" | "onEvaluated" | "onEvaluationError" | "onWeights"> {
  return {
    onIngested: (summary) => metrics.ingestionCycle(summary.source, false),
    onIngestionFailed: (source) => metrics.ingestionCycle(source, true),
    onEvaluated: (outcome, durationMs) => metrics.submissionEvaluated(outcome.status, durationMs / 1000),
    onEvaluationError: (error) => metrics.evaluationError(error.type),
    onWeights: (outcome) => {
      if (outcome.kind !== "not_due") metrics.weightSetting(outcome.kind);
    },
  };
}

/** The archive node's URL, when one is named (or implied: finney's), else `null`. */
function archiveUrlOf(values: { archive?: string | undefined } & Parameters<typeof chainTarget>[0], hparams: Hparams, io: CliIo): string | null {
  const url = values.archive ?? (chainTarget(values, io).network === "finney" ? hparams.payment.archive_endpoint : "none");
  if (url === "none") return null;
  if (!/^wss?:\/\/\S+$/i.test(url)) throw new UsageError(`--archive must be a ws:// or wss:// URL or none, got '${url}'`);
  return url;
}

/** Connects to the archive node. A validator without one still runs: gaps it cannot close are recorded, payments read from the normal node. */
async function connectArchive(url: string, hparams: Hparams, log: Logger): Promise<SubtensorClient | null> {
  const archive = await createSubtensorClient({ url, timeoutMs: hparams.payment.rpc_timeout * 1000 });
  if (archive.isErr()) {
    log.warn("archive node unavailable; gaps will be recorded, payments read from the normal node", { error: archive.error.message });
    return null;
  }
  return archive.value;
}

function parsePort(text: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) > 65535) throw new UsageError(`--api-port must be a port number (0-65535), got '${text}'`);
  return Number(text);
}
