/**
 * The per-run result record (spec crusades.md §E.10 [PROJECT], §L.6): status, code, MFU figures,
 * timing parts, every check with its figure, and provenance.
 * @module
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { MfuResult } from "../mfu/index.js";
import type { TimedWall, VerifyDetails } from "../verify/index.js";
import type { RemoteHostIdentity } from "./runner.js";
import type { RunCheck } from "./verdict.js";

/** The lease host of a remote run (compute.md §10.3) and the signed record of each step. */
export interface RemoteHostProvenance extends RemoteHostIdentity {
  /** The host's signed job records, verbatim (`null` when the step did not run there). */
  readonly referenceRecord: unknown;
  readonly candidateRecord: unknown;
}

/** Provenance of a run (§L.6); hashes are lowercase hex SHA-256, `null` when the file does not exist. */
export interface RunProvenance {
  readonly imageId: string | null;
  readonly imageTag: string | null;
  /** The hash the image was labelled with (Docker) or computed from the checkout (local). */
  readonly harnessHash: string | null;
  /** The hash the reference container reported in `reference/summary.json`. */
  readonly referenceHarnessHash: string | null;
  readonly scannerRulesHash: string | null;
  readonly hparamsHash: string;
  readonly codeSha256: string;
  readonly seed: string;
  readonly taskId: number;
  readonly initialStateSha256: string | null;
  readonly referenceStateSha256: string | null;
  readonly candidateStateSha256: string | null;
  readonly referenceJsonSha256: string | null;
  readonly supervisorResultSha256: string | null;
  readonly device: "cpu" | "cuda";
  readonly runner: "docker" | "local" | "remote";
  /** The lease host that ran both steps, for a remote run; absent or `null` otherwise. */
  readonly remoteHost?: RemoteHostProvenance | null;
  /** `"strict"`, or the name of an exception (§L.2). */
  readonly sandboxProfile: string;
  /** Library versions the reference reported. */
  readonly versions: Readonly<Record<string, string>>;
}

/** One step's outcome, for the record. */
export interface StepRecord {
  readonly end: "exited" | "deadline_exceeded" | "aborted";
  readonly exitCode: number | null;
  readonly oomKilled: boolean;
  readonly durationMs: number;
  readonly logPath: string;
}

/** The result of one evaluation run. */
export interface RunResult {
  readonly runId: string;
  readonly runNo: number;
  readonly seed: string;
  /** `void` runs (`infrastructure_error`) do not count against the miner and are retried. */
  readonly status: "success" | "failed" | "void";
  readonly errorCode: string | null;
  readonly error: string | null;
  /** MFU in percent as scored: 0 on failure except `insufficient_mfu` (§E.10). */
  readonly mfu: number;
  /** Tokens per second, same rule. */
  readonly tps: number;
  readonly totalUniqueTokens: number;
  /** The MFU figures as measured, whatever the outcome (`null` when the run did not reach timing). */
  readonly measured: MfuResult | null;
  /** The timed wall time and its parts (§L.1.6), or `null`. */
  readonly timing: TimedWall | null;
  readonly referenceLoss: number | null;
  readonly candidateLoss: number | null;
  readonly modelParams: number | null;
  readonly strategy: { readonly dpSize: number; readonly tpSize: number; readonly numGpus: number };
  /** Every check in evaluation order with its figure and threshold. */
  readonly checks: readonly RunCheck[];
  /** The verification details (§E.10 figures), or `null` when verification did not run. */
  readonly verification: VerifyDetails | null;
  /** The supervisor's result file (`claims` are the harness's untrusted claims), verbatim. */
  readonly supervisor: Readonly<Record<string, unknown>> | null;
  /** Whether MFU was comparable with competition figures (GPU image) and the bounds applied. */
  readonly mfuComparable: boolean;
  readonly steps: { readonly reference: StepRecord | null; readonly candidate: StepRecord | null };
  readonly durations: { readonly referenceMs: number; readonly candidateMs: number; readonly verifyMs: number; readonly totalMs: number };
  readonly runDir: string;
  readonly provenance: RunProvenance;
}

/** SHA-256 of a file, streamed; `null` when it cannot be read. */
export function sha256File(path: string): Promise<string | null> {
  return new Promise((resolve) => {
    const hash = createHash("sha256");
    const stream = createReadStream(path);
    stream.on("data", (chunk) => hash.update(chunk));
    stream.on("error", () => resolve(null));
    stream.on("end", () => resolve(hash.digest("hex")));
  });
}
