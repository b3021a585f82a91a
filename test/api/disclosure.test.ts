/**
 * Code and URL disclosure (§J.3) in its three modes, over the populated store: the leader's code
 * stays hidden under `after_superseded` until a new leader supersedes it or, when
 * `api.code_disclosure_delay_blocks` is set, until that many blocks have passed since it finished;
 * copies of hidden code stay hidden with it, and `code_hash` is always public.
 */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { mayDisclose } from "../../src/api/index.js";
import type { CodeDisclosure } from "../../src/config/index.js";
import { updateSubmission } from "../../src/store/index.js";
import { IDS, addSubmission, codeOf, finishSubmission, populate, runResult, startApi, storeCode, tempStore, testHparams, type StartedApi } from "./fixtures.js";

const NOW = new Date();
let t: ReturnType<typeof tempStore>;
let api: StartedApi | null = null;

async function serve(mode: CodeDisclosure, delayBlocks: number | null = null, currentBlock: () => Promise<number | null> = async () => 1000): Promise<StartedApi> {
  const hparams = testHparams(mode, { api: { code_disclosure: mode, code_disclosure_delay_blocks: delayBlocks } });
  api = await startApi({ store: t.store, hparams, currentBlock, now: () => NOW });
  return api;
}

async function shown(a: StartedApi, id: string): Promise<{ url: boolean; code: boolean; codeEndpoint: string; hash: string }> {
  const s = (await a.get(`/api/submissions/${id}`)).body;
  const c = (await a.get(`/api/submissions/${id}/code`)).body;
  expect(s.code_hash).toMatch(/^[0-9a-f]{32}$/); // always public
  expect(c.code_hash).toBe(s.code_hash);
  expect(s.code_disclosed).toBe(s.bucket_path !== null);
  return { url: s.bucket_path !== null, code: s.code_content !== null, codeEndpoint: c.code, hash: s.code_hash };
}

beforeEach(() => {
  t = tempStore();
  populate(t.store, testHparams(), NOW);
});
afterEach(async () => {
  await api?.close();
  api = null;
  t.cleanup();
});

describe("mayDisclose", () => {
  test.each([
    ["after_superseded", "finished", true, false],
    ["after_superseded", "finished", false, true],
    ["after_superseded", "failed", false, true],
    ["after_superseded", "duplicate", false, true],
    ["after_superseded", "evaluating", false, false],
    ["after_superseded", "queued", false, false],
    ["after_evaluation", "finished", true, true],
    ["after_evaluation", "failed", false, true],
    ["after_evaluation", "scanning", false, false],
    ["never", "finished", false, false],
    ["never", "failed", false, false],
  ] as const)("behavior: %s, %s, leader=%s → %s", (mode, status, isLeader, expected) => {
    const subject = { submissionId: "s", status, finishedBlock: status === "finished" ? 100 : null };
    expect(mayDisclose(subject, { leaderId: isLeader ? "s" : "other", currentBlock: 1000 }, { code_disclosure: mode, code_disclosure_delay_blocks: null })).toBe(expected);
  });

  const leader = { submissionId: "s", status: "finished", finishedBlock: 100 } as const;
  const superseded = (delay: number | null) => ({ code_disclosure: "after_superseded", code_disclosure_delay_blocks: delay }) as const;

  test("behavior: after_superseded with a delay discloses the leader once the delay has passed since it finished", () => {
    expect(mayDisclose(leader, { leaderId: "s", currentBlock: 149 }, superseded(50))).toBe(false);
    expect(mayDisclose(leader, { leaderId: "s", currentBlock: 150 }, superseded(50))).toBe(true);
    expect(mayDisclose(leader, { leaderId: "s", currentBlock: 100 }, superseded(0))).toBe(true);
    expect(mayDisclose(leader, { leaderId: "s", currentBlock: 1_000_000 }, superseded(null))).toBe(false);
  });

  test("behavior: the delay keeps the leader hidden when the current block or its finished block is unknown", () => {
    expect(mayDisclose(leader, { leaderId: "s", currentBlock: null }, superseded(50))).toBe(false);
    expect(mayDisclose({ ...leader, finishedBlock: null }, { leaderId: "s", currentBlock: 1000 }, superseded(50))).toBe(false);
  });

  test("behavior: the delay discloses only finished submissions, and only under after_superseded", () => {
    for (const status of ["queued", "downloading", "scanning", "evaluating"] as const) {
      expect(mayDisclose({ ...leader, status }, { leaderId: "other", currentBlock: 1000 }, superseded(0)), status).toBe(false);
    }
    expect(mayDisclose(leader, { leaderId: "s", currentBlock: 1000 }, { code_disclosure: "never", code_disclosure_delay_blocks: 0 })).toBe(false);
    expect(mayDisclose({ ...leader, status: "evaluating" }, { leaderId: null, currentBlock: 1000 }, { code_disclosure: "after_evaluation", code_disclosure_delay_blocks: 0 })).toBe(false);
  });
});

describe("after_superseded (default)", () => {
  test("behavior: the leader's URL and code are hidden; superseded, within-threshold and failed ones are shown", async () => {
    const a = await serve("after_superseded");
    expect(await shown(a, IDS.b)).toMatchObject({ url: false, code: false, codeEndpoint: expect.stringMatching(/^# Code not available: not disclosed \(api\.code_disclosure = after_superseded\)/) });
    expect((await a.get(`/api/submissions/${IDS.b}/code`)).body.code).not.toContain("inner_steps");
    expect(await shown(a, IDS.a)).toMatchObject({ url: true, code: true, codeEndpoint: codeOf(IDS.a) });
    expect(await shown(a, IDS.c)).toMatchObject({ url: true, code: true });
    expect(await shown(a, IDS.d)).toMatchObject({ url: true, code: true });
  });

  test("behavior: in-progress submissions are hidden", async () => {
    const a = await serve("after_superseded");
    expect(await shown(a, IDS.g)).toMatchObject({ url: false, code: false });
    expect(await shown(a, IDS.f)).toMatchObject({ url: false, code: false });
  });

  test("behavior: a duplicate of the leader's code stays hidden with it", async () => {
    const a = await serve("after_superseded");
    const e = await shown(a, IDS.e);
    expect(e).toMatchObject({ url: false, code: false });
    expect(e.codeEndpoint).not.toContain("inner_steps");
  });

  test("behavior: once superseded, the old leader and its duplicate are shown", async () => {
    addSubmission(t.store, "v19_commit_500_8", { hotkey: "hkH", uid: 8, revealBlock: 500 });
    storeCode(t.store, "v19_commit_500_8", codeOf("v19_commit_500_8"));
    finishSubmission(t.store, testHparams(), "v19_commit_500_8", { score: 90, block: 520, runs: [runResult("v19_commit_500_8", 1, { mfu: 90 })] });
    const a = await serve("after_superseded");
    expect((await a.get("/leaderboard?limit=1")).body[0].submission_id).toBe("v19_commit_500_8");
    expect(await shown(a, IDS.b)).toMatchObject({ url: true, code: true, codeEndpoint: codeOf(IDS.b) });
    expect(await shown(a, IDS.e)).toMatchObject({ url: true, code: true, codeEndpoint: codeOf(IDS.b) });
    expect(await shown(a, "v19_commit_500_8")).toMatchObject({ url: false, code: false });
  });

  test("behavior: the same URL in another version is hidden while it belongs to the leader", async () => {
    const url = `https://gist.githubusercontent.com/hkB/${IDS.b}/raw/train.py`;
    addSubmission(t.store, "v18_commit_40_2", { hotkey: "hkB", uid: 2, revealBlock: 40, version: 18, url });
    finishSubmission(t.store, testHparams(), "v18_commit_40_2", { score: 10, block: 70, version: 18, runs: [] });
    const a = await serve("after_superseded");
    expect(await shown(a, "v18_commit_40_2")).toMatchObject({ url: false });
    expect(await shown(a, IDS.x)).toMatchObject({ url: true, code: true }); // version 18's own leader is not the current one
  });

  test("behavior: commitments show raw text only where the submission's URL is shown", async () => {
    const a = await serve("after_superseded");
    const rows = (await a.get("/api/commitments")).body as { hotkey: string; raw_text: string | null }[];
    const raw = Object.fromEntries(rows.map((r) => [r.hotkey, r.raw_text]));
    expect(raw["hkA"]).toContain("https://gist");
    expect(raw["hkB"]).toBeNull(); // the leader
    expect(raw["hkD"]).toBeNull(); // rate-limited: no submission
    expect(raw["hkC"]).toBeNull(); // rejected: no submission
  });

  test("behavior: a disclosed submission whose code is not stored gets the not-yet-available placeholder", async () => {
    addSubmission(t.store, "v19_commit_600_9", { hotkey: "hkI", uid: 9, revealBlock: 600 });
    updateSubmission(t.store, "v19_commit_600_9", { status: "failed", errorCode: "download_failed", errorMessage: "HTTP 404" });
    const a = await serve("after_superseded");
    const s = await shown(a, "v19_commit_600_9");
    expect(s).toMatchObject({ url: true, code: false });
    expect(s.codeEndpoint).toBe(`# Code not yet available\n# Submission may still be evaluating\n# code_hash: ${s.hash}`);
    expect((await a.get("/api/submissions/v19_commit_600_9/code")).body.disclosed).toBe(false);
  });
});

describe("after_evaluation", () => {
  test("behavior: every final submission is shown, the leader and its duplicate included; in-progress ones are not", async () => {
    const a = await serve("after_evaluation");
    expect(await shown(a, IDS.b)).toMatchObject({ url: true, code: true, codeEndpoint: codeOf(IDS.b) });
    expect(await shown(a, IDS.e)).toMatchObject({ url: true, code: true });
    expect(await shown(a, IDS.d)).toMatchObject({ url: true, code: true });
    expect(await shown(a, IDS.g)).toMatchObject({ url: false, code: false });
    const raw = Object.fromEntries(((await a.get("/api/commitments")).body as { hotkey: string; raw_text: string | null }[]).map((r) => [r.hotkey, r.raw_text]));
    expect(raw["hkB"]).toContain("https://gist");
  });

  test("behavior: a final duplicate of code still being evaluated waits for it", async () => {
    addSubmission(t.store, "v19_commit_390_10", { hotkey: "hkJ", uid: 10, revealBlock: 390 });
    storeCode(t.store, "v19_commit_390_10", codeOf(IDS.g));
    updateSubmission(t.store, "v19_commit_390_10", { status: "duplicate" });
    const a = await serve("after_evaluation");
    expect(await shown(a, "v19_commit_390_10")).toMatchObject({ url: false, code: false });
  });
});

describe("never", () => {
  test("behavior: no URL, code or raw text anywhere; the hash stays public", async () => {
    const a = await serve("never");
    for (const id of [IDS.a, IDS.b, IDS.c, IDS.d, IDS.e, IDS.x]) {
      const s = await shown(a, id);
      expect(s, id).toMatchObject({ url: false, code: false });
      expect(s.codeEndpoint, id).toMatch(/^# Code not available: not disclosed \(api\.code_disclosure = never\)\n# code_hash: [0-9a-f]{32}$/);
    }
    const all = [(await a.get("/api/commitments")).text, (await a.get("/api/stats/recent")).text, (await a.get("/leaderboard")).text].join("\n");
    expect(all).not.toMatch(/https:|inner_steps/);
  });
});

describe("after_superseded with api.code_disclosure_delay_blocks", () => {
  // B became the leader when it finished at block 210; the chain is at block 1000.
  test("behavior: the leader and its duplicate stay hidden until the delay has passed since it finished", async () => {
    const before = await serve("after_superseded", 791);
    expect(await shown(before, IDS.b)).toMatchObject({ url: false, code: false });
    expect(await shown(before, IDS.e)).toMatchObject({ url: false, code: false });
    await before.close();
    const after = await serve("after_superseded", 790);
    expect(await shown(after, IDS.b)).toMatchObject({ url: true, code: true, codeEndpoint: codeOf(IDS.b) });
    expect(await shown(after, IDS.e)).toMatchObject({ url: true, code: true, codeEndpoint: codeOf(IDS.b) });
    expect(await shown(after, IDS.g)).toMatchObject({ url: false, code: false }); // still evaluating
    const raw = Object.fromEntries(((await after.get("/api/commitments")).body as { hotkey: string; raw_text: string | null }[]).map((r) => [r.hotkey, r.raw_text]));
    expect(raw["hkB"]).toContain("https://gist");
  });

  test("behavior: with the chain unreachable the leader stays hidden", async () => {
    for (const currentBlock of [async () => null, async () => Promise.reject(new Error("node down"))]) {
      const a = await serve("after_superseded", 0, currentBlock);
      expect(await shown(a, IDS.b)).toMatchObject({ url: false, code: false });
      expect(await shown(a, IDS.a)).toMatchObject({ url: true, code: true }); // superseded: needs no block
      await a.close();
    }
  });

  test("behavior: without a delay the chain is not asked", async () => {
    let asked = 0;
    const a = await serve("after_superseded", null, async () => ++asked);
    await shown(a, IDS.b);
    await a.get("/api/commitments");
    expect(asked).toBe(0);
  });
});
