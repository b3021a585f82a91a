/**
 * The store on a real SQLite file: migrations, WAL, the submission lifecycle, runs, content-
 * addressed code, the leader record with its history, payments' reuse rule, crash atomicity.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { updateLeader } from "../../src/scoring/index.js";
import {
  applyLeaderUpdate,
  earlierSubmissionWithCode,
  getCode,
  getCursor,
  getLeaderState,
  getSubmission,
  insertSubmission,
  latestSubmissionOfHotkey,
  leaderHistory,
  MIGRATIONS,
  nearestSubmissionOfHotkey,
  nextQueuedSubmission,
  openStore,
  putCode,
  recordVerifiedPayment,
  requeueInterrupted,
  setCursor,
  submissionWithCodeHash,
  updateSubmission,
  type Store,
} from "../../src/store/index.js";

let dir: string;
let store: Store;
const LATEST = MIGRATIONS.at(-1)!.version;
const THRESHOLD = { base_threshold: 0.01, decay_percent: 0.05, decay_interval_blocks: 100 };

function submission(id: string, revealBlock: number, extra: Partial<Parameters<typeof insertSubmission>[1]> = {}) {
  insertSubmission(store, { submissionId: id, minerHotkey: "hk1", minerUid: 1, codeHash: "a".repeat(32), bucketPath: `https://x/${id}`, specVersion: 19, revealBlock, paymentVerified: false, ...extra });
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "crusades-store-"));
  store = openStore(path.join(dir, "sub", "crusades.db"))._unsafeUnwrap();
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("openStore", () => {
  test("behavior: creates the folder, applies the migrations, runs in WAL mode", () => {
    expect(store.schemaVersion).toBe(LATEST);
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.db.pragma("foreign_keys", { simple: true })).toBe(1);
    const tables = (store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(["submissions", "runs", "commitments_ingested", "leader_state", "leader_history", "verified_payments", "ingestion_cursor", "gaps", "weight_sets", "code_blobs", "url_claims"]));
  });

  test("behavior: reopening keeps the data and applies nothing twice", () => {
    submission("s1", 10);
    store.close();
    store = openStore(path.join(dir, "sub", "crusades.db"))._unsafeUnwrap();
    expect(getSubmission(store, "s1")?.revealBlock).toBe(10);
  });

  test("behavior: a later migration is applied on open", () => {
    store.close();
    const file = path.join(dir, "sub", "crusades.db");
    store = openStore(file, { migrations: [...MIGRATIONS, { version: LATEST + 1, name: "add", sql: "CREATE TABLE extra (x INTEGER)" }] })._unsafeUnwrap();
    expect(store.schemaVersion).toBe(LATEST + 1);
    expect(store.db.prepare(`SELECT name FROM sqlite_master WHERE name = 'extra'`).get()).toEqual({ name: "extra" });
  });

  test("error: a schema newer than this version is refused, and the file is untouched", () => {
    store.db.pragma("user_version = 99");
    store.close();
    const e = openStore(path.join(dir, "sub", "crusades.db"))._unsafeUnwrapErr();
    expect(e).toMatchObject({ type: "StoreSchemaTooNew", schemaVersion: 99, supported: LATEST });
    expect(e.message).toMatch(/upgrade crusades/);
  });

  test("error: a file that is not a database is named", () => {
    const file = path.join(dir, "junk.db");
    writeFileSync(file, "this is not sqlite ".repeat(100));
    const e = openStore(file)._unsafeUnwrapErr();
    expect(e.type).toBe("StoreIo");
    expect(e.message).toContain(file);
  });

  test("behavior: a failing migration leaves the store at the previous version", () => {
    store.close();
    const file = path.join(dir, "sub", "crusades.db");
    const bad = openStore(file, { migrations: [...MIGRATIONS, { version: LATEST + 1, name: "bad", sql: "CREATE TABLE t2 (x); SELECT * FROM nowhere" }] });
    expect(bad.isErr()).toBe(true);
    store = openStore(file)._unsafeUnwrap();
    expect(store.schemaVersion).toBe(LATEST);
    expect(store.db.prepare(`SELECT name FROM sqlite_master WHERE name = 't2'`).get()).toBeUndefined();
  });
});

describe("submissions", () => {
  test("behavior: the queue gives the oldest reveal first and honours the retry time", () => {
    submission("late", 20);
    submission("early", 10);
    expect(nextQueuedSubmission(store, 19)?.submissionId).toBe("early");
    updateSubmission(store, "early", { nextAttemptAt: new Date(Date.now() + 60_000).toISOString() });
    expect(nextQueuedSubmission(store, 19)?.submissionId).toBe("late");
    expect(nextQueuedSubmission(store, 20)).toBeNull();
  });

  test("behavior: interrupted submissions are re-queued, final ones are not", () => {
    submission("a", 1);
    submission("b", 2);
    submission("c", 3);
    updateSubmission(store, "a", { status: "evaluating" });
    updateSubmission(store, "b", { status: "finished", finalScore: 1 });
    updateSubmission(store, "c", { status: "downloading" });
    expect(requeueInterrupted(store).sort()).toEqual(["a", "c"]);
    expect(getSubmission(store, "a")?.status).toBe("queued");
    expect(getSubmission(store, "b")?.status).toBe("finished");
  });

  test("behavior: JSON columns round-trip", () => {
    submission("a", 1);
    updateSubmission(store, "a", { scanViolations: [{ rule: "x", line: 1 }], strategy: { dpSize: 2, tpSize: 1, numGpus: 2 } });
    const s = getSubmission(store, "a")!;
    expect(s.scanViolations).toEqual([{ rule: "x", line: 1 }]);
    expect(s.strategy).toEqual({ dpSize: 2, tpSize: 1, numGpus: 2 });
  });

  test("behavior: the rate limit's last block is the newest reveal of the hotkey", () => {
    submission("a", 100);
    submission("b", 500);
    submission("c", 300, { minerHotkey: "hk2" });
    expect(latestSubmissionOfHotkey(store, "hk1", 19)?.submissionId).toBe("b");
    // The rate limit's reference: the nearest reveal on either side.
    const a = getSubmission(store, "a")!.revealBlock;
    const b = getSubmission(store, "b")!.revealBlock;
    expect(nearestSubmissionOfHotkey(store, "hk1", 19, b + 1000)?.submissionId).toBe("b");
    expect(nearestSubmissionOfHotkey(store, "hk1", 19, a - 1000)?.submissionId).toBe("a");
    expect(nearestSubmissionOfHotkey(store, "nobody", 19, a)).toBeNull();
  });

  test("behavior: content dedup ignores submissions whose code never arrived", () => {
    submission("a", 1);
    submission("b", 2);
    const sha = putCode(store, new TextEncoder().encode("def inner_steps(): pass\n"));
    updateSubmission(store, "a", { codeSha256: sha });
    updateSubmission(store, "b", { codeSha256: sha });
    expect(earlierSubmissionWithCode(store, getSubmission(store, "b")!, sha)?.submissionId).toBe("a");
    expect(earlierSubmissionWithCode(store, getSubmission(store, "a")!, sha)).toBeNull();
    updateSubmission(store, "a", { status: "failed", errorCode: "hash_mismatch" });
    expect(earlierSubmissionWithCode(store, getSubmission(store, "b")!, sha)).toBeNull();
    expect(submissionWithCodeHash(store, "a".repeat(32), 19)?.submissionId).toBe("b");
  });

  test("error: an unknown status is refused by the schema", () => {
    submission("a", 1);
    expect(() => updateSubmission(store, "a", { status: "bogus" as never })).toThrow(/CHECK constraint/);
    expect(getSubmission(store, "a")?.status).toBe("queued");
  });
});

describe("code, cursor, leader, payments", () => {
  test("behavior: code is stored once by its SHA-256 and read back byte for byte", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x00, 0xff]);
    const sha = putCode(store, bytes);
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    expect(putCode(store, bytes)).toBe(sha);
    expect(getCode(store, sha)).toEqual(bytes);
    expect(getCode(store, "0".repeat(64))).toBeNull();
  });

  test("behavior: a transaction that throws moves no cursor and records nothing", () => {
    setCursor(store, "revealed", 100, "0xaa");
    expect(() =>
      store.transaction(() => {
        submission("a", 150);
        setCursor(store, "revealed", 200, "0xbb");
        throw new Error("crash");
      }),
    ).toThrow("crash");
    expect(getCursor(store, "revealed")).toEqual({ block: 100, blockHash: "0xaa" });
    expect(getSubmission(store, "a")).toBeNull();
  });

  test("behavior: the leader record and its history follow updateLeader", () => {
    submission("a", 1);
    submission("b", 2);
    const first = updateLeader(getLeaderState(store, 19), { submissionId: "a", score: 50, block: 10 }, THRESHOLD)._unsafeUnwrap();
    applyLeaderUpdate(store, 19, first);
    expect(getLeaderState(store, 19)).toEqual({ leaderId: "a", leaderScore: 50, threshold: 0.01, thresholdBlock: 10 });
    const within = updateLeader(getLeaderState(store, 19), { submissionId: "b", score: 50.4, block: 20 }, THRESHOLD)._unsafeUnwrap();
    applyLeaderUpdate(store, 19, within);
    expect(getLeaderState(store, 19).leaderId).toBe("a");
    const beat = updateLeader(getLeaderState(store, 19), { submissionId: "b", score: 60, block: 30 }, THRESHOLD)._unsafeUnwrap();
    applyLeaderUpdate(store, 19, beat);
    expect(getLeaderState(store, 19)).toMatchObject({ leaderId: "b", leaderScore: 60, thresholdBlock: 30 });
    expect(getLeaderState(store, 19).threshold).toBeCloseTo(0.2, 12);
    expect(getLeaderState(store, 20).leaderId).toBeNull();
    const h = leaderHistory(store, 19);
    expect(h.map((r) => [r.submissionId, r.reason, r.changed])).toEqual([
      ["b", "beat_threshold", true],
      ["b", "within_threshold", false],
      ["a", "first_leader", true],
    ]);
  });

  test("behavior: a payment pays for one submission; re-recording the same one is idempotent", () => {
    submission("a", 1);
    submission("b", 2);
    const p = { minerHotkey: "hk1", minerColdkey: "ck", blockHash: "0x01", extrinsicIndex: 3, amountRao: 123n };
    expect(recordVerifiedPayment(store, { ...p, submissionId: "a" })).toBe("recorded");
    expect(recordVerifiedPayment(store, { ...p, submissionId: "a" })).toBe("recorded");
    expect(recordVerifiedPayment(store, { ...p, submissionId: "b" })).toEqual({ reusedBy: "a" });
    expect(recordVerifiedPayment(store, { ...p, submissionId: "b", extrinsicIndex: 4 })).toBe("recorded");
  });
});
