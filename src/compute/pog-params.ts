/**
 * Proof-of-GPU constants and workload sizing (compute.md §10.2). These numbers cross the
 * Python/TypeScript boundary: `environments/compute/prover.py` holds the same values.
 * @module
 */

/** Domain tag of a leaf hash. */
export const POG_LEAF_DOMAIN = "crusades-pog-v1";
/** Domain tag of an inner Merkle node. */
export const POG_NODE_DOMAIN = "crusades-pog-v1-node";
/** Version of the PoG JSON messages. */
export const POG_MESSAGE_VERSION = 1;

/** A precision the prover multiplies in. Inputs are exact in all three; accumulation is fp32. */
export type PogPrecision = "fp16" | "bf16" | "fp32";

/** The floating-point format of a precision: mantissa bits, least normal exponent, element bytes. */
export interface PrecisionFormat {
  readonly mantissaBits: number;
  readonly minNormalExponent: number;
  readonly bytes: 2 | 4;
  /** τ of §10.2: the absolute allowance is `τ·√n·s_j·2^(−e)`. */
  readonly tau: number;
}

/**
 * Formats. τ for fp16/bf16 is the spec's initial 2^-12; for fp32 (no TF32) 2^-14 sits between
 * the honest fp32 accumulation error and TF32's input rounding (2^-11). Both await calibration
 * on every catalogue GPU (§10.2 step 4).
 */
export const PRECISION_FORMATS: Readonly<Record<PogPrecision, PrecisionFormat>> = /* @__PURE__ */ Object.freeze({
  fp16: Object.freeze({ mantissaBits: 10, minNormalExponent: -14, bytes: 2, tau: 2 ** -12 }),
  bf16: Object.freeze({ mantissaBits: 7, minNormalExponent: -126, bytes: 2, tau: 2 ** -12 }),
  fp32: Object.freeze({ mantissaBits: 23, minNormalExponent: -126, bytes: 4, tau: 2 ** -14 }),
});

/** Every precision, in the order a default run measures them. */
export const POG_PRECISIONS: readonly PogPrecision[] = Object.freeze(["fp16", "bf16", "fp32"]);

/** Openings per GPU and precision (`q`; a prover that computed a fraction p of rows passes with p^q). */
export const POG_OPENINGS = 8;
/** Target duration of one precision's run on the claimed model, in seconds (`pog.targetSeconds`). */
export const POG_TARGET_SECONDS = 30;
/** Deadline for the openings, in seconds (`pog.openDeadlineSeconds`). */
export const POG_OPEN_DEADLINE_SECONDS = 20;
/** Throughput band below the calibrated figure that still identifies the model (`band`). */
export const POG_THROUGHPUT_BAND = 0.15;
/** NVML memory tolerance against the catalogue (2 %). */
export const POG_MEMORY_TOLERANCE = 0.02;
/** The memory probe must reach this fraction of the NVML total. */
export const POG_PROBE_FRACTION = 0.9;
/** Largest step count a challenge may ask for. */
export const POG_MAX_STEPS = 100_000;

/**
 * Matrix size from the GPU memory (§10.2 parameters): 16384 for GPUs with at least 40 GB,
 * 8192 below.
 * @param memoryMiB the smallest NVML total among the offered GPUs
 */
export function pogMatrixSize(memoryMiB: number): number {
  if (!Number.isFinite(memoryMiB) || memoryMiB < 0) throw new RangeError(`memoryMiB must be >= 0, got ${memoryMiB}`);
  return memoryMiB * 2 ** 20 >= 40e9 ? 16384 : 8192;
}

/**
 * Step count `T` so that the run takes `targetSeconds` at `tflops` (§10.2): `T·2n³ / θ = target`,
 * at least 2 (so that every run has a chained step), at most {@link POG_MAX_STEPS}.
 */
export function pogStepCount(n: number, tflops: number, targetSeconds: number = POG_TARGET_SECONDS): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (!(tflops > 0) || !(targetSeconds > 0)) throw new RangeError("tflops and targetSeconds must be > 0");
  const steps = Math.round((targetSeconds * tflops * 1e12) / (2 * n ** 3));
  return Math.min(POG_MAX_STEPS, Math.max(2, steps));
}

/** FLOPs of one precision's run on one GPU: `T·2n³`. */
export function pogFlops(n: number, steps: number): number {
  return steps * 2 * n ** 3;
}
