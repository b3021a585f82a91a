/**
 * The Docker runner (docs/evaluation-protocol.md §3, §7): the reference container, then the
 * candidate container whose supervisor is PID 1 and into which the host execs the miner-code
 * launcher as `crusades-miner` once the supervisor listens (spec crusades.md §L.1.2).
 * @module
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import type Docker from "dockerode";
import { ResultAsync } from "neverthrow";
import { buildContainerSpec, type BindMount, type GpuAssignment } from "./container-spec.js";
import type { EvaluationError } from "./errors.js";
import type { EvaluationImage } from "./image.js";
import { runContainer } from "./lifecycle.js";
import { createLogSink, type LogSink } from "./log-sink.js";
import { CONTAINER_UIDS } from "./run-dir.js";
import type { EvaluationRunner, StepInput, StepOutcome } from "./runner.js";

/** Options of {@link createDockerRunner}. */
export interface DockerRunnerOptions {
  readonly docker: Docker;
  readonly image: EvaluationImage;
  readonly gpus: GpuAssignment;
  /** `docker.memory_limit` in bytes (swap equal). */
  readonly memoryBytes: number;
  /** `docker.shm_size` in bytes. */
  readonly shmSizeBytes: number;
  /** `sandbox.pids_limit`. */
  readonly pidsLimit: number;
  /** `sandbox.tmpfs_size` in bytes. */
  readonly tmpfsBytes: number;
  /** Threads per process (`OMP_NUM_THREADS`). @default 1 */
  readonly threadsPerProcess?: number;
  /** Whether the host runs as root (run directories are then given to the container users). */
  readonly hostIsRoot: boolean;
  /** `"strict"`, or the name of a granted exception (§L.2), e.g. when the hand-over fs is not `noexec`. */
  readonly sandboxProfile: string;
  /** Open files per container (clamped to the engine's hard limit by the caller). @default 65536 */
  readonly nofile?: number;
  /** Locked memory for CUDA pinned buffers (`-1` unlimited), or `null` for the engine's default. @default null */
  readonly memlockBytes?: number | null;
  /** How long to wait for `supervisor/listening`. @default 120 s (protocol §3.2) */
  readonly listeningTimeoutMs?: number;
  /** Host CPUs of every container (a lease's cpuset). @default any */
  readonly cpusetCpus?: string;
  /** CPU bound of every container in 1e-9 CPUs (a lease's `cores · 1e9`). @default unbounded */
  readonly nanoCpus?: number;
  /** Extra labels on every container (an engine lease labels its jobs with the lease). */
  readonly labels?: Readonly<Record<string, string>>;
}

const HARNESS = (module: string) => ["python3", "-I", "-B", "-m", `crusades_env.${module}`, "/crusades/in/params.json"];

function containerEnv(threads: number): Record<string, string> {
  return {
    HOME: "/tmp",
    TMPDIR: "/tmp",
    OMP_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
    TORCHINDUCTOR_CACHE_DIR: "/tmp/inductor",
    TRITON_CACHE_DIR: "/tmp/triton",
  };
}

function sinkFor(input: StepInput, file: string): LogSink {
  let partial = "";
  return createLogSink({
    path: join(input.dir.logsDir, file),
    onChunk:
      input.onOutput === undefined
        ? undefined
        : (_name, chunk) => {
            const lines = (partial + chunk.toString("utf8")).split("\n");
            partial = lines.pop() ?? "";
            for (const line of lines) input.onOutput!(line);
          },
  });
}

const toOutcome = (o: { end: StepOutcome["end"]; exitCode: number | null; oomKilled: boolean; durationMs: number; hookError: string | null }): StepOutcome => ({
  end: o.end, exitCode: o.exitCode, oomKilled: o.oomKilled, durationMs: o.durationMs, hostError: o.hookError,
});

async function waitForFile(path: string, timeoutMs: number, stopped: AbortSignal): Promise<"present" | "stopped"> {
  const until = performance.now() + timeoutMs;
  while (!stopped.aborted) {
    try {
      await access(path);
      return "present";
    } catch {
      // not yet
    }
    if (performance.now() > until) throw new Error(`the supervisor did not create ${path} within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return "stopped";
}

/** Starts the launcher as `crusades-miner` in the running candidate container (protocol §3.2 step 3). */
async function execLauncher(docker: Docker, container: Docker.Container, env: Record<string, string>, log: LogSink): Promise<void> {
  const exec = await container.exec({
    User: "crusades-miner",
    WorkingDir: "/tmp",
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Cmd: HARNESS("launch"),
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Privileged: false,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  docker.modem.demuxStream(stream, log.stream("stdout"), log.stream("stderr"));
}

/**
 * Creates the Docker runner: both containers under the §L.2 sandbox of {@link buildContainerSpec},
 * the host's deadline, logs to `<root>/logs/`, removal always.
 */
export function createDockerRunner(options: DockerRunnerOptions): EvaluationRunner {
  const { docker, image } = options;
  const threads = options.threadsPerProcess ?? 1;
  const listeningTimeoutMs = options.listeningTimeoutMs ?? 120_000;
  const base = (input: StepInput, role: "reference" | "candidate") => ({
    image: image.ref,
    name: `crusades-eval-${role === "reference" ? "ref" : "cand"}-${input.runId}-${process.pid}`,
    role,
    runId: input.runId,
    workingDir: "/tmp",
    env: containerEnv(threads),
    memoryBytes: options.memoryBytes,
    shmSizeBytes: options.shmSizeBytes,
    pidsLimit: options.pidsLimit,
    gpus: options.gpus,
    nofile: options.nofile ?? 65536,
    memlockBytes: options.memlockBytes ?? null,
    labels: { ...options.labels, "org.crusades.image": image.tag },
    ...(options.cpusetCpus === undefined ? {} : { cpusetCpus: options.cpusetCpus }),
    ...(options.nanoCpus === undefined ? {} : { nanoCpus: options.nanoCpus }),
  });
  return {
    kind: "docker",
    device: image.device,
    model: image.model,
    supervisorUid: CONTAINER_UIDS.supervisor,
    chownRunDirs: options.hostIsRoot,
    launch: "exec",
    paths: () => undefined,
    provenance: { imageId: image.id, imageTag: image.tag, harnessHash: image.harnessHash, sandboxProfile: options.sandboxProfile },

    runReference(input: StepInput): ResultAsync<StepOutcome, EvaluationError> {
      const d = input.dir.dirs;
      const binds: BindMount[] = [
        { source: input.dir.referenceIn, target: "/crusades/in", readOnly: true },
        { source: d.initial, target: "/crusades/out/initial", readOnly: false },
        { source: d.reference, target: "/crusades/out/reference", readOnly: false },
        { source: d.shared, target: "/crusades/out/shared", readOnly: false },
        { source: d.secret, target: "/crusades/out/secret", readOnly: false },
      ];
      const spec = buildContainerSpec({
        ...base(input, "reference"),
        user: "crusades-ref",
        cmd: HARNESS("reference"),
        binds,
        tmpfs: [{ target: "/tmp", sizeBytes: options.tmpfsBytes, mode: "1777" }],
      });
      const log = sinkFor(input, "reference.log");
      return runContainer(docker, spec, { deadlineMs: input.deadlineMs, log, signal: input.signal })
        .map(toOutcome)
        .andThen((o) => ResultAsync.fromSafePromise(log.close().then(() => o)));
    },

    runCandidate(input: StepInput): ResultAsync<StepOutcome, EvaluationError> {
      const d = input.dir.dirs;
      const binds: BindMount[] = [
        { source: input.dir.candidateIn, target: "/crusades/in", readOnly: true },
        { source: d.initial, target: "/crusades/initial", readOnly: true },
        { source: d.shared, target: "/crusades/shared", readOnly: true },
        { source: d.secret, target: "/crusades/secret", readOnly: true },
        { source: d.candidate, target: "/crusades/handoff", readOnly: false },
        { source: d.supervisor, target: "/crusades/sup", readOnly: false },
      ];
      const spec = buildContainerSpec({
        ...base(input, "candidate"),
        user: "crusades-sup",
        cmd: HARNESS("supervisor"),
        binds,
        tmpfs: [
          { target: "/tmp", sizeBytes: options.tmpfsBytes, mode: "1777" },
          { target: "/run/crusades", sizeBytes: 1024 * 1024, mode: "0711", uid: CONTAINER_UIDS.supervisor, gid: CONTAINER_UIDS.supervisor },
        ],
      });
      const log = sinkFor(input, "candidate.log");
      const minerLog = sinkFor(input, "miner.log");
      return runContainer(docker, spec, {
        deadlineMs: input.deadlineMs,
        log,
        signal: input.signal,
        onStarted: async ({ container, stopped }) => {
          const seen = await waitForFile(join(d.supervisor, "listening"), listeningTimeoutMs, stopped);
          if (seen === "present") await execLauncher(docker, container, containerEnv(threads), minerLog);
        },
      })
        .map(toOutcome)
        .andThen((o) => ResultAsync.fromSafePromise(Promise.all([log.close(), minerLog.close()]).then(() => o)));
    },
  };
}
