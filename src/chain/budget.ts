/**
 * Size bounds and the commitment space budget, as pure functions checked before anything is sent
 * (chain.md §3.2, §3.4, §5.3, §8.4).
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import type { CommitmentSpaceExceededError, PayloadTooLargeError } from "./errors.js";

/** Bound on `TimelockEncrypted.encrypted`: a longer value makes the extrinsic undecodable (chain.md §3.2). */
export const MAX_TIMELOCK_CIPHERTEXT_BYTES = 1024;
/** Largest `RawN` field (`Raw128`). */
export const MAX_RAW_FIELD_BYTES = 128;
/** Bound on a `BigRaw` field. */
export const MAX_BIG_RAW_FIELD_BYTES = 512;
/** Bound on the `commit` of `commit_timelocked_*weights` (chain.md §8.4). */
export const MAX_WEIGHTS_COMMIT_BYTES = 5000;
/** A call costs at least this much of the space budget (chain.md §3.4). */
export const MIN_COMMITMENT_COST_BYTES = 100;
/** Metadata default of `Commitments.MaxSpace`; read the live value, this is only a fallback for display. */
export const DEFAULT_MAX_SPACE_BYTES = 3100;

/** What a commitment field costs against the budget: its data length (`encrypted` for a timelocked one). */
export interface CommitmentFieldSize {
  readonly kind: "timelock" | "raw" | "bigRaw";
  readonly sizeBytes: number;
}

/** A `UsedSpaceOf(netuid, hotkey)` record (`UsageTracker`); `null` when the hotkey never committed. */
export interface CommitmentUsage {
  readonly lastEpoch: bigint;
  readonly usedSpace: bigint;
}

/** Inputs of {@link checkCommitmentSpace}. */
export interface CheckCommitmentSpaceParameters {
  /** Cost of the call, from {@link commitmentCost}. */
  readonly costBytes: number;
  /** Live `Commitments.MaxSpace`. */
  readonly maxSpaceBytes: number;
  /** Live `Commitments.UsedSpaceOf(netuid, hotkey)`, or `null`. */
  readonly usage: CommitmentUsage | null;
  /** Live `SubtensorModule.SubnetEpochIndex(netuid)`. */
  readonly currentEpoch: bigint;
}

/** The budget after the call would be applied. */
export interface CommitmentSpace {
  /** Space already used in the current epoch (0 when the record is from an older epoch). */
  readonly usedBytes: number;
  /** Space left after this call. */
  readonly remainingBytes: number;
}

/**
 * The space a `set_commitment` call costs: `max(100, Σ field sizes)` (chain.md §3.4).
 *
 * @example
 * ```ts
 * import { commitmentCost } from "crusades/chain";
 * commitmentCost([{ kind: "timelock", sizeBytes: 374 }]); // 374
 * commitmentCost([{ kind: "raw", sizeBytes: 5 }]); // 100
 * ```
 */
export function commitmentCost(fields: readonly CommitmentFieldSize[]): number {
  return Math.max(MIN_COMMITMENT_COST_BYTES, fields.reduce((sum, f) => sum + f.sizeBytes, 0));
}

/**
 * Checks the per-hotkey, per-subnet, per-epoch space budget the pallet enforces: the running total
 * resets when the epoch index changed since `usage.lastEpoch`; `used + cost` must not exceed
 * `MaxSpace` (else the chain answers `SpaceLimitExceeded`).
 *
 * @returns The budget after the call, or `CommitmentSpaceExceeded` naming cost, used and limit.
 *
 * @example
 * ```ts
 * import { checkCommitmentSpace } from "crusades/chain";
 * checkCommitmentSpace({ costBytes: 374, maxSpaceBytes: 3100, usage: null, currentEpoch: 5n });
 * // Ok({ usedBytes: 0, remainingBytes: 2726 })
 * ```
 */
export function checkCommitmentSpace(
  params: CheckCommitmentSpaceParameters,
): Result<CommitmentSpace, CommitmentSpaceExceededError> {
  const { costBytes, maxSpaceBytes, usage, currentEpoch } = params;
  const used = usage === null || usage.lastEpoch !== currentEpoch ? 0 : Number(usage.usedSpace);
  if (used + costBytes > maxSpaceBytes) {
    return err({
      type: "CommitmentSpaceExceeded",
      message:
        `commitment costs ${costBytes} bytes but only ${Math.max(0, maxSpaceBytes - used)} of ${maxSpaceBytes} ` +
        `remain in this epoch (${used} used); wait for the next epoch`,
      costBytes,
      usedBytes: used,
      maxSpaceBytes,
    });
  }
  return ok({ usedBytes: used, remainingBytes: maxSpaceBytes - used - costBytes });
}

/**
 * Checks a size against a chain bound before sending.
 *
 * @example
 * ```ts
 * import { checkPayloadSize, MAX_TIMELOCK_CIPHERTEXT_BYTES } from "crusades/chain";
 * checkPayloadSize("timelock-ciphertext", 1100, MAX_TIMELOCK_CIPHERTEXT_BYTES); // Err(PayloadTooLarge)
 * ```
 */
export function checkPayloadSize(
  what: PayloadTooLargeError["what"],
  sizeBytes: number,
  limitBytes: number,
): Result<number, PayloadTooLargeError> {
  if (sizeBytes <= limitBytes) return ok(sizeBytes);
  return err({
    type: "PayloadTooLarge",
    message: `${what} of ${sizeBytes} bytes exceeds the chain's bound of ${limitBytes} bytes`,
    what,
    sizeBytes,
    limitBytes,
  });
}
