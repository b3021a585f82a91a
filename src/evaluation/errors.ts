/**
 * The evaluation module's errors: readonly objects discriminated by `type` (style guide, Errors).
 * A candidate's own faults are not errors: they are failed runs with an error code. These are the
 * failures of the machinery around the runs (engine, image, files).
 * @module
 */

interface Base {
  /** One line, for people. */
  readonly message: string;
}

/** The Docker engine cannot be reached (no socket, connection refused, permission denied on the socket). */
export interface DockerUnavailableError extends Base {
  readonly type: "docker_unavailable";
  readonly cause: unknown;
}
/** The engine answered 404 for an image. */
export interface DockerImageMissingError extends Base {
  readonly type: "docker_image_missing";
  readonly image: string | null;
  readonly cause: unknown;
}
/** The engine answered 404 for a container (already removed). */
export interface DockerContainerMissingError extends Base {
  readonly type: "docker_container_missing";
  readonly cause: unknown;
}
/** The engine answered 409 (a name in use, a removal already in progress, a container not running). */
export interface DockerConflictError extends Base {
  readonly type: "docker_conflict";
  readonly cause: unknown;
}
/** Any other engine failure: a 4xx/5xx answer (bad parameter, runtime error) or a broken stream. */
export interface DockerApiError extends Base {
  readonly type: "docker_api";
  /** The HTTP status the engine answered, or `null` when there was none. */
  readonly statusCode: number | null;
  readonly cause: unknown;
}

/** Every classified dockerode / Docker Engine failure ({@link classifyDockerError}). */
export type DockerError = DockerUnavailableError | DockerImageMissingError | DockerContainerMissingError | DockerConflictError | DockerApiError;

/** Building the CPU image failed (the build script's exit status and the tail of its output). */
export interface ImageBuildError extends Base {
  readonly type: "image_build_failed";
  readonly image: string;
  readonly exitCode: number | null;
  readonly outputTail: string;
}
/** A run directory or hand-over file could not be prepared or read. */
export interface EvaluationIoError extends Base {
  readonly type: "evaluation_io";
  readonly path: string;
  readonly cause: unknown;
}
/** The static scanner could not run (its grammar failed to load). */
export interface ScannerUnavailableError extends Base {
  readonly type: "scanner_unavailable";
  readonly cause: unknown;
}
/** The local runner cannot start the harness (no `python3`, or it lacks PyTorch). */
export interface LocalRunnerUnavailableError extends Base {
  readonly type: "local_runner_unavailable";
  readonly cause: unknown;
}
/** The evaluation was interrupted (Ctrl-C, SIGTERM or an abort signal); containers were removed. */
export interface EvaluationAbortedError extends Base {
  readonly type: "evaluation_aborted";
}

/**
 * A remote step (compute.md §10.3) could not be run or its answer could not be trusted: the host
 * was unreachable, refused the job, or answered with a record that does not verify.
 */
export interface RemoteStepError extends Base {
  readonly type: "remote_step_failed";
  /** `unreachable` (transport, timeout), `refused` (the host's typed error), `bad_answer` (signature, hashes, binding). */
  readonly reason: "unreachable" | "refused" | "bad_answer";
  /** The host's error type for `refused` (e.g. `not_holder`, `image_not_allowed`), else `null`. */
  readonly remoteType: string | null;
  readonly cause: unknown;
}

/** Everything the image functions can fail with. */
export type ImageError = DockerError | ImageBuildError;

/** Everything {@link evaluateSubmission} can fail with; candidate faults are failed runs, not errors. */
export type EvaluationError =
  | DockerError
  | ImageBuildError
  | EvaluationIoError
  | ScannerUnavailableError
  | LocalRunnerUnavailableError
  | RemoteStepError
  | EvaluationAbortedError;
