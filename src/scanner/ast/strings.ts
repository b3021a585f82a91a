/**
 * Decoding of Python string and bytes literal bodies exactly as CPython 3.11 does (scanner.md §3.1):
 * prefixes, escapes, backslash-newline removal, `{{`/`}}` in f-string literal text. Invalid escapes
 * that CPython rejects at compile time are reported, never guessed.
 * @module
 */

/** What a literal's prefix says about its body. */
export interface StringPrefix {
  readonly raw: boolean;
  readonly bytes: boolean;
  readonly formatted: boolean;
}

/** A CPython compile error in a literal; the converter turns it into `syntax.error`. */
export class LiteralError extends Error {
  override readonly name = "LiteralError";
}

const VALID_PREFIXES = new Set(["", "r", "u", "b", "br", "rb", "f", "fr", "rf"]);

/** Reads the prefix letters before the opening quote; throws `LiteralError` for invalid ones. */
export function parsePrefix(prefix: string): StringPrefix {
  const lower = prefix.toLowerCase();
  if (!VALID_PREFIXES.has(lower)) throw new LiteralError(`invalid string prefix '${prefix}'`);
  return { raw: lower.includes("r"), bytes: lower.includes("b"), formatted: lower.includes("f") };
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  "\\": 0x5c, "'": 0x27, '"': 0x22, a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b,
};

function isHex(text: string): boolean {
  return /^[0-9a-fA-F]+$/.test(text);
}

/**
 * Decodes the escapes of a non-raw literal body into code points (str) or byte values (bytes).
 * `\N{...}` is kept as written: its value needs the Unicode name database, and the scanner rejects
 * it anyway (`string.named_escape`).
 */
function decodeEscapes(body: string, bytes: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < body.length; ) {
    const codePoint = body.codePointAt(i)!;
    if (codePoint !== 0x5c) {
      out.push(codePoint);
      i += codePoint > 0xffff ? 2 : 1;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) throw new LiteralError("literal ends with a lone backslash");
    if (next === "\n") {
      i += 2; // backslash-newline is removed
      continue;
    }
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out.push(simple);
      i += 2;
      continue;
    }
    if (next >= "0" && next <= "7") {
      let end = i + 1;
      while (end < body.length && end < i + 4 && body[end]! >= "0" && body[end]! <= "7") end++;
      const value = Number.parseInt(body.slice(i + 1, end), 8);
      out.push(bytes ? value & 0xff : value);
      i = end;
      continue;
    }
    const width = next === "x" ? 2 : !bytes && next === "u" ? 4 : !bytes && next === "U" ? 8 : 0;
    if (width > 0) {
      const digits = body.slice(i + 2, i + 2 + width);
      if (digits.length !== width || !isHex(digits)) {
        throw new LiteralError(`truncated \\${next}${"X".repeat(width)} escape`);
      }
      const value = Number.parseInt(digits, 16);
      if (value > 0x10ffff) throw new LiteralError(`illegal Unicode character in \\U escape`);
      out.push(value);
      i += 2 + width;
      continue;
    }
    if (!bytes && next === "N") {
      const close = body.indexOf("}", i);
      if (body[i + 2] !== "{" || close < 0) throw new LiteralError("malformed \\N character escape");
      for (const ch of body.slice(i, close + 1)) out.push(ch.codePointAt(0)!);
      i = close + 1;
      continue;
    }
    out.push(0x5c); // unknown escape: the backslash stays
    i += 1;
  }
  return out;
}

/** Builds a JavaScript string from code points, keeping lone surrogates as CPython keeps them. */
function fromCodePoints(codePoints: readonly number[]): string {
  let out = "";
  for (let start = 0; start < codePoints.length; start += 4096) {
    const chunk = codePoints.slice(start, start + 4096).map((cp) => (cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp)));
    out += chunk.join("");
  }
  return out;
}

/** The value of a `str` literal body (or an f-string literal segment, with `fstring` set). */
export function decodeStrBody(body: string, raw: boolean, fstring = false): string {
  let text = body;
  if (fstring) text = unescapeBraces(text, raw);
  if (raw) return text;
  return fromCodePoints(decodeEscapes(text, false));
}

/** The value of a `bytes` literal body. Only ASCII is allowed in bytes literals. */
export function decodeBytesBody(body: string, raw: boolean): Uint8Array {
  for (let i = 0; i < body.length; i++) {
    if (body.charCodeAt(i) > 0x7f) throw new LiteralError("bytes can only contain ASCII literal characters");
  }
  if (raw) return Uint8Array.from(body, (ch) => ch.charCodeAt(0));
  return Uint8Array.from(decodeEscapes(body, true));
}

/**
 * `{{` and `}}` become `{` and `}` in f-string literal text; a single brace is an error. The braces
 * of a `\N{...}` escape (non-raw literals) are not field delimiters.
 */
function unescapeBraces(text: string, raw: boolean): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (!raw && ch === "\\") {
      const close = text[i + 1] === "N" && text[i + 2] === "{" ? text.indexOf("}", i) : -1;
      const end = close >= 0 ? close : i + 1;
      out += text.slice(i, end + 1);
      i = end;
      continue;
    }
    if ((ch === "{" || ch === "}") && text[i + 1] === ch) {
      out += ch;
      i++;
    } else if (ch === "}" || ch === "{") {
      throw new LiteralError(`f-string: single '${ch}' is not allowed`);
    } else {
      out += ch;
    }
  }
  return out;
}
