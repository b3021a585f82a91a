/**
 * GPU identification (compute.md §10.2 step 5, §3.3) from recorded figures of real GPUs: the
 * reference's measured fp16/fp32 TFLOPS and probed vram (§3.8), and NVML memory totals of real
 * boards (§4.4: 48 GB ECC boards report about 45 GiB).
 */
import { describe, expect, it } from "vitest";
import { identifyGpuReference, identifyPogGpu, type MeasuredGpu } from "../../src/compute/index.js";
import { GPU_CATALOGUE } from "../../src/mfu/index.js";

// NVML totals as nvidia-smi reports them on real boards (MiB).
const NVML: Record<string, number> = { H200: 143771, "H100 80GB HBM3": 81559, "A100-SXM4-80GB": 81920, "RTX 4090": 24564, L40s: 46068, A40: 46068, L4: 23034 };

const measured = (name: string, fp16: number, fp32: number, memoryMiB: number): MeasuredGpu => ({ name, memoryMiB, probeMiB: Math.floor((memoryMiB * 0.95) / 256) * 256, tflops: { fp16, fp32 } });

describe("identifyPogGpu", () => {
  it("behavior: every catalogued model is identified from its recorded figures under its NVML name", () => {
    for (const [id, mib] of Object.entries(NVML)) {
      const g = GPU_CATALOGUE.find((x) => x.id === id);
      const ref = g?.reference;
      if (!g || !ref) throw new Error(`no reference figures for ${id}`);
      const r = identifyPogGpu(measured(g.aliases[0] as string, ref.fp16Tflops, ref.fp32Tflops, mib));
      expect([id, r.status, r.model, r.reasons]).toEqual([id, "identified", id, []]);
    }
  });

  it("error: an RTX 4090 claiming to be an H100 80GB HBM3 is a model_mismatch on throughput and memory", () => {
    const r = identifyPogGpu(measured("NVIDIA H100 80GB HBM3", 157, 48.5, 24564));
    expect(r.status).toBe("model_mismatch");
    expect(r.reasons.join("\n")).toMatch(/fp16 throughput 157\.0 TFLOPS is below 484\.5/);
    expect(r.reasons.join("\n")).toMatch(/NVML memory 24564 MiB/);
  });

  it("behavior: a faster GPU never counts as a better model, and a throttled one falls below the 15 % band", () => {
    expect(identifyPogGpu(measured("NVIDIA H100", 570, 49, 81559))).toMatchObject({ status: "identified", model: "H100" });
    expect(identifyPogGpu(measured("NVIDIA H100 80GB HBM3", 570 * 0.84, 49, 81559)).status).toBe("model_mismatch");
    expect(identifyPogGpu(measured("NVIDIA H100 80GB HBM3", 570 * 0.86, 49 * 0.86, 81559)).status).toBe("identified");
  });

  it("error: a short memory probe, an unknown name, an uncalibrated model", () => {
    expect(identifyPogGpu({ ...measured("NVIDIA H200", 610, 49.6, 143771), probeMiB: 1024 }).reasons[0]).toMatch(/probe/);
    expect(identifyPogGpu(measured("NVIDIA H300", 1, 1, 1)).status).toBe("unknown_gpu");
    expect(identifyPogGpu(measured("NVIDIA H200", 610, 49.6, 143771), { referenceFallback: false }).status).toBe("uncalibrated_model");
  });

  it("behavior: a calibration overrides the reference figures", () => {
    const calibration = { H200: { tflops: { fp16: 800, fp32: 60 }, nvmlMemoryMiB: 143771, source: "test" } };
    expect(identifyPogGpu(measured("NVIDIA H200", 610, 49.6, 143771), { calibration }).status).toBe("model_mismatch");
    expect(identifyPogGpu(measured("NVIDIA H200", 700, 52, 143000), { calibration }).status).toBe("identified");
  });
});

describe("identifyGpuReference [COMPAT]", () => {
  it("behavior: the reference's figures identify every catalogued model", () => {
    for (const g of GPU_CATALOGUE) {
      if (!g.reference) continue;
      expect(identifyGpuReference(g.reference.fp16Tflops, g.reference.fp32Tflops, g.reference.avramGB, "")).toBe(g.id);
    }
  });

  it("behavior: a tolerance pair lets the reported name win", () => {
    expect(identifyGpuReference(238.8, 18.2, 34.36, "NVIDIA A100 80GB PCIe")).toBe("A100 80GB PCIe");
    expect(identifyGpuReference(116, 27, 17.18, "NVIDIA RTX 6000 Ada Generation")).toBe("RTX 6000 Ada Generation");
    expect(identifyGpuReference(238.8, 18.2, 34.36, "NVIDIA H200")).toBe("A100-SXM4-80GB");
  });
});
