/**
 * `crusades compute <score|pog|serve|specs>` (compute.md §4.3, §10.1-10.2, §2.3): thin wrappers
 * over `src/compute`.
 * @module
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { match } from "ts-pattern";
import {
  collectSpecs, computeScore, createComputeAgent, createComputeClient, createNonceStore, createProcessProverLauncher,
  type HotkeySigner, hotkeySignerFromUri, type PogPrecision, runPog, signSpecsReport, validateScoreTable,
} from "../compute/index.js";
import { type CliIo, EXIT, UsageError } from "./io.js";

export const COMPUTE_HELP = `Usage: crusades compute <command> [options]

Commands:
  score --gpu <name> --count <n> [--allocated] [--table <file.json>] [--json]
        the compute score (0-100; +100 with --allocated, the allocation bonus)
  pog <miner-url> --miner-hotkey <ss58> [--precision fp16,fp32] [--size <n>:<steps>] [--json]
        run proof-of-GPU against a miner agent (signed with the validator hotkey)
  serve [--host 0.0.0.0] [--port 8091] [--allow-hotkeys a,b] [--allow-coldkeys a,b]
        [--deny-hotkeys a,b] [--deny-coldkeys a,b] [--device auto|cuda|cpu] [--python python3]
        [--nonce-file <path>]
        the miner agent: answers proof-of-GPU and reports specs to permitted validators
  specs [--data-dir <dir>] [--sign]
        print this host's hardware specs as JSON (signed with the hotkey with --sign)

Hotkey: --hotkey-file <file holding the secret URI> or $CRUSADES_HOTKEY_URI (sr25519).
Exit status: 0 ok, 1 rejected or failed, 2 usage or I/O error.
`;

const list = (v: string | undefined) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);

async function loadSigner(io: CliIo, file: string | undefined): Promise<HotkeySigner> {
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

async function serve(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...argv], strict: true, options: {
    host: { type: "string", default: "0.0.0.0" }, port: { type: "string", default: "8091" }, "hotkey-file": { type: "string" },
    "allow-hotkeys": { type: "string" }, "allow-coldkeys": { type: "string" }, "deny-hotkeys": { type: "string" }, "deny-coldkeys": { type: "string" },
    device: { type: "string", default: "auto" }, python: { type: "string", default: "python3" }, "nonce-file": { type: "string" },
  } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got '${values.port}'`);
  if (!["auto", "cuda", "cpu"].includes(values.device)) throw new UsageError(`--device must be auto, cuda or cpu`);
  const signer = await loadSigner(io, values["hotkey-file"]);
  const allowHotkeys = list(values["allow-hotkeys"]);
  const allowColdkeys = list(values["allow-coldkeys"]);
  // No metagraph lookup is wired yet: only allow-listed validators are accepted (fail closed).
  if (allowHotkeys.length === 0) io.stderr("crusades: warning: no --allow-hotkeys and no metagraph lookup: every caller will be rejected\n");
  const agent = createComputeAgent({
    signer,
    policy: { allowHotkeys, allowColdkeys, denyHotkeys: list(values["deny-hotkeys"]), denyColdkeys: list(values["deny-coldkeys"]) },
    launcher: createProcessProverLauncher({ python: values.python, args: ["--device", values.device], onLog: (t) => io.stderr(t) }),
    nonces: createNonceStore({ persistPath: values["nonce-file"] }),
    specs: () => collectSpecs(),
    log: (line) => io.stderr(`${new Date().toISOString()} ${line}\n`),
  });
  const address = await agent.listen(port, values.host);
  io.stdout(`compute agent ${signer.address} listening on http://${address.host}:${address.port}\n`);
  await new Promise<void>((done) => {
    const stop = () => void agent.close().then(done);
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
    .otherwise(() => {
      throw new UsageError(`unknown compute command '${sub}' (see crusades compute --help)`);
    });
}
