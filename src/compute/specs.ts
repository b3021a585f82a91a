/**
 * Hardware spec collection (compute.md §2.3): what the process can actually use, on a bare host
 * or in a container (cgroup v2 limits), GPUs from one nvidia-smi call or, without it, the
 * driver's /proc files. No speed micro-benchmarks: throughput comes from proof-of-GPU. A report
 * is a claim, signed by the miner's hotkey, used for matching and display, never for scoring.
 * @module
 */
import { execFile } from "node:child_process";
import { readdir, readFile, statfs } from "node:fs/promises";
import { arch, cpus, release } from "node:os";
import { join } from "node:path";
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import { canonicalJson } from "./json.js";
import { type AuthError, cryptoReady, type HotkeySigner, isSs58, MAX_SKEW_MS, verifySignature } from "./signing.js";
import { type GpuFacts, NVIDIA_SMI_QUERY, parseCpuinfo, parseCpuMax, parseCpuset, parseMeminfo, parseMemoryMax, parseNvidiaProcInformation, parseNvidiaSmi, parseOsRelease, type SpecsParseError } from "./specs-parse.js";

/** Schema version of {@link HardwareSpecs}. */
export const SPECS_SCHEMA_VERSION = 1;

/** A host's hardware facts. */
export interface HardwareSpecs {
  readonly version: 1;
  readonly collectedAtMs: number;
  readonly cpu: { readonly model: string | null; readonly logicalCores: number; readonly physicalCores: number | null; readonly quotaCores: number | null; readonly allowed: readonly number[] | null };
  readonly memory: { readonly totalBytes: number; readonly availableBytes: number; readonly limitBytes: number | null };
  readonly disk: { readonly path: string; readonly totalBytes: number; readonly freeBytes: number };
  readonly gpus: readonly GpuFacts[];
  readonly gpuSource: "nvidia-smi" | "proc" | "none";
  readonly os: { readonly kernel: string; readonly distribution: string | null; readonly arch: string };
}

/** A source could not be read. */
export interface SpecsReadError {
  readonly type: "specs_read_failed";
  readonly message: string;
  readonly source: string;
}

/** Errors of {@link collectSpecs}. */
export type SpecsError = SpecsReadError | SpecsParseError;

/** Runs a command; `code` is `null` when the program does not exist. */
export type RunCommand = (file: string, args: readonly string[]) => Promise<{ readonly code: number | null; readonly stdout: string }>;

/** Options of {@link collectSpecs}; the roots exist so that tests can point at fixture trees. */
export interface CollectSpecsOptions {
  /** Directory whose filesystem is reported. @default process.cwd() */
  readonly dataDir?: string;
  /** @default "/proc" */
  readonly procRoot?: string;
  /** @default "/sys/fs/cgroup" */
  readonly cgroupRoot?: string;
  /** @default "/etc" */
  readonly etcRoot?: string;
  /** @default execFile with a 20 s timeout */
  readonly runCommand?: RunCommand;
  readonly now?: () => number;
}

const defaultRun: RunCommand = (file, args) =>
  new Promise((resolve) => {
    execFile(file, [...args], { timeout: 20_000, maxBuffer: 1 << 20 }, (error, stdout) => {
      const code = error ? ((error as NodeJS.ErrnoException).code === "ENOENT" ? null : typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout) });
    });
  });

const optional = (path: string) => readFile(path, "utf8").catch(() => null);

async function collectGpus(procRoot: string, run: RunCommand): Promise<{ gpus: GpuFacts[]; source: HardwareSpecs["gpuSource"] } | SpecsError> {
  const smi = await run("nvidia-smi", [`--query-gpu=${NVIDIA_SMI_QUERY}`, "--format=csv,noheader,nounits"]);
  if (smi.code === 0) {
    const parsed = parseNvidiaSmi(smi.stdout);
    return parsed.isOk() ? { gpus: parsed.value, source: "nvidia-smi" } : parsed.error;
  }
  if (smi.code !== null) return { type: "specs_read_failed", message: `nvidia-smi exited with ${smi.code}`, source: "nvidia-smi" };
  const dir = join(procRoot, "driver", "nvidia", "gpus");
  const buses = await readdir(dir).catch(() => null);
  if (buses === null) return { gpus: [], source: "none" };
  const gpus: GpuFacts[] = [];
  for (const bus of buses.sort()) {
    const text = await optional(join(dir, bus, "information"));
    const facts = text === null ? null : parseNvidiaProcInformation(text, gpus.length);
    if (facts) gpus.push(facts);
  }
  return { gpus, source: "proc" };
}

/**
 * Collects the host's (or container's) hardware facts.
 * @example const specs = await collectSpecs({ dataDir: "/var/lib/crusades" })
 */
export function collectSpecs(options: CollectSpecsOptions = {}): ResultAsync<HardwareSpecs, SpecsError> {
  const { dataDir = process.cwd(), procRoot = "/proc", cgroupRoot = "/sys/fs/cgroup", etcRoot = "/etc", runCommand = defaultRun, now = Date.now } = options;
  const work = async (): Promise<HardwareSpecs | SpecsError> => {
    const meminfo = parseMeminfo((await optional(join(procRoot, "meminfo"))) ?? "");
    if (meminfo === null) return { type: "specs_parse_failed", message: "meminfo has no MemTotal/MemAvailable", source: join(procRoot, "meminfo") };
    const cpuinfo = parseCpuinfo((await optional(join(procRoot, "cpuinfo"))) ?? "");
    const cpuMax = await optional(join(cgroupRoot, "cpu.max"));
    const cpuset = await optional(join(cgroupRoot, "cpuset.cpus.effective"));
    const memMax = await optional(join(cgroupRoot, "memory.max"));
    let disk: { bsize: number; blocks: number; bavail: number };
    try {
      disk = await statfs(dataDir);
    } catch (e) {
      return { type: "specs_read_failed", message: `cannot statfs the data directory: ${(e as NodeJS.ErrnoException).code ?? "error"}`, source: dataDir };
    }
    const gpus = await collectGpus(procRoot, runCommand);
    if ("type" in gpus) return gpus;
    return {
      version: 1,
      collectedAtMs: now(),
      cpu: { model: cpuinfo.model ?? cpus()[0]?.model ?? null, logicalCores: cpus().length, physicalCores: cpuinfo.physicalCores, quotaCores: cpuMax === null ? null : parseCpuMax(cpuMax), allowed: cpuset === null ? null : parseCpuset(cpuset) },
      memory: { ...meminfo, limitBytes: memMax === null ? null : parseMemoryMax(memMax) },
      disk: { path: dataDir, totalBytes: disk.blocks * disk.bsize, freeBytes: disk.bavail * disk.bsize },
      gpus: gpus.gpus,
      gpuSource: gpus.source,
      os: { kernel: release(), distribution: parseOsRelease((await optional(join(etcRoot, "os-release"))) ?? ""), arch: arch() },
    };
  };
  return ResultAsync.fromSafePromise(work()).andThen((r) => ("type" in r ? errAsync(r) : okAsync(r)));
}

/** A specs claim signed by the reporting hotkey. */
export interface SignedSpecsReport {
  readonly version: 1;
  readonly type: "specs.report";
  readonly signer: string;
  readonly timestampMs: number;
  readonly specs: HardwareSpecs;
  /** `0x` + hex sr25519 signature over {@link specsReportMessage}. */
  readonly signature: string;
}

/** `crusades-compute-specs-v1 ‖ signer ‖ timestamp ‖ canonical JSON of the specs`, joined by `\n`. */
export function specsReportMessage(signer: string, timestampMs: number, specs: HardwareSpecs): Uint8Array {
  return new TextEncoder().encode(["crusades-compute-specs-v1", signer, String(timestampMs), canonicalJson(specs)].join("\n"));
}

/** Signs a specs report with the miner's hotkey. */
export function signSpecsReport(specs: HardwareSpecs, signer: HotkeySigner, timestampMs: number = Date.now()): SignedSpecsReport {
  const signature = `0x${Buffer.from(signer.sign(specsReportMessage(signer.address, timestampMs, specs))).toString("hex")}`;
  return { version: 1, type: "specs.report", signer: signer.address, timestampMs, specs, signature };
}

/**
 * Verifies a signed specs report: signer (when expected), age and signature over the full content.
 * @returns the specs claim
 */
export function verifySpecsReport(report: SignedSpecsReport, context: { readonly expectedSigner?: string; readonly nowMs?: number; readonly maxAgeMs?: number } = {}): ResultAsync<HardwareSpecs, AuthError> {
  const { nowMs = Date.now(), maxAgeMs = MAX_SKEW_MS, expectedSigner } = context;
  return ResultAsync.fromSafePromise(cryptoReady()).andThen(() => {
    if (!isSs58(report.signer)) return errAsync<HardwareSpecs, AuthError>({ type: "auth_failed", reason: "malformed_header", message: "the report's signer is not an SS58 address" });
    if (expectedSigner !== undefined && report.signer !== expectedSigner) return errAsync<HardwareSpecs, AuthError>({ type: "auth_failed", reason: "wrong_signer", message: `the report is signed by ${report.signer}` });
    if (Math.abs(nowMs - report.timestampMs) > maxAgeMs) return errAsync<HardwareSpecs, AuthError>({ type: "auth_failed", reason: "stale_timestamp", message: "the report is too old or from the future" });
    let message: Uint8Array;
    try {
      message = specsReportMessage(report.signer, report.timestampMs, report.specs);
    } catch {
      return errAsync<HardwareSpecs, AuthError>({ type: "auth_failed", reason: "bad_signature", message: "the report's specs are not plain JSON data" });
    }
    if (!verifySignature(message, report.signature, report.signer)) return errAsync<HardwareSpecs, AuthError>({ type: "auth_failed", reason: "bad_signature", message: "the report's signature does not verify" });
    return okAsync(report.specs);
  });
}
