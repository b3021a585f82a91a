/**
 * Failure counting and schedule of proof-of-GPU (compute.md §10.2 "Failures", "Schedule";
 * §8 item 13): a hard failure revokes verified status at once with no retry in the interval; a
 * soft failure is retried at most 3 times (after 5, 10, 20 min); verified status lasts
 * `pog.validityBlocks` (720). Pure functions over a per-miner state the validator stores.
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";

/** `pog.intervalBlocks`. */
export const POG_INTERVAL_BLOCKS = 360;
/** `pog.validityBlocks`. */
export const POG_VALIDITY_BLOCKS = 720;
/** Delays of the soft-failure retries, in milliseconds. */
export const POG_SOFT_RETRY_DELAYS_MS: readonly number[] = Object.freeze([5 * 60_000, 10 * 60_000, 20 * 60_000]);

/** What the validator keeps per miner. */
export interface PogMinerState {
  /** Verified model and count, valid until `verifiedUntilBlock`. */
  readonly verified: { readonly model: string; readonly count: number; readonly untilBlock: number } | null;
  /** Interval whose attempts are used up (hard failure or retries exhausted). */
  readonly blockedInterval: number | null;
  readonly softFailures: number;
  /** When the next soft retry may start (validator clock, ms). */
  readonly retryAtMs: number | null;
  readonly lastOutcome: PogOutcome["kind"] | null;
}

/** A fresh miner. */
export const INITIAL_POG_STATE: PogMinerState = Object.freeze({ verified: null, blockedInterval: null, softFailures: 0, retryAtMs: null, lastOutcome: null });

/** What one run produced. */
export type PogOutcome =
  | { readonly kind: "passed"; readonly model: string | null; readonly count: number }
  | { readonly kind: "hard" }
  | { readonly kind: "soft" };

/** Where a run happened. */
export interface PogClock {
  readonly block: number;
  readonly nowMs: number;
  /** @default POG_INTERVAL_BLOCKS */
  readonly intervalBlocks?: number;
  /** @default POG_VALIDITY_BLOCKS */
  readonly validityBlocks?: number;
}

/** The interval a block falls in. */
export function pogInterval(block: number, intervalBlocks: number = POG_INTERVAL_BLOCKS): number {
  return Math.floor(block / intervalBlocks);
}

/**
 * The next state after a run.
 * - passed: verified for `validityBlocks` (a run with no counted GPU clears it);
 * - hard: verified status revoked, no more attempts in this interval;
 * - soft: status kept until it expires; retried after 5, 10, 20 minutes, then blocked.
 */
export function recordPogOutcome(state: PogMinerState, outcome: PogOutcome, clock: PogClock): PogMinerState {
  const { block, nowMs, intervalBlocks = POG_INTERVAL_BLOCKS, validityBlocks = POG_VALIDITY_BLOCKS } = clock;
  const interval = pogInterval(block, intervalBlocks);
  switch (outcome.kind) {
    case "passed":
      return {
        verified: outcome.model !== null && outcome.count > 0 ? { model: outcome.model, count: outcome.count, untilBlock: block + validityBlocks } : null,
        blockedInterval: interval,
        softFailures: 0,
        retryAtMs: null,
        lastOutcome: "passed",
      };
    case "hard":
      return { verified: null, blockedInterval: interval, softFailures: 0, retryAtMs: null, lastOutcome: "hard" };
    case "soft": {
      const failures = state.softFailures + 1;
      const delay = POG_SOFT_RETRY_DELAYS_MS[failures - 1];
      return delay === undefined
        ? { ...state, blockedInterval: interval, softFailures: 0, retryAtMs: null, lastOutcome: "soft" }
        : { ...state, softFailures: failures, retryAtMs: nowMs + delay, lastOutcome: "soft" };
    }
  }
}

/** The verified model and count at a block, or `null` once expired or revoked. */
export function verifiedGpus(state: PogMinerState, block: number): { readonly model: string; readonly count: number } | null {
  return state.verified !== null && block < state.verified.untilBlock ? { model: state.verified.model, count: state.verified.count } : null;
}

/**
 * The block offset of a miner's run inside an interval: SHA-256(validator ‖ miner ‖ interval)
 * modulo the interval length, so that validators spread their runs.
 */
export function pogScheduleOffset(validatorHotkey: string, minerHotkey: string, interval: number, intervalBlocks: number = POG_INTERVAL_BLOCKS): number {
  const d = sha256(new TextEncoder().encode(`${validatorHotkey}\n${minerHotkey}\n${interval}`));
  return new DataView(d.buffer).getUint32(0, false) % intervalBlocks;
}

/** Whether a run is due at `block`/`nowMs`: the scheduled offset has passed, or a soft retry is due. */
export function isPogDue(state: PogMinerState, validatorHotkey: string, minerHotkey: string, clock: PogClock): boolean {
  const intervalBlocks = clock.intervalBlocks ?? POG_INTERVAL_BLOCKS;
  const interval = pogInterval(clock.block, intervalBlocks);
  if (state.blockedInterval === interval) return false;
  if (state.retryAtMs !== null) return clock.nowMs >= state.retryAtMs;
  return clock.block % intervalBlocks >= pogScheduleOffset(validatorHotkey, minerHotkey, interval, intervalBlocks);
}
