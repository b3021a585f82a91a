/**
 * One ingestion batch applied to the store (crusades.md §C.1 [PROJECT], §C.2-§C.5): every entry
 * not seen before gets an outcome, accepted ones become `queued` submissions, and the source's
 * cursor moves, all in one transaction. Chain reads and payment checks happen before, so the
 * transaction itself cannot wait on the network.
 * @module
 */
import type { AcceptedPayment } from "../chain/index.js";
import {
  claimUrl,
  findIngested,
  getCursor,
  insertSubmission,
  nearestSubmissionOfHotkey,
  listGaps,
  recordGap,
  recordIngested,
  resolveGap,
  recordVerifiedPayment,
  setCursor,
  submissionExists,
  submissionWithCodeHash,
  urlClaim,
  type CommitmentSource,
  type IngestionOutcome,
  type Store,
} from "../store/index.js";
import { parseCommitment } from "../submission/index.js";
import type { ChainEntry } from "./chain-entries.js";

/** What the chain said about an entry's payment (checked before the batch). */
export type PaymentCheck =
  | { readonly kind: "exempt" }
  | { readonly kind: "accepted"; readonly payment: AcceptedPayment }
  | { readonly kind: "rejected"; readonly reason: string }
  | { readonly kind: "transient"; readonly reason: string };

/** A batch read at one pinned block. */
export interface IngestionBatch {
  readonly source: CommitmentSource;
  readonly block: number;
  readonly blockHash: string | null;
  readonly entries: readonly ChainEntry[];
  /** Per hotkey: how many entries the chain keeps at most (10 for reveals), for gap detection. */
  readonly maxKeptPerHotkey?: number;
  /** Hotkeys whose history the batch holds back to their gap's cursor (recovered from older states): their gaps close. */
  readonly completeHotkeys?: ReadonlySet<string>;
}

/** The rules an entry is judged by. */
export interface IngestionRules {
  readonly specVersion: number;
  /** Reveals at or before this block belong to an earlier competition version (§A.6). */
  readonly versionStartBlock: number;
  readonly uidOf: (hotkey: string) => number | null;
  readonly minBlocksBetweenCommits: number;
  /** Whether the uid must pay (payments enabled and not the burn uid). */
  readonly paymentRequired: (uid: number) => boolean;
  readonly paymentChecks: ReadonlyMap<string, PaymentCheck>;
  readonly paymentRetryWindowBlocks: number;
}

/** What a batch did. */
export interface IngestionSummary {
  readonly source: CommitmentSource;
  readonly block: number;
  readonly seen: number;
  readonly skipped: number;
  readonly outcomes: Readonly<Partial<Record<IngestionOutcome, number>>>;
  readonly submissionIds: readonly string[];
  /** Gaps still open after the batch (§C.1 step 5). */
  readonly gaps: number;
}

/** The identity key of an entry (§C.1 step 2). */
export function entryKey(e: Pick<ChainEntry, "hotkey" | "revealBlock" | "payloadSha256">): string {
  return `${e.hotkey}:${e.revealBlock}:${e.payloadSha256}`;
}

/** Entries in ascending (reveal block, hotkey, list index) order: deterministic across validators (§C.1 step 6). */
export function orderEntries(entries: readonly ChainEntry[]): ChainEntry[] {
  return [...entries].sort((a, b) => a.revealBlock - b.revealBlock || (a.hotkey < b.hotkey ? -1 : a.hotkey > b.hotkey ? 1 : 0) || a.listIndex - b.listIndex);
}

/** Whether the entry still needs processing: never recorded, or its payment check is pending. */
export function needsProcessing(store: Store, e: ChainEntry): boolean {
  const seen = findIngested(store, e.hotkey, e.revealBlock, e.payloadSha256);
  return seen === null || seen.outcome === "payment_pending_retry";
}

function submissionIdFor(store: Store, specVersion: number, revealBlock: number, uid: number): string {
  const base = `v${specVersion}_commit_${revealBlock}_${uid}`;
  // A second entry of one hotkey revealed in the same block gets _2, _3, ... (§C.3 [PROJECT]).
  let id = base;
  for (let n = 2; submissionExists(store, id); n++) id = `${base}_${n}`;
  return id;
}

/**
 * Applies a batch: in one transaction, records an outcome for every entry that needs one and
 * moves the source's cursor to the batch's block. A thrown store error rolls everything back, so
 * the cursor never passes an entry that was not recorded.
 */
export function ingestBatch(store: Store, batch: IngestionBatch, rules: IngestionRules): IngestionSummary {
  return store.transaction(() => {
    const outcomes: Partial<Record<IngestionOutcome, number>> = {};
    const submissionIds: string[] = [];
    let skipped = 0;
    const cursor = getCursor(store, batch.source);
    for (const e of orderEntries(batch.entries)) {
      if (!needsProcessing(store, e)) {
        skipped++;
        continue;
      }
      const judged = judge(store, e, batch, rules);
      outcomes[judged.outcome] = (outcomes[judged.outcome] ?? 0) + 1;
      if (judged.submissionId) submissionIds.push(judged.submissionId);
      recordIngested(store, {
        hotkey: e.hotkey, revealBlock: e.revealBlock, payloadSha256: e.payloadSha256, source: e.source, listIndex: e.listIndex,
        uid: judged.uid, rawText: e.text, outcome: judged.outcome, reason: judged.reason, submissionId: judged.submissionId ?? null,
        specVersion: rules.specVersion, ingestedBlock: batch.block,
      });
    }
    const gaps = updateGaps(store, batch, cursor?.block ?? rules.versionStartBlock);
    setCursor(store, batch.source, batch.block, batch.blockHash);
    return { source: batch.source, block: batch.block, seen: batch.entries.length, skipped, outcomes, submissionIds, gaps };
  });
}

interface Judged {
  readonly outcome: IngestionOutcome;
  readonly reason: string | null;
  readonly uid: number | null;
  readonly submissionId?: string;
}

function judge(store: Store, e: ChainEntry, batch: IngestionBatch, rules: IngestionRules): Judged {
  if (e.decodeError) return { outcome: e.decodeError.outcome, reason: e.decodeError.reason, uid: null };
  const parsed = parseCommitment(e.text ?? "");
  if (parsed.isErr()) return { outcome: "rejected_format", reason: parsed.error.message, uid: null };
  const c = parsed.value;
  if (e.revealBlock <= rules.versionStartBlock) {
    return { outcome: "before_version_start", reason: `revealed at block ${e.revealBlock}, at or before the version's start block ${rules.versionStartBlock}`, uid: null };
  }
  const uid = rules.uidOf(e.hotkey);
  if (uid === null) return { outcome: "rejected_unregistered", reason: `hotkey ${e.hotkey} is not registered on the subnet`, uid: null };
  const claim = urlClaim(store, rules.specVersion, c.url);
  const ownClaim = claim !== null && claim.hotkey === e.hotkey && claim.revealBlock === e.revealBlock;
  if (claim !== null && !ownClaim && claim.revealBlock <= e.revealBlock) {
    return { outcome: "duplicate_url", reason: `URL first committed by ${claim.hotkey} at block ${claim.revealBlock}`, uid };
  }
  // As in the reference, the URL is claimed even when the entry is then refused for rate or payment.
  claimUrl(store, rules.specVersion, c.url, e.revealBlock, e.hotkey);
  const sameCode = submissionWithCodeHash(store, c.codeHash, rules.specVersion);
  if (sameCode !== null) return { outcome: "duplicate_content", reason: `code hash ${c.codeHash} already submitted as ${sameCode.submissionId}`, uid };
  // Entries arrive in reveal order, so the nearest submission is the previous one; an older entry
  // recovered from a gap is held to the same distance from the newer submissions already made.
  const near = nearestSubmissionOfHotkey(store, e.hotkey, rules.specVersion, e.revealBlock);
  const distance = near === null ? Infinity : Math.abs(e.revealBlock - near.revealBlock);
  if (near !== null && distance < rules.minBlocksBetweenCommits) {
    const remaining = rules.minBlocksBetweenCommits - distance;
    return { outcome: "rate_limited", reason: `${remaining} blocks short of the ${rules.minBlocksBetweenCommits}-block limit ${near.revealBlock <= e.revealBlock ? "since" : "before"} ${near.submissionId}`, uid };
  }
  let payment: AcceptedPayment | null = null;
  if (rules.paymentRequired(uid)) {
    const check = rules.paymentChecks.get(entryKey(e)) ?? { kind: "transient" as const, reason: "the payment was not checked yet" };
    if (check.kind === "rejected") return { outcome: "payment_failed", reason: check.reason, uid };
    if (check.kind === "transient") {
      const waited = batch.block - e.revealBlock;
      if (waited > rules.paymentRetryWindowBlocks) return { outcome: "payment_failed", reason: `payment still unverified after ${waited} blocks: ${check.reason}`, uid };
      return { outcome: "payment_pending_retry", reason: check.reason, uid };
    }
    if (check.kind === "accepted") payment = check.payment;
  }
  const submissionId = submissionIdFor(store, rules.specVersion, e.revealBlock, uid);
  if (payment !== null) {
    const recorded = recordVerifiedPayment(store, {
      submissionId, minerHotkey: e.hotkey, minerColdkey: payment.minerColdkey, blockHash: payment.id.blockHash,
      extrinsicIndex: payment.id.extrinsicIndex, amountRao: payment.alphaAmount,
    });
    if (recorded !== "recorded") return { outcome: "payment_failed", reason: `payment already used by ${recorded.reusedBy}`, uid };
  }
  insertSubmission(store, {
    submissionId, minerHotkey: e.hotkey, minerUid: uid, codeHash: c.codeHash, bucketPath: c.url, specVersion: rules.specVersion,
    revealBlock: e.revealBlock, paymentVerified: payment !== null,
  });
  return { outcome: "accepted", reason: null, uid, submissionId };
}

/**
 * Hotkeys whose kept list is full and whose oldest entry is newer than `coveredBlock`: entries
 * may have been pushed out since (§C.1 step 5).
 */
export function possibleGaps(entries: readonly ChainEntry[], maxKeptPerHotkey: number, coveredBlock: number): Map<string, number> {
  const byHotkey = new Map<string, { n: number; oldest: number }>();
  for (const e of entries) {
    const seen = byHotkey.get(e.hotkey);
    byHotkey.set(e.hotkey, { n: (seen?.n ?? 0) + 1, oldest: Math.min(seen?.oldest ?? Infinity, e.revealBlock) });
  }
  const out = new Map<string, number>();
  for (const [hotkey, { n, oldest }] of byHotkey) if (n >= maxKeptPerHotkey && oldest > coveredBlock) out.set(hotkey, oldest);
  return out;
}

/**
 * Keeps the gaps table in step with the batch: closes the gaps of hotkeys whose history is now
 * complete, records new possible gaps, and moves the frontier of open ones down to the oldest
 * entry read for them.
 * @returns the number of gaps still open
 */
function updateGaps(store: Store, batch: IngestionBatch, cursorBlock: number): number {
  if (batch.maxKeptPerHotkey === undefined) return 0;
  const complete = batch.completeHotkeys ?? new Set<string>();
  for (const hotkey of complete) resolveGap(store, hotkey, batch.block);
  const detected = { detectedBlock: batch.block };
  for (const [hotkey, oldest] of possibleGaps(batch.entries, batch.maxKeptPerHotkey, cursorBlock)) {
    if (!complete.has(hotkey)) recordGap(store, { hotkey, oldestKeptBlock: oldest, cursorBlock, ...detected });
  }
  const oldestRead = new Map<string, number>();
  for (const e of batch.entries) oldestRead.set(e.hotkey, Math.min(oldestRead.get(e.hotkey) ?? Infinity, e.revealBlock));
  const open = listGaps(store, { open: true, limit: 1_000_000 });
  for (const g of open) {
    const reached = oldestRead.get(g.hotkey);
    if (reached !== undefined && reached < g.oldestKeptBlock) recordGap(store, { hotkey: g.hotkey, oldestKeptBlock: reached, cursorBlock: g.cursorBlock, ...detected });
  }
  return open.length;
}
