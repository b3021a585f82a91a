/**
 * Query-parameter validation, FastAPI style: a bad value is a 422 naming the parameter.
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import type { ApiQueryInvalidError } from "./errors.js";

/** Bounds and default of an integer parameter. */
export interface IntegerParameter {
  readonly min: number;
  readonly max: number;
  /** Used when the parameter is absent. */
  readonly fallback: number;
}

const INTEGER = /^[+-]?\d+$/;

/**
 * Reads the integer parameter `name` from `query` (the last value when repeated, as FastAPI does).
 * @returns the value, `fallback` when absent, or `ApiQueryInvalid` when it is not an integer in `[min, max]`
 * @example parseIntegerParameter(new URLSearchParams("limit=5"), "limit", { min: 1, max: 100, fallback: 20 }) // ok(5)
 */
export function parseIntegerParameter(query: URLSearchParams, name: string, p: IntegerParameter): Result<number, ApiQueryInvalidError> {
  const values = query.getAll(name);
  const raw = values[values.length - 1];
  if (raw === undefined) return ok(p.fallback);
  const invalid = (why: string) => err({ type: "ApiQueryInvalid" as const, message: `query parameter '${name}': ${why}`, parameter: name, value: raw });
  const text = raw.trim();
  if (!INTEGER.test(text)) return invalid(`input should be a valid integer, got ${JSON.stringify(raw.slice(0, 40))}`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) return invalid(`input should be a valid integer, got ${JSON.stringify(raw.slice(0, 40))}`);
  if (n < p.min) return invalid(`input should be greater than or equal to ${p.min}`);
  if (n > p.max) return invalid(`input should be less than or equal to ${p.max}`);
  return ok(n);
}
