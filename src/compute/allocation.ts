/**
 * Allocation (leases) — interfaces only (compute.md §5.8). The container part (dockerode, limits
 * read back, key-only SSH with a per-lease host key, restart-safe expiry, SQLite state) comes
 * later; the agent answers the lease routes with `not_implemented` until then.
 * @module
 */
import { errAsync, type ResultAsync } from "neverthrow";

/** A lease request (JSON, schema-validated, unknown keys rejected). */
export interface LeaseRequest {
  /** Catalogue id or alias, exact match. */
  readonly gpuModel: string;
  readonly gpuCount: number;
  readonly cpuCores: number;
  readonly memoryBytes: number;
  readonly diskBytes: number;
  /** At most `memoryBytes / 2`. */
  readonly shmBytes: number;
  /** At most the miner's `maxLeaseSeconds`. */
  readonly durationSeconds: number;
  /** 1-8 OpenSSH keys: ed25519, ecdsa-p256/384, or rsa >= 3072 bits. */
  readonly sshPublicKeys: readonly string[];
  /** `name@sha256:...` from the miner's `allowedImages`. */
  readonly image: string;
  readonly kind: "ssh" | "engine";
}

/** Lease lifecycle states. */
export type LeaseState = "pending" | "active" | "releasing" | "released" | "expired" | "failed";

/** A lease as the holder sees it. */
export interface Lease {
  readonly id: string;
  readonly holderHotkey: string;
  readonly minerHotkey: string;
  readonly state: LeaseState;
  readonly request: LeaseRequest;
  readonly gpuUuids: readonly string[];
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  /** SHA-256 fingerprint of the lease's fresh SSH host key, for pinning. */
  readonly hostKeyFingerprint: string;
  readonly ssh: { readonly host: string; readonly port: number; readonly user: string };
  /** Limits read back from the container after start. */
  readonly appliedLimits: Readonly<Record<string, number | string>>;
}

/** Errors of lease operations. */
export type LeaseError =
  | { readonly type: "not_implemented"; readonly message: string }
  | { readonly type: "limit_unenforceable"; readonly message: string; readonly limit: string }
  | { readonly type: "no_capacity"; readonly message: string }
  | { readonly type: "not_holder"; readonly message: string };

/** The miner-side backend the agent will call (a dockerode implementation comes later). */
export interface LeaseBackend {
  create(holderHotkey: string, request: LeaseRequest): ResultAsync<Lease, LeaseError>;
  renew(leaseId: string, holderHotkey: string, durationSeconds: number): ResultAsync<Lease, LeaseError>;
  release(leaseId: string, holderHotkey: string): ResultAsync<Lease, LeaseError>;
  get(leaseId: string, holderHotkey: string): ResultAsync<Lease, LeaseError>;
  list(holderHotkey: string): ResultAsync<readonly Lease[], LeaseError>;
}

const notYet = () => errAsync<never, LeaseError>({ type: "not_implemented", message: "allocation (leases) is not implemented yet" });

/** A backend whose every operation answers `not_implemented`. */
export const UNIMPLEMENTED_LEASE_BACKEND: LeaseBackend = Object.freeze({ create: notYet, renew: notYet, release: notYet, get: notYet, list: notYet });
