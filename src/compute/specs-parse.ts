/**
 * Total parsers of the files and command output hardware specs come from (compute.md §2.3):
 * malformed input is `null` or an `Err`, never a throw.
 * @module
 */
import { err, ok, type Result } from "neverthrow";

/** One GPU as NVML (nvidia-smi) or the driver's /proc file reports it. */
export interface GpuFacts {
  readonly index: number;
  readonly uuid: string;
  readonly name: string;
  /** `null` when the source does not say (the /proc fallback). */
  readonly memoryMiB: number | null;
  readonly pciBusId: string;
  readonly driverVersion: string | null;
  readonly computeCapability: string | null;
  readonly powerLimitW: number | null;
}

/** The query of {@link parseNvidiaSmi}'s input, in column order. */
export const NVIDIA_SMI_QUERY = "index,uuid,name,memory.total,pci.bus_id,driver_version,compute_cap,power.limit";

/** Output that does not have the expected shape. */
export interface SpecsParseError {
  readonly type: "specs_parse_failed";
  readonly message: string;
  readonly source: string;
}

const na = (v: string) => v === "" || /^\[?N\/A\]?$/i.test(v) || /^\[Not Supported\]$/i.test(v);

/** Parses `nvidia-smi --query-gpu=<NVIDIA_SMI_QUERY> --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(text: string): Result<GpuFacts[], SpecsParseError> {
  const gpus: GpuFacts[] = [];
  for (const [k, line] of text.split("\n").map((l) => l.trim()).filter(Boolean).entries()) {
    const f = line.split(",").map((x) => x.trim());
    if (f.length !== 8) return err({ type: "specs_parse_failed", message: `nvidia-smi line ${k + 1} has ${f.length} fields, expected 8`, source: "nvidia-smi" });
    const [index, uuid, name, mem, bus, driver, cc, power] = f as [string, string, string, string, string, string, string, string];
    if (!/^[0-9]+$/.test(index) || !/^[0-9]+$/.test(mem) || name === "") return err({ type: "specs_parse_failed", message: `nvidia-smi line ${k + 1} is malformed`, source: "nvidia-smi" });
    const powerW = Number(power);
    gpus.push({
      index: Number(index), uuid, name, memoryMiB: Number(mem), pciBusId: bus,
      driverVersion: na(driver) ? null : driver, computeCapability: na(cc) ? null : cc,
      powerLimitW: na(power) || !Number.isFinite(powerW) ? null : powerW,
    });
  }
  return ok(gpus);
}

/** Parses `/proc/driver/nvidia/gpus/<bus>/information` (the fallback without nvidia-smi). */
export function parseNvidiaProcInformation(text: string, index: number): GpuFacts | null {
  const field = (key: string) => new RegExp(`^${key}:\\s*(.+)$`, "m").exec(text)?.[1]?.trim();
  const name = field("Model");
  const bus = field("Bus Location");
  if (!name || !bus) return null;
  return { index, uuid: field("GPU UUID") ?? "", name, memoryMiB: null, pciBusId: bus, driverVersion: null, computeCapability: null, powerLimitW: null };
}

/** CPU model name and physical core count from /proc/cpuinfo. */
export function parseCpuinfo(text: string): { model: string | null; physicalCores: number | null } {
  const model = /^model name\s*:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? null;
  const cores = new Set<string>();
  let physical = "0";
  for (const line of text.split("\n")) {
    const [key, value] = line.split(":").map((s) => s.trim());
    if (key === "physical id" && value !== undefined) physical = value;
    if (key === "core id" && value !== undefined) cores.add(`${physical}:${value}`);
  }
  return { model, physicalCores: cores.size > 0 ? cores.size : null };
}

/** `MemTotal` and `MemAvailable` of /proc/meminfo, in bytes. */
export function parseMeminfo(text: string): { totalBytes: number; availableBytes: number } | null {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s*([0-9]+) kB$`, "m").exec(text);
    return m ? Number(m[1]) * 1024 : null;
  };
  const total = kb("MemTotal");
  const available = kb("MemAvailable") ?? kb("MemFree");
  return total === null || available === null ? null : { totalBytes: total, availableBytes: available };
}

/** cgroup v2 `cpu.max` (`"max 100000"` or `"200000 100000"`) as cores; `null` for no limit or bad input. */
export function parseCpuMax(text: string): number | null {
  const m = /^(max|[0-9]+)\s+([0-9]+)\s*$/.exec(text.trim());
  if (!m || m[1] === "max" || Number(m[2]) === 0) return null;
  return Number(m[1]) / Number(m[2]);
}

/** A cpuset list (`"0-3,8,10-11"`) as CPU ids; `null` on bad input. */
export function parseCpuset(text: string): number[] | null {
  const out: number[] = [];
  const t = text.trim();
  if (t === "") return [];
  for (const part of t.split(",")) {
    const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(part);
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 65536) return null;
    for (let c = lo; c <= hi; c++) out.push(c);
  }
  return out;
}

/** cgroup v2 `memory.max` in bytes; `null` for `max` or bad input. */
export function parseMemoryMax(text: string): number | null {
  const t = text.trim();
  return /^[0-9]+$/.test(t) ? Number(t) : null;
}

/** `PRETTY_NAME` of /etc/os-release. */
export function parseOsRelease(text: string): string | null {
  const m = /^PRETTY_NAME=(.*)$/m.exec(text);
  return m?.[1] ? m[1].replace(/^"(.*)"$/, "$1") : null;
}
