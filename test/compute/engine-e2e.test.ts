/**
 * Engine leases end to end in real Docker on the CPU evaluation image (compute.md §10.3): a
 * validator leases a miner's resources, ships each step of an evaluation to the miner's agent
 * over signed HTTP, and verifies the answers itself. An example passes through the CLI with the
 * miner's signed records kept in the provenance; an attack still fails by the holder's own
 * verification; a dishonest host (changed file, foreign signature, replayed record) is caught;
 * the miner refuses jobs it must not run; cancelling removes the job's containers. Skips with the
 * reason when Docker or the CPU image is missing.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { okAsync } from "neverthrow";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runEvaluate } from "../../src/cli/evaluate.js";
import {
  type ComputeAgent, createComputeAgent, createComputeClient, createEngineRunner, createLeaseEngine, engineJobLimits, type EngineJob, engineJobMessage, type EngineJobStatus,
  type HotkeySigner, LEASE_LABEL, type Lease, type LeaseBackend, type LeaseEngine, type LeaseRequest, pinnedImageReference, signEngineRecord, UNVERIFIED_GPUS_FOR_TESTS,
  verifyEngineRecord,
} from "../../src/compute/index.js";
import type { Hparams } from "../../src/config/index.js";
import { computeHarnessHash, CPU_MODEL, defaultImageTag, type EvaluationError, evaluateSubmission, type EvaluationReport } from "../../src/evaluation/index.js";
import { dockerUnavailableReason, ENV_DIR, REPO, SMALL_SHAPE, testHparams } from "../evaluation/docker-env.js";
import { signer } from "./helpers.js";
import { computeCli, startLeaseStack } from "./lease-env.js";

const REASON = (await dockerUnavailableReason()) ?? (process.getuid?.() === 0 ? null : "engine jobs need root (input files are given to the container users)");
const MIB = 2 ** 20;
const docker = new Docker();
const ATTACKS = join(REPO, "test", "evaluation", "fixtures", "attacks");
const example = (name: string) => readFileSync(join(REPO, "local_test", name, "train.py"));
const attack = (name: string) => Buffer.concat([readFileSync(join(ATTACKS, "base.py")), Buffer.from("\n\n"), readFileSync(join(ATTACKS, `${name}.py`))]);
const bytes = (text: string) => new TextEncoder().encode(text);

let dir: string;
let miner: HotkeySigner;
let alice: HotkeySigner;
let bob: HotkeySigner;
let intruder: HotkeySigner;
let image: string;
let hparams: Hparams;
let engine: LeaseEngine;
let stack: Awaited<ReturnType<typeof startLeaseStack>>;
let lease: Lease;

const request = (over: Partial<LeaseRequest> = {}): LeaseRequest => ({
  gpuCount: 0, cpuCores: 2, memoryBytes: 3072 * MIB, diskBytes: 4096 * MIB, shmBytes: 512 * MIB, durationSeconds: 1800, sshPublicKeys: [], image, kind: "engine", ...over,
});
const leaseContainers = async () => (await docker.listContainers({ all: true, filters: { label: [LEASE_LABEL] } })).filter((c) => c.Labels?.["crusades.lease.agent"] === stack.store.agentId);
const jobDirs = () => readdirSync(join(dir, "engine")).filter((n) => n.startsWith("job-"));

function runnerFor(url: string, l: Lease = lease) {
  const client = createComputeClient({ baseUrl: url, signer: alice, minerHotkey: miner.address });
  const harnessHash = ENV_DIR === null ? null : (computeHarnessHash(ENV_DIR)?.hash ?? null);
  return createEngineRunner({ client, lease: l, gpus: UNVERIFIED_GPUS_FOR_TESTS, limits: engineJobLimits(hparams), pollIntervalMs: 200, image: { device: "cpu", model: CPU_MODEL, harnessHash } })._unsafeUnwrap();
}

async function evaluateOn(url: string, code: Uint8Array, o: { scan?: boolean; signal?: AbortSignal } = {}): Promise<{ report?: EvaluationReport; error?: EvaluationError }> {
  const r = await evaluateSubmission({
    code, hparams, runner: runnerFor(url), workDir: mkdtempSync(join(dir, "runs-")), numGpus: 1, runs: 1, scan: o.scan ?? false, shape: SMALL_SHAPE,
    referenceDeadlineMs: 120_000, candidateDeadlineMs: 120_000, ...(o.signal ? { signal: o.signal } : {}),
  });
  return r.isOk() ? { report: r.value } : { error: r.error };
}

/** An agent for the same backend whose job answers are altered on the way out: a dishonest host. */
async function dishonestAgent(alter: (status: EngineJobStatus, backend: LeaseBackend) => EngineJobStatus): Promise<{ agent: ComputeAgent; url: string }> {
  const honest = stack.backend;
  const backend: LeaseBackend = { ...honest, getJob: (id, holder, jobId) => honest.getJob(id, holder, jobId).andThen((s) => okAsync(alter(s, honest))) };
  const agent = createComputeAgent({ signer: miner, policy: { allowHotkeys: [alice.address] }, launcher: () => { throw new Error("no prover"); }, leases: backend });
  const { port } = await agent.listen(0, "127.0.0.1");
  return { agent, url: `http://127.0.0.1:${port}` };
}

describe.skipIf(REASON !== null)(`engine leases: evaluations on a miner's machine${REASON ? ` (skipped: ${REASON})` : ""}`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "crusades-engine-"));
    [miner, alice, bob, intruder] = await Promise.all([signer("//Miner"), signer("//Alice"), signer("//Bob"), signer("//Mallory")]);
    image = (await pinnedImageReference(docker, defaultImageTag("cpu", ENV_DIR)))._unsafeUnwrap();
    hparams = testHparams();
    engine = createLeaseEngine({ docker, signer: miner, workDir: join(dir, "engine") });
    stack = await startLeaseStack(miner, [alice, bob], join(dir, "leases.db"), {
      offer: { cpus: [0, 1], memoryBytes: 8192 * MIB, diskBytes: 16384 * MIB, gpus: [] }, allowedImages: [image], sshHost: "127.0.0.1", sshBindHost: "127.0.0.1",
      allowUnenforcedDisk: true, maxLeaseSeconds: 3600, tickMs: 200, engine,
    });
    lease = (await stack.client(alice).create(request()))._unsafeUnwrap();
  }, 60_000);

  afterEach(async () => {
    expect((await leaseContainers()).map((c) => `${c.Names?.[0]} (${c.State})`)).toEqual([]);
    expect(jobDirs()).toEqual([]);
  });

  afterAll(async () => {
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("behavior: an engine lease reserves cores and memory without a container or SSH", () => {
    expect(lease).toMatchObject({ state: "active", holderHotkey: alice.address, minerHotkey: miner.address, cpuset: "0-1", ssh: null, hostKeyFingerprint: null, gpuUuids: [] });
    expect(lease.request).toMatchObject({ kind: "engine", sshPublicKeys: [] });
  });

  it("behavior: `crusades evaluate --runner remote` passes an example on the lease; each step's record is signed by the miner and bound to the run", async () => {
    const hpFile = join(dir, "hparams.json");
    writeFileSync(hpFile, JSON.stringify(hparams));
    let stdout = "";
    let stderr = "";
    const code = await runEvaluate(
      [join(REPO, "local_test", "single_gpu", "train.py"), "--runner", "remote", "--agent", stack.url, "--miner-hotkey", miner.address, "--lease", lease.id, "--unverified-gpus", "--runs", "1", "--work-dir", join(dir, "cli-runs"), "--json"],
      { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { CRUSADES_HOTKEY_URI: "//Alice", CRUSADES_HPARAMS_PATH: hpFile }, cwd: REPO },
    );
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/--unverified-gpus: the lease's GPUs are not checked/);
    const report = JSON.parse(stdout) as EvaluationReport;
    expect(report).toMatchObject({ passed: true, runner: "remote", device: "cpu", scan: { enabled: true, ok: true } });
    const run = report.runs[0]!;
    expect(run.checks.filter((c) => c.binding && c.status === "fail")).toEqual([]);
    expect(run.checks.find((c) => c.id === "loss_difference")!.figure!).toBeLessThan(1e-3);
    const host = run.provenance.remoteHost!;
    expect(host).toMatchObject({ hotkey: miner.address, coldkey: null, leaseId: lease.id, gpuVerification: "unverified_for_tests", gpuUuids: [] });
    expect(run.provenance.sandboxProfile).toBe(engine.sandboxProfile);
    for (const [role, signed] of [["reference", host.referenceRecord], ["candidate", host.candidateRecord]] as const) {
      const s = signed as Parameters<typeof verifyEngineRecord>[0];
      expect(verifyEngineRecord(s, miner.address)).toBe(true);
      expect(s.record).toMatchObject({ role, leaseId: lease.id, holderHotkey: alice.address, taskId: 1, seed: run.seed, cpuset: "0-1", end: "exited", exitCode: 0, oomKilled: false });
      expect(s.record.limits).toMatchObject({ memoryBytes: 2048 * MIB, nanoCpus: 2e9 });
    }
    // The candidate's state the holder verified is the one the miner recorded.
    const candidateRecord = (host.candidateRecord as Parameters<typeof verifyEngineRecord>[0]).record;
    expect(candidateRecord.outputs.find((f) => f.dir === "candidate" && f.name === "state.safetensors")?.sha256).toBe(run.provenance.candidateStateSha256);
  }, 300_000);

  it("behavior: an attack run on the lease still fails by the holder's own verification (scan off)", async () => {
    const { report } = await evaluateOn(stack.url, attack("patched_tensor_op"));
    expect(report).toMatchObject({ passed: false, errorCode: "weight_mismatch" });
  }, 300_000);

  describe("error: a dishonest host's answer is refused", () => {
    const cases: [string, RegExp, (s: Extract<EngineJobStatus, { state: "finished" }>, first: { value: EngineJobStatus | null }) => EngineJobStatus][] = [
      ["a changed output file", /does not match its recorded size and SHA-256/, (s) => ({
        ...s, outputs: s.outputs.map((f) => (f.dir === "reference" && f.name === "state.safetensors" && f.data ? { ...f, data: Uint8Array.from(f.data, (b, i) => (i === f.data!.length - 1 ? b ^ 1 : b)) } : f)),
      })],
      ["a record signed by another key", /not signed by the lease's miner/, (s) => ({ ...s, record: signEngineRecord(intruder, s.record.record) })],
      ["a record changed after signing", /not signed by the lease's miner/, (s) => ({ ...s, record: { ...s.record, record: { ...s.record.record, exitCode: 0, durationMs: 1 } } })],
      ["the previous job's record replayed", /record's (jobId|role|jobDigest)/, (s, first) => {
        if (first.value === null) {
          first.value = s;
          return s;
        }
        return { ...(first.value as typeof s), jobId: s.jobId };
      }],
    ];
    for (const [name, message, alter] of cases) {
      it(name, async () => {
        const first = { value: null as EngineJobStatus | null };
        const { agent, url } = await dishonestAgent((s) => (s.state === "finished" ? alter(s, first) : s));
        try {
          const { error } = await evaluateOn(url, example("single_gpu"));
          expect(error).toMatchObject({ type: "remote_step_failed", reason: "bad_answer" });
          expect(error!.message).toMatch(message);
        } finally {
          await agent.close();
        }
      }, 300_000);
    }
  });

  it("error: the miner refuses jobs it must not run, before starting anything", async () => {
    const params = (over: Record<string, unknown> = {}) => bytes(JSON.stringify({ schema: "crusades.run_params", run_id: "r1", seed: "s1", launch: "exec", device: "cpu", num_gpus: 1, ...over }));
    const job = (over: Partial<EngineJob> = {}, p = params()): EngineJob => ({
      role: "reference", image, runId: "r1", taskId: 1, seed: "s1", deadlineMs: 60_000, limits: engineJobLimits(hparams),
      files: [{ dir: "in", name: "params.json", data: p, sha256: createHash("sha256").update(p).digest("hex") }], ...over,
    });
    const post = (who: HotkeySigner, j: EngineJob, leaseId = lease.id) =>
      createComputeClient({ baseUrl: stack.url, signer: who, minerHotkey: miner.address }).request("POST", `/v1/leases/${leaseId}/jobs`, engineJobMessage(j));
    const refusal = async (who: HotkeySigner, j: EngineJob, leaseId?: string) => {
      const r = await post(who, j, leaseId);
      const e = r._unsafeUnwrapErr();
      return e.type === "remote_error" ? `${e.status} ${e.remoteType}: ${e.message}` : e.message;
    };
    expect(await refusal(bob, job())).toMatch(/^403 not_holder/);
    expect(await refusal(alice, job({}, params({ launch: "spawn" })))).toMatch(/^400 invalid_lease_request: .*launch "exec"/);
    expect(await refusal(alice, job({}, params({ paths: { root: "/" } })))).toMatch(/^400 invalid_lease_request/);
    expect(await refusal(alice, job({}, params({ seed: "other" })))).toMatch(/runId and seed/);
    expect(await refusal(alice, job({ image: `crusades-eval-cpu@sha256:${"0".repeat(64)}` }))).toMatch(/^400 image_not_allowed/);
    expect(await refusal(alice, job({ deadlineMs: 7_200_000 }))).toMatch(/past the lease's expiry/);
    expect(await refusal(alice, job({ limits: { ...engineJobLimits(hparams), memoryBytes: 4096 * MIB } }))).toMatch(/memoryBytes is more than the lease/);
    expect(await refusal(alice, job({}), "f".repeat(32))).toMatch(/^404 lease_not_found/);
  });

  it("behavior: cancelling a step (Ctrl-C) stops the job on the miner and removes its containers", async () => {
    const controller = new AbortController();
    const started = evaluateOn(stack.url, attack("sleep_past_deadline"), { signal: controller.signal });
    // Abort once the miner has a job container running.
    for (let i = 0; i < 300 && (await leaseContainers()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    const { error } = await started;
    expect(error?.type).toBe("evaluation_aborted");
    for (let i = 0; i < 100 && ((await leaseContainers()).length > 0 || jobDirs().length > 0); i++) await new Promise((r) => setTimeout(r, 100));
  }, 300_000);

  it("behavior: releasing the lease ends it; later jobs are refused", async () => {
    const released = (await stack.client(alice).release(lease.id))._unsafeUnwrap();
    expect(released.state).toBe("released");
    const { error } = await evaluateOn(stack.url, example("single_gpu"));
    expect(error).toMatchObject({ type: "remote_step_failed", reason: "refused", remoteType: "lease_not_active" });
  }, 60_000);

  it("behavior: `crusades compute allocate --kind engine` leases without SSH and prints how to evaluate on it", async () => {
    const cli = computeCli(dir);
    const common = [stack.url, "--miner-hotkey", miner.address, "--image", image, "--memory", "1g", "--shm", "256m", "--disk", "1g"];
    const made = await cli("allocate", ...common, "--kind", "engine");
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/crusades evaluate train\.py --runner remote --agent http:\/\/127\.0\.0\.1:\d+ --miner-hotkey \S+ --lease [0-9a-f]{32}/);
    const json = await cli("allocate", ...common, "--kind", "engine", "--json");
    expect(JSON.parse(json.stdout).lease).toMatchObject({ state: "active", ssh: null, request: { kind: "engine", sshPublicKeys: [] } });
    writeFileSync(join(dir, "k.pub"), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ0ZXN0a2V5dGVzdGtleXRlc3RrZXl0ZXN0a2V5 x\n");
    await expect(cli("allocate", ...common, "--kind", "engine", "--ssh-key", "k.pub")).rejects.toThrow(/--kind engine takes no --ssh-key/);
    await expect(cli("allocate", ...common, "--kind", "vm")).rejects.toThrow(/--kind must be ssh or engine/);
    for (const l of (await stack.client(alice).list())._unsafeUnwrap()) if (l.state === "active") (await stack.client(alice).release(l.id))._unsafeUnwrap();
  }, 60_000);
});
