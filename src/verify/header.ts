/**
 * Safetensors header validation (format: 8-byte little-endian header length N, N bytes of UTF-8
 * JSON, then the data section). Strict as spec §L.1.8 asks: no duplicate keys, known dtypes,
 * `product(shape) × size == end − begin`, offsets inside the data section, sorted spans that
 * neither overlap nor leave gaps, and no trailing bytes (the format's "no holes" rule).
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { dtypeSize, isSafetensorsDtype, type SafetensorsDtype } from "./dtype.js";
import type { ParseSafetensorsHeaderError } from "./errors.js";
import { parseStrictJson, type JsonObject, type JsonValue } from "./json.js";

/** One tensor of a safetensors file. */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Number of elements (product of `shape`; 1 for a scalar). */
  readonly numel: number;
  /** `[begin, end)` relative to the data section, as in the header. */
  readonly dataOffsets: readonly [number, number];
  /** Absolute file offset of the first byte. */
  readonly fileOffset: number;
  readonly byteLength: number;
}

/** A validated header. */
export interface SafetensorsHeader {
  /** `__metadata__`, string to string. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Tensors sorted by name. */
  readonly tensors: readonly TensorInfo[];
  /** N, the header's byte length. */
  readonly headerBytes: number;
  /** 8 + N: where the data section starts. */
  readonly dataStart: number;
}

/** Options for header validation. */
export interface HeaderOptions {
  /** Dtypes to accept; others give `safetensors_unsupported_dtype`. @default every format dtype */
  readonly allowedDtypes?: readonly SafetensorsDtype[];
  /** The file, for messages. */
  readonly path?: string | null;
}

const MAX_RANK = 64;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Validates a header against a file of `fileBytes` bytes.
 * @param headerJson - the N header bytes (not the 8-byte length)
 * @param fileBytes - the whole file's size
 */
export function parseSafetensorsHeader(
  headerJson: Uint8Array,
  fileBytes: number,
  options: HeaderOptions = {},
): Result<SafetensorsHeader, ParseSafetensorsHeaderError> {
  const path = options.path ?? null;
  const headerBytes = headerJson.byteLength;
  const dataStart = 8 + headerBytes;
  const dataBytes = fileBytes - dataStart;
  const invalid = (message: string, tensor: string | null = null) =>
    err({ type: "safetensors_header_invalid" as const, message: `${where(path)}${message}`, path, tensor });
  if (dataBytes < 0) return err({ type: "safetensors_truncated", message: `${where(path)}file ends inside the header`, path });

  let text: string;
  try {
    text = utf8.decode(headerJson);
  } catch {
    return invalid("header is not valid UTF-8");
  }
  if (text.charCodeAt(0) !== 0x7b) return invalid("header must start with '{'");
  const parsed = parseStrictJson(text);
  if (!parsed.ok) return invalid(`header is not valid JSON: ${parsed.reason}`);
  const root = parsed.value as JsonObject;

  let metadata: Record<string, string> = {};
  const tensors: TensorInfo[] = [];
  const allowed = options.allowedDtypes ? new Set<string>(options.allowedDtypes) : null;
  for (const [name, entry] of root) {
    if (name === "__metadata__") {
      const m = parseMetadata(entry);
      if (m === null) return invalid("__metadata__ must map strings to strings");
      metadata = m;
      continue;
    }
    const q = quote(name);
    if (name === "") return invalid("empty tensor name", name);
    if (!(entry instanceof Map)) return invalid(`tensor ${q} must be an object`, name);
    for (const k of entry.keys()) {
      if (k !== "dtype" && k !== "shape" && k !== "data_offsets") return invalid(`tensor ${q} has unknown field ${quote(k)}`, name);
    }
    const dtype = entry.get("dtype");
    const shape = entry.get("shape");
    const offsets = entry.get("data_offsets");
    if (typeof dtype !== "string") return invalid(`tensor ${q}: dtype must be a string`, name);
    if (!isSafetensorsDtype(dtype) || (allowed && !allowed.has(dtype))) {
      return err({ type: "safetensors_unsupported_dtype", message: `${where(path)}tensor ${q}: unsupported dtype ${quote(dtype)}`, path, tensor: name, dtype });
    }
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every(isCount)) {
      return invalid(`tensor ${q}: shape must be an array of at most ${MAX_RANK} non-negative integers`, name);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
      return invalid(`tensor ${q}: data_offsets must be two non-negative integers`, name);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end) return badOffsets(path, name, "out_of_bounds", `tensor ${q}: begin ${begin} > end ${end}`);
    if (end > dataBytes) {
      return badOffsets(path, name, "out_of_bounds", `tensor ${q}: span [${begin}, ${end}) exceeds the ${dataBytes}-byte data section`);
    }
    const dims = shape as number[];
    const numel = product(dims);
    const expected = numel === null ? null : numel * dtypeSize(dtype);
    if (expected === null || !Number.isSafeInteger(expected) || expected !== end - begin) {
      return err({
        type: "safetensors_size_mismatch",
        message: `${where(path)}tensor ${q}: shape [${dims.join(", ")}] of ${dtype} needs ${expected ?? "too many"} bytes, span has ${end - begin}`,
        path,
        tensor: name,
      });
    }
    tensors.push(
      Object.freeze({
        name, dtype, shape: Object.freeze([...dims]), numel: numel!, dataOffsets: Object.freeze([begin, end] as [number, number]),
        fileOffset: dataStart + begin, byteLength: end - begin,
      }),
    );
  }

  const bySpan = [...tensors].sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let cursor = 0;
  for (const t of bySpan) {
    const [begin, end] = t.dataOffsets;
    if (begin < cursor) return badOffsets(path, t.name, "overlap", `tensor ${quote(t.name)}: span [${begin}, ${end}) overlaps the previous tensor (ends at ${cursor})`);
    if (begin > cursor) return badOffsets(path, t.name, "gap", `tensor ${quote(t.name)}: gap of ${begin - cursor} bytes before its span`);
    cursor = end;
  }
  if (cursor !== dataBytes) return badOffsets(path, null, "gap", `${dataBytes - cursor} bytes after the last tensor are not indexed`);

  tensors.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return ok(Object.freeze({ metadata: Object.freeze(metadata), tensors: Object.freeze(tensors), headerBytes, dataStart }));
}

function badOffsets(path: string | null, tensor: string | null, reason: "out_of_bounds" | "overlap" | "gap", message: string) {
  return err({ type: "safetensors_offsets_invalid" as const, message: `${where(path)}${message}`, path, tensor, reason });
}

function where(path: string | null): string {
  return path === null ? "" : `${path}: `;
}

function quote(s: string): string {
  const q = JSON.stringify(s);
  return q.length > 82 ? `${q.slice(0, 79)}..."` : q;
}

function isCount(v: JsonValue): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function product(dims: readonly number[]): number | null {
  let n = 1;
  for (const d of dims) {
    n *= d;
    if (n === 0) return 0;
    if (!Number.isSafeInteger(n)) return null;
  }
  return n;
}

function parseMetadata(v: JsonValue | undefined): Record<string, string> | null {
  if (!(v instanceof Map)) return null;
  const out: Record<string, string> = Object.create(null);
  for (const [k, x] of v) {
    if (typeof x !== "string") return null;
    out[k] = x;
  }
  return out;
}
