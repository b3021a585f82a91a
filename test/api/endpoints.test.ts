/**
 * Every endpoint's shape and figures over one populated store (fixtures.ts `populate`): the
 * reference's field names (§J.2), the project's additions, and the competition-version filter.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decayedThreshold } from "../../src/scoring/index.js";
import { getLeaderState } from "../../src/store/index.js";
import { IDS, populate, startApi, tempStore, testHparams, VERSION, type StartedApi } from "./fixtures.js";

const NOW = new Date();
const hparams = testHparams("after_superseded");
let block: number | null = 1210;
let t: ReturnType<typeof tempStore>;
let api: StartedApi;

beforeAll(async () => {
  t = tempStore();
  populate(t.store, hparams, NOW);
  api = await startApi({ store: t.store, hparams, currentBlock: async () => block, now: () => NOW, validator: { hotkey: "5Validator", startedAt: new Date(NOW.getTime() - (26 * 60 + 3) * 60_000) } });
});
afterAll(async () => {
  await api.close();
  t.cleanup();
});

describe("/health", () => {
  test("behavior: healthy, JSON with charset", async () => {
    const r = await api.get("/health");
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: "healthy" });
    expect(r.headers.get("content-type")).toBe("application/json; charset=utf-8");
  });
});

describe("/api/stats/overview", () => {
  test("behavior: the reference's fields, rank 1 and the score to beat from the leader record", async () => {
    block = 1210;
    const { body } = await api.get("/api/stats/overview");
    expect(Object.keys(body).sort()).toEqual(["active_miners", "adaptive_threshold", "current_top_score", "mfu_to_beat", "score_improvement_24h", "submissions_24h", "total_submissions"]);
    const thr = decayedThreshold(getLeaderState(t.store, VERSION), 1210, hparams.adaptive_threshold);
    expect(body).toEqual({
      submissions_24h: 6, // B, C, D, E, G, F; A is 3 days old; X is version 18
      current_top_score: 60, // the leader B, not C's higher raw 61
      mfu_to_beat: Math.round(60 * (1 + thr) * 1e4) / 1e4,
      adaptive_threshold: thr,
      score_improvement_24h: 20, // 60 against A's 50, the best a day ago
      total_submissions: 7,
      active_miners: 5, // hkB, hkC (twice), hkE, hkG, hkF
    });
  });
});

describe("/api/stats/validator", () => {
  test("behavior: running with the oldest in-progress submission, counts, uptime since the validator's start", async () => {
    const { body } = await api.get("/api/stats/validator");
    expect(body).toEqual({
      status: "running",
      evaluations_completed_1h: 9, // non-void runs of A, B, C; X's are version 18
      current_evaluation: { submission_id: IDS.g, miner_uid: 7 },
      uptime: "1d 2h 3m",
      queued_count: 1,
      running_count: 1,
      finished_count: 3,
      failed_count: 2,
      success_rate: "60.0%",
      validator_hotkey: "5Validator",
      started_at: new Date(NOW.getTime() - (26 * 60 + 3) * 60_000).toISOString(),
    });
  });

  test("behavior: without validator info the uptime runs from the version's first submission", async () => {
    const other = await startApi({ store: t.store, hparams, currentBlock: async () => null, now: () => NOW });
    try {
      const { body } = await other.get("/api/stats/validator");
      expect(body.uptime).toBe("3d 0h 0m"); // A, created 72 h before NOW
      expect(body.validator_hotkey).toBeNull();
    } finally {
      await other.close();
    }
  });
});

describe("/api/stats/recent", () => {
  test("behavior: final submissions newest first, both status vocabularies, no URL or code", async () => {
    const { body } = await api.get("/api/stats/recent");
    expect(body.map((r: { submission_id: string }) => r.submission_id)).toEqual([IDS.e, IDS.d, IDS.c, IDS.b, IDS.a]);
    expect(body[0]).toEqual({
      submission_id: IDS.e,
      miner_hotkey: "hkE",
      miner_uid: 5,
      status: "failed_evaluation",
      project_status: "duplicate",
      final_score: null,
      created_at: expect.any(String),
      error: `same code as ${IDS.b}`,
      error_code: null,
    });
    expect(body[1]).toMatchObject({ status: "failed_evaluation", project_status: "failed", error_code: "scan_rejected", error: "1 violation" });
    expect(body[2]).toMatchObject({ status: "finished", final_score: 61 });
    expect(JSON.stringify(body)).not.toMatch(/gist|inner_steps/);
  });

  test("args: limit cuts the list", async () => {
    const { body } = await api.get("/api/stats/recent?limit=2");
    expect(body.map((r: { submission_id: string }) => r.submission_id)).toEqual([IDS.e, IDS.d]);
  });
});

describe("/api/stats/history", () => {
  test("behavior: running maximum of finished scores in creation order", async () => {
    const { body } = await api.get("/api/stats/history");
    expect(body).toEqual([
      { submission_id: IDS.a, mfu: 50, timestamp: expect.any(String) },
      { submission_id: IDS.b, mfu: 60, timestamp: expect.any(String) },
      { submission_id: IDS.c, mfu: 61, timestamp: expect.any(String) },
    ]);
  });

  test("args: limit keeps the last points", async () => {
    const { body } = await api.get("/api/stats/history?limit=2");
    expect(body.map((p: { submission_id: string }) => p.submission_id)).toEqual([IDS.b, IDS.c]);
  });
});

describe("/api/stats/queue", () => {
  test("behavior: the reference's fields over the project's statuses", async () => {
    const { body } = await api.get("/api/stats/queue");
    expect(body).toEqual({ queued_count: 1, running_count: 1, finished_count: 3, failed_count: 2, avg_wait_time_seconds: 0, avg_score: 57, pending_count: 1 });
  });
});

describe("/api/stats/threshold", () => {
  test("behavior: the leader record, decayed in blocks from the chain's block", async () => {
    block = 1210;
    const { body } = await api.get("/api/stats/threshold");
    const state = getLeaderState(t.store, VERSION);
    const expected = decayedThreshold(state, 1210, hparams.adaptive_threshold);
    expect(expected).toBeCloseTo(0.01 + 0.19 * 0.95 ** 10, 12);
    expect(body).toEqual({
      current_threshold: 0.2,
      last_improvement: (60 - 50) / 50,
      last_update_block: 210,
      decayed_threshold: expected,
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      leader_id: IDS.b,
      leader_score: 60,
      threshold_block: 210,
      current_block: 1210,
      mfu_to_beat: 60 * (1 + expected),
    });
  });

  test("behavior: more blocks, less threshold", async () => {
    block = 5210;
    const { body } = await api.get("/api/stats/threshold");
    expect(body.decayed_threshold).toBeCloseTo(decayedThreshold(getLeaderState(t.store, VERSION), 5210, hparams.adaptive_threshold), 12);
    expect(body.decayed_threshold).toBeLessThan(0.03);
    block = 1210;
  });

  test("behavior: an unknown block shows the stored threshold undecayed (the leader's threshold_block)", async () => {
    block = null;
    const { body } = await api.get("/api/stats/threshold");
    expect(body).toMatchObject({ decayed_threshold: 0.2, current_block: null, threshold_block: 210 });
    block = 1210;
  });
});

describe("/leaderboard", () => {
  test("behavior: rank 1 is the stored leader, then raw score; void runs are not evaluations", async () => {
    const { body } = await api.get("/leaderboard");
    expect(body).toEqual([
      { rank: 1, submission_id: IDS.b, miner_hotkey: "hkB", miner_uid: 2, final_score: 60, num_evaluations: 3, created_at: expect.any(String) },
      { rank: 2, submission_id: IDS.c, miner_hotkey: "hkC", miner_uid: 3, final_score: 61, num_evaluations: 3, created_at: expect.any(String) },
      { rank: 3, submission_id: IDS.a, miner_hotkey: "hkA", miner_uid: 1, final_score: 50, num_evaluations: 3, created_at: expect.any(String) },
    ]);
  });

  test("args: limit=1 is the leader alone, limit=2 adds the best other", async () => {
    expect((await api.get("/leaderboard?limit=1")).body.map((r: { submission_id: string }) => r.submission_id)).toEqual([IDS.b]);
    expect((await api.get("/leaderboard?limit=2")).body.map((r: { submission_id: string }) => r.submission_id)).toEqual([IDS.b, IDS.c]);
  });
});

describe("/api/submissions/{id}", () => {
  test("behavior: the whole row in the reference's names, both vocabularies, the project's columns", async () => {
    const { body } = await api.get(`/api/submissions/${IDS.d}`);
    expect(body).toEqual({
      submission_id: IDS.d,
      miner_hotkey: "hkC",
      miner_uid: 3,
      code_hash: expect.stringMatching(/^[0-9a-f]{32}$/),
      bucket_path: `https://gist.githubusercontent.com/hkC/${IDS.d}/raw/train.py`,
      spec_version: VERSION,
      status: "failed_evaluation",
      project_status: "failed",
      created_at: expect.any(String),
      updated_at: expect.any(String),
      final_score: null,
      error_message: "1 violation",
      error_code: "scan_rejected",
      code_content: expect.stringContaining("import ctypes"),
      code_disclosed: true,
      payment_verified: true,
      scan_violations: [{ rule: "forbidden_import", line: 1, col: 0, message: "import of ctypes" }],
      scanner_rules_hash: null,
      strategy: null,
      code_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      reveal_block: 350,
      finished_block: null,
      download_attempts: 0,
    });
  });

  test("behavior: a finished row carries its score, strategy and finishing block", async () => {
    const { body } = await api.get(`/api/submissions/${IDS.c}`);
    expect(body).toMatchObject({ status: "finished", project_status: "finished", final_score: 61, strategy: { dp_size: 4, tp_size: 1, num_gpus: 4 }, finished_block: 310 });
  });

  test("behavior: queued and in-progress rows read as the reference's evaluating", async () => {
    expect((await api.get(`/api/submissions/${IDS.f}`)).body).toMatchObject({ status: "evaluating", project_status: "queued" });
    expect((await api.get(`/api/submissions/${IDS.g}`)).body).toMatchObject({ status: "evaluating", project_status: "evaluating" });
  });

  test("behavior: not filtered by version (as the reference)", async () => {
    const { status, body } = await api.get(`/api/submissions/${IDS.x}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ spec_version: 18, final_score: 99 });
  });

  test("error: an unknown id is 404 with the reference's detail; a percent-encoded id is decoded", async () => {
    const r = await api.get("/api/submissions/nope");
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ detail: "Submission not found" });
    expect((await api.get(`/api/submissions/${encodeURIComponent(IDS.c)}`)).body.submission_id).toBe(IDS.c);
    expect((await api.get("/api/submissions/%E0%A4%A")).status).toBe(404);
  });
});

describe("/api/submissions/{id}/evaluations", () => {
  test("behavior: every run in order, void included, with the reference's and the project's fields", async () => {
    const { body } = await api.get(`/api/submissions/${IDS.b}/evaluations`);
    expect(body.map((e: { run_no: number }) => e.run_no)).toEqual([1, 2, 3]);
    expect(Object.keys(body[0]).sort()).toEqual(
      [
        "evaluation_id", "submission_id", "evaluator_hotkey", "mfu", "tokens_per_second", "total_tokens", "wall_time_seconds", "success", "error", "created_at",
        "error_code", "status", "superseded", "run_no", "seed", "mfu_comparable", "measured", "timing", "checks", "verification", "provenance",
      ].sort(),
    );
    expect(body[0]).toMatchObject({
      evaluation_id: `${IDS.b}-run1`,
      submission_id: IDS.b,
      evaluator_hotkey: "5ValidatorHotkey",
      mfu: 60,
      tokens_per_second: 1234.5,
      total_tokens: 655_360,
      wall_time_seconds: 531,
      success: true,
      error: null,
      error_code: null,
      status: "success",
      superseded: false,
      checks: [{ id: "supervisor_status" }, { id: "mfu_plausible", figure: 60 }],
      verification: { relativeError: 0.004, changedRatio: 0.9 },
      provenance: { hparamsHash: "4".repeat(64), scannerRulesHash: "3".repeat(64), codeSha256: "5".repeat(64) },
    });
    expect(body[1]).toMatchObject({ success: false, status: "failed", error_code: "loss_mismatch", error: expect.stringContaining("loss") });
  });

  test("behavior: a void run is listed with its code", async () => {
    const { body } = await api.get(`/api/submissions/${IDS.a}/evaluations`);
    expect(body).toHaveLength(4);
    expect(body[1]).toMatchObject({ status: "void", success: false, error_code: "infrastructure_error" });
  });

  test("behavior: an unknown id has no evaluations (200 [], as the reference)", async () => {
    const r = await api.get("/api/submissions/nope/evaluations");
    expect(r.status).toBe(200);
    expect(r.body).toEqual([]);
  });
});

describe("/api/submissions/{id}/code", () => {
  test("behavior: disclosed code with its hash", async () => {
    const { body } = await api.get(`/api/submissions/${IDS.a}/code`);
    expect(body).toEqual({ code: expect.stringContaining(`# ${IDS.a}`), code_hash: expect.stringMatching(/^[0-9a-f]{32}$/), disclosed: true });
  });

  test("behavior: an unknown id gives nulls (as the reference)", async () => {
    expect((await api.get("/api/submissions/nope/code")).body).toEqual({ code: null, code_hash: null, disclosed: false });
  });
});

describe("/api/commitments", () => {
  test("behavior: the version's ingestion outcomes, newest reveal first", async () => {
    const { body } = await api.get("/api/commitments");
    expect(body.map((c: { hotkey: string; reveal_block: number }) => `${c.hotkey}@${c.reveal_block}`)).toEqual(["hkC@460", "hkD@450", "hkB@200", "hkA@100"]);
    expect(body[1]).toEqual({
      hotkey: "hkD",
      uid: 1,
      reveal_block: 450,
      payload_sha256: "hkD-450",
      source: "revealed",
      list_index: 0,
      outcome: "rate_limited",
      reason: "rate_limited because",
      submission_id: null,
      submission_status: null,
      final_score: null,
      error_code: null,
      spec_version: VERSION,
      ingested_block: 455,
      raw_text: null, // no submission: its URL is never served
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  test("behavior: a commitment that made a submission carries its status, score and error code", async () => {
    const { body } = await api.get("/api/commitments");
    const withSubmission = body.filter((c: { submission_id: string | null }) => c.submission_id !== null) as { submission_status: string; final_score: number | null; error_code: string | null }[];
    expect(withSubmission.length).toBeGreaterThan(0);
    for (const c of withSubmission) {
      if (c.submission_status === "finished") expect(typeof c.final_score).toBe("number");
      else expect(c.final_score).toBeNull();
      if (c.submission_status === "failed") expect(typeof c.error_code).toBe("string");
    }
    expect(withSubmission.some((c) => c.submission_status === "finished")).toBe(true);
  });

  test("args: hotkey filters; an empty hotkey is no filter; limit cuts", async () => {
    expect((await api.get("/api/commitments?hotkey=hkD")).body.map((c: { outcome: string }) => c.outcome)).toEqual(["rate_limited"]);
    expect((await api.get("/api/commitments?hotkey=nobody")).body).toEqual([]);
    expect((await api.get("/api/commitments?hotkey=")).body).toHaveLength(4);
    expect((await api.get("/api/commitments?limit=1")).body).toHaveLength(1);
  });
});

describe("/api/leader/history", () => {
  test("behavior: every finalisation newest first, changed or not", async () => {
    const { body } = await api.get("/api/leader/history");
    expect(body.map((h: { submission_id: string; reason: string; changed: boolean }) => [h.submission_id, h.reason, h.changed])).toEqual([
      [IDS.c, "within_threshold", false],
      [IDS.b, "beat_threshold", true],
      [IDS.a, "first_leader", true],
    ]);
    expect(body[1]).toEqual({
      submission_id: IDS.b,
      block: 210,
      reason: "beat_threshold",
      changed: true,
      old_leader_id: IDS.a,
      old_leader_score: 50,
      old_threshold: 0.01,
      old_threshold_block: 110,
      new_leader_id: IDS.b,
      new_leader_score: 60,
      new_threshold: 0.2,
      new_threshold_block: 210,
      threshold_applied: 0.01,
      score_to_beat: 50 * 1.01,
      created_at: expect.any(String),
    });
    expect((await api.get("/api/leader/history?limit=1")).body).toHaveLength(1);
  });
});

describe("/api/weights/latest", () => {
  test("behavior: the last successful setting and the last attempt", async () => {
    const { body } = await api.get("/api/weights/latest");
    expect(body.latest).toEqual({
      block: 500,
      uids: [1, 2],
      weights: [1, 0],
      leader: { leader_id: IDS.b, leader_score: 60, threshold: 0.2, threshold_block: 210 },
      mode: "set_weights",
      tx_hash: "0xfeed",
      outcome: "set",
      error: null,
      created_at: expect.any(String),
    });
    expect(body.last_attempt).toMatchObject({ block: 600, outcome: "failed", error: "rate limited by the chain" });
  });
});

describe("competition version", () => {
  test("behavior: version 18's rows appear nowhere but under their own id", async () => {
    for (const p of ["/leaderboard", "/api/stats/recent", "/api/stats/history", "/api/commitments", "/api/leader/history"]) {
      const { text } = await api.get(p);
      expect(text, p).not.toContain("v18_");
      expect(text, p).not.toContain("hkX");
    }
    expect((await api.get("/metrics")).text).toMatch(/^crusades_runs\{status="success"\} 8$/m); // X's 2 runs not counted
  });

  test("behavior: a server for version 18 shows version 18's leader and nothing of 19", async () => {
    const v18 = await startApi({ store: t.store, hparams: testHparams("after_superseded", { competition_version: 18 }), currentBlock: async () => 100, now: () => NOW });
    try {
      expect((await v18.get("/leaderboard")).body.map((r: { submission_id: string }) => r.submission_id)).toEqual([IDS.x]);
      expect((await v18.get("/api/stats/overview")).body).toMatchObject({ current_top_score: 99, total_submissions: 1 });
      expect((await v18.get("/api/stats/threshold")).body).toMatchObject({ leader_id: IDS.x, threshold_block: 60 });
      expect((await v18.get("/api/commitments")).body.map((c: { hotkey: string }) => c.hotkey)).toEqual(["hkX"]);
    } finally {
      await v18.close();
    }
  });
});
