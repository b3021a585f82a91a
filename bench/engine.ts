/**
 * `npm run bench -- engine [--steps N] [--batch B] [--seq L] [--rounds R]`: what running an
 * evaluation on an engine lease costs against running it in the local Docker sandbox, the
 * alternative a validator or miner would otherwise pick (compute.md §10.3). Both on the CPU image,
 * in the same process, alternated `rounds` times: the remote path adds the signed job messages,
 * shipping each step's inputs and outputs (base64 in JSON), the miner's record signature and the
 * holder's checks. The agent runs on 127.0.0.1, so network time is left out. Last line: one JSON object.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Docker from "dockerode";
import {
  createComputeAgent, createComputeClient, createDockerLeaseBackend, createEngineRunner, createLeaseClient, createLeaseEngine, engineJobLimits, hotkeySignerFromUri,
  openLeaseStore, pinnedImageReference, UNVERIFIED_GPUS_FOR_TESTS,
} from "../src/compute/index.js";
import { parseHparams } from "../src/config/index.js";
import { computeHarnessHash, CPU_MODEL, createEvaluationRunner, defaultImageTag, evaluateSubmission, type EvaluationRunner, findEnvironmentDir } from "../src/evaluation/index.js";

const repo = join(import.meta.dirname, "..");
const { values } = parseArgs({ options: { steps: { type: "string", default: "4" }, batch: { type: "string", default: "8" }, seq: { type: "string", default: "128" }, rounds: { type: "string", default: "2" } } });
const shape = { steps: Number(values.steps), batchSize: Number(values.batch), sequenceLength: Number(values.seq), dataSamples: 10_000 };
const rounds = Number(values.rounds);
const MIB = 2 ** 20;

const work = mkdtempSync(join(tmpdir(), "crusades-bench-engine-"));
const base = JSON.parse(readFileSync(join(repo, "hparams", "hparams.json"), "utf8")) as Record<string, unknown>;
const hparams = parseHparams({ ...base, evaluation_runs: 1, docker: { num_gpus: 1, memory_limit: "2g", shm_size: "256m" }, sandbox: { tmpfs_size: "512m", handoff_max_bytes_factor: 1.1 } })._unsafeUnwrap();
const code = readFileSync(join(repo, "local_test", "single_gpu", "train.py"));
const envDir = findEnvironmentDir();
const docker = new Docker();

const [miner, holder] = [(await hotkeySignerFromUri("//Miner"))._unsafeUnwrap(), (await hotkeySignerFromUri("//Alice"))._unsafeUnwrap()];
const image = (await pinnedImageReference(docker, defaultImageTag("cpu", envDir)))._unsafeUnwrap();
const store = openLeaseStore(join(work, "leases.db"))._unsafeUnwrap();
const backend = createDockerLeaseBackend({
  store, minerHotkey: miner.address, docker, allowedImages: [image], sshHost: "127.0.0.1", sshBindHost: "127.0.0.1", allowUnenforcedDisk: true,
  offer: { cpus: cpus().map((_, i) => i), memoryBytes: 8192 * MIB, diskBytes: 16384 * MIB, gpus: [] }, engine: createLeaseEngine({ docker, signer: miner, workDir: join(work, "engine") }),
});
(await backend.start())._unsafeUnwrap();
const agent = createComputeAgent({ signer: miner, policy: { allowHotkeys: [holder.address] }, launcher: () => { throw new Error("no prover"); }, leases: backend });
const { port } = await agent.listen(0, "127.0.0.1");
const client = createComputeClient({ baseUrl: `http://127.0.0.1:${port}`, signer: holder, minerHotkey: miner.address });
const cores = cpus().length;
const lease = (await createLeaseClient(client).create({ gpuCount: 0, cpuCores: cores, memoryBytes: 3072 * MIB, diskBytes: 4096 * MIB, shmBytes: 512 * MIB, durationSeconds: 3600, sshPublicKeys: [], image, kind: "engine" }))._unsafeUnwrap();
const harnessHash = envDir === null ? null : (computeHarnessHash(envDir)?.hash ?? null);
const remote = createEngineRunner({ client, lease, gpus: UNVERIFIED_GPUS_FOR_TESTS, limits: engineJobLimits(hparams), pollIntervalMs: 100, image: { device: "cpu", model: CPU_MODEL, harnessHash } })._unsafeUnwrap();
// The same threads per process as the lease's engine gives its jobs (all cores for one process).
const local = (await createEvaluationRunner({ kind: "docker", hparams, numGpus: 1, workDir: work, image: "cpu", build: false, threadsPerProcess: cores }))._unsafeUnwrap().runner;

async function once(runner: EvaluationRunner): Promise<{ seconds: number; training: number }> {
  const t0 = performance.now();
  const r = (await evaluateSubmission({ code, hparams, runner, workDir: mkdtempSync(join(work, "runs-")), numGpus: 1, runs: 1, scan: true, shape, referenceDeadlineMs: 600_000, candidateDeadlineMs: 600_000 }))._unsafeUnwrap();
  if (!r.passed) throw new Error(`the evaluation failed: ${r.error}`);
  const run = r.runs[0]!;
  const ref = JSON.parse(readFileSync(join(run.runDir, "reference", "summary.json"), "utf8")) as { train_seconds: number };
  return { seconds: (performance.now() - t0) / 1000, training: ref.train_seconds + run.timing!.timedWallSeconds };
}

process.stderr.write(`bench engine: local_test/single_gpu, B=${shape.batchSize} L=${shape.sequenceLength} steps=${shape.steps}, ${rounds} round(s), ${cores} CPUs\n`);
const localRuns: { seconds: number; training: number }[] = [];
const remoteRuns: { seconds: number; training: number }[] = [];
try {
  for (let i = 0; i < rounds; i++) {
    localRuns.push(await once(local));
    remoteRuns.push(await once(remote));
    process.stdout.write(`round ${i + 1}: local ${localRuns[i]!.seconds.toFixed(2)} s, engine lease ${remoteRuns[i]!.seconds.toFixed(2)} s\n`);
  }
} finally {
  await agent.close();
  await backend.close();
  store.close();
  rmSync(work, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const l = median(localRuns.map((r) => r.seconds));
const rm = median(remoteRuns.map((r) => r.seconds));
// Overhead beyond training, per path: what the remote path adds is the difference.
const lo = median(localRuns.map((r) => r.seconds - r.training));
const ro = median(remoteRuns.map((r) => r.seconds - r.training));
const figures = {
  bench: "engine", batch_size: shape.batchSize, sequence_length: shape.sequenceLength, steps: shape.steps, rounds,
  local_seconds: Number(l.toFixed(2)), engine_seconds: Number(rm.toFixed(2)), engine_over_local: Number((rm / l).toFixed(3)),
  local_overhead_seconds: Number(lo.toFixed(2)), engine_overhead_seconds: Number(ro.toFixed(2)), added_seconds: Number((ro - lo).toFixed(2)),
  cpus: cores, loadavg_1m: Number(loadavg()[0]!.toFixed(2)), node: process.version,
};
process.stdout.write(`median: local ${figures.local_seconds} s, engine lease ${figures.engine_seconds} s (x${figures.engine_over_local}); overhead beyond training: local ${figures.local_overhead_seconds} s, engine ${figures.engine_overhead_seconds} s\n`);
process.stdout.write(`${JSON.stringify(figures)}\n`);
