/**
 * Input rules 1 to 8 of scanner.md §1: checks on the raw bytes and the decoded text that need no
 * syntax. They remove the inputs CPython and the grammar could read differently.
 * @module
 */
import { LIMITS } from "./lists.js";
import { displayText } from "./message.js";
import type { Report } from "./rules/report.js";

/** The outcome of the byte-level phase: the decoded text, or a stop. */
export type DecodedInput = { readonly stop: false; readonly text: string } | { readonly stop: true };

/** Offset of the first byte that is not strict UTF-8, or -1. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b0 >= 0xc2 && b0 <= 0xdf) [need, min] = [1, 0x80];
    else if (b0 >= 0xe0 && b0 <= 0xef) [need, min] = [2, 0x800];
    else if (b0 >= 0xf0 && b0 <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let codePoint = b0 & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k];
      if (b === undefined || (b & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (b & 0x3f);
    }
    // Overlong forms, surrogates and values above U+10FFFF are invalid (strict UTF-8).
    if (codePoint < min || (codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

/** Line and code-point column of a byte offset into valid-UTF-8-prefixed bytes. */
function bytePosition(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset; i++) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      line++;
      col = 1;
    } else if ((b & 0xc0) !== 0x80) {
      col++;
    }
  }
  return { line, col };
}

/** Rules 1 and 2 (stop) and the BOM rule 3. Returns the text with a leading BOM removed. */
export function checkBytes(bytes: Uint8Array, report: Report): DecodedInput {
  if (bytes.length > LIMITS.maxSourceBytes) {
    report("input.too_large", { line: 0, col: 0 }, `file is ${bytes.length} bytes, more than the limit of ${LIMITS.maxSourceBytes}`);
    return { stop: true };
  }
  const invalid = firstInvalidUtf8Byte(bytes);
  if (invalid >= 0) {
    const hex = bytes[invalid]!.toString(16).padStart(2, "0");
    report("input.not_utf8", bytePosition(bytes, invalid), `invalid UTF-8 byte 0x${hex} at offset ${invalid}`);
    return { stop: true };
  }
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (hasBom) report("input.bom", { line: 1, col: 1 }, "file starts with a byte-order mark (U+FEFF)");
  const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  return { stop: false, text: hasBom ? text.slice(1) : text };
}

const CODING_PATTERN = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

function isForbiddenControl(codePoint: number): boolean {
  return (
    (codePoint >= 0x01 && codePoint <= 0x08) ||
    codePoint === 0x0b ||
    codePoint === 0x0c ||
    (codePoint >= 0x0e && codePoint <= 0x1f) ||
    codePoint === 0x7f ||
    codePoint === 0x85 ||
    codePoint === 0x2028 ||
    codePoint === 0x2029 ||
    codePoint === 0xfeff
  );
}

function isBidiControl(codePoint: number): boolean {
  return (
    codePoint === 0x061c ||
    codePoint === 0x200e ||
    codePoint === 0x200f ||
    (codePoint >= 0x202a && codePoint <= 0x202e) ||
    (codePoint >= 0x2066 && codePoint <= 0x2069)
  );
}

function hex(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Rules 4 to 8 on the decoded text (after a leading BOM was removed): NUL, coding declarations,
 * control characters, lone CR and bidirectional controls. `colOffset` is 1 when a BOM was removed.
 */
export function checkText(text: string, report: Report, colOffset: number): void {
  const lines = text.split("\n");
  for (const [index, lineText] of lines.slice(0, 2).entries()) {
    const match = CODING_PATTERN.exec(lineText.replace(/\r$/, ""));
    if (match === null) continue;
    const name = match[1]!.toLowerCase().replaceAll("_", "-");
    if (name !== "utf-8" && name !== "utf8") {
      report("input.coding_decl", { line: index + 1, col: lineText.indexOf("#") + 1 + (index === 0 ? colOffset : 0) }, `coding declaration '${displayText(match[1]!)}' is not utf-8`);
    }
  }

  let line = 1;
  let col = 1 + colOffset;
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i)!;
    const width = codePoint > 0xffff ? 2 : 1;
    const at = { line, col };
    if (codePoint === 0x00) report("input.nul", at, "NUL byte in source");
    else if (codePoint === 0x0d && text.charCodeAt(i + 1) !== 0x0a) report("input.lone_cr", at, "carriage return not followed by a line feed");
    else if (isForbiddenControl(codePoint)) report("input.control_char", at, `forbidden control or separator character ${hex(codePoint)}`);
    else if (isBidiControl(codePoint)) report("input.bidi_control", at, `bidirectional formatting character ${hex(codePoint)}`);
    if (codePoint === 0x0a) {
      line++;
      col = 1;
    } else {
      col++;
    }
    i += width;
  }
}
