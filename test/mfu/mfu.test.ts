import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { computeMfu, findGpu, flopsPerToken, GPU_CATALOGUE, gpuPeakTflops } from "../../src/mfu/index.js";

const bounds = { max_plausible_mfu: 85, min_mfu: 50 };
const P = 8_404_669_952;
const base = { modelParams: P, batchSize: 16, sequenceLength: 1024, steps: 20, dpSize: 4, numGpus: 4, wallTimeSeconds: 88, gpuPeakTflops: 312, bounds };

describe("computeMfu", () => {
  test("behavior: the worked example of §G.3", () => {
    const r = computeMfu(base);
    expect(r.totalUniqueTokens).toBe(1_310_720);
    expect(r.tokensPerRank).toBe(327_680);
    expect(r.modelFlops).toBe(6 * P * 1_310_720);
    expect(r.mfu).toBeCloseTo(60.18, 2);
    expect(r.tps).toBeCloseTo(14_894.5, 1);
    expect(r.outcome).toBe("ok");
    // ideal time ≈ 52.96 s
    expect((6 * P * 1_310_720) / (312e12 * 4)).toBeCloseTo(52.96, 2);
    const tp = computeMfu({ ...base, dpSize: 1 });
    expect(tp.mfu).toBeCloseTo(15.05, 2);
    expect(tp.outcome).toBe("insufficient_mfu");
    expect(computeMfu({ ...base, modelParams: 7.6e9 }).mfu).toBeCloseTo(54.4, 1);
  });

  test("behavior: bounds (§G.2): implausible first and reported as 0, insufficient only when verified", () => {
    const fast = computeMfu({ ...base, wallTimeSeconds: 60 });
    expect(fast.rawMfu).toBeGreaterThan(85);
    expect(fast).toMatchObject({ mfu: 0, outcome: "implausible_mfu" });
    expect(computeMfu({ ...base, wallTimeSeconds: 60, verified: false }).outcome).toBe("implausible_mfu");
    const slow = computeMfu({ ...base, wallTimeSeconds: 200 });
    expect(slow.outcome).toBe("insufficient_mfu");
    expect(slow.mfu).toBeGreaterThan(0);
    expect(computeMfu({ ...base, wallTimeSeconds: 200, verified: false }).outcome).toBe("ok");
    expect(computeMfu({ ...base, wallTimeSeconds: 1 }).rawMfu).toBe(100);
  });

  test("behavior: degenerate inputs give MFU 0", () => {
    expect(computeMfu({ ...base, wallTimeSeconds: 0 }).rawMfu).toBe(0);
    expect(computeMfu({ ...base, wallTimeSeconds: 0 }).tps).toBe(1_310_720 / 1e-6);
    expect(computeMfu({ ...base, gpuPeakTflops: 0 }).rawMfu).toBe(0);
    expect(computeMfu({ ...base, numGpus: 0 }).rawMfu).toBe(0);
  });

  test("behavior: properties: MFU falls with wall time and scales with dp (fuzz)", () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e5, noNaN: true }), fc.double({ min: 1, max: 1e5, noNaN: true }), fc.integer({ min: 1, max: 8 }), (a, b, dp) => {
        const lo = Math.min(a, b), hi = Math.max(a, b);
        const p = { ...base, modelParams: 1e8, bounds: { max_plausible_mfu: 100, min_mfu: 0 } };
        expect(computeMfu({ ...p, wallTimeSeconds: hi }).mfu).toBeLessThanOrEqual(computeMfu({ ...p, wallTimeSeconds: lo }).mfu);
        const one = computeMfu({ ...p, wallTimeSeconds: hi, dpSize: 1 }).mfu;
        const many = computeMfu({ ...p, wallTimeSeconds: hi, dpSize: dp }).mfu;
        expect(many).toBeCloseTo(Math.min(100, one * dp), 9);
        const r = computeMfu({ ...p, wallTimeSeconds: hi });
        expect(r.mfu).toBeGreaterThanOrEqual(0);
        expect(r.mfu).toBeLessThanOrEqual(100);
      }),
    );
  });

  test("behavior: optional attention term (PaLM)", () => {
    expect(flopsPerToken(1000)).toBe(6000);
    expect(flopsPerToken(1000, { layers: 2, sequenceLength: 8, hiddenSize: 4 })).toBe(6000 + 12 * 2 * 8 * 4);
    const withAttn = computeMfu({ ...base, attention: { layers: 28, sequenceLength: 1024, hiddenSize: 3584 } });
    expect(withAttn.mfu).toBeGreaterThan(computeMfu(base).mfu);
  });
});

describe("GPU catalogue", () => {
  test("behavior: every figure has a source; ids and aliases are unique", () => {
    const names = new Set<string>();
    for (const g of GPU_CATALOGUE) {
      for (const p of ["bf16", "fp16", "fp32"] as const) {
        expect(g.peakDenseTflops[p].tflops).toBeGreaterThan(0);
        expect(g.peakDenseTflops[p].source.length).toBeGreaterThan(20);
      }
      for (const k of new Set([g.id, ...g.aliases].map((n) => n.toLowerCase()))) {
        expect(names.has(k), k).toBe(false);
        names.add(k);
      }
    }
  });

  test("behavior: lists the GPUs of compute.md §4.3/§4.4 and the issue", () => {
    const ids = GPU_CATALOGUE.map((g) => g.id);
    for (const id of ["H200", "H100 80GB HBM3", "H100", "A100-SXM4-80GB", "A100 80GB PCIe", "A100-SXM4-40GB", "L40s", "L40", "RTX 6000 Ada Generation",
      "RTX A6000", "RTX 4090", "GeForce RTX 3090", "L4", "A40", "RTX A5000", "RTX A4500", "B200"]) expect(ids).toContain(id);
  });

  test("behavior: exact case-insensitive lookup, never by substring", () => {
    expect(gpuPeakTflops("NVIDIA A100-SXM4-80GB")._unsafeUnwrap()).toBe(312);
    expect(gpuPeakTflops("nvidia h100 80gb hbm3")._unsafeUnwrap()).toBe(989);
    expect(gpuPeakTflops("H100 PCIe")._unsafeUnwrap()).toBe(756);
    expect(gpuPeakTflops("NVIDIA GeForce RTX 4090", "fp32")._unsafeUnwrap()).toBe(82.6);
    expect(findGpu("NVIDIA L40S")._unsafeUnwrap().id).toBe("L40s");
    expect(findGpu("A100")._unsafeUnwrapErr()).toMatchObject({ type: "unknown_gpu", name: "A100" });
    expect(findGpu("NVIDIA H100 80GB")._unsafeUnwrapErr().type).toBe("unknown_gpu");
  });
});
