/**
 * The daemon's in-memory metrics (ingestion cycles and failures, submissions evaluated by status,
 * evaluation durations, evaluation errors, weight settings): the registry's exposition text, the
 * same families through the API server's `/metrics` after the store's gauges, and the observers
 * `crusades validate` hands to the daemon.
 */
import { afterEach, describe, expect, test } from "vitest";
import { createValidatorMetrics, EVALUATION_DURATION_BUCKETS_SECONDS, renderMetrics } from "../../src/api/index.js";
import { metricsObservers } from "../../src/cli/validate.js";
import { parseExposition, value } from "./exposition.js";
import { populate, startApi, tempStore, testHparams, VERSION, type StartedApi } from "./fixtures.js";

const DAEMON_FAMILIES = {
  crusades_ingestion_cycles_total: "counter",
  crusades_ingestion_failures_total: "counter",
  crusades_submissions_evaluated_total: "counter",
  crusades_evaluation_duration_seconds: "histogram",
  crusades_evaluation_errors_total: "counter",
  crusades_weight_settings_total: "counter",
};

const text = (lines: readonly string[]) => `${lines.join("\n")}\n`;

describe("createValidatorMetrics", () => {
  test("behavior: an empty registry has every family with help; known series at 0, no duration sample", () => {
    const { types, help, samples } = parseExposition(text(createValidatorMetrics().render()));
    expect(Object.fromEntries(types)).toEqual(DAEMON_FAMILIES);
    for (const name of types.keys()) expect(help.get(name), name).toBeTruthy();
    expect(samples.map((s) => [s.name, s.labels, s.value])).toEqual([
      ["crusades_submissions_evaluated_total", { status: "finished" }, 0],
      ["crusades_submissions_evaluated_total", { status: "failed" }, 0],
      ["crusades_submissions_evaluated_total", { status: "duplicate" }, 0],
      ["crusades_weight_settings_total", { outcome: "set" }, 0],
      ["crusades_weight_settings_total", { outcome: "failed" }, 0],
    ]);
  });

  test("behavior: fed events become counters and a cumulative duration histogram per status", () => {
    const m = createValidatorMetrics();
    m.ingestionCycle("revealed", false);
    m.ingestionCycle("revealed", false);
    m.ingestionCycle("revealed", true);
    m.ingestionCycle("plain", false);
    m.submissionEvaluated("finished", 45);
    m.submissionEvaluated("finished", 4000);
    m.submissionEvaluated("failed", 0.5);
    m.submissionEvaluated("queued", 30);
    m.evaluationError("docker_unavailable");
    m.weightSetting("set");
    m.weightSetting("failed");
    m.weightSetting("set");
    const rendered = text(m.render());
    const { samples } = parseExposition(rendered);
    expect(value(samples, "crusades_ingestion_cycles_total", { source: "revealed" })).toEqual([3]);
    expect(value(samples, "crusades_ingestion_failures_total", { source: "revealed" })).toEqual([1]);
    expect(value(samples, "crusades_ingestion_cycles_total", { source: "plain" })).toEqual([1]);
    expect(value(samples, "crusades_ingestion_failures_total", { source: "plain" })).toEqual([0]); // exists from the first cycle
    expect(value(samples, "crusades_submissions_evaluated_total", { status: "finished" })).toEqual([2]);
    expect(value(samples, "crusades_submissions_evaluated_total", { status: "failed" })).toEqual([1]);
    expect(value(samples, "crusades_submissions_evaluated_total", { status: "duplicate" })).toEqual([0]);
    expect(value(samples, "crusades_submissions_evaluated_total", { status: "queued" })).toEqual([1]);
    expect(value(samples, "crusades_evaluation_errors_total", { type: "docker_unavailable" })).toEqual([1]);
    expect(value(samples, "crusades_weight_settings_total", { outcome: "set" })).toEqual([2]);
    expect(value(samples, "crusades_weight_settings_total", { outcome: "failed" })).toEqual([1]);

    const finishedCumulative = [["1", 0], ["10", 0], ["30", 0], ["60", 1], ["120", 1], ["300", 1], ["600", 1], ["1200", 1], ["1800", 1], ["3600", 1], ["7200", 2], ["14400", 2], ["+Inf", 2]] as const;
    expect(rendered).toContain(
      [
        ...finishedCumulative.map(([le, n]) => `crusades_evaluation_duration_seconds_bucket{status="finished",le="${le}"} ${n}`),
        'crusades_evaluation_duration_seconds_sum{status="finished"} 4045',
        'crusades_evaluation_duration_seconds_count{status="finished"} 2',
      ].join("\n"),
    );
    const failedBuckets = samples.filter((s) => s.name === "crusades_evaluation_duration_seconds_bucket" && s.labels["status"] === "failed");
    expect(failedBuckets.map((s) => s.labels["le"])).toEqual([...EVALUATION_DURATION_BUCKETS_SECONDS.map(String), "+Inf"]);
    expect(failedBuckets.every((s) => s.value === 1)).toBe(true);
    expect(value(samples, "crusades_evaluation_duration_seconds_sum", { status: "failed" })).toEqual([0.5]);
  });

  test("behavior: a label value is escaped", () => {
    const m = createValidatorMetrics();
    m.evaluationError('odd"type\\');
    const rendered = text(m.render());
    expect(rendered).toContain('crusades_evaluation_errors_total{type="odd\\"type\\\\"} 1');
    expect(() => parseExposition(rendered)).not.toThrow();
  });

  test("error: a negative or non-finite duration is a programmer error", () => {
    const m = createValidatorMetrics();
    for (const bad of [-1, NaN, Infinity]) expect(() => m.submissionEvaluated("finished", bad)).toThrow(RangeError);
    expect(value(parseExposition(text(m.render())).samples, "crusades_submissions_evaluated_total", { status: "finished" })).toEqual([0]);
  });
});

describe("/metrics with the daemon's registry", () => {
  const hparams = testHparams();
  let t: ReturnType<typeof tempStore> | null = null;
  let api: StartedApi | null = null;
  afterEach(async () => {
    await api?.close();
    t?.cleanup();
    api = null;
    t = null;
  });

  test("behavior: the daemon's families follow the store's gauges, current at every scrape (never cached)", async () => {
    t = tempStore();
    populate(t.store, hparams, new Date());
    const metrics = createValidatorMetrics();
    api = await startApi({ store: t.store, hparams, currentBlock: async () => 1000, validatorMetrics: metrics, cacheMs: 60_000 });
    metrics.ingestionCycle("revealed", false);
    metrics.submissionEvaluated("finished", 120);
    const first = await api.get("/metrics");
    expect(first.status).toBe(200);
    const { types, samples } = parseExposition(first.text);
    const names = [...types.keys()];
    expect(names.slice(-Object.keys(DAEMON_FAMILIES).length)).toEqual(Object.keys(DAEMON_FAMILIES));
    expect(names).toContain("crusades_submissions"); // the store's gauges are still there
    expect(value(samples, "crusades_submissions", { status: "finished" })).toEqual([3]);
    expect(value(samples, "crusades_ingestion_cycles_total", { source: "revealed" })).toEqual([1]);
    expect(value(samples, "crusades_evaluation_duration_seconds_count", { status: "finished" })).toEqual([1]);

    metrics.weightSetting("failed");
    metrics.ingestionCycle("revealed", true);
    const second = parseExposition((await api.get("/metrics")).text).samples;
    expect(value(second, "crusades_weight_settings_total", { outcome: "failed" })).toEqual([1]);
    expect(value(second, "crusades_ingestion_failures_total", { source: "revealed" })).toEqual([1]);
  });

  test("behavior: renderMetrics without a registry has the store's gauges only", () => {
    t = tempStore();
    const ctx = { store: t.store, hparams, version: VERSION, now: () => new Date(), currentBlock: async () => null, validator: null };
    const { types } = parseExposition(renderMetrics(ctx));
    expect([...types.values()].every((type) => type === "gauge")).toBe(true);
    expect([...types.keys()].some((name) => name in DAEMON_FAMILIES)).toBe(false);
  });
});

describe("metricsObservers (crusades validate's wiring of the daemon to the registry)", () => {
  test("behavior: each daemon observer feeds its metric; a weight check that was not due feeds none", () => {
    const m = createValidatorMetrics();
    const o = metricsObservers(m);
    o.onIngested!({ source: "plain", block: 10, seen: 0, skipped: 0, outcomes: {}, submissionIds: [], gaps: 0 });
    o.onIngestionFailed!("revealed", "the metagraph could not be read");
    o.onEvaluated!({ submissionId: "s", status: "duplicate", finalScore: null, errorCode: null }, 2500);
    o.onEvaluationError!({ type: "evaluation_aborted", message: "aborted" } as Parameters<NonNullable<typeof o.onEvaluationError>>[0], 10);
    o.onWeights!({ kind: "set", uids: [1], weights: [65535], values: [1], block: 100 });
    o.onWeights!({ kind: "not_due", blocksLeft: 3 });
    const { samples } = parseExposition(text(m.render()));
    expect(value(samples, "crusades_ingestion_cycles_total", { source: "plain" })).toEqual([1]);
    expect(value(samples, "crusades_ingestion_failures_total", { source: "plain" })).toEqual([0]);
    expect(value(samples, "crusades_ingestion_failures_total", { source: "revealed" })).toEqual([1]);
    expect(value(samples, "crusades_submissions_evaluated_total", { status: "duplicate" })).toEqual([1]);
    expect(value(samples, "crusades_evaluation_duration_seconds_sum", { status: "duplicate" })).toEqual([2.5]);
    expect(value(samples, "crusades_evaluation_errors_total", { type: "evaluation_aborted" })).toEqual([1]);
    expect(value(samples, "crusades_weight_settings_total", { outcome: "set" })).toEqual([1]);
    expect(value(samples, "crusades_weight_settings_total", { outcome: "failed" })).toEqual([0]);
  });
});
