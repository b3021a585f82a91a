/**
 * Engine leases without Docker (compute.md §10.3): the job and status messages (round trips,
 * unknown keys, hashes, the role's directories), the job digest, the signed job record, the GPU
 * evidence a lease must have, and the conflict-of-interest and second-host rules.
 */
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import {
  checkLeaseGpusVerified, type EngineJob, type EngineRecord, engineJobDigest, engineJobMessage, engineStatusMessage, type HotkeySigner, type Lease,
  parseEngineJobMessage, parseEngineStatus, type PogRecord, signEngineRecord, UNVERIFIED_GPUS_FOR_TESTS, verifyEngineRecord,
} from "../../src/compute/index.js";
import { checkRemoteHostIndependent, confirmOnSecondHost, type EvaluationReport } from "../../src/evaluation/index.js";
import { signer } from "./helpers.js";

let miner: HotkeySigner;
let holder: HotkeySigner;
let other: HotkeySigner;
beforeAll(async () => {
  [miner, holder, other] = await Promise.all([signer("//Miner"), signer("//Alice"), signer("//Bob")]);
});

const LEASE_ID = "0123456789abcdef0123456789abcdef";
const JOB_ID = "fedcba9876543210fedcba9876543210";
const IMAGE = `crusades-eval:cpu@sha256:${"ab".repeat(32)}`;
const sha256Hex = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const bytes = (text: string) => new TextEncoder().encode(text);
const file = (dir: EngineJob["files"][number]["dir"], name: string, text: string) => ({ dir, name, data: bytes(text), sha256: sha256Hex(bytes(text)) });

const job = (over: Partial<EngineJob> = {}): EngineJob => ({
  role: "candidate", image: IMAGE, runId: "sub-1-run-1", taskId: 1, seed: "uid:1:run:1:abc", deadlineMs: 60_000,
  limits: { memoryBytes: 2 ** 31, shmBytes: 2 ** 28, pidsLimit: 256, tmpfsBytes: 2 ** 29 },
  files: [file("in", "params.json", "{}"), file("in", "train.py", "print(1)\n"), file("initial", "state.safetensors", "x")],
  ...over,
});

/** The job as it travels: JSON text, parsed back. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe("job messages", () => {
  test("behavior: a job survives the wire unchanged and both sides compute the same digest", () => {
    const parsed = parseEngineJobMessage(wire(engineJobMessage(job())))._unsafeUnwrap();
    expect(parsed.files.map((f) => [f.dir, f.name, new TextDecoder().decode(f.data)])).toEqual([["in", "params.json", "{}"], ["in", "train.py", "print(1)\n"], ["initial", "state.safetensors", "x"]]);
    expect(engineJobDigest(LEASE_ID, parsed)).toBe(engineJobDigest(LEASE_ID, job()));
  });

  test("behavior: the digest binds the lease, every field and every byte of every file", () => {
    const base = engineJobDigest(LEASE_ID, job());
    expect(engineJobDigest("f".repeat(32), job())).not.toBe(base);
    expect(engineJobDigest(LEASE_ID, job({ taskId: 2 }))).not.toBe(base);
    expect(engineJobDigest(LEASE_ID, job({ seed: "uid:1:run:1:abd" }))).not.toBe(base);
    expect(engineJobDigest(LEASE_ID, job({ files: [file("in", "params.json", "{ }"), ...job().files.slice(1)] }))).not.toBe(base);
  });

  test("error: unknown keys, a file whose hash does not match, a file twice, a directory the role does not read", () => {
    const msg = wire(engineJobMessage(job())) as { job: Record<string, unknown> & { files: Record<string, unknown>[] } };
    const bad = (mutate: (m: typeof msg) => void) => {
      const m = structuredClone(msg);
      mutate(m);
      return parseEngineJobMessage(m)._unsafeUnwrapErr().message;
    };
    expect(bad((m) => (m.job.command = ["sh"]))).toMatch(/command/);
    expect(bad((m) => (m.job.files[1]!.sha256 = "0".repeat(64)))).toMatch(/sha256 does not match/);
    expect(bad((m) => m.job.files.push(m.job.files[0]!))).toMatch(/twice/);
    expect(bad((m) => (m.job.role = "reference"))).toMatch(/files\[2\]\.dir/); // the reference step reads in/ only
    expect(bad((m) => (m.job.files[0]!.name = "../params.json"))).toMatch(/name/);
    expect(bad((m) => (m.job.image = "crusades-eval:cpu"))).toMatch(/image/); // not pinned by digest
  });
});

const record = (over: Partial<EngineRecord> = {}): EngineRecord => ({
  schema: "crusades.engine_job_record", version: 1, leaseId: LEASE_ID, jobId: JOB_ID, holderHotkey: holder.address, minerHotkey: miner.address,
  jobDigest: engineJobDigest(LEASE_ID, job()), role: "candidate", runId: "sub-1-run-1", taskId: 1, seed: "uid:1:run:1:abc", image: IMAGE, imageId: `sha256:${"ab".repeat(32)}`,
  imageHarnessHash: null, cpuset: "0-1", gpuUuids: [], limits: { memoryBytes: 2 ** 31, shmBytes: 2 ** 28, pidsLimit: 256, tmpfsBytes: 2 ** 29, nanoCpus: 2e9 }, sandboxProfile: "strict",
  startedAtMs: 1_000, endedAtMs: 2_000, durationMs: 1000, end: "exited", exitCode: 0, oomKilled: false, hostError: null,
  outputs: [{ dir: "candidate", name: "summary.json", sizeBytes: 2, sha256: sha256Hex(bytes("{}")), ownerUid: 2003, regular: true, omitted: false }],
  ...over,
});

describe("the signed job record", () => {
  test("behavior: signed by the miner it verifies, and survives the status message's wire form", () => {
    const signed = signEngineRecord(miner, record());
    expect(verifyEngineRecord(signed, miner.address)).toBe(true);
    const status = parseEngineStatus(wire(engineStatusMessage({ state: "finished", leaseId: LEASE_ID, jobId: JOB_ID, record: signed, outputs: [{ dir: "candidate", name: "summary.json", data: bytes("{}") }], logs: { "candidate.log": "hi\n" } })))._unsafeUnwrap();
    expect(status.state).toBe("finished");
    if (status.state !== "finished") return;
    expect(verifyEngineRecord(status.record, miner.address)).toBe(true);
    expect(new TextDecoder().decode(status.outputs[0]!.data!)).toBe("{}");
  });

  test("error: a changed field, another signer or another claimed miner does not verify", () => {
    const signed = signEngineRecord(miner, record());
    expect(verifyEngineRecord({ ...signed, record: { ...signed.record, exitCode: 1 } }, miner.address)).toBe(false);
    expect(verifyEngineRecord({ ...signed, record: { ...signed.record, durationMs: 10 } }, miner.address)).toBe(false);
    expect(verifyEngineRecord(signEngineRecord(other, record()), miner.address)).toBe(false);
    expect(verifyEngineRecord(signEngineRecord(other, record({ minerHotkey: other.address })), miner.address)).toBe(false);
  });

  test("error: a status with an unknown record key is refused before any check", () => {
    const signed = signEngineRecord(miner, record());
    const m = wire(engineStatusMessage({ state: "finished", leaseId: LEASE_ID, jobId: JOB_ID, record: signed, outputs: [], logs: {} })) as { record: { record: Record<string, unknown> } };
    m.record.record.extra = 1;
    expect(parseEngineStatus(m)._unsafeUnwrapErr().message).toMatch(/extra/);
  });
});

describe("GPU evidence of a lease (§10.3: verified within the window, the competition's model)", () => {
  const lease = (over: Partial<Lease> = {}): Lease => ({
    id: LEASE_ID, holderHotkey: holder.address, minerHotkey: miner.address, state: "active", cpuset: "0-7", gpuUuids: ["GPU-a", "GPU-b"], createdAtMs: 0, expiresAtMs: 1e13,
    hostKeyFingerprint: null, hostPublicKey: null, ssh: null, appliedLimits: null, health: null, failure: null,
    request: { gpuModel: "H100", gpuCount: 2, cpuCores: 8, memoryBytes: 2 ** 36, diskBytes: 2 ** 36, shmBytes: 2 ** 30, durationSeconds: 3600, sshPublicKeys: [], image: IMAGE, kind: "engine" },
    ...over,
  });
  const gpu = (uuid: string, over: Record<string, unknown> = {}) => ({
    index: 0, uuid, name: "NVIDIA H100 PCIe", memoryMiB: 81559, pciBusId: "0", driverVersion: "x", probeMiB: 80000, tflops: {}, challenged: true,
    identification: { status: "identified", model: "H100", figures: null, reasons: [] }, verified: true, ...over,
  });
  const now = 10_000_000;
  const pog = (over: Partial<PogRecord> = {}): PogRecord => ({
    version: 1, validatorHotkey: holder.address, minerHotkey: miner.address, startedAtMs: now - 60_000, finishedAtMs: now - 30_000, rttMs: 1, device: "cuda", inventory: [], runs: [],
    gpus: [gpu("GPU-a"), gpu("GPU-b")] as PogRecord["gpus"], verifiedCount: 2, model: "H100", ...over,
  });
  const check = (l: Lease, r: PogRecord, allowedModels = ["H100"]) => checkLeaseGpusVerified(l, { kind: "pog", record: r, nowMs: now, allowedModels, validatorHotkey: holder.address });

  test("behavior: every GPU of the lease verified as an allowed model, recently, by this validator", () => {
    expect(check(lease(), pog())._unsafeUnwrap()).toBe("pog");
    expect(check(lease(), pog(), ["NVIDIA H100 PCIe"])._unsafeUnwrap()).toBe("pog"); // an alias of the same catalogue entry
    expect(checkLeaseGpusVerified(lease(), UNVERIFIED_GPUS_FOR_TESTS)._unsafeUnwrap()).toBe("unverified_for_tests");
  });

  test("error: each way the evidence falls short names its reason", () => {
    const reason = (l: Lease, r: PogRecord, models?: string[]) => check(l, r, models)._unsafeUnwrapErr().reason;
    expect(reason(lease({ gpuUuids: [] }), pog())).toBe("no_gpus");
    expect(reason(lease(), pog({ minerHotkey: other.address }))).toBe("other_miner");
    expect(reason(lease(), pog({ validatorHotkey: other.address }))).toBe("other_validator");
    expect(reason(lease(), pog({ finishedAtMs: now - 3 * 86_400_000 }))).toBe("stale");
    expect(reason(lease(), pog({ finishedAtMs: now + 60_000 }))).toBe("stale"); // from the future
    expect(reason(lease(), pog(), ["A100-SXM4-80GB"])).toBe("model_not_allowed");
    expect(reason(lease(), pog(), ["H100 SXM"])).toBe("model_not_allowed"); // a look-alike is another model
    expect(reason(lease(), pog({ gpus: [gpu("GPU-a")] as PogRecord["gpus"] }))).toBe("not_verified"); // GPU-b never challenged
    expect(reason(lease({ gpuUuids: ["GPU-a", "GPU-a"] }), pog())).toBe("not_verified"); // one GPU vouching twice
    expect(reason(lease({ gpuUuids: ["GPU-a"] }), pog())).toBe("not_verified"); // fewer than leased
    expect(reason(lease(), pog({ gpus: [gpu("GPU-a"), gpu("GPU-b", { verified: false, identification: { status: "model_mismatch", model: "H100", figures: null, reasons: ["slow"] } })] as PogRecord["gpus"] }))).toBe("not_verified");
  });
});

describe("conflict of interest and the second host (§10.3)", () => {
  const host = (hotkey: string, coldkey: string | null = null) => ({ hotkey, coldkey });

  test("behavior: a host that shares no key with the owner may evaluate", () => {
    expect(checkRemoteHostIndependent(host("5Host", "5HostCold"), { hotkey: "5Owner", coldkey: "5OwnerCold" }).isOk()).toBe(true);
  });

  test("error: a host whose coldkey (or hotkey) owns the submission never evaluates it", () => {
    expect(checkRemoteHostIndependent(host("5Host", "5Cold"), { hotkey: "5Owner", coldkey: "5Cold" })._unsafeUnwrapErr().reason).toBe("conflict");
    expect(checkRemoteHostIndependent(host("5Owner"), { hotkey: "5Owner", coldkey: null })._unsafeUnwrapErr().reason).toBe("conflict");
    expect(checkRemoteHostIndependent(host("5Host"), { hotkey: "5Owner", coldkey: "5Cold" }, { requireColdkeys: true })._unsafeUnwrapErr().reason).toBe("coldkey_unknown");
  });

  const report = (score: number | null): EvaluationReport =>
    ({ score: score === null ? { status: "failed_fatal", errorCode: "weight_mismatch" } : { status: "finished", score } }) as unknown as EvaluationReport;

  test("behavior: two independent hosts within the tolerance confirm the lower score", () => {
    const r = confirmOnSecondHost({ report: report(50), host: host("5A", "5Ac") }, { report: report(49.5), host: null }, { relativeTolerance: 0.02 })._unsafeUnwrap();
    expect(r.score).toBe(49.5);
    expect(r.relativeDifference).toBeCloseTo(0.01, 10);
  });

  test("error: the same host twice, a host sharing a coldkey, a failed re-run, scores apart", () => {
    const reason = (a: [number | null, string | null, string | null], b: [number | null, string | null, string | null]) =>
      confirmOnSecondHost(
        { report: report(a[0]), host: a[1] === null ? null : host(a[1], a[2]) },
        { report: report(b[0]), host: b[1] === null ? null : host(b[1], b[2]) },
        { relativeTolerance: 0.02 },
      )._unsafeUnwrapErr().reason;
    expect(reason([50, "5A", null], [50, "5A", null])).toBe("same_host");
    expect(reason([50, "5A", "5C"], [50, "5B", "5C"])).toBe("same_host");
    expect(reason([50, null, null], [50, null, null])).toBe("same_host");
    expect(reason([50, "5A", null], [null, null, null])).toBe("not_finished");
    expect(reason([50, "5A", null], [45, "5B", null])).toBe("disagrees");
    expect(() => confirmOnSecondHost({ report: report(1), host: null }, { report: report(1), host: host("5A") }, { relativeTolerance: 1 })).toThrow(RangeError);
  });
});
