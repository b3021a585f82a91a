/** Hardware spec collection (compute.md §2.3): total parsers, this host, signed reports. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  collectSpecs, parseCpuinfo, parseCpuMax, parseCpuset, parseMeminfo, parseMemoryMax, parseNvidiaProcInformation, parseNvidiaSmi, signSpecsReport, verifySpecsReport,
} from "../../src/compute/index.js";
import { signer } from "./helpers.js";

// One line per GPU as `nvidia-smi --query-gpu=... --format=csv,noheader,nounits` prints it on real hosts.
const SMI = "0, GPU-5b6b5ff0-5e8e-1b5c-3a5c-2b1f5e5f6c00, NVIDIA H100 80GB HBM3, 81559, 00000000:18:00.0, 550.54.15, 9.0, 700.00\n1, GPU-1c2d3e4f-0000-1111-2222-333344445555, NVIDIA GeForce RTX 4090, 24564, 00000000:01:00.0, 550.54.15, 8.9, [N/A]\n";

describe("parsers", () => {
  it("behavior: nvidia-smi CSV, with [N/A] as null", () => {
    const gpus = parseNvidiaSmi(SMI)._unsafeUnwrap();
    expect(gpus[0]).toEqual({ index: 0, uuid: "GPU-5b6b5ff0-5e8e-1b5c-3a5c-2b1f5e5f6c00", name: "NVIDIA H100 80GB HBM3", memoryMiB: 81559, pciBusId: "00000000:18:00.0", driverVersion: "550.54.15", computeCapability: "9.0", powerLimitW: 700 });
    expect(gpus[1]?.powerLimitW).toBeNull();
    expect(parseNvidiaSmi("")._unsafeUnwrap()).toEqual([]);
  });

  it("error: malformed command output is an Err, never a throw", () => {
    for (const bad of ["garbage", "0, a, b", "x, GPU-1, NVIDIA A40, 46068, 0:0, 1, 8.6, 300"]) expect(parseNvidiaSmi(bad)._unsafeUnwrapErr().type).toBe("specs_parse_failed");
  });

  it("behavior: /proc and cgroup files", () => {
    expect(parseNvidiaProcInformation("Model: \t\t NVIDIA A100-SXM4-80GB\nIRQ: 1\nGPU UUID: \t GPU-abc\nBus Location: \t 0000:07:00.0\n", 0)).toMatchObject({ name: "NVIDIA A100-SXM4-80GB", uuid: "GPU-abc", pciBusId: "0000:07:00.0", memoryMiB: null });
    expect(parseCpuinfo("processor: 0\nmodel name\t: AMD EPYC 7742\nphysical id\t: 0\ncore id\t: 0\n\nprocessor: 1\nphysical id\t: 0\ncore id\t: 0\n\nprocessor: 2\nphysical id\t: 0\ncore id\t: 1\n")).toEqual({ model: "AMD EPYC 7742", physicalCores: 2 });
    expect(parseMeminfo("MemTotal:       1024 kB\nMemFree:  10 kB\nMemAvailable:    512 kB\n")).toEqual({ totalBytes: 1048576, availableBytes: 524288 });
    expect([parseCpuMax("max 100000"), parseCpuMax("250000 100000\n"), parseCpuMax("junk")]).toEqual([null, 2.5, null]);
    expect([parseCpuset("0-3,8,10-11\n"), parseCpuset("a-b")]).toEqual([[0, 1, 2, 3, 8, 10, 11], null]);
    expect([parseMemoryMax("max\n"), parseMemoryMax("4294967296\n")]).toEqual([null, 4294967296]);
  });
});

describe("collectSpecs", () => {
  it("behavior: this host, without nvidia-smi", async () => {
    const specs = (await collectSpecs({ dataDir: tmpdir(), runCommand: async () => ({ code: null, stdout: "" }), procRoot: "/proc" }))._unsafeUnwrap();
    expect(specs.cpu.logicalCores).toBeGreaterThan(0);
    expect(specs.memory.totalBytes).toBeGreaterThan(0);
    expect(specs.disk.totalBytes).toBeGreaterThan(0);
    expect(specs.version).toBe(1);
  });

  it("behavior: a container's limits and nvidia-smi's GPUs, from fixture trees", async () => {
    const root = mkdtempSync(join(tmpdir(), "crusades-specs-"));
    try {
      mkdirSync(join(root, "proc"));
      mkdirSync(join(root, "cg"));
      writeFileSync(join(root, "proc", "meminfo"), "MemTotal: 2048 kB\nMemAvailable: 1024 kB\n");
      writeFileSync(join(root, "cg", "cpu.max"), "400000 100000\n");
      writeFileSync(join(root, "cg", "cpuset.cpus.effective"), "0-3\n");
      writeFileSync(join(root, "cg", "memory.max"), "1073741824\n");
      const specs = (await collectSpecs({ dataDir: root, procRoot: join(root, "proc"), cgroupRoot: join(root, "cg"), runCommand: async () => ({ code: 0, stdout: SMI }) }))._unsafeUnwrap();
      expect(specs.cpu).toMatchObject({ quotaCores: 4, allowed: [0, 1, 2, 3] });
      expect(specs.memory).toEqual({ totalBytes: 2097152, availableBytes: 1048576, limitBytes: 1073741824 });
      expect([specs.gpuSource, specs.gpus.length]).toEqual(["nvidia-smi", 2]);
      expect((await collectSpecs({ dataDir: root, procRoot: join(root, "proc"), runCommand: async () => ({ code: 9, stdout: "" }) }))._unsafeUnwrapErr()).toMatchObject({ type: "specs_read_failed", source: "nvidia-smi" });
      expect((await collectSpecs({ dataDir: join(root, "missing"), procRoot: join(root, "proc"), runCommand: async () => ({ code: null, stdout: "" }) }))._unsafeUnwrapErr().type).toBe("specs_read_failed");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("behavior: a signed report verifies; a changed field, another signer or an old report does not", async () => {
    const miner = await signer("//Bob");
    const specs = (await collectSpecs({ dataDir: tmpdir(), runCommand: async () => ({ code: null, stdout: "" }) }))._unsafeUnwrap();
    const report = signSpecsReport(specs, miner, 1_000_000);
    expect((await verifySpecsReport(report, { nowMs: 1_000_500, expectedSigner: miner.address })).isOk()).toBe(true);
    const forged = { ...report, specs: { ...specs, gpus: [{ index: 0, uuid: "GPU-x", name: "NVIDIA H200", memoryMiB: 143771, pciBusId: "", driverVersion: null, computeCapability: null, powerLimitW: null }] } };
    expect((await verifySpecsReport(forged, { nowMs: 1_000_500 }))._unsafeUnwrapErr().reason).toBe("bad_signature");
    expect((await verifySpecsReport(report, { nowMs: 1_000_500, expectedSigner: (await signer("//Alice")).address }))._unsafeUnwrapErr().reason).toBe("wrong_signer");
    expect((await verifySpecsReport(report, { nowMs: 2_000_000 }))._unsafeUnwrapErr().reason).toBe("stale_timestamp");
  });
});
