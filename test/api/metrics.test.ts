/**
 * `/metrics` parsed as Prometheus text exposition 0.0.4: every line a comment or a sample, every
 * family typed as a gauge before its samples, values as stored for the current version.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { renderMetrics } from "../../src/api/index.js";
import { parseExposition, value } from "./exposition.js";
import { populate, startApi, tempStore, testHparams, VERSION, type StartedApi } from "./fixtures.js";

const hparams = testHparams();
let t: ReturnType<typeof tempStore>;
let api: StartedApi;

beforeAll(async () => {
  t = tempStore();
  populate(t.store, hparams, new Date());
  api = await startApi({ store: t.store, hparams, currentBlock: async () => 1000 });
});
afterAll(async () => {
  await api.close();
  t.cleanup();
});

describe("/metrics", () => {
  test("behavior: parses as the text format; every family a gauge with help", async () => {
    const r = await api.get("/metrics");
    expect(r.status).toBe(200);
    const { types, help, samples } = parseExposition(r.text);
    expect([...types.keys()].sort()).toEqual([
      "crusades_commitments_ingested", "crusades_ingestion_cursor_block", "crusades_ingestion_gaps", "crusades_last_weight_set_block", "crusades_leader_score", "crusades_queue_length", "crusades_runs", "crusades_submissions",
    ]);
    for (const [name, type] of types) {
      expect(type, name).toBe("gauge");
      expect(help.get(name), name).toBeTruthy();
    }
    expect(samples.every((s) => Number.isFinite(s.value))).toBe(true);
  });

  test("behavior: values of the current version as stored", async () => {
    const { samples } = parseExposition((await api.get("/metrics")).text);
    const byStatus = Object.fromEntries(samples.filter((s) => s.name === "crusades_submissions").map((s) => [s.labels["status"], s.value]));
    expect(byStatus).toEqual({ queued: 1, downloading: 0, scanning: 0, evaluating: 1, finished: 3, failed: 1, duplicate: 1 });
    expect(value(samples, "crusades_runs", { status: "success" })).toEqual([8]);
    expect(value(samples, "crusades_runs", { status: "failed" })).toEqual([1]);
    expect(value(samples, "crusades_runs", { status: "void" })).toEqual([1]);
    expect(value(samples, "crusades_commitments_ingested", { outcome: "accepted" })).toEqual([2]); // version 18's is not counted
    expect(value(samples, "crusades_commitments_ingested", { outcome: "rate_limited" })).toEqual([1]);
    expect(value(samples, "crusades_commitments_ingested", { outcome: "payment_failed" })).toEqual([0]);
    expect(value(samples, "crusades_ingestion_cursor_block", { source: "revealed" })).toEqual([700]);
    expect(value(samples, "crusades_ingestion_cursor_block", { source: "plain" })).toEqual([650]);
    expect(value(samples, "crusades_ingestion_gaps")).toEqual([0]);
    expect(value(samples, "crusades_leader_score")).toEqual([60]);
    expect(value(samples, "crusades_queue_length")).toEqual([1]);
    expect(value(samples, "crusades_last_weight_set_block")).toEqual([500]); // the failed attempt at 600 is not a setting
  });

  test("behavior: an empty store has zero counts and no leader or weight sample", async () => {
    const s = tempStore();
    try {
      const ctx = { store: s.store, hparams, version: VERSION, now: () => new Date(), currentBlock: async () => null, validator: null };
      const { types, samples } = parseExposition(renderMetrics(ctx));
      expect(types.get("crusades_leader_score")).toBe("gauge");
      expect(value(samples, "crusades_leader_score")).toEqual([]);
      expect(value(samples, "crusades_last_weight_set_block")).toEqual([]);
      expect(value(samples, "crusades_ingestion_cursor_block")).toEqual([]);
      expect(value(samples, "crusades_submissions", { status: "queued" })).toEqual([0]);
      expect(value(samples, "crusades_queue_length")).toEqual([0]);
    } finally {
      s.cleanup();
    }
  });

  test("behavior: an outcome outside the known list still gets its series, its label escaped", async () => {
    const s = tempStore();
    try {
      s.store.db
        .prepare(`INSERT INTO commitments_ingested (hotkey, reveal_block, payload_sha256, source, list_index, outcome, spec_version, ingested_block, created_at, updated_at) VALUES ('h', 1, 'p', 'revealed', 0, ?, ?, 1, 'x', 'x')`)
        .run('odd"outcome\\', VERSION);
      const ctx = { store: s.store, hparams, version: VERSION, now: () => new Date(), currentBlock: async () => null, validator: null };
      const text = renderMetrics(ctx);
      expect(text).toContain('crusades_commitments_ingested{outcome="odd\\"outcome\\\\"} 1');
      expect(() => parseExposition(text)).not.toThrow();
    } finally {
      s.cleanup();
    }
  });
});
