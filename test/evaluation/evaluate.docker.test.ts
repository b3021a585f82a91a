/**
 * End to end on the real Docker engine and the real CPU image: the local_test examples pass
 * (one process, and two-process DDP on gloo), and each attack of issue 5 fails with its error code,
 * with the static scan OFF so the runtime defences are proven on their own. After every test no
 * container of this process is left. Skips with the reason when Docker or the image is missing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { Hparams } from "../../src/config/index.js";
import { createEvaluationRunner, evaluateSubmission, type EvaluationReport, type EvaluationRunner, type RunResult } from "../../src/evaluation/index.js";
import { dockerUnavailableReason, ourContainers, REPO, SMALL_SHAPE, testHparams, workDir } from "./docker-env.js";

const reason = await dockerUnavailableReason();
if (reason !== null) console.warn(`[evaluate.docker.test] skipped: ${reason}`);

const ATTACKS = join(import.meta.dirname, "fixtures", "attacks");
const attack = (name: string) => Buffer.concat([readFileSync(join(ATTACKS, "base.py")), Buffer.from("\n\n"), readFileSync(join(ATTACKS, `${name}.py`))]);
const example = (name: string) => readFileSync(join(REPO, "local_test", name, "train.py"));

describe.skipIf(reason !== null)("evaluation on the CPU image (Docker)", () => {
  let hparams: Hparams;
  let dir: string;
  const runners = new Map<number, EvaluationRunner>();

  beforeAll(() => {
    hparams = testHparams();
    dir = workDir();
  });
  afterEach(async () => {
    expect(await ourContainers()).toEqual([]);
  });
  afterAll(async () => {
    expect(await ourContainers()).toEqual([]);
  });

  async function runner(numGpus: number): Promise<EvaluationRunner> {
    let r = runners.get(numGpus);
    if (r === undefined) {
      const prepared = await createEvaluationRunner({ kind: "docker", hparams, numGpus, workDir: dir, image: "cpu", build: false, threadsPerProcess: 1 });
      r = prepared._unsafeUnwrap().runner;
      runners.set(numGpus, r);
    }
    return r;
  }

  async function evaluate(code: Uint8Array, o: { numGpus?: number; scan?: boolean; steps?: number; candidateDeadlineMs?: number } = {}): Promise<EvaluationReport> {
    const numGpus = o.numGpus ?? 1;
    const report = await evaluateSubmission({
      code, hparams, runner: await runner(numGpus), workDir: dir, numGpus, runs: 1, scan: o.scan ?? false,
      shape: { ...SMALL_SHAPE, steps: o.steps ?? SMALL_SHAPE.steps },
      referenceDeadlineMs: 120_000, candidateDeadlineMs: o.candidateDeadlineMs ?? 120_000,
    });
    return report._unsafeUnwrap();
  }

  const only = (r: EvaluationReport): RunResult => {
    expect(r.runs).toHaveLength(1);
    return r.runs[0]!;
  };
  const figure = (run: RunResult, id: string) => run.checks.find((c) => c.id === id);

  describe("local_test examples pass end to end", () => {
    test("behavior: single_gpu, one process, scanned", async () => {
      const r = await evaluate(example("single_gpu"), { scan: true });
      expect(r.scan).toMatchObject({ enabled: true, ok: true });
      expect(r.passed).toBe(true);
      const run = only(r);
      expect(run.status).toBe("success");
      expect(run.checks.filter((c) => c.binding && c.status === "fail")).toEqual([]);
      expect(figure(run, "loss_difference")!.figure!).toBeLessThan(1e-3);
      expect(figure(run, "weight_error")!.figure!).toBeLessThanOrEqual(hparams.verification.weight_relative_error_max);
      expect(figure(run, "token_count")!.figure).toBe(SMALL_SHAPE.steps * SMALL_SHAPE.batchSize * SMALL_SHAPE.sequenceLength);
      expect(run.timing!.timedWallSeconds).toBeGreaterThan(0);
      expect(run.mfu).toBeGreaterThan(0);
      expect(r.mfuComparable).toBe(false);
      expect(run.provenance).toMatchObject({ device: "cpu", runner: "docker", sandboxProfile: expect.any(String) });
      expect(run.provenance.referenceHarnessHash).toBe(run.provenance.harnessHash);
      expect(run.provenance.candidateStateSha256).toMatch(/^[0-9a-f]{64}$/);
    });

    // Every other example in the topologies it supports (the CPU image's torch 2.14 has DTensor and
    // CPU FSDP): [example, processes, the dp × tp the evaluator resolves].
    const topologies: [string, number, { dpSize: number; tpSize: number }][] = [
      ["ddp", 1, { dpSize: 1, tpSize: 1 }],
      ["ddp", 2, { dpSize: 2, tpSize: 1 }],
      ["fsdp", 1, { dpSize: 1, tpSize: 1 }],
      ["fsdp", 2, { dpSize: 2, tpSize: 1 }],
      ["tensor_parallel", 2, { dpSize: 1, tpSize: 2 }],
      ["tensor_parallel", 4, { dpSize: 1, tpSize: 4 }],
      ["fsdp_tp", 4, { dpSize: 2, tpSize: 2 }],
    ];
    test.each(topologies)("behavior: %s, %i process(es) on gloo, scanned", async (name, numGpus, topology) => {
      const r = await evaluate(example(name), { numGpus, scan: true });
      expect(r.strategy).toEqual({ ...topology, numGpus });
      expect(r.passed, r.error ?? "").toBe(true);
      const run = only(r);
      expect(run.checks.filter((c) => c.binding && c.status === "fail")).toEqual([]);
      expect(figure(run, "weight_error")!.figure!).toBeLessThanOrEqual(hparams.verification.weight_relative_error_max);
      // Each data rank reads its own batches; tensor-parallel ranks share theirs.
      expect(run.measured!.totalUniqueTokens).toBe(topology.dpSize * SMALL_SHAPE.steps * SMALL_SHAPE.batchSize * SMALL_SHAPE.sequenceLength);
    }, 180_000);
  });

  describe("the scan is authoritative", () => {
    test("behavior: a rejected file starts no container (scan_rejected)", async () => {
      const r = await evaluate(attack("network_access"), { scan: true });
      expect(r).toMatchObject({ passed: false, errorCode: "scan_rejected", runs: [] });
      expect(r.scan.violations.length).toBeGreaterThan(0);
    });
  });

  // Each attack: [fixture, the code it must end with, options].
  const cases: [string, string | string[], { steps?: number; candidateDeadlineMs?: number; message?: RegExp; notMessage?: RegExp }][] = [
    ["fake_result_line", "insufficient_params_changed", {}],
    ["patched_tensor_op", "weight_mismatch", {}],
    ["proxy_final_state", "invalid_return_type", {}],
    ["proxy_logits", "invalid_return_type", {}],
    ["fewer_timed_steps", "weight_mismatch", { steps: 48 }],
    ["frozen_layer", "insufficient_trainable_params", {}],
    ["wrong_total_tokens", "token_count_mismatch", {}],
    ["nan_weights", "weight_nan_injection", {}],
    ["fake_logits", "invalid_logits_shape", {}],
    ["sleep_past_deadline", "deadline_exceeded", { candidateDeadlineMs: 30_000 }],
    ["network_access", "miner_crash", { message: /blocked/, notMessage: /REACHABLE/ }],
    ["write_outside_handoff", "miner_crash", { message: /timing\.json: blocked/, notMessage: /WRITTEN|EXECUTED/ }],
    ["read_reference_artifacts", "miner_crash", { message: /timed_batches\.safetensors: blocked/, notMessage: /: READ/ }],
    // The pids limit makes fork fail and the miner raise (miner_crash); on a loaded machine the
    // copies can starve the run until the host kills it at its deadline (deadline_exceeded).
    ["fork_bomb", ["miner_crash", "deadline_exceeded"], { candidateDeadlineMs: 60_000 }],
    ["memory_hog", "miner_crash", {}],
  ];

  describe("attacks fail with their code (static scan off)", () => {
    test.each(cases)("error: %s -> %s", async (name, code, o) => {
      const r = await evaluate(attack(name), { ...(o.steps === undefined ? {} : { steps: o.steps }), ...(o.candidateDeadlineMs === undefined ? {} : { candidateDeadlineMs: o.candidateDeadlineMs }) });
      expect(r.scan.enabled).toBe(false);
      const run = only(r);
      expect(run.status, `${run.errorCode}: ${run.error}`).toBe("failed");
      expect(Array.isArray(code) ? code : [code]).toContain(run.errorCode);
      expect(r.passed).toBe(false);
      if (o.message) expect(run.error).toMatch(o.message);
      if (o.notMessage) expect(run.error).not.toMatch(o.notMessage);
    }, 240_000); // a fork bomb may run to its 60 s deadline, and its removal takes a while on a loaded machine

    test("behavior: after the attacks (fork bomb and memory hog last) the host is healthy: the engine answers and an honest run passes", async () => {
      expect(await new Docker().ping()).toBeTruthy();
      const r = await evaluate(example("single_gpu"));
      expect(r.passed, r.error ?? "").toBe(true);
    }, 240_000);
  });
});
