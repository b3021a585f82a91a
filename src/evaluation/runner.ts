/**
 * The runner interface: how the two steps of a run (reference, candidate) are executed. The Docker
 * runner is the sandbox every validator uses; the local runner runs the same harness as plain
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
}

/** Input of a step. */
export interface StepInput {
  readonly runId: string;
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
  readonly kind: "docker" | "local";
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
  runReference(input: StepInput): ResultAsync<StepOutcome, EvaluationError>;
  runCandidate(input: StepInput): ResultAsync<StepOutcome, EvaluationError>;
}
