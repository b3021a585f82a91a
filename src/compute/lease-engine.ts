/**
 * The miner side of `engine` leases (compute.md §10.3): one evaluation step at a time per lease,
 * run by `src/evaluation`'s Docker runner (the same sandbox table, container lifecycle, exec of
 * the miner-code launcher and host deadline as a validator's own runs) pinned to the lease's
 * cores and GPU UUIDs. Inputs are written into a fresh run directory with the protocol's owners
 * and modes; the role's output files are read back by `lstat` (never following a link) with their
 * owners, listed in a record the miner's hotkey signs, and the directory is removed.
 * @module
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { chown, lstat, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type Docker from "dockerode";
import { err, errAsync, ok, okAsync, type Result, type ResultAsync } from "neverthrow";
import {
  CONTAINER_UIDS, containerNofile, createDockerRunner, dockerCall, type EvaluationImage, hardLimit, IMAGE_LABELS, mountFlags, prepareRunDirectory, REMOTE_FILE_NAME, REMOTE_STEP_DIRS,
  type RunDirectory, type RunParams, type StepOutcome, writeInputFile,
} from "../evaluation/index.js";
import type { Lease, LeaseError } from "./allocation.js";
import { type EngineJob, type EngineJobAccepted, type EngineJobStatus, type EngineOutputFile, engineJobDigest, MAX_ENGINE_FILES, sha256Hex } from "./engine-messages.js";
import { type EngineRecord, type EngineRecordFile, signEngineRecord } from "./engine-record.js";
import { LEASE_AGENT_LABEL, LEASE_LABEL, resolvePinnedImage } from "./lease-docker.js";
import type { HotkeySigner } from "./signing.js";

/** Options of {@link createLeaseEngine}. */
export interface LeaseEngineOptions {
  readonly docker: Docker;
  /** The miner's hotkey: it signs every job record. */
  readonly signer: HotkeySigner;
  /** Where job run directories are made (created if missing); keep it on a `noexec,nosuid,nodev` filesystem. */
  readonly workDir: string;
  /** Largest total of a job's output files sent back. @default 256 MiB */
  readonly maxOutputBytes?: number;
  /** Largest `pidsLimit` a job may ask for. @default 65536 */
  readonly maxPidsLimit?: number;
  /** Whether the agent runs as root (required: input files are given to the container users). @default uid 0 */
  readonly hostIsRoot?: boolean;
  /** @default 120000 (protocol §3.2) */
  readonly listeningTimeoutMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

/** The job runner of a lease backend. */
export interface LeaseEngine {
  /** `"strict"`, or `"handoff-exec"` when the work directory is not `noexec,nosuid,nodev` (spec §L.1.3). */
  readonly sandboxProfile: string;
  /** Starts `job` on `lease` (active, `engine`, checked by the caller); `agentId` labels its containers. */
  submit(lease: Lease, agentId: string, job: EngineJob): ResultAsync<EngineJobAccepted, LeaseError>;
  status(lease: Lease, jobId: string): Result<EngineJobStatus, LeaseError>;
  cancel(lease: Lease, jobId: string): Result<EngineJobStatus, LeaseError>;
  /** Stops the lease's job and forgets its result (the lease ended). */
  endLease(leaseId: string): void;
  /** Removes the run directories a previous process left behind. */
  cleanup(): void;
  /** Stops every job and waits for them. */
  close(): Promise<void>;
}

interface Slot {
  readonly jobId: string;
  status: EngineJobStatus;
  readonly controller: AbortController;
  done: Promise<void>;
}

const LOG_TAIL_BYTES = 256 * 1024;
const invalid = (path: string, message: string): LeaseError => ({ type: "invalid_lease_request", path, message: `${path} ${message}` });

/** Checks `in/params.json` against the job and the lease: the exec launch, no path overrides, the same run id and seed. */
function checkParams(lease: Lease, job: EngineJob): Result<RunParams, LeaseError> {
  const file = job.files.find((f) => f.dir === "in" && f.name === "params.json");
  if (file === undefined) return err(invalid("$.job.files", "must hold in/params.json"));
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(file.data)) as Record<string, unknown>;
  } catch {
    return err(invalid("in/params.json", "is not JSON"));
  }
  if (typeof p !== "object" || p === null || p.schema !== "crusades.run_params") return err(invalid("in/params.json", "is not a crusades.run_params document"));
  // `spawn` and `paths` are the local runner's: no user separation. Never on a lease.
  if (p.launch !== "exec" || p.paths !== undefined) return err(invalid("in/params.json", "must use launch \"exec\" without path overrides"));
  if (p.run_id !== job.runId || p.seed !== job.seed) return err(invalid("in/params.json", "must carry the job's runId and seed"));
  const gpus = Number(p.num_gpus);
  if (p.device !== "cpu" && p.device !== "cuda") return err(invalid("in/params.json", "device must be cpu or cuda"));
  if (!Number.isSafeInteger(gpus) || gpus < 1) return err(invalid("in/params.json", "num_gpus must be an integer >= 1"));
  if (p.device === "cuda" && lease.gpuUuids.length < gpus) return err(invalid("in/params.json", `asks for ${gpus} GPUs; the lease holds ${lease.gpuUuids.length}`));
  return ok(p as unknown as RunParams);
}

/** Writes the job's input files with the protocol's owners and modes (the timed batches readable by the trusted group only). */
async function writeInputs(dir: RunDirectory, job: EngineJob): Promise<void> {
  const U = CONTAINER_UIDS;
  for (const f of job.files) {
    if (f.dir === "in") {
      const w = await writeInputFile(job.role === "reference" ? dir.referenceIn : dir.candidateIn, f.name, f.data);
      if (w.isErr()) throw new Error(w.error.message);
      continue;
    }
    const path = join(dir.dirs[f.dir as "initial" | "shared" | "secret"], f.name);
    await writeFile(path, f.data, { mode: f.dir === "secret" ? 0o640 : 0o644, flag: "wx" });
    await chown(path, U.reference, f.dir === "secret" ? U.trustedGroup : U.reference);
  }
}

/**
 * Reads the role's output files (by `lstat`: a link is listed, never followed), the trusted
 * directories first: what the miner's code writes (the candidate's hand-over) can fill only what
 * is left of the count and byte bounds, so it can never push the supervisor's files out.
 */
async function collectOutputs(dir: RunDirectory, role: EngineJob["role"], maxBytes: number): Promise<{ files: EngineRecordFile[]; data: EngineOutputFile[] }> {
  const files: EngineRecordFile[] = [];
  const data: EngineOutputFile[] = [];
  let total = 0;
  const dirs = [...REMOTE_STEP_DIRS[role].outputs].sort((a, b) => Number(a === "candidate") - Number(b === "candidate"));
  for (const d of dirs) {
    const base = dir.dirs[d as keyof RunDirectory["dirs"]];
    const names = (await readdir(base).catch(() => [] as string[])).filter((n) => REMOTE_FILE_NAME.test(n)).sort();
    for (const name of names.slice(0, MAX_ENGINE_FILES - files.length)) {
      const st = await lstat(join(base, name));
      const regular = st.isFile();
      const omitted = regular && total + st.size > maxBytes;
      const bytes = regular && !omitted ? new Uint8Array(await readFile(join(base, name))) : null;
      if (bytes !== null) total += bytes.length;
      files.push({ dir: d, name, sizeBytes: regular ? st.size : 0, sha256: bytes === null ? null : sha256Hex(bytes), ownerUid: st.uid, regular, omitted });
      data.push({ dir: d, name, data: bytes });
    }
  }
  return { files, data };
}

async function logTails(dir: RunDirectory): Promise<Record<string, string>> {
  const logs: Record<string, string> = {};
  for (const name of await readdir(dir.logsDir).catch(() => [] as string[])) {
    if (!REMOTE_FILE_NAME.test(name)) continue;
    const bytes = await readFile(join(dir.logsDir, name)).catch(() => Buffer.alloc(0));
    logs[name] = bytes.subarray(Math.max(0, bytes.length - LOG_TAIL_BYTES)).toString("utf8");
  }
  return logs;
}

/**
 * Creates the engine of a lease backend.
 * @example
 * const engine = createLeaseEngine({ docker, signer: minerHotkey, workDir: "/var/lib/crusades/engine" })
 * const leases = createDockerLeaseBackend({ ..., engine })
 */
export function createLeaseEngine(options: LeaseEngineOptions): LeaseEngine {
  const { docker, signer, workDir, maxOutputBytes = 256 * 2 ** 20, maxPidsLimit = 65_536, hostIsRoot = process.getuid?.() === 0, listeningTimeoutMs = 120_000, now = Date.now, log = () => {} } = options;
  mkdirSync(workDir, { recursive: true, mode: 0o755 });
  const flags = mountFlags(workDir);
  const sandboxProfile = flags !== null && flags.noexec && flags.nosuid && flags.nodev ? "strict" : "handoff-exec";
  const slots = new Map<string, Slot>();

  async function execute(lease: Lease, agentId: string, job: EngineJob, params: RunParams, image: EvaluationImage, slot: Slot, digest: string): Promise<EngineJobStatus> {
    const ids = { leaseId: lease.id, jobId: slot.jobId };
    const startedAtMs = now();
    const prepared = await prepareRunDirectory(workDir, `job-${slot.jobId}`, { chownToContainerUsers: true });
    if (prepared.isErr()) return { state: "failed", ...ids, error: { type: "lease_backend_failed", message: prepared.error.message } };
    const dir = prepared.value;
    try {
      await writeInputs(dir, job);
      const cores = lease.request.cpuCores;
      const nanoCpus = cores * 1e9;
      const runner = createDockerRunner({
        docker, image, gpus: params.device === "cuda" ? { kind: "devices", deviceIds: [...lease.gpuUuids] } : { kind: "none" },
        memoryBytes: job.limits.memoryBytes, shmSizeBytes: job.limits.shmBytes, pidsLimit: job.limits.pidsLimit, tmpfsBytes: job.limits.tmpfsBytes,
        threadsPerProcess: Math.max(1, Math.floor(cores / params.num_gpus)), hostIsRoot: true, sandboxProfile,
        nofile: containerNofile(), memlockBytes: params.device === "cuda" ? hardLimit("Max locked memory") : null,
        listeningTimeoutMs, cpusetCpus: lease.cpuset, nanoCpus, labels: { [LEASE_LABEL]: lease.id, [LEASE_AGENT_LABEL]: agentId },
      });
      const input = { runId: `job-${slot.jobId}`, taskId: job.taskId, dir, params, deadlineMs: job.deadlineMs, signal: slot.controller.signal };
      const ran = await (job.role === "reference" ? runner.runReference(input) : runner.runCandidate(input));
      if (ran.isErr()) return { state: "failed", ...ids, error: { type: "lease_backend_failed", message: ran.error.message } };
      const o: StepOutcome = ran.value;
      const outputs = await collectOutputs(dir, job.role, maxOutputBytes);
      const endedAtMs = now();
      const record: EngineRecord = {
        schema: "crusades.engine_job_record", version: 1, leaseId: lease.id, jobId: slot.jobId, holderHotkey: lease.holderHotkey, minerHotkey: signer.address, jobDigest: digest,
        role: job.role, runId: job.runId, taskId: job.taskId, seed: job.seed, image: job.image, imageId: image.id, imageHarnessHash: image.harnessHash,
        cpuset: lease.cpuset, gpuUuids: params.device === "cuda" ? [...lease.gpuUuids] : [], limits: { ...job.limits, nanoCpus }, sandboxProfile,
        startedAtMs, endedAtMs, durationMs: Math.round(o.durationMs), end: o.end, exitCode: o.exitCode, oomKilled: o.oomKilled, hostError: o.hostError, outputs: outputs.files,
      };
      return { state: "finished", ...ids, record: signEngineRecord(signer, record), outputs: outputs.data, logs: await logTails(dir) };
    } catch (e) {
      return { state: "failed", ...ids, error: { type: "lease_backend_failed", message: `job ${slot.jobId}: ${e instanceof Error ? e.message : String(e)}` } };
    } finally {
      await rm(dir.root, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  const slotOf = (lease: Lease, jobId: string): Result<Slot, LeaseError> => {
    const slot = slots.get(lease.id);
    return slot !== undefined && slot.jobId === jobId ? ok(slot) : err({ type: "job_not_found", jobId, message: `lease ${lease.id} has no job ${jobId}` });
  };

  return {
    sandboxProfile,
    submit(lease, agentId, job) {
      if (!hostIsRoot) return errAsync({ type: "lease_backend_failed", message: "engine jobs need the agent to run as root (input files are given to the container users)", cause: null });
      const busy = slots.get(lease.id);
      if (busy?.status.state === "running") return errAsync({ type: "lease_busy", leaseId: lease.id, jobId: busy.jobId, message: `lease ${lease.id} is running job ${busy.jobId}` });
      const params = checkParams(lease, job);
      if (params.isErr()) return errAsync(params.error);
      if (now() + job.deadlineMs > lease.expiresAtMs) return errAsync(invalid("$.job.deadlineMs", "reaches past the lease's expiry; renew the lease first"));
      const l = job.limits;
      const over = l.memoryBytes > lease.request.memoryBytes ? "memoryBytes" : l.shmBytes > lease.request.shmBytes ? "shmBytes" : l.tmpfsBytes > l.memoryBytes ? "tmpfsBytes" : l.pidsLimit > maxPidsLimit ? "pidsLimit" : null;
      if (over !== null) return errAsync(invalid(`$.job.limits.${over}`, "is more than the lease (or the memory limit) allows"));
      // The slot is taken now, before any await: a second request while the image is resolved
      // finds the lease busy, and an end of the lease meanwhile aborts this job before it starts.
      const jobId = randomBytes(16).toString("hex");
      const slot: Slot = { jobId, status: { state: "running", leaseId: lease.id, jobId }, controller: new AbortController(), done: Promise.resolve() };
      slots.set(lease.id, slot);
      const release = (e: LeaseError): LeaseError => {
        if (slots.get(lease.id) === slot) slots.delete(lease.id);
        return e;
      };
      return resolvePinnedImage(docker, job.image)
        .andThen((id) => dockerCall("inspect image", () => docker.getImage(id).inspect(), job.image).mapErr((e): LeaseError => ({ type: "lease_backend_failed", message: e.message, cause: e })))
        .mapErr(release)
        .andThen((info) => {
          if (slot.controller.signal.aborted || slots.get(lease.id) !== slot) return errAsync(release({ type: "lease_not_active", leaseId: lease.id, state: "released", message: `lease ${lease.id} ended before job ${jobId} started` }));
          const labels: Record<string, string> = info.Config?.Labels ?? {};
          const image: EvaluationImage = {
            ref: info.Id, tag: job.image, id: info.Id, repoDigests: info.RepoDigests ?? [], device: params.value.device, model: params.value.model,
            harnessVersion: labels[IMAGE_LABELS.harnessVersion] ?? null, harnessHash: labels[IMAGE_LABELS.harnessHash] ?? null, built: false,
          };
          const digest = engineJobDigest(lease.id, job);
          log(`lease ${lease.id}: job ${jobId} (${job.role} of run ${job.runId}) started`);
          slot.done = execute(lease, agentId, job, params.value, image, slot, digest).then((status) => {
            slot.status = status;
            log(`lease ${lease.id}: job ${jobId} ${status.state}${status.state === "failed" ? `: ${status.error.message}` : ""}`);
          });
          return okAsync({ leaseId: lease.id, jobId, jobDigest: digest });
        });
    },
    status: (lease, jobId) => slotOf(lease, jobId).map((s) => s.status),
    cancel: (lease, jobId) =>
      slotOf(lease, jobId).map((s) => {
        s.controller.abort();
        return s.status;
      }),
    endLease(leaseId) {
      slots.get(leaseId)?.controller.abort();
      slots.delete(leaseId);
    },
    cleanup() {
      for (const name of readdirSync(workDir)) if (/^job-[0-9a-f]{32}$/.test(name)) rmSync(join(workDir, name), { recursive: true, force: true });
    },
    async close() {
      for (const s of slots.values()) s.controller.abort();
      await Promise.all([...slots.values()].map((s) => s.done));
    },
  };
}
