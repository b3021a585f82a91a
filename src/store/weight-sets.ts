/**
 * Weight settings: the block, the vector, the leader record it came from and the outcome (§J.1).
 * @module
 */
import type { LeaderState } from "../scoring/index.js";
import type { Store } from "./open-store.js";
import { prepared } from "./statements.js";
import { nowIso } from "./submissions.js";

/** One attempt to set weights. */
export interface WeightSetRecord {
  readonly block: number;
  readonly uids: readonly number[];
  /** The float weights before u16 conversion. */
  readonly weights: readonly number[];
  readonly leader: LeaderState;
  readonly mode: string;
  readonly txHash: string | null;
  readonly outcome: "set" | "failed" | "skipped";
  readonly error: string | null;
  readonly createdAt?: string;
}

/** Appends an attempt. */
export function recordWeightSet(store: Store, w: WeightSetRecord): void {
  prepared(store, `INSERT INTO weight_sets (block, uids, weights, leader, mode, tx_hash, outcome, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(w.block, JSON.stringify(w.uids), JSON.stringify(w.weights), JSON.stringify(w.leader), w.mode, w.txHash, w.outcome, w.error, nowIso());
}

/** The newest attempt with outcome `set` (or any outcome with `anyOutcome`), or `null`. */
export function latestWeightSet(store: Store, options: { readonly anyOutcome?: boolean } = {}): WeightSetRecord | null {
  const row = prepared(store, `SELECT block, uids, weights, leader, mode, tx_hash AS txHash, outcome, error, created_at AS createdAt FROM weight_sets ${options.anyOutcome ? "" : "WHERE outcome = 'set'"} ORDER BY id DESC LIMIT 1`)
    .get() as (Omit<WeightSetRecord, "uids" | "weights" | "leader"> & { uids: string; weights: string; leader: string }) | undefined;
  if (!row) return null;
  return { ...row, uids: JSON.parse(row.uids) as number[], weights: JSON.parse(row.weights) as number[], leader: JSON.parse(row.leader) as LeaderState };
}
