/**
 * `crusades compute <score|pog|serve|specs|allocate|renew|release|list>` (compute.md §4.3, §5.8,
 * §10.1-10.2, §2.3): thin wrappers over `src/compute`.
 * @module
 */
import { appendFileSync, readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import Docker from "dockerode";
import type { Result } from "neverthrow";
import { match } from "ts-pattern";
import { parseSizeBytes } from "../config/index.js";
import {
  collectSpecs, computeScore, createChainCallerLookup, createComputeAgent, createComputeClient, createDockerLeaseBackend, createLeaseClient, createLeaseEngine, createNonceStore, createProcessProverLauncher,
  formatLeaseText, type HotkeySigner, hotkeySignerFromUri, LEASE_IMAGE_TAG, type Lease, type LeaseBackend, type LeaseClientError, leaseKnownHostsLine, leaseSshCommand,
  openLeaseStore, parseCpuset, parseLeaseRequest, pinnedImageReference, type PogPrecision, runPog, signSpecsReport, validateScoreTable,
} from "../compute/index.js";
import { connect } from "./chain-options.js";
import { type CliIo, EXIT, readInputFile, UsageError } from "./io.js";

export const COMPUTE_HELP = `Usage: crusades compute <command> [options]

Commands:
  score --gpu <name> --count <n> [--allocated] [--table <file.json>] [--json]
        the compute score (0-100; +100 with --allocated, the allocation bonus)
  pog <miner-url> --miner-hotkey <ss58> [--precision fp16,fp32] [--size <n>:<steps>] [--json]
        run proof-of-GPU against a miner agent (signed with the validator hotkey)
  serve [--host 0.0.0.0] [--port 8091] [--allow-hotkeys a,b] [--allow-coldkeys a,b]
        [--deny-hotkeys a,b] [--deny-coldkeys a,b] [--device auto|cuda|cpu] [--python python3]
        [--nonce-file <path>] [--netuid N --network finney|test|local|ws://...] [--min-stake-tao 10000]
        [--allow-only]
        [--leases-db <file> --ssh-host <public address> [--lease-images ref,...] [--lease-cpus 0-7]
         [--lease-memory 64g] [--lease-disk 500g] [--lease-gpus uuid=model,...]
         [--max-lease-seconds 604800] [--allow-unenforced-disk] [--engine-dir <dir>]]
        the miner agent: answers proof-of-GPU, reports specs and (with --leases-db) offers leases
        to permitted validators: allow-listed ones, and with --netuid those registered there with
        a validator permit and at least --min-stake-tao of stake (read from the chain); --engine-dir (root, on a noexec,nosuid,nodev filesystem
        for the strict sandbox) also offers engine leases, whose holders run evaluation steps
  specs [--data-dir <dir>] [--sign]
        print this host's hardware specs as JSON (signed with the hotkey with --sign)
  allocate <miner-url> --miner-hotkey <ss58> --ssh-key <file.pub> [--ssh-key ...] --image <name@sha256:...>
        [--cpus 1] [--memory 4g] [--disk 20g] [--shm 1g] [--duration <seconds>] [--gpus 0 --gpu-model <name>]
        [--known-hosts <file>] [--kind ssh|engine] [--json]
        lease a container with key-only SSH; --known-hosts appends the pinned host key.
        --kind engine (no --ssh-key): a lease that runs evaluation steps for you
        (crusades evaluate --runner remote --lease <id>; the image is an evaluation image)
  renew <miner-url> <lease-id> --miner-hotkey <ss58> --duration <seconds> [--json]
  release <miner-url> <lease-id> --miner-hotkey <ss58> [--json]
  list <miner-url> [<lease-id>] --miner-hotkey <ss58> [--json]
        your leases on that miner (one with its health, given an id)

Hotkey: --hotkey-file <file holding the secret URI> or $CRUSADES_HOTKEY_URI (sr25519).
Exit status: 0 ok, 1 rejected or failed, 2 usage or I/O error.
`;

const list = (v: string | undefined) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);

export async function loadSigner(io: CliIo, file: string | undefined): Promise<HotkeySigner> {
  let suri: string | undefined;
  if (file !== undefined) {
    try {
      suri = readFileSync(resolve(io.cwd, file), "utf8");
    } catch {
      throw new UsageError(`${file}: cannot read the hotkey file`);
    }
  } else suri = io.env.CRUSADES_HOTKEY_URI;
  if (!suri) throw new UsageError("a hotkey is needed: --hotkey-file <file> or $CRUSADES_HOTKEY_URI");
  const signer = await hotkeySignerFromUri(suri);
  if (signer.isErr()) throw new UsageError(signer.error.message);
  return signer.value;
}

function parseCount(text: string | undefined): number {
  if (text === undefined || !/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`--count must be an integer >= 0, got '${text ?? ""}'`);
  return Number(text);
}

async function score(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...argv], strict: true, options: { gpu: { type: "string" }, count: { type: "string" }, allocated: { type: "boolean", default: false }, table: { type: "string" }, json: { type: "boolean", default: false } } });
  if (values.gpu === undefined) throw new UsageError("score needs --gpu <name>");
  const count = parseCount(values.count);
  let baseScores;
  if (values.table !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(resolve(io.cwd, values.table), "utf8"));
    } catch {
      throw new UsageError(`${values.table}: cannot read a JSON object of base scores`);
    }
    const table = validateScoreTable(typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {});
    if (table.isErr()) throw new UsageError(`${values.table}: ${table.error.message}`);
    baseScores = table.value;
  }
  const r = computeScore(values.gpu, count, values.allocated, { baseScores, allocationBonus: values.allocated });
  if (r.isErr()) {
    io.stderr(`crusades: ${r.error.message}\n`);
    return match(r.error).with({ type: "unknown_gpu" }, () => EXIT.rejected).with({ type: "invalid_score_table" }, () => EXIT.usage).exhaustive();
  }
  const s = r.value;
  io.stdout(values.json ? `${JSON.stringify(s)}\n` : `${s.count} x ${s.gpu}${s.allocated ? " (allocated)" : ""}: score ${s.score}${s.status === "unscored_model" ? " (model not in the base-score table)" : ` (base ${s.base}, max base ${s.maxBase})`}\n`);
  return EXIT.ok;
}

function parseSize(text: string | undefined): { n: number; steps: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^([0-9]+):([0-9]+)$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new UsageError(`--size must be <n>:<steps>, got '${text}'`);
  return { n: Number(m[1]), steps: Number(m[2]) };
}

async function pog(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: { "miner-hotkey": { type: "string" }, "hotkey-file": { type: "string" }, precision: { type: "string" }, size: { type: "string" }, json: { type: "boolean", default: false } } });
  const url = positionals[0];
  if (url === undefined || positionals.length > 1) throw new UsageError("pog needs exactly one <miner-url>");
  if (values["miner-hotkey"] === undefined) throw new UsageError("pog needs --miner-hotkey <ss58> (the agent's hotkey, from the metagraph)");
  const precisions = list(values.precision ?? "fp16,fp32");
  for (const p of precisions) if (!["fp16", "bf16", "fp32"].includes(p)) throw new UsageError(`unknown precision '${p}'`);
  const size = parseSize(values.size);
  const signer = await loadSigner(io, values["hotkey-file"]);
  const client = createComputeClient({ baseUrl: url, signer, minerHotkey: values["miner-hotkey"] });
  io.stderr(`proof-of-GPU against ${client.baseUrl} (${precisions.join(", ")}) ...\n`);
  const r = await runPog(client, { precisions: precisions as PogPrecision[], size: size && (() => size) });
  if (r.isErr()) {
    io.stdout(values.json ? `${JSON.stringify({ ok: false, severity: r.error.severity, reason: r.error.reason, message: r.error.message, record: r.error.record })}\n` : `failed (${r.error.severity}, ${r.error.reason}): ${r.error.message}\n`);
    return EXIT.rejected;
  }
  const rec = r.value;
  if (values.json) io.stdout(`${JSON.stringify({ ok: true, record: rec })}\n`);
  else {
    for (const g of rec.gpus) {
      const t = Object.entries(g.tflops).map(([p, v]) => `${p} ${v.toPrecision(4)} TFLOPS`).join(", ");
      io.stdout(`GPU ${g.index} ${g.name} (${g.uuid}): proofs verified; ${t}; ${g.identification?.status ?? "not challenged"}${g.identification?.reasons.length ? ` (${g.identification.reasons.join("; ")})` : ""}\n`);
    }
    io.stdout(`verified: ${rec.verifiedCount} x ${rec.model ?? "none"}\n`);
  }
  return rec.verifiedCount > 0 ? EXIT.ok : EXIT.rejected;
}

function sizeFlag(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const bytes = parseSizeBytes(text);
  if (bytes === null || bytes <= 0) throw new UsageError(`${flag} must be a size like 4g or 512m, got '${text}'`);
  return bytes;
}

function intFlag(text: string | undefined, flag: string, fallback?: number): number {
  if (text === undefined && fallback !== undefined) return fallback;
  if (text === undefined || !/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`${flag} must be a whole number, got '${text ?? ""}'`);
  return Number(text);
}

type ServeValues = Record<string, string | boolean | undefined>;

/** The lease backend of `serve --leases-db`: the offer from flags, images pinned at start. */
async function leaseBackend(values: ServeValues, io: CliIo, signer: HotkeySigner): Promise<{ backend: LeaseBackend; close: () => Promise<void> }> {
  const str = (k: string) => values[k] as string | undefined;
  const bind = str("host") as string;
  const sshHost = str("ssh-host") ?? (bind === "0.0.0.0" || bind === "::" ? undefined : bind);
  if (sshHost === undefined) throw new UsageError("leases need --ssh-host <the address holders connect to>");
  const cpus = str("lease-cpus") === undefined ? Array.from({ length: availableParallelism() }, (_, i) => i) : parseCpuset(str("lease-cpus") as string);
  if (cpus === null || cpus.length === 0) throw new UsageError(`--lease-cpus must be a cpuset list like 0-3,6, got '${str("lease-cpus")}'`);
  const gpus = list(str("lease-gpus")).map((g) => {
    const [uuid, model] = g.split("=");
    if (!uuid || !model) throw new UsageError(`--lease-gpus entries are <uuid>=<model>, got '${g}'`);
    return { uuid, model };
  });
  const docker = new Docker();
  const engineDir = str("engine-dir");
  const engine = engineDir === undefined ? undefined : createLeaseEngine({ docker, signer, workDir: resolve(io.cwd, engineDir), log: (line) => io.stderr(`${new Date().toISOString()} ${line}\n`) });
  if (engine !== undefined && engine.sandboxProfile !== "strict") io.stderr(`crusades: warning: --engine-dir ${engineDir} is not on a noexec,nosuid,nodev filesystem: engine jobs run under the handoff-exec profile\n`);
  const allowedImages: string[] = [];
  for (const image of list(str("lease-images") ?? LEASE_IMAGE_TAG)) {
    const pinned = image.includes("@sha256:") ? image : await pinnedImageReference(docker, image);
    if (typeof pinned !== "string" && pinned.isErr()) throw new UsageError(`--lease-images ${image}: ${pinned.error.message}`);
    allowedImages.push(typeof pinned === "string" ? pinned : pinned.value);
  }
  const store = openLeaseStore(resolve(io.cwd, str("leases-db") as string));
  if (store.isErr()) throw new UsageError(store.error.message);
  const backend = createDockerLeaseBackend({
    store: store.value, minerHotkey: signer.address, docker, sshHost, ...(engine === undefined ? {} : { engine }), sshBindHost: bind, allowedImages, allowUnenforcedDisk: values["allow-unenforced-disk"] === true,
    maxLeaseSeconds: intFlag(str("max-lease-seconds"), "--max-lease-seconds", 604_800),
    offer: { cpus, gpus, memoryBytes: sizeFlag(str("lease-memory"), "--lease-memory", Math.floor(totalmem() * 0.75)), diskBytes: sizeFlag(str("lease-disk"), "--lease-disk", 100 * 2 ** 30) },
    log: (line) => io.stderr(`${new Date().toISOString()} ${line}\n`),
  });
  const started = await backend.start();
  if (started.isErr()) {
    store.value.close();
    throw new UsageError(`leases: ${started.error.message}`);
  }
  const { removedContainers, failedLeases } = started.value;
  io.stderr(`leases: images ${allowedImages.join(", ")}; reconciled (${removedContainers.length} containers removed, ${failedLeases.length} leases failed)\n`);
  return { backend, close: async () => { await backend.close(); store.value.close(); } };
}

async function serve(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...argv], strict: true, options: {
    host: { type: "string", default: "0.0.0.0" }, port: { type: "string", default: "8091" }, "hotkey-file": { type: "string" },
    "allow-hotkeys": { type: "string" }, "allow-coldkeys": { type: "string" }, "deny-hotkeys": { type: "string" }, "deny-coldkeys": { type: "string" },
    device: { type: "string", default: "auto" }, python: { type: "string", default: "python3" }, "nonce-file": { type: "string" },
    "leases-db": { type: "string" }, "ssh-host": { type: "string" }, "lease-images": { type: "string" }, "lease-cpus": { type: "string" }, "lease-memory": { type: "string" },
    "lease-disk": { type: "string" }, "lease-gpus": { type: "string" }, "max-lease-seconds": { type: "string" }, "allow-unenforced-disk": { type: "boolean", default: false },
    "engine-dir": { type: "string" },
    netuid: { type: "string" }, network: { type: "string" }, "min-stake-tao": { type: "string" }, "allow-only": { type: "boolean", default: false },
  } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got '${values.port}'`);
  if (!["auto", "cuda", "cpu"].includes(values.device)) throw new UsageError(`--device must be auto, cuda or cpu`);
  const netuid = values.netuid === undefined ? undefined : intFlag(values.netuid, "--netuid");
  if (netuid === undefined && (values.network !== undefined || values["min-stake-tao"] !== undefined)) throw new UsageError("--network and --min-stake-tao go with --netuid (the subnet whose validators may call)");
  const minStakeTao = values["min-stake-tao"] === undefined ? undefined : Number(values["min-stake-tao"]);
  if (minStakeTao !== undefined && !(Number.isFinite(minStakeTao) && minStakeTao >= 0)) throw new UsageError(`--min-stake-tao must be a number >= 0, got '${values["min-stake-tao"]}'`);
  const signer = await loadSigner(io, values["hotkey-file"]);
  const allowHotkeys = list(values["allow-hotkeys"]);
  const allowColdkeys = list(values["allow-coldkeys"]);
  // Without a netuid there is no metagraph lookup: only allow-listed validators are accepted (fail closed).
  if (allowHotkeys.length === 0 && allowColdkeys.length === 0 && (netuid === undefined || values["allow-only"])) io.stderr("crusades: warning: no --allow-hotkeys and no metagraph lookup (--netuid): every caller will be rejected\n");
  const chain = netuid === undefined ? null : await connect({ network: values.network }, io);
  const lookup = chain === null || netuid === undefined ? undefined : createChainCallerLookup(chain, netuid);
  if (values["engine-dir"] !== undefined && values["leases-db"] === undefined) throw new UsageError("--engine-dir needs --leases-db (engine leases are leases)");
  const leases = values["leases-db"] === undefined ? undefined : await leaseBackend(values, io, signer);
  const agent = createComputeAgent({
    signer,
    policy: {
      allowHotkeys, allowColdkeys, denyHotkeys: list(values["deny-hotkeys"]), denyColdkeys: list(values["deny-coldkeys"]), allowOnly: values["allow-only"],
      ...(minStakeTao === undefined ? {} : { minStakeTao }), ...(lookup === undefined ? {} : { lookup }),
    },
    launcher: createProcessProverLauncher({ python: values.python, args: ["--device", values.device], onLog: (t) => io.stderr(t) }),
    nonces: createNonceStore({ persistPath: values["nonce-file"] }),
    specs: () => collectSpecs(),
    ...(leases === undefined ? {} : { leases: leases.backend }),
    log: (line) => io.stderr(`${new Date().toISOString()} ${line}\n`),
  });
  const address = await agent.listen(port, values.host);
  io.stdout(`compute agent ${signer.address} listening on http://${address.host}:${address.port}${leases ? " (leases on)" : ""}${netuid === undefined ? "" : ` (validators of netuid ${netuid})`}\n`);
  await new Promise<void>((done) => {
    const stop = () => void agent.close().then(() => leases?.close()).then(() => chain?.disconnect()).then(done);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return EXIT.ok;
}

async function specs(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...argv], strict: true, options: { "data-dir": { type: "string" }, sign: { type: "boolean", default: false }, "hotkey-file": { type: "string" } } });
  const r = await collectSpecs({ dataDir: resolve(io.cwd, values["data-dir"] ?? ".") });
  if (r.isErr()) throw new UsageError(`${r.error.source}: ${r.error.message}`);
  const out = values.sign ? signSpecsReport(r.value, await loadSigner(io, values["hotkey-file"])) : r.value;
  io.stdout(`${JSON.stringify(out)}\n`);
  return EXIT.ok;
}

const LEASE_OPTIONS = { "miner-hotkey": { type: "string" }, "hotkey-file": { type: "string" }, json: { type: "boolean", default: false } } as const;

/** The holder's lease client for `<miner-url> --miner-hotkey`. */
async function leaseClientFor(url: string | undefined, values: { "miner-hotkey"?: string; "hotkey-file"?: string }, io: CliIo) {
  if (url === undefined) throw new UsageError("give the <miner-url> of the agent");
  if (values["miner-hotkey"] === undefined) throw new UsageError("--miner-hotkey <ss58> is needed (the agent's hotkey, from the metagraph)");
  const signer = await loadSigner(io, values["hotkey-file"]);
  return createLeaseClient(createComputeClient({ baseUrl: url, signer, minerHotkey: values["miner-hotkey"] }));
}

/** Prints leases (one JSON object per line with --json) or the error, and picks the exit code. */
function printLeases(io: CliIo, json: boolean, r: Result<Lease | readonly Lease[], LeaseClientError>, extra?: (lease: Lease) => string): number {
  if (r.isOk()) {
    const leases: readonly Lease[] = "id" in r.value ? [r.value as Lease] : (r.value as readonly Lease[]);
    for (const lease of leases) io.stdout(json ? `${JSON.stringify({ ok: true, lease })}\n` : `${formatLeaseText(lease)}${extra?.(lease) ?? ""}`);
    if (!json && leases.length === 0) io.stdout("no leases\n");
    return EXIT.ok;
  }
  const e = r.error;
  const remote = e.type === "remote_error" ? { status: e.status, remoteType: e.remoteType } : {};
  if (json) io.stdout(`${JSON.stringify({ ok: false, error: { type: e.type, message: e.message, ...remote } })}\n`);
  else io.stderr(`crusades: ${e.message}${e.type === "remote_error" ? ` (${e.remoteType})` : ""}\n`);
  return match(e)
    .with({ type: "unreachable" }, { type: "timeout" }, () => EXIT.usage)
    .with({ type: "remote_error" }, { type: "auth_failed" }, { type: "bad_response" }, { type: "bad_lease_answer" }, { type: "invalid_lease_request" }, () => EXIT.rejected)
    .exhaustive();
}

const ALLOCATE_FLAGS: Record<string, string> = {
  gpuModel: "--gpu-model", gpuCount: "--gpus", cpuCores: "--cpus", memoryBytes: "--memory", diskBytes: "--disk", shmBytes: "--shm", durationSeconds: "--duration", sshPublicKeys: "--ssh-key", image: "--image",
};

async function allocate(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: {
    ...LEASE_OPTIONS, "ssh-key": { type: "string", multiple: true }, image: { type: "string" }, cpus: { type: "string" }, memory: { type: "string" }, disk: { type: "string" },
    shm: { type: "string" }, duration: { type: "string" }, gpus: { type: "string" }, "gpu-model": { type: "string" }, "known-hosts": { type: "string" },
    kind: { type: "string", default: "ssh" },
  } });
  if (positionals.length > 1) throw new UsageError("allocate takes one <miner-url>");
  const kind = values.kind;
  if (kind !== "ssh" && kind !== "engine") throw new UsageError(`--kind must be ssh or engine, got '${kind}'`);
  if (values.image === undefined) throw new UsageError("allocate needs --image <name@sha256:...> (one of the miner's allowed images)");
  const keys = (values["ssh-key"] ?? []).map((f) => new TextDecoder().decode(readInputFile(io, f)).trim());
  if (kind === "ssh" && keys.length === 0) throw new UsageError("allocate needs --ssh-key <file.pub> (your OpenSSH public key)");
  if (kind === "engine" && (keys.length > 0 || values["known-hosts"] !== undefined)) throw new UsageError("--kind engine takes no --ssh-key or --known-hosts (nobody logs in to an engine lease)");
  const gpuCount = intFlag(values.gpus, "--gpus", 0);
  const request = parseLeaseRequest({
    ...(values["gpu-model"] === undefined ? {} : { gpuModel: values["gpu-model"] }), gpuCount, cpuCores: intFlag(values.cpus, "--cpus", 1),
    memoryBytes: sizeFlag(values.memory, "--memory", 4 * 2 ** 30), diskBytes: sizeFlag(values.disk, "--disk", 20 * 2 ** 30), shmBytes: sizeFlag(values.shm, "--shm", 2 ** 30),
    durationSeconds: intFlag(values.duration, "--duration", 3600), sshPublicKeys: keys, image: values.image, kind,
  }, "request");
  if (request.isErr()) {
    const field = /^request\.([A-Za-z]+)/.exec(request.error.path)?.[1] ?? "";
    throw new UsageError(`${ALLOCATE_FLAGS[field] ?? "allocate"}: ${request.error.message}`);
  }
  const client = await leaseClientFor(positionals[0], values, io);
  io.stderr(kind === "ssh" ? "allocating (the miner creates the container and waits for sshd) ...\n" : "allocating an engine lease ...\n");
  const r = await client.create(request.value);
  const knownHosts = values["known-hosts"];
  if (r.isOk() && knownHosts !== undefined) {
    const line = leaseKnownHostsLine(r.value);
    if (line !== null) appendFileSync(resolve(io.cwd, knownHosts), `${line}\n`);
  }
  return printLeases(io, values.json, r, (lease) =>
    kind === "engine" ? `  crusades evaluate train.py --runner remote --agent ${positionals[0]} --miner-hotkey ${lease.minerHotkey} --lease ${lease.id} --pog-record <pog.json>\n`
    : knownHosts === undefined ? "  (pin the host key: --known-hosts <file>)\n" : `  ${leaseSshCommand(lease, knownHosts) ?? ""}\n`);
}

async function leaseOp(op: "renew" | "release" | "list", argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: { ...LEASE_OPTIONS, duration: { type: "string" } } });
  const [url, id, ...rest] = positionals;
  if (rest.length > 0 || (op !== "list" && id === undefined)) throw new UsageError(`${op} takes <miner-url>${op === "list" ? " [<lease-id>]" : " <lease-id>"}`);
  const duration = op === "renew" ? intFlag(values.duration, "--duration") : 0;
  const client = await leaseClientFor(url, values, io);
  const r = await match(op)
    .with("renew", () => client.renew(id as string, duration))
    .with("release", () => client.release(id as string))
    .with("list", () => (id === undefined ? client.list() : client.get(id)))
    .exhaustive();
  return printLeases(io, values.json, r);
}

/** Runs `crusades compute ...`; returns the exit code. */
export async function runCompute(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "-h" || sub === "--help" || rest.includes("--help") || rest.includes("-h")) {
    io.stdout(COMPUTE_HELP);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  return match(sub)
    .with("score", () => score(rest, io))
    .with("pog", () => pog(rest, io))
    .with("serve", () => serve(rest, io))
    .with("specs", () => specs(rest, io))
    .with("allocate", () => allocate(rest, io))
    .with("renew", "release", "list", (op) => leaseOp(op, rest, io))
    .otherwise(() => {
      throw new UsageError(`unknown compute command '${sub}' (see crusades compute --help)`);
    });
}
