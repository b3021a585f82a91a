/**
 * `crusades validate --remote-hosts <file.json>`: the engine leases a validator evaluates on
 * (compute.md §10.3). The file:
 *
 * ```json
 * { "hosts": [{ "agent": "http://miner:8091", "minerHotkey": "5F...", "lease": "<id>", "pogRecord": "pog-miner.json" }],
 *   "relativeTolerance": 0.02, "ownGpus": true }
 * ```
 *
 * `pogRecord` is the output of `crusades compute pog --json` against that miner by this validator,
 * read again for each submission (refresh it within the validity window). `ownGpus: false` evaluates
 * only on lease hosts. `unverifiedGpus: true` on a host skips the GPU check (CPU-image tests only).
 * @module
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { SubtensorClient } from "../chain/index.js";
import type { HotkeySigner } from "../compute/index.js";
import type { Hparams } from "../config/index.js";
import type { EvaluationRunner } from "../evaluation/index.js";
import type { Logger, RemoteHosts } from "../validator/index.js";
import { checkoutHarnessHash, engineLeaseRunner, type EngineLeaseTarget } from "./evaluate-remote.js";
import { type CliIo, UsageError } from "./io.js";

const HOST_KEYS = ["agent", "minerHotkey", "lease", "pogRecord", "unverifiedGpus"];
const FILE_KEYS = ["hosts", "relativeTolerance", "ownGpus"];
/** How long a hotkey's owner is remembered. */
const OWNER_CACHE_MS = 600_000;

function fail(file: string, message: string): never {
  throw new UsageError(`--remote-hosts ${file}: ${message}`);
}

function onlyKeys(file: string, o: Record<string, unknown>, keys: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(file, `${where}${k} is not a known field (${keys.join(", ")})`);
}

/** Reads and checks the file; a usage error names the field. */
export function readRemoteHostsFile(io: CliIo, file: string): { targets: EngineLeaseTarget[]; relativeTolerance: number; ownGpus: boolean } {
  const path = resolve(io.cwd, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    fail(file, `cannot read a JSON object (${(e as Error).message.split("\n")[0]})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail(file, "must be a JSON object");
  const o = raw as Record<string, unknown>;
  onlyKeys(file, o, FILE_KEYS, "");
  const tolerance = o.relativeTolerance ?? 0.02;
  if (typeof tolerance !== "number" || !(tolerance >= 0 && tolerance < 1)) fail(file, `relativeTolerance must be a number in [0, 1), got ${JSON.stringify(o.relativeTolerance)}`);
  if (o.ownGpus !== undefined && typeof o.ownGpus !== "boolean") fail(file, "ownGpus must be true or false");
  if (!Array.isArray(o.hosts) || o.hosts.length === 0) fail(file, "hosts must be a non-empty array");
  const targets = o.hosts.map((h: unknown, i): EngineLeaseTarget => {
    const where = `hosts[${i}].`;
    if (typeof h !== "object" || h === null || Array.isArray(h)) fail(file, `hosts[${i}] must be an object`);
    const x = h as Record<string, unknown>;
    onlyKeys(file, x, HOST_KEYS, where);
    for (const k of ["agent", "minerHotkey", "lease"]) if (typeof x[k] !== "string" || x[k] === "") fail(file, `${where}${k} must be a non-empty string`);
    if (!/^https?:\/\//.test(x.agent as string)) fail(file, `${where}agent must be an http(s) URL`);
    const unverified = x.unverifiedGpus ?? false;
    if (typeof unverified !== "boolean") fail(file, `${where}unverifiedGpus must be true or false`);
    if (unverified === (x.pogRecord !== undefined)) fail(file, `${where} needs exactly one of pogRecord (a crusades compute pog --json file) and unverifiedGpus: true`);
    if (x.pogRecord !== undefined && typeof x.pogRecord !== "string") fail(file, `${where}pogRecord must be a file name`);
    return {
      agent: x.agent as string, minerHotkey: x.minerHotkey as string, leaseId: x.lease as string, coldkey: null,
      pogRecordFile: x.pogRecord === undefined ? null : resolve(dirname(path), x.pogRecord as string),
    };
  });
  return { targets, relativeTolerance: tolerance, ownGpus: o.ownGpus !== false };
}

/**
 * The {@link RemoteHosts} of the file: each submission re-reads every lease (and its proof-of-GPU
 * file); a host that cannot be used now is logged and left out. Coldkeys come from the chain.
 */
export function remoteHostsFromFile(
  parsed: ReturnType<typeof readRemoteHostsFile>,
  o: { readonly io: CliIo; readonly hparams: Hparams; readonly signer: HotkeySigner; readonly client: SubtensorClient; readonly log: Logger; readonly image: "cpu" | "gpu" },
): RemoteHosts {
  const owners = new Map<string, { coldkey: string | null; atMs: number }>();
  const harnessHash = checkoutHarnessHash();
  const coldkeyOf = async (hotkey: string): Promise<string | null> => {
    const known = owners.get(hotkey);
    if (known !== undefined && Date.now() - known.atMs < OWNER_CACHE_MS) return known.coldkey;
    const read = await o.client.readOwner(hotkey);
    if (read.isErr()) {
      o.log.warn("cannot read a hotkey's owner; hosts sharing it are not used", { hotkey, error: read.error.message });
      return null;
    }
    owners.set(hotkey, { coldkey: read.value, atMs: Date.now() });
    return read.value;
  };
  return {
    relativeTolerance: parsed.relativeTolerance,
    ownRunner: parsed.ownGpus,
    coldkeyOf,
    runners: async () => {
      const runners: EvaluationRunner[] = [];
      for (const t of parsed.targets) {
        try {
          // The device and model are the validator's own choice, never what a lease's image is called.
          runners.push((await engineLeaseRunner({ ...t, image: o.image, coldkey: await coldkeyOf(t.minerHotkey) }, o.signer, o.io, o.hparams, harnessHash)).runner);
        } catch (e) {
          o.log.warn("lease host not usable now", { agent: t.agent, lease: t.leaseId, error: (e as Error).message });
        }
      }
      return runners;
    },
  };
}
