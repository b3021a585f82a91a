/**
 * Serialises the converted tree into the JSON shapes `cpython_dump.py` writes, and finds the first
 * difference between the two, for the converter's differential tests against CPython.
 */
import type { ConstantValue } from "../../../src/scanner/ast/nodes.js";

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

function utf16leHex(text: string): string {
  const buffer = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) buffer.writeUInt16LE(text.charCodeAt(i), i * 2);
  return buffer.toString("hex");
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
function pythonFloatRepr(value: number): string {
  if (value === Infinity) return "inf";
  if (Number.isNaN(value)) return "nan";
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e16)) {
    const [mantissa, exponent] = value.toExponential().split("e") as [string, string];
    const exp = Number(exponent);
    return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

function constant(value: ConstantValue): unknown {
  switch (value.type) {
    case "str":
      return { type: "str", value: utf16leHex(value.value) };
    case "bytes":
      return { type: "bytes", value: hex(value.value) };
    case "int":
      return { type: "int", value: value.value.toString() };
    case "float":
      return { type: "float", value: pythonFloatRepr(value.value) };
    case "complex":
      return { type: "complex", imag: pythonFloatRepr(value.imag) };
    default:
      return value;
  }
}

export function serialiseTree(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(serialiseTree);
  if (node === null || typeof node !== "object") return node;
  const record = node as Record<string, unknown>;
  if (!("kind" in record)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if ((record.kind === "Constant" || record.kind === "MatchSingleton") && key === "value") out[key] = constant(value as ConstantValue);
    else out[key] = serialiseTree(value);
  }
  return out;
}

/** The first path where `expected` (CPython) and `actual` (ours) differ; line/col only where CPython has them. */
export function firstDifference(expected: unknown, actual: unknown, path: string): string | null {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected a list, got ${JSON.stringify(actual)?.slice(0, 200)}`;
    if (expected.length !== actual.length) return `${path}: expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object") return `${path}: expected ${JSON.stringify(expected).slice(0, 200)}, got ${JSON.stringify(actual)}`;
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    if (e.kind !== a.kind) return `${path}: expected ${String(e.kind)}, got ${String(a.kind)}`;
    for (const key of Object.keys(e)) {
      const d = firstDifference(e[key], a[key], `${path}.${key}`);
      if (d !== null) return `${d} (in ${String(e.kind)})`;
    }
    for (const key of Object.keys(a)) {
      if (key !== "line" && key !== "col" && !(key in e)) return `${path}.${key}: unexpected field`;
    }
    return null;
  }
  return expected === actual ? null : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}
