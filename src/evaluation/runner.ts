/**
 * The runner interface: how the two steps of a run (reference, candidate) are executed. The Docker
 * runner is the sandbox every validator uses; the remote runner ships each step to a leased host
 * that runs the same sandbox (compute.md §10.3); the local runner runs the same harness as plain
 * processes, for a miner's own code only.
 * @module
 */
import type { ResultAsync } from "neverthrow";
import type { EvaluationError } from "./errors.js";
import type { LocalPaths, RunParams } from "./params.js";
import type { RunDirectory } from "./run-dir.js";

/** How one step (container or process tree) ended. */
export interface StepOutcome {
  readonly end: "exited" | "deadline_exceeded" | "aborted";
  /** Exit status of the step's main process (PID 1 / the supervisor), or `null`. */
  readonly exitCode: number | null;
  /** The memory limit's OOM killer fired (Docker only). */
  readonly oomKilled: boolean;
  readonly durationMs: number;
  /** A failure of the host's own part of the step (the supervisor never listened, the exec failed). */
  readonly hostError: string | null;
  /** What a remote host reported about the step (remote runner only). */
  readonly remote?: RemoteStepEvidence;
}

/** Who ran a remote step: the lease host (compute.md §10.3 records its keys with each run). */
export interface RemoteHostIdentity {
  /** The lease host's (miner's) SS58 hotkey, which signed the step records. */
  readonly hotkey: string;
  /** Its coldkey, when the caller knows it (metagraph); `null` otherwise. */
  readonly coldkey: string | null;
  readonly leaseId: string;
  /** The agent's address, without credentials or path. */
  readonly endpoint: string;
  /** How the lease's GPUs were verified: `"pog"`, or `"unverified_for_tests"` (CPU tests, own code). */
  readonly gpuVerification: "pog" | "unverified_for_tests";
  readonly gpuModel: string | null;
  readonly gpuUuids: readonly string[];
}

/** A remote step's evidence: the host's signed record (opaque here, kept verbatim) and its sandbox profile. */
export interface RemoteStepEvidence {
  /** The signed job record as received (compute's `SignedEngineRecord`). */
  readonly record: unknown;
  /** The sandbox profile the host ran under (`"strict"` or an exception such as `"handoff-exec"`). */
  readonly sandboxProfile: string;
}

/** Input of a step. */
export interface StepInput {
  readonly runId: string;
  /** The run number (`task_id`, spec §E.1); a remote step is bound to it. */
  readonly taskId?: number;
  readonly dir: RunDirectory;
  readonly params: RunParams;
  /** The total wall-clock deadline of the step. */
  readonly deadlineMs: number;
  readonly signal?: AbortSignal;
  /** Output of the step, line by line (logs only: never parsed). */
  readonly onOutput?: (line: string) => void;
}

/** Executes the steps of a run. */
export interface EvaluationRunner {
  readonly kind: "docker" | "local" | "remote";
  /** The device the harness trains on. */
  readonly device: "cpu" | "cuda";
  /** The model config name passed in `params.json`. */
  readonly model: string;
  /** The uid that must own the supervisor's files, or `null` when not checked (local runner). */
  readonly supervisorUid: number | null;
  /** Whether run directories are given to the container users (root hosts). */
  readonly chownRunDirs: boolean;
  /** `params.json` `launch`. */
  readonly launch: "exec" | "spawn";
  /** `params.json` `paths` for a run directory (local runner), or `undefined` (containers). */
  readonly paths: (dir: RunDirectory, role: "reference" | "candidate") => LocalPaths | undefined;
  /** Identity of what ran (provenance, §L.6). */
  readonly provenance: { readonly imageId: string | null; readonly imageTag: string | null; readonly harnessHash: string | null; readonly sandboxProfile: string };
  /** The lease host of a remote runner; absent (or `null`) for the others. */
  readonly remoteHost?: RemoteHostIdentity | null;
  runReference(input: StepInput): ResultAsync<StepOutcome, EvaluationError>;
  runCandidate(input: StepInput): ResultAsync<StepOutcome, EvaluationError>;
}
