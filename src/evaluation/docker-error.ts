/**
 * `classifyDockerError`: the one place where raw dockerode / docker-modem failures become the
 * module's typed {@link DockerError} (style guide, Errors: classify at the boundary).
 * @module
 */
import { ResultAsync } from "neverthrow";
import type { DockerError } from "./errors.js";

/** Node error codes meaning "no engine to talk to" (socket absent, refused, not ours to open). */
const UNREACHABLE = new Set(["ENOENT", "ECONNREFUSED", "EACCES", "EPERM", "ENOTSOCK", "EHOSTUNREACH", "ETIMEDOUT"]);

interface RawDockerFailure {
  readonly statusCode?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly json?: unknown;
}

/** The engine's own message (`{"message": ...}` in the body), else the error's, on one line. */
function engineMessage(raw: RawDockerFailure): string {
  const json = raw.json;
  const fromJson =
    typeof json === "object" && json !== null && typeof (json as { message?: unknown }).message === "string"
      ? (json as { message: string }).message
      : null;
  const text = fromJson ?? (typeof raw.message === "string" ? raw.message : String(raw));
  return text.replace(/\s+/g, " ").trim().slice(0, 500);
}

/**
 * Classifies a failure thrown or returned by dockerode.
 * @param cause - what dockerode rejected with (an `Error` with `statusCode`/`json` from the engine,
 *   or a Node socket error with `code`)
 * @param context - what was being done (`"create container"`), and the image name for image calls
 * @returns the typed error; never throws
 * @example
 * try { await docker.getImage("x").inspect(); } catch (e) { classifyDockerError(e, { action: "inspect image", image: "x" }); }
 */
export function classifyDockerError(cause: unknown, context: { readonly action: string; readonly image?: string }): DockerError {
  const raw: RawDockerFailure = typeof cause === "object" && cause !== null ? (cause as RawDockerFailure) : { message: String(cause) };
  const status = typeof raw.statusCode === "number" ? raw.statusCode : null;
  const code = typeof raw.code === "string" ? raw.code : null;
  const detail = engineMessage(raw);
  const image = context.image ?? null;
  if (status === null && code !== null && UNREACHABLE.has(code)) {
    return {
      type: "docker_unavailable",
      message: `${context.action}: cannot reach the Docker engine (${code}); is dockerd running and is its socket readable? (scripts/docker.sh starts it)`,
      cause,
    };
  }
  if (status === 404 && (image !== null || /no such image|pull access denied|repository .* not found/i.test(detail))) {
    return { type: "docker_image_missing", message: `${context.action}: image ${image ?? ""} not found: ${detail}`.replace("  ", " "), image, cause };
  }
  if (status === 404) return { type: "docker_container_missing", message: `${context.action}: ${detail}`, cause };
  if (status === 409) return { type: "docker_conflict", message: `${context.action}: ${detail}`, cause };
  return { type: "docker_api", message: `${context.action}: ${detail}`, statusCode: status, cause };
}

/**
 * Runs a dockerode call and classifies its failure.
 * @example dockerCall("inspect image", () => docker.getImage(tag).inspect(), tag)
 */
export function dockerCall<T>(action: string, call: () => Promise<T>, image?: string): ResultAsync<T, DockerError> {
  return ResultAsync.fromPromise(
    Promise.resolve().then(call),
    (cause) => classifyDockerError(cause, image === undefined ? { action } : { action, image }),
  );
}
