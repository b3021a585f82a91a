/**
 * `computeMfu`: Model FLOPs Utilisation and its bounds (spec crusades.md §G.1, §G.2).
 * @module
 */
import type { MfuHparams } from "../config/index.js";
import { flopsPerToken, type AttentionShape } from "./flops.js";

/** Inputs of {@link computeMfu}. */
export interface ComputeMfuParameters {
  /** `P`, the model's parameter count (`reference.json` `model_params`). */
  readonly modelParams: number;
  /** `B`, rows per batch per data rank. */
  readonly batchSize: number;
  /** `L`, tokens per row. */
  readonly sequenceLength: number;
  /** `n`, timed steps. */
  readonly steps: number;
  /** Data-parallel degree: only data-parallel-unique tokens are credited. @default 1 */
  readonly dpSize?: number;
  /** Physical GPUs, the denominator. */
  readonly numGpus: number;
  /** The timed wall time (§G.4: the supervisor's `timed_wall_seconds`). */
  readonly wallTimeSeconds: number;
  /** Per-GPU dense peak (`hparams.mfu.gpu_peak_tflops`). */
  readonly gpuPeakTflops: number;
  /** Add the attention term to the FLOPs model (not the reference's). @default undefined (6·N·T) */
  readonly attention?: AttentionShape;
  /** The bounds: `hparams.mfu` (`max_plausible_mfu`, `min_mfu`). */
  readonly bounds: Pick<MfuHparams, "max_plausible_mfu" | "min_mfu">;
  /** Whether verification passed; `insufficient_mfu` applies only to verified runs (§G.2). @default true */
  readonly verified?: boolean;
}

/** The MFU figures and the bound outcome. */
export interface MfuResult {
  /** MFU in percent as reported: 0 when `implausible_mfu` (§G.2). */
  readonly mfu: number;
  /** MFU in percent before the implausible rule zeroes it, capped at 100. */
  readonly rawMfu: number;
  /** Tokens per second: `totalUniqueTokens / max(wallTime, 1e-6)`. */
  readonly tps: number;
  /** `B × L × n`: the expected value, never the miner's report. */
  readonly tokensPerRank: number;
  /** `tokensPerRank × dpSize`. */
  readonly totalUniqueTokens: number;
  /** Useful FLOPs: `flopsPerToken × totalUniqueTokens`. */
  readonly modelFlops: number;
  /** `ok`, or the failure code (both failures are fatal, §E.9). */
  readonly outcome: "ok" | "implausible_mfu" | "insufficient_mfu";
}

/**
 * Computes MFU% = min(100, 100 · flopsPerToken · tokens / (peak · 1e12 · numGpus · wallTime)),
 * 0 when the wall time, the peak or the GPU count is not positive; then applies the bounds:
 * above `max_plausible_mfu` is `implausible_mfu` (checked first, verified or not, MFU reported as 0);
 * a verified run below `min_mfu` is `insufficient_mfu` (figures kept).
 * @example
 * import { computeMfu } from "crusades/mfu";
 * computeMfu({ modelParams: 8_404_669_952, batchSize: 16, sequenceLength: 1024, steps: 20, dpSize: 4,
 *   numGpus: 4, wallTimeSeconds: 88, gpuPeakTflops: 312, bounds: { max_plausible_mfu: 85, min_mfu: 50 } }).mfu // ≈ 60.18
 */
export function computeMfu(p: ComputeMfuParameters): MfuResult {
  const { modelParams, batchSize, sequenceLength, steps, numGpus, wallTimeSeconds, gpuPeakTflops, bounds } = p;
  const dpSize = p.dpSize ?? 1;
  const verified = p.verified ?? true;
  const tokensPerRank = batchSize * sequenceLength * steps;
  const totalUniqueTokens = tokensPerRank * dpSize;
  const modelFlops = flopsPerToken(modelParams, p.attention) * totalUniqueTokens;
  const tps = totalUniqueTokens / Math.max(wallTimeSeconds, 1e-6);
  const rawMfu =
    wallTimeSeconds <= 0 || gpuPeakTflops <= 0 || numGpus <= 0
      ? 0
      : Math.min(100, (100 * modelFlops) / (gpuPeakTflops * 1e12 * numGpus * wallTimeSeconds));
  if (rawMfu > bounds.max_plausible_mfu) {
    return { mfu: 0, rawMfu, tps, tokensPerRank, totalUniqueTokens, modelFlops, outcome: "implausible_mfu" };
  }
  const outcome = verified && rawMfu < bounds.min_mfu ? "insufficient_mfu" : "ok";
  return { mfu: rawMfu, rawMfu, tps, tokensPerRank, totalUniqueTokens, modelFlops, outcome };
}
