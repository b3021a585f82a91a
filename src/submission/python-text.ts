/**
 * Python `str` semantics the reference relies on and JavaScript does not share: `str.strip()`'s
 * whitespace set, and lengths and slices counted in code points rather than UTF-16 units.
 * @module
 */

/**
 * Python's str.strip() set (crusades.md §B.1 step 2). JavaScript's trim() also strips U+FEFF and
 * keeps U+001C-U+001F and U+0085, so the set is spelled out.
 */
export function isPythonWhitespace(code: number): boolean {
  return (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x20) || code === 0x85 || code === 0xa0 || code === 0x1680
    || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000;
}

/**
 * Strips Python's whitespace set from both ends, as `str.strip()` does. A scan, not a regular
 * expression: `/\s+$/`-style patterns backtrack quadratically on long inner runs of whitespace.
 * @example pythonStrip("\u001c x \u0085") // "x"; pythonStrip("\ufeffx") // "\ufeffx"
 */
export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPythonWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isPythonWhitespace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** `len(text)` in Python: code points, an astral character counting once. */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; n++) i += isPair(text, i) ? 2 : 1;
  return n;
}

/** `text[:n]` in Python: the first `n` code points. */
export function firstCodePoints(text: string, n: number): string {
  let i = 0;
  for (let count = 0; i < text.length && count < n; count++) i += isPair(text, i) ? 2 : 1;
  return text.slice(0, i);
}

function isPair(text: string, i: number): boolean {
  const hi = text.charCodeAt(i);
  const lo = text.charCodeAt(i + 1);
  return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
}
