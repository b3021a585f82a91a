/**
 * The codecs the scanner decodes and encodes (scanner.md §7.1 [PROJECT], `SUPPORTED_CODECS`),
 * with Python's `strict` error handler only. Names are matched case-insensitively with `_`
 * accepted for `-`; every other spelling Python would accept ("utf 8", "latin") is unsupported,
 * which the callers turn into `string.unresolvable` (fail closed).
 * @module
 */
import { SUPPORTED_CODECS } from "../lists.js";
import { latin1 } from "./values.js";

/** The canonical name of a supported codec. */
export type CodecName = keyof typeof SUPPORTED_CODECS;

function normalise(name: string): string {
  return name.toLowerCase().replaceAll("-", "_");
}

const CODEC_BY_NAME: ReadonlyMap<string, CodecName> = new Map(
  (Object.entries(SUPPORTED_CODECS) as [CodecName, readonly string[]][]).flatMap(([canonical, aliases]) =>
    [canonical, ...aliases].map((alias) => [normalise(alias), canonical] as const),
  ),
);

/** The supported codec a Python encoding name designates, or `null`. */
export function lookupCodec(name: string): CodecName | null {
  // Only ASCII names: `toLowerCase` maps some non-ASCII letters onto ASCII ones.
  if (!/^[\x20-\x7e]*$/.test(name)) return null;
  return CODEC_BY_NAME.get(normalise(name)) ?? null;
}

/** Thrown on bytes or text that the codec rejects under `strict`. */
export class CodecError extends Error {}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decodeUtf16(data: Uint8Array, littleEndian: boolean): string {
  if (data.length % 2 !== 0) throw new CodecError("truncated data");
  const units: number[] = [];
  for (let i = 0; i < data.length; i += 2) {
    units.push(littleEndian ? data[i]! | (data[i + 1]! << 8) : (data[i]! << 8) | data[i + 1]!);
  }
  let out = "";
  for (let i = 0; i < units.length; i++) {
    const unit = units[i]!;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = units[i + 1];
      if (next === undefined || next < 0xdc00 || next > 0xdfff) throw new CodecError("illegal UTF-16 surrogate");
      out += String.fromCharCode(unit, next);
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      throw new CodecError("illegal encoding");
    } else {
      out += String.fromCharCode(unit);
    }
  }
  return out;
}

function decodeUtf32(data: Uint8Array, littleEndian: boolean): string {
  if (data.length % 4 !== 0) throw new CodecError("truncated data");
  let out = "";
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < data.length; i += 4) {
    const point = view.getUint32(i, littleEndian);
    if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) throw new CodecError("code point not in range");
    out += String.fromCodePoint(point);
  }
  return out;
}

function startsWith(data: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => data[i] === byte);
}

/**
 * `data.decode(codec, "strict")` as CPython does it. `utf-16` and `utf-32` read and drop a BOM
 * and otherwise assume little-endian (the byte order of the evaluation hosts).
 * @throws CodecError on invalid input.
 */
export function decodeBytes(data: Uint8Array, codec: CodecName): string {
  switch (codec) {
    case "utf-8":
      try {
        return UTF8.decode(data);
      } catch {
        throw new CodecError("invalid UTF-8");
      }
    case "ascii":
      if (data.some((byte) => byte > 0x7f)) throw new CodecError("ordinal not in range(128)");
      return latin1(data);
    case "latin-1":
      return latin1(data);
    case "utf-16-le":
      return decodeUtf16(data, true);
    case "utf-16-be":
      return decodeUtf16(data, false);
    case "utf-16":
      if (startsWith(data, [0xff, 0xfe])) return decodeUtf16(data.subarray(2), true);
      if (startsWith(data, [0xfe, 0xff])) return decodeUtf16(data.subarray(2), false);
      return decodeUtf16(data, true);
    case "utf-32-le":
      return decodeUtf32(data, true);
    case "utf-32-be":
      return decodeUtf32(data, false);
    case "utf-32":
      if (startsWith(data, [0xff, 0xfe, 0, 0])) return decodeUtf32(data.subarray(4), true);
      if (startsWith(data, [0, 0, 0xfe, 0xff])) return decodeUtf32(data.subarray(4), false);
      return decodeUtf32(data, true);
  }
}

function encodeUnits(text: string, width: 2 | 4, littleEndian: boolean, bom: boolean): Uint8Array {
  const points = Array.from(text, (char) => char.codePointAt(0)!);
  const out: number[] = [];
  const push = (unit: number, size: number): void => {
    const parts = Array.from({ length: size }, (_, i) => (unit >> (8 * i)) & 0xff);
    out.push(...(littleEndian ? parts : parts.reverse()));
  };
  if (bom) push(0xfeff, width);
  for (const point of points) {
    if (width === 4 || point < 0x10000) push(point, width);
    else {
      push(0xd800 + ((point - 0x10000) >> 10), 2);
      push(0xdc00 + ((point - 0x10000) & 0x3ff), 2);
    }
  }
  return Uint8Array.from(out);
}

/**
 * `text.encode(codec, "strict")` as CPython does it. A lone surrogate cannot be encoded. A pair
 * is encoded as the character it forms: were it two escaped surrogates, CPython would raise, and
 * the expression could then never produce a value at run time.
 * @throws CodecError on text the codec cannot represent.
 */
export function encodeText(text: string, codec: CodecName): Uint8Array {
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) {
    throw new CodecError("surrogates not allowed");
  }
  switch (codec) {
    case "utf-8":
      return new TextEncoder().encode(text);
    case "ascii":
    case "latin-1": {
      const limit = codec === "ascii" ? 0x7f : 0xff;
      const units = Array.from(text, (char) => char.codePointAt(0)!);
      if (units.some((unit) => unit > limit)) throw new CodecError("ordinal not in range");
      return Uint8Array.from(units);
    }
    case "utf-16":
      return encodeUnits(text, 2, true, true);
    case "utf-16-le":
      return encodeUnits(text, 2, true, false);
    case "utf-16-be":
      return encodeUnits(text, 2, false, false);
    case "utf-32":
      return encodeUnits(text, 4, true, true);
    case "utf-32-le":
      return encodeUnits(text, 4, true, false);
    case "utf-32-be":
      return encodeUnits(text, 4, false, false);
  }
}
