/**
 * `crusades evaluate --runner remote`: the runner on an engine lease (compute.md §10.3), from the
 * flags `--agent <url> --miner-hotkey <ss58> --lease <id>` and either `--pog-record <file>` (the
 * JSON of `crusades compute pog --json`: the lease's GPUs must be verified in it) or
 * `--unverified-gpus` (CPU image and your own code only).
 * @module
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { match } from "ts-pattern";
import type { Hparams } from "../config/index.js";
import {
  createComputeClient, createEngineRunner, createLeaseClient, engineJobLimits, type HotkeySigner, type Lease, type LeaseClientError, type LeaseGpuEvidence, type PogRecord,
  UNVERIFIED_GPUS_FOR_TESTS,
} from "../compute/index.js";
import { computeHarnessHash, CPU_MODEL, findEnvironmentDir, type EvaluationRunner } from "../evaluation/index.js";
import { loadSigner } from "./compute.js";
import { type CliIo, UsageError } from "./io.js";

/** The flags of the remote runner. */
export interface RemoteRunnerFlags {
  readonly agent?: string;
  readonly "miner-hotkey"?: string;
  readonly lease?: string;
  readonly "hotkey-file"?: string;
  readonly "miner-coldkey"?: string;
  readonly "pog-record"?: string;
  readonly "unverified-gpus"?: boolean;
  /** `cpu` | `gpu`, or `undefined` to infer it from the lease's image name. */
  readonly image?: string;
}

/** The prepared remote runner and what to tell the user. */
export interface PreparedRemoteRunner {
  readonly runner: EvaluationRunner;
  readonly lease: Lease;
  readonly warnings: readonly string[];
}

export const UNVERIFIED_GPUS_WARNING =
  "WARNING: --unverified-gpus: the lease's GPUs are not checked by proof-of-GPU. For the CPU image and your own code only; " +
  "a validator evaluates only on leases whose GPUs it verified (compute.md §10.3), and the run's provenance says unverified_for_tests.";

function leaseErrorLine(e: LeaseClientError): string {
  return match(e)
    .with({ type: "remote_error" }, (x) => `${x.message} (${x.remoteType})`)
    .otherwise((x) => x.message);
}

function readPogRecord(io: CliIo, file: string): PogRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(io.cwd, file), "utf8"));
  } catch {
    throw new UsageError(`${file}: cannot read the JSON of crusades compute pog --json`);
  }
  const o = raw as { ok?: unknown; record?: unknown; gpus?: unknown };
  const record = (o.record ?? raw) as PogRecord;
  if (o.ok === false || typeof record !== "object" || record === null || !Array.isArray(record.gpus)) throw new UsageError(`${file}: not a passed proof-of-GPU record`);
  return record;
}

/** One engine lease to evaluate on: the agent, its miner, the lease, and the GPU evidence. */
export interface EngineLeaseTarget {
  readonly agent: string;
  readonly minerHotkey: string;
  readonly leaseId: string;
  /** A file of `crusades compute pog --json`, or `null` for {@link UNVERIFIED_GPUS_FOR_TESTS}. */
  readonly pogRecordFile: string | null;
  readonly coldkey: string | null;
  /** `cpu` | `gpu`, or `undefined` to infer it from the lease's image name. */
  readonly image?: string;
}

/** The harness hash of this checkout's evaluation environment: what a lease's image must run. */
export function checkoutHarnessHash(): string | null {
  const environmentDir = findEnvironmentDir();
  return environmentDir === null ? null : (computeHarnessHash(environmentDir)?.hash ?? null);
}

/**
 * Reads the lease and builds its runner; a usage error names what is wrong with it.
 * `harnessHash` is {@link checkoutHarnessHash}, computed once by the caller (it hashes files).
 */
export async function engineLeaseRunner(target: EngineLeaseTarget, signer: HotkeySigner, io: CliIo, hparams: Hparams, harnessHash: string | null): Promise<{ runner: EvaluationRunner; lease: Lease }> {
  const client = createComputeClient({ baseUrl: target.agent, signer, minerHotkey: target.minerHotkey });
  const got = await createLeaseClient(client).get(target.leaseId);
  if (got.isErr()) throw new UsageError(`lease ${target.leaseId}: ${leaseErrorLine(got.error)}`);
  const lease = got.value;
  // The image pin of hparams (spec L.6) holds for a lease's image as for the local one.
  const pinned = hparams.sandbox.image_digest;
  if (pinned !== null && !lease.request.image.endsWith(`@${pinned}`)) throw new UsageError(`lease ${target.leaseId}: its image ${lease.request.image} is not the pinned sandbox.image_digest ${pinned}`);
  const gpus: LeaseGpuEvidence = target.pogRecordFile === null
    ? UNVERIFIED_GPUS_FOR_TESTS
    : { kind: "pog", record: readPogRecord(io, target.pogRecordFile), nowMs: Date.now(), allowedModels: hparams.basilica.gpu_models, validatorHotkey: signer.address };
  const choice = target.image ?? (/(^|[-_/:])cpu([-_:.@]|$)/.test(lease.request.image) ? "cpu" : "gpu");
  if (choice !== "cpu" && choice !== "gpu") throw new UsageError("a remote runner takes --image cpu or gpu (the image is the lease's)");
  const runner = createEngineRunner({
    client, lease, gpus, coldkey: target.coldkey, limits: engineJobLimits(hparams),
    image: { device: choice === "cpu" ? "cpu" : "cuda", model: choice === "cpu" ? CPU_MODEL : hparams.benchmark_model_name, harnessHash },
  });
  if (runner.isErr()) throw new UsageError(`lease ${target.leaseId}: ${runner.error.message}`);
  return { runner: runner.value, lease };
}

/** Reads the lease and builds the runner; usage errors for missing flags, an unusable or unverified lease. */
export async function prepareRemoteRunner(flags: RemoteRunnerFlags, io: CliIo, hparams: Hparams): Promise<PreparedRemoteRunner> {
  const { agent, lease: leaseId } = flags;
  const minerHotkey = flags["miner-hotkey"];
  if (agent === undefined || minerHotkey === undefined || leaseId === undefined) throw new UsageError("--runner remote needs --agent <url> --miner-hotkey <ss58> --lease <id> (an engine lease: crusades compute allocate --kind engine)");
  if (flags["pog-record"] === undefined && !flags["unverified-gpus"]) throw new UsageError("--runner remote needs --pog-record <file> (crusades compute pog --json of that miner) or --unverified-gpus (CPU image, your own code)");
  const signer = await loadSigner(io, flags["hotkey-file"]);
  const { runner, lease } = await engineLeaseRunner(
    { agent, minerHotkey, leaseId, pogRecordFile: flags["pog-record"] ?? null, coldkey: flags["miner-coldkey"] ?? null, ...(flags.image === undefined ? {} : { image: flags.image }) },
    signer, io, hparams, checkoutHarnessHash(),
  );
  return { runner, lease, warnings: flags["pog-record"] === undefined ? [UNVERIFIED_GPUS_WARNING] : [] };
}
