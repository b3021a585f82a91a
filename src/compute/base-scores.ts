/**
 * Default base scores of the compute score (compute.md §4.3, `compute.scoring.baseScores`): the
 * reference's December 16, 2024 table, keyed by the ids of the one GPU catalogue (`src/mfu`).
 * Models absent here (A100-SXM4-40GB, B200) score 0 as `unscored_model`.
 * @module
 */

/** Base score per catalogue id. */
export type BaseScoreTable = Readonly<Record<string, number>>;

/** The default table; its maximum (H200, 4.00) sets the divisor `8·maxBase = 32`. */
export const DEFAULT_BASE_SCORES: BaseScoreTable = /* @__PURE__ */ Object.freeze({
  H200: 4.0,
  "H100 80GB HBM3": 3.3,
  H100: 2.8,
  "A100-SXM4-80GB": 1.9,
  "A100 80GB PCIe": 1.65,
  L40s: 1.1,
  L40: 1.0,
  "RTX 6000 Ada Generation": 0.9,
  "RTX A6000": 0.78,
  "RTX 4090": 0.68,
  "GeForce RTX 3090": 0.43,
  L4: 0.43,
  A40: 0.39,
  "RTX A5000": 0.36,
  "RTX A4500": 0.34,
});

/**
 * The reference's released tables [COMPAT] (compute.md §3.8), keyed by the reference's names,
 * for {@link calcScorePogReference}.
 */
export const REFERENCE_GPU_SCORES: Readonly<Record<"v1.8.3" | "v1.9.0", BaseScoreTable>> = /* @__PURE__ */ Object.freeze({
  "v1.8.3": Object.freeze({ "NVIDIA H200": 4.0, "NVIDIA H100 80GB HBM3": 3.3, "NVIDIA H100": 2.8, "NVIDIA A100-SXM4-80GB": 1.9, "NVIDIA A100 80GB PCIe": 0, "NVIDIA A100-SXM4-40GB": 0, "NVIDIA L40s": 0, "NVIDIA L40": 0, "NVIDIA RTX 6000 Ada Generation": 0, "NVIDIA RTX A6000": 0, "NVIDIA RTX 4090": 0, "NVIDIA A40": 0, "NVIDIA GeForce RTX 3090": 0, "NVIDIA L4": 0, "NVIDIA RTX A5000": 0, "NVIDIA RTX A4500": 0 }),
  "v1.9.0": Object.freeze({ "NVIDIA B200": 5.0, "NVIDIA H200": 4.0, "NVIDIA H100 80GB HBM3": 3.3, "NVIDIA H100": 2.8, "NVIDIA A100-SXM4-80GB": 1.9, "NVIDIA A100 80GB PCIe": 1.7, "NVIDIA A100-SXM4-40GB": 1.3, "NVIDIA GeForce RTX 5090": 0.92, "NVIDIA L40s": 0.9, "NVIDIA L40": 1.0, "NVIDIA RTX 6000 Ada Generation": 0.83, "NVIDIA RTX A6000": 0.75, "NVIDIA RTX 4090": 0.68, "NVIDIA A40": 0, "NVIDIA GeForce RTX 3090": 0, "NVIDIA L4": 0, "NVIDIA RTX A5000": 0.26, "NVIDIA RTX A4500": 0 }),
});

/**
 * The reference's `calc_score_pog` [COMPAT] (§4.1): `gpu_scores[name]·min(n, 8)/(8·max)`, in 0…1;
 * a missing or zero entry scores 0.
 */
export function calcScorePogReference(gpuName: string, numGpus: number, table: BaseScoreTable): number {
  const base = table[gpuName] ?? 0;
  const max = Math.max(...Object.values(table));
  if (!(max > 0) || !(base > 0)) return 0;
  return (base * Math.min(Math.max(numGpus, 0), 8) * 100) / (8 * max) / 100;
}
