/**
 * The typed, validated `hparams.json` (spec crusades.md §I). Key names are the file's own
 * (snake_case), so the object maps one to one onto the JSON that the reference also reads.
 * @module
 */

/** `docker.*` (§I.1). */
export interface DockerHparams {
  /** GPUs per evaluation; the MFU denominator. @default 1 */
  readonly num_gpus: number;
  /** Container memory limit, a size string such as `"320g"`. @default "32g" */
  readonly memory_limit: string;
  /** `/dev/shm` size, a size string. @default "8g" */
  readonly shm_size: string;
}

/** `basilica.*` (§I.1): the reference's remote GPU mode. */
export interface BasilicaHparams {
  readonly image: string;
  /** @default 3600 */
  readonly ttl_seconds: number;
  /** @default 1 */
  readonly gpu_count: number;
  /** @default ["A100"] */
  readonly gpu_models: readonly string[];
  /** @default 40 */
  readonly min_gpu_memory_gb: number;
  /** @default null */
  readonly interconnect: string | null;
  /** @default "4" */
  readonly cpu: string;
  /** @default "32Gi" */
  readonly memory: string;
  /** @default null */
  readonly geo: string | null;
  /** @default false */
  readonly spot: boolean;
}

/** `verification.*` (§I.1, §I.3; formulas in §F). */
export interface VerificationHparams {
  /** Allowed |candidate − reference| final loss (§F.2). @default 0.3 */
  readonly max_loss_difference: number;
  /** Minimum fraction of changed elements (§F.3). @default 0.7 */
  readonly min_params_changed_ratio: number;
  /** Global relative L2 error bound (§F.4). @default 0.008 */
  readonly weight_relative_error_max: number;
  /** Reference-only clock divergence bound. @default 0.005 */
  readonly timer_divergence_threshold: number;
  /** Optional binding per-layer bound (§F.4, project). @default null */
  readonly per_layer_relative_error_max: number | null;
}

/** `mfu.*` (§I.1, §G). */
export interface MfuHparams {
  /** Per-GPU dense peak in TFLOPS. @default 312 */
  readonly gpu_peak_tflops: number;
  /** MFU (%) above which a run is `implausible_mfu`. @default 75 */
  readonly max_plausible_mfu: number;
  /** MFU (%) below which a verified run is `insufficient_mfu`. @default 35 */
  readonly min_mfu: number;
}

/** `adaptive_threshold.*` (§H.3). */
export interface AdaptiveThresholdHparams {
  /** @default 0.002 */
  readonly base_threshold: number;
  /** @default 0.05 */
  readonly decay_percent: number;
  /** @default 100 */
  readonly decay_interval_blocks: number;
}

/** `payment.*` (§I.1, §I.3, §C.8). */
export interface PaymentHparams {
  /** @default false */
  readonly enabled: boolean;
  /** @default 100000000 */
  readonly fee_rao: number;
  /** @default "" */
  readonly payment_address: string;
  /** @default 30 */
  readonly rpc_timeout: number;
  /** @default 2 */
  readonly rpc_retries: number;
  /** @default "wss://archive.chain.opentensor.ai:443" */
  readonly archive_endpoint: string;
  /** @default 7200 */
  readonly max_age_blocks: number;
  /** @default 100 */
  readonly retry_window_blocks: number;
}

/** `storage.*` (§I.1). */
export interface StorageHparams {
  /** @default "sqlite+aiosqlite:///crusades.db" */
  readonly database_url: string;
}

/** `evaluation.*` (§I.3). */
export interface EvaluationHparams {
  /** @default 3 */
  readonly max_void_retries: number;
}

/** `ingestion.*` (§I.3). */
export interface IngestionHparams {
  /** @default 5 */
  readonly poll_interval_blocks: number;
}

/** `download.*` (§I.3, §C.6). */
export interface DownloadHparams {
  /** @default 5 */
  readonly max_attempts: number;
  /** @default 300 */
  readonly retry_window_blocks: number;
  /** @default 5 */
  readonly max_redirects: number;
  /** @default [] */
  readonly allowed_hosts: readonly string[];
}

/** `timing.*` (§I.3, §L.1.6). */
export interface TimingHparams {
  /** @default 0.5 */
  readonly state_delivery_ratio: number;
  /** @default 0.25 */
  readonly state_write_slack: number;
  /** @default 10 */
  readonly state_delivery_floor_s: number;
}

/** `sandbox.*` (§I.3, §L.2). */
export interface SandboxHparams {
  /** @default eval_timeout */
  readonly total_deadline_s: number;
  /** @default eval_timeout */
  readonly reference_deadline_s: number;
  /** @default 1024 × docker.num_gpus */
  readonly pids_limit: number;
  /** @default "8g" */
  readonly tmpfs_size: string;
  /** @default 1.1 */
  readonly handoff_max_bytes_factor: number;
  /**
   * The evaluation image every run must use (§L.6 `image_digest`): its id or one of its registry
   * digests must equal this, or no run starts. `null`: not pinned (tests, miners).
   * @default null
   */
  readonly image_digest: string | null;
}

/** `weights.*` (§I.3). */
export interface WeightsHparams {
  /** @default 9010001 */
  readonly version_key: number;
}

/** When submitted code becomes public (§J.3). */
export type CodeDisclosure = "never" | "after_superseded" | "after_evaluation";

/** `api.*` (§I.3). */
export interface ApiHparams {
  /** @default "after_superseded" */
  readonly code_disclosure: CodeDisclosure;
  /**
   * Under `after_superseded`, the blocks after which a finished submission (the leader included)
   * is disclosed even while it is still the leader, counted from its `finished_block` to the
   * chain's current block. `null`: only being superseded discloses it. Ignored by the other modes.
   * @default null
   */
  readonly code_disclosure_delay_blocks: number | null;
}

/** `review.*` (§I.3). */
export interface ReviewHparams {
  readonly llm: {
    /** @default false */
    readonly enabled: boolean;
  };
}

/** The whole validated configuration, deeply frozen. */
export interface Hparams {
  readonly netuid: number;
  readonly burn_rate: number;
  readonly burn_uid: number;
  readonly evaluation_runs: number;
  readonly eval_steps: number;
  readonly eval_timeout: number;
  /** @default 0.5 (the project's default; the reference's code default is also 0.5) */
  readonly min_success_rate: number;
  readonly benchmark_model_name: string;
  /** @default "" */
  readonly benchmark_tokenizer_name: string;
  readonly benchmark_dataset_name: string;
  readonly benchmark_dataset_split: string;
  readonly benchmark_data_samples: number;
  readonly benchmark_master_seed: number;
  readonly benchmark_sequence_length: number;
  readonly benchmark_batch_size: number;
  readonly set_weights_interval_blocks: number;
  readonly reveal_blocks: number;
  readonly min_blocks_between_commits: number;
  readonly block_time: number;
  /** @default 30 */
  readonly code_fetch_timeout: number;
  /** @default 10000 */
  readonly max_evaluated_urls: number;
  /** @default 19 */
  readonly competition_version: number;
  readonly docker: DockerHparams;
  readonly basilica: BasilicaHparams;
  readonly verification: VerificationHparams;
  readonly mfu: MfuHparams;
  readonly adaptive_threshold: AdaptiveThresholdHparams;
  readonly payment: PaymentHparams;
  readonly storage: StorageHparams;
  readonly evaluation: EvaluationHparams;
  readonly ingestion: IngestionHparams;
  readonly download: DownloadHparams;
  readonly timing: TimingHparams;
  readonly sandbox: SandboxHparams;
  readonly weights: WeightsHparams;
  readonly api: ApiHparams;
  readonly review: ReviewHparams;
}

/** The file could not be read. */
export interface HparamsReadError {
  readonly type: "hparams_read_failed";
  readonly message: string;
  readonly path: string;
  readonly cause: unknown;
}

/** The file is not valid JSON. */
export interface HparamsSyntaxError {
  readonly type: "hparams_not_json";
  readonly message: string;
  readonly path: string | null;
  readonly cause: unknown;
}

/** A key is missing, has the wrong type or is out of range; `key` is its dotted path. */
export interface HparamsInvalidError {
  readonly type: "hparams_invalid";
  readonly message: string;
  readonly path: string | null;
  /** Dotted key path, e.g. `docker.num_gpus`; `""` for the top level. */
  readonly key: string;
}

/** Everything {@link loadHparams} can fail with. */
export type HparamsError = HparamsReadError | HparamsSyntaxError | HparamsInvalidError;
/** Everything {@link parseHparams} can fail with. */
export type ParseHparamsError = HparamsInvalidError;
