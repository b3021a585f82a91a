/**
 * `buildContainerSpec`: the Docker create options of one evaluation container, implementing the
 * sandbox of spec crusades.md §L.2 exactly. Pure: no engine is contacted, so every option is
 * asserted by unit tests.
 * @module
 */
import type Docker from "dockerode";

/** The label every evaluation container carries; start-up cleanup finds leftovers by it. */
export const EVALUATION_LABEL = "crusades.evaluation";
/** The label holding the host process id that created the container (leftover detection). */
export const OWNER_PID_LABEL = "crusades.owner-pid";
/** The label holding the container's role (`reference` or `candidate`). */
export const ROLE_LABEL = "crusades.role";
/** The label holding the run id (the name docs/evaluation-protocol.md §7 uses). */
export const RUN_LABEL = "org.crusades.run";

/**
 * Environment variables that may enter a container (§L.2 "Environment": CUDA, NCCL, HF offline
 * flags, `PYTHONUNBUFFERED`, cache locations). Anything else passed in is a programmer error.
 */
export const ENV_ALLOWLIST: readonly RegExp[] = [
  /^CUDA_[A-Z0-9_]+$/,
  /^NCCL_[A-Z0-9_]+$/,
  /^(HF_HUB_OFFLINE|TRANSFORMERS_OFFLINE|HF_DATASETS_OFFLINE|HF_HOME|TRANSFORMERS_CACHE)$/,
  /^(PYTHONUNBUFFERED|PYTHONDONTWRITEBYTECODE|PYTHONHASHSEED)$/,
  /^(HOME|TMPDIR|XDG_CACHE_HOME|TORCHINDUCTOR_CACHE_DIR|TRITON_CACHE_DIR|TORCH_HOME|MPLCONFIGDIR)$/,
  /^(OMP_NUM_THREADS|MKL_NUM_THREADS|TORCH_NCCL_[A-Z0-9_]+|TORCH_DISTRIBUTED_DEBUG|GLOO_SOCKET_IFNAME)$/,
  /^CRUSADES_[A-Z0-9_]+$/,
];

/** The fixed environment of every container: loopback-only NCCL/gloo, offline Hugging Face. */
export const BASE_ENV: Readonly<Record<string, string>> = Object.freeze({
  NCCL_SOCKET_IFNAME: "lo",
  GLOO_SOCKET_IFNAME: "lo",
  NCCL_IB_DISABLE: "1",
  HF_HUB_OFFLINE: "1",
  TRANSFORMERS_OFFLINE: "1",
  HF_DATASETS_OFFLINE: "1",
  PYTHONUNBUFFERED: "1",
  PYTHONDONTWRITEBYTECODE: "1",
});

/** A bind mount of a host path. */
export interface BindMount {
  /** Absolute host path. */
  readonly source: string;
  /** Absolute container path. */
  readonly target: string;
  readonly readOnly: boolean;
}

/** A size-limited `noexec,nosuid,nodev` tmpfs. */
export interface TmpfsMount {
  readonly target: string;
  readonly sizeBytes: number;
  /** Octal mode, e.g. `"1777"`. @default "1777" */
  readonly mode?: string;
  /** Owner of the mount's root (e.g. 2002 for `/run/crusades`). */
  readonly uid?: number;
  readonly gid?: number;
}

/** Which GPUs the container gets. */
export type GpuAssignment = { readonly kind: "none" } | { readonly kind: "devices"; readonly deviceIds: readonly string[] };

/** Inputs of {@link buildContainerSpec}. */
export interface ContainerSpecParameters {
  /** Image reference (tag or `name@sha256:...`). */
  readonly image: string;
  /** Container name (unique per engine). */
  readonly name: string;
  readonly role: "reference" | "candidate";
  readonly runId: string;
  /** User of PID 1: a name from the image's /etc/passwd or `uid:gid`; never root. */
  readonly user: string;
  /** Command (the image's harness entrypoint and its arguments). */
  readonly cmd: readonly string[];
  readonly workingDir?: string;
  /** Extra environment, on top of {@link BASE_ENV}; every name must match {@link ENV_ALLOWLIST}. */
  readonly env?: Readonly<Record<string, string>>;
  readonly binds: readonly BindMount[];
  readonly tmpfs: readonly TmpfsMount[];
  /** `--memory`; swap is set equal (no swap). */
  readonly memoryBytes: number;
  /** `--shm-size` of the `noexec` `/dev/shm`. */
  readonly shmSizeBytes: number;
  /** `--pids-limit`. */
  readonly pidsLimit: number;
  readonly gpus: GpuAssignment;
  /** Host CPUs the container may run on (`CpusetCpus`, e.g. a lease's `"0-3"`); absent: any. */
  readonly cpusetCpus?: string;
  /** CPU time bound in units of 1e-9 CPUs (`NanoCpus`, e.g. `cores · 1e9`); absent: unbounded. */
  readonly nanoCpus?: number;
  /** Open files (soft = hard); at most the engine's own hard limit. @default 65536 */
  readonly nofile?: number;
  /**
   * Locked memory in bytes (`-1` = unlimited), for CUDA pinned host buffers; `null` keeps the
   * engine's default. @default null
   */
  readonly memlockBytes?: number | null;
  /** The host process that owns the container (leftover detection). @default process.pid */
  readonly ownerPid?: number;
  /** Extra labels. */
  readonly labels?: Readonly<Record<string, string>>;
}

function assertAbsolute(path: string, label: string): void {
  if (!path.startsWith("/") || path.includes("\0") || path.split("/").includes("..")) {
    throw new TypeError(`${label} must be an absolute path without '..', got '${path}'`);
  }
}

function assertPositiveInteger(value: number, label: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${label} must be an integer > 0, got ${value}`);
}

function isRootUser(user: string): boolean {
  const name = user.split(":")[0] ?? "";
  return name === "" || name === "root" || /^0+$/.test(name);
}

/**
 * Builds the create options of a sandboxed evaluation container (§L.2):
 * `NetworkMode: "none"` (loopback only), read-only root, a non-root user, `CapDrop: ["ALL"]`,
 * `no-new-privileges`, the runtime's default seccomp profile (never `unconfined`), `PidsLimit`,
 * `Memory` = `MemorySwap`, a `noexec` `/dev/shm` of `ShmSize` in a private IPC namespace (shared by
 * the container's processes, as torchrun and NCCL need), writable paths only as
 * `noexec,nosuid,nodev` tmpfs of explicit size and the given binds, core dumps off, bounded open
 * files (optionally locked memory for CUDA pinned buffers), GPUs only by device request, no
 * devices otherwise, and labels to find the container again.
 * @throws TypeError / RangeError for a root user, a relative path, an env name outside the allowlist
 *   or a non-positive limit: these are programmer errors
 * @example
 * const spec = buildContainerSpec({ image: "crusades-eval-cpu:1", name: "crusades-eval-ref-1", role: "reference",
 *   runId: "1", user: "crusades-ref", cmd: ["python3", "-m", "templar.reference"], binds: [], tmpfs: [],
 *   memoryBytes: 8 << 30, shmSizeBytes: 1 << 30, pidsLimit: 1024, gpus: { kind: "none" } });
 * await docker.createContainer(spec);
 */
export function buildContainerSpec(p: ContainerSpecParameters): Docker.ContainerCreateOptions {
  if (isRootUser(p.user)) throw new TypeError(`container user must not be root, got '${p.user}'`);
  if (p.cmd.length === 0) throw new TypeError("cmd must not be empty");
  assertPositiveInteger(p.memoryBytes, "memoryBytes");
  assertPositiveInteger(p.shmSizeBytes, "shmSizeBytes");
  assertPositiveInteger(p.pidsLimit, "pidsLimit");
  const nofile = p.nofile ?? 65536;
  assertPositiveInteger(nofile, "nofile");
  const memlock = p.memlockBytes ?? null;
  if (memlock !== null && memlock !== -1) assertPositiveInteger(memlock, "memlockBytes");
  if (p.cpusetCpus !== undefined && !/^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$/.test(p.cpusetCpus)) throw new TypeError(`cpusetCpus must be a cpuset list, got '${p.cpusetCpus}'`);
  if (p.nanoCpus !== undefined) assertPositiveInteger(p.nanoCpus, "nanoCpus");
  const env: Record<string, string> = { ...BASE_ENV };
  for (const [key, value] of Object.entries(p.env ?? {})) {
    if (!ENV_ALLOWLIST.some((re) => re.test(key))) throw new TypeError(`environment variable ${key} is not in the sandbox allowlist`);
    env[key] = value;
  }
  const tmpfs: Record<string, string> = {};
  for (const t of p.tmpfs) {
    assertAbsolute(t.target, "tmpfs target");
    assertPositiveInteger(t.sizeBytes, `tmpfs ${t.target} size`);
    const mode = t.mode ?? "1777";
    if (!/^[0-7]{3,4}$/.test(mode)) throw new TypeError(`tmpfs ${t.target} mode must be octal, got '${mode}'`);
    const owner = [t.uid === undefined ? "" : `,uid=${t.uid}`, t.gid === undefined ? "" : `,gid=${t.gid}`].join("");
    if ((t.uid !== undefined && !Number.isSafeInteger(t.uid)) || (t.gid !== undefined && !Number.isSafeInteger(t.gid))) {
      throw new TypeError(`tmpfs ${t.target} uid/gid must be integers`);
    }
    tmpfs[t.target] = `rw,noexec,nosuid,nodev,size=${t.sizeBytes}${owner},mode=${mode}`;
  }
  const mounts: Docker.MountSettings[] = p.binds.map((b) => {
    assertAbsolute(b.source, "bind source");
    assertAbsolute(b.target, "bind target");
    if (b.target === "/var/run/docker.sock" || b.source.endsWith("docker.sock")) throw new TypeError("the container-runtime socket is never mounted");
    return { Type: "bind", Source: b.source, Target: b.target, ReadOnly: b.readOnly, BindOptions: { Propagation: "rprivate" } };
  });
  const deviceRequests: Docker.DeviceRequest[] =
    p.gpus.kind === "devices" ? [{ Driver: "nvidia", DeviceIDs: [...p.gpus.deviceIds], Capabilities: [["gpu"]] }] : [];
  if (p.gpus.kind === "devices" && p.gpus.deviceIds.length === 0) throw new RangeError("a GPU assignment needs at least one device id");
  const ownerPid = p.ownerPid ?? process.pid;
  return {
    name: p.name,
    Image: p.image,
    Cmd: [...p.cmd],
    Entrypoint: [],
    User: p.user,
    WorkingDir: p.workingDir ?? "/",
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Hostname: "crusades",
    Labels: {
      ...p.labels,
      [EVALUATION_LABEL]: "1",
      [ROLE_LABEL]: p.role,
      [RUN_LABEL]: p.runId,
      [OWNER_PID_LABEL]: String(ownerPid),
    },
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    NetworkDisabled: false,
    StopTimeout: 1,
    HostConfig: {
      NetworkMode: "none",
      ReadonlyRootfs: true,
      Privileged: false,
      CapDrop: ["ALL"],
      CapAdd: [],
      SecurityOpt: ["no-new-privileges:true"],
      PidsLimit: p.pidsLimit,
      Memory: p.memoryBytes,
      MemorySwap: p.memoryBytes,
      MemorySwappiness: 0,
      OomKillDisable: false,
      ShmSize: p.shmSizeBytes,
      ...(p.cpusetCpus === undefined ? {} : { CpusetCpus: p.cpusetCpus }),
      ...(p.nanoCpus === undefined ? {} : { NanoCpus: p.nanoCpus }),
      IpcMode: "private",
      PidMode: "",
      UTSMode: "",
      UsernsMode: "",
      Tmpfs: tmpfs,
      Mounts: mounts,
      Binds: [],
      Devices: [],
      DeviceRequests: deviceRequests,
      Ulimits: [
        { Name: "core", Soft: 0, Hard: 0 },
        { Name: "nofile", Soft: nofile, Hard: nofile },
        ...(memlock === null ? [] : [{ Name: "memlock", Soft: memlock, Hard: memlock }]),
      ],
      Init: false,
      AutoRemove: false,
      RestartPolicy: { Name: "no", MaximumRetryCount: 0 },
      LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "1" } },
    },
  };
}
