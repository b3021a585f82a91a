/**
 * The validator's evaluation queue with a lease host (compute.md §10.3), in real Docker on the
 * CPU image: a submission whose owner shares the host's coldkey is evaluated on the validator's
 * own runner, never on the host; an independent submission is evaluated on the host and, as it
 * takes the lead, confirmed on the validator's own runner before it counts (the host's keys kept
 * with the run); a confirmation that disagrees sets the host's runs aside and re-queues the
 * submission. Skips with the reason when Docker or the CPU image is missing.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  createComputeAgent, createComputeClient, createEngineRunner, createLeaseEngine, engineJobLimits, type EngineJobStatus, type HotkeySigner, type Lease, type LeaseBackend,
  pinnedImageReference, signEngineRecord, UNVERIFIED_GPUS_FOR_TESTS,
} from "../../src/compute/index.js";
import type { Hparams } from "../../src/config/index.js";
import { computeHarnessHash, CPU_MODEL, createEvaluationRunner, defaultImageTag, type EvaluationRunner } from "../../src/evaluation/index.js";
import { getLeaderState, getSubmission, insertSubmission, openStore, runsOfSubmission, type Store } from "../../src/store/index.js";
import { createLogger, evaluateNext, type EvaluateNextParameters, type RemoteHosts } from "../../src/validator/index.js";
import { signer } from "../compute/helpers.js";
import { startLeaseStack } from "../compute/lease-env.js";
import { dockerUnavailableReason, ENV_DIR, REPO, testHparams } from "../evaluation/docker-env.js";

const REASON = (await dockerUnavailableReason()) ?? (process.getuid?.() === 0 ? null : "engine jobs need root");
const MIB = 2 ** 20;
const CODE = readFileSync(join(REPO, "local_test", "single_gpu", "train.py"));
const hash32 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex").slice(0, 32);

let dir: string;
let server: Server;
let base: string;
let hparams: Hparams;
let miner: HotkeySigner;
let validator: HotkeySigner;
let stack: Awaited<ReturnType<typeof startLeaseStack>>;
let lease: Lease;
let own: EvaluationRunner;
let hostRunner: EvaluationRunner;
let store: Store;
const lines: string[] = [];

/** Coldkeys as the chain would answer them: `shares-host` is owned by the host's coldkey. */
const coldkeyOf = async (hotkey: string) => ({ [miner.address]: "5ColdHost", "owner-independent": "5ColdOwner", "owner-shares-host": "5ColdHost" })[hotkey] ?? null;

function params(relativeTolerance: number): EvaluateNextParameters {
  const remote: RemoteHosts = { runners: async () => [hostRunner], coldkeyOf, relativeTolerance };
  return {
    store, hparams, runner: own, remote, workDir: mkdtempSync(join(dir, "runs-")), numGpus: 1, currentBlock: async () => 1000, evaluatorHotkey: validator.address,
    log: createLogger({ format: "json", write: (l) => lines.push(l) }), download: { allowPrivateHosts: ["127.0.0.1"] },
  };
}

function queue(id: string, ownerHotkey: string): void {
  insertSubmission(store, { submissionId: id, minerHotkey: ownerHotkey, minerUid: 1, codeHash: hash32(CODE), bucketPath: `${base}/train.py`, specVersion: hparams.competition_version, revealBlock: 900, paymentVerified: false });
}
const logged = (message: string) => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === message || l.message === message);

describe.skipIf(REASON !== null)(`the validator on a lease host${REASON ? ` (skipped: ${REASON})` : ""}`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "crusades-remote-validator-"));
    server = createServer((_req, res) => void res.end(CODE));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    hparams = testHparams();
    [miner, validator] = await Promise.all([signer("//Miner"), signer("//Alice")]);
    const docker = new Docker();
    const image = (await pinnedImageReference(docker, defaultImageTag("cpu", ENV_DIR)))._unsafeUnwrap();
    stack = await startLeaseStack(miner, [validator], join(dir, "leases.db"), {
      offer: { cpus: [0, 1], memoryBytes: 8192 * MIB, diskBytes: 16384 * MIB, gpus: [] }, allowedImages: [image], sshHost: "127.0.0.1", sshBindHost: "127.0.0.1",
      allowUnenforcedDisk: true, maxLeaseSeconds: 3600, engine: createLeaseEngine({ docker, signer: miner, workDir: join(dir, "engine") }),
    });
    lease = (await stack.client(validator).create({ gpuCount: 0, cpuCores: 2, memoryBytes: 3072 * MIB, diskBytes: 4096 * MIB, shmBytes: 512 * MIB, durationSeconds: 1800, sshPublicKeys: [], image, kind: "engine" }))._unsafeUnwrap();
    const client = createComputeClient({ baseUrl: stack.url, signer: validator, minerHotkey: miner.address });
    const harnessHash = ENV_DIR === null ? null : (computeHarnessHash(ENV_DIR)?.hash ?? null);
    hostRunner = createEngineRunner({ client, lease, gpus: UNVERIFIED_GPUS_FOR_TESTS, coldkey: "5ColdHost", limits: engineJobLimits(hparams), pollIntervalMs: 200, image: { device: "cpu", model: CPU_MODEL, harnessHash } })._unsafeUnwrap();
    own = (await createEvaluationRunner({ kind: "docker", hparams, numGpus: 1, workDir: dir, image: "cpu", build: false, threadsPerProcess: 2 }))._unsafeUnwrap().runner; // as the lease: 2 cores
  }, 120_000);

  beforeEach(() => {
    store = openStore(join(mkdtempSync(join(dir, "store-")), "c.db"))._unsafeUnwrap();
    lines.length = 0;
  });
  afterEach(() => store.close());
  afterAll(async () => {
    await stack?.stop();
    await new Promise<void>((r) => server?.close(() => r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  test("behavior: a host never evaluates a submission whose owner shares its coldkey: the own runner does", async () => {
    queue("s-shared", "owner-shares-host");
    const out = (await evaluateNext(params(0.9)))._unsafeUnwrap();
    expect(out).toMatchObject({ submissionId: "s-shared", status: "finished" });
    const runs = runsOfSubmission(store, "s-shared");
    expect(runs).toHaveLength(1);
    expect(runs[0]!.provenance).toMatchObject({ runner: "docker" });
    expect(runs[0]!.provenance.remoteHost ?? null).toBeNull();
    expect(logged("evaluation host")[0]).toMatchObject({ host: "own" });
    expect(logged("leader-changing result from a lease host; confirming on a second host")).toEqual([]);
  }, 300_000);

  test("behavior: an independent host evaluates; the leader-changing result is confirmed on the own runner and counts with the lower score", async () => {
    queue("s-remote", "owner-independent");
    const result = await evaluateNext(params(0.9));
    expect(result.isOk() ? null : result.error).toBeNull();
    const out = result._unsafeUnwrap();
    expect(out).toMatchObject({ submissionId: "s-remote", status: "finished" });
    const runs = runsOfSubmission(store, "s-remote");
    expect(runs).toHaveLength(1); // the confirmation's runs are logged, not counted
    expect(runs[0]!.provenance.remoteHost).toMatchObject({ hotkey: miner.address, coldkey: "5ColdHost", leaseId: lease.id });
    const confirmation = logged("confirmation run done");
    expect(confirmation).toHaveLength(1);
    const [done] = logged("leader-changing result confirmed");
    expect(done).toMatchObject({ secondHost: "own" });
    const score = getSubmission(store, "s-remote")!.finalScore!;
    expect(score).toBe(Math.min(runs[0]!.mfu!, confirmation[0]!.mfu as number));
    expect(getLeaderState(store, hparams.competition_version)).toMatchObject({ leaderId: "s-remote", leaderScore: score });
  }, 300_000);

  test("error: a confirmation outside the tolerance sets the host's runs aside and re-queues the submission", async () => {
    queue("s-disputed", "owner-independent");
    const out = await evaluateNext(params(0)); // two CPU measurements never agree exactly
    expect(out._unsafeUnwrapErr()).toMatchObject({ type: "second_host_rejected", reason: "disagrees" });
    const s = getSubmission(store, "s-disputed")!;
    expect(s).toMatchObject({ status: "queued", machineryFailures: 1, finalScore: null });
    expect(runsOfSubmission(store, "s-disputed")).toEqual([]);
    expect(runsOfSubmission(store, "s-disputed", { includeSuperseded: true })).toHaveLength(1);
    expect(getLeaderState(store, hparams.competition_version).leaderId).toBeNull();
  }, 300_000);

  test("error: a host cannot fail a submission on its own: its forged failure is overruled by the own runner, its runs set aside, the submission re-queued", async () => {
    // The host is the miner: it holds the key that signs the records, so it can change the
    // candidate's state and sign a record that matches. Only a second evaluation catches it.
    const honest = stack.backend;
    const backend: LeaseBackend = {
      ...honest,
      getJob: (id, holder, jobId) => honest.getJob(id, holder, jobId).map((st): EngineJobStatus => {
        if (st.state !== "finished" || st.record.record.role !== "candidate") return st;
        const outputs = st.outputs.map((f) => (f.dir === "candidate" && f.name === "state.safetensors" && f.data ? { ...f, data: f.data.map((b, i) => (i > f.data!.length - 256 ? 0x7f : b)) } : f));
        const files = st.record.record.outputs.map((f) => {
          const sent = outputs.find((o) => o.dir === f.dir && o.name === f.name)?.data;
          return sent ? { ...f, sha256: createHash("sha256").update(sent).digest("hex") } : f;
        });
        return { ...st, outputs, record: signEngineRecord(miner, { ...st.record.record, outputs: files }) };
      }),
    };
    const agent = createComputeAgent({ signer: miner, policy: { allowHotkeys: [validator.address] }, launcher: () => { throw new Error("no prover"); }, leases: backend });
    const { port } = await agent.listen(0, "127.0.0.1");
    try {
      const client = createComputeClient({ baseUrl: `http://127.0.0.1:${port}`, signer: validator, minerHotkey: miner.address });
      const harnessHash = ENV_DIR === null ? null : (computeHarnessHash(ENV_DIR)?.hash ?? null);
      const dishonest = createEngineRunner({ client, lease, gpus: UNVERIFIED_GPUS_FOR_TESTS, coldkey: "5ColdHost", limits: engineJobLimits(hparams), pollIntervalMs: 200, image: { device: "cpu", model: CPU_MODEL, harnessHash } })._unsafeUnwrap();
      queue("s-framed", "owner-independent");
      const out = await evaluateNext({ ...params(0.9), remote: { runners: async () => [dishonest], coldkeyOf, relativeTolerance: 0.9 } });
      expect(out._unsafeUnwrapErr()).toMatchObject({ type: "second_host_rejected", reason: "disagrees" });
      expect(logged("failure from a lease host; confirming on a second host")[0]).toMatchObject({ errorCode: "weight_mismatch" });
      expect(getSubmission(store, "s-framed")).toMatchObject({ status: "queued", machineryFailures: 1, errorCode: null });
      expect(runsOfSubmission(store, "s-framed")).toEqual([]);
      expect(runsOfSubmission(store, "s-framed", { includeSuperseded: true })[0]!.errorCode).toBe("weight_mismatch");
    } finally {
      await agent.close();
    }
  }, 300_000);
});
