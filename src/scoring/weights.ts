/**
 * The weight vector (spec crusades.md §H.5): winner-take-all with `burn_rate` to `burn_uid`, as
 * floats. Conversion to u16 (§H.6) is the chain module's job.
 * @module
 */

/** Inputs of {@link weightVector}. */
export interface WeightVectorParameters {
  /** The winner's current UID, or `null` when there is no valid winner (none, deregistered, unknown UID). */
  readonly winnerUid: number | null;
  /** `hparams.burn_uid`. */
  readonly burnUid: number;
  /** `hparams.burn_rate`, in [0, 1]. */
  readonly burnRate: number;
}

/** Parallel arrays of UIDs and float weights; every other UID gets 0. */
export interface WeightVector {
  readonly uids: readonly number[];
  readonly weights: readonly number[];
}

/**
 * `uids = [burn_uid, winner_uid]`, `weights = [burn_rate, 1 − burn_rate]` with a valid winner that
 * is not the burn UID; otherwise `uids = [burn_uid]`, `weights = [1.0]`.
 * @throws RangeError when `burnRate` is outside [0, 1] or a UID is not a non-negative integer (programmer errors; hparams are validated)
 * @example weightVector({ winnerUid: 7, burnUid: 1, burnRate: 0.95 }) // { uids: [1, 7], weights: [0.95, 0.05…] }
 */
export function weightVector({ winnerUid, burnUid, burnRate }: WeightVectorParameters): WeightVector {
  if (!(burnRate >= 0 && burnRate <= 1)) throw new RangeError(`burnRate must be in [0, 1], got ${burnRate}`);
  if (!Number.isSafeInteger(burnUid) || burnUid < 0) throw new RangeError(`burnUid must be a non-negative integer, got ${burnUid}`);
  if (winnerUid !== null && (!Number.isSafeInteger(winnerUid) || winnerUid < 0)) throw new RangeError(`winnerUid must be a non-negative integer or null, got ${winnerUid}`);
  if (winnerUid === null || winnerUid === burnUid) return { uids: [burnUid], weights: [1.0] };
  return { uids: [burnUid, winnerUid], weights: [burnRate, 1 - burnRate] };
}
