/**
 * Finding a GPU in the catalogue by id or alias: exact, case-insensitive, never by substring
 * (compute.md §4.4). Unknown GPUs are an error, never a default peak.
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { GPU_CATALOGUE, type GpuSpec } from "./catalogue.js";

/** The name matches no catalogue id or alias. */
export interface UnknownGpuError {
  readonly type: "unknown_gpu";
  readonly message: string;
  readonly name: string;
}

/** A precision of the catalogue's peak figures. */
export type Precision = "bf16" | "fp16" | "fp32";

const norm = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();

let index: Map<string, GpuSpec> | undefined;
function byName(): Map<string, GpuSpec> {
  if (index) return index;
  index = new Map();
  for (const g of GPU_CATALOGUE) for (const n of [g.id, ...g.aliases]) index.set(norm(n), g);
  return index;
}

/**
 * Looks a GPU up by catalogue id or torch/NVML name (`"NVIDIA A100-SXM4-80GB"`).
 * @returns the entry, or `unknown_gpu`
 * @example findGpu("NVIDIA H100 80GB HBM3").map((g) => g.peakDenseTflops.bf16.tflops) // Ok(989)
 */
export function findGpu(name: string): Result<GpuSpec, UnknownGpuError> {
  const g = byName().get(norm(name));
  return g ? ok(g) : err({ type: "unknown_gpu", message: `unknown GPU ${JSON.stringify(name)}: not in the catalogue`, name });
}

/**
 * The dense peak of a GPU at a precision, in TFLOPS.
 * @example gpuPeakTflops("A100-SXM4-80GB") // Ok(312)
 */
export function gpuPeakTflops(name: string, precision: Precision = "bf16"): Result<number, UnknownGpuError> {
  return findGpu(name).map((g) => g.peakDenseTflops[precision].tflops);
}
