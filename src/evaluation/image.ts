/**
 * Finding or building the evaluation image (docs/evaluation-protocol.md §1): the CPU image is built
 * offline by `environments/templar/build-cpu-image.sh` when missing or stale; the GPU image and any
 * other tag must already exist.
 * @module
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import type Docker from "dockerode";
import { err, errAsync, ok, ResultAsync } from "neverthrow";
import { dockerCall } from "./docker-error.js";
import type { DockerError, ImageBuildError, ImageError } from "./errors.js";
import { computeHarnessHash, harnessVersion } from "./harness-files.js";

/** Image labels written by the build (protocol §1). */
export const IMAGE_LABELS = Object.freeze({
  harnessVersion: "org.crusades.harness_version",
  harnessHash: "org.crusades.harness_hash",
  device: "org.crusades.device",
  model: "org.crusades.model",
});

/** The model config name baked into the CPU image. */
export const CPU_MODEL = "tiny-qwen2";

/** `cpu`, `gpu`, or an explicit image reference. */
export type ImageChoice = "cpu" | "gpu" | (string & {});

/** A resolved evaluation image. */
export interface EvaluationImage {
  /** The reference the containers are created from (the image id, so a re-tag mid-run changes nothing). */
  readonly ref: string;
  /** The tag that was asked for or built. */
  readonly tag: string;
  /** Content id `sha256:…` (provenance `image_digest`, §L.6). */
  readonly id: string;
  /** Repository digests when the image came from a registry. */
  readonly repoDigests: readonly string[];
  readonly device: "cpu" | "cuda";
  /** The model config name passed in `params.json`. */
  readonly model: string;
  readonly harnessVersion: string | null;
  readonly harnessHash: string | null;
  /** `true` when this call built it. */
  readonly built: boolean;
}

/** Options of {@link ensureImage}. */
export interface EnsureImageOptions {
  readonly choice: ImageChoice;
  /** The checkout's `environments/templar` (for the CPU build and the version); `null` if unavailable. */
  readonly environmentDir: string | null;
  /** The model of a CUDA image without an `org.crusades.model` label (`hparams.benchmark_model_name`). */
  readonly gpuModel: string;
  /** Build the CPU image when missing or its harness hash differs from the checkout's. @default true */
  readonly build?: boolean;
  /** Output lines of a build, for a progress display. */
  readonly onBuildOutput?: (line: string) => void;
}

/** The tag `crusades-eval-<kind>:<version>` of the checkout, `:latest` without a VERSION file. */
export function defaultImageTag(kind: "cpu" | "gpu", environmentDir: string | null): string {
  const version = environmentDir === null ? null : harnessVersion(environmentDir);
  return `crusades-eval-${kind}:${version ?? "latest"}`;
}

function inspectImage(docker: Docker, tag: string): ResultAsync<Docker.ImageInspectInfo | null, DockerError> {
  return dockerCall("inspect image", () => docker.getImage(tag).inspect(), tag)
    .map((info): Docker.ImageInspectInfo | null => info)
    .orElse((e) => (e.type === "docker_image_missing" ? ok(null) : err(e)));
}

function describe(info: Docker.ImageInspectInfo, tag: string, gpuModel: string, built: boolean): EvaluationImage {
  const labels: Record<string, string> = info.Config?.Labels ?? {};
  const labelDevice = labels[IMAGE_LABELS.device];
  const device = labelDevice === "cpu" || labelDevice === "cuda" ? labelDevice : /(^|[-_/:])cpu([-_:.]|$)/.test(tag) ? "cpu" : "cuda";
  return {
    ref: info.Id,
    tag,
    id: info.Id,
    repoDigests: info.RepoDigests ?? [],
    device,
    model: labels[IMAGE_LABELS.model] ?? (device === "cpu" ? CPU_MODEL : gpuModel),
    harnessVersion: labels[IMAGE_LABELS.harnessVersion] ?? null,
    harnessHash: labels[IMAGE_LABELS.harnessHash] ?? null,
    built,
  };
}

/** Runs `build-cpu-image.sh`; resolves with its exit status and output tail. */
function runBuildScript(environmentDir: string, tag: string, onLine?: (line: string) => void): ResultAsync<void, ImageBuildError> {
  return new ResultAsync(
    new Promise((resolve) => {
      const child = spawn("bash", [join(environmentDir, "build-cpu-image.sh")], { cwd: environmentDir, stdio: ["ignore", "pipe", "pipe"] });
      let tail = "";
      let partial = "";
      const take = (chunk: Buffer) => {
        const text = chunk.toString("utf8");
        tail = (tail + text).slice(-4000);
        const lines = (partial + text).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) onLine?.(line);
      };
      child.stdout.on("data", take);
      child.stderr.on("data", take);
      child.on("error", (cause) =>
        resolve(err({ type: "image_build_failed", message: `cannot run the CPU image build: ${cause.message}`, image: tag, exitCode: null, outputTail: tail })),
      );
      child.on("close", (code) =>
        resolve(
          code === 0
            ? ok(undefined)
            : err({ type: "image_build_failed", message: `the CPU image build exited with status ${code}`, image: tag, exitCode: code, outputTail: tail }),
        ),
      );
    }),
  );
}

/**
 * Finds the image for `choice`: `cpu` is `crusades-eval-cpu:<VERSION>`, built offline when missing
 * or when its harness-hash label differs from the checkout's; `gpu` is `crusades-eval-gpu:<VERSION>`
 * and any other value an explicit reference, both of which must exist.
 * @returns the image with its id, device, model and harness labels
 */
export function ensureImage(docker: Docker, options: EnsureImageOptions): ResultAsync<EvaluationImage, ImageError> {
  const { choice, environmentDir, gpuModel } = options;
  const tag = choice === "cpu" ? defaultImageTag("cpu", environmentDir) : choice === "gpu" ? defaultImageTag("gpu", environmentDir) : choice;
  return inspectImage(docker, tag)
    .mapErr((e): ImageError => e)
    .andThen((info) => {
      if (choice !== "cpu") {
        if (info === null) {
          const hint = choice === "gpu" ? " (build it with: docker build -t " + tag + " -f environments/templar/Dockerfile environments/templar)" : "";
          return errAsync<EvaluationImage, ImageError>({ type: "docker_image_missing", message: `image ${tag} not found${hint}`, image: tag, cause: null });
        }
        return ok(describe(info, tag, gpuModel, false));
      }
      const expected = environmentDir === null ? null : computeHarnessHash(environmentDir)?.hash ?? null;
      const current = info === null ? null : describe(info, tag, gpuModel, false);
      const stale = current !== null && expected !== null && current.harnessHash !== null && current.harnessHash !== expected;
      if (current !== null && !stale) return ok(current);
      if (options.build === false || environmentDir === null) {
        const why = current === null ? "not found" : `stale (harness hash ${current.harnessHash} != checkout ${expected})`;
        return errAsync<EvaluationImage, ImageError>({ type: "docker_image_missing", message: `CPU image ${tag} ${why}; run environments/templar/build-cpu-image.sh`, image: tag, cause: null });
      }
      return runBuildScript(environmentDir, tag, options.onBuildOutput)
        .mapErr((e): ImageError => e)
        .andThen(() => inspectImage(docker, tag).mapErr((e): ImageError => e))
        .andThen((built) =>
          built === null
            ? err<EvaluationImage, ImageError>({ type: "image_build_failed", message: `the build finished but ${tag} does not exist`, image: tag, exitCode: 0, outputTail: "" })
            : ok(describe(built, tag, gpuModel, true)),
        );
    });
}
