/**
 * Matching a lease request against the miner's live free resources (compute.md §5.8): cores not
 * pinned by another lease, GPUs by UUID not in another lease whose verified model equals the
 * requested one, memory and disk not reserved. Several leases share a host when disjoint.
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { findGpu } from "../mfu/index.js";
import type { LeaseError, LeaseRequest } from "./allocation.js";
import { parseCpuset } from "./specs-parse.js";

/** An offered GPU: its UUID and verified model (catalogue id or alias). */
export interface LeaseGpu {
  readonly uuid: string;
  readonly model: string;
}

/** What the miner offers for leases in total. */
export interface LeaseOffer {
  /** Host CPU ids that leases may pin. */
  readonly cpus: readonly number[];
  readonly memoryBytes: number;
  readonly diskBytes: number;
  readonly gpus: readonly LeaseGpu[];
}

/** The resources a live lease holds. */
export interface HeldResources {
  readonly cpuset: string;
  readonly gpuUuids: readonly string[];
  readonly request: Pick<LeaseRequest, "memoryBytes" | "diskBytes">;
}

/** A new lease's reservation. */
export interface Reservation {
  readonly cpus: readonly number[];
  readonly cpuset: string;
  readonly gpuUuids: readonly string[];
}

/** `[0, 1, 2, 5]` → `"0-2,5"`. */
export function formatCpuset(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

const noCapacity = (resource: "cpu" | "memory" | "disk" | "gpu", message: string): Result<Reservation, LeaseError> => err({ type: "no_capacity", resource, message });
const modelId = (name: string) => findGpu(name).map((g) => g.id).unwrapOr(`unknown:${name}`);

/**
 * Picks the lowest free cores and the first free GPUs of the requested model, or says which
 * resource is short.
 * @example reserveResources({ cpus: [0, 1], memoryBytes: 8 << 30, diskBytes: 100 << 30, gpus: [] }, [], request)
 */
export function reserveResources(offer: LeaseOffer, held: readonly HeldResources[], request: LeaseRequest): Result<Reservation, LeaseError> {
  const pinned = new Set(held.flatMap((h) => parseCpuset(h.cpuset) ?? []));
  const freeCpus = offer.cpus.filter((c) => !pinned.has(c)).sort((a, b) => a - b);
  if (freeCpus.length < request.cpuCores) return noCapacity("cpu", `${request.cpuCores} cores requested, ${freeCpus.length} free`);
  const memoryFree = offer.memoryBytes - held.reduce((n, h) => n + h.request.memoryBytes, 0);
  if (request.memoryBytes > memoryFree) return noCapacity("memory", `${request.memoryBytes} bytes of memory requested, ${Math.max(0, memoryFree)} free`);
  const diskFree = offer.diskBytes - held.reduce((n, h) => n + h.request.diskBytes, 0);
  if (request.diskBytes > diskFree) return noCapacity("disk", `${request.diskBytes} bytes of disk requested, ${Math.max(0, diskFree)} free`);
  let gpuUuids: string[] = [];
  if (request.gpuCount > 0) {
    const taken = new Set(held.flatMap((h) => h.gpuUuids));
    const wanted = modelId(request.gpuModel ?? "");
    const free = offer.gpus.filter((g) => !taken.has(g.uuid) && modelId(g.model) === wanted);
    if (free.length < request.gpuCount) return noCapacity("gpu", `${request.gpuCount} x ${request.gpuModel ?? "?"} requested, ${free.length} free`);
    gpuUuids = free.slice(0, request.gpuCount).map((g) => g.uuid);
  }
  const cpus = freeCpus.slice(0, request.cpuCores);
  return ok({ cpus, cpuset: formatCpuset(cpus), gpuUuids });
}
