/**
 * Allocation (leases, compute.md §5.8): the request, the lease as its holder sees it, the errors
 * of lease operations and the {@link LeaseBackend} seam the agent calls. The Docker backend is
 * `createDockerLeaseBackend` (lease-backend.ts); an agent without one answers `not_implemented`.
 * `engine` leases run evaluation jobs (§10.3; engine-messages.ts, lease-engine.ts).
 * @module
 */
import { errAsync, type ResultAsync } from "neverthrow";
import type { EngineJob, EngineJobAccepted, EngineJobStatus } from "./engine-messages.js";

/** A lease request (JSON, schema-validated by `parseLeaseRequest`, unknown keys rejected). */
export interface LeaseRequest {
  /** Catalogue id or alias, exact match; required iff `gpuCount > 0` (stored as the catalogue id). */
  readonly gpuModel?: string;
  readonly gpuCount: number;
  /** Whole cores, >= 1; pinned (`CpusetCpus`) and bounded (`NanoCpus`). */
  readonly cpuCores: number;
  /** Memory and memory+swap limit. */
  readonly memoryBytes: number;
  /** Writable-layer size limit. */
  readonly diskBytes: number;
  /** `/dev/shm` size; at most `memoryBytes / 2`. */
  readonly shmBytes: number;
  /** At most the miner's `maxLeaseSeconds`. */
  readonly durationSeconds: number;
  /** 1-8 OpenSSH keys (ed25519, ecdsa-p256/384, rsa >= 3072 bits), re-serialised without comments; none for `engine`. */
  readonly sshPublicKeys: readonly string[];
  /** `name@sha256:...` from the miner's `allowedImages`. */
  readonly image: string;
  /** `ssh` (interactive) or `engine` (the Crusades evaluation job runner of §10.3; no SSH, no long-running container). */
  readonly kind: "ssh" | "engine";
}

/** Lease lifecycle states (`pending → active → releasing → released`, or `expired`, or `failed`). */
export type LeaseState = "pending" | "active" | "releasing" | "released" | "expired" | "failed";

/** The limits read back from the container (`docker inspect`) after it started. */
export interface AppliedLimits {
  readonly cpusetCpus: string;
  readonly nanoCpus: number;
  readonly memoryBytes: number;
  readonly memorySwapBytes: number;
  readonly shmBytes: number;
  readonly pidsLimit: number;
  /** `unenforced` only when the operator allowed leases without a disk quota. */
  readonly diskBytes: number | "unenforced";
  readonly noNewPrivileges: boolean;
  readonly gpuUuids: readonly string[];
}

/** The latest health check of a lease (every 60 s by default). */
export interface LeaseHealth {
  readonly checkedAtMs: number;
  readonly healthy: boolean;
  readonly containerRunning: boolean;
  readonly sshdAnswering: boolean;
  /** The container's GPU device requests still name the leased UUIDs. */
  readonly gpusUnchanged: boolean;
  readonly consecutiveFailures: number;
  readonly problems: readonly string[];
}

/** The SSH endpoint of a lease. */
export interface LeaseSshEndpoint {
  readonly host: string;
  readonly port: number;
  readonly user: string;
}

/** A lease as the holder sees it (in signed responses). */
export interface Lease {
  /** 128 random bits, lowercase hex. */
  readonly id: string;
  readonly holderHotkey: string;
  readonly minerHotkey: string;
  readonly state: LeaseState;
  readonly request: LeaseRequest;
  /** Pinned cores, as a cpuset list (`"0-1,4"`). */
  readonly cpuset: string;
  readonly gpuUuids: readonly string[];
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  /** SHA-256 fingerprint of the lease's fresh SSH host key, for pinning; `null` before it started. */
  readonly hostKeyFingerprint: string | null;
  /** The host public key (`ssh-ed25519 ...`), so that the holder can write a known_hosts line. */
  readonly hostPublicKey: string | null;
  readonly ssh: LeaseSshEndpoint | null;
  readonly appliedLimits: AppliedLimits | null;
  readonly health: LeaseHealth | null;
  /** Why the lease failed, when it did. */
  readonly failure: string | null;
}

/** Errors of lease operations, discriminated by `type`. */
export type LeaseError =
  | { readonly type: "invalid_lease_request"; readonly message: string; readonly path: string }
  | { readonly type: "image_not_allowed"; readonly message: string; readonly image: string }
  | { readonly type: "not_implemented"; readonly message: string }
  | { readonly type: "no_capacity"; readonly message: string; readonly resource: "cpu" | "memory" | "disk" | "gpu" }
  | { readonly type: "limit_unenforceable"; readonly message: string; readonly limit: string }
  | { readonly type: "lease_not_found"; readonly message: string; readonly leaseId: string }
  | { readonly type: "not_holder"; readonly message: string; readonly leaseId: string }
  | { readonly type: "lease_not_active"; readonly message: string; readonly leaseId: string; readonly state: LeaseState }
  | { readonly type: "wrong_lease_kind"; readonly message: string; readonly leaseId: string; readonly kind: LeaseRequest["kind"] }
  | { readonly type: "lease_busy"; readonly message: string; readonly leaseId: string; readonly jobId: string }
  | { readonly type: "job_not_found"; readonly message: string; readonly jobId: string }
  | { readonly type: "lease_backend_failed"; readonly message: string; readonly cause: unknown };

/** The miner-side backend the agent calls; every operation names the (verified) caller. */
export interface LeaseBackend {
  create(holderHotkey: string, request: LeaseRequest): ResultAsync<Lease, LeaseError>;
  renew(leaseId: string, holderHotkey: string, durationSeconds: number): ResultAsync<Lease, LeaseError>;
  release(leaseId: string, holderHotkey: string): ResultAsync<Lease, LeaseError>;
  get(leaseId: string, holderHotkey: string): ResultAsync<Lease, LeaseError>;
  list(holderHotkey: string): ResultAsync<readonly Lease[], LeaseError>;
  /** Replaces the lease's authorized keys (the holder's key rotation). */
  rotateKeys(leaseId: string, holderHotkey: string, sshPublicKeys: readonly string[]): ResultAsync<Lease, LeaseError>;
  /** Starts an evaluation job on an active `engine` lease (one job at a time per lease). */
  submitJob(leaseId: string, holderHotkey: string, job: EngineJob): ResultAsync<EngineJobAccepted, LeaseError>;
  /** A job's state; a finished job carries its signed record and output files until the next job or the lease's end. */
  getJob(leaseId: string, holderHotkey: string, jobId: string): ResultAsync<EngineJobStatus, LeaseError>;
  /** Stops a running job (its containers are killed and removed); the job then finishes as `aborted`. */
  cancelJob(leaseId: string, holderHotkey: string, jobId: string): ResultAsync<EngineJobStatus, LeaseError>;
  /**
   * UUIDs of the GPUs live leases hold, but those of `exceptHolder`'s own leases: proof-of-GPU does
   * not challenge them (compute.md §10.2), while a holder may re-verify the GPUs it leases (§10.3).
   */
  leasedGpuUuids?(exceptHolder?: string): readonly string[];
}

const notYet = () => errAsync<never, LeaseError>({ type: "not_implemented", message: "this agent offers no leases (start it with a lease backend)" });

/** A backend whose every operation answers `not_implemented` (an agent without leases). */
export const UNIMPLEMENTED_LEASE_BACKEND: LeaseBackend = Object.freeze({
  create: notYet, renew: notYet, release: notYet, get: notYet, list: notYet, rotateKeys: notYet, submitJob: notYet, getJob: notYet, cancelJob: notYet,
});
