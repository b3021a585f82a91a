/**
 * The HTTP layer: API key, CORS and the preflight, 404/405/422/500 in FastAPI's `{"detail"}` form,
 * HEAD, standard JSON only (no NaN or Infinity), listening errors and mounting `handle`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiServer, ROUTE_PATHS, toStandardJson, type ApiInternalError, type ApiListenError } from "../../src/api/index.js";
import { insertSubmission, updateSubmission } from "../../src/store/index.js";
import { IDS, addSubmission, populate, startApi, tempStore, testHparams, type StartedApi } from "./fixtures.js";

const NOW = new Date();
const hparams = testHparams();
let t: ReturnType<typeof tempStore>;
let open: StartedApi;
let keyed: StartedApi;

const ALL_PATHS = [...ROUTE_PATHS, `/api/submissions/${IDS.a}`, `/api/submissions/${IDS.a}/evaluations`, `/api/submissions/${IDS.a}/code`];

beforeAll(async () => {
  t = tempStore();
  populate(t.store, hparams, NOW);
  open = await startApi({ store: t.store, hparams, currentBlock: async () => 1000, now: () => NOW });
  keyed = await startApi({ store: t.store, hparams, currentBlock: async () => 1000, now: () => NOW, apiKey: "s3cret-key" });
});
afterAll(async () => {
  await open.close();
  await keyed.close();
  t.cleanup();
});

describe("API key", () => {
  test("error: every path, /health and /metrics included, is 401 without the key", async () => {
    for (const p of ALL_PATHS) {
      const r = await keyed.get(p);
      expect(r.status, p).toBe(401);
      expect(r.body, p).toEqual({ detail: "Invalid or missing API key" });
    }
  });

  test("error: a wrong key, a prefix of the key, a longer key and an empty header are refused", async () => {
    for (const key of ["wrong", "s3cret", "s3cret-key-and-more", "", "S3CRET-KEY"]) {
      expect((await keyed.get("/health", { headers: { "X-API-Key": key } })).status, key).toBe(401);
    }
  });

  test("behavior: the right key opens every path; unknown paths are then 404", async () => {
    for (const p of ALL_PATHS) expect((await keyed.get(p, { headers: { "X-API-Key": "s3cret-key" } })).status, p).toBe(200);
    expect((await keyed.get("/nope", { headers: { "x-api-key": "s3cret-key" } })).status).toBe(404);
    expect((await keyed.get("/nope")).status).toBe(401); // no probing without the key
  });

  test("behavior: no key (or an empty one) configured means open access", async () => {
    expect((await open.get("/health")).status).toBe(200);
    const empty = await startApi({ store: t.store, hparams, currentBlock: async () => null, apiKey: "" });
    try {
      expect((await empty.get("/leaderboard")).status).toBe(200);
    } finally {
      await empty.close();
    }
  });

  test("behavior: the preflight needs no key (browsers send none)", async () => {
    const r = await fetch(`${keyed.url}/leaderboard`, { method: "OPTIONS", headers: { Origin: "https://dash.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-api-key" } });
    expect(r.status).toBe(204);
    expect(r.headers.get("access-control-allow-headers")).toBe("x-api-key");
  });
});

describe("CORS", () => {
  test("behavior: any origin on success and on errors", async () => {
    for (const p of ["/health", "/nope", "/leaderboard?limit=0"]) expect((await open.get(p, { headers: { Origin: "https://x.example" } })).headers.get("access-control-allow-origin"), p).toBe("*");
    expect((await keyed.get("/health")).headers.get("access-control-allow-origin")).toBe("*");
  });

  test("behavior: OPTIONS is a 204 preflight allowing GET only, with no body", async () => {
    const r = await fetch(`${open.url}/api/stats/overview`, { method: "OPTIONS", headers: { Origin: "https://x.example", "Access-Control-Request-Method": "GET" } });
    expect(r.status).toBe(204);
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    expect(r.headers.get("access-control-allow-methods")).toBe("GET");
    expect(r.headers.get("access-control-allow-headers")).toBe("X-API-Key");
    expect(await r.text()).toBe("");
  });

  test("behavior: requested header names are echoed, malformed ones dropped", async () => {
    const r = await fetch(`${open.url}/health`, { method: "OPTIONS", headers: { "Access-Control-Request-Headers": "x-api-key, content-type, bad header" } });
    expect(r.headers.get("access-control-allow-headers")).toBe("x-api-key, content-type");
  });
});

describe("errors", () => {
  test("error: an unknown path is 404 Not Found; trailing slashes are not folded", async () => {
    for (const p of ["/nope", "/leaderboard/", "/api/stats", "/api/submissions/", "/api/submissions/a/b/c"]) {
      const r = await open.get(p);
      expect(r.status, p).toBe(404);
      expect(r.body, p).toEqual({ detail: "Not Found" });
    }
  });

  test("error: other methods on a known path are 405 with Allow", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const r = await open.get("/leaderboard", { method });
      expect(r.status, method).toBe(405);
      expect(r.body, method).toEqual({ detail: "Method Not Allowed" });
      expect(r.headers.get("allow"), method).toBe("GET, HEAD, OPTIONS");
    }
    expect((await open.get("/nope", { method: "POST" })).status).toBe(404);
  });

  test.each([
    ["/leaderboard", 100],
    ["/api/stats/recent", 100],
    ["/api/stats/history", 1000],
    ["/api/commitments", 1000],
    ["/api/leader/history", 1000],
  ])("error: %s rejects a limit outside 1..%i or not an integer, naming the parameter", async (p, max) => {
    for (const bad of ["0", "-1", String(max + 1), "abc", "1.5", "", "1e2", "99999999999999999999"]) {
      const r = await open.get(`${p}?limit=${encodeURIComponent(bad)}`);
      expect(r.status, `${p} limit=${bad}`).toBe(422);
      expect(r.body.detail, bad).toMatch(/^query parameter 'limit': /);
    }
    expect((await open.get(`${p}?limit=1`)).status).toBe(200);
    expect((await open.get(`${p}?limit=${max}`)).status).toBe(200);
    expect((await open.get(`${p}?limit=0`)).body.detail).toBe("query parameter 'limit': input should be greater than or equal to 1");
    expect((await open.get(`${p}?limit=${max + 1}`)).body.detail).toBe(`query parameter 'limit': input should be less than or equal to ${max}`);
  });

  test("error: a store failure is a one-line 500, reported to onError, and the server keeps serving", async () => {
    const broken = tempStore();
    const errors: ApiInternalError[] = [];
    const api = await startApi({ store: broken.store, hparams, currentBlock: async () => null, onError: (e) => errors.push(e) });
    try {
      broken.store.db.exec("DROP TABLE runs");
      const r = await api.get("/leaderboard");
      expect(r.status).toBe(500);
      expect(r.body.detail).toMatch(/^Internal Server Error: no such table: runs$/);
      expect(r.text).not.toMatch(/\n|\bat .*\.ts/);
      expect(errors).toEqual([expect.objectContaining({ type: "ApiInternal", path: "/leaderboard", message: "no such table: runs" })]);
      expect((await api.get("/api/stats/queue")).status).toBe(200);
      expect((await api.get("/health")).status).toBe(200);
    } finally {
      await api.close();
      broken.cleanup();
    }
  });

  test("error: a closed store and a throwing onError still answer 500", async () => {
    const broken = tempStore();
    const api = await startApi({ store: broken.store, hparams, currentBlock: async () => null, onError: () => { throw new Error("logger down"); } });
    try {
      broken.store.close();
      const r = await api.get("/api/stats/overview");
      expect(r.status).toBe(500);
      expect(r.body.detail).toMatch(/^Internal Server Error: /);
    } finally {
      await api.close();
      broken.cleanup();
    }
  });

  test("behavior: a failing block source is an unknown block, not a 500", async () => {
    const api = await startApi({ store: t.store, hparams, currentBlock: async () => { throw new Error("chain down"); } });
    try {
      const r = await api.get("/api/stats/threshold");
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ current_block: null, decayed_threshold: 0.2 });
    } finally {
      await api.close();
    }
  });
});

describe("HEAD and content types", () => {
  test("behavior: HEAD has the GET headers and no body", async () => {
    const get = await fetch(`${open.url}/leaderboard`);
    const head = await fetch(`${open.url}/leaderboard`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(get.headers.get("content-length"));
    expect(head.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await head.text()).toBe("");
  });

  test("behavior: JSON paths are application/json; /metrics is the Prometheus text type", async () => {
    for (const p of ALL_PATHS.filter((x) => x !== "/metrics")) expect((await open.get(p)).headers.get("content-type"), p).toBe("application/json; charset=utf-8");
    expect((await open.get("/metrics")).headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  });
});

describe("standard JSON", () => {
  test("behavior: toStandardJson writes non-finite numbers as null and bigints as numbers or strings", () => {
    expect(toStandardJson({ a: NaN, b: Infinity, c: -Infinity, d: [1, NaN], e: 1n, f: 2n ** 70n, g: 0.5 })).toBe('{"a":null,"b":null,"c":null,"d":[1,null],"e":1,"f":"1180591620717411303424","g":0.5}');
    expect(toStandardJson(undefined)).toBe("null");
  });

  test("behavior: an infinite score in the store never reaches the wire as a token", async () => {
    const s = tempStore();
    const api = await startApi({ store: s.store, hparams, currentBlock: async () => 10 });
    try {
      addSubmission(s.store, "v19_commit_1_1", { hotkey: "hk", uid: 1, revealBlock: 1 });
      updateSubmission(s.store, "v19_commit_1_1", { status: "finished", finalScore: Infinity });
      insertSubmission(s.store, { submissionId: "v19_commit_2_2", minerHotkey: "hk2", minerUid: 2, codeHash: "0".repeat(32), bucketPath: "u", specVersion: 19, revealBlock: 2, paymentVerified: false });
      updateSubmission(s.store, "v19_commit_2_2", { status: "finished", finalScore: -Infinity });
      for (const p of [...ALL_PATHS.filter((x) => x !== "/metrics"), "/api/submissions/v19_commit_1_1"]) {
        const r = await api.get(p);
        expect(r.status, p).not.toBe(500);
        expect(r.text, p).not.toMatch(/NaN|Infinity/);
        expect(() => JSON.parse(r.text), p).not.toThrow();
      }
      expect((await api.get("/api/submissions/v19_commit_1_1")).body.final_score).toBeNull();
      expect((await api.get("/api/stats/history")).body.map((h: { mfu: number | null }) => h.mfu)).toEqual([null, null]);
    } finally {
      await api.close();
      s.cleanup();
    }
  });

  test("behavior: an empty store gives zeros and nulls, never NaN", async () => {
    const s = tempStore();
    const api = await startApi({ store: s.store, hparams, currentBlock: async () => null });
    try {
      expect((await api.get("/api/stats/overview")).body).toEqual({ submissions_24h: 0, current_top_score: 0, mfu_to_beat: 0, adaptive_threshold: 0.01, score_improvement_24h: 0, total_submissions: 0, active_miners: 0 });
      expect((await api.get("/api/stats/validator")).body).toMatchObject({ status: "idle", current_evaluation: null, uptime: "N/A", success_rate: "0.0%" });
      expect((await api.get("/api/stats/threshold")).body).toEqual({
        current_threshold: 0.01, last_improvement: 0, last_update_block: 0, decayed_threshold: 0.01, updated_at: null, leader_id: null, leader_score: null, threshold_block: null, current_block: null, mfu_to_beat: null,
      });
      expect((await api.get("/leaderboard")).body).toEqual([]);
      expect((await api.get("/api/weights/latest")).body).toEqual({ latest: null, last_attempt: null });
    } finally {
      await api.close();
      s.cleanup();
    }
  });
});

describe("listen, close, handle", () => {
  test("behavior: listen is idempotent and close can be called twice", async () => {
    const api = createApiServer({ store: t.store, hparams, currentBlock: async () => null, host: "127.0.0.1", port: 0 });
    const a = await api.listen();
    const b = await api.listen();
    expect(b).toEqual(a);
    expect(a.url).toBe(`http://127.0.0.1:${a.port}`);
    await api.close();
    await api.close();
    await expect(fetch(`${a.url}/health`)).rejects.toThrow();
  });

  test("error: a port in use rejects with ApiListen naming the code", async () => {
    const api = createApiServer({ store: t.store, hparams, currentBlock: async () => null, host: "127.0.0.1", port: Number(new URL(open.url).port) });
    const e = (await api.listen().then(() => null, (x: unknown) => x)) as ApiListenError;
    expect(e).toMatchObject({ type: "ApiListen", code: "EADDRINUSE" });
    expect(e.message).toMatch(/^could not listen on 127\.0\.0\.1:\d+: /);
    await api.close();
  });

  test("behavior: handle mounts in another server", async () => {
    const api = createApiServer({ store: t.store, hparams, currentBlock: async () => null });
    const server: Server = createServer((req, res) => void api.handle(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/leaderboard?limit=1`);
      expect(await res.json()).toEqual([expect.objectContaining({ rank: 1, submission_id: IDS.b })]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
