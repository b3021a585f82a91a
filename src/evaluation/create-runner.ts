/**
 * `createEvaluationRunner`: everything before the first run. Docker: reach the engine, remove the
 * leftovers of a crashed run, find or build the image, check the hand-over filesystem's flags.
 * Local: find `python3` with PyTorch.
 * @module
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import type Docker from "dockerode";
import { err, ok, type Result, ResultAsync } from "neverthrow";
import { parseSizeBytes, type Hparams } from "../config/index.js";
import type { GpuAssignment } from "./container-spec.js";
import { dockerCall } from "./docker-error.js";
import { createDockerRunner } from "./docker-runner.js";
import type { EvaluationError } from "./errors.js";
import { findEnvironmentDir } from "./harness-files.js";
import { CPU_MODEL, ensureImage, type EvaluationImage, type ImageChoice } from "./image.js";
import { removeLeftoverContainers } from "./lifecycle.js";
import { createLocalRunner, prepareLocalHome, probeLocalPython } from "./local-runner.js";
import { mountFlags } from "./run-dir.js";
import type { EvaluationRunner } from "./runner.js";

interface CommonRunnerOptions {
  readonly hparams: Hparams;
  /** Processes (GPUs) per run. */
  readonly numGpus: number;
  /** Where run directories will be created (its filesystem's flags are checked). */
  readonly workDir: string;
  /** The checkout's `environments/templar`. @default found from this module's location */
  readonly environmentDir?: string | null;
  /** Threads per process. @default max(1, floor(cpus / numGpus)) */
  readonly threadsPerProcess?: number;
}

/** Options of {@link createEvaluationRunner}. */
export type CreateEvaluationRunnerOptions =
  | (CommonRunnerOptions & {
      readonly kind: "docker";
      /** @default new Docker() (the local socket) */
      readonly docker?: Docker;
      /** `cpu`, `gpu` or a tag. */
      readonly image: ImageChoice;
      /** GPU ids for the container. @default 0..numGpus−1 */
      readonly gpuDeviceIds?: readonly string[];
      /** Build the CPU image when missing or stale. @default true */
      readonly build?: boolean;
      readonly onBuildOutput?: (line: string) => void;
      /** Whether this process is root (run directories are then given to the container users). @default uid 0 */
      readonly hostIsRoot?: boolean;
    })
  | (CommonRunnerOptions & {
      readonly kind: "local";
      /** @default "python3" */
      readonly python?: string;
      /** The PATH to find python3 in. */
      readonly pathEnv: string;
      /** Where the local harness home (venv, corpus) is cached, e.g. `~/.cache/crusades`. */
      readonly cacheDir: string;
      /** `cpu` forces the CPU and the tiny model; `gpu` requires CUDA. @default CUDA when available */
      readonly image?: "cpu" | "gpu";
    });

/** A ready runner and what the caller should tell the user. */
export interface PreparedRunner {
  readonly runner: EvaluationRunner;
  readonly image: EvaluationImage | null;
  /** Containers of crashed runs that were removed. */
  readonly removedLeftovers: readonly string[];
  /** Conditions that weaken the sandbox or the figures, one line each. */
  readonly warnings: readonly string[];
}

/** A hard limit of this process (`/proc/self/limits`): a number, `-1` for unlimited, `null` when unknown. */
export function hardLimit(name: "Max open files" | "Max locked memory"): number | null {
  try {
    const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith(name));
    const hard = line?.slice(26).trim().split(/\s+/)[1];
    if (hard === undefined) return null;
    return hard === "unlimited" ? -1 : Number.isSafeInteger(Number(hard)) ? Number(hard) : null;
  } catch {
    return null;
  }
}

function size(text: string, key: string): number {
  const n = parseSizeBytes(text);
  if (n === null || n <= 0) throw new RangeError(`${key}: not a size: '${text}'`);
  return n;
}

/** The sandbox limits of every evaluation container, from hparams (`docker.*`, `sandbox.*`). */
export interface SandboxLimits {
  /** `docker.memory_limit` (`Memory` = `MemorySwap`). */
  readonly memoryBytes: number;
  /** `docker.shm_size`. */
  readonly shmBytes: number;
  /** `sandbox.pids_limit`. */
  readonly pidsLimit: number;
  /** `sandbox.tmpfs_size`, the `noexec` `/tmp` (counts against memory). */
  readonly tmpfsBytes: number;
}

/** The sandbox limits of hparams; a size that does not parse is a programmer error (hparams were validated). */
export function sandboxLimits(hparams: Hparams): SandboxLimits {
  return {
    memoryBytes: size(hparams.docker.memory_limit, "docker.memory_limit"), shmBytes: size(hparams.docker.shm_size, "docker.shm_size"),
    pidsLimit: hparams.sandbox.pids_limit, tmpfsBytes: size(hparams.sandbox.tmpfs_size, "sandbox.tmpfs_size"),
  };
}

/** The containers' open-files limit: 65536, or the engine's own hard limit where that is lower (it cannot grant more). */
export function containerNofile(): number {
  const hard = hardLimit("Max open files") ?? 65536;
  return hard > 0 ? Math.min(65536, hard) : 65536;
}

/** Whether `image` is the one `digest` names: its content id, or a registry digest (`repo@sha256:…`). */
export function imageHasDigest(image: Pick<EvaluationImage, "id" | "repoDigests">, digest: string): boolean {
  return image.id === digest || image.repoDigests.some((d) => d.slice(d.lastIndexOf("@") + 1) === digest);
}

/**
 * Prepares the runner of an evaluation.
 * @returns the runner, or the engine / image / python error that prevents any run
 */
export function createEvaluationRunner(options: CreateEvaluationRunnerOptions): ResultAsync<PreparedRunner, EvaluationError> {
  return new ResultAsync(prepare(options));
}

async function prepare(o: CreateEvaluationRunnerOptions): Promise<Result<PreparedRunner, EvaluationError>> {
  const environmentDir = o.environmentDir === undefined ? findEnvironmentDir() : o.environmentDir;
  const threads = o.threadsPerProcess ?? Math.max(1, Math.floor(cpus().length / o.numGpus));
  const warnings: string[] = [];
  if (o.kind === "local") {
    if (environmentDir === null) return err({ type: "local_runner_unavailable", message: "environments/templar not found next to this package", cause: null });
    const probe = await probeLocalPython(o.python ?? "python3", o.pathEnv);
    if (probe.isErr()) return err(probe.error);
    const cuda = o.image === "cpu" ? false : probe.value.cudaDevices > 0;
    if (o.image === "gpu" && probe.value.cudaDevices === 0) return err({ type: "local_runner_unavailable", message: "--image gpu: torch sees no CUDA device", cause: null });
    if (cuda && probe.value.cudaDevices < o.numGpus) warnings.push(`only ${probe.value.cudaDevices} CUDA device(s) for ${o.numGpus} processes`);
    if (cuda) warnings.push("the local runner on CUDA needs the model config and corpus of the GPU image under the harness home (crusades_env.gpu_assets)");
    if (o.hparams.sandbox.image_digest !== null) warnings.push(`sandbox.image_digest ${o.hparams.sandbox.image_digest} does not apply to the local runner (no image)`);
    const home = await prepareLocalHome({ environmentDir, python: o.python ?? "python3", cacheDir: o.cacheDir, pathEnv: o.pathEnv });
    if (home.isErr()) return err(home.error);
    const runner = createLocalRunner({
      environmentDir, home: home.value, pathEnv: o.pathEnv, device: cuda ? "cuda" : "cpu",
      model: cuda ? o.hparams.benchmark_model_name : CPU_MODEL, threadsPerProcess: threads,
    });
    return ok({ runner, image: null, removedLeftovers: [], warnings });
  }
  // dockerode (and its ssh2 transport) loads only when a Docker evaluation is prepared.
  const docker = o.docker ?? new (await import("dockerode")).default();
  const ping = await dockerCall("ping the Docker engine", () => docker.ping());
  if (ping.isErr()) return err(ping.error);
  const leftovers = await removeLeftoverContainers(docker);
  if (leftovers.isErr()) return err(leftovers.error);
  const image = await ensureImage(docker, {
    choice: o.image, environmentDir, gpuModel: o.hparams.benchmark_model_name,
    ...(o.build === undefined ? {} : { build: o.build }),
    ...(o.onBuildOutput === undefined ? {} : { onBuildOutput: o.onBuildOutput }),
  });
  if (image.isErr()) return err(image.error);
  const pinned = o.hparams.sandbox.image_digest;
  if (pinned !== null && !imageHasDigest(image.value, pinned)) {
    return err({
      type: "docker_image_missing", image: image.value.tag, cause: null,
      message: `image ${image.value.tag} is ${image.value.id}${image.value.repoDigests.length ? ` (${image.value.repoDigests.join(", ")})` : ""}, not the pinned sandbox.image_digest ${pinned} (spec L.6): pull or build that image, or change the pin`,
    });
  }
  const flags = mountFlags(o.workDir);
  let profile = "strict";
  if (flags === null || !(flags.noexec && flags.nosuid && flags.nodev)) {
    profile = "handoff-exec";
    warnings.push(
      `the work directory ${o.workDir} is on ${flags === null ? "a filesystem of unknown flags" : `${flags.mountPoint} without noexec,nosuid,nodev`}; ` +
        "a validator must keep run directories on a noexec,nosuid,nodev filesystem (spec L.1.3)",
    );
  }
  const gpus: GpuAssignment =
    image.value.device === "cuda"
      ? { kind: "devices", deviceIds: o.gpuDeviceIds ?? Array.from({ length: o.numGpus }, (_, i) => String(i)) }
      : { kind: "none" };
  const limits = sandboxLimits(o.hparams);
  const runner = createDockerRunner({
    docker, image: image.value, gpus,
    memoryBytes: limits.memoryBytes, shmSizeBytes: limits.shmBytes, pidsLimit: limits.pidsLimit, tmpfsBytes: limits.tmpfsBytes,
    threadsPerProcess: threads,
    nofile: containerNofile(),
    memlockBytes: image.value.device === "cuda" ? hardLimit("Max locked memory") : null,
    hostIsRoot: o.hostIsRoot ?? process.getuid?.() === 0,
    sandboxProfile: profile,
  });
  return ok({ runner, image: image.value, removedLeftovers: leftovers.value, warnings });
}
