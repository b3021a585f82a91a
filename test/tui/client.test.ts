/**
 * The dashboard's API client against a real HTTP server: decoding, limits, the API key, and every
 * failure as an `Err` whose message names the URL (spec crusades.md §J.2).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createDashboardClient, fetchDetail, fetchSnapshot } from "../../src/tui/index.js";
import { startTestApi, type TestApi } from "./api-server.js";
import { SUBMISSION } from "./fixtures.js";

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("createDashboardClient", () => {
  it("behavior: decodes the overview and validator stats with the API's field names", async () => {
    api = await startTestApi();
    const client = createDashboardClient({ baseUrl: api.url });
    const overview = (await client.overview())._unsafeUnwrap();
    expect(overview.current_top_score).toBe(52.1);
    expect(overview.total_submissions).toBe(1234);
    const validator = (await client.validator())._unsafeUnwrap();
    expect(validator.uptime).toBe("1d 2h 3m");
    expect(validator.current_evaluation).toEqual({ submission_id: "v1_commit_900_42", miner_uid: 42 });
  });

  it("args: limit is sent as a query parameter; a trailing slash on the base URL is dropped", async () => {
    api = await startTestApi();
    const client = createDashboardClient({ baseUrl: `${api.url}/` });
    const rows = (await client.leaderboard(10))._unsafeUnwrap();
    expect(rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(api.requests.at(-1)?.url).toBe("/leaderboard?limit=10");
    expect(client.baseUrl).toBe(api.url);
  });

  it("args: the API key goes in X-API-Key; without it a 401 names the flag", async () => {
    api = await startTestApi({ requireKey: "s3cret" });
    const ok = await createDashboardClient({ baseUrl: api.url, apiKey: "s3cret" }).threshold();
    expect(ok._unsafeUnwrap().leader_id).toBe("v1_commit_1000_10");
    expect(api.requests.at(-1)?.headers["x-api-key"]).toBe("s3cret");
    const denied = (await createDashboardClient({ baseUrl: api.url }).threshold())._unsafeUnwrapErr();
    expect(denied.type).toBe("DashboardHttpStatus");
    expect(denied.message).toContain("HTTP 401");
    expect(denied.message).toContain("--api-key");
  });

  it("error: HTTP 500 is an Err naming the URL, the status and the API's detail", async () => {
    api = await startTestApi();
    api.routes.set("/api/stats/overview", { status: 500, json: { detail: "database is locked" } });
    const error = (await createDashboardClient({ baseUrl: api.url }).overview())._unsafeUnwrapErr();
    expect(error).toMatchObject({ type: "DashboardHttpStatus", status: 500, detail: "database is locked" });
    expect(error.message).toBe(`GET ${api.url}/api/stats/overview: HTTP 500: database is locked`);
  });

  it("error: malformed JSON is DashboardBadResponse naming the path", async () => {
    api = await startTestApi();
    api.routes.set("/api/stats/recent", { raw: "{not json" });
    const error = (await createDashboardClient({ baseUrl: api.url }).recent(10))._unsafeUnwrapErr();
    expect(error.type).toBe("DashboardBadResponse");
    expect(error.message).toContain("/api/stats/recent?limit=10");
    expect(error.message).toContain("not JSON");
  });

  it("error: JSON of the wrong shape (an object where a list belongs) is an Err, not a throw", async () => {
    api = await startTestApi();
    api.routes.set("/leaderboard", { json: { rows: [] } });
    api.routes.set("/api/stats/validator", { json: [1, 2] });
    const client = createDashboardClient({ baseUrl: api.url });
    expect((await client.leaderboard())._unsafeUnwrapErr().message).toContain("expected a JSON array");
    expect((await client.validator())._unsafeUnwrapErr().message).toContain("expected a JSON object");
  });

  it("behavior: fields of the wrong type become null and non-object rows are dropped", async () => {
    api = await startTestApi();
    api.routes.set("/leaderboard", { json: [null, "x", { rank: "1", miner_uid: 7, final_score: "NaN", created_at: 5 }] });
    const rows = (await createDashboardClient({ baseUrl: api.url }).leaderboard())._unsafeUnwrap();
    expect(rows).toEqual([{ rank: null, submission_id: null, miner_hotkey: null, miner_uid: 7, final_score: null, num_evaluations: null, created_at: "5" }]);
  });

  it("error: no answer within the timeout is DashboardTimeout", async () => {
    api = await startTestApi();
    api.routes.set("/api/stats/threshold", { hang: true });
    const error = (await createDashboardClient({ baseUrl: api.url, timeoutMs: 100 }).threshold())._unsafeUnwrapErr();
    expect(error).toMatchObject({ type: "DashboardTimeout", timeoutMs: 100 });
    expect(error.message).toContain("/api/stats/threshold");
  });

  it("error: a closed port is DashboardUnreachable with the connection error", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = (await createDashboardClient({ baseUrl: `http://127.0.0.1:${port}` }).overview())._unsafeUnwrapErr();
    expect(error.type).toBe("DashboardUnreachable");
    expect(error.message).toContain(`127.0.0.1:${port}/api/stats/overview`);
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("behavior: credentials in the base URL never appear in messages", async () => {
    api = await startTestApi();
    api.routes.set("/api/stats/overview", { status: 500, json: {} });
    const withCreds = api.url.replace("http://", "http://user:pw@");
    const client = createDashboardClient({ baseUrl: withCreds, fetchFn: (input, init) => fetch(String(input).replace("user:pw@", ""), init) });
    const error = (await client.overview())._unsafeUnwrapErr();
    expect(error.message).not.toContain("pw");
    expect(client.displayUrl).toBe(api.url);
  });

  it("behavior: the submission id is URL-encoded; a 404 names it", async () => {
    api = await startTestApi();
    const error = (await createDashboardClient({ baseUrl: api.url }).submission("a/b c"))._unsafeUnwrapErr();
    expect(api.requests.at(-1)?.url).toBe("/api/submissions/a%2Fb%20c");
    expect(error).toMatchObject({ type: "DashboardHttpStatus", status: 404 });
  });

  it("behavior: code() decodes {code, code_hash, disclosed}", async () => {
    api = await startTestApi();
    const code = (await createDashboardClient({ baseUrl: api.url }).code(SUBMISSION.submission_id))._unsafeUnwrap();
    expect(code.code_hash).toBe(SUBMISSION.code_hash);
    expect(code.code?.startsWith("import torch")).toBe(true);
  });
});

describe("fetchSnapshot / fetchDetail", () => {
  it("behavior: every endpoint answered: all values, no errors", async () => {
    api = await startTestApi();
    const update = await fetchSnapshot(createDashboardClient({ baseUrl: api.url }));
    expect(update.errors).toEqual([]);
    expect(update.values.leaderboard).toHaveLength(10);
    expect(update.values.history?.at(-1)?.mfu).toBe(52.1);
    expect(api.requests.map((r) => r.url).sort()).toEqual(
      ["/api/stats/history?limit=100", "/api/stats/overview", "/api/stats/recent?limit=10", "/api/stats/threshold", "/api/stats/validator", "/leaderboard?limit=10"].sort(),
    );
  });

  it("error: one failing endpoint leaves the others and names its path", async () => {
    api = await startTestApi();
    api.routes.set("/api/stats/validator", { status: 500, raw: "boom" });
    const update = await fetchSnapshot(createDashboardClient({ baseUrl: api.url }));
    expect(update.values.validator).toBeNull();
    expect(update.values.overview?.active_miners).toBe(5);
    expect(update.errors).toEqual([`GET ${api.url}/api/stats/validator: HTTP 500`]);
  });

  it("behavior: fetchDetail loads the row and its runs", async () => {
    api = await startTestApi();
    const detail = await fetchDetail(createDashboardClient({ baseUrl: api.url }), SUBMISSION.submission_id);
    expect(detail.errors).toEqual([]);
    expect(detail.submission?.final_score).toBe(51.25);
    expect(detail.evaluations?.map((e) => e.run_no)).toEqual([1, 2, 3]);
    expect(detail.evaluations?.[0]?.provenance?.hparamsHash).toBe("a".repeat(64));
  });
});
