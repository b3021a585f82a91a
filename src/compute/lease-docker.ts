/**
 * The container of a lease (compute.md §5.8) through dockerode: the create options with every
 * limit (`CpusetCpus`, `NanoCpus`, `Memory` = `MemorySwap`, `ShmSize`, `PidsLimit`,
 * `StorageOpt.size`, GPUs by UUID, `no-new-privileges`), the SSH files through `putArchive`
 * before the start, the limits read back from `docker inspect`, and an sshd banner probe.
 * Engine failures are classified by `src/evaluation`'s `dockerCall`.
 * @module
 */
import { connect } from "node:net";
import type Docker from "dockerode";
import { err, errAsync, ok, type Result, type ResultAsync } from "neverthrow";
import { type DockerError, dockerCall } from "../evaluation/index.js";
import type { AppliedLimits, LeaseError } from "./allocation.js";
import { LEASE_SSHD_COMMAND } from "./lease-archive.js";
import { parseCpuset } from "./specs-parse.js";

/** Label carrying the lease id on its container. */
export const LEASE_LABEL = "crusades.lease";
/** Label carrying the lease store's agent id: reconciliation touches only its own containers. */
export const LEASE_AGENT_LABEL = "crusades.lease.agent";
/** The SSH lease image built by `environments/compute/build-lease-image.sh`. */
export const LEASE_IMAGE_TAG = "crusades-lease-ssh:1.0.0";
/** Default `PidsLimit` of a lease container. */
export const DEFAULT_LEASE_PIDS_LIMIT = 4096;

/** Everything the container of one lease is created from. */
export interface LeaseContainerPlan {
  readonly leaseId: string;
  readonly agentId: string;
  /** The resolved image id (`sha256:...`). */
  readonly imageId: string;
  readonly cpus: readonly number[];
  readonly cpuset: string;
  readonly cpuCores: number;
  readonly memoryBytes: number;
  readonly shmBytes: number;
  /** `null`: no disk quota (only when the operator allowed it). */
  readonly diskBytes: number | null;
  readonly pidsLimit: number;
  readonly gpuUuids: readonly string[];
  /** Host address the SSH port is published on. */
  readonly sshBindHost: string;
}

const CONTAINER_SSH_PORT = "22/tcp";

/** The create options of a lease container (nothing from the caller reaches a shell). */
export function leaseContainerSpec(plan: LeaseContainerPlan): Docker.ContainerCreateOptions {
  return {
    name: `crusades-lease-${plan.leaseId}`,
    Image: plan.imageId,
    Cmd: [...LEASE_SSHD_COMMAND],
    Hostname: `lease-${plan.leaseId.slice(0, 12)}`,
    Labels: { [LEASE_LABEL]: plan.leaseId, [LEASE_AGENT_LABEL]: plan.agentId },
    ExposedPorts: { [CONTAINER_SSH_PORT]: {} },
    HostConfig: {
      CpusetCpus: plan.cpuset,
      NanoCpus: plan.cpuCores * 1e9,
      Memory: plan.memoryBytes,
      MemorySwap: plan.memoryBytes,
      ShmSize: plan.shmBytes,
      PidsLimit: plan.pidsLimit,
      SecurityOpt: ["no-new-privileges:true"],
      CapDrop: ["NET_RAW", "MKNOD"],
      Init: true,
      RestartPolicy: { Name: "unless-stopped" },
      PortBindings: { [CONTAINER_SSH_PORT]: [{ HostIp: plan.sshBindHost, HostPort: "" }] },
      ...(plan.diskBytes === null ? {} : { StorageOpt: { size: String(plan.diskBytes) } }),
      ...(plan.gpuUuids.length === 0 ? {} : { DeviceRequests: [{ Driver: "nvidia", DeviceIDs: [...plan.gpuUuids], Capabilities: [["gpu"]] }] }),
    },
  };
}

const unenforceable = (limit: string, message: string): LeaseError => ({ type: "limit_unenforceable", limit, message });

/** The engine refused `StorageOpt.size` (overlay2 needs xfs with `pquota`). */
export function isDiskQuotaUnsupported(e: DockerError): boolean {
  return e.type === "docker_api" && /storage-opt|storage opt|quota/i.test(e.message);
}

/**
 * Compares what the engine recorded with the plan; any difference (an engine that drops a
 * limit it cannot apply, as Docker does for swap without swap accounting) is `limit_unenforceable`.
 */
export function readBackLimits(info: Docker.ContainerInspectInfo, plan: LeaseContainerPlan): Result<AppliedLimits, LeaseError> {
  const hc = info.HostConfig as Docker.HostConfig;
  const cpus = parseCpuset(hc.CpusetCpus ?? "") ?? [];
  const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same([...cpus].sort((a, b) => a - b), [...plan.cpus].sort((a, b) => a - b))) return err(unenforceable("cpuset", `cpuset reads back as ${JSON.stringify(hc.CpusetCpus)}, not ${plan.cpuset}`));
  const checks: [string, unknown, unknown][] = [
    ["cpu", hc.NanoCpus, plan.cpuCores * 1e9],
    ["memory", hc.Memory, plan.memoryBytes],
    ["swap", hc.MemorySwap, plan.memoryBytes],
    ["shm", hc.ShmSize, plan.shmBytes],
    ["pids", hc.PidsLimit, plan.pidsLimit],
  ];
  for (const [limit, got, want] of checks) if (got !== want) return err(unenforceable(limit, `the engine recorded ${limit} limit ${String(got)} instead of ${String(want)}`));
  if (!(hc.SecurityOpt ?? []).some((o: string) => /^no-new-privileges(:true|=true)?$/.test(o))) return err(unenforceable("no_new_privileges", "no-new-privileges is not set on the container"));
  if (plan.diskBytes !== null && hc.StorageOpt?.size !== String(plan.diskBytes)) return err(unenforceable("disk", `the engine recorded disk size ${String(hc.StorageOpt?.size)} instead of ${plan.diskBytes}`));
  const gpus = (hc.DeviceRequests ?? []).flatMap((d) => d.DeviceIDs ?? []);
  if (!same(gpus, plan.gpuUuids)) return err(unenforceable("gpu", `the container's GPUs read back as ${JSON.stringify(gpus)}`));
  return ok({
    cpusetCpus: hc.CpusetCpus ?? "", nanoCpus: hc.NanoCpus ?? 0, memoryBytes: hc.Memory ?? 0, memorySwapBytes: hc.MemorySwap ?? 0, shmBytes: hc.ShmSize ?? 0,
    pidsLimit: hc.PidsLimit ?? 0, diskBytes: plan.diskBytes === null ? "unenforced" : plan.diskBytes, noNewPrivileges: true, gpuUuids: gpus,
  });
}

/** The host port the container's sshd is published on, from `docker inspect`. */
export function publishedSshPort(info: Docker.ContainerInspectInfo): number | null {
  const port = Number(info.NetworkSettings?.Ports?.[CONTAINER_SSH_PORT]?.[0]?.HostPort);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
}

/**
 * Resolves a pinned reference `name@sha256:<hex>` to a local image id: by repository digest (a
 * pulled image) or, for an image built here (`docker import` has no repository digest), by its
 * image id, the digest of its configuration, which pins its layers just as well.
 */
export function resolvePinnedImage(docker: Docker, ref: string): ResultAsync<string, LeaseError> {
  const digest = /@(sha256:[0-9a-f]{64})$/.exec(ref)?.[1];
  if (digest === undefined) return errAsync({ type: "image_not_allowed", image: ref, message: `${ref} is not pinned by digest (name@sha256:...)` });
  return dockerCall("inspect image", () => docker.getImage(ref).inspect(), ref)
    .orElse(() => dockerCall("inspect image", () => docker.getImage(digest).inspect(), ref))
    .map((i) => i.Id)
    .mapErr((e): LeaseError =>
      e.type === "docker_image_missing" ? { type: "image_not_allowed", image: ref, message: `${ref} is not present on this miner` } : { type: "lease_backend_failed", message: e.message, cause: e },
    );
}

/**
 * The pinned reference (`name@sha256:<image id>`) of a local tag, for an operator's
 * `allowedImages` (a tag moves; the reference does not).
 * @example pinnedImageReference(docker, LEASE_IMAGE_TAG) // Ok("crusades-lease-ssh@sha256:2736...")
 */
export function pinnedImageReference(docker: Docker, tag: string): ResultAsync<string, DockerError> {
  return dockerCall("inspect image", () => docker.getImage(tag).inspect(), tag).map((i) => `${tag.replace(/:[^:/@]+$/, "")}@${i.Id}`);
}

/** Resolves `true` iff something at `host:port` greets with an SSH-2.0 banner within `timeoutMs`. */
export function probeSshd(host: string, port: number, timeoutMs = 3_000): Promise<boolean> {
  return new Promise((resolve) => {
    let text = "";
    const socket = connect({ host, port });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      text += chunk;
      if (text.includes("\n") || text.length > 255) done(/^SSH-2\.0-/.test(text));
    });
    socket.on("error", () => done(false));
    socket.on("close", () => done(/^SSH-2\.0-/.test(text)));
  });
}

/** Lists the containers labelled with leases of `agentId` (all states), as `{id, leaseId}`. */
export function listLeaseContainers(docker: Docker, agentId: string): ResultAsync<{ readonly id: string; readonly leaseId: string }[], DockerError> {
  return dockerCall("list lease containers", () => docker.listContainers({ all: true, filters: { label: [LEASE_LABEL, `${LEASE_AGENT_LABEL}=${agentId}`] } })).map((list) =>
    list.map((c) => ({ id: c.Id, leaseId: c.Labels?.[LEASE_LABEL] ?? "" })),
  );
}
