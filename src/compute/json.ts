/**
 * Small total readers for untrusted JSON messages (and the shared canonical JSON).
 * @module
 */

export { canonicalJson } from "../util/canonical-json.js";

/** A field failed its check; carries the JSON path. Caught at each parser's boundary. */
export class FieldError extends Error {
  override readonly name = "FieldError";
}

/** Readers that throw {@link FieldError} with a JSON path. */
export const read = {
  object(v: unknown, path: string): Record<string, unknown> {
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new FieldError(`${path} must be an object`);
    return v as Record<string, unknown>;
  },
  array(v: unknown, path: string, max = 1 << 20): unknown[] {
    if (!Array.isArray(v)) throw new FieldError(`${path} must be an array`);
    if (v.length > max) throw new FieldError(`${path} has more than ${max} entries`);
    return v;
  },
  string(v: unknown, path: string, pattern?: RegExp, maxLength = 1 << 16): string {
    if (typeof v !== "string" || v.length > maxLength) throw new FieldError(`${path} must be a string of at most ${maxLength} characters`);
    if (pattern && !pattern.test(v)) throw new FieldError(`${path} has an invalid format`);
    return v;
  },
  int(v: unknown, path: string, min: number, max: number): number {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new FieldError(`${path} must be an integer in [${min}, ${max}]`);
    return v;
  },
  number(v: unknown, path: string): number {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new FieldError(`${path} must be a finite number`);
    return v;
  },
  literal<T extends string | number>(v: unknown, path: string, values: readonly T[]): T {
    if (!values.includes(v as T)) throw new FieldError(`${path} must be one of ${values.map((x) => JSON.stringify(x)).join(", ")}`);
    return v as T;
  },
  /** Rejects keys outside `allowed`. */
  keys(o: Record<string, unknown>, path: string, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new FieldError(`${path}.${k} is not a known field`);
  },
};

/** Parses JSON text; `FieldError` on a syntax error. */
export function parseJsonText(text: string, path = "$"): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FieldError(`${path} is not valid JSON`);
  }
}
