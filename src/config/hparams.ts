/**
 * The `hparams.json` schema (spec crusades.md §I.1 and the project's keys of §I.3): every key with
 * its type, range and code default. Required keys (no default) must be present.
 * @module
 */
import { bool, int, nullable, num, object, oneOf, str, strArray } from "./schema.js";

/** Size strings such as `"320g"`, `"64GiB"`, `"8g"`, `"320Gi"`, `"512m"` (units k, m, g, t; optional `i`/`b`). */
export const SIZE_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?)(b?)\s*$/i;

const size = (def: string) => str({ pattern: SIZE_PATTERN, what: 'a size string such as "32g" or "64Gi"' }, def);
const blocks = (def?: number) => (def === undefined ? int({ min: 1 }) : int({ min: 1 }, def));
const seconds = (def?: number) => (def === undefined ? num({ min: 0, minExclusive: true }) : num({ min: 0, minExclusive: true }, def));
const ratio = (def: number) => num({ min: 0, max: 1 }, def);

/**
 * Placeholder defaults of derived keys, filled from other keys once the file is parsed
 * (`sandbox.*_deadline_s` = `eval_timeout`, `sandbox.pids_limit` = 1024 × `docker.num_gpus`).
 */
export const DERIVED = -1;

/** The schema, in file order. */
export const HPARAMS_SCHEMA = object({
  netuid: int({ min: 0, max: 65535 }),
  burn_rate: num({ min: 0, max: 1 }),
  burn_uid: int({ min: 0, max: 65535 }),
  evaluation_runs: int({ min: 1, max: 100 }),
  eval_steps: int({ min: 1 }),
  eval_timeout: seconds(),
  min_success_rate: num({ min: 0, max: 1 }, 0.5),
  benchmark_model_name: str({ nonEmpty: true }),
  benchmark_tokenizer_name: str({}, ""),
  benchmark_dataset_name: str({ nonEmpty: true }),
  benchmark_dataset_split: str({ nonEmpty: true }),
  benchmark_data_samples: int({ min: 1 }),
  benchmark_master_seed: int({ min: 0 }),
  benchmark_sequence_length: int({ min: 2 }),
  benchmark_batch_size: int({ min: 1 }),
  set_weights_interval_blocks: blocks(),
  reveal_blocks: blocks(),
  min_blocks_between_commits: int({ min: 0 }),
  block_time: seconds(),
  code_fetch_timeout: seconds(30),
  max_evaluated_urls: int({ min: 1 }, 10000),
  competition_version: int({ min: 0 }, 19),
  docker: object({
    num_gpus: int({ min: 1, max: 64 }, 1),
    memory_limit: size("32g"),
    shm_size: size("8g"),
  }),
  basilica: object({
    image: str({ nonEmpty: true }, "ghcr.io/one-covenant/templar-eval:latest"),
    ttl_seconds: int({ min: 1 }, 3600),
    gpu_count: int({ min: 1, max: 64 }, 1),
    gpu_models: strArray(["A100"]),
    min_gpu_memory_gb: num({ min: 0 }, 40),
    interconnect: nullable(str({ nonEmpty: true }), null),
    cpu: str({ nonEmpty: true }, "4"),
    memory: size("32Gi"),
    geo: nullable(str({ nonEmpty: true }), null),
    spot: bool(false),
  }),
  verification: object({
    max_loss_difference: num({ min: 0 }, 0.3),
    min_params_changed_ratio: ratio(0.7),
    weight_relative_error_max: num({ min: 0 }, 0.008),
    timer_divergence_threshold: num({ min: 0 }, 0.005),
    per_layer_relative_error_max: nullable(num({ min: 0 }), null),
  }),
  mfu: object({
    gpu_peak_tflops: num({ min: 0, minExclusive: true }, 312.0),
    max_plausible_mfu: num({ min: 0, max: 100 }, 75.0),
    min_mfu: num({ min: 0, max: 100 }, 35.0),
  }),
  adaptive_threshold: object({
    base_threshold: num({ min: 0 }, 0.002),
    decay_percent: ratio(0.05),
    decay_interval_blocks: num({}, 100),
  }),
  payment: object({
    enabled: bool(false),
    fee_rao: int({ min: 0 }, 100_000_000),
    payment_address: str({}, ""),
    rpc_timeout: seconds(30),
    rpc_retries: int({ min: 0 }, 2),
    archive_endpoint: str({ pattern: /^wss?:\/\/\S+$/, what: "a ws:// or wss:// URL" }, "wss://archive.chain.opentensor.ai:443"),
    max_age_blocks: blocks(7200),
    retry_window_blocks: int({ min: 0 }, 100),
  }),
  storage: object({
    database_url: str({ nonEmpty: true }, "sqlite+aiosqlite:///crusades.db"),
  }),
  evaluation: object({
    max_void_retries: int({ min: 0 }, 3),
  }),
  ingestion: object({
    poll_interval_blocks: blocks(5),
  }),
  download: object({
    max_attempts: int({ min: 1 }, 5),
    retry_window_blocks: int({ min: 0 }, 300),
    max_redirects: int({ min: 0 }, 5),
    allowed_hosts: strArray([]),
  }),
  timing: object({
    state_delivery_ratio: num({ min: 0 }, 0.5),
    state_write_slack: num({ min: 0 }, 0.25),
    state_delivery_floor_s: num({ min: 0 }, 10),
  }),
  sandbox: object({
    total_deadline_s: num({ min: 0, minExclusive: true }, DERIVED),
    reference_deadline_s: num({ min: 0, minExclusive: true }, DERIVED),
    pids_limit: int({ min: 1 }, DERIVED),
    tmpfs_size: size("8g"),
    handoff_max_bytes_factor: num({ min: 1 }, 1.1),
    image_digest: nullable(str({ pattern: /^sha256:[0-9a-f]{64}$/, what: "a digest sha256:<64 hex>" }), null),
  }),
  weights: object({
    version_key: int({ min: 0 }, 9010001),
  }),
  api: object({
    code_disclosure: oneOf<"never" | "after_superseded" | "after_evaluation">(["never", "after_superseded", "after_evaluation"], "after_superseded"),
    code_disclosure_delay_blocks: nullable(int({ min: 0 }), null),
  }),
  review: object({
    llm: object({ enabled: bool(false) }),
  }),
});

const UNIT_POWER: Record<string, number> = { "": 0, k: 1, m: 2, g: 3, t: 4, p: 5 };

/**
 * Parses a size string of `hparams.json` to bytes. Units k, m, g, t, p, optionally followed by `i`
 * and/or `b`, case-insensitive, are binary (1024-based) as Docker reads them; no unit means bytes.
 * @returns the byte count, or `null` when the text is not a size.
 * @example parseSizeBytes("64g") // 68719476736
 */
export function parseSizeBytes(text: string): number | null {
  const m = SIZE_PATTERN.exec(text);
  if (!m) return null;
  const value = Number(m[1]);
  const power = UNIT_POWER[(m[2] ?? "").toLowerCase()] ?? 0;
  const bytes = Math.round(value * 1024 ** power);
  return Number.isSafeInteger(bytes) ? bytes : null;
}
