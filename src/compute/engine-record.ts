/**
 * The signed record of an engine job (compute.md §10.3): what ran (lease, image, role, run id,
 * task id, seed, the digest of the job with its inputs, the cpuset, GPUs and limits), when (start
 * and end on the miner's clock), how it ended (end, exit status, OOM flag, host error), and each
 * output file by size, SHA-256 and owner. The miner's hotkey signs the canonical JSON of the
 * record, so the validator can keep it with the run and anyone can check it later, offline.
 * @module
 */
import { bytesToHex } from "@noble/hashes/utils.js";
import { REMOTE_DIRS, REMOTE_FILE_NAME, type RemoteDir } from "../evaluation/index.js";
import { canonicalJson, FieldError, read } from "./json.js";
import { type HotkeySigner, verifySignature } from "./signing.js";

/** The domain line in front of the canonical JSON that the miner signs. */
export const ENGINE_RECORD_DOMAIN = "crusades-engine-record-v1";

/** An output file as recorded. */
export interface EngineRecordFile {
  readonly dir: RemoteDir;
  readonly name: string;
  readonly sizeBytes: number;
  /** `null` for a non-regular entry or a file left out for size. */
  readonly sha256: string | null;
  readonly ownerUid: number | null;
  readonly regular: boolean;
  /** Left out because the outputs exceeded the miner's size bound. */
  readonly omitted: boolean;
}

/** The record of one job. */
export interface EngineRecord {
  readonly schema: "crusades.engine_job_record";
  readonly version: 1;
  readonly leaseId: string;
  readonly jobId: string;
  readonly holderHotkey: string;
  readonly minerHotkey: string;
  /** `engineJobDigest` of the job as the miner read it. */
  readonly jobDigest: string;
  readonly role: "reference" | "candidate";
  readonly runId: string;
  readonly taskId: number;
  readonly seed: string;
  readonly image: string;
  /** The local image id the containers ran (`sha256:...`). */
  readonly imageId: string;
  /** The image's `org.crusades.harness_hash` label. */
  readonly imageHarnessHash: string | null;
  readonly cpuset: string;
  readonly gpuUuids: readonly string[];
  readonly limits: { readonly memoryBytes: number; readonly shmBytes: number; readonly pidsLimit: number; readonly tmpfsBytes: number; readonly nanoCpus: number };
  /** `"strict"`, or `"handoff-exec"` when the miner's work directory is not `noexec,nosuid,nodev`. */
  readonly sandboxProfile: string;
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly durationMs: number;
  readonly end: "exited" | "deadline_exceeded" | "aborted";
  readonly exitCode: number | null;
  readonly oomKilled: boolean;
  readonly hostError: string | null;
  readonly outputs: readonly EngineRecordFile[];
}

/** A record with the miner's signature (`0x` + 128 hex, sr25519 over {@link engineRecordMessage}). */
export interface SignedEngineRecord {
  readonly record: EngineRecord;
  readonly signature: string;
}

const encoder = new TextEncoder();

/** The bytes the miner signs: the domain line, a newline, the canonical JSON of the record. */
export function engineRecordMessage(record: EngineRecord): Uint8Array {
  return encoder.encode(`${ENGINE_RECORD_DOMAIN}\n${canonicalJson(record)}`);
}

/** Signs a record with the miner's hotkey (needs `cryptoReady()`). */
export function signEngineRecord(signer: HotkeySigner, record: EngineRecord): SignedEngineRecord {
  return { record, signature: `0x${bytesToHex(signer.sign(engineRecordMessage(record)))}` };
}

/** `true` iff the record is signed by `minerHotkey` and names it (needs `cryptoReady()`). */
export function verifyEngineRecord(signed: SignedEngineRecord, minerHotkey: string): boolean {
  return signed.record.minerHotkey === minerHotkey && verifySignature(engineRecordMessage(signed.record), signed.signature, minerHotkey);
}

/** A lease or job id: 128 bits, lowercase hex. */
export const HEX32 = /^[0-9a-f]{32}$/;
/** A lowercase hex SHA-256. */
export const SHA256 = /^[0-9a-f]{64}$/;
const MAX = Number.MAX_SAFE_INTEGER;
const str = (v: unknown, p: string) => read.string(v, p, undefined, 4096);
const nullable = <T>(v: unknown, f: (x: unknown) => T): T | null => (v === null ? null : f(v));
const flag = (v: unknown, p: string): boolean => {
  if (typeof v !== "boolean") throw new FieldError(`${p} must be a boolean`);
  return v;
};

/**
 * Reads a signed record (holder side) with every field checked and no unknown key, so that what
 * is verified and stored is exactly what was signed.
 * @throws FieldError (caught by the message parsers)
 */
export function parseEngineRecord(v: unknown, p: string): SignedEngineRecord {
  const s = read.object(v, p);
  read.keys(s, p, ["record", "signature"]);
  const rp = `${p}.record`;
  const o = read.object(s.record, rp);
  read.keys(o, rp, [
    "schema", "version", "leaseId", "jobId", "holderHotkey", "minerHotkey", "jobDigest", "role", "runId", "taskId", "seed", "image", "imageId", "imageHarnessHash",
    "cpuset", "gpuUuids", "limits", "sandboxProfile", "startedAtMs", "endedAtMs", "durationMs", "end", "exitCode", "oomKilled", "hostError", "outputs",
  ]);
  const l = read.object(o.limits, `${rp}.limits`);
  read.keys(l, `${rp}.limits`, ["memoryBytes", "shmBytes", "pidsLimit", "tmpfsBytes", "nanoCpus"]);
  const limit = (k: string) => read.int(l[k], `${rp}.limits.${k}`, 0, MAX);
  const record: EngineRecord = {
    schema: read.literal(o.schema, `${rp}.schema`, ["crusades.engine_job_record"] as const),
    version: read.literal(o.version, `${rp}.version`, [1] as const),
    leaseId: read.string(o.leaseId, `${rp}.leaseId`, HEX32),
    jobId: read.string(o.jobId, `${rp}.jobId`, HEX32),
    holderHotkey: str(o.holderHotkey, `${rp}.holderHotkey`),
    minerHotkey: str(o.minerHotkey, `${rp}.minerHotkey`),
    jobDigest: read.string(o.jobDigest, `${rp}.jobDigest`, SHA256),
    role: read.literal(o.role, `${rp}.role`, ["reference", "candidate"] as const),
    runId: str(o.runId, `${rp}.runId`),
    taskId: read.int(o.taskId, `${rp}.taskId`, 0, MAX),
    seed: str(o.seed, `${rp}.seed`),
    image: str(o.image, `${rp}.image`),
    imageId: str(o.imageId, `${rp}.imageId`),
    imageHarnessHash: nullable(o.imageHarnessHash, (x) => str(x, `${rp}.imageHarnessHash`)),
    cpuset: str(o.cpuset, `${rp}.cpuset`),
    gpuUuids: read.array(o.gpuUuids, `${rp}.gpuUuids`, 64).map((u, i) => str(u, `${rp}.gpuUuids[${i}]`)),
    limits: { memoryBytes: limit("memoryBytes"), shmBytes: limit("shmBytes"), pidsLimit: limit("pidsLimit"), tmpfsBytes: limit("tmpfsBytes"), nanoCpus: limit("nanoCpus") },
    sandboxProfile: read.string(o.sandboxProfile, `${rp}.sandboxProfile`, /^[a-z0-9-]{1,64}$/),
    startedAtMs: read.int(o.startedAtMs, `${rp}.startedAtMs`, 0, MAX),
    endedAtMs: read.int(o.endedAtMs, `${rp}.endedAtMs`, 0, MAX),
    durationMs: read.number(o.durationMs, `${rp}.durationMs`),
    end: read.literal(o.end, `${rp}.end`, ["exited", "deadline_exceeded", "aborted"] as const),
    exitCode: nullable(o.exitCode, (x) => read.int(x, `${rp}.exitCode`, -(2 ** 31), 2 ** 32)),
    oomKilled: flag(o.oomKilled, `${rp}.oomKilled`),
    hostError: nullable(o.hostError, (x) => str(x, `${rp}.hostError`)),
    outputs: read.array(o.outputs, `${rp}.outputs`, 64).map((f, i) => {
      const fp = `${rp}.outputs[${i}]`;
      const x = read.object(f, fp);
      read.keys(x, fp, ["dir", "name", "sizeBytes", "sha256", "ownerUid", "regular", "omitted"]);
      return {
        dir: read.literal(x.dir, `${fp}.dir`, REMOTE_DIRS), name: read.string(x.name, `${fp}.name`, REMOTE_FILE_NAME, 128), sizeBytes: read.int(x.sizeBytes, `${fp}.sizeBytes`, 0, MAX),
        sha256: nullable(x.sha256, (y) => read.string(y, `${fp}.sha256`, SHA256)), ownerUid: nullable(x.ownerUid, (y) => read.int(y, `${fp}.ownerUid`, 0, 2 ** 32)),
        regular: flag(x.regular, `${fp}.regular`), omitted: flag(x.omitted, `${fp}.omitted`),
      };
    }),
  };
  return { record, signature: read.string(s.signature, `${p}.signature`, /^0x[0-9a-f]{128}$/) };
}
