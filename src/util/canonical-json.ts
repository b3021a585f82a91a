/**
 * RFC 8785 canonical JSON for plain data (objects, arrays, strings, finite numbers, booleans,
 * null): keys sorted by UTF-16 code units, ECMAScript string and number serialisation, no
 * whitespace. Used wherever bytes are hashed or signed: the scanner's facts and rule-set hash, the
 * compute module's signed reports. Internal: each module re-exports what its users need.
 * @module
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError("canonical JSON has no non-finite numbers");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new TypeError(`canonical JSON cannot encode ${typeof value}`);
}
