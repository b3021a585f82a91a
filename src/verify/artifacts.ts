/**
 * The run-directory artifact format (version 1), documented in `docs/run-artifacts.md`: file names
 * and the JSON documents the reference container, the candidate harness and the supervisor write.
 * @module
 */
import { err, ok, type Result } from "neverthrow";

/** Paths inside a run directory. */
export const RUN_ARTIFACT_PATHS = Object.freeze({
  initialState: "initial/state.safetensors",
  referenceState: "reference/state.safetensors",
  referenceSummary: "reference/summary.json",
  candidateState: "candidate/state.safetensors",
  candidateSummary: "candidate/summary.json",
  supervisorTiming: "supervisor/timing.json",
});

/** The schema version this SDK writes and reads. */
export const RUN_ARTIFACT_SCHEMA_VERSION = 1;

/** A float that JSON cannot carry is written as one of these strings. */
export type JsonFloat = number | "NaN" | "Infinity" | "-Infinity";

/** `reference/summary.json`: written by the trusted reference container (spec §E.5). */
export interface ReferenceSummary {
  readonly schema: "crusades.reference_summary";
  readonly schema_version: 1;
  /** Mean loss of the last step's micro-batches. */
  readonly final_loss: number;
  readonly batch_size: number;
  readonly sequence_length: number;
  readonly steps: number;
  /** `batch_size × sequence_length × steps` (§F.1). */
  readonly expected_tokens_per_rank: number;
  /** `V`, the vocabulary size the logits must have (§F.5). */
  readonly vocab_size: number;
  readonly model_params: number;
  readonly dp_size: number;
  readonly tp_size: number;
  readonly num_gpus: number;
  readonly seed: string;
  /** Seconds the reference took to write its state (§L.1.6). */
  readonly state_write_seconds: number;
  readonly harness_hash: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** `candidate/summary.json`: the harness's record of what `inner_steps` returned (untrusted claims, §L.1.5). */
export interface CandidateSummary {
  readonly schema: "crusades.candidate_summary";
  readonly schema_version: 1;
  /** `final_loss` as a float; `null` when the value was absent or not a number. */
  readonly final_loss: JsonFloat | null;
  /** `total_tokens` as a number; `null` when absent or not a number. */
  readonly total_tokens: JsonFloat | null;
  /** Shape of `final_logits`, or `null` when it was `None`. */
  readonly final_logits_shape: readonly number[] | null;
  readonly final_logits_dtype: string | null;
  /** Keys of `final_state` not in the initial state, removed before writing (§E.8 step 9). */
  readonly dropped_keys: readonly string[];
}

/** `supervisor/timing.json`: the supervisor's clock readings (§L.1.6, §L.1.7), nanoseconds as decimal strings. */
export interface SupervisorTiming {
  readonly schema: "crusades.supervisor_timing";
  readonly schema_version: 1;
  /** `completed` or a failure code. */
  readonly status: string;
  readonly t_go_ns: string;
  readonly t_end_ns: readonly string[];
  readonly t_delivered_ns: string;
  /** Byte size of the hand-over file the supervisor observed. */
  readonly handoff_bytes: number;
}

type Obj = Record<string, unknown>;
type Check = (v: unknown) => boolean;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const count: Check = (v) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const positive: Check = (v) => count(v) && (v as number) > 0;
const finite: Check = (v) => typeof v === "number" && Number.isFinite(v);
const nonNegative: Check = (v) => finite(v) && (v as number) >= 0;
const string: Check = (v) => typeof v === "string";
const nanos: Check = (v) => typeof v === "string" && /^(0|[1-9]\d{0,24})$/.test(v);
const jsonFloat: Check = (v) => finite(v) || v === "NaN" || v === "Infinity" || v === "-Infinity";
const orNull = (c: Check): Check => (v) => v === null || c(v);
const arrayOf = (c: Check, max = 1 << 20): Check => (v) => Array.isArray(v) && v.length <= max && v.every(c);
const stringMap: Check = (v) => isObj(v) && Object.values(v).every(string);

function validate<T>(json: unknown, schema: string, fields: Record<string, [Check, string]>): Result<T, string> {
  if (!isObj(json)) return err("expected a JSON object");
  if (json.schema !== schema) return err(`schema: expected "${schema}", got ${JSON.stringify(json.schema)}`);
  if (json.schema_version !== RUN_ARTIFACT_SCHEMA_VERSION) {
    return err(`schema_version: expected ${RUN_ARTIFACT_SCHEMA_VERSION}, got ${JSON.stringify(json.schema_version)}`);
  }
  for (const [key, [check, what]] of Object.entries(fields)) {
    if (!Object.hasOwn(json, key)) return err(`${key}: required key is missing`);
    if (!check(json[key])) return err(`${key}: expected ${what}, got ${String(JSON.stringify(json[key])).slice(0, 60)}`);
  }
  return ok(json as T);
}

/**
 * Validates `reference/summary.json`.
 * @returns the typed summary, or a message naming the bad key
 */
export function parseReferenceSummary(json: unknown): Result<ReferenceSummary, string> {
  return validate<ReferenceSummary>(json, "crusades.reference_summary", {
    final_loss: [finite, "a finite number"],
    batch_size: [positive, "an integer >= 1"],
    sequence_length: [positive, "an integer >= 1"],
    steps: [positive, "an integer >= 1"],
    expected_tokens_per_rank: [count, "an integer >= 0"],
    vocab_size: [positive, "an integer >= 1"],
    model_params: [positive, "an integer >= 1"],
    dp_size: [positive, "an integer >= 1"],
    tp_size: [positive, "an integer >= 1"],
    num_gpus: [positive, "an integer >= 1"],
    seed: [string, "a string"],
    state_write_seconds: [nonNegative, "a number >= 0"],
    harness_hash: [string, "a string"],
    versions: [stringMap, "an object of strings"],
  }).andThen((s) =>
    s.expected_tokens_per_rank === s.batch_size * s.sequence_length * s.steps
      ? ok(s)
      : err(`expected_tokens_per_rank: ${s.expected_tokens_per_rank} != batch_size × sequence_length × steps`),
  );
}

/** Validates `candidate/summary.json`. */
export function parseCandidateSummary(json: unknown): Result<CandidateSummary, string> {
  return validate<CandidateSummary>(json, "crusades.candidate_summary", {
    final_loss: [orNull(jsonFloat), 'a number, "NaN", "Infinity", "-Infinity" or null'],
    total_tokens: [orNull(jsonFloat), 'a number, "NaN", "Infinity", "-Infinity" or null'],
    final_logits_shape: [orNull(arrayOf(count, 64)), "an array of integers or null"],
    final_logits_dtype: [orNull(string), "a string or null"],
    dropped_keys: [arrayOf(string), "an array of strings"],
  });
}

/** Validates `supervisor/timing.json`. */
export function parseSupervisorTiming(json: unknown): Result<SupervisorTiming, string> {
  return validate<SupervisorTiming>(json, "crusades.supervisor_timing", {
    status: [string, "a string"],
    t_go_ns: [nanos, "a decimal string of nanoseconds"],
    t_end_ns: [(v) => arrayOf(nanos, 4096)(v) && (v as unknown[]).length > 0, "a non-empty array of decimal strings"],
    t_delivered_ns: [nanos, "a decimal string of nanoseconds"],
    handoff_bytes: [count, "an integer >= 0"],
  });
}

/** Reads a {@link JsonFloat} as a number. */
export function jsonFloatValue(v: JsonFloat): number {
  return typeof v === "number" ? v : v === "NaN" ? NaN : v === "Infinity" ? Infinity : -Infinity;
}
