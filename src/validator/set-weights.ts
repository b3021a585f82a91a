/**
 * The weight stage (§H.5, §H.6): on schedule, from the stored leader record only, winner-take-all
 * with burn, sent by the validator's hotkey; every attempt is recorded with its vector and leader.
 * @module
 */
import type { KeyringPair } from "@polkadot/keyring/types";
import type { Metagraph, SetWeightsError, SubtensorClient } from "../chain/index.js";
import type { Hparams } from "../config/index.js";
import { weightVector } from "../scoring/index.js";
import { getLeaderState, getSubmission, latestWeightSet, recordWeightSet, type Store } from "../store/index.js";
import type { Logger } from "./logger.js";

/** Inputs of {@link maybeSetWeights}. */
export interface MaybeSetWeightsParameters {
  readonly store: Store;
  readonly client: SubtensorClient;
  readonly hparams: Hparams;
  /** Read just before (§H.6 [PROJECT]: re-read before each attempt). */
  readonly metagraph: Metagraph;
  readonly signer: KeyringPair;
  readonly log: Logger;
  /** Set even when the interval has not passed (the operator's `--set-weights-now`). @default false */
  readonly force?: boolean;
}

/** What happened. */
export type MaybeSetWeightsOutcome =
  | { readonly kind: "not_due"; readonly blocksLeft: number }
  | { readonly kind: "set"; readonly uids: readonly number[]; readonly weights: readonly number[]; readonly values: readonly number[]; readonly block: number }
  | { readonly kind: "failed"; readonly error: SetWeightsError };

/** The winner's current uid: the leader's hotkey looked up in the metagraph (`null` when there is none or it left). */
export function winnerUid(store: Store, hparams: Hparams, metagraph: Metagraph): number | null {
  const leader = getLeaderState(store, hparams.competition_version);
  if (leader.leaderId === null) return null;
  const s = getSubmission(store, leader.leaderId);
  return s === null ? null : (metagraph.uidOfHotkey.get(s.minerHotkey) ?? null);
}

/**
 * Blocks left before weights are due at `block` (`<= 0`: due): more than `set_weights_interval_blocks`
 * must have passed since the last setting, `max(stored, metagraph last_update of our uid)`.
 */
export function blocksUntilWeightsDue(store: Store, hparams: Hparams, metagraph: Metagraph, hotkey: string, block: number): number {
  const ownUid = metagraph.uidOfHotkey.get(hotkey);
  const chainLast = ownUid === undefined ? 0 : (metagraph.lastUpdate[ownUid] ?? 0);
  const last = Math.max(latestWeightSet(store)?.block ?? 0, chainLast);
  return hparams.set_weights_interval_blocks - (block - last) + 1;
}

/**
 * Sets weights when they are due ({@link blocksUntilWeightsDue}).
 * @returns `not_due`, `set`, or `failed` with the chain's error (recorded; retried next cycle); never throws for chain errors
 */
export async function maybeSetWeights(p: MaybeSetWeightsParameters): Promise<MaybeSetWeightsOutcome> {
  const { store, hparams, metagraph } = p;
  const block = metagraph.blockNumber;
  const blocksLeft = blocksUntilWeightsDue(store, hparams, metagraph, p.signer.address, block);
  if (!p.force && blocksLeft > 0) return { kind: "not_due", blocksLeft };
  const leader = getLeaderState(store, hparams.competition_version);
  const vector = weightVector({ winnerUid: winnerUid(store, hparams, metagraph), burnUid: hparams.burn_uid, burnRate: hparams.burn_rate });
  p.log.info("setting weights", { block, uids: vector.uids, weights: vector.weights, leader: leader.leaderId, leaderScore: leader.leaderScore });
  const sent = await p.client.setWeights({ netuid: hparams.netuid, uids: vector.uids, weights: vector.weights, signer: p.signer, versionKey: hparams.weights.version_key, blockTimeSeconds: hparams.block_time });
  if (sent.isErr()) {
    recordWeightSet(store, { block, uids: vector.uids, weights: vector.weights, leader, mode: "unknown", txHash: null, outcome: "failed", error: sent.error.message });
    p.log.warn("setting weights failed", { error: sent.error.message });
    return { kind: "failed", error: sent.error };
  }
  recordWeightSet(store, { block, uids: vector.uids, weights: vector.weights, leader, mode: sent.value.mode, txHash: sent.value.outcome.txHash, outcome: "set", error: null });
  return { kind: "set", uids: vector.uids, weights: vector.weights, values: sent.value.values, block };
}
