/**
 * The holder (validator) side of `engine` leases (compute.md §10.3): a `RemoteStepTransport` for
 * `src/evaluation`'s remote runner over the signed {@link ComputeClient}. Each step is submitted,
 * polled until it ends, and its answer is trusted only when the miner's signed record verifies,
 * names this lease, this holder, the job's digest, run id, task id and seed, and every output
 * file matches its recorded SHA-256. The lease must be an active engine lease of this holder whose
 * GPUs pass {@link checkLeaseGpusVerified}.
 * @module
 */
import { err, ok, type Result, ResultAsync } from "neverthrow";
import type { Hparams } from "../config/index.js";
import {
  createRemoteRunner, type EvaluationRunner, sandboxLimits, type RemoteHostIdentity, type RemoteOutputFile, type RemoteStepAnswer, type RemoteStepError, type RemoteStepJob, type RemoteStepTransport,
} from "../evaluation/index.js";
import type { Lease } from "./allocation.js";
import { type ClientError, type ComputeClient, redactUrl } from "./client.js";
import { ENGINE_MESSAGE_VERSION, type EngineJob, type EngineJobLimits, type EngineJobStatus, engineJobDigest, engineJobMessage, parseEngineAccepted, parseEngineStatus, sha256Hex } from "./engine-messages.js";
import { verifyEngineRecord } from "./engine-record.js";
import { checkLeaseGpusVerified, type LeaseGpuEvidence, type UnverifiedLeaseGpusError } from "./engine-verify.js";

/** Options of {@link createEngineTransport} and {@link createEngineRunner}. */
export interface EngineTransportOptions {
  /** A signed client for the lease's miner agent, with the holder's hotkey. */
  readonly client: ComputeClient;
  /** The lease as the holder read it (`createLeaseClient(...).get(id)`). */
  readonly lease: Lease;
  /** Proof that the lease's GPUs are verified, or {@link UNVERIFIED_GPUS_FOR_TESTS}. */
  readonly gpus: LeaseGpuEvidence;
  /** The miner's coldkey when known (metagraph), recorded with each run. @default null */
  readonly coldkey?: string | null;
  /** The sandbox limits of every job ({@link engineJobLimits} from hparams). */
  readonly limits: EngineJobLimits;
  /** @default 2000 */
  readonly pollIntervalMs?: number;
  /** Largest answer (a finished job carries its output files). @default 512 MiB */
  readonly maxResponseBytes?: number;
  /** Consecutive failed polls before the step fails as unreachable. @default 5 */
  readonly maxPollFailures?: number;
}

/** The lease cannot be used for evaluations. */
export type EngineLeaseError = UnverifiedLeaseGpusError | { readonly type: "unusable_lease"; readonly message: string };

/** The job limits: those of the evaluation sandbox in hparams, as a validator's own runs have them. */
export function engineJobLimits(hparams: Hparams): EngineJobLimits {
  return sandboxLimits(hparams);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const badAnswer = (message: string): RemoteStepError => ({ type: "remote_step_failed", reason: "bad_answer", remoteType: null, message, cause: null });

function fromClient(e: ClientError | { type: "invalid_lease_request"; message: string }): RemoteStepError {
  if (e.type === "remote_error") return { type: "remote_step_failed", reason: "refused", remoteType: e.remoteType, message: e.message, cause: e };
  if (e.type === "unreachable" || e.type === "timeout") return { type: "remote_step_failed", reason: "unreachable", remoteType: null, message: e.message, cause: e };
  return { type: "remote_step_failed", reason: "bad_answer", remoteType: null, message: e.message, cause: e };
}

/** Checks a finished job's record and files against the job; the answer the remote runner writes. */
function checkFinished(status: Extract<EngineJobStatus, { state: "finished" }>, lease: Lease, holder: string, job: EngineJob, jobId: string, digest: string): Result<RemoteStepAnswer, RemoteStepError> {
  const { record: signed, outputs, logs } = status;
  const r = signed.record;
  if (!verifyEngineRecord(signed, lease.minerHotkey)) return err(badAnswer(`the job record is not signed by the lease's miner ${lease.minerHotkey}`));
  const binding: [string, unknown, unknown][] = [
    ["leaseId", r.leaseId, lease.id], ["jobId", r.jobId, jobId], ["holderHotkey", r.holderHotkey, holder], ["jobDigest", r.jobDigest, digest], ["role", r.role, job.role],
    ["runId", r.runId, job.runId], ["taskId", r.taskId, job.taskId], ["seed", r.seed, job.seed], ["image", r.image, job.image],
  ];
  for (const [field, got, want] of binding) if (got !== want) return err(badAnswer(`the job record's ${field} is ${JSON.stringify(got)}, not ${JSON.stringify(want)}`));
  // The job ran on the lease's own cores and (when it used any) exactly the lease's GPUs.
  if (r.cpuset !== lease.cpuset) return err(badAnswer(`the job ran on cores ${r.cpuset}, not the lease's ${lease.cpuset}`));
  if (r.gpuUuids.length > 0 && r.gpuUuids.join(",") !== lease.gpuUuids.join(",")) return err(badAnswer(`the job ran on GPUs ${r.gpuUuids.join(", ")}, not the lease's`));
  if (outputs.length !== r.outputs.length) return err(badAnswer("the answer's files differ from the record's"));
  const files: RemoteOutputFile[] = [];
  const omitted: string[] = [];
  for (const [i, f] of r.outputs.entries()) {
    const sent = outputs[i]!;
    if (sent.dir !== f.dir || sent.name !== f.name) return err(badAnswer(`output ${i} is ${sent.dir}/${sent.name}, the record says ${f.dir}/${f.name}`));
    const present = f.regular && !f.omitted;
    if (present !== (sent.data !== null) || (sent.data !== null && (sent.data.length !== f.sizeBytes || sha256Hex(sent.data) !== f.sha256))) return err(badAnswer(`${f.dir}/${f.name} does not match its recorded size and SHA-256`));
    if (f.omitted) omitted.push(`${f.dir}/${f.name}`);
    files.push({ dir: f.dir, name: f.name, data: sent.data ?? new Uint8Array(), ownerUid: f.ownerUid, regular: present });
  }
  // A candidate file left out for size is as good as missing (the candidate's doing). A trusted
  // file left out means the run's states do not fit this transport: not a run to void and retry
  // on the same host, but a step this host cannot do (the validator moves on to another place).
  const trustedOmitted = omitted.filter((p) => !p.startsWith("candidate/"));
  if (trustedOmitted.length > 0) {
    return err({ type: "remote_step_failed", reason: "refused", remoteType: "output_too_large", message: `the host left out ${trustedOmitted.join(", ")}: over its output size bound`, cause: null });
  }
  const hostError = r.hostError;
  return ok({
    outcome: { end: r.end, exitCode: r.exitCode, oomKilled: r.oomKilled, durationMs: r.durationMs, hostError },
    outputs: files, logs, evidence: { record: signed, sandboxProfile: r.sandboxProfile },
  });
}

/**
 * A transport that runs steps as jobs of an engine lease.
 * @returns the transport, or why the lease may not be used (kind, state, holder, unverified GPUs)
 */
export function createEngineTransport(options: EngineTransportOptions): Result<RemoteStepTransport, EngineLeaseError> {
  const { client, lease, limits, pollIntervalMs = 2_000, maxResponseBytes = 512 << 20, maxPollFailures = 5 } = options;
  const unusable = (message: string) => err<never, EngineLeaseError>({ type: "unusable_lease", message });
  if (lease.request.kind !== "engine") return unusable(`lease ${lease.id} is an ${lease.request.kind} lease, not an engine lease`);
  if (lease.state !== "active") return unusable(`lease ${lease.id} is ${lease.state}`);
  if (lease.holderHotkey !== client.validatorHotkey || lease.minerHotkey !== client.minerHotkey) return unusable(`lease ${lease.id} is not held by this hotkey on this miner`);
  const verified = checkLeaseGpusVerified(lease, options.gpus);
  if (verified.isErr()) return err(verified.error);
  const host: RemoteHostIdentity = {
    hotkey: lease.minerHotkey, coldkey: options.coldkey ?? null, leaseId: lease.id, endpoint: redactUrl(client.baseUrl), gpuVerification: verified.value,
    gpuModel: lease.request.gpuModel ?? null, gpuUuids: [...lease.gpuUuids],
  };
  const base = `/v1/leases/${lease.id}/jobs`;

  async function run(step: RemoteStepJob): Promise<Result<RemoteStepAnswer, RemoteStepError>> {
    const job: EngineJob = {
      role: step.role, image: lease.request.image, runId: step.runId, taskId: step.taskId, seed: step.seed, deadlineMs: Math.ceil(step.deadlineMs), limits,
      files: step.inputs.map((f) => ({ dir: f.dir, name: f.name, sha256: sha256Hex(f.data), data: f.data })),
    };
    const digest = engineJobDigest(lease.id, job);
    const submitted = await client.request("POST", base, engineJobMessage(job), { timeoutMs: 120_000 });
    if (submitted.isErr()) return err(fromClient(submitted.error));
    const accepted = parseEngineAccepted(submitted.value.body);
    if (accepted.isErr()) return err(badAnswer(accepted.error.message));
    if (accepted.value.leaseId !== lease.id || accepted.value.jobDigest !== digest) return err(badAnswer("the miner accepted another job than the one sent (lease id or digest differ)"));
    const { jobId } = accepted.value;
    // The host enforces the deadline; this budget only bounds a host that never answers.
    const until = performance.now() + step.deadlineMs + 600_000;
    let cancelled = false;
    let failures = 0;
    const cancel = () => client.request("POST", `${base}/${jobId}/cancel`, { version: ENGINE_MESSAGE_VERSION, type: "lease.job.cancel" });
    for (;;) {
      if (!cancelled && (step.signal?.aborted || performance.now() > until)) {
        cancelled = true;
        await cancel();
      }
      const polled = await client.request("GET", `${base}/${jobId}`, undefined, { timeoutMs: 120_000, maxResponseBytes });
      if (polled.isErr()) {
        if (polled.error.type === "remote_error" || ++failures >= maxPollFailures) return err(fromClient(polled.error));
      } else {
        failures = 0;
        const status = parseEngineStatus(polled.value.body);
        if (status.isErr()) return err(badAnswer(status.error.message));
        const s = status.value;
        if (s.leaseId !== lease.id || s.jobId !== jobId) return err(badAnswer("the status names another job"));
        if (s.state === "failed") return err({ type: "remote_step_failed", reason: "refused", remoteType: s.error.type, message: `the miner's job failed: ${s.error.message}`, cause: s.error });
        if (s.state === "finished") return checkFinished(s, lease, client.validatorHotkey, job, jobId, digest);
      }
      if (performance.now() > until + 120_000) return err({ type: "remote_step_failed", reason: "unreachable", remoteType: null, message: `job ${jobId} did not finish within its deadline`, cause: null });
      await sleep(pollIntervalMs);
    }
  }
  return ok({ host, runStep: (step) => new ResultAsync(run(step)) });
}

/**
 * An evaluation runner on an engine lease: {@link createEngineTransport} under `src/evaluation`'s
 * remote runner, with the lease's image (the caller says its device, model and expected harness hash).
 * @example
 * const runner = createEngineRunner({ client, lease, gpus: { kind: "pog", record, nowMs: Date.now(), allowedModels: ["A100"] }, limits: engineJobLimits(hparams),
 *   image: { device: "cuda", model: hparams.benchmark_model_name, harnessHash } })._unsafeUnwrap()
 */
export function createEngineRunner(options: EngineTransportOptions & { readonly image: { readonly device: "cpu" | "cuda"; readonly model: string; readonly harnessHash: string | null } }): Result<EvaluationRunner, EngineLeaseError> {
  return createEngineTransport(options).map((transport) => createRemoteRunner({ transport, image: { ...options.image, ref: options.lease.request.image } }));
}
