/**
 * The ingestion stage: read every commitment entry at one pinned block, recover the reveals pushed
 * out of full lists from older states, check the payments of new entries, then apply the batch to
 * the store ({@link ingestBatch}). A failed read leaves the
 * cursor where it was; the next cycle reads again (§C.1 [PROJECT] step 4).
 * @module
 */
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import type { CommitmentError, Metagraph, SubtensorClient } from "../chain/index.js";
import type { Hparams } from "../config/index.js";
import { classifySqliteError, getCursor, listGaps, nearestSubmissionOfHotkey, recordedPaymentUser, urlClaim, type CommitmentSource, type Store, type StoreIoError } from "../store/index.js";
import { parseCommitment } from "../submission/index.js";
import { plainEntries, revealedEntries, type ChainEntry } from "./chain-entries.js";
import { entryKey, ingestBatch, needsProcessing, possibleGaps, type IngestionSummary, type PaymentCheck } from "./ingest-batch.js";

/** The chain keeps this many revealed entries per hotkey. */
export const MAX_REVEALED_PER_HOTKEY = 10;

/** Older states read per hotkey and cycle at most while closing a gap (each one reaches up to 10 entries further back). */
export const MAX_GAP_RECOVERY_READS = 50;

/** Inputs of {@link ingestOnce}. */
export interface IngestOnceParameters {
  readonly store: Store;
  readonly client: SubtensorClient;
  readonly hparams: Hparams;
  readonly source: CommitmentSource;
  /** The metagraph read at the block to ingest at (its block hash pins every read). */
  readonly metagraph: Metagraph;
  readonly versionStartBlock: number;
  /**
   * An archive node: older states for gap recovery (§C.1 step 5; a pruning node keeps only
   * recent ones) and payment blocks (§C.8), tried first for those. @default `client` alone
   */
  readonly archive?: SubtensorClient;
}

/** Errors of an ingestion cycle: the chain read failed, or the store could not be written. */
export type IngestError = CommitmentError | StoreIoError;

function readEntries(client: SubtensorClient, netuid: number, source: CommitmentSource, blockHash: string): ResultAsync<ChainEntry[], CommitmentError> {
  return source === "revealed"
    ? client.readRevealedCommitments(netuid, { blockHash }).map(revealedEntries)
    : client.readCommitments(netuid, { blockHash }).map(plainEntries);
}

function paymentRequired(hparams: Hparams): (uid: number) => boolean {
  return (uid) => hparams.payment.enabled && uid !== hparams.burn_uid;
}

/**
 * Whether the store already decides that the entry is refused before its payment is looked at
 * (an earlier claim of its URL by another hotkey, or a submission of the same hotkey within the
 * rate limit): the batch can only add claims and submissions, so the refusal stands, and the
 * archive reads of a payment check are saved.
 */
function refusedBeforePayment(p: IngestOnceParameters, e: ChainEntry, url: string): boolean {
  const version = p.hparams.competition_version;
  const claim = urlClaim(p.store, version, url);
  const ownClaim = claim !== null && claim.hotkey === e.hotkey && claim.revealBlock === e.revealBlock;
  if (claim !== null && !ownClaim && claim.revealBlock <= e.revealBlock) return true;
  const near = nearestSubmissionOfHotkey(p.store, e.hotkey, version, e.revealBlock);
  return near !== null && Math.abs(e.revealBlock - near.revealBlock) < p.hparams.min_blocks_between_commits;
}

/** Checks the payment of every new entry that will need one; transient failures stay transient. */
async function checkPayments(p: IngestOnceParameters, entries: readonly ChainEntry[]): Promise<Map<string, PaymentCheck>> {
  const checks = new Map<string, PaymentCheck>();
  const required = paymentRequired(p.hparams);
  for (const e of entries) {
    if (e.text === null || e.revealBlock <= p.versionStartBlock || !needsProcessing(p.store, e)) continue;
    const parsed = parseCommitment(e.text);
    const uid = p.metagraph.uidOfHotkey.get(e.hotkey);
    if (parsed.isErr() || uid === undefined || !required(uid)) continue;
    if (refusedBeforePayment(p, e, parsed.value.url)) continue;
    const verified = await p.client.verifyPayment({
      netuid: p.hparams.netuid, burnUid: p.hparams.burn_uid, hotkey: e.hotkey, uid, revealBlock: e.revealBlock,
      reference: parsed.value.payment === null ? null : { blockNumber: parsed.value.payment.block, extrinsicIndex: parsed.value.payment.extrinsicIndex },
      enabled: p.hparams.payment.enabled, feeRao: BigInt(p.hparams.payment.fee_rao), maxAgeBlocks: p.hparams.payment.max_age_blocks,
      ...(p.hparams.payment.payment_address ? { paymentAddress: p.hparams.payment.payment_address } : {}),
      retries: p.hparams.payment.rpc_retries,
      ...(p.archive ? { archive: p.archive } : {}),
      // The submission id is not known yet: any recorded use refuses (re-checks of pending entries record nothing before).
      isPaymentUsed: (id) => recordedPaymentUser(p.store, id.blockHash, id.extrinsicIndex) !== null,
    });
    checks.set(
      entryKey(e),
      verified.match<PaymentCheck>(
        (v) => (v.status === "accepted" ? { kind: "accepted", payment: v.payment } : { kind: "exempt" }),
        (error) => (error.type === "PaymentTransient" ? { kind: "transient", reason: error.message } : { kind: "rejected", reason: error.message }),
      ),
    );
  }
  return checks;
}

/**
 * Gap recovery (§C.1 step 5). A gap is a hotkey whose full list starts after the cursor (found
 * now) or one recorded earlier and still open. For each, the hotkey's list is read just before its
 * oldest known entry, again and again, until the history reaches the gap's cursor or a list is no
 * longer full (nothing older was pushed out). A failed read (a timeout, a pruned state) stops the
 * walk for this cycle: the gap stays open and the next cycle tries again from where it got to.
 * @returns the older entries found, and the hotkeys whose history is now complete
 */
async function recoverGaps(p: IngestOnceParameters, entries: readonly ChainEntry[]): Promise<{ older: ChainEntry[]; complete: Set<string> }> {
  const older: ChainEntry[] = [];
  const complete = new Set<string>();
  const covered = getCursor(p.store, "revealed")?.block ?? p.versionStartBlock;
  const archive = p.archive ?? p.client;
  const walks = new Map<string, { from: number; to: number }>();
  for (const g of listGaps(p.store, { open: true, limit: 10_000 })) walks.set(g.hotkey, { from: g.oldestKeptBlock, to: g.cursorBlock });
  for (const [hotkey, oldest] of possibleGaps(entries, MAX_REVEALED_PER_HOTKEY, covered)) {
    // A new gap above an open one: walk from the newest frontier down to the oldest target.
    walks.set(hotkey, { from: oldest, to: Math.min(covered, walks.get(hotkey)?.to ?? covered) });
  }
  for (const [hotkey, walk] of walks) {
    let oldest = walk.from;
    for (let reads = 0; reads < MAX_GAP_RECOVERY_READS && oldest > walk.to; reads++) {
      const hash = await archive.blockHashAt(oldest - 1);
      if (hash.isErr() || hash.value === null) break;
      const list = await archive.readRevealedCommitmentsOf(p.hparams.netuid, hotkey, { blockHash: hash.value });
      if (list.isErr()) break;
      older.push(...revealedEntries(new Map([[hotkey, list.value]])));
      if (list.value.length < MAX_REVEALED_PER_HOTKEY) {
        oldest = -Infinity; // the whole history is read
        break;
      }
      oldest = Math.min(...list.value.map((c) => c.revealBlock));
    }
    if (oldest <= walk.to) complete.add(hotkey);
  }
  return { older, complete };
}

/**
 * One ingestion cycle of one source at the metagraph's block.
 * @returns what was recorded, or the chain or store error (nothing recorded, cursor unchanged)
 */
export function ingestOnce(p: IngestOnceParameters): ResultAsync<IngestionSummary, IngestError> {
  const { metagraph, hparams } = p;
  return readEntries(p.client, hparams.netuid, p.source, metagraph.blockHash).andThen((current) =>
    ResultAsync.fromSafePromise(withRecovered(p, current)).andThen(({ entries, complete }) =>
    ResultAsync.fromSafePromise(checkPayments(p, entries)).andThen((paymentChecks) => {
      try {
        return okAsync(
          ingestBatch(
            p.store,
            { source: p.source, block: metagraph.blockNumber, blockHash: metagraph.blockHash, entries, ...(p.source === "revealed" ? { maxKeptPerHotkey: MAX_REVEALED_PER_HOTKEY, completeHotkeys: complete } : {}) },
            {
              specVersion: hparams.competition_version, versionStartBlock: p.versionStartBlock,
              uidOf: (hotkey) => metagraph.uidOfHotkey.get(hotkey) ?? null,
              minBlocksBetweenCommits: hparams.min_blocks_between_commits, paymentRequired: paymentRequired(hparams), paymentChecks,
              paymentRetryWindowBlocks: hparams.payment.retry_window_blocks,
            },
          ),
        );
      } catch (cause) {
        return errAsync(classifySqliteError(cause, "record the ingestion batch"));
      }
    })),
  );
}

/** The entries read now plus, for reveals, those recovered from older states. */
async function withRecovered(p: IngestOnceParameters, current: ChainEntry[]): Promise<{ entries: ChainEntry[]; complete: ReadonlySet<string> }> {
  if (p.source !== "revealed") return { entries: current, complete: new Set() };
  const { older, complete } = await recoverGaps(p, current);
  return { entries: [...older, ...current], complete };
}
