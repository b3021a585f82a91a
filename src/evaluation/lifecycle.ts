/**
 * Container lifecycle (spec crusades.md §L.1.8, §L.2): create, start, stream logs, enforce a total
 * wall-clock deadline from the host, and **always** remove the container, also on abort. Start-up
 * cleanup removes containers a crashed host process left behind, found by label.
 * @module
 */
import type Docker from "dockerode";
import { err, ok, type Result, ResultAsync } from "neverthrow";
import { EVALUATION_LABEL, OWNER_PID_LABEL } from "./container-spec.js";
import { classifyDockerError, dockerCall } from "./docker-error.js";
import type { DockerError } from "./errors.js";
import type { LogSink } from "./log-sink.js";

/** How a container run ended. */
export type ContainerEnd =
  /** PID 1 exited by itself. */
  | "exited"
  /** The host killed it at the deadline. */
  | "deadline_exceeded"
  /** The host killed it because the caller aborted (Ctrl-C, SIGTERM). */
  | "aborted";

/** The outcome of {@link runContainer}. The container is gone when this is returned. */
export interface ContainerOutcome {
  readonly containerId: string;
  readonly end: ContainerEnd;
  /** PID 1's exit status; `null` when the engine did not report one. */
  readonly exitCode: number | null;
  /** The kernel's OOM killer fired in the container's memory cgroup. */
  readonly oomKilled: boolean;
  /** From the start request to the exit. */
  readonly durationMs: number;
  /** Error text of the `onStarted` hook, when it failed (the container was then killed). */
  readonly hookError: string | null;
}

/** A started container, handed to {@link RunContainerOptions.onStarted}. */
export interface StartedContainer {
  readonly id: string;
  readonly container: Docker.Container;
  /** Aborted when the run ends (exit, deadline or abort): stop waiting then. */
  readonly stopped: AbortSignal;
}

/** Options of {@link runContainer}. */
export interface RunContainerOptions {
  /** The total wall-clock deadline, from the start request; the host kills the container at it. */
  readonly deadlineMs: number;
  /** Where the container's output goes (logs are only logs). */
  readonly log?: LogSink;
  /** Aborting kills and removes the container; the outcome is `aborted`. */
  readonly signal?: AbortSignal;
  /** Runs once the container has started (the candidate run issues its execs here). A rejection kills the container. */
  readonly onStarted?: (started: StartedContainer) => Promise<void>;
  /** Called with the container id right after creation (tests, tracking). */
  readonly onCreated?: (id: string) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Resolves after `ms`, or `false` early when the promise settles first; never rejects. */
async function within<T>(promise: Promise<T>, ms: number): Promise<{ settled: true; value: T } | { settled: false }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ settled: false }>((resolve) => {
    timer = setTimeout(() => resolve({ settled: false }), ms);
  });
  try {
    return await Promise.race([promise.then((value) => ({ settled: true as const, value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Removes a container by force and confirms it is gone: the engine can answer a removal while a
 * container whose processes are slow to die (an OOM-stalled cgroup, thousands of forks) still
 * exists, so the removal is retried until an inspect answers 404, for up to `budgetMs`.
 * A container that is already gone counts as removed.
 */
export function removeContainer(docker: Docker, id: string, budgetMs = 120_000): ResultAsync<void, DockerError> {
  return new ResultAsync(
    (async (): Promise<Result<void, DockerError>> => {
      const until = performance.now() + budgetMs;
      const action = `remove container ${id.slice(0, 12)}`;
      let last: DockerError | null = null;
      for (let attempt = 0; ; attempt++) {
        try {
          await docker.getContainer(id).remove({ force: true, v: true });
        } catch (cause) {
          const e = classifyDockerError(cause, { action });
          if (e.type === "docker_container_missing") return ok(undefined);
          last = e;
        }
        try {
          await docker.getContainer(id).inspect();
        } catch (cause) {
          const e = classifyDockerError(cause, { action });
          if (e.type === "docker_container_missing") return ok(undefined);
          last = e;
        }
        if (performance.now() > until || attempt >= 100) {
          return err(last ?? { type: "docker_api", message: `${action}: the container still exists`, statusCode: null, cause: null });
        }
        await sleep(Math.min(2_000, 200 * (attempt + 1)));
      }
    })(),
  );
}

function pipeLogs(docker: Docker, container: Docker.Container, sink: LogSink): Promise<void> {
  return container
    .logs({ follow: true, stdout: true, stderr: true })
    .then(
      (stream) =>
        new Promise<void>((resolve) => {
          docker.modem.demuxStream(stream, sink.stream("stdout"), sink.stream("stderr"));
          stream.on("end", () => resolve());
          stream.on("close", () => resolve());
          stream.on("error", () => resolve());
        }),
    )
    .catch(() => undefined);
}

/**
 * Creates and starts a container from `spec`, streams its output to `options.log`, waits for PID 1
 * to exit, kills it at the deadline or on abort, and removes it in every case (the `finally` of this
 * function; start-up cleanup catches a host process that died before reaching it).
 * @returns the outcome; `Err` only when the engine failed (create, start, wait or removal)
 * @example
 * const outcome = await runContainer(docker, buildContainerSpec({...}), { deadlineMs: 600_000 });
 */
export function runContainer(docker: Docker, spec: Docker.ContainerCreateOptions, options: RunContainerOptions): ResultAsync<ContainerOutcome, DockerError> {
  return new ResultAsync(run(docker, spec, options));
}

async function run(docker: Docker, spec: Docker.ContainerCreateOptions, options: RunContainerOptions): Promise<Result<ContainerOutcome, DockerError>> {
  if (!Number.isFinite(options.deadlineMs) || options.deadlineMs <= 0) throw new RangeError(`deadlineMs must be > 0, got ${options.deadlineMs}`);
  if (options.signal?.aborted) {
    return ok({ containerId: "", end: "aborted", exitCode: null, oomKilled: false, durationMs: 0, hookError: null });
  }
  const created = await dockerCall("create container", () => docker.createContainer(spec), spec.Image);
  if (created.isErr()) return err(created.error);
  const container = created.value;
  options.onCreated?.(container.id);
  const stopped = new AbortController();
  let outcome: Result<ContainerOutcome, DockerError>;
  try {
    outcome = await supervise(docker, container, options, stopped);
  } finally {
    stopped.abort();
  }
  const removed = await removeContainer(docker, container.id);
  if (removed.isErr()) return err(removed.error);
  return outcome;
}

async function supervise(
  docker: Docker,
  container: Docker.Container,
  options: RunContainerOptions,
  stopped: AbortController,
): Promise<Result<ContainerOutcome, DockerError>> {
  const t0 = performance.now();
  // wait() is registered before start(), so an instant exit cannot be missed.
  const waiting = dockerCall("wait for container", () => container.wait({ condition: "next-exit" }) as Promise<{ StatusCode?: number }>);
  const started = await dockerCall("start container", () => container.start());
  if (started.isErr()) return err(started.error);
  const logs = options.log === undefined ? Promise.resolve() : pipeLogs(docker, container, options.log);

  let kill: ContainerEnd | null = null;
  let hookError: string | null = null;
  const killNow = (why: ContainerEnd) => {
    kill ??= why;
    void container.kill({ signal: "SIGKILL" }).catch(() => undefined);
  };
  const deadline = setTimeout(() => killNow("deadline_exceeded"), Math.max(0, options.deadlineMs - (performance.now() - t0)));
  const onAbort = () => killNow("aborted");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const hook = options.onStarted?.({ id: container.id, container, stopped: stopped.signal }).catch((e: unknown) => {
    hookError = e instanceof Error ? e.message : String(e);
    killNow("exited");
  });
  try {
    const waited = await waiting;
    const durationMs = performance.now() - t0;
    if (waited.isErr()) return err(waited.error);
    stopped.abort();
    await within(hook ?? Promise.resolve(), 5_000);
    await within(logs, 5_000);
    const inspected = await dockerCall("inspect container", () => container.inspect());
    const state = inspected.isOk() ? inspected.value.State : undefined;
    return ok({
      containerId: container.id,
      end: kill ?? "exited",
      exitCode: typeof waited.value.StatusCode === "number" ? waited.value.StatusCode : (state?.ExitCode ?? null),
      oomKilled: state?.OOMKilled ?? false,
      durationMs,
      hookError,
    });
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/** Options of {@link removeLeftoverContainers}. */
export interface RemoveLeftoversOptions {
  /** Remove every evaluation container, also those of live processes. @default false */
  readonly all?: boolean;
  /** Whether a host process is alive. @default signal 0 probe */
  readonly isAlive?: (pid: number) => boolean;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes evaluation containers (label `crusades.evaluation`) whose owning host process is gone:
 * the leftovers of a crashed or killed run. Containers of live evaluations on the same engine are
 * kept unless `all` is set.
 * @returns the ids removed
 */
export function removeLeftoverContainers(docker: Docker, options: RemoveLeftoversOptions = {}): ResultAsync<string[], DockerError> {
  const isAlive = options.isAlive ?? processAlive;
  return dockerCall("list containers", () => docker.listContainers({ all: true, filters: { label: [EVALUATION_LABEL] } })).andThen((list) => {
    const stale = list.filter((c) => {
      if (options.all) return true;
      const pid = Number(c.Labels?.[OWNER_PID_LABEL]);
      return !Number.isSafeInteger(pid) || pid <= 0 || (pid !== process.pid && !isAlive(pid));
    });
    return ResultAsync.combine(stale.map((c) => removeContainer(docker, c.Id).map(() => c.Id)));
  });
}

/** Lists the evaluation containers that currently exist (all states); tests assert none is left. */
export function listEvaluationContainers(docker: Docker): ResultAsync<string[], DockerError> {
  return dockerCall("list containers", () => docker.listContainers({ all: true, filters: { label: [EVALUATION_LABEL] } })).map((l) => l.map((c) => c.Id));
}
