/**
 * GPU identification from proof-of-GPU measurements with the one catalogue of `src/mfu`
 * (compute.md §10.2 step 5), and the reference's deviation-based `identify_gpu` [COMPAT] (§3.3).
 * @module
 */
import type { Result } from "neverthrow";
import { findGpu, GPU_CATALOGUE, type GpuSpec, type UnknownGpuError } from "../mfu/index.js";
import { POG_MEMORY_TOLERANCE, POG_PROBE_FRACTION, POG_THROUGHPUT_BAND, type PogPrecision } from "./pog-params.js";

/** Calibrated PoG figures of one model: end-to-end throughput of the PoG prover per precision. */
export interface PogFigures {
  readonly tflops: Partial<Readonly<Record<PogPrecision, number>>>;
  /** NVML total memory, when recorded. */
  readonly nvmlMemoryMiB: number | null;
  /** Where the figures come from (date, driver, image digest), or `"reference"`. */
  readonly source: string;
}

/** Per catalogue id; overrides the fallback to the reference's recorded figures. */
export type PogCalibration = Readonly<Record<string, PogFigures>>;

/** Options of {@link identifyPogGpu}. */
export interface IdentifyOptions {
  readonly calibration?: PogCalibration;
  /** Catalogue lookup by NVML name. @default findGpu */
  readonly lookup?: (name: string) => Result<GpuSpec, UnknownGpuError>;
  /** @default POG_THROUGHPUT_BAND (0.15) */
  readonly band?: number;
  /** Use the reference's recorded figures (§3.8) where no calibration exists. @default true */
  readonly referenceFallback?: boolean;
}

/** A GPU's inventory line and what the validator measured. */
export interface MeasuredGpu {
  readonly name: string;
  readonly memoryMiB: number;
  readonly probeMiB: number;
  /** Validator-measured TFLOPS per precision run. */
  readonly tflops: Partial<Readonly<Record<PogPrecision, number>>>;
}

/** The identification of one GPU. */
export interface GpuIdentification {
  readonly status: "identified" | "model_mismatch" | "unknown_gpu" | "uncalibrated_model";
  /** Catalogue id of the claimed model, when the name is catalogued. */
  readonly model: string | null;
  readonly figures: PogFigures | null;
  /** One line per failed check. */
  readonly reasons: readonly string[];
}

/** The figures a model is identified against: calibration, else the reference's (§3.8). */
export function pogFigures(spec: GpuSpec, calibration: PogCalibration = {}, referenceFallback = true): PogFigures | null {
  const calibrated = calibration[spec.id];
  if (calibrated) return calibrated;
  if (!referenceFallback || spec.reference === null) return null;
  const r = spec.reference;
  // The reference measured fp16 and fp32 only; Ampere and later run bf16 at the fp16 rate.
  return { tflops: { fp16: r.fp16Tflops, bf16: r.fp16Tflops, fp32: r.fp32Tflops }, nvmlMemoryMiB: spec.nvmlMemoryMiB, source: "reference" };
}

/**
 * Identifies one GPU: the claimed model is the catalogue entry whose alias equals the NVML name;
 * it counts iff every measured throughput is at least `figure·(1 − band)`, the NVML total matches
 * the model (2 %, or 92-102 % of the marketing size until the catalogue records NVML totals, ECC
 * boards report about 6 % less) and the probe reached 90 % of the NVML total. A faster GPU never
 * counts as a better model: only the claimed name is tested.
 */
export function identifyPogGpu(gpu: MeasuredGpu, options: IdentifyOptions = {}): GpuIdentification {
  const { calibration = {}, lookup = findGpu, band = POG_THROUGHPUT_BAND, referenceFallback = true } = options;
  const spec = lookup(gpu.name);
  if (spec.isErr()) return { status: "unknown_gpu", model: null, figures: null, reasons: [spec.error.message] };
  const figures = pogFigures(spec.value, calibration, referenceFallback);
  if (figures === null) return { status: "uncalibrated_model", model: spec.value.id, figures, reasons: [`${spec.value.id} has no calibrated PoG figures`] };
  const reasons: string[] = [];
  let measuredAny = false;
  for (const [precision, measured] of Object.entries(gpu.tflops) as [PogPrecision, number][]) {
    const expected = figures.tflops[precision];
    if (expected === undefined) {
      reasons.push(`${precision} has no calibrated figure for ${spec.value.id}`);
      continue;
    }
    measuredAny = true;
    const floor = expected * (1 - band);
    if (!(measured >= floor)) reasons.push(`${precision} throughput ${fmt(measured)} TFLOPS is below ${fmt(floor)} (${fmt(expected)} − ${band * 100} %)`);
  }
  if (!measuredAny) reasons.push("no throughput was measured");
  const expectedMiB = figures.nvmlMemoryMiB ?? spec.value.nvmlMemoryMiB;
  if (expectedMiB !== null) {
    if (Math.abs(gpu.memoryMiB - expectedMiB) > POG_MEMORY_TOLERANCE * expectedMiB) reasons.push(`NVML memory ${gpu.memoryMiB} MiB is not within 2 % of ${expectedMiB} MiB`);
  } else {
    const nominal = spec.value.memoryGB * 1024;
    if (gpu.memoryMiB < 0.92 * nominal || gpu.memoryMiB > 1.02 * nominal) reasons.push(`NVML memory ${gpu.memoryMiB} MiB does not fit a ${spec.value.memoryGB} GB board`);
  }
  if (!(gpu.probeMiB >= POG_PROBE_FRACTION * gpu.memoryMiB)) reasons.push(`the memory probe reached ${gpu.probeMiB} MiB, under 90 % of ${gpu.memoryMiB} MiB`);
  return { status: reasons.length === 0 ? "identified" : "model_mismatch", model: spec.value.id, figures, reasons };
}

const fmt = (x: number) => (Math.abs(x) >= 1 ? x.toFixed(1) : x.toPrecision(3));

/** The reference's tolerance pairs (§3.3), as catalogue ids; a pair with an uncatalogued model is dropped. */
export const REFERENCE_TOLERANCE_PAIRS: readonly (readonly [string, string])[] = Object.freeze([
  ["L40", "RTX 6000 Ada Generation"],
  ["A100 80GB PCIe", "A100-SXM4-80GB"],
  ["H100 80GB HBM3", "H100"],
  ["A40", "RTX A6000"],
] as const);

/**
 * The reference's `identify_gpu` [COMPAT] (§3.3) over the catalogue's reference figures: the
 * model minimising the mean relative deviation of fp16, fp32 and probed vram; a reported name
 * that forms a tolerance pair with it wins. Returns a catalogue id. (The reference table's RTX
 * 5090 and RTX 4000 Ada are not catalogued, so they are never chosen.)
 */
export function identifyGpuReference(fp16Tflops: number, fp32Tflops: number, vramGB: number, reportedName: string): string {
  let best: GpuSpec | undefined;
  let bestDev = Infinity;
  for (const g of GPU_CATALOGUE) {
    const r = g.reference;
    if (r === null) continue;
    const dev = (Math.abs(fp16Tflops - r.fp16Tflops) / r.fp16Tflops + Math.abs(fp32Tflops - r.fp32Tflops) / r.fp32Tflops + Math.abs(vramGB - r.avramGB) / r.avramGB) / 3;
    if (dev < bestDev) {
      bestDev = dev;
      best = g;
    }
  }
  if (best === undefined) throw new Error("the catalogue has no reference figures");
  const reported = findGpu(reportedName);
  if (reported.isOk()) {
    const pair = REFERENCE_TOLERANCE_PAIRS.some(([a, b]) => (a === best.id && b === reported.value.id) || (b === best.id && a === reported.value.id));
    if (pair) return reported.value.id;
  }
  return best.id;
}
