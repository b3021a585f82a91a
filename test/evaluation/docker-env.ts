/**
 * What the integration tests need from the machine: a reachable Docker engine and the CPU image
 * built from this checkout (`environments/templar/build-cpu-image.sh`). When either is missing the
 * tests skip and say why, so the suite stays green on machines without Docker.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { parseHparams, type Hparams } from "../../src/config/index.js";
import { computeHarnessHash, defaultImageTag, findEnvironmentDir, IMAGE_LABELS, OWNER_PID_LABEL, type RunShape } from "../../src/evaluation/index.js";

export const ENV_DIR = findEnvironmentDir();
export const REPO = join(import.meta.dirname, "..", "..");

/** Why the Docker integration tests cannot run here, or `null` when they can. */
export async function dockerUnavailableReason(): Promise<string | null> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (e) {
    return `no Docker engine (${(e as Error).message.split("\n")[0]}); run scripts/docker.sh`;
  }
  if (ENV_DIR === null) return "environments/templar not found";
  const tag = defaultImageTag("cpu", ENV_DIR);
  try {
    const info = await docker.getImage(tag).inspect();
    const want = computeHarnessHash(ENV_DIR)?.hash;
    const have = info.Config?.Labels?.[IMAGE_LABELS.harnessHash];
    if (want !== undefined && have !== want) return `${tag} is stale (harness ${have} != checkout ${want}); run environments/templar/build-cpu-image.sh`;
  } catch {
    return `image ${tag} not built; run environments/templar/build-cpu-image.sh (root, debootstrap)`;
  }
  return null;
}

/**
 * Hparams for the CPU image tests: the project's file with a small memory limit (the OOM attack),
 * one GPU's pids limit, one run, small tmpfs, and the real verification thresholds.
 */
export function testHparams(overrides: Record<string, unknown> = {}): Hparams {
  const json = JSON.parse(readFileSync(join(REPO, "hparams", "hparams.json"), "utf8")) as Record<string, unknown>;
  const merged = {
    ...json,
    evaluation_runs: 1,
    eval_steps: 2,
    benchmark_batch_size: 2,
    benchmark_sequence_length: 32,
    benchmark_data_samples: 200,
    eval_timeout: 180,
    docker: { num_gpus: 1, memory_limit: "2g", shm_size: "256m" },
    sandbox: { tmpfs_size: "512m", handoff_max_bytes_factor: 1.1 },
    ...overrides,
  };
  return parseHparams(merged)._unsafeUnwrap();
}

/** The small run shape of {@link testHparams}. */
export const SMALL_SHAPE: RunShape = { steps: 2, batchSize: 2, sequenceLength: 32, dataSamples: 200 };

export const workDir = (): string => mkdtempSync(join(tmpdir(), "crusades-eval-test-"));

/** Evaluation containers this process created that still exist. */
export async function ourContainers(docker: Docker = new Docker()): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${OWNER_PID_LABEL}=${process.pid}`] } });
  return list.map((c) => `${c.Names?.[0] ?? c.Id} (${c.State})`);
}
