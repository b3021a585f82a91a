/**
 * The project's compute score (compute.md §4.3) and its weight vector.
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { findGpu, type UnknownGpuError } from "../mfu/index.js";
import { type BaseScoreTable, DEFAULT_BASE_SCORES } from "./base-scores.js";

/** Options of {@link computeScore} (`compute.scoring`). */
export interface ComputeScoreOptions {
  /** Base score per catalogue id. @default DEFAULT_BASE_SCORES */
  readonly baseScores?: BaseScoreTable;
  /** Adds 100 for an allocated miner (the v1.6.0 bonus). @default false */
  readonly allocationBonus?: boolean;
}

/** The score and how it was reached. */
export interface ComputeScore {
  /** 0 … 100, or 0 … 200 with the allocation bonus. */
  readonly score: number;
  /** Catalogue id of the GPU. */
  readonly gpu: string;
  readonly count: number;
  readonly countedGpus: number;
  readonly allocated: boolean;
  readonly allocationBonus: boolean;
  /** The model's base score; `null` for an `unscored_model`. */
  readonly base: number | null;
  readonly maxBase: number;
  readonly status: "scored" | "unscored_model";
}

/** The configured table is unusable (empty, negative or non-finite values). */
export interface InvalidScoreTableError {
  readonly type: "invalid_score_table";
  readonly message: string;
}

/**
 * `score = base·min(count, 8)·100/(8·maxBase) + (bonus && allocated ? 100 : 0)`.
 * `gpu` is a catalogue id or alias (exact match); an unknown name is `unknown_gpu`, a model
 * absent from the table scores 0 with status `unscored_model`.
 * @param count GPUs that passed PoG in the validity window (integer ≥ 0; else RangeError)
 * @example computeScore("NVIDIA GeForce RTX 4090", 2, false) // Ok({ score: 4.25, ... })
 */
export function computeScore(gpu: string, count: number, allocated: boolean, options: ComputeScoreOptions = {}): Result<ComputeScore, UnknownGpuError | InvalidScoreTableError> {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be an integer >= 0, got ${count}`);
  const { baseScores = DEFAULT_BASE_SCORES, allocationBonus = false } = options;
  const values = Object.values(baseScores);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v < 0) || !(Math.max(...values) > 0)) {
    return err({ type: "invalid_score_table", message: "the base-score table needs finite, non-negative values and a positive maximum" });
  }
  const model = findGpu(gpu);
  if (model.isErr()) return err(model.error);
  const id = model.value.id;
  const maxBase = Math.max(...values);
  const base = Object.hasOwn(baseScores, id) ? (baseScores[id] as number) : null;
  const countedGpus = Math.min(count, 8);
  const bonus = allocationBonus && allocated ? 100 : 0;
  const score = (base === null ? 0 : (base * countedGpus * 100) / (8 * maxBase)) + bonus;
  return ok({ score, gpu: id, count, countedGpus, allocated, allocationBonus, base, maxBase, status: base === null ? "unscored_model" : "scored" });
}

/**
 * Checks a table against the catalogue: every key must be a catalogue id.
 * @returns the table, or `invalid_score_table` naming the first unknown key
 */
export function validateScoreTable(table: Readonly<Record<string, unknown>>): Result<BaseScoreTable, InvalidScoreTableError> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(table)) {
    const model = findGpu(key);
    if (model.isErr() || model.value.id !== key) return err({ type: "invalid_score_table", message: `base-score key ${JSON.stringify(key)} is not a catalogue id` });
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return err({ type: "invalid_score_table", message: `base score of ${key} must be a finite number >= 0` });
    out[key] = value;
  }
  if (!(Math.max(0, ...Object.values(out)) > 0)) return err({ type: "invalid_score_table", message: "the base-score table needs a positive value" });
  return ok(Object.freeze(out));
}

/**
 * Weights over UIDs (§4.3): L1 normalisation over UIDs with a positive score; when none has one,
 * all weight goes to `fallbackUid`, so that an all-zero vector is never submitted.
 */
export function computeWeights(scores: ReadonlyMap<number, number>, fallbackUid: number): Map<number, number> {
  let total = 0;
  for (const s of scores.values()) if (s > 0 && Number.isFinite(s)) total += s;
  const weights = new Map<number, number>();
  if (total === 0) return weights.set(fallbackUid, 1);
  for (const [uid, s] of scores) if (s > 0 && Number.isFinite(s)) weights.set(uid, s / total);
  return weights;
}
