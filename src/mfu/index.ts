/**
 * `crusades/mfu`: the GPU catalogue, the FLOPs model and MFU with its bounds (spec crusades.md §G,
 * compute.md §4.4).
 * @module
 */
export { GPU_CATALOGUE } from "./catalogue.js";
export type { GpuSpec, PeakFigure, ReferencePerformance } from "./catalogue.js";
export { findGpu, gpuPeakTflops } from "./lookup.js";
export type { Precision, UnknownGpuError } from "./lookup.js";
export { flopsPerToken } from "./flops.js";
export type { AttentionShape } from "./flops.js";
export { computeMfu } from "./compute-mfu.js";
export type { ComputeMfuParameters, MfuResult } from "./compute-mfu.js";
