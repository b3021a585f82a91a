/**
 * The ingestion stage: read every commitment entry at one pinned block, check the payments of new
 * entries, then apply the batch to the store ({@link ingestBatch}). A failed read leaves the
 * cursor where it was; the next cycle reads again (§C.1 [PROJECT] step 4).
 * @module
 */
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import type { CommitmentError, Metagraph, SubtensorClient } from "../chain/index.js";
import type { Hparams } from "../config/index.js";
import { classifySqliteError, recordedPaymentUser, type CommitmentSource, type Store, type StoreIoError } from "../store/index.js";
import { parseCommitment } from "../submission/index.js";
import { plainEntries, revealedEntries, type ChainEntry } from "./chain-entries.js";
import { entryKey, ingestBatch, needsProcessing, type IngestionSummary, type PaymentCheck } from "./ingest-batch.js";

/** The chain keeps this many revealed entries per hotkey. */
export const MAX_REVEALED_PER_HOTKEY = 10;

/** Inputs of {@link ingestOnce}. */
export interface IngestOnceParameters {
  readonly store: Store;
  readonly client: SubtensorClient;
  readonly hparams: Hparams;
  readonly source: CommitmentSource;
  /** The metagraph read at the block to ingest at (its block hash pins every read). */
  readonly metagraph: Metagraph;
  readonly versionStartBlock: number;
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

/** Checks the payment of every new entry that will need one; transient failures stay transient. */
async function checkPayments(p: IngestOnceParameters, entries: readonly ChainEntry[]): Promise<Map<string, PaymentCheck>> {
  const checks = new Map<string, PaymentCheck>();
  const required = paymentRequired(p.hparams);
  for (const e of entries) {
    if (e.text === null || !needsProcessing(p.store, e)) continue;
    const parsed = parseCommitment(e.text);
    const uid = p.metagraph.uidOfHotkey.get(e.hotkey);
    if (parsed.isErr() || uid === undefined || !required(uid)) continue;
    const verified = await p.client.verifyPayment({
      netuid: p.hparams.netuid, burnUid: p.hparams.burn_uid, hotkey: e.hotkey, uid, revealBlock: e.revealBlock,
      reference: parsed.value.payment === null ? null : { blockNumber: parsed.value.payment.block, extrinsicIndex: parsed.value.payment.extrinsicIndex },
      enabled: p.hparams.payment.enabled, feeRao: BigInt(p.hparams.payment.fee_rao), maxAgeBlocks: p.hparams.payment.max_age_blocks,
      ...(p.hparams.payment.payment_address ? { paymentAddress: p.hparams.payment.payment_address } : {}),
      retries: p.hparams.payment.rpc_retries,
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
 * One ingestion cycle of one source at the metagraph's block.
 * @returns what was recorded, or the chain or store error (nothing recorded, cursor unchanged)
 */
export function ingestOnce(p: IngestOnceParameters): ResultAsync<IngestionSummary, IngestError> {
  const { metagraph, hparams } = p;
  return readEntries(p.client, hparams.netuid, p.source, metagraph.blockHash).andThen((entries) =>
    ResultAsync.fromSafePromise(checkPayments(p, entries)).andThen((paymentChecks) => {
      try {
        return okAsync(
          ingestBatch(
            p.store,
            { source: p.source, block: metagraph.blockNumber, blockHash: metagraph.blockHash, entries, ...(p.source === "revealed" ? { maxKeptPerHotkey: MAX_REVEALED_PER_HOTKEY } : {}) },
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
    }),
  );
}
