/**
 * The HTTP API over a real store: the reference's paths and fields, the leader record as rank 1
 * and as the threshold, disclosure of code and URL, the API key, CORS, errors, and /metrics.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiServer, type ApiServer } from "../../src/api/index.js";
import { parseHparams, type Hparams } from "../../src/config/index.js";
import type { RunResult } from "../../src/evaluation/index.js";
import { decayedThreshold, updateLeader } from "../../src/scoring/index.js";
import { applyLeaderUpdate, getLeaderState, insertRun, insertSubmission, openStore, putCode, recordIngested, updateSubmission, type Store } from "../../src/store/index.js";

const REPO = path.join(import.meta.dirname, "..", "..");
let dir: string;
let store: Store;
let api: ApiServer;
let base: string;
let block = 1000;
let hparams: Hparams;

function run(id: string, runNo: number, mfu: number, status: RunResult["status"] = "success"): RunResult {
  return {
    runId: `${id}-r${runNo}`, runNo, seed: "s", status, errorCode: status === "success" ? null : "loss_mismatch", error: null, mfu, tps: 10, totalUniqueTokens: 100,
    measured: null, timing: null, referenceLoss: 1, candidateLoss: 1, modelParams: 1, strategy: { dpSize: 1, tpSize: 1, numGpus: 1 }, checks: [], verification: null,
    supervisor: null, mfuComparable: false, steps: { reference: null, candidate: null }, durations: { referenceMs: 1, candidateMs: 1, verifyMs: 1, totalMs: 3 }, runDir: "/tmp/x",
    provenance: { imageId: null, imageTag: null, harnessHash: null, referenceHarnessHash: null, scannerRulesHash: "r", hparamsHash: "h", codeSha256: "c", seed: "s", taskId: 1, initialStateSha256: null,
      referenceStateSha256: null, candidateStateSha256: null, referenceJsonSha256: null, supervisorResultSha256: null, device: "cpu", runner: "docker", sandboxProfile: "strict", versions: {} },
  };
}

function finish(id: string, hotkey: string, uid: number, score: number, at: number): void {
  insertSubmission(store, { submissionId: id, minerHotkey: hotkey, minerUid: uid, codeHash: id.padEnd(32, "0").slice(0, 32), bucketPath: `https://code.example/${id}.py`, specVersion: 19, revealBlock: at, paymentVerified: false });
  const sha = putCode(store, new TextEncoder().encode(`def inner_steps(): pass  # ${id}\n`));
  for (let n = 1; n <= 3; n++) insertRun(store, id, run(id, n, score), "validator-hk");
  updateSubmission(store, id, { status: "finished", finalScore: score, codeSha256: sha, finishedBlock: at });
  applyLeaderUpdate(store, 19, updateLeader(getLeaderState(store, 19), { submissionId: id, score, block: at }, hparams.adaptive_threshold)._unsafeUnwrap());
}

async function get(p: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${p}`, { headers });
  return { status: res.status, headers: res.headers, body: res.headers.get("content-type")?.startsWith("application/json") ? ((await res.json()) as any) : await res.text() };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "crusades-api-"));
  store = openStore(path.join(dir, "c.db"))._unsafeUnwrap();
  hparams = parseHparams(JSON.parse(readFileSync(path.join(REPO, "hparams", "hparams.json"), "utf8")))._unsafeUnwrap();
  finish("v19_commit_100_1", "hkA", 1, 50, 100);
  finish("v19_commit_200_2", "hkB", 2, 60, 200);
  finish("v19_commit_300_3", "hkC", 3, 60.3, 300); // within the threshold: not the leader
  insertSubmission(store, { submissionId: "v19_commit_400_4", minerHotkey: "hkD", minerUid: 4, codeHash: "d".repeat(32), bucketPath: "https://code.example/evil.py", specVersion: 19, revealBlock: 400, paymentVerified: false });
  updateSubmission(store, "v19_commit_400_4", { status: "failed", errorCode: "scan_rejected", errorMessage: "1 violation(s)", scanViolations: [{ rule: "import.forbidden", line: 3 }] });
  insertSubmission(store, { submissionId: "v18_commit_50_9", minerHotkey: "hkOld", minerUid: 9, codeHash: "e".repeat(32), bucketPath: "https://code.example/old.py", specVersion: 18, revealBlock: 50, paymentVerified: false });
  recordIngested(store, { hotkey: "hkD", revealBlock: 450, payloadSha256: "ab", source: "revealed", listIndex: 0, uid: 4, rawText: "x", outcome: "rate_limited", reason: "60 blocks short", submissionId: null, specVersion: 19, ingestedBlock: 460 });
  api = createApiServer({ store, hparams, currentBlock: async () => block, host: "127.0.0.1", port: 0, cacheMs: 0 });
  base = (await api.listen()).url;
});

afterAll(async () => {
  await api.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("API", () => {
  test("behavior: /health and the reference's overview fields", async () => {
    expect((await get("/health")).body).toEqual({ status: "healthy" });
    const o = (await get("/api/stats/overview")).body;
    expect(Object.keys(o).sort()).toEqual(["active_miners", "adaptive_threshold", "current_top_score", "mfu_to_beat", "score_improvement_24h", "submissions_24h", "total_submissions"]);
    expect(o.current_top_score).toBe(60);
    expect(o.total_submissions).toBe(4); // the v18 row is another competition
  });

  test("behavior: rank 1 is the stored leader even when a later score is higher", async () => {
    const board = (await get("/leaderboard")).body as { rank: number; submission_id: string; num_evaluations: number }[];
    expect(board.map((r) => r.submission_id)).toEqual(["v19_commit_200_2", "v19_commit_300_3", "v19_commit_100_1"]);
    expect(board[0]).toMatchObject({ rank: 1, num_evaluations: 3 });
  });

  test("behavior: the threshold decays in blocks from the chain's block", async () => {
    block = 1200;
    const t = (await get("/api/stats/threshold")).body;
    const state = getLeaderState(store, 19);
    expect(t).toMatchObject({ leader_id: "v19_commit_200_2", leader_score: 60, threshold_block: 200, current_block: 1200 });
    expect(t.decayed_threshold).toBeCloseTo(decayedThreshold(state, 1200, hparams.adaptive_threshold), 12);
    expect(t.decayed_threshold).toBeLessThan(state.threshold!);
  });

  test("behavior: the leader's code and URL stay hidden; superseded and failed ones are shown", async () => {
    const leader = (await get("/api/submissions/v19_commit_200_2")).body;
    expect(leader).toMatchObject({ status: "finished", project_status: "finished", bucket_path: null, code_content: null, code_hash: expect.any(String) });
    expect((await get("/api/submissions/v19_commit_200_2/code")).body.code).toMatch(/^# Code not available/);
    const old = (await get("/api/submissions/v19_commit_100_1")).body;
    expect(old.bucket_path).toBe("https://code.example/v19_commit_100_1.py");
    expect(old.code_content).toContain("def inner_steps");
    const failed = (await get("/api/submissions/v19_commit_400_4")).body;
    expect(failed).toMatchObject({ status: "failed_evaluation", project_status: "failed", error_code: "scan_rejected", scan_violations: [{ rule: "import.forbidden", line: 3 }] });
  });

  test("behavior: evaluations carry the project's fields; recent, history, queue, commitments", async () => {
    const evals = (await get("/api/submissions/v19_commit_100_1/evaluations")).body as Record<string, unknown>[];
    expect(evals).toHaveLength(3);
    expect(evals[0]).toMatchObject({ evaluation_id: "v19_commit_100_1-r1", success: true, mfu: 50, run_no: 1, evaluator_hotkey: "validator-hk", provenance: { hparamsHash: "h" } });
    const history = (await get("/api/stats/history")).body as { mfu: number }[];
    expect(history.map((h) => h.mfu)).toEqual([50, 60, 60.3]);
    expect((await get("/api/stats/queue")).body).toMatchObject({ finished_count: 3, failed_count: 1, queued_count: 0 });
    expect((await get("/api/commitments?hotkey=hkD")).body).toEqual([expect.objectContaining({ outcome: "rate_limited", reason: "60 blocks short", reveal_block: 450 })]);
    expect(((await get("/api/stats/recent?limit=2")).body as unknown[]).length).toBe(2);
  });

  test("error: 404, 405, 422 with a message naming the parameter; CORS preflight", async () => {
    expect((await get("/api/submissions/nope")).status).toBe(404);
    expect((await get("/nothing")).status).toBe(404);
    const bad = await get("/leaderboard?limit=0");
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toMatch(/'limit'/);
    expect((await fetch(`${base}/health`, { method: "POST" })).status).toBe(405);
    const pre = await fetch(`${base}/health`, { method: "OPTIONS" });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-methods")).toBe("GET");
    expect((await get("/health")).headers.get("access-control-allow-origin")).toBe("*");
  });

  test("behavior: /metrics is Prometheus text", async () => {
    const text = (await get("/metrics")).body as string;
    expect(text).toMatch(/^crusades_submissions\{status="finished"\} 3$/m);
    expect(text).toMatch(/^crusades_leader_score 60$/m);
    expect(text).toMatch(/^crusades_commitments_ingested\{outcome="rate_limited"\} 1$/m);
  });

  test("error: with an API key, requests without the right key get 401", async () => {
    const keyed = createApiServer({ store, hparams, currentBlock: async () => null, host: "127.0.0.1", port: 0, apiKey: "s3cret" });
    const { url } = await keyed.listen();
    try {
      expect((await fetch(`${url}/health`)).status).toBe(401);
      expect((await fetch(`${url}/health`, { headers: { "X-API-Key": "wrong" } })).status).toBe(401);
      expect((await fetch(`${url}/health`, { headers: { "X-API-Key": "s3cret" } })).status).toBe(200);
    } finally {
      await keyed.close();
    }
  });
});

describe("response cache", () => {
  test("behavior: a repeated read is served from the cache until the store changes or it ages out", async () => {
    const cached = createApiServer({ store, hparams, currentBlock: async () => block, host: "127.0.0.1", port: 0, cacheMs: 60_000 });
    const { url } = await cached.listen();
    try {
      const read = async () => ((await (await fetch(`${url}/api/stats/queue`)).json()) as { queued_count: number }).queued_count;
      const before = await read();
      // Unchanged store: the threshold is served as computed at the first read, though the chain moved on.
      const threshold = async () => ((await (await fetch(`${url}/api/stats/threshold`)).json()) as { current_block: number }).current_block;
      const first = await threshold();
      block += 50;
      expect(await threshold()).toBe(first);
      // A write through the same connection (as the validator's in-process writes are) invalidates.
      insertSubmission(store, { submissionId: "v19_commit_500_5", minerHotkey: "hkE", minerUid: 5, codeHash: "f".repeat(32), bucketPath: "https://code.example/e.py", specVersion: 19, revealBlock: 500, paymentVerified: false });
      expect(await read()).toBe(before + 1);
      // A write through another connection (a separate validator process) invalidates too.
      const other = openStore(path.join(dir, "c.db"))._unsafeUnwrap();
      updateSubmission(other, "v19_commit_500_5", { status: "failed", errorCode: "download_failed" });
      other.close();
      expect(await read()).toBe(before);
    } finally {
      await cached.close();
    }
  });
});
