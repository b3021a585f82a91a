/**
 * The formatting subsets of scanner.md R8: format specs (items 5 and 7), `%`-formatting (item 3)
 * and `str.format` (item 5). Anything outside the subsets throws `Unresolvable`; input on which
 * CPython raises (wrong argument count, missing field, unknown conversion) throws `PyError`.
 * Each function takes the surrogate reading (see `values.ts`) under which it counts characters.
 * @module
 */
import { quoted } from "../message.js";
import {
  PyError,
  Unresolvable,
  asInt,
  charsOf,
  checkLength,
  intToDecimal,
  toStr,
  type PyValue,
  type Reading,
} from "./values.js";

const ALIGNS = "<>=^";

interface Spec {
  fill: string | null;
  align: string | null;
  zero: boolean;
  width: bigint;
  precision: bigint | null;
  type: string;
}

function readDigits(chars: readonly string[], start: number): [bigint | null, number] {
  let end = start;
  while (end < chars.length && /^[0-9]$/.test(chars[end]!)) end++;
  return [end === start ? null : BigInt(chars.slice(start, end).join("")), end];
}

function parseSpec(spec: string, reading: Reading): Spec {
  const chars = charsOf(spec, reading);
  let i = 0;
  let fill: string | null = null;
  let align: string | null = null;
  if (chars.length >= 2 && ALIGNS.includes(chars[1]!)) {
    fill = chars[0]!;
    align = chars[1]!;
    i = 2;
  } else if (chars.length >= 1 && ALIGNS.includes(chars[0]!)) {
    align = chars[0]!;
    i = 1;
  }
  // CPython reads a leading '0' as the zero flag only when no fill character was given.
  let zero = false;
  if (fill === null && chars[i] === "0") {
    zero = true;
    i++;
  }
  const [width, afterWidth] = readDigits(chars, i);
  i = afterWidth;
  let precision: bigint | null = null;
  if (chars[i] === ".") {
    const [digits, afterPrecision] = readDigits(chars, i + 1);
    if (digits === null) throw new Unresolvable(`unsupported format spec ${quoted(spec)}`);
    precision = digits;
    i = afterPrecision;
  }
  const type = chars.slice(i).join("");
  if (chars.length - i > 1) throw new Unresolvable(`unsupported format spec ${quoted(spec)}`);
  return { fill, align, zero, width: width ?? 0n, precision, type };
}

function pad(text: string, length: number, spec: Spec, defaultAlign: string, sign = ""): string {
  const total = spec.width - BigInt(length + sign.length);
  if (total <= 0n) return sign + text;
  checkLength(spec.width);
  const count = Number(total);
  const fill = spec.fill ?? (spec.zero ? "0" : " ");
  const align = spec.align ?? (spec.zero && defaultAlign === ">" ? "=" : defaultAlign);
  switch (align) {
    case "<":
      return sign + text + fill.repeat(count);
    case ">":
      return fill.repeat(count) + sign + text;
    case "=":
      return sign + fill.repeat(count) + text;
    default: {
      const left = Math.floor(count / 2);
      return fill.repeat(left) + sign + text + fill.repeat(count - left);
    }
  }
}

/** `format(value, spec)` for the R8 subset: `[[fill]align][width][.precision][s]` for str, `[[fill]align][0][width][d]` for int. */
export function formatWithSpec(value: PyValue, spec: string, reading: Reading): string {
  if (spec === "") return toStr(value);
  const parsed = parseSpec(spec, reading);
  const unsupported = (): Unresolvable => new Unresolvable(`unsupported format spec ${quoted(spec)}`);
  if (value.type === "str") {
    if (parsed.zero || parsed.align === "=" || (parsed.type !== "" && parsed.type !== "s")) throw unsupported();
    let chars = charsOf(value.value, reading);
    if (parsed.precision !== null && BigInt(chars.length) > parsed.precision) {
      chars = chars.slice(0, Number(parsed.precision));
    }
    return pad(chars.join(""), chars.length, parsed, "<");
  }
  const integer = asInt(value);
  if (integer === null) throw new Unresolvable("format() of bytes would be its repr");
  if (parsed.precision !== null || (parsed.type !== "" && parsed.type !== "d")) throw unsupported();
  const digits = intToDecimal(integer < 0n ? -integer : integer);
  return pad(digits, digits.length, parsed, ">", integer < 0n ? "-" : "");
}

// ---------------------------------------------------------------- %-formatting

/** `fmt % args` with `%s` (flag `-`, width, precision), `%d`/`%i` (flags `-`, `0`, width) and `%%`. */
export function percentFormat(fmt: string, args: readonly PyValue[], reading: Reading): string {
  const chars = charsOf(fmt, reading);
  let out = "";
  let next = 0;
  const nextArg = (): PyValue => {
    const arg = args[next++];
    if (arg === undefined) throw new PyError("not enough arguments for format string");
    return arg;
  };
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (char !== "%") {
      out += char;
      continue;
    }
    const start = i;
    i++;
    if (chars[i] === "(") throw new PyError("format requires a mapping");
    let flags = "";
    while (i < chars.length && "-+ #0".includes(chars[i]!)) flags += chars[i++];
    const [width, afterWidth] = readDigits(chars, i);
    i = afterWidth;
    let precision: bigint | null = null;
    if (chars[i] === ".") {
      const [digits, afterPrecision] = readDigits(chars, i + 1);
      precision = digits ?? 0n;
      i = afterPrecision;
    }
    const conversion = chars[i];
    if (conversion === undefined) throw new PyError("incomplete format");
    const directive = chars.slice(start, i + 1).join("");
    const unsupported = (): Unresolvable => new Unresolvable(`unsupported conversion ${quoted(directive)}`);
    const spec = { fill: null, align: flags.includes("-") ? "<" : null, zero: false, width: width ?? 0n, precision: null, type: "" };
    if (conversion === "%" && directive === "%%") {
      out += "%";
    } else if (conversion === "s") {
      if (/[^-]/.test(flags)) throw unsupported();
      const whole = toStr(nextArg());
      if (precision === null && width === null) {
        out += whole;
      } else {
        let text = charsOf(whole, reading);
        if (precision !== null && BigInt(text.length) > precision) text = text.slice(0, Number(precision));
        out += pad(text.join(""), text.length, spec, ">");
      }
    } else if (conversion === "d" || conversion === "i") {
      if (/[^-0]/.test(flags) || precision !== null) throw unsupported();
      const integer = asInt(nextArg());
      if (integer === null) throw new PyError("%d format: a real number is required");
      const digits = intToDecimal(integer < 0n ? -integer : integer);
      const zero = flags.includes("0") && !flags.includes("-");
      out += pad(digits, digits.length, { ...spec, zero, fill: zero ? "0" : " " }, ">", integer < 0n ? "-" : "");
    } else if (conversion === "r" || conversion === "a") {
      throw new Unresolvable(`%${conversion} conversion`);
    } else {
      throw unsupported();
    }
    checkLength(out.length);
  }
  if (next < args.length) throw new PyError("not all arguments converted during string formatting");
  return out;
}

// ---------------------------------------------------------------- str.format

/** `fmt.format(*positional, **keywords)` with fields `{}`, `{n}`, `{name}`, conversion `!s` and R8 specs. */
export function strFormat(
  fmt: string,
  positional: readonly PyValue[],
  keywords: ReadonlyMap<string, PyValue>,
  reading: Reading,
): string {
  const chars = charsOf(fmt, reading);
  let out = "";
  let numbering: "auto" | "manual" | null = null;
  let autoIndex = 0;
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (char === "}") {
      if (chars[i + 1] !== "}") throw new PyError("Single '}' encountered in format string");
      out += "}";
      i++;
      continue;
    }
    if (char !== "{") {
      out += char;
      continue;
    }
    if (chars[i + 1] === "{") {
      out += "{";
      i++;
      continue;
    }
    let depth = 1;
    let end = i + 1;
    for (; end < chars.length; end++) {
      if (chars[end] === "{") depth++;
      else if (chars[end] === "}" && --depth === 0) break;
    }
    if (end >= chars.length) throw new PyError("expected '}' before end of string");
    const field = chars.slice(i + 1, end).join("");
    i = end;
    if (field.includes("{")) throw new Unresolvable("nested replacement field in a format spec");
    const match = /^([^!:]*)(?:!(.?)([^:]*))?(?::(.*))?$/su.exec(field)!;
    const [, name = "", conversion, afterConversion = "", spec = ""] = match;
    if (conversion !== undefined && (conversion === "" || afterConversion !== "")) {
      throw new PyError("expected ':' after conversion specifier");
    }
    if (/[.[]/.test(name)) throw new Unresolvable(`unsupported replacement field {${name}}`);
    let value: PyValue | undefined;
    if (name === "" || /^[0-9]+$/.test(name)) {
      const mode = name === "" ? "auto" : "manual";
      if (numbering !== null && numbering !== mode) throw new PyError("cannot switch field numbering");
      numbering = mode;
      value = positional[name === "" ? autoIndex++ : Number(name)];
      if (value === undefined) throw new PyError("Replacement index out of range");
    } else {
      value = keywords.get(name);
      if (value === undefined) throw new PyError(`KeyError ${name}`);
    }
    if (conversion === "r" || conversion === "a") throw new Unresolvable(`!${conversion} conversion`);
    if (conversion !== undefined && conversion !== "s") throw new PyError("Unknown conversion specifier");
    const converted: PyValue = conversion === "s" ? { type: "str", value: toStr(value) } : value;
    out += formatWithSpec(converted, spec, reading);
    checkLength(out.length);
  }
  return out;
}
