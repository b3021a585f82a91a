/**
 * The remote runner (compute.md §10.3, spec crusades.md §J.6 [PROJECT]): each step of a run is
 * shipped to a leased host that runs it under the same sandbox as the Docker runner, and the files
 * it produced are written back into the local run directory, so that the unchanged host side
 * (the supervisor's trusted files, `verifyRun`, the timed wall time, MFU) runs here. Results are
 * files only; the host's logs are kept as logs. The transport (signed HTTP to a compute agent) is
 * the seam: this module does not know how the host is reached.
 * @module
 */
import { lstat, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { err, ok, type Result, ResultAsync } from "neverthrow";
import type { EvaluationError, EvaluationIoError, RemoteStepError } from "./errors.js";
import type { RunParams } from "./params.js";
import { CONTAINER_UIDS, type RunDirectory } from "./run-dir.js";
import type { EvaluationRunner, RemoteHostIdentity, RemoteStepEvidence, StepInput, StepOutcome } from "./runner.js";

/** The directories of a run a remote step reads or writes (docs/evaluation-protocol.md §3). */
export const REMOTE_DIRS = Object.freeze(["in", "initial", "reference", "shared", "secret", "candidate", "supervisor"] as const);
export type RemoteDir = (typeof REMOTE_DIRS)[number];

/**
 * Per role, the directories shipped to the host (mounted read-only there, except the reference's
 * empty output directories) and the ones whose files come back (protocol §3.1, §3.2).
 */
export const REMOTE_STEP_DIRS: Readonly<Record<"reference" | "candidate", { readonly inputs: readonly RemoteDir[]; readonly outputs: readonly RemoteDir[] }>> = Object.freeze({
  reference: { inputs: ["in"], outputs: ["initial", "reference", "shared", "secret"] },
  candidate: { inputs: ["in", "initial", "shared", "secret"], outputs: ["candidate", "supervisor"] },
});

/** A file name the protocol allows in a run directory (no path, no dot files). */
export const REMOTE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** One file of a step. */
export interface RemoteFile {
  readonly dir: RemoteDir;
  readonly name: string;
  readonly data: Uint8Array;
}

/** A file the host found in an output directory; a non-regular entry (symlink, directory) has no data. */
export interface RemoteOutputFile extends RemoteFile {
  /** The owner the host saw (`lstat`), so that the supervisor's files can be held to uid 2002. */
  readonly ownerUid: number | null;
  readonly regular: boolean;
}

/** One step as the host is asked to run it. */
export interface RemoteStepJob {
  readonly role: "reference" | "candidate";
  readonly runId: string;
  /** The run number (`task_id`); the host binds its record to it. */
  readonly taskId: number;
  readonly seed: string;
  readonly params: RunParams;
  readonly inputs: readonly RemoteFile[];
  /** The step's total wall-clock deadline, enforced on the host. */
  readonly deadlineMs: number;
  readonly signal?: AbortSignal;
}

/** What the host answered, already verified by the transport (signature, hashes, binding to the job). */
export interface RemoteStepAnswer {
  readonly outcome: Omit<StepOutcome, "remote">;
  readonly outputs: readonly RemoteOutputFile[];
  /** Log texts by file name (`reference.log`, `candidate.log`, `miner.log`): logs only, never parsed. */
  readonly logs: Readonly<Record<string, string>>;
  readonly evidence: RemoteStepEvidence;
}

/** How steps reach a host (implemented by `crusades/compute` over signed HTTP to an engine lease). */
export interface RemoteStepTransport {
  readonly host: RemoteHostIdentity;
  runStep(job: RemoteStepJob): ResultAsync<RemoteStepAnswer, RemoteStepError>;
}

/** Options of {@link createRemoteRunner}. */
export interface RemoteRunnerOptions {
  readonly transport: RemoteStepTransport;
  /** The image the host runs: pinned reference, device, model config and the expected harness hash. */
  readonly image: { readonly ref: string; readonly device: "cpu" | "cuda"; readonly model: string; readonly harnessHash: string | null };
  /** Largest total of one step's input files. @default 256 MiB */
  readonly maxInputBytes?: number;
}

const ioError = (path: string, what: string, cause: unknown): EvaluationIoError => ({
  type: "evaluation_io", message: `${what} ${path}: ${(cause as Error)?.message ?? String(cause)}`, path, cause,
});

/** The local directory of a run's `RemoteDir` for a role. */
function localDir(dir: RunDirectory, role: "reference" | "candidate", d: RemoteDir): string {
  if (d === "in") return role === "reference" ? dir.referenceIn : dir.candidateIn;
  return dir.dirs[d];
}

/** Reads the regular files of the role's input directories (flat, as the protocol lays them out). */
async function collectInputs(dir: RunDirectory, role: "reference" | "candidate", maxBytes: number): Promise<Result<RemoteFile[], EvaluationIoError>> {
  const files: RemoteFile[] = [];
  let total = 0;
  for (const d of REMOTE_STEP_DIRS[role].inputs) {
    const path = localDir(dir, role, d);
    try {
      for (const name of (await readdir(path)).sort()) {
        const file = join(path, name);
        const st = await lstat(file);
        if (!st.isFile() || !REMOTE_FILE_NAME.test(name)) return err(ioError(file, "not a plain input file:", null));
        total += st.size;
        if (total > maxBytes) return err(ioError(path, `the step's inputs exceed ${maxBytes} bytes at`, null));
        files.push({ dir: d, name, data: new Uint8Array(await readFile(file)) });
      }
    } catch (cause) {
      return err(ioError(path, "cannot read the inputs in", cause));
    }
  }
  return ok(files);
}

/**
 * Writes the host's output files into the run directory. Only the role's output directories are
 * written; only regular files; the supervisor's files only when the host saw them owned by the
 * supervisor (uid 2002), as the Docker runner requires of them: anything else is left out, so the
 * host side then judges the run exactly as it would judge a missing or foreign file locally.
 */
async function writeOutputs(dir: RunDirectory, role: "reference" | "candidate", outputs: readonly RemoteOutputFile[], note: (line: string) => void): Promise<Result<void, EvaluationIoError>> {
  const allowed = REMOTE_STEP_DIRS[role].outputs;
  const seen = new Set<string>();
  for (const f of outputs) {
    const key = `${f.dir}/${f.name}`;
    const why = !allowed.includes(f.dir) ? "not an output of this step"
      : !REMOTE_FILE_NAME.test(f.name) || seen.has(key) ? "not a valid or unique name"
      : !f.regular ? "not a regular file on the host"
      : f.dir === "supervisor" && f.ownerUid !== CONTAINER_UIDS.supervisor ? `owned by uid ${f.ownerUid} on the host, not the supervisor`
      : null;
    seen.add(key);
    if (why !== null) {
      note(`remote: left out ${key}: ${why}`);
      continue;
    }
    const path = join(localDir(dir, role, f.dir), f.name);
    try {
      await writeFile(path, f.data, { mode: f.dir === "secret" ? 0o600 : 0o644, flag: "wx" });
    } catch (cause) {
      return err(ioError(path, "cannot write", cause));
    }
  }
  return ok(undefined);
}

/** Most log files kept from one step's answer. */
const MAX_REMOTE_LOGS = 16;

async function writeLogs(dir: RunDirectory, role: "reference" | "candidate", logs: Readonly<Record<string, string>>, onOutput?: (line: string) => void): Promise<void> {
  for (const [name, text] of Object.entries(logs).slice(0, MAX_REMOTE_LOGS)) {
    if (!REMOTE_FILE_NAME.test(name)) continue;
    // Named by role: one step's host cannot overwrite the other step's logs.
    await writeFile(join(dir.logsDir, `remote-${role}-${name}`), text, { mode: 0o644 }).catch(() => undefined);
    if (onOutput) for (const line of text.split("\n")) if (line !== "") onOutput(line);
  }
}

/**
 * Creates a runner whose steps run on the transport's host. The host's sandbox is the Docker
 * runner's; its profile comes back with each step and is recorded in the run's provenance, as
 * are the host's keys and signed records (`provenance.remoteHost`).
 * @example
 * const runner = createRemoteRunner({ transport, image: { ref: lease.request.image, device: "cuda", model: "Qwen/Qwen2.5-7B", harnessHash } });
 * const report = await evaluateSubmission({ code, hparams, runner, workDir, numGpus: 4 });
 */
export function createRemoteRunner(options: RemoteRunnerOptions): EvaluationRunner {
  const { transport, image } = options;
  const maxInputBytes = options.maxInputBytes ?? 256 * 2 ** 20;
  const step = (role: "reference" | "candidate") => (input: StepInput): ResultAsync<StepOutcome, EvaluationError> =>
    new ResultAsync(
      (async (): Promise<Result<StepOutcome, EvaluationError>> => {
        if (input.taskId === undefined) throw new TypeError("a remote step needs its task id (the run number)");
        const notes: string[] = [];
        const inputs = await collectInputs(input.dir, role, maxInputBytes);
        if (inputs.isErr()) return err(inputs.error);
        const answer = await transport.runStep({
          role, runId: input.params.run_id, taskId: input.taskId, seed: input.params.seed, params: input.params, inputs: inputs.value, deadlineMs: input.deadlineMs,
          ...(input.signal === undefined ? {} : { signal: input.signal }),
        });
        if (answer.isErr()) return err(answer.error);
        const written = await writeOutputs(input.dir, role, answer.value.outputs, (line) => notes.push(line));
        if (written.isErr()) return err(written.error);
        await writeLogs(input.dir, role, answer.value.logs, input.onOutput);
        if (notes.length > 0) await writeFile(join(input.dir.logsDir, `remote-${role}.notes`), `${notes.join("\n")}\n`, { mode: 0o644 }).catch(() => undefined);
        return ok({ ...answer.value.outcome, remote: answer.value.evidence });
      })(),
    );
  return {
    kind: "remote",
    device: image.device,
    model: image.model,
    // The host checked ownership (uid 2002) before sending; locally every file is this process's.
    supervisorUid: null,
    chownRunDirs: false,
    launch: "exec",
    paths: () => undefined,
    provenance: { imageId: image.ref.slice(image.ref.lastIndexOf("@") + 1) || null, imageTag: image.ref, harnessHash: image.harnessHash, sandboxProfile: "remote" },
    remoteHost: transport.host,
    runReference: step("reference"),
    runCandidate: step("candidate"),
  };
}
