/**
 * Loading and validating `hparams.json` (spec crusades.md §I) into a frozen {@link Hparams}.
 * @module
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { err, ok, type Result } from "neverthrow";
import { DERIVED, HPARAMS_SCHEMA } from "./hparams.js";
import { isFailure } from "./schema.js";
import type { Hparams, HparamsError, ParseHparamsError } from "./types.js";

/** The file used when neither an explicit path nor `CRUSADES_HPARAMS_PATH` is given, relative to the working directory. */
export const DEFAULT_HPARAMS_PATH = "hparams/hparams.json";

/** The environment variable naming the hparams file (read only by {@link resolveHparamsPath}). */
export const HPARAMS_PATH_ENV = "CRUSADES_HPARAMS_PATH";

/** Options of {@link parseHparams} and {@link loadHparams}. */
export interface ParseHparamsOptions {
  /** Reject keys the schema does not know (the reference ignores them). @default false */
  readonly strict?: boolean;
}

/**
 * Which hparams file to load: `CRUSADES_HPARAMS_PATH` if set and non-empty, else
 * `./hparams/hparams.json`, resolved against `cwd`. The CLI calls this; SDK modules never read env.
 * @param env - the environment, e.g. `process.env`
 * @param cwd - the directory relative paths resolve against, e.g. `process.cwd()`
 * @returns an absolute path
 * @example resolveHparamsPath(process.env, process.cwd())
 */
export function resolveHparamsPath(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const fromEnv = env[HPARAMS_PATH_ENV];
  const path = fromEnv !== undefined && fromEnv !== "" ? fromEnv : DEFAULT_HPARAMS_PATH;
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Validates parsed JSON as hparams, applying the code defaults of §I.1/§I.3 and the derived
 * defaults (`sandbox.total_deadline_s` and `sandbox.reference_deadline_s` = `eval_timeout`,
 * `sandbox.pids_limit` = 1024 × `docker.num_gpus`).
 * @param json - the value `JSON.parse` returned
 * @returns the deeply frozen {@link Hparams}, or an error naming the first bad key path
 * @example
 * import { parseHparams } from "crusades/config";
 * const r = parseHparams({ netuid: 3, ... });
 */
export function parseHparams(json: unknown, options: ParseHparamsOptions = {}): Result<Hparams, ParseHparamsError> {
  return parseWithPath(json, null, options);
}

function parseWithPath(json: unknown, path: string | null, options: ParseHparamsOptions): Result<Hparams, ParseHparamsError> {
  const r = HPARAMS_SCHEMA.check(json, "", { strict: options.strict ?? false });
  if (isFailure(r)) {
    const where = path === null ? "" : `${path}: `;
    return err({ type: "hparams_invalid", message: `${where}${r.message}`, path, key: r.key });
  }
  const sandbox = r.sandbox;
  const filled = {
    ...r,
    sandbox: {
      ...sandbox,
      total_deadline_s: sandbox.total_deadline_s === DERIVED ? r.eval_timeout : sandbox.total_deadline_s,
      reference_deadline_s: sandbox.reference_deadline_s === DERIVED ? r.eval_timeout : sandbox.reference_deadline_s,
      pids_limit: sandbox.pids_limit === DERIVED ? 1024 * r.docker.num_gpus : sandbox.pids_limit,
    },
  };
  const typed: Hparams = filled;
  return ok(deepFreeze(typed));
}

/**
 * Reads and validates an hparams file.
 * @param path - the file; default {@link DEFAULT_HPARAMS_PATH} relative to the working directory
 *   (use {@link resolveHparamsPath} to honour `CRUSADES_HPARAMS_PATH`)
 * @returns the frozen {@link Hparams}, or a read, JSON or validation error (the latter names the key path)
 * @example
 * import { loadHparams, resolveHparamsPath } from "crusades/config";
 * const hparams = loadHparams(resolveHparamsPath(process.env, process.cwd()))._unsafeUnwrap();
 */
export function loadHparams(path: string = DEFAULT_HPARAMS_PATH, options: ParseHparamsOptions = {}): Result<Hparams, HparamsError> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    const code = (cause as { code?: string }).code ?? "EIO";
    return err({ type: "hparams_read_failed", message: `cannot read hparams file ${path} (${code})`, path, cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return err({ type: "hparams_not_json", message: `${path}: not valid JSON (${detail})`, path, cause });
  }
  return parseWithPath(json, path, options);
}
