/**
 * Evaluations on leased hosts in the validator (compute.md §10.3): where a submission is
 * evaluated (a lease host that shares no key with its owner, else the validator's own GPUs), and
 * the confirmation of a leader-changing result on a second, independent host. The evaluation
 * itself is a callback, so the rules are testable without running anything.
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import {
  checkRemoteHostIndependent, confirmOnSecondHost, type EvaluationError, type EvaluationReport, type EvaluationRunner, type RunResult, type SecondHostError,
  type SubmissionOwner,
} from "../evaluation/index.js";

/** The lease hosts a validator may evaluate on (`crusades validate --remote-hosts`). */
export interface RemoteHosts {
  /**
   * The engine-lease runners usable now, read again for each submission (a lease that ended or a
   * proof-of-GPU record past its window drops out). Each has `remoteHost`.
   */
  readonly runners: () => Promise<readonly EvaluationRunner[]>;
  /** The coldkey that owns a hotkey (chain `Owner`), `null` when unknown: a host is used only when its and the owner's are known. */
  readonly coldkeyOf: (hotkey: string) => Promise<string | null>;
  /** Largest `|a − b| / max(a, b)` between a leader-changing score and its confirmation. */
  readonly relativeTolerance: number;
  /** Whether the validator's own runner evaluates when no lease host may, and confirms as a second host. @default true */
  readonly ownRunner?: boolean;
}

/** A host's keys (`null` coldkey: unknown). */
export interface HostKeys {
  readonly hotkey: string;
  readonly coldkey: string | null;
}

/** A runner and where it runs (`host: null`: the validator's own GPUs). */
export interface EvaluationPlace {
  readonly runner: EvaluationRunner;
  readonly host: HostKeys | null;
}

/** No runner may evaluate the submission (every lease host conflicts and the own runner is off). */
export interface NoEvaluationHostError {
  readonly type: "no_evaluation_host";
  readonly message: string;
}

/** Errors of {@link confirmLeaderChange}. */
export type ConfirmLeaderChangeError = NoEvaluationHostError | SecondHostError | EvaluationError;

/**
 * The places that may evaluate a submission of `owner`: lease hosts independent of the owner and
 * of every host in `avoid` (coldkeys required), then the validator's own runner when allowed.
 */
export async function placesFor(remote: RemoteHosts, own: EvaluationRunner, owner: SubmissionOwner, avoid: readonly HostKeys[] = []): Promise<EvaluationPlace[]> {
  const places: EvaluationPlace[] = [];
  for (const runner of await remote.runners()) {
    const h = runner.remoteHost;
    if (!h) continue;
    const host = { hotkey: h.hotkey, coldkey: h.coldkey ?? (await remote.coldkeyOf(h.hotkey)) };
    if (checkRemoteHostIndependent(host, owner, { requireColdkeys: true }).isErr()) continue;
    if (avoid.some((other) => checkRemoteHostIndependent(host, other).isErr())) continue;
    places.push({ runner, host });
  }
  if (remote.ownRunner ?? true) places.push({ runner: own, host: null });
  return places;
}

/** The distinct lease hosts of a report's counted runs (a resumed evaluation may span several). */
export function hostsOfRuns(runs: readonly RunResult[]): HostKeys[] {
  const seen = new Map<string, HostKeys>();
  for (const r of runs) {
    const h = r.status === "void" ? null : r.provenance.remoteHost;
    if (h) seen.set(h.hotkey, { hotkey: h.hotkey, coldkey: h.coldkey });
  }
  return [...seen.values()];
}

/** Inputs of {@link confirmLeaderChange}. */
export interface ConfirmLeaderChangeInput {
  readonly remote: RemoteHosts;
  readonly own: EvaluationRunner;
  readonly owner: SubmissionOwner;
  /** The finished evaluation made (at least in part) on lease hosts. */
  readonly first: EvaluationReport;
  /** Evaluates the submission again from scratch on `runner` (its runs are not counted). */
  readonly evaluate: (runner: EvaluationRunner) => PromiseLike<Result<EvaluationReport, EvaluationError>>;
}

/**
 * The place that re-evaluates a result made on lease hosts: the validator's own GPUs when allowed
 * (the one place no host controls), else a lease host independent of the owner and of every first host.
 */
async function secondPlace(input: ConfirmLeaderChangeInput): Promise<Result<{ readonly place: EvaluationPlace; readonly firstHosts: HostKeys[] }, NoEvaluationHostError>> {
  const firstHosts = hostsOfRuns(input.first.runs);
  const places = await placesFor(input.remote, input.own, input.owner, firstHosts);
  const place = places.find((p) => p.host === null) ?? places[0];
  return place === undefined
    ? err({ type: "no_evaluation_host", message: "no place independent of the first host and of the owner to re-evaluate a result made on a lease host" })
    : ok({ place, firstHosts });
}

/**
 * Confirms a leader-changing result made on lease hosts (§10.3): evaluates again on a second,
 * independent place ({@link secondPlace}) and accepts when both scored within the tolerance.
 * @returns the confirmed score (the lower of the two), the second place and its report
 */
export async function confirmLeaderChange(input: ConfirmLeaderChangeInput): Promise<Result<{ readonly score: number; readonly second: EvaluationPlace; readonly report: EvaluationReport }, ConfirmLeaderChangeError>> {
  const chosen = await secondPlace(input);
  if (chosen.isErr()) return err(chosen.error);
  const { place: second, firstHosts } = chosen.value;
  const report = await input.evaluate(second.runner);
  if (report.isErr()) return err(report.error);
  const confirmed = confirmOnSecondHost({ report: input.first, host: firstHosts[0] ?? null }, { report: report.value, host: second.host }, { relativeTolerance: input.remote.relativeTolerance });
  return confirmed.isErr() ? err(confirmed.error) : ok({ score: confirmed.value.score, second, report: report.value });
}

/**
 * Confirms a failure made on lease hosts: a host must not be able to fail a submission on its own
 * (a forged fatal status, a throttled GPU). The submission is evaluated again on a second place;
 * the failure stands only when that evaluation does not score either.
 * @returns the second place and its (failed) report, or `second_host_rejected` (`disagrees`) when it scored
 */
export async function confirmFailure(input: ConfirmLeaderChangeInput): Promise<Result<{ readonly second: EvaluationPlace; readonly report: EvaluationReport }, ConfirmLeaderChangeError>> {
  const chosen = await secondPlace(input);
  if (chosen.isErr()) return err(chosen.error);
  const { place: second } = chosen.value;
  const report = await input.evaluate(second.runner);
  if (report.isErr()) return err(report.error);
  if (report.value.score.status === "finished") {
    return err({ type: "second_host_rejected", reason: "disagrees", relativeDifference: null, message: `a lease host failed the submission (${input.first.errorCode ?? input.first.score.status}); ${second.host === null ? "the validator's own GPUs" : `host ${second.host.hotkey}`} scored it ${report.value.score.score}` });
  }
  return ok({ second, report: report.value });
}
