/**
 * Ingestion on a real SQLite store with entries as the chain returns them: every outcome of
 * §C.1-§C.5, the order rule, idempotence, payment retries, gaps, and the cursor moving only with
 * its batch.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { encodeCommitmentPayload } from "../../src/chain/index.js";
import { getCursor, getSubmission, listIngested, openStore, putCode, updateSubmission, type Store } from "../../src/store/index.js";
import { entryKey, ingestBatch, revealedEntries, type ChainEntry, type IngestionRules, type PaymentCheck } from "../../src/validator/index.js";

let dir: string;
let store: Store;
const H1 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const H2 = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
const H3 = "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y";
const UIDS = new Map([[H1, 1], [H2, 2]]);
const hash = (c: string) => c.repeat(32);

function entry(hotkey: string, revealBlock: number, text: string, listIndex = 0): ChainEntry {
  const payload = encodeCommitmentPayload(text);
  return revealedEntries(new Map([[hotkey, [...Array(listIndex).fill({ payload: new Uint8Array([0]), revealBlock: 0 }), { payload, revealBlock }]]])).at(-1)!;
}

function rules(overrides: Partial<IngestionRules> = {}): IngestionRules {
  return {
    specVersion: 19, versionStartBlock: 100, uidOf: (h) => UIDS.get(h) ?? null, minBlocksBetweenCommits: 360,
    paymentRequired: () => false, paymentChecks: new Map(), paymentRetryWindowBlocks: 100, ...overrides,
  };
}

function batch(block: number, entries: ChainEntry[], extra: { maxKeptPerHotkey?: number } = {}) {
  return { source: "revealed" as const, block, blockHash: `0x${block.toString(16)}`, entries, ...extra };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "crusades-ingest-"));
  store = openStore(path.join(dir, "c.db"))._unsafeUnwrap();
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("ingestBatch", () => {
  test("behavior: an accepted entry becomes a queued submission with the reference's id", () => {
    const s = ingestBatch(store, batch(1000, [entry(H1, 900, `${hash("a")}:https://example.com/train.py`)]), rules());
    expect(s.outcomes).toEqual({ accepted: 1 });
    expect(s.submissionIds).toEqual(["v19_commit_900_1"]);
    expect(getSubmission(store, "v19_commit_900_1")).toMatchObject({ status: "queued", minerUid: 1, codeHash: hash("a"), bucketPath: "https://example.com/train.py", revealBlock: 900 });
    expect(getCursor(store, "revealed")).toEqual({ block: 1000, blockHash: "0x3e8" });
  });

  test("behavior: every rejection is recorded with its reason", () => {
    const entries = [
      entry(H1, 900, "not a commitment"),
      entry(H1, 90, `${hash("b")}:https://example.com/old.py`),
      entry(H3, 901, `${hash("c")}:https://example.com/c.py`),
      entry(H2, 902, `${hash("d")}:https://example.com/d.py`),
      entry(H1, 903, `${hash("e")}:https://example.com/d.py`),
    ];
    const s = ingestBatch(store, batch(1100, entries), rules());
    expect(s.outcomes).toEqual({ rejected_format: 1, before_version_start: 1, rejected_unregistered: 1, accepted: 1, duplicate_url: 1 });
    updateSubmission(store, "v19_commit_902_2", { codeSha256: putCode(store, new TextEncoder().encode("code d")) }); // its code arrived and matched
    const later = ingestBatch(store, batch(1300, [entry(H2, 1200, `${hash("d")}:https://example.com/other.py`)]), rules());
    expect(later.outcomes).toEqual({ duplicate_content: 1 });
    const byBlock = new Map(listIngested(store).map((r) => [r.revealBlock, r]));
    expect(byBlock.get(903)?.reason).toContain(`URL first committed by ${H2} at block 902`);
    expect(byBlock.get(1200)?.reason).toContain("v19_commit_902_2");
    expect(byBlock.get(901)?.reason).toContain("not registered");
  });

  test("behavior: a twin still waiting for its download claims no content yet", () => {
    ingestBatch(store, batch(1000, [entry(H1, 900, `${hash("a")}:https://e.com/first.py`)]), rules());
    const s = ingestBatch(store, batch(1100, [entry(H2, 950, `${hash("a")}:https://e.com/copy.py`)]), rules());
    expect(s.outcomes).toEqual({ accepted: 1 }); // content dedup then happens at evaluation, on the full SHA-256
  });

  test("behavior: the rate limit counts blocks since the hotkey's last submission", () => {
    ingestBatch(store, batch(1000, [entry(H1, 900, `${hash("a")}:https://e.com/1.py`)]), rules());
    const s = ingestBatch(store, batch(1300, [entry(H1, 1200, `${hash("b")}:https://e.com/2.py`), entry(H1, 1260, `${hash("c")}:https://e.com/3.py`, 1)]), rules());
    expect(s.outcomes).toEqual({ rate_limited: 1, accepted: 1 });
    expect(listIngested(store).find((r) => r.revealBlock === 1200)?.reason).toMatch(/^60 blocks short of the 360-block limit/);
  });

  test("behavior: invalid UTF-8 is rejected, not repaired", () => {
    const payload = new Uint8Array([16, 0x61, 0xff, 0x62, 0x63]);
    const [e] = revealedEntries(new Map([[H1, [{ payload, revealBlock: 950 }]]]));
    expect(ingestBatch(store, batch(1000, [e!]), rules()).outcomes).toEqual({ rejected_not_utf8: 1 });
  });

  test("behavior: a re-read of the same entries records nothing twice", () => {
    const entries = [entry(H1, 900, `${hash("a")}:https://e.com/1.py`)];
    ingestBatch(store, batch(1000, entries), rules());
    const again = ingestBatch(store, batch(1005, entries), rules());
    expect(again).toMatchObject({ skipped: 1, outcomes: {}, submissionIds: [] });
    expect(listIngested(store)).toHaveLength(1);
    expect(getCursor(store, "revealed")?.block).toBe(1005);
  });

  test("behavior: entries are processed in (reveal block, hotkey, index) order: the earlier reveal wins the URL", () => {
    const later = entry(H1, 950, `${hash("a")}:https://e.com/same.py`);
    const earlier = entry(H2, 940, `${hash("b")}:https://e.com/same.py`);
    const s = ingestBatch(store, batch(1000, [later, earlier]), rules());
    expect(s.submissionIds).toEqual(["v19_commit_940_2"]);
  });

  test("behavior: two entries of one hotkey in one block get _2", () => {
    const s = ingestBatch(store, batch(1000, [entry(H1, 900, `${hash("a")}:https://e.com/1.py`), entry(H1, 900, `${hash("b")}:https://e.com/2.py`, 1)]), rules({ minBlocksBetweenCommits: 0 }));
    expect(s.submissionIds).toEqual(["v19_commit_900_1", "v19_commit_900_1_2"]);
  });

  test("behavior: payments: accepted, rejected, transient within and past the retry window, reuse", () => {
    const a = entry(H1, 900, `${hash("a")}:123:4:https://e.com/1.py`);
    const b = entry(H2, 905, `${hash("b")}:123:4:https://e.com/2.py`);
    const accepted: PaymentCheck = { kind: "accepted", payment: { id: { blockHash: "0x01", extrinsicIndex: 4 }, reference: { blockNumber: 123, extrinsicIndex: 4 }, minerColdkey: "ck", destination: "d", burnHotkey: "bh", alphaAmount: 5n, minAlpha: 1n } };
    const checks = new Map<string, PaymentCheck>([[entryKey(a), accepted], [entryKey(b), { kind: "transient", reason: "rpc timeout" }]]);
    const first = ingestBatch(store, batch(950, [a, b]), rules({ paymentRequired: () => true, paymentChecks: checks }));
    expect(first.outcomes).toEqual({ accepted: 1, payment_pending_retry: 1 });
    expect(getSubmission(store, "v19_commit_900_1")?.paymentVerified).toBe(true);
    // Retried next cycle: the same payment reference is already used by the first submission.
    const reuse = new Map<string, PaymentCheck>([[entryKey(b), accepted]]);
    const second = ingestBatch(store, batch(960, [a, b]), rules({ paymentRequired: () => true, paymentChecks: reuse }));
    expect(second.outcomes).toEqual({ payment_failed: 1 });
    expect(listIngested(store).find((r) => r.revealBlock === 905)?.reason).toBe("payment already used by v19_commit_900_1");
  });

  test("behavior: a transient payment failure past the retry window fails", () => {
    const a = entry(H1, 900, `${hash("a")}:123:4:https://e.com/1.py`);
    const s = ingestBatch(store, batch(1001, [a]), rules({ paymentRequired: () => true, paymentChecks: new Map([[entryKey(a), { kind: "transient", reason: "rpc timeout" }]]) }));
    expect(s.outcomes).toEqual({ payment_failed: 1 });
  });

  test("behavior: an older entry recovered after a newer submission is held to the same distance", () => {
    ingestBatch(store, batch(2000, [entry(H1, 1900, `${hash("a")}:https://e.com/new.py`)]), rules());
    const near = entry(H1, 1700, `${hash("b")}:https://e.com/near.py`);
    const far = entry(H1, 1400, `${hash("c")}:https://e.com/far.py`);
    const s = ingestBatch(store, batch(2005, [near, far]), rules());
    expect(s.outcomes).toEqual({ rate_limited: 1, accepted: 1 });
    expect(listIngested(store).find((c) => c.revealBlock === 1700)).toMatchObject({ outcome: "rate_limited", reason: expect.stringMatching(/160 blocks short .* before v19_commit_1900_1/) });
    expect(getSubmission(store, "v19_commit_1400_1")).toMatchObject({ status: "queued" });
  });

  test("behavior: a full list newer than the cursor is recorded as a gap", () => {
    ingestBatch(store, batch(1000, []), rules());
    const entries = Array.from({ length: 10 }, (_, i) => entry(H1, 1100 + i, `${hash("a")}:https://e.com/${i}.py`, i));
    expect(ingestBatch(store, batch(1200, entries, { maxKeptPerHotkey: 10 }), rules({ minBlocksBetweenCommits: 0 })).gaps).toBe(1);
  });

  test("error: a store failure mid-batch records nothing and keeps the cursor", () => {
    ingestBatch(store, batch(1000, []), rules());
    const bad = rules({
      uidOf: (h) => {
        if (h === H2) throw new Error("disk I/O error");
        return UIDS.get(h) ?? null;
      },
    });
    expect(() => ingestBatch(store, batch(1100, [entry(H1, 1010, `${hash("a")}:https://e.com/1.py`), entry(H2, 1020, `${hash("b")}:https://e.com/2.py`)]), bad)).toThrow("disk I/O error");
    expect(getCursor(store, "revealed")?.block).toBe(1000);
    expect(listIngested(store)).toHaveLength(0);
    expect(getSubmission(store, "v19_commit_1010_1")).toBeNull();
  });

  test("args: the identity includes the payload's SHA-256", () => {
    const e = entry(H1, 900, `${hash("a")}:https://e.com/1.py`);
    expect(e.payloadSha256).toBe(createHash("sha256").update(encodeCommitmentPayload(`${hash("a")}:https://e.com/1.py`)).digest("hex"));
  });
});
