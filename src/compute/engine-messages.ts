/**
 * The job messages of `engine` leases (compute.md §10.3, docs/compute.md "Engine leases"): a job
 * is one evaluation step (reference or candidate) with its input files, read on the miner side
 * with unknown keys rejected; the answers (accepted, running, finished with the signed record and
 * the output files) are read on the holder side. Files travel base64-encoded with their SHA-256.
 * @module
 */
import { createHash } from "node:crypto";
import type { Result } from "neverthrow";
import { REMOTE_DIRS, REMOTE_FILE_NAME, REMOTE_STEP_DIRS, type RemoteDir, type SandboxLimits } from "../evaluation/index.js";
import { canonicalJson, FieldError, read } from "./json.js";
import { guardFields, type InvalidLeaseRequestError, PINNED_IMAGE, readEnvelope } from "./lease-schema.js";
import { HEX32, parseEngineRecord, SHA256, type SignedEngineRecord } from "./engine-record.js";

/** Version of the job messages. */
export const ENGINE_MESSAGE_VERSION = 1;
/** Most files in a job or an answer. */
export const MAX_ENGINE_FILES = 64;

/** The sandbox limits a job asks for (those of the evaluation sandbox); each at most what the lease holds. */
export type EngineJobLimits = SandboxLimits;

/** A file of a job, decoded. */
export interface EngineFile {
  readonly dir: RemoteDir;
  readonly name: string;
  readonly sha256: string;
  readonly data: Uint8Array;
}

/**
 * One evaluation step. The command and exec plan are the role's (protocol §3.1, §3.2), fixed by
 * the miner's engine: the holder sends no command, user or container option.
 */
export interface EngineJob {
  readonly role: "reference" | "candidate";
  /** `name@sha256:...`, one of the miner's allowed images. */
  readonly image: string;
  /** The run id of `params.json` (`run_id`). */
  readonly runId: string;
  /** The run number (`task_id`, spec §E.1). */
  readonly taskId: number;
  /** The E.1 seed; must equal `params.json` `seed`. */
  readonly seed: string;
  /** The step's total wall-clock deadline, enforced by the miner's engine. */
  readonly deadlineMs: number;
  readonly limits: EngineJobLimits;
  readonly files: readonly EngineFile[];
}

/** A finished job's output file as sent (data `null` when not a regular file or left out for size). */
export interface EngineOutputFile {
  readonly dir: RemoteDir;
  readonly name: string;
  readonly data: Uint8Array | null;
}

/** The state of a job as the holder reads it. */
export type EngineJobStatus =
  | { readonly state: "running"; readonly leaseId: string; readonly jobId: string }
  | { readonly state: "finished"; readonly leaseId: string; readonly jobId: string; readonly record: SignedEngineRecord; readonly outputs: readonly EngineOutputFile[]; readonly logs: Readonly<Record<string, string>> }
  | { readonly state: "failed"; readonly leaseId: string; readonly jobId: string; readonly error: { readonly type: string; readonly message: string } };

/** `POST /v1/leases/:id/jobs` answer. */
export interface EngineJobAccepted {
  readonly leaseId: string;
  readonly jobId: string;
  /** {@link engineJobDigest} of the job as the miner read it. */
  readonly jobDigest: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX = Number.MAX_SAFE_INTEGER;

/** Lowercase hex SHA-256. */
export const sha256Hex = (data: Uint8Array | string): string => createHash("sha256").update(data).digest("hex");

/**
 * The digest that binds a job's record to the job: SHA-256 of the canonical JSON of the lease id
 * and every job field, files by name, size and SHA-256. Both sides compute it.
 */
export function engineJobDigest(leaseId: string, job: EngineJob): string {
  const files = job.files.map((f) => ({ dir: f.dir, name: f.name, sha256: f.sha256, sizeBytes: f.data.length }));
  return sha256Hex(canonicalJson({ leaseId, role: job.role, image: job.image, runId: job.runId, taskId: job.taskId, seed: job.seed, deadlineMs: job.deadlineMs, limits: job.limits, files }));
}

function decode(v: unknown, path: string): Uint8Array {
  const text = read.string(v, path, undefined, 1 << 30);
  if (!BASE64.test(text)) throw new FieldError(`${path} must be base64`);
  return new Uint8Array(Buffer.from(text, "base64"));
}

function file(v: unknown, path: string, dirs: readonly RemoteDir[]): EngineFile {
  const o = read.object(v, path);
  read.keys(o, path, ["dir", "name", "sha256", "data"]);
  const f = { dir: read.literal(o.dir, `${path}.dir`, dirs), name: read.string(o.name, `${path}.name`, REMOTE_FILE_NAME, 128), sha256: read.string(o.sha256, `${path}.sha256`, SHA256), data: decode(o.data, `${path}.data`) };
  if (sha256Hex(f.data) !== f.sha256) throw new FieldError(`${path}.sha256 does not match the file's data`);
  return f;
}

const message = (value: unknown, type: string, keys: readonly string[]) => readEnvelope(value, ENGINE_MESSAGE_VERSION, type, keys);

/** `POST /v1/leases/:id/jobs` body `{version, type: "lease.job", job}` (miner side). */
export function parseEngineJobMessage(value: unknown): Result<EngineJob, InvalidLeaseRequestError> {
  return guardFields(() => {
    const o = read.object(message(value, "lease.job", ["job"]).job, "$.job");
    read.keys(o, "$.job", ["role", "image", "runId", "taskId", "seed", "deadlineMs", "limits", "files"]);
    const role = read.literal(o.role, "$.job.role", ["reference", "candidate"] as const);
    const l = read.object(o.limits, "$.job.limits");
    read.keys(l, "$.job.limits", ["memoryBytes", "shmBytes", "pidsLimit", "tmpfsBytes"]);
    const files = read.array(o.files, "$.job.files", MAX_ENGINE_FILES).map((f, i) => file(f, `$.job.files[${i}]`, REMOTE_STEP_DIRS[role].inputs));
    const names = files.map((f) => `${f.dir}/${f.name}`);
    if (new Set(names).size !== names.length) throw new FieldError("$.job.files lists a file twice");
    return {
      role,
      image: read.string(o.image, "$.job.image", PINNED_IMAGE, 300),
      runId: read.string(o.runId, "$.job.runId", /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/),
      taskId: read.int(o.taskId, "$.job.taskId", 0, MAX),
      seed: read.string(o.seed, "$.job.seed", /^[^\s]{1,200}$/),
      deadlineMs: read.int(o.deadlineMs, "$.job.deadlineMs", 1_000, 7 * 86_400_000),
      limits: {
        memoryBytes: read.int(l.memoryBytes, "$.job.limits.memoryBytes", 64 << 20, MAX),
        shmBytes: read.int(l.shmBytes, "$.job.limits.shmBytes", 1 << 20, MAX),
        pidsLimit: read.int(l.pidsLimit, "$.job.limits.pidsLimit", 16, 1 << 22),
        tmpfsBytes: read.int(l.tmpfsBytes, "$.job.limits.tmpfsBytes", 1 << 20, MAX),
      },
      files,
    };
  });
}

/** The wire form of a job (holder side). */
export function engineJobMessage(job: EngineJob): unknown {
  const files = job.files.map((f) => ({ dir: f.dir, name: f.name, sha256: f.sha256, data: Buffer.from(f.data).toString("base64") }));
  return { version: ENGINE_MESSAGE_VERSION, type: "lease.job", job: { ...job, files } };
}

/** `{version, type: "lease.job.accepted", leaseId, jobId, jobDigest}` (holder side). */
export function parseEngineAccepted(value: unknown): Result<EngineJobAccepted, InvalidLeaseRequestError> {
  return guardFields(() => {
    const o = message(value, "lease.job.accepted", ["leaseId", "jobId", "jobDigest"]);
    return { leaseId: read.string(o.leaseId, "$.leaseId", HEX32), jobId: read.string(o.jobId, "$.jobId", HEX32), jobDigest: read.string(o.jobDigest, "$.jobDigest", SHA256) };
  });
}

/** The wire form of a job's status (miner side). */
export function engineStatusMessage(status: EngineJobStatus): unknown {
  if (status.state !== "finished") return { version: ENGINE_MESSAGE_VERSION, type: "lease.job.status", ...status };
  const outputs = status.outputs.map((f) => ({ dir: f.dir, name: f.name, data: f.data === null ? null : Buffer.from(f.data).toString("base64") }));
  return { version: ENGINE_MESSAGE_VERSION, type: "lease.job.status", ...status, outputs };
}

/** `{version, type: "lease.job.status", state, ...}` (holder side); output data is checked against the record later. */
export function parseEngineStatus(value: unknown): Result<EngineJobStatus, InvalidLeaseRequestError> {
  return guardFields(() => {
    const o = read.object(value, "$");
    read.literal(o.version, "$.version", [ENGINE_MESSAGE_VERSION]);
    read.literal(o.type, "$.type", ["lease.job.status"]);
    const state = read.literal(o.state, "$.state", ["running", "finished", "failed"] as const);
    const ids = { leaseId: read.string(o.leaseId, "$.leaseId", HEX32), jobId: read.string(o.jobId, "$.jobId", HEX32) };
    if (state === "running") return { state, ...ids };
    if (state === "failed") {
      const e = read.object(o.error, "$.error");
      return { state, ...ids, error: { type: read.string(e.type, "$.error.type", undefined, 64), message: read.string(e.message, "$.error.message", undefined, 4096) } };
    }
    const record = parseEngineRecord(o.record, "$.record");
    const outputs = read.array(o.outputs, "$.outputs", MAX_ENGINE_FILES).map((v, i) => {
      const f = read.object(v, `$.outputs[${i}]`);
      read.keys(f, `$.outputs[${i}]`, ["dir", "name", "data"]);
      return { dir: read.literal(f.dir, `$.outputs[${i}].dir`, REMOTE_DIRS), name: read.string(f.name, `$.outputs[${i}].name`, REMOTE_FILE_NAME, 128), data: f.data === null ? null : decode(f.data, `$.outputs[${i}].data`) };
    });
    const logs: Record<string, string> = {};
    const logEntries = Object.entries(read.object(o.logs, "$.logs"));
    if (logEntries.length > MAX_ENGINE_FILES) throw new FieldError(`$.logs holds more than ${MAX_ENGINE_FILES} logs`);
    for (const [name, text] of logEntries) {
      if (!REMOTE_FILE_NAME.test(name)) throw new FieldError(`$.logs.${name} is not a log file name`);
      logs[name] = read.string(text, `$.logs.${name}`, undefined, 1 << 20);
    }
    return { state, ...ids, record, outputs, logs };
  });
}
