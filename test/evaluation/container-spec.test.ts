import { describe, expect, test } from "vitest";
import { buildContainerSpec, EVALUATION_LABEL, OWNER_PID_LABEL, ROLE_LABEL, RUN_LABEL, type ContainerSpecParameters } from "../../src/evaluation/index.js";

const base: ContainerSpecParameters = {
  image: "crusades-eval-cpu:1.0.0",
  name: "crusades-eval-cand-r1-123",
  role: "candidate",
  runId: "r1",
  user: "crusades-sup",
  cmd: ["python3", "-I", "-B", "-m", "crusades_env.supervisor", "/crusades/in/params.json"],
  workingDir: "/tmp",
  env: { HOME: "/tmp", OMP_NUM_THREADS: "2" },
  binds: [
    { source: "/work/r1/in-candidate", target: "/crusades/in", readOnly: true },
    { source: "/work/r1/run/candidate", target: "/crusades/handoff", readOnly: false },
  ],
  tmpfs: [
    { target: "/tmp", sizeBytes: 8 * 2 ** 30, mode: "1777" },
    { target: "/run/crusades", sizeBytes: 1 << 20, mode: "0711", uid: 2002, gid: 2002 },
  ],
  memoryBytes: 4 * 2 ** 30,
  shmSizeBytes: 1 << 30,
  pidsLimit: 1024,
  gpus: { kind: "none" },
  ownerPid: 4242,
};

describe("buildContainerSpec (spec L.2, evaluation-protocol.md §7)", () => {
  const spec = buildContainerSpec(base);
  const host = spec.HostConfig!;

  test("behavior: no network: NetworkMode none (loopback only)", () => {
    expect(host.NetworkMode).toBe("none");
  });
  test("behavior: read-only root filesystem, not privileged", () => {
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.Privileged).toBe(false);
  });
  test("behavior: a non-root user for PID 1, by name", () => {
    expect(spec.User).toBe("crusades-sup");
  });
  test("behavior: every capability dropped, none added", () => {
    expect(host.CapDrop).toEqual(["ALL"]);
    expect(host.CapAdd).toEqual([]);
  });
  test("behavior: no-new-privileges, default seccomp (never unconfined)", () => {
    expect(host.SecurityOpt).toEqual(["no-new-privileges:true"]);
    expect(JSON.stringify(host.SecurityOpt)).not.toContain("unconfined");
  });
  test("behavior: pids and memory limits, swap equal to memory, no swappiness", () => {
    expect(host.PidsLimit).toBe(1024);
    expect(host.Memory).toBe(4 * 2 ** 30);
    expect(host.MemorySwap).toBe(host.Memory);
    expect(host.MemorySwappiness).toBe(0);
    expect(host.OomKillDisable).toBe(false);
  });
  test("behavior: /dev/shm of ShmSize in a private IPC namespace (torchrun/gloo/NCCL inside the container)", () => {
    expect(host.ShmSize).toBe(1 << 30);
    expect(host.IpcMode).toBe("private");
    expect(host.PidMode).toBe("");
    expect(host.UsernsMode).toBe("");
  });
  test("behavior: writable scratch only as noexec,nosuid,nodev tmpfs of explicit size", () => {
    expect(host.Tmpfs).toEqual({
      "/tmp": `rw,noexec,nosuid,nodev,size=${8 * 2 ** 30},mode=1777`,
      "/run/crusades": `rw,noexec,nosuid,nodev,size=${1 << 20},uid=2002,gid=2002,mode=0711`,
    });
    for (const options of Object.values(host.Tmpfs!)) expect(options).toMatch(/(^|,)noexec,nosuid,nodev,size=\d+/);
  });
  test("behavior: code and inputs mounted read-only, the hand-over read-write, as private binds", () => {
    expect(host.Mounts).toEqual([
      { Type: "bind", Source: "/work/r1/in-candidate", Target: "/crusades/in", ReadOnly: true, BindOptions: { Propagation: "rprivate" } },
      { Type: "bind", Source: "/work/r1/run/candidate", Target: "/crusades/handoff", ReadOnly: false, BindOptions: { Propagation: "rprivate" } },
    ]);
    expect(host.Binds).toEqual([]);
  });
  test("behavior: core dumps off, open files bounded, no locked-memory override by default", () => {
    expect(host.Ulimits).toEqual([
      { Name: "core", Soft: 0, Hard: 0 },
      { Name: "nofile", Soft: 65536, Hard: 65536 },
    ]);
    const gpu = buildContainerSpec({ ...base, nofile: 20000, memlockBytes: -1 }).HostConfig!;
    expect(gpu.Ulimits).toContainEqual({ Name: "nofile", Soft: 20000, Hard: 20000 });
    expect(gpu.Ulimits).toContainEqual({ Name: "memlock", Soft: -1, Hard: -1 });
  });
  test("behavior: no devices and no GPU request on the CPU image", () => {
    expect(host.Devices).toEqual([]);
    expect(host.DeviceRequests).toEqual([]);
  });
  test("behavior: GPUs only by device request", () => {
    const gpu = buildContainerSpec({ ...base, gpus: { kind: "devices", deviceIds: ["0", "3"] } }).HostConfig!;
    expect(gpu.DeviceRequests).toEqual([{ Driver: "nvidia", DeviceIDs: ["0", "3"], Capabilities: [["gpu"]] }]);
    expect(gpu.Devices).toEqual([]);
  });
  test("behavior: the host removes the container itself; no restart; no init (the supervisor is PID 1)", () => {
    expect(host.AutoRemove).toBe(false);
    expect(host.RestartPolicy).toEqual({ Name: "no", MaximumRetryCount: 0 });
    expect(host.Init).toBe(false);
  });
  test("behavior: the daemon's own log copy is capped", () => {
    expect(host.LogConfig).toEqual({ Type: "json-file", Config: { "max-size": "10m", "max-file": "1" } });
  });
  test("behavior: labels find the container again (leftover cleanup)", () => {
    expect(spec.Labels).toMatchObject({ [EVALUATION_LABEL]: "1", [ROLE_LABEL]: "candidate", [RUN_LABEL]: "r1", [OWNER_PID_LABEL]: "4242" });
  });
  test("behavior: the command, no entrypoint, no stdin or tty, the given working directory", () => {
    expect(spec.Cmd).toEqual(base.cmd);
    expect(spec.Entrypoint).toEqual([]);
    expect(spec.Image).toBe(base.image);
    expect(spec.name).toBe(base.name);
    expect([spec.OpenStdin, spec.AttachStdin, spec.Tty]).toEqual([false, false, false]);
    expect(spec.WorkingDir).toBe("/tmp");
  });
  test("behavior: the environment is the fixed base plus allowlisted names only", () => {
    const env = Object.fromEntries(spec.Env!.map((e) => e.split(/=(.*)/s).slice(0, 2) as [string, string]));
    expect(env).toEqual({
      NCCL_SOCKET_IFNAME: "lo", GLOO_SOCKET_IFNAME: "lo", NCCL_IB_DISABLE: "1", HF_HUB_OFFLINE: "1", TRANSFORMERS_OFFLINE: "1",
      HF_DATASETS_OFFLINE: "1", PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1", HOME: "/tmp", OMP_NUM_THREADS: "2",
    });
  });

  test("error: root users are refused (name, uid 0, uid:gid 0)", () => {
    for (const user of ["root", "0", "0:0", "000", "", "root:crusades"]) {
      expect(() => buildContainerSpec({ ...base, user })).toThrow(TypeError);
    }
  });
  test("error: env names outside the allowlist (credentials, host paths) are refused", () => {
    for (const name of ["AWS_SECRET_ACCESS_KEY", "HF_TOKEN", "LD_PRELOAD", "PYTHONPATH", "PATH"]) {
      expect(() => buildContainerSpec({ ...base, env: { [name]: "x" } })).toThrow(/allowlist/);
    }
  });
  test("error: relative or traversing paths, and the runtime socket, are refused", () => {
    expect(() => buildContainerSpec({ ...base, binds: [{ source: "rel", target: "/x", readOnly: true }] })).toThrow(TypeError);
    expect(() => buildContainerSpec({ ...base, binds: [{ source: "/a/../b", target: "/x", readOnly: true }] })).toThrow(TypeError);
    expect(() => buildContainerSpec({ ...base, binds: [{ source: "/var/run/docker.sock", target: "/s", readOnly: true }] })).toThrow(/socket/);
    expect(() => buildContainerSpec({ ...base, tmpfs: [{ target: "tmp", sizeBytes: 1 }] })).toThrow(TypeError);
  });
  test("error: non-positive limits and empty GPU assignments are refused", () => {
    expect(() => buildContainerSpec({ ...base, memoryBytes: 0 })).toThrow(RangeError);
    expect(() => buildContainerSpec({ ...base, pidsLimit: -1 })).toThrow(RangeError);
    expect(() => buildContainerSpec({ ...base, shmSizeBytes: 1.5 })).toThrow(RangeError);
    expect(() => buildContainerSpec({ ...base, tmpfs: [{ target: "/tmp", sizeBytes: 0 }] })).toThrow(RangeError);
    expect(() => buildContainerSpec({ ...base, gpus: { kind: "devices", deviceIds: [] } })).toThrow(RangeError);
    expect(() => buildContainerSpec({ ...base, cmd: [] })).toThrow(TypeError);
  });
});
