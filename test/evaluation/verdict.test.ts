import { describe, expect, test } from "vitest";
import { computeMfu } from "../../src/mfu/index.js";
import { buildRunParams, judgeRun, parsePostChecks, type JudgeRunInput } from "../../src/evaluation/index.js";
import type { TimedWall, VerifyReport } from "../../src/verify/index.js";

const timing = (over: Partial<TimedWall> = {}): TimedWall => ({
  trainingSeconds: 88, deliverySeconds: 1, allowedWriteSeconds: 1.25, deliveryBoundSeconds: 44, deliveryWithinBound: true, timedWallSeconds: 88, ...over,
});
const bounds = { max_plausible_mfu: 85, min_mfu: 50 };
const mfuAt = (wall: number, verified = true) =>
  computeMfu({ modelParams: 8_404_669_952, batchSize: 16, sequenceLength: 1024, steps: 20, dpSize: 4, numGpus: 4, wallTimeSeconds: wall, gpuPeakTflops: 312, bounds, verified });
const verification = (verified: boolean, code: VerifyReport["errorCode"] = null): VerifyReport =>
  ({
    verified, errorCode: code, error: code, details: {} as VerifyReport["details"],
    checks: [{ id: "weight_error", status: verified ? "pass" : "fail", binding: true, figure: verified ? 0.001 : 0.5, threshold: 0.015, comparison: "<=", code: "weight_mismatch", message: "w" }],
  }) as VerifyReport;
const input = (over: Partial<JudgeRunInput> = {}): JudgeRunInput => ({
  supervisorStatus: "completed", supervisorError: null, timing: timing(), mfu: mfuAt(88), mfuBounds: bounds, applyMfuBounds: true,
  postChecks: { configOk: true, configChanges: [], backendOk: true }, verification: verification(true), ...over,
});
const ids = (v: ReturnType<typeof judgeRun>) => v.checks.map((c) => c.id);

describe("judgeRun (spec E.8 project order)", () => {
  test("behavior: an honest run passes; the checks come in the project order", () => {
    const v = judgeRun(input());
    expect(v).toMatchObject({ passed: true, errorCode: null });
    expect(ids(v)).toEqual(["supervisor_status", "state_delivery", "mfu_plausible", "harness_config", "harness_backend", "weight_error", "mfu_minimum"]);
    expect(v.checks.find((c) => c.id === "mfu_minimum")).toMatchObject({ status: "pass", figure: expect.closeTo(60.18, 2), threshold: 50 });
  });
  test("error: a supervisor failure code is the run's code", () => {
    const v = judgeRun(input({ supervisorStatus: "protocol_violation", supervisorError: "bad rank", timing: null, mfu: null, verification: null }));
    expect(v).toMatchObject({ passed: false, errorCode: "protocol_violation" });
    expect(v.error).toContain("bad rank");
  });
  test("error: the delivery bound gives deferred_computation before anything else", () => {
    const v = judgeRun(input({ timing: timing({ deliverySeconds: 50, deliveryWithinBound: false }), verification: verification(false, "weight_mismatch") }));
    expect(v.errorCode).toBe("deferred_computation");
  });
  test("error: implausible_mfu is checked even when verification failed (G.2)", () => {
    const v = judgeRun(input({ mfu: mfuAt(10, false), verification: verification(false, "weight_mismatch") }));
    expect(v.errorCode).toBe("implausible_mfu");
  });
  test("error: harness claims: config_tampering, then execution_failed", () => {
    expect(judgeRun(input({ postChecks: { configOk: false, configChanges: ["hidden_size: 1 -> 2"], backendOk: false } })).errorCode).toBe("config_tampering");
    expect(judgeRun(input({ postChecks: { configOk: true, configChanges: ["cudnn.benchmark: True"], backendOk: false } })).errorCode).toBe("execution_failed");
  });
  test("error: a verification failure comes before insufficient_mfu, which is then skipped", () => {
    const v = judgeRun(input({ mfu: mfuAt(500, false), verification: verification(false, "weight_mismatch") }));
    expect(v.errorCode).toBe("weight_mismatch");
    expect(v.checks.at(-1)).toMatchObject({ id: "mfu_minimum", status: "skipped" });
  });
  test("error: a verified but slow run is insufficient_mfu", () => {
    expect(judgeRun(input({ mfu: mfuAt(500) })).errorCode).toBe("insufficient_mfu");
  });
  test("behavior: on the CPU image the MFU bounds are reported, not binding", () => {
    const v = judgeRun(input({ mfu: mfuAt(1e6), applyMfuBounds: false }));
    expect(v.passed).toBe(true);
    expect(v.checks.find((c) => c.id === "mfu_minimum")).toMatchObject({ status: "fail", binding: false });
  });
  test("behavior: no verification and no failure is infrastructure_error (never a silent pass)", () => {
    expect(judgeRun(input({ verification: null }))).toMatchObject({ passed: false, errorCode: "infrastructure_error" });
  });
});

describe("parsePostChecks", () => {
  test("behavior: the harness's lists", () => {
    expect(parsePostChecks({ post_checks: { config_changes: [], backend_changes: [] } })).toEqual({ configOk: true, configChanges: [], backendOk: true });
    expect(parsePostChecks({ post_checks: { config_changes: ["a: 1 -> 2"], backend_changes: ["b: False"] } })).toEqual({ configOk: false, configChanges: ["a: 1 -> 2", "b: False"], backendOk: false });
  });
  test("behavior: absent or malformed claims are 'not reported'", () => {
    for (const claims of [null, 1, {}, { post_checks: null }, { post_checks: { config_changes: "x" } }]) {
      expect(parsePostChecks(claims)).toMatchObject({ configOk: null, backendOk: null });
    }
  });
});

describe("buildRunParams (evaluation-protocol.md §4)", () => {
  const base = {
    runId: "r1", seed: "7:1:1700000000:00112233445566778899aabbccddeeff", model: "tiny-qwen2",
    shape: { steps: 20, batchSize: 16, sequenceLength: 1024, dataSamples: 10000 }, numGpus: 2, dpSize: 2, tpSize: 1, device: "cpu" as const,
    totalDeadlineSeconds: 3600, timing: { state_delivery_floor_s: 10, state_delivery_ratio: 0.5 }, launch: "exec" as const, scanCheck: "required" as const,
  };
  test("behavior: the protocol's example document", () => {
    expect(buildRunParams(base)).toEqual({
      schema: "crusades.run_params", schema_version: 1, run_id: "r1", seed: base.seed, model: "tiny-qwen2", steps: 20, warmup_steps: 2,
      batch_size: 16, sequence_length: 1024, num_gpus: 2, dp_size: 2, tp_size: 1, device: "cpu", data_samples: 10000, warmup_offset: null,
      deadlines: { hello_s: 300, ready_s: 3600, end_s: 3600, delivery_floor_s: 10, delivery_ratio: 0.5 }, launch: "exec", scan_check: "required",
    });
  });
  test("args: invalid topology or shape is a programmer error", () => {
    expect(() => buildRunParams({ ...base, dpSize: 1 })).toThrow(/dp_size × tp_size/);
    expect(() => buildRunParams({ ...base, shape: { ...base.shape, batchSize: 3 } })).toThrow(/even/);
    expect(() => buildRunParams({ ...base, shape: { ...base.shape, steps: 0 } })).toThrow(RangeError);
    expect(() => buildRunParams({ ...base, totalDeadlineSeconds: 0 })).toThrow(RangeError);
  });
});
