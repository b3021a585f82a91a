import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { verifyRun, type VerifyReport } from "../../src/verify/index.js";
import { candidateSummary, referenceSummary, tempDir, VERIFICATION, writeRaw, writeRun, type T } from "./helpers.js";

const f32 = (shape: number[], values: number[]): T => ({ dtype: "F32", shape, values });
const bf = (shape: number[], values: number[]): T => ({ dtype: "BF16", shape, values });

const initial = { a: f32([2, 2], [1, 2, 3, 4]), b: bf([2], [0.5, 0.5]) };
const reference = { a: f32([2, 2], [1.5, 2.5, 3.5, 4.5]), b: bf([2], [1, 1]) };

async function run(parts: Parameters<typeof writeRun>[1], opts: { workers?: number; per_layer?: number | null; slice?: number } = {}): Promise<VerifyReport> {
  const dir = writeRun(tempDir(), parts);
  const r = await verifyRun(dir, {
    verification: { ...VERIFICATION, per_layer_relative_error_max: opts.per_layer ?? null },
    workers: opts.workers ?? 0,
    sliceElements: opts.slice ?? 3,
  });
  return r._unsafeUnwrap();
}

const check = (r: VerifyReport, id: string) => r.checks.find((c) => c.id === id)!;

describe("verifyRun", () => {
  test("behavior: an honest candidate (equal to the reference) passes every check", async () => {
    const r = await run({ initial, reference, candidate: reference });
    expect(r.verified).toBe(true);
    expect(r.errorCode).toBeNull();
    expect(r.checks.every((c) => c.status === "pass")).toBe(true);
    expect(r.details).toMatchObject({ relativeError: 0, diffNorm: 0, changedElements: 6, totalElements: 6, changedRatio: 1, refNorm: Math.sqrt(43) });
  });

  test("behavior: hand-computed global and per-layer errors (§F.4)", async () => {
    const candidate = { a: f32([2, 2], [1.5, 2.5, 3.5, 4.75]), b: bf([2], [1, 1]) };
    for (const workers of [0, 2]) {
      const r = await run({ initial, reference, candidate }, { workers });
      expect(r.errorCode).toBe("weight_mismatch");
      expect(r.details.diffNorm).toBe(0.25);
      expect(r.details.refNorm).toBe(Math.sqrt(43));
      expect(r.details.relativeError).toBeCloseTo(0.25 / Math.sqrt(43), 15);
      expect(check(r, "weight_error")).toMatchObject({ status: "fail", threshold: 0.015, code: "weight_mismatch" });
      expect(r.details.errorExceededLayers).toEqual(["a"]);
      expect(r.details.layers.find((l) => l.name === "a")!.relativeError).toBeCloseTo(0.25 / Math.sqrt(41), 15);
      expect(check(r, "per_layer_error")).toMatchObject({ status: "fail", binding: false, figure: 1 });
    }
  });

  test("behavior: reports every failure, first binding one in §E.8 order", async () => {
    const candidate = { a: f32([2, 2], [1, 2, 3, NaN]), c: f32([1], [9]) }; // b missing, a barely changed, NaN
    const r = await run({
      initial, reference, candidate,
      candidateSummary: candidateSummary({ final_loss: "NaN", total_tokens: 47, final_logits_shape: [2, 6, 31] }),
    });
    expect(r.verified).toBe(false);
    expect(r.errorCode).toBe("sequence_truncation");
    const failed = r.checks.filter((c) => c.status === "fail").map((c) => c.id);
    expect(failed).toEqual([
      "logits_sequence", "logits_vocab", "final_state_keys", "changed_ratio", "token_count", "loss_valid", "loss_difference",
      "weight_finite", "nonfinite_elements", "weight_error", "per_layer_error",
    ]);
    expect(check(r, "changed_ratio").figure).toBe(0);
    expect(check(r, "final_state_keys")).toMatchObject({ figure: 1, code: "incomplete_final_state" });
    expect(r.details).toMatchObject({ missingKeys: ["b"], extraKeys: ["c"], nanElements: 1, infElements: 0, actualTokens: 47 });
    expect(check(r, "loss_valid").message).toBe("Loss is NaN");
  });

  test("behavior: NaN and ±Inf in a bf16 state are counted (vector and scalar paths)", async () => {
    const n = 21;
    const base = Array.from({ length: n }, (_, k) => 0.25 + k / 64);
    const cand = base.map((x) => x + 0.5);
    cand[3] = NaN;
    cand[9] = -Infinity;
    cand[18] = Infinity; // in the scalar tail (21 = 2 × 8 + 5)
    const init = { w: bf([n], base) };
    const ref = { w: bf([n], base.map((x) => x + 0.5)) };
    for (const [workers, slice] of [[0, 1 << 20], [1, 1 << 20], [0, 3]] as const) {
      const r = await run({ initial: init, reference: ref, candidate: { w: bf([n], cand) } }, { workers, slice });
      expect(r.details).toMatchObject({ nanElements: 1, infElements: 2 });
      expect(r.errorCode).toBe("weight_nan_injection");
      expect(r.details.changedElements).toBe(n - 1); // NaN counts as unchanged
    }
    const clean = await run({ initial: init, reference: ref, candidate: ref });
    expect(clean.details).toMatchObject({ nanElements: 0, infElements: 0, relativeError: 0, changedElements: n });
  });

  test("behavior: changed ratio uses float32 differences and a strict 1e-6 threshold (§F.3)", async () => {
    const init = { w: f32([4], [1, 1, 0, 0]) };
    const t = Math.fround(1e-6);
    const cand = { w: f32([4], [1 + 2 ** -23, 1, t, -1.5e-6]) };
    const r = await run({ initial: init, reference: cand, candidate: cand });
    // |1+2^-23 - 1| = 1.19e-7 (no), 0 (no), t (not > t), 1.5e-6 (yes)
    expect(r.details.changedElements).toBe(1);
    expect(check(r, "changed_ratio")).toMatchObject({ status: "fail", figure: 0.25, threshold: 0.75, code: "insufficient_params_changed" });
  });

  test("behavior: shapes differing from the initial state and the reference", async () => {
    const candidate = { a: f32([4], [1.5, 2.5, 3.5, 4.5]), b: bf([2], [1, 1]) };
    const r = await run({ initial, reference, candidate });
    expect(r.errorCode).toBe("invalid_final_state_shape");
    expect(check(r, "weight_shapes")).toMatchObject({ status: "fail", figure: 1, code: "shape_mismatch" });
    expect(r.details.weightElements).toBe(2);
  });

  test("behavior: loss difference boundary and token count compared numerically", async () => {
    const ok = await run({ initial, reference, candidate: reference, candidateSummary: candidateSummary({ final_loss: 2.9, total_tokens: 48.0 }) });
    expect(check(ok, "loss_difference").status).toBe("pass");
    const bad = await run({ initial, reference, candidate: reference, candidateSummary: candidateSummary({ final_loss: 2.91 }) });
    expect(bad.errorCode).toBe("loss_mismatch");
    const big = await run({ initial, reference, candidate: reference, candidateSummary: candidateSummary({ final_loss: 101 }) });
    expect(check(big, "loss_valid").message).toBe("Loss unreasonable");
  });

  test("behavior: per-layer bound binds when configured", async () => {
    const candidate = { a: f32([2, 2], [1.5, 2.5, 3.5, 4.5]), b: bf([2], [1, 1.0078125]) };
    const r = await run({ initial, reference, candidate }, { per_layer: 0.001 });
    expect(check(r, "weight_error").status).toBe("pass");
    expect(r.errorCode).toBe("weight_mismatch");
    expect(check(r, "per_layer_error")).toMatchObject({ binding: true, status: "fail" });
  });

  test("error: missing or invalid candidate files are failed checks, not errors", async () => {
    const missing = await run({ initial, reference, candidate: undefined });
    expect(missing.errorCode).toBe("missing_final_state");
    expect(check(missing, "weight_error").status).toBe("skipped");
    const dir = writeRun(tempDir(), { initial, reference, candidate: reference });
    writeRaw(join(dir, "candidate/state.safetensors"), '{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,8]}}', [new Uint8Array(16)]);
    const r = (await verifyRun(dir, { verification: VERIFICATION, workers: 0 }))._unsafeUnwrap();
    expect(r.errorCode).toBe("invalid_final_state");
    const noSummary = await run({ initial, reference, candidate: reference, candidateSummary: undefined });
    expect(noSummary.errorCode).toBe("invalid_return_type");
    expect(check(noSummary, "token_count").status).toBe("skipped");
    const badSummary = await run({ initial, reference, candidate: reference, candidateSummary: candidateSummary({ total_tokens: "48" }) });
    expect(check(badSummary, "candidate_summary").message).toMatch(/total_tokens/);
  });

  test("error: oversized hand-over file fails final_state_size", async () => {
    const big = { a: f32([2, 2], [1.5, 2.5, 3.5, 4.5]), b: bf([2], [1, 1]), pad: f32([64], new Array(64).fill(0)) };
    const r = await run({ initial, reference, candidate: big });
    expect(check(r, "final_state_size")).toMatchObject({ status: "fail", code: "invalid_final_state" });
  });

  test("error: a candidate header far larger than the initial state's is refused", async () => {
    const dir = writeRun(tempDir(), { initial, reference, candidate: reference });
    writeRaw(join(dir, "candidate/state.safetensors"), JSON.stringify({ __metadata__: { pad: "x".repeat(2 << 20) } }), []);
    const r = (await verifyRun(dir, { verification: VERIFICATION, workers: 0 }))._unsafeUnwrap();
    expect(r.errorCode).toBe("invalid_final_state");
    expect(check(r, "final_state_file").message).toMatch(/exceeds/);
  });

  test("error: a missing or invalid trusted artifact voids the run (Err)", async () => {
    const dir = writeRun(tempDir(), { initial, reference, candidate: reference });
    writeFileSync(join(dir, "reference/summary.json"), JSON.stringify(referenceSummary({ expected_tokens_per_rank: 49 })));
    const e = (await verifyRun(dir, { verification: VERIFICATION }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ type: "run_artifact_invalid", artifact: "reference/summary.json" });
    writeFileSync(join(dir, "reference/summary.json"), JSON.stringify(referenceSummary()));
    rmSync(join(dir, "initial/state.safetensors"));
    expect((await verifyRun(dir, { verification: VERIFICATION }))._unsafeUnwrapErr()).toMatchObject({ artifact: "initial/state.safetensors" });
  });
});
