/**
 * The supervisor's timing figures (spec §L.1.6): training interval, delivery duration and bound,
 * and the timed wall time MFU uses.
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import type { TimingHparams } from "../config/index.js";
import type { SupervisorTiming } from "./artifacts.js";

/** The figures of §L.1.6, in seconds. */
export interface TimedWall {
  /** `T_end = max(t_end) − t_go`. */
  readonly trainingSeconds: number;
  /** `D = t_delivered − max(t_end)`. */
  readonly deliverySeconds: number;
  /** `W_allow = W_ref × (1 + state_write_slack)`. */
  readonly allowedWriteSeconds: number;
  /** `max(state_delivery_floor_s, state_delivery_ratio × T_end)`. */
  readonly deliveryBoundSeconds: number;
  /** `D ≤ bound`; otherwise the run is `deferred_computation`. */
  readonly deliveryWithinBound: boolean;
  /** `max(T_end, (t_delivered − t_go) − W_allow)`. */
  readonly timedWallSeconds: number;
}

/**
 * Computes the timed wall time and the state-delivery bound from `supervisor/timing.json`.
 * @param referenceStateWriteSeconds - `state_write_seconds` of `reference/summary.json` (`W_ref`)
 * @param params - `hparams.timing`
 * @returns the figures, or a message when the clock readings are out of order
 */
export function computeTimedWall(timing: SupervisorTiming, referenceStateWriteSeconds: number, params: TimingHparams): Result<TimedWall, string> {
  const go = BigInt(timing.t_go_ns);
  const delivered = BigInt(timing.t_delivered_ns);
  let lastEnd = -1n;
  for (const e of timing.t_end_ns) {
    const t = BigInt(e);
    if (t < go) return err(`t_end_ns ${e} is before t_go_ns ${timing.t_go_ns}`);
    if (t > lastEnd) lastEnd = t;
  }
  if (delivered < lastEnd) return err(`t_delivered_ns ${timing.t_delivered_ns} is before the last t_end_ns`);
  const s = (ns: bigint) => Number(ns) / 1e9;
  const trainingSeconds = s(lastEnd - go);
  const deliverySeconds = s(delivered - lastEnd);
  const allowedWriteSeconds = referenceStateWriteSeconds * (1 + params.state_write_slack);
  const deliveryBoundSeconds = Math.max(params.state_delivery_floor_s, params.state_delivery_ratio * trainingSeconds);
  return ok({
    trainingSeconds,
    deliverySeconds,
    allowedWriteSeconds,
    deliveryBoundSeconds,
    deliveryWithinBound: deliverySeconds <= deliveryBoundSeconds,
    timedWallSeconds: Math.max(trainingSeconds, s(delivered - go) - allowedWriteSeconds),
  });
}
