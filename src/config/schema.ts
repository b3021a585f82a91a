/**
 * A small hand-written schema for `hparams.json`: each field knows its type, range and default,
 * and a failure names the dotted key path (`docker.num_gpus: expected an integer >= 1, got "x"`).
 * @module
 */

/** A validation failure at `key`. */
export interface FieldFailure {
  readonly key: string;
  readonly message: string;
}

/** Parse-wide settings handed down to every check. */
export interface CheckContext {
  /** Reject keys the schema does not know. */
  readonly strict: boolean;
}

type Check<T> = (value: unknown, key: string, ctx: CheckContext) => T | FieldFailure;

/** One field: how to check it and what to do when it is absent (`undefined` = required). */
export interface Field<T> {
  readonly check: Check<T>;
  readonly absent?: ((key: string, ctx: CheckContext) => T | FieldFailure) | undefined;
}

/** Renders a rejected value for a message: JSON, at most 60 characters. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? "undefined" : (JSON.stringify(value) ?? String(value));
  } catch {
    text = typeof value;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function fail(key: string, expected: string, value: unknown): FieldFailure {
  return { key, message: `${key || "(root)"}: expected ${expected}, got ${describeValue(value)}` };
}

/** Type guard for a failure returned by a check. */
export function isFailure(x: unknown): x is FieldFailure {
  return typeof x === "object" && x !== null && (x as { [K in symbol]?: true })[FAILURE] === true;
}
const FAILURE = Symbol("failure");
function failure(key: string, expected: string, value: unknown): FieldFailure {
  return Object.assign(fail(key, expected, value), { [FAILURE]: true });
}

function withDefault<T>(check: Check<T>, def: T | undefined, hasDefault: boolean): Field<T> {
  return { check, absent: hasDefault ? () => def as T : undefined };
}

interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  /** `min` is exclusive. */
  readonly minExclusive?: boolean;
}

function rangeText(kind: string, r: NumberRange): string {
  const parts: string[] = [];
  if (r.min !== undefined) parts.push(`${r.minExclusive ? ">" : ">="} ${r.min}`);
  if (r.max !== undefined) parts.push(`<= ${r.max}`);
  return parts.length ? `${kind} ${parts.join(" and ")}` : kind;
}

function inRange(v: number, r: NumberRange): boolean {
  if (r.min !== undefined && (r.minExclusive ? !(v > r.min) : !(v >= r.min))) return false;
  if (r.max !== undefined && !(v <= r.max)) return false;
  return true;
}

/** An integer field (a JSON number with no fractional part, within the safe range). */
export function int(range: NumberRange, ...def: [] | [number]): Field<number> {
  const expected = rangeText("an integer", range);
  return withDefault(
    (v, key) => (typeof v === "number" && Number.isSafeInteger(v) && inRange(v, range) ? v : failure(key, expected, v)),
    def[0],
    def.length > 0,
  );
}

/** A finite number field. */
export function num(range: NumberRange, ...def: [] | [number]): Field<number> {
  const expected = rangeText("a finite number", range);
  return withDefault(
    (v, key) => (typeof v === "number" && Number.isFinite(v) && inRange(v, range) ? v : failure(key, expected, v)),
    def[0],
    def.length > 0,
  );
}

/** A string field, optionally non-empty or matching a pattern described by `what`. */
export function str(opts: { nonEmpty?: boolean; pattern?: RegExp; what?: string } = {}, ...def: [] | [string]): Field<string> {
  const expected = opts.what ?? (opts.nonEmpty ? "a non-empty string" : "a string");
  return withDefault(
    (v, key) =>
      typeof v === "string" && (!opts.nonEmpty || v.length > 0) && (!opts.pattern || opts.pattern.test(v))
        ? v
        : failure(key, expected, v),
    def[0],
    def.length > 0,
  );
}

/** A boolean field. */
export function bool(...def: [] | [boolean]): Field<boolean> {
  return withDefault((v, key) => (typeof v === "boolean" ? v : failure(key, "a boolean", v)), def[0], def.length > 0);
}

/** One of a fixed set of strings. */
export function oneOf<const T extends string>(values: readonly T[], ...def: [] | [T]): Field<T> {
  const expected = `one of ${values.map((x) => JSON.stringify(x)).join(", ")}`;
  return withDefault(
    (v, key) => (typeof v === "string" && (values as readonly string[]).includes(v) ? (v as T) : failure(key, expected, v)),
    def[0],
    def.length > 0,
  );
}

/** An array of non-empty strings. */
export function strArray(...def: [] | [readonly string[]]): Field<readonly string[]> {
  return withDefault(
    (v, key) => {
      if (!Array.isArray(v)) return failure(key, "an array of strings", v);
      for (let i = 0; i < v.length; i++) {
        if (typeof v[i] !== "string" || v[i] === "") return failure(`${key}[${i}]`, "a non-empty string", v[i]);
      }
      return Object.freeze([...(v as string[])]);
    },
    def[0],
    def.length > 0,
  );
}

/** `null` or the inner field's type; absent means the default (which may be `null`). */
export function nullable<T>(inner: Field<T>, ...def: [] | [T | null]): Field<T | null> {
  return withDefault((v, key, ctx) => (v === null ? null : inner.check(v, key, ctx)), def[0], def.length > 0);
}

/** A nested block. An absent block takes every field's default (§I: "fall back to the code defaults"). */
export type Shape = { readonly [k: string]: Field<unknown> };
export type ShapeOf<S extends Shape> = { readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never };

/** Object field from a shape; unknown keys are ignored unless `ctx.strict` (the reference ignores them). */
export function object<S extends Shape>(shape: S): Field<ShapeOf<S>> {
  const check: Check<ShapeOf<S>> = (v, key, ctx) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return failure(key, "an object", v);
    const rec = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(shape)) {
      const path = key ? `${key}.${name}` : name;
      let r: unknown;
      if (!Object.hasOwn(rec, name)) {
        r = field.absent ? field.absent(path, ctx) : missing(path);
      } else {
        r = field.check(rec[name], path, ctx);
      }
      if (isFailure(r)) return r;
      out[name] = r;
    }
    if (ctx.strict) {
      for (const name of Object.keys(rec)) {
        if (!Object.hasOwn(shape, name)) return unknownKey(key ? `${key}.${name}` : name);
      }
    }
    return Object.freeze(out) as ShapeOf<S>;
  };
  // An absent block is checked as `{}`: every field's default, or the first required key missing (§I).
  return { check, absent: (key, ctx) => check({}, key, ctx) };
}

function missing(key: string): FieldFailure {
  return { key, message: `${key}: required key is missing`, [FAILURE]: true } as FieldFailure;
}

function unknownKey(key: string): FieldFailure {
  return { key, message: `${key}: unknown key (strict mode)`, [FAILURE]: true } as FieldFailure;
}
