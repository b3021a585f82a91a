/**
 * Verified payments: a `(block hash, extrinsic index)` pays for one submission only (§C.8 step 6).
 * @module
 */
import type { Store } from "./open-store.js";
import { prepared } from "./statements.js";
import { nowIso } from "./submissions.js";

/** A verified payment to record. */
export interface VerifiedPayment {
  readonly submissionId: string;
  readonly minerHotkey: string;
  readonly minerColdkey: string;
  readonly blockHash: string;
  readonly extrinsicIndex: number;
  readonly amountRao: bigint;
}

/**
 * Records the payment for its submission. The same submission recording it again is accepted
 * (idempotent); the pair already used by a different submission is refused.
 * @returns `"recorded"`, or `{ reusedBy }` naming the submission that already used it
 */
export function recordVerifiedPayment(store: Store, p: VerifiedPayment): "recorded" | { readonly reusedBy: string } {
  const used = recordedPaymentUser(store, p.blockHash, p.extrinsicIndex);
  if (used !== null) return used === p.submissionId ? "recorded" : { reusedBy: used };
  prepared(store, `INSERT INTO verified_payments (submission_id, miner_hotkey, miner_coldkey, block_hash, extrinsic_index, amount_rao, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .run(p.submissionId, p.minerHotkey, p.minerColdkey, p.blockHash, p.extrinsicIndex, p.amountRao.toString(), nowIso());
  return "recorded";
}

/** The submission that used the payment `(blockHash, extrinsicIndex)`, or `null`. */
export function recordedPaymentUser(store: Store, blockHash: string, extrinsicIndex: number): string | null {
  const row = prepared(store, `SELECT submission_id AS id FROM verified_payments WHERE block_hash = ? AND extrinsic_index = ?`).get(blockHash, extrinsicIndex) as { id: string } | undefined;
  return row?.id ?? null;
}
