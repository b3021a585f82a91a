/**
 * The host side of a run's files (docs/evaluation-protocol.md §3, docs/run-artifacts.md): the run
 * directory and the per-container input directories, the trusted supervisor files read back with
 * ownership checks, and the mount flags of the hand-over directory.
 * @module
 */
import { chmod, chown, lstat, mkdir, readFile, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { err, ok, type Result, ResultAsync } from "neverthrow";
import { parseSupervisorTiming, type SupervisorTiming } from "../verify/index.js";
import type { EvaluationIoError } from "./errors.js";

/** Container users' ids (protocol §2). */
export const CONTAINER_UIDS = Object.freeze({ reference: 2001, supervisor: 2002, miner: 2003, trustedGroup: 2100 });

/** One run attempt's directories on the host. */
export interface RunDirectory {
  /** `<work>/<runId>`: everything of this run. */
  readonly root: string;
  /** `<run>`: the run directory `verifyRun` reads. */
  readonly runDir: string;
  readonly referenceIn: string;
  readonly candidateIn: string;
  readonly logsDir: string;
  readonly dirs: {
    readonly initial: string;
    readonly reference: string;
    readonly shared: string;
    readonly secret: string;
    readonly candidate: string;
    readonly supervisor: string;
  };
}

/** Options of {@link prepareRunDirectory}. */
export interface PrepareRunDirectoryOptions {
  /** Give each directory to the container user that writes it (needs root); else modes 0777/01777 (protocol §3). */
  readonly chownToContainerUsers: boolean;
}

const ioError = (path: string, what: string, cause: unknown): EvaluationIoError => ({
  type: "evaluation_io",
  message: `${what} ${path}: ${(cause as Error)?.message ?? String(cause)}`,
  path,
  cause,
});

/**
 * Creates `<work>/<runId>/{run/{initial,reference,shared,secret,candidate,supervisor},in-reference,in-candidate,logs}`.
 * Every directory is fresh (an existing one is an error: runs never share files).
 */
export function prepareRunDirectory(workDir: string, runId: string, options: PrepareRunDirectoryOptions): ResultAsync<RunDirectory, EvaluationIoError> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(runId)) throw new TypeError(`runId must be a simple name, got '${runId}'`);
  const root = join(resolve(workDir), runId);
  const runDir = join(root, "run");
  const d = {
    initial: join(runDir, "initial"),
    reference: join(runDir, "reference"),
    shared: join(runDir, "shared"),
    secret: join(runDir, "secret"),
    candidate: join(runDir, "candidate"),
    supervisor: join(runDir, "supervisor"),
  };
  const U = CONTAINER_UIDS;
  // [dir, uid, gid, mode when owned, mode when shared]
  const layout: [string, number, number, number, number][] = [
    [d.initial, U.reference, U.reference, 0o755, 0o777],
    [d.reference, U.reference, U.reference, 0o755, 0o777],
    [d.shared, U.reference, U.reference, 0o755, 0o777],
    // The supervisor reads the timed batches through the trusted group; the miner cannot enter.
    [d.secret, U.reference, U.trustedGroup, 0o750, 0o777],
    [d.candidate, U.miner, U.miner, 0o755, 0o777],
    [d.supervisor, U.supervisor, U.supervisor, 0o755, 0o1777],
  ];
  const run = async (): Promise<Result<RunDirectory, EvaluationIoError>> => {
    const dir = { root, runDir, referenceIn: join(root, "in-reference"), candidateIn: join(root, "in-candidate"), logsDir: join(root, "logs"), dirs: d };
    try {
      await mkdir(workDir, { recursive: true });
      await mkdir(root, { recursive: false, mode: 0o755 });
      for (const p of [runDir, dir.referenceIn, dir.candidateIn, dir.logsDir]) {
        await mkdir(p, { mode: 0o755 });
        await chmod(p, 0o755);
      }
      for (const [p, uid, gid, owned, shared] of layout) {
        await mkdir(p);
        if (options.chownToContainerUsers) {
          await chown(p, uid, gid);
          await chmod(p, owned);
        } else {
          await chmod(p, shared);
        }
      }
    } catch (cause) {
      return err(ioError(root, "cannot create the run directory", cause));
    }
    return ok(dir);
  };
  return new ResultAsync(run());
}

/** Writes one input file (`0644`) into a container's input directory. */
export function writeInputFile(dir: string, name: string, data: string | Uint8Array): ResultAsync<void, EvaluationIoError> {
  const path = join(dir, name);
  return ResultAsync.fromPromise(
    writeFile(path, data, { mode: 0o644, flag: "wx" }).then(() => chmod(path, 0o644)),
    (cause) => ioError(path, "cannot write", cause),
  );
}

/** Why a trusted supervisor file could not be used. */
export type TrustedFileProblem = "missing" | "not_regular" | "wrong_owner" | "invalid";

/** Reads a trusted JSON file: a regular file (no symlink), at most 16 MiB, owned by `uid` when given. */
async function readTrustedJson(path: string, uid: number | null): Promise<Result<unknown, { problem: TrustedFileProblem; message: string }>> {
  try {
    const st = await lstat(path);
    if (!st.isFile()) return err({ problem: "not_regular", message: `${path} is not a regular file` });
    if (uid !== null && st.uid !== uid) return err({ problem: "wrong_owner", message: `${path} is owned by uid ${st.uid}, not ${uid}` });
    if (st.size > 16 * 1024 * 1024) return err({ problem: "invalid", message: `${path} is larger than 16 MiB` });
    return ok(JSON.parse(await readFile(path, "utf8")) as unknown);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return err({ problem: "missing", message: `${path} does not exist` });
    return err({ problem: "invalid", message: `${path}: ${(cause as Error).message}` });
  }
}

/** `supervisor/timing.json`, checked (regular file, owner) and schema-validated. */
export async function readSupervisorTiming(runDir: string, uid: number | null): Promise<Result<SupervisorTiming, { problem: TrustedFileProblem; message: string }>> {
  const json = await readTrustedJson(join(runDir, "supervisor", "timing.json"), uid);
  if (json.isErr()) return err(json.error);
  const parsed = parseSupervisorTiming(json.value);
  return parsed.isErr() ? err({ problem: "invalid", message: `supervisor/timing.json: ${parsed.error}` }) : ok(parsed.value);
}

/** The parts of `supervisor/result.json` the host uses (protocol §6); the rest is kept verbatim. */
export interface SupervisorResult {
  readonly status: string;
  readonly error: string | null;
  /** The harness's untrusted claims (`meta`, `warmup`, `post_checks`), verbatim. */
  readonly claims: unknown;
  readonly factsDiff: unknown;
  readonly harnessHash: string | null;
  readonly raw: Readonly<Record<string, unknown>>;
}

/** `supervisor/result.json`, checked like the timing file; `Err` when missing or malformed. */
export async function readSupervisorResult(runDir: string, uid: number | null): Promise<Result<SupervisorResult, { problem: TrustedFileProblem; message: string }>> {
  const json = await readTrustedJson(join(runDir, "supervisor", "result.json"), uid);
  if (json.isErr()) return err(json.error);
  const v = json.value;
  if (typeof v !== "object" || v === null || Array.isArray(v)) return err({ problem: "invalid", message: "supervisor/result.json: not an object" });
  const o = v as Record<string, unknown>;
  if (typeof o.status !== "string") return err({ problem: "invalid", message: "supervisor/result.json: status is not a string" });
  return ok({
    status: o.status,
    error: typeof o.error === "string" ? o.error : null,
    claims: o.claims ?? null,
    factsDiff: o.facts_diff ?? null,
    harnessHash: typeof o.harness_hash === "string" ? o.harness_hash : null,
    raw: o,
  });
}

/** The mount flags of the filesystem holding a path (Linux `/proc/self/mountinfo`). */
export interface MountFlags {
  readonly mountPoint: string;
  readonly noexec: boolean;
  readonly nosuid: boolean;
  readonly nodev: boolean;
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/**
 * The flags of the mount a path lives on (the hand-over directory must be `noexec,nosuid,nodev`,
 * spec §L.1.3); `null` when they cannot be read (not Linux).
 * @param mountinfo - the text of `/proc/self/mountinfo` (read when absent)
 */
export function mountFlags(path: string, mountinfo?: string): MountFlags | null {
  let text: string;
  try {
    text = mountinfo ?? readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return null;
  }
  const target = resolve(path);
  let best: MountFlags | null = null;
  for (const line of text.split("\n")) {
    const f = line.split(" ");
    if (f.length < 6) continue;
    const mountPoint = unescapeMount(f[4]!);
    const inside = mountPoint === "/" || target === mountPoint || target.startsWith(`${mountPoint}/`);
    if (!inside || (best !== null && best.mountPoint.length > mountPoint.length)) continue;
    const opts = new Set(f[5]!.split(","));
    best = { mountPoint, noexec: opts.has("noexec"), nosuid: opts.has("nosuid"), nodev: opts.has("nodev") };
  }
  return best;
}
