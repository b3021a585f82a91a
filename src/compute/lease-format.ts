/**
 * Text renderings of a lease for people (the CLI's non-JSON output): one summary line, the
 * applied limits, and the `ssh` command that pins the host key.
 * @module
 */
import type { Lease } from "./allocation.js";

const MIB = 2 ** 20;
const size = (bytes: number) => (bytes >= 2 ** 30 && bytes % 2 ** 30 === 0 ? `${bytes / 2 ** 30} GiB` : `${Math.round(bytes / MIB)} MiB`);

/**
 * The `ssh` command line for a lease, pinning the host key through `knownHostsFile` (which must
 * hold `leaseKnownHostsLine(lease)`); `null` for a lease without an endpoint.
 */
export function leaseSshCommand(lease: Lease, knownHostsFile: string, identityFile?: string): string | null {
  if (lease.ssh === null) return null;
  const identity = identityFile === undefined ? "" : ` -i ${identityFile} -o IdentitiesOnly=yes`;
  return `ssh -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHostsFile}${identity} -p ${lease.ssh.port} ${lease.ssh.user}@${lease.ssh.host}`;
}

/** A few lines describing a lease: state, expiry, resources, limits, host key, health. */
export function formatLeaseText(lease: Lease): string {
  const r = lease.request;
  const gpus = r.gpuCount > 0 ? `, ${r.gpuCount} x ${r.gpuModel ?? "?"} (${lease.gpuUuids.join(", ")})` : "";
  const lines = [
    `lease ${lease.id} ${lease.state}, expires ${new Date(lease.expiresAtMs).toISOString()}`,
    `  ${r.cpuCores} cores (cpuset ${lease.cpuset}), ${size(r.memoryBytes)} memory, ${size(r.diskBytes)} disk, ${size(r.shmBytes)} shm${gpus}`,
  ];
  const l = lease.appliedLimits;
  if (l !== null) {
    lines.push(`  applied: cpuset ${l.cpusetCpus}, ${l.nanoCpus / 1e9} CPUs, memory ${size(l.memoryBytes)}, memory+swap ${size(l.memorySwapBytes)}, shm ${size(l.shmBytes)}, pids ${l.pidsLimit}, disk ${l.diskBytes === "unenforced" ? "NOT LIMITED (the miner's storage driver cannot)" : size(l.diskBytes)}`);
  }
  if (lease.ssh !== null) lines.push(`  ssh ${lease.ssh.user}@${lease.ssh.host} port ${lease.ssh.port}, host key ${lease.hostKeyFingerprint ?? "?"}`);
  if (lease.health !== null) lines.push(`  health ${lease.health.healthy ? "ok" : `failing (${lease.health.problems.join("; ")})`} at ${new Date(lease.health.checkedAtMs).toISOString()}`);
  if (lease.failure !== null) lines.push(`  failure: ${lease.failure}`);
  return `${lines.join("\n")}\n`;
}
