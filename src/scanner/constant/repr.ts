/**
 * Python's `repr()` and `ascii()` of a `str`, for the reference `%`-format resolver (scanner.md
 * §7.6), whose `%r` and `%a` conversions CPython evaluates.
 * @module
 */

const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

function hex(point: number, digits: number): string {
  return point.toString(16).padStart(digits, "0");
}

function escape(point: number): string {
  if (point <= 0xff) return `\\x${hex(point, 2)}`;
  if (point <= 0xffff) return `\\u${hex(point, 4)}`;
  return `\\U${hex(point, 8)}`;
}

/** `repr(text)` (or `ascii(text)` when `asciiOnly`), as CPython 3.11 renders a `str`. */
export function pyRepr(text: string, asciiOnly = false): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const point = char.codePointAt(0)!;
    if (char === quote || char === "\\") out += `\\${char}`;
    else if (char === "\t") out += "\\t";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (point < 0x20 || point === 0x7f) out += escape(point);
    else if (point < 0x7f) out += char;
    else if (asciiOnly || NON_PRINTABLE.test(char)) out += escape(point);
    else out += char;
  }
  return out + quote;
}
