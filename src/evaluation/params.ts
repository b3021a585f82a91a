/**
 * `params.json` (docs/evaluation-protocol.md §4, schema `crusades.run_params` version 1): the one
 * document the host writes for both containers of a run. Every setting that affects results is in
 * it (spec crusades.md §E.1 [PROJECT]).
 * @module
 */

/** Supervisor-side deadlines (§L.1.4, §L.1.6), seconds. */
export interface RunDeadlines {
  readonly hello_s: number;
  readonly ready_s: number;
  readonly end_s: number;
  readonly delivery_floor_s: number;
  readonly delivery_ratio: number;
}

/**
 * Path overrides (`params.json` `paths`; the harness's `DEFAULT_PATHS`): the local runner points the
 * container paths at its run directory. Absent in containers.
 */
export interface LocalPaths {
  /** The input directory (`params.json`, `miner_train.py`, `scan.json`). */
  readonly in: string;
  /** The reference's output root: `initial/`, `reference/`, `shared/`, `secret/` under it (the run directory). */
  readonly out: string;
  readonly initial: string;
  readonly shared: string;
  readonly secret: string;
  readonly handoff: string;
  readonly sup: string;
  /** The control socket (keep it short: `sun_path` holds 107 bytes). */
  readonly ctl: string;
}

/** `params.json`. */
export interface RunParams {
  readonly schema: "crusades.run_params";
  readonly schema_version: 1;
  readonly run_id: string;
  readonly seed: string;
  readonly model: string;
  readonly steps: number;
  readonly warmup_steps: number;
  readonly batch_size: number;
  readonly sequence_length: number;
  readonly num_gpus: number;
  readonly dp_size: number;
  readonly tp_size: number;
  readonly device: "cpu" | "cuda";
  readonly data_samples: number;
  readonly warmup_offset: number | null;
  readonly deadlines: RunDeadlines;
  readonly launch: "exec" | "spawn";
  readonly scan_check: "required" | "skip";
  readonly paths?: LocalPaths;
}

/** The run shape: what the reference trains and the candidate must reproduce. */
export interface RunShape {
  /** Timed steps `n` (`eval_steps`). */
  readonly steps: number;
  /** Warm-up steps. @default 2 */
  readonly warmupSteps?: number;
  /** `B` per data rank; even (micro-batches of 2). */
  readonly batchSize: number;
  /** `L`. */
  readonly sequenceLength: number;
  /** Rows selected (`benchmark_data_samples`). */
  readonly dataSamples: number;
}

/** Inputs of {@link buildRunParams}. */
export interface BuildRunParamsParameters {
  readonly runId: string;
  readonly seed: string;
  readonly model: string;
  readonly shape: RunShape;
  readonly numGpus: number;
  readonly dpSize: number;
  readonly tpSize: number;
  readonly device: "cpu" | "cuda";
  /** The candidate's total deadline (`sandbox.total_deadline_s`); the supervisor's ready/end deadlines. */
  readonly totalDeadlineSeconds: number;
  /** `hparams.timing`. */
  readonly timing: { readonly state_delivery_floor_s: number; readonly state_delivery_ratio: number };
  readonly launch: "exec" | "spawn";
  readonly scanCheck: "required" | "skip";
  /** Force the warm-up offset (tests). @default null */
  readonly warmupOffset?: number | null;
  readonly paths?: LocalPaths;
}

function positiveInt(value: number, label: string, min = 1): void {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${label} must be an integer >= ${min}, got ${value}`);
}

/**
 * Builds `params.json` for a run.
 * @throws RangeError when the shape or topology is invalid (`dp × tp ≠ num_gpus`, odd batch): the
 *   caller checked the strategy, so this is a programmer error
 */
export function buildRunParams(p: BuildRunParamsParameters): RunParams {
  const { shape } = p;
  positiveInt(shape.steps, "steps");
  positiveInt(shape.warmupSteps ?? 2, "warmupSteps");
  positiveInt(shape.batchSize, "batchSize", 2);
  if (shape.batchSize % 2 !== 0) throw new RangeError(`batchSize must be even (micro-batches of 2), got ${shape.batchSize}`);
  positiveInt(shape.sequenceLength, "sequenceLength", 2);
  positiveInt(shape.dataSamples, "dataSamples");
  positiveInt(p.numGpus, "numGpus");
  positiveInt(p.dpSize, "dpSize");
  positiveInt(p.tpSize, "tpSize");
  if (p.dpSize * p.tpSize !== p.numGpus) throw new RangeError(`dp_size × tp_size must equal num_gpus: ${p.dpSize} × ${p.tpSize} != ${p.numGpus}`);
  if (!(p.totalDeadlineSeconds > 0)) throw new RangeError(`totalDeadlineSeconds must be > 0, got ${p.totalDeadlineSeconds}`);
  return {
    schema: "crusades.run_params",
    schema_version: 1,
    run_id: p.runId,
    seed: p.seed,
    model: p.model,
    steps: shape.steps,
    warmup_steps: shape.warmupSteps ?? 2,
    batch_size: shape.batchSize,
    sequence_length: shape.sequenceLength,
    num_gpus: p.numGpus,
    dp_size: p.dpSize,
    tp_size: p.tpSize,
    device: p.device,
    data_samples: shape.dataSamples,
    warmup_offset: p.warmupOffset ?? null,
    deadlines: {
      hello_s: Math.min(300, p.totalDeadlineSeconds),
      ready_s: p.totalDeadlineSeconds,
      end_s: p.totalDeadlineSeconds,
      delivery_floor_s: p.timing.state_delivery_floor_s,
      delivery_ratio: p.timing.state_delivery_ratio,
    },
    launch: p.launch,
    scan_check: p.scanCheck,
    ...(p.paths === undefined ? {} : { paths: p.paths }),
  };
}
