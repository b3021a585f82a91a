/**
 * The GPU catalogue (spec compute.md §4.4): one table for the MFU calculator's peak FLOPs and,
 * later, the compute module's base scores. Peaks are **dense** (no 2:4 sparsity); bf16/fp16 are
 * tensor-core figures with fp32 accumulation; fp32 is the non-tensor figure. Datasheets quote the
 * sparse figure ("with sparsity"); the dense value is half of it. Every number cites its source.
 * @module
 */

/** One peak figure and where it comes from. */
export interface PeakFigure {
  /** Dense peak in TFLOPS. */
  readonly tflops: number;
  /** Datasheet or whitepaper, with the table or line the figure is read from. */
  readonly source: string;
  /** `true` until confirmed against the vendor datasheet (compute.md §4.4 "(p)"). */
  readonly provisional: boolean;
}

/** The reference compute subnet's `gpu_performance` entry (compute.md §3.8) [COMPAT]. */
export interface ReferencePerformance {
  readonly fp16Tflops: number;
  readonly fp32Tflops: number;
  readonly avramGB: number;
}

/** One GPU model. */
export interface GpuSpec {
  /** Canonical id (compute.md §4.3/§4.4). */
  readonly id: string;
  /** Exact torch/NVML names (and common names), matched case-insensitively and exactly. */
  readonly aliases: readonly string[];
  /** Marketing memory size in GB. */
  readonly memoryGB: number;
  /** Total memory NVML reports, when measured; `null` until then. */
  readonly nvmlMemoryMiB: number | null;
  readonly peakDenseTflops: { readonly bf16: PeakFigure; readonly fp16: PeakFigure; readonly fp32: PeakFigure };
  /** The reference compute subnet's figures, when it lists the model. */
  readonly reference: ReferencePerformance | null;
}

const A100 = "NVIDIA A100 Tensor Core GPU datasheet (nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf), specifications table";
const A100_URL = "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf";
const H100 = "NVIDIA H100 Tensor Core GPU datasheet, https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet, specifications table";
const H200 = "NVIDIA H200 product page, https://www.nvidia.com/en-us/data-center/h200/, specifications table (H200 SXM)";
const ADA = "NVIDIA Ada GPU architecture whitepaper, https://images.nvidia.com/aem-dam/Solutions/geforce/ada/nvidia-ada-gpu-architecture.pdf, Appendix A (GeForce RTX 4090)";
const GA102 = "NVIDIA Ampere GA102 GPU architecture whitepaper, https://www.nvidia.com/content/PDF/nvidia-ampere-ga-102-gpu-architecture-whitepaper-v2.pdf, Appendix A (GeForce RTX 3090)";

function peak(tflops: number, source: string, provisional = false): PeakFigure {
  return Object.freeze({ tflops, source, provisional });
}

function same16(tflops: number, source: string, fp32: PeakFigure, provisional = false) {
  const p = peak(tflops, source, provisional);
  return Object.freeze({ bf16: p, fp16: p, fp32 });
}

function gpu(id: string, aliases: string[], memoryGB: number, peaks: GpuSpec["peakDenseTflops"], reference: ReferencePerformance | null): GpuSpec {
  return Object.freeze({ id, aliases: Object.freeze(aliases), memoryGB, nvmlMemoryMiB: null, peakDenseTflops: peaks, reference: reference && Object.freeze(reference) });
}

const ref = (fp16Tflops: number, fp32Tflops: number, avramGB: number): ReferencePerformance => ({ fp16Tflops, fp32Tflops, avramGB });

/** Every catalogued GPU. The default MFU peak of `hparams.json` (312) is the A100's bf16 figure. */
export const GPU_CATALOGUE: readonly GpuSpec[] = /* @__PURE__ */ Object.freeze([
  gpu("B200", ["NVIDIA B200", "B200"], 180,
    same16(2250, "NVIDIA HGX B200 specifications, https://www.nvidia.com/en-us/data-center/hgx/: FP16/BF16 Tensor Core 36 PFLOPS with sparsity for 8 GPUs, i.e. 2.25 PFLOPS dense per GPU",
      peak(75, "NVIDIA HGX B200 specifications, https://www.nvidia.com/en-us/data-center/hgx/: FP32 600 TFLOPS for 8 GPUs, 75 per GPU", true)),
    ref(1205, 67.2, 68.72)),
  gpu("H200", ["NVIDIA H200", "H200", "H200 SXM"], 141,
    same16(989, `${H200}: BF16/FP16 Tensor Core 1,979 TFLOPS with sparsity`, peak(67, `${H200}: FP32 67 TFLOPS`)),
    ref(610, 49.6, 68.72)),
  gpu("H100 80GB HBM3", ["NVIDIA H100 80GB HBM3", "H100 SXM", "H100 SXM5"], 80,
    same16(989, `${H100} (H100 SXM): BF16/FP16 Tensor Core 1,979 TFLOPS with sparsity`, peak(67, `${H100} (H100 SXM): FP32 67 TFLOPS`)),
    ref(570, 49.0, 34.36)),
  gpu("H100", ["NVIDIA H100", "NVIDIA H100 PCIe", "H100 PCIe"], 80,
    same16(756, `${H100} (H100 PCIe): BF16/FP16 Tensor Core 1,513 TFLOPS with sparsity`, peak(51, `${H100} (H100 PCIe): FP32 51 TFLOPS`), true),
    ref(330, 37.2, 34.36)),
  gpu("A100-SXM4-80GB", ["NVIDIA A100-SXM4-80GB", "A100 80GB SXM"], 80,
    same16(312, `${A100}: BF16/FP16 Tensor Core 312 TFLOPS (624 with sparsity), ${A100_URL}`, peak(19.5, `${A100}: FP32 19.5 TFLOPS`)),
    ref(238.8, 18.2, 34.36)),
  gpu("A100 80GB PCIe", ["NVIDIA A100 80GB PCIe", "A100 80GB PCIe"], 80,
    same16(312, `${A100}: BF16/FP16 Tensor Core 312 TFLOPS (624 with sparsity), ${A100_URL}`, peak(19.5, `${A100}: FP32 19.5 TFLOPS`)),
    ref(197, 16.9, 34.36)),
  gpu("A100-SXM4-40GB", ["NVIDIA A100-SXM4-40GB", "NVIDIA A100-PCIE-40GB", "A100 40GB"], 40,
    same16(312, `${A100}: BF16/FP16 Tensor Core 312 TFLOPS (624 with sparsity), ${A100_URL}`, peak(19.5, `${A100}: FP32 19.5 TFLOPS`)),
    ref(257, 18.2, 17.18)),
  gpu("L40s", ["NVIDIA L40S", "NVIDIA L40s", "L40S"], 48,
    same16(362, "NVIDIA L40S product page, https://www.nvidia.com/en-us/data-center/l40s/: BF16/FP16 Tensor Core 362.05 TFLOPS (733 with sparsity)",
      peak(91.6, "NVIDIA L40S product page, https://www.nvidia.com/en-us/data-center/l40s/: FP32 91.6 TFLOPS")),
    ref(171, 35.5, 17.18)),
  gpu("L40", ["NVIDIA L40"], 48,
    same16(181, "NVIDIA L40 datasheet, https://www.nvidia.com/en-us/data-center/l40/: BF16/FP16 Tensor Core 181.05 TFLOPS (362.1 with sparsity)",
      peak(90.5, "NVIDIA L40 datasheet, https://www.nvidia.com/en-us/data-center/l40/: FP32 90.5 TFLOPS")),
    ref(116, 27.0, 17.18)),
  gpu("RTX 6000 Ada Generation", ["NVIDIA RTX 6000 Ada Generation"], 48,
    same16(364, "NVIDIA RTX 6000 Ada datasheet, https://www.nvidia.com/en-us/design-visualization/rtx-6000/: tensor performance 1,457 TFLOPS (FP8, sparsity), a quarter of it", 
      peak(91.1, "NVIDIA RTX 6000 Ada datasheet, https://www.nvidia.com/en-us/design-visualization/rtx-6000/: single-precision 91.1 TFLOPS"), true),
    ref(112, 26.0, 17.18)),
  gpu("RTX A6000", ["NVIDIA RTX A6000"], 48,
    same16(155, "NVIDIA RTX A6000 datasheet, https://www.nvidia.com/en-us/design-visualization/rtx-a6000/: tensor performance 309.7 TFLOPS with sparsity",
      peak(38.7, "NVIDIA RTX A6000 datasheet, https://www.nvidia.com/en-us/design-visualization/rtx-a6000/: single-precision 38.7 TFLOPS"), true),
    ref(48.5, 21.28, 17.18)),
  gpu("RTX 4090", ["NVIDIA GeForce RTX 4090", "NVIDIA RTX 4090", "GeForce RTX 4090"], 24,
    same16(165, `${ADA}: peak FP16/BF16 Tensor TFLOPS with FP32 accumulate 165.2 (330.4 with sparsity)`, peak(82.6, `${ADA}: peak FP32 TFLOPS (non-Tensor) 82.6`)),
    ref(157, 48.5, 8.59)),
  gpu("GeForce RTX 3090", ["NVIDIA GeForce RTX 3090", "RTX 3090"], 24,
    same16(71, `${GA102}: peak FP16/BF16 Tensor TFLOPS with FP32 accumulate 71 (142 with sparsity)`, peak(35.6, `${GA102}: peak FP32 TFLOPS (non-Tensor) 35.6`)),
    ref(66.4, 21.7, 8.59)),
  gpu("L4", ["NVIDIA L4"], 24,
    same16(121, "NVIDIA L4 product page, https://www.nvidia.com/en-us/data-center/l4/: BF16/FP16 Tensor Core 242 TFLOPS with sparsity",
      peak(30.3, "NVIDIA L4 product page, https://www.nvidia.com/en-us/data-center/l4/: FP32 30.3 TFLOPS")),
    ref(51, 9, 8.59)),
  gpu("A40", ["NVIDIA A40"], 48,
    same16(149.7, "NVIDIA A40 datasheet, https://images.nvidia.com/content/Solutions/data-center/a40/nvidia-a40-datasheet.pdf: BF16/FP16 Tensor Core 149.7 TFLOPS (299.4 with sparsity)",
      peak(37.4, "NVIDIA A40 datasheet, https://images.nvidia.com/content/Solutions/data-center/a40/nvidia-a40-datasheet.pdf: FP32 37.4 TFLOPS")),
    ref(40.0, 22.8, 17.18)),
  gpu("RTX A5000", ["NVIDIA RTX A5000"], 24,
    same16(111, "NVIDIA RTX A5000 datasheet, https://www.nvidia.com/en-us/design-visualization/rtx-a5000/: tensor performance 222.2 TFLOPS with sparsity",
      peak(27.8, "NVIDIA RTX A5000 datasheet, https://www.nvidia.com/en-us/design-visualization/rtx-a5000/: single-precision 27.8 TFLOPS"), true),
    ref(60.0, 15.8, 8.59)),
  gpu("RTX A4500", ["NVIDIA RTX A4500"], 20,
    same16(94.6, "NVIDIA RTX A4500 datasheet, https://www.nvidia.com/en-us/design-visualization/rtx-a4500/: tensor performance 189.2 TFLOPS with sparsity",
      peak(23.7, "NVIDIA RTX A4500 datasheet, https://www.nvidia.com/en-us/design-visualization/rtx-a4500/: single-precision 23.7 TFLOPS"), true),
    ref(44.0, 14.3, 8.59)),
]);
