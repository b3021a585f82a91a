/**
 * An ingestion cycle (ingestOnce) with gap recovery (crusades.md §C.1 step 5) on a real SQLite store.
 * The chain side is a recorded history of one subnet's `RevealedCommitments`: the runtime that
 * chopsticks boots here (spec 218) has no such storage, so the history is served by a small
 * in-memory chain that keeps, like the pallet, the last 10 reveals of each hotkey at every block.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { errAsync, okAsync } from "neverthrow";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { encodeCommitmentPayload, type Metagraph, type RevealedCommitment, type SubtensorClient } from "../../src/chain/index.js";
import { parseHparams, type Hparams } from "../../src/config/index.js";
import { claimUrl, listGaps, listIngested, openStore, setCursor, type Store } from "../../src/store/index.js";
import { ingestOnce, MAX_REVEALED_PER_HOTKEY } from "../../src/validator/index.js";

const REPO = path.join(import.meta.dirname, "..", "..");
const H1 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const H2 = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
const HEAD = 2000;

let dir: string;
let store: Store;
let hparams: Hparams;

/** Reveals of each hotkey: (block, text), ascending. */
type History = ReadonlyMap<string, readonly (readonly [number, string])[]>;

function history(hotkey: string, blocks: readonly number[]): [string, [number, string][]] {
  return [hotkey, blocks.map((b) => [b, `${b.toString(16).padStart(32, "0")}:https://example.com/${hotkey.slice(0, 6)}/${b}.py`])];
}

/** The pallet's view at `block`: per hotkey, the last 10 reveals at or before it. */
function listAt(h: History, hotkey: string, block: number): RevealedCommitment[] {
  return (h.get(hotkey) ?? [])
    .filter(([b]) => b <= block)
    .slice(-MAX_REVEALED_PER_HOTKEY)
    .map(([revealBlock, text]) => ({ payload: encodeCommitmentPayload(text), revealBlock }));
}

/** The reads ingestion makes, over a recorded history; `prunedBelow`: states older than this are gone. */
function chain(h: History, options: { prunedBelow?: number } = {}) {
  const reads: number[] = [];
  const hashOf = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
  const numberOf = (hash: string) => Number.parseInt(hash.slice(2), 16);
  const client = {
    readRevealedCommitments: (_netuid: number, o?: { blockHash?: string }) => {
      const at = o?.blockHash === undefined ? HEAD : numberOf(o.blockHash);
      return okAsync(new Map([...h.keys()].map((k) => [k, listAt(h, k, at)] as const)));
    },
    blockHashAt: (n: number) => okAsync<string | null, never>(n >= 0 && n <= HEAD ? hashOf(n) : null),
    readRevealedCommitmentsOf: (_netuid: number, hotkey: string, o?: { blockHash?: string }) => {
      const at = o?.blockHash === undefined ? HEAD : numberOf(o.blockHash);
      reads.push(at);
      if (options.prunedBelow !== undefined && at < options.prunedBelow) return errAsync({ type: "ChainRpcError", message: `state of block ${at} is pruned` });
      return okAsync(listAt(h, hotkey, at));
    },
  } as unknown as SubtensorClient;
  return { client, reads };
}

const metagraph = { netuid: 1, blockNumber: HEAD, blockHash: `0x${HEAD.toString(16).padStart(64, "0")}`, uidOfHotkey: new Map([[H1, 1], [H2, 2]]) } as unknown as Metagraph;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "crusades-ingest-once-"));
  store = openStore(path.join(dir, "c.db"))._unsafeUnwrap();
  const base = JSON.parse(readFileSync(path.join(REPO, "hparams", "hparams.json"), "utf8")) as Record<string, unknown>;
  hparams = parseHparams({ ...base, netuid: 1, min_blocks_between_commits: 0, payment: { ...(base["payment"] as object), enabled: false } })._unsafeUnwrap();
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("ingestOnce: gap recovery", () => {
  test("behavior: entries pushed out of a full list since the cursor are read from older states", async () => {
    setCursor(store, "revealed", 1000, null);
    // 25 reveals of H1 after the cursor: the head keeps only the last 10.
    const h = new Map([history(H1, Array.from({ length: 25 }, (_, i) => 1010 + i * 10)), history(H2, [1500])]);
    const { client, reads } = chain(h);
    const s = (await ingestOnce({ store, client, hparams, source: "revealed", metagraph, versionStartBlock: 0 }))._unsafeUnwrap();
    expect(s.outcomes).toEqual({ accepted: 26 });
    expect(s.gaps).toBe(0);
    expect(listIngested(store, { hotkey: H1 }).map((c) => c.revealBlock).sort((a, b) => a - b)).toEqual(h.get(H1)!.map(([b]) => b));
    // Just before the oldest kept (1160), then just before the next oldest (1060): 5 left, complete.
    expect(reads).toEqual([1159, 1059]);
    expect(listGaps(store)).toEqual([]);
  });

  test("behavior: the walk stops once the history reaches the cursor", async () => {
    setCursor(store, "revealed", 1100, null);
    const h = new Map([history(H1, Array.from({ length: 25 }, (_, i) => 1010 + i * 10))]);
    const { client, reads } = chain(h);
    const s = (await ingestOnce({ store, client, hparams, source: "revealed", metagraph, versionStartBlock: 0 }))._unsafeUnwrap();
    expect(reads).toEqual([1159]); // that state's oldest (1060) is at or before the cursor
    expect(s.gaps).toBe(0);
    // Every reveal after the cursor is recorded; older ones were recorded by earlier cycles (here: before the version's data).
    expect(listIngested(store, { hotkey: H1, limit: 100 }).filter((c) => c.revealBlock > 1100)).toHaveLength(15);
  });

  test("error: an unreadable state leaves the gap open; the next cycle reads on from where it got to and closes it", async () => {
    setCursor(store, "revealed", 1000, null);
    const h = new Map([history(H1, Array.from({ length: 25 }, (_, i) => 1010 + i * 10))]);
    const first = chain(h, { prunedBelow: 1100 });
    const s = (await ingestOnce({ store, client: first.client, hparams, source: "revealed", metagraph, versionStartBlock: 0 }))._unsafeUnwrap();
    expect(first.reads).toEqual([1159, 1059]);
    expect(s.outcomes).toEqual({ accepted: 20 });
    expect(s.gaps).toBe(1);
    expect(listGaps(store)).toMatchObject([{ hotkey: H1, oldestKeptBlock: 1060, cursorBlock: 1000, detectedBlock: HEAD, resolvedBlock: null }]);

    // The cursor moved on, but the gap is still open: the archive is back, the walk resumes below 1060.
    const second = chain(h);
    const t = (await ingestOnce({ store, client: second.client, hparams, source: "revealed", metagraph: { ...metagraph, blockNumber: HEAD + 5 } as Metagraph, archive: second.client, versionStartBlock: 0 }))._unsafeUnwrap();
    expect(second.reads).toEqual([1059]);
    expect(t.outcomes).toEqual({ accepted: 5 });
    expect(t.gaps).toBe(0);
    expect(listGaps(store)).toMatchObject([{ hotkey: H1, resolvedBlock: HEAD + 5 }]);
    expect(listIngested(store, { hotkey: H1 })).toHaveLength(25);
  });

  test("behavior: reads go to the archive node when one is given", async () => {
    setCursor(store, "revealed", 1000, null);
    const h = new Map([history(H1, Array.from({ length: 15 }, (_, i) => 1010 + i * 10))]);
    const head = chain(h, { prunedBelow: HEAD });
    const archive = chain(h);
    const s = (await ingestOnce({ store, client: head.client, archive: archive.client, hparams, source: "revealed", metagraph, versionStartBlock: 0 }))._unsafeUnwrap();
    expect(head.reads).toEqual([]);
    expect(archive.reads).toEqual([1059]);
    expect(s).toMatchObject({ outcomes: { accepted: 15 }, gaps: 0 });
  });

  test("behavior: a full list that starts at or before the cursor reads nothing older", async () => {
    setCursor(store, "revealed", 1900, null);
    const h = new Map([history(H1, Array.from({ length: 10 }, (_, i) => 1850 + i * 10))]);
    const { client, reads } = chain(h);
    const s = (await ingestOnce({ store, client, hparams, source: "revealed", metagraph, versionStartBlock: 0 }))._unsafeUnwrap();
    expect(reads).toEqual([]);
    expect(s.gaps).toBe(0);
  });

  test("behavior: a fresh store is covered from the version's start block", async () => {
    const h = new Map([history(H1, Array.from({ length: 15 }, (_, i) => 1500 + i * 10))]);
    const { client, reads } = chain(h);
    const s = (await ingestOnce({ store, client, hparams, source: "revealed", metagraph, versionStartBlock: 1400 }))._unsafeUnwrap();
    expect(reads).toEqual([1549]);
    expect(s.outcomes).toEqual({ accepted: 15 });
  });
});

describe("ingestOnce: payment checks", () => {
  test("behavior: an entry the store already refuses (URL claimed, rate limit, before the version) costs no payment read", async () => {
    const paid = hparams.payment.enabled ? hparams : parseHparams({ ...JSON.parse(readFileSync(path.join(REPO, "hparams", "hparams.json"), "utf8")), netuid: 1, burn_uid: 0 })._unsafeUnwrap();
    claimUrl(store, paid.competition_version, `https://example.com/${H2.slice(0, 6)}/1500.py`, 1400, H1);
    const h = new Map([history(H2, [1500]), history(H1, [50])]);
    const { client } = chain(h);
    const c = client as unknown as Record<string, unknown>;
    c["verifyPayment"] = () => {
      throw new Error("no payment may be read for these entries");
    };
    const s = (await ingestOnce({ store, client, hparams: paid, source: "revealed", metagraph, versionStartBlock: 100 }))._unsafeUnwrap();
    expect(s.outcomes).toEqual({ duplicate_url: 1, before_version_start: 1 });
  });
});
