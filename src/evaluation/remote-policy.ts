/**
 * The rules of compute.md §10.3 for evaluations on leased hosts that do not depend on the
 * transport: a host never evaluates a submission of its own keys, and a result that would change
 * the leader is confirmed on a second, independent host (or on the validator's own GPUs) within
 * the competition's tolerance. Pure functions: the validator calls them before and after
 * `evaluateSubmission`.
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import type { EvaluationReport } from "./evaluate.js";
import type { RemoteHostIdentity } from "./runner.js";

/** The keys that own a submission (the committing hotkey and, from the metagraph, its coldkey). */
export interface SubmissionOwner {
  readonly hotkey: string;
  readonly coldkey: string | null;
}

/** A lease host may not evaluate this submission. */
export interface RemoteHostConflictError {
  readonly type: "remote_host_conflict";
  readonly message: string;
  /** `conflict`: a key of the host is a key of the submission's owner; `coldkey_unknown`: the check could not be made. */
  readonly reason: "conflict" | "coldkey_unknown";
}

/** Options of {@link checkRemoteHostIndependent}. */
export interface CheckRemoteHostOptions {
  /** Refuse when the host's or the owner's coldkey is unknown (a validator with a metagraph knows both). @default false */
  readonly requireColdkeys?: boolean;
}

/**
 * Whether `host` may evaluate a submission of `owner`: none of the host's keys (hotkey, coldkey)
 * may be one of the owner's (§10.3: "a host whose coldkey owns a Crusades submission never
 * evaluates that submission"; the hotkey is compared too, as a host may not know its coldkey).
 * @example checkRemoteHostIndependent(runner.remoteHost, { hotkey: entry.hotkey, coldkey })
 */
export function checkRemoteHostIndependent(host: Pick<RemoteHostIdentity, "hotkey" | "coldkey">, owner: SubmissionOwner, options: CheckRemoteHostOptions = {}): Result<void, RemoteHostConflictError> {
  const hostKeys = [host.hotkey, host.coldkey].filter((k): k is string => k !== null);
  const ownerKeys = new Set([owner.hotkey, owner.coldkey].filter((k): k is string => k !== null));
  const shared = hostKeys.find((k) => ownerKeys.has(k));
  if (shared !== undefined) {
    return err({ type: "remote_host_conflict", reason: "conflict", message: `the lease host ${host.hotkey} shares the key ${shared} with the submission's owner; it may not evaluate this submission` });
  }
  if (options.requireColdkeys && (host.coldkey === null || owner.coldkey === null)) {
    return err({ type: "remote_host_conflict", reason: "coldkey_unknown", message: `the ${host.coldkey === null ? "lease host's" : "submission owner's"} coldkey is unknown; the conflict-of-interest check cannot be made` });
  }
  return ok(undefined);
}

/** An evaluation and where it ran: a lease host, or `null` for the validator's own GPUs. */
export interface HostedEvaluation {
  readonly report: EvaluationReport;
  readonly host: Pick<RemoteHostIdentity, "hotkey" | "coldkey"> | null;
}

/** The second evaluation does not confirm the first. */
export interface SecondHostError {
  readonly type: "second_host_rejected";
  /** `same_host`: not independent; `not_finished`: one of them did not score; `disagrees`: scores apart beyond the tolerance. */
  readonly reason: "same_host" | "not_finished" | "disagrees";
  readonly message: string;
  readonly relativeDifference: number | null;
}

/** Options of {@link confirmOnSecondHost}. */
export interface ConfirmOnSecondHostOptions {
  /** Largest accepted `|a − b| / max(a, b)` of the two scores (the competition's tolerance, e.g. 0.02). */
  readonly relativeTolerance: number;
}

/**
 * Confirms a leader-changing result (§10.3): the second evaluation must have run on another host
 * (no shared hotkey or coldkey; `null`, the validator's own GPUs, is independent of any lease) and
 * both must have scored within `relativeTolerance` of each other. The confirmed score is the lower
 * of the two, so that a host cannot lift a submission above what an independent one measured.
 * @returns the confirmed score and the relative difference
 * @example
 * const confirmed = confirmOnSecondHost({ report: first, host: runnerA.remoteHost }, { report: second, host: null }, { relativeTolerance: 0.02 });
 */
export function confirmOnSecondHost(first: HostedEvaluation, second: HostedEvaluation, options: ConfirmOnSecondHostOptions): Result<{ readonly score: number; readonly relativeDifference: number }, SecondHostError> {
  const tol = options.relativeTolerance;
  if (!(tol >= 0 && tol < 1)) throw new RangeError(`relativeTolerance must be in [0, 1), got ${tol}`);
  if (first.host === null && second.host === null) {
    return err({ type: "second_host_rejected", reason: "same_host", relativeDifference: null, message: "both evaluations ran on the validator's own GPUs; re-run one elsewhere or accept the local result" });
  }
  if (first.host !== null && second.host !== null && checkRemoteHostIndependent(second.host, { hotkey: first.host.hotkey, coldkey: first.host.coldkey }).isErr()) {
    return err({ type: "second_host_rejected", reason: "same_host", relativeDifference: null, message: `the second host ${second.host.hotkey} is not independent of the first ${first.host.hotkey}` });
  }
  const a = first.report.score;
  const b = second.report.score;
  if (a.status !== "finished" || b.status !== "finished") {
    return err({ type: "second_host_rejected", reason: "not_finished", relativeDifference: null, message: `the ${a.status !== "finished" ? "first" : "second"} evaluation did not score (${a.status !== "finished" ? a.status : b.status})` });
  }
  const top = Math.max(a.score, b.score);
  const relativeDifference = top === 0 ? 0 : Math.abs(a.score - b.score) / top;
  if (relativeDifference > tol) {
    return err({ type: "second_host_rejected", reason: "disagrees", relativeDifference, message: `scores ${a.score} and ${b.score} differ by ${(relativeDifference * 100).toFixed(2)} %, more than ${(tol * 100).toFixed(2)} %` });
  }
  return ok({ score: Math.min(a.score, b.score), relativeDifference });
}
