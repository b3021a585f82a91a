import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { readSafetensors, verifyRun } from "../../src/verify/index.js";
import { candidateSummary, referenceSummary, tempDir, VERIFICATION } from "./helpers.js";

// States written by Debian's python3-torch (`apt-get install -y python3-torch`, for /usr/bin/python3).
const PYTHON = "/usr/bin/python3";
const here = dirname(fileURLToPath(import.meta.url));
const hasTorch = (() => {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!hasTorch) console.warn("skipping torch comparison tests: /usr/bin/python3 with torch is absent (apt-get install -y python3-torch)");

interface Oracle {
  changed: number;
  total: number;
  diff_sq: number;
  ref_sq: number;
  relative_error: number;
  layers: Record<string, { diff_sq: number; ref_sq: number; diff_sq_f32: number; rel: number | null }>;
}

describe.skipIf(!hasTorch)("verifyRun against PyTorch", () => {
  test.each([1, 2, 3])("behavior: figures equal torch's for seed %i", async (seed) => {
    const dir = tempDir("crusades-torch-");
    mkdirSync(dir, { recursive: true });
    const out = execFileSync(PYTHON, [join(here, "torch_oracle.py"), dir, String(seed)]).toString();
    const o = JSON.parse(out.trim().split("\n").at(-1)!) as Oracle;
    writeFileSync(join(dir, "reference/summary.json"), JSON.stringify(referenceSummary()));
    writeFileSync(join(dir, "candidate/summary.json"), JSON.stringify(candidateSummary()));

    const st = (await readSafetensors(join(dir, "candidate/state.safetensors")))._unsafeUnwrap();
    expect(st.tensors.map((t) => t.dtype).sort()).toEqual(["BF16", "BF16", "BF16", "F16", "F32", "F32"]);
    await st.close();

    for (const workers of [0, 2]) {
      const r = (await verifyRun(dir, { verification: VERIFICATION, workers, sliceElements: 1000 }))._unsafeUnwrap();
      const d = r.details;
      expect(d.changedElements).toBe(o.changed);
      expect(d.totalElements).toBe(o.total);
      expect(d.diffNorm! ** 2).toBeCloseTo(o.diff_sq, 12);
      expect(Math.abs(d.diffNorm! ** 2 - o.diff_sq) / o.diff_sq).toBeLessThan(1e-12);
      expect(Math.abs(d.refNorm! ** 2 - o.ref_sq) / o.ref_sq).toBeLessThan(1e-12);
      expect(Math.abs(d.relativeError! - o.relative_error) / o.relative_error).toBeLessThan(1e-12);
      for (const l of d.layers) {
        const t = o.layers[l.name]!;
        expect(Math.abs(l.diffSq - t.diff_sq)).toBeLessThanOrEqual(1e-12 * Math.max(t.diff_sq, 1e-300));
        // torch's own float32 accumulation differs by rounding only
        expect(Math.abs(l.diffSq - t.diff_sq_f32)).toBeLessThanOrEqual(1e-4 * t.diff_sq_f32 + 1e-30);
        if (t.rel === null) expect(l.relativeError).toBeNull();
        else expect(Math.abs(l.relativeError! - t.rel) / t.rel).toBeLessThan(1e-12);
      }
    }
  });
});
