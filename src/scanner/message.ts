/**
 * Rendering of identifiers and strings inside violation messages (scanner.md §2.1): at most 80
 * code points, non-printable characters escaped as `\xNN` or `\uNNNN`, single-quoted.
 * @module
 */

const MAX_QUOTED_CODE_POINTS = 80;

function isPrintable(codePoint: number): boolean {
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return false;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return false; // lone surrogate
  // Format and separator characters that would hide or reorder text in a terminal.
  if (codePoint === 0xad || codePoint === 0x61c || codePoint === 0xfeff) return false;
  if ((codePoint >= 0x200b && codePoint <= 0x200f) || (codePoint >= 0x2028 && codePoint <= 0x202e)) return false;
  if (codePoint >= 0x2066 && codePoint <= 0x2069) return false;
  return true;
}

function escapeCodePoint(codePoint: number): string {
  if (codePoint <= 0xff) return `\\x${codePoint.toString(16).padStart(2, "0")}`;
  if (codePoint <= 0xffff) return `\\u${codePoint.toString(16).padStart(4, "0")}`;
  return `\\U${codePoint.toString(16).padStart(8, "0")}`;
}

/** Escapes and truncates `text` for a message, without quotes. */
export function displayText(text: string): string {
  let out = "";
  let count = 0;
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i)!;
    const width = codePoint > 0xffff ? 2 : 1;
    if (count === MAX_QUOTED_CODE_POINTS) return `${out}...`;
    out += isPrintable(codePoint) ? text.slice(i, i + width) : escapeCodePoint(codePoint);
    count++;
    i += width;
  }
  return out;
}

/** `'text'`, escaped and truncated for a message. */
export function quoted(text: string): string {
  return `'${displayText(text)}'`;
}
