/**
 * Python values of the constant-expression evaluator (scanner.md R8) and the helpers every
 * construction shares: `str()` of a value, size limits, and the two readings of a surrogate pair.
 *
 * A `str` value is a JavaScript string. The tree cannot tell a real non-BMP character from two
 * escaped surrogates (`"\ud83d\ude00"` in the source), which CPython keeps as two code points.
 * Position-sensitive constructions therefore run under both readings (`bothReadings`) and are
 * only resolved when the readings agree; otherwise the construction fails closed.
 * @module
 */
import { LIMITS } from "../lists.js";

/** A value a constant expression can have. `bytearray` values are `bytes` here. */
export type PyValue =
  | { readonly type: "str"; readonly value: string }
  | { readonly type: "bytes"; readonly value: Uint8Array }
  | { readonly type: "int"; readonly value: bigint }
  | { readonly type: "bool"; readonly value: boolean };

/**
 * The outcome of evaluating one expression node.
 * - `value`: a constant expression and its exact value; `construction` names the outermost
 *   construction ("constant", "slice", "format", "bytes decode", ...).
 * - `unresolvable`: a CE-shaped operation on CE operands that cannot be evaluated exactly
 *   (the causes of R8); reported once, at this node.
 * - `dynamic`: not a constant expression, an operation CPython would reject, or an operation
 *   over an unresolvable operand. Never a hit.
 */
export type Evaluation =
  | { readonly kind: "value"; readonly value: PyValue; readonly construction: string }
  | { readonly kind: "unresolvable"; readonly construction: string; readonly reason: string }
  | { readonly kind: "dynamic" };

/** Thrown inside a construction that cannot be evaluated exactly (R8's causes). */
export class Unresolvable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Thrown inside a construction on which CPython raises: it never yields a value at run time. */
export class PyError extends Error {}

/** Value constructors. */
export const str = (value: string): PyValue => ({ type: "str", value });
export const bytes = (value: Uint8Array): PyValue => ({ type: "bytes", value });
export const int = (value: bigint): PyValue => ({ type: "int", value });

/** CPython 3.11's limit on int-to-decimal conversion (`sys.get_int_max_str_digits()`). */
const MAX_STR_DIGITS = 4300;
const MAX_INT_RESULT = 10n ** BigInt(MAX_STR_DIGITS);

/** The integer of an int or bool value (bool is a subclass of int), else `null`. */
export function asInt(value: PyValue): bigint | null {
  if (value.type === "int") return value.value;
  if (value.type === "bool") return value.value ? 1n : 0n;
  return null;
}

/** Guards the result of integer arithmetic, so that repeated products stay cheap. */
export function checkIntResult(value: bigint): PyValue {
  if (value >= MAX_INT_RESULT || value <= -MAX_INT_RESULT) throw new Unresolvable("integer result over 4300 digits");
  return int(value);
}

/** `str(n)`; CPython refuses integers of more than 4300 digits. */
export function intToDecimal(value: bigint): string {
  const text = value.toString();
  if (text.length - (value < 0n ? 1 : 0) > MAX_STR_DIGITS) throw new PyError();
  return text;
}

/** `str(value)`: the repr of bytes is never evaluated (R8: `str(<bytes CE>)` is unresolvable). */
export function toStr(value: PyValue): string {
  switch (value.type) {
    case "str":
      return value.value;
    case "int":
      return intToDecimal(value.value);
    case "bool":
      return value.value ? "True" : "False";
    case "bytes":
      throw new Unresolvable("str() of bytes would be its repr");
  }
}

/** Fails closed on a str or bytes result longer than 100,000 characters (R8). */
export function checkLength(length: number | bigint): void {
  if (BigInt(length) > BigInt(LIMITS.maxConstantResultChars)) {
    throw new Unresolvable(`result over ${LIMITS.maxConstantResultChars} characters`);
  }
}

/** A number from a bigint, clamped to ±2^53 (enough for any position in a bounded string). */
export function clampToNumber(value: bigint): number {
  const limit = 2n ** 53n;
  if (value > limit) return Number(limit);
  if (value < -limit) return -Number(limit);
  return Number(value);
}

/** Bytes read as Latin-1, as the forbidden-text test reads them. */
export function latin1(data: Uint8Array): string {
  let out = "";
  for (let i = 0; i < data.length; i += 8192) {
    out += String.fromCharCode(...data.subarray(i, i + 8192));
  }
  return out;
}

// ---------------------------------------------------------------- surrogate readings

/** How a string splits into Python characters: UTF-16 code units or Unicode code points. */
export type Reading = "units" | "points";

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/;

/** Whether the two readings of `text` differ. */
export function hasSurrogatePair(text: string): boolean {
  return SURROGATE_PAIR.test(text);
}

/** The characters of `text` under a reading. */
export function charsOf(text: string, reading: Reading): string[] {
  return reading === "units" ? text.split("") : Array.from(text);
}

/** The length of `text` under a reading. */
export function lengthOf(text: string, reading: Reading): number {
  if (reading === "units") return text.length;
  let count = 0;
  for (const _ of text) count++;
  return count;
}

type Attempt = { ok: true; value: PyValue } | { ok: false; error: unknown };

function attempt(compute: (reading: Reading) => PyValue, reading: Reading): Attempt {
  try {
    return { ok: true, value: compute(reading) };
  } catch (error) {
    return { ok: false, error };
  }
}

function sameValue(a: PyValue, b: PyValue): boolean {
  if (a.type !== b.type) return false;
  if (a.type === "bytes" && b.type === "bytes") {
    return a.value.length === b.value.length && a.value.every((byte, i) => byte === b.value[i]);
  }
  return a.value === b.value;
}

/**
 * Runs a position-sensitive construction under both readings when any input holds a surrogate
 * pair, and resolves it only when both readings give the same value. Where CPython would raise
 * under one reading, the other reading's value is used: had the source meant the raising one,
 * the expression could never produce a value at run time.
 */
export function bothReadings(inputs: readonly string[], compute: (reading: Reading) => PyValue): PyValue {
  if (!inputs.some(hasSurrogatePair)) return compute("units");
  const units = attempt(compute, "units");
  const points = attempt(compute, "points");
  for (const outcome of [units, points]) {
    if (!outcome.ok && !(outcome.error instanceof PyError || outcome.error instanceof Unresolvable)) throw outcome.error;
  }
  if (units.ok && points.ok && sameValue(units.value, points.value)) return units.value;
  if (units.ok && !points.ok && points.error instanceof PyError) return units.value;
  if (points.ok && !units.ok && units.error instanceof PyError) return points.value;
  if (!units.ok && !points.ok && units.error instanceof PyError && points.error instanceof PyError) throw units.error;
  if (!units.ok && !points.ok && units.error instanceof Unresolvable) throw units.error;
  throw new Unresolvable("a surrogate pair makes the character positions ambiguous");
}
