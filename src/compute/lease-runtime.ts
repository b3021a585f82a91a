/**
 * What the lease backend and its scheduler share: the engine, the store, the clock, the holder's
 * view of a record, the classification of store and engine failures, and `finishLease` (remove
 * the container, then record the final state), the one way a lease ends.
 * @module
 */
import type Docker from "dockerode";
import { err, ok, type Result, ResultAsync } from "neverthrow";
import { type DockerError, removeContainer } from "../evaluation/index.js";
import type { StoreError } from "../store/index.js";
import type { Lease, LeaseError, LeaseState } from "./allocation.js";
import { listLeaseContainers } from "./lease-docker.js";
import type { LeaseRecord, LeaseStore } from "./lease-store.js";

/** The collaborators of the backend and the scheduler. */
export interface LeaseRuntime {
  readonly docker: Docker;
  readonly store: LeaseStore;
  readonly now: () => number;
  readonly log: (line: string) => void;
  /** Where the agent reaches the published SSH ports (health probes). */
  readonly probeHost: string;
  readonly healthIntervalMs: number;
  /** Called once a lease has ended (its engine job, if any, is stopped and forgotten). */
  readonly onLeaseEnded?: (leaseId: string) => void;
}

/** States in which a lease holds resources. */
export const LIVE_STATES: readonly LeaseState[] = ["pending", "active", "releasing"];
/** States a lease does not leave. */
export const FINAL_STATES: readonly LeaseState[] = ["released", "expired", "failed"];

/** The holder's view of a record (no container id). */
export function toLease(record: LeaseRecord): Lease {
  const { containerId: _c, updatedAtMs: _u, ...lease } = record;
  return lease;
}

/** A store or engine failure as the lease error the agent answers with (500). */
export function backendFailed(cause: StoreError | DockerError): LeaseError {
  return { type: "lease_backend_failed", message: cause.message, cause };
}

/** A synchronous store result as a lease result. */
export function stored<T>(r: Result<T, StoreError>): Result<T, LeaseError> {
  return r.mapErr(backendFailed);
}

/** Removes every container of a lease (by label, so that a container whose id was never recorded goes too). */
export function removeLeaseContainers(rt: LeaseRuntime, leaseId: string): ResultAsync<void, LeaseError> {
  return listLeaseContainers(rt.docker, rt.store.agentId)
    .andThen((list) => ResultAsync.combine(list.filter((c) => c.leaseId === leaseId).map((c) => removeContainer(rt.docker, c.id))))
    .map(() => undefined)
    .mapErr(backendFailed);
}

/**
 * Ends a lease: removes its containers, then records `state` with an event. When the removal
 * fails the lease is left `releasing` (for a release) or unchanged, and the scheduler retries.
 */
export function finishLease(rt: LeaseRuntime, record: LeaseRecord, state: "released" | "expired" | "failed", detail: Record<string, unknown> = {}): ResultAsync<LeaseRecord, LeaseError> {
  return removeLeaseContainers(rt, record.id).andThen(() => {
    const atMs = rt.now();
    const failure = state === "failed" ? String(detail.reason ?? "failed") : record.failure;
    const r = stored(rt.store.update(record.id, { state, containerId: null, failure, updatedAtMs: atMs }, { atMs, kind: state, detail }));
    if (r.isOk() && r.value !== null) rt.log(`lease ${record.id} ${state}${state === "failed" ? `: ${failure}` : ""}`);
    rt.onLeaseEnded?.(record.id);
    return r.isErr() ? err(r.error) : ok(r.value ?? record);
  });
}
