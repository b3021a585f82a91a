/**
 * The lease daemon's own scheduler (compute.md §5.8): expiry from durable state (no `at` jobs,
 * restart-safe), retried releases, health checks (container running, sshd answering, GPU device
 * requests unchanged) and the reconciliation at start. An `engine` lease has no container of its
 * own: it is not health-checked, and containers of its jobs found at start are removed.
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { dockerCall, removeContainer } from "../evaluation/index.js";
import type { LeaseError, LeaseHealth } from "./allocation.js";
import { listLeaseContainers, probeSshd, publishedSshPort } from "./lease-docker.js";
import { backendFailed, finishLease, type LeaseRuntime, stored } from "./lease-runtime.js";
import type { LeaseRecord } from "./lease-store.js";

/** What the reconciliation at start did. */
export interface ReconcileReport {
  /** Containers removed because their lease is unknown, finished, or was interrupted while being created. */
  readonly removedContainers: readonly string[];
  /** Leases marked `failed` (active without a container, or interrupted while pending). */
  readonly failedLeases: readonly string[];
}

/**
 * Brings the store and the engine into agreement after a start: a container labelled with an
 * unknown or finished lease is removed; a pending lease (the agent stopped while creating it) is
 * failed and its container removed; an active lease without its container becomes `failed`.
 */
export async function reconcileLeases(rt: LeaseRuntime): Promise<Result<ReconcileReport, LeaseError>> {
  const containers = await listLeaseContainers(rt.docker, rt.store.agentId);
  if (containers.isErr()) return err(backendFailed(containers.error));
  const leases = stored(rt.store.list());
  if (leases.isErr()) return err(leases.error);
  const byId = new Map(leases.value.map((l) => [l.id, l]));
  const removedContainers: string[] = [];
  const failedLeases: string[] = [];
  for (const c of containers.value) {
    const lease = byId.get(c.leaseId);
    // An engine lease's containers are its jobs' evaluation containers: no job survives a restart.
    const engineJob = lease?.request.kind === "engine" && lease.state === "active";
    if (!engineJob && lease !== undefined && (lease.state === "active" || lease.state === "releasing")) continue;
    if (lease?.state === "pending") continue;
    const removed = await removeContainer(rt.docker, c.id);
    if (removed.isErr()) return err(backendFailed(removed.error));
    removedContainers.push(c.id);
    rt.log(`reconcile: removed container ${c.id.slice(0, 12)} of ${lease === undefined ? "unknown" : lease.state} lease ${c.leaseId}`);
  }
  const withContainer = new Set(containers.value.map((c) => c.leaseId));
  for (const lease of leases.value) {
    const reason =
      lease.state === "pending" ? "the agent stopped while the lease was being created"
      : lease.state === "active" && lease.request.kind !== "engine" && !withContainer.has(lease.id) ? "the lease's container is gone"
      : null;
    if (reason === null) continue;
    const failed = await finishLease(rt, lease, "failed", { reason, by: "reconcile" });
    if (failed.isErr()) return err(failed.error);
    if (lease.state === "pending" && withContainer.has(lease.id)) removedContainers.push(...containers.value.filter((c) => c.leaseId === lease.id).map((c) => c.id));
    failedLeases.push(lease.id);
  }
  return ok({ removedContainers, failedLeases });
}

/** Inspects one active lease and records its health; a vanished container fails the lease. */
export async function checkLeaseHealth(rt: LeaseRuntime, lease: LeaseRecord): Promise<Result<LeaseRecord, LeaseError>> {
  const atMs = rt.now();
  const problems: string[] = [];
  const inspected = lease.containerId === null ? null : await dockerCall("inspect lease container", () => rt.docker.getContainer(lease.containerId as string).inspect());
  if (inspected === null || (inspected.isErr() && inspected.error.type === "docker_container_missing")) {
    return finishLease(rt, lease, "failed", { reason: "the lease's container is gone", by: "health" });
  }
  if (inspected.isErr()) return err(backendFailed(inspected.error));
  const info = inspected.value;
  const containerRunning = info.State?.Running === true;
  if (!containerRunning) problems.push(`the container is ${info.State?.Status ?? "not running"}`);
  const published = publishedSshPort(info);
  const sshdAnswering = containerRunning && published !== null && (await probeSshd(rt.probeHost, published));
  if (containerRunning && !sshdAnswering) problems.push("sshd does not answer");
  const gpus = (info.HostConfig?.DeviceRequests ?? []).flatMap((d) => d.DeviceIDs ?? []);
  const gpusUnchanged = gpus.length === lease.gpuUuids.length && gpus.every((g, i) => g === lease.gpuUuids[i]);
  if (!gpusUnchanged) problems.push("the container's GPU devices changed");
  // A restarted container (restart policy, engine restart) gets a new ephemeral host port.
  const ssh = lease.ssh !== null && published !== null && published !== lease.ssh.port ? { ...lease.ssh, port: published } : lease.ssh;
  const healthy = problems.length === 0;
  const health: LeaseHealth = { checkedAtMs: atMs, healthy, containerRunning, sshdAnswering, gpusUnchanged, consecutiveFailures: healthy ? 0 : (lease.health?.consecutiveFailures ?? 0) + 1, problems };
  const changed = lease.health === null || lease.health.healthy !== healthy;
  const moved = ssh !== lease.ssh;
  const event = changed || moved ? { atMs, kind: "health", detail: { healthy, problems, ...(moved ? { sshPort: ssh?.port } : {}) } } : undefined;
  const updated = stored(rt.store.update(lease.id, { health, ssh, updatedAtMs: atMs }, event));
  if (updated.isErr()) return err(updated.error);
  return ok(updated.value ?? lease);
}

/**
 * One pass of the scheduler: finishes releases that failed before, expires every active lease
 * whose `expiresAtMs` passed (also those that expired while the agent was down), and checks the
 * health of each lease whose last check is older than the interval. Failures are logged and
 * retried on the next pass.
 */
export async function runLeaseTick(rt: LeaseRuntime): Promise<void> {
  const live = rt.store.list({ states: ["active", "releasing"] });
  if (live.isErr()) return rt.log(`lease scheduler: ${live.error.message}`);
  for (const lease of live.value) {
    const now = rt.now();
    let done;
    if (lease.state === "releasing") done = await finishLease(rt, lease, "released", { by: "scheduler" });
    else if (lease.expiresAtMs <= now) done = await finishLease(rt, lease, "expired", { expiresAtMs: lease.expiresAtMs });
    else if (lease.request.kind !== "engine" && (lease.health === null || now - lease.health.checkedAtMs >= rt.healthIntervalMs)) done = await checkLeaseHealth(rt, lease);
    if (done?.isErr()) rt.log(`lease scheduler: lease ${lease.id}: ${done.error.message}`);
  }
}

