/**
 * The `str` methods of scanner.md R8 item 5 (other than `join`, whose argument forms are read from
 * the tree in `evaluate.ts`) and `bytes.decode` / `str(bytes, ...)` of item 6, on evaluated
 * arguments. A method outside the list returns `null` (not folded, so never a hit).
 * @module
 */
import { quoted } from "../message.js";
import { CodecError, decodeBytes, encodeText, lookupCodec } from "./codecs.js";
import { strFormat } from "./format.js";
import { add, multiply, percent, subscript } from "./operations.js";
import {
  PyError,
  Unresolvable,
  asInt,
  bothReadings,
  bytes,
  charsOf,
  checkLength,
  lengthOf,
  str,
  type PyValue,
  type Reading,
} from "./values.js";

/** Positional and keyword arguments, already evaluated. */
export interface Arguments {
  readonly positional: readonly PyValue[];
  readonly keywords: ReadonlyMap<string, PyValue>;
}

/** Binds arguments to parameters the way CPython does; `positionalOnly` parameters take no keywords. */
export function bindArguments(args: Arguments, names: readonly string[], positionalOnly: boolean): (PyValue | undefined)[] {
  if (args.positional.length > names.length) throw new PyError("too many arguments");
  const bound: (PyValue | undefined)[] = names.map((_, i) => args.positional[i]);
  for (const [name, value] of args.keywords) {
    const index = names.indexOf(name);
    if (positionalOnly || index < 0 || bound[index] !== undefined) throw new PyError(`unexpected keyword ${name}`);
    bound[index] = value;
  }
  return bound;
}

function text(value: PyValue | undefined, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (value?.type !== "str") throw new PyError("argument must be str");
  return value.value;
}

function integer(value: PyValue | undefined): bigint {
  const result = value === undefined ? null : asInt(value);
  if (result === null) throw new PyError("argument must be int");
  return result;
}

/** `data.decode(encoding, errors)` with the supported codecs and `strict` only. */
export function decode(data: Uint8Array, encoding: string, errors: string): string {
  const codec = lookupCodec(encoding);
  if (codec === null) throw new Unresolvable(`unsupported codec ${quoted(encoding)}`);
  if (errors !== "strict") throw new Unresolvable(`unsupported error handler ${quoted(errors)}`);
  try {
    return decodeBytes(data, codec);
  } catch (error) {
    if (error instanceof CodecError) throw new Unresolvable(`decode error with codec ${quoted(encoding)}`);
    throw error;
  }
}

function encode(value: string, encoding: string, errors: string): Uint8Array {
  const codec = lookupCodec(encoding);
  if (codec === null) throw new Unresolvable(`unsupported codec ${quoted(encoding)}`);
  if (errors !== "strict") throw new Unresolvable(`unsupported error handler ${quoted(errors)}`);
  try {
    return encodeText(value, codec);
  } catch (error) {
    if (error instanceof CodecError) throw new Unresolvable(`encode error with codec ${quoted(encoding)}`);
    throw error;
  }
}

// Py_UNICODE_ISSPACE: what str.strip() removes without an argument.
const WHITESPACE = new Set(
  "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000",
);

function strip(receiver: string, chars: string | null, left: boolean, right: boolean, reading: Reading): string {
  const items = charsOf(receiver, reading);
  const set = chars === null ? WHITESPACE : new Set(charsOf(chars, reading));
  let start = 0;
  let end = items.length;
  if (left) while (start < end && set.has(items[start]!)) start++;
  if (right) while (end > start && set.has(items[end - 1]!)) end--;
  return items.slice(start, end).join("");
}

/** Whether `index` falls between characters of `text` under a reading. */
function atBoundary(text: string, index: number, reading: Reading): boolean {
  if (reading === "units" || index <= 0 || index >= text.length) return true;
  const before = text.charCodeAt(index - 1);
  const after = text.charCodeAt(index);
  return !(before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff);
}

function replace(receiver: string, old: string, replacement: string, count: bigint, reading: Reading): string {
  const limit = count < 0n ? Infinity : Number(count > 2n ** 53n ? 2n ** 53n : count);
  let out = "";
  let done = 0;
  if (old === "") {
    const chars = charsOf(receiver, reading);
    for (const char of chars) {
      if (done < limit) (out += replacement), done++;
      out += char;
      checkLength(out.length);
    }
    if (done < limit) out += replacement;
    checkLength(out.length);
    return out;
  }
  let from = 0;
  let search = 0;
  while (done < limit) {
    const at = receiver.indexOf(old, search);
    if (at < 0) break;
    if (!atBoundary(receiver, at, reading) || !atBoundary(receiver, at + old.length, reading)) {
      search = at + 1;
      continue;
    }
    out += receiver.slice(from, at) + replacement;
    checkLength(out.length);
    from = search = at + old.length;
    done++;
  }
  out += receiver.slice(from);
  checkLength(out.length);
  return out;
}

function justify(receiver: string, width: bigint, fill: string, where: "left" | "right" | "center", reading: Reading): string {
  if (lengthOf(fill, reading) !== 1) throw new PyError("the fill character must be exactly one character long");
  const length = lengthOf(receiver, reading);
  if (width <= BigInt(length)) return receiver;
  checkLength(width);
  const margin = Number(width) - length;
  if (where === "left") return receiver + fill.repeat(margin);
  if (where === "right") return fill.repeat(margin) + receiver;
  // str.center rounds differently from format's '^'.
  const leftPad = Math.floor(margin / 2) + (margin & Number(width) & 1);
  return fill.repeat(leftPad) + receiver + fill.repeat(margin - leftPad);
}

function zfill(receiver: string, width: bigint, reading: Reading): string {
  const length = lengthOf(receiver, reading);
  if (width <= BigInt(length)) return receiver;
  checkLength(width);
  const zeros = "0".repeat(Number(width) - length);
  const sign = receiver[0];
  return sign === "+" || sign === "-" ? sign + zeros + receiver.slice(1) : zeros + receiver;
}

const isAscii = (value: string): boolean => /^[\x00-\x7f]*$/.test(value);
const isUpper = (c: string): boolean => c >= "A" && c <= "Z";
const isLower = (c: string): boolean => c >= "a" && c <= "z";

function changeCase(name: string, receiver: string): string {
  if (!isAscii(receiver)) throw new Unresolvable(`non-ASCII receiver of str.${name}()`);
  const chars = (): string[] => receiver.split("");
  switch (name) {
    case "lower":
    case "casefold":
      return receiver.toLowerCase();
    case "upper":
      return receiver.toUpperCase();
    case "swapcase":
      return chars().map((c) => (isUpper(c) ? c.toLowerCase() : c.toUpperCase())).join("");
    case "capitalize":
      return receiver.slice(0, 1).toUpperCase() + receiver.slice(1).toLowerCase();
    default: {
      let previousCased = false;
      return chars()
        .map((c) => {
          const out = previousCased ? c.toLowerCase() : c.toUpperCase();
          previousCased = isUpper(c) || isLower(c);
          return out;
        })
        .join("");
    }
  }
}

const CASE_METHODS = new Set(["lower", "upper", "casefold", "swapcase", "title", "capitalize"]);

/**
 * `receiver.name(*args)` for a folded `str` method other than `join`, or `null` when the method
 * is not folded.
 */
export function callStrMethod(receiver: string, name: string, args: Arguments): PyValue | null {
  const strings = [receiver, ...args.positional.flatMap((arg) => (arg.type === "str" ? [arg.value] : []))];
  const fixed = (names: readonly string[], required: number): (PyValue | undefined)[] => {
    const bound = bindArguments(args, names, true);
    if (bound.slice(0, required).some((value) => value === undefined)) throw new PyError("missing argument");
    return bound;
  };
  if (CASE_METHODS.has(name)) {
    fixed([], 0);
    return str(changeCase(name, receiver));
  }
  switch (name) {
    case "strip":
    case "lstrip":
    case "rstrip": {
      const [chars] = fixed(["chars"], 0);
      const set = chars === undefined ? null : text(chars);
      return bothReadings(strings, (r) => str(strip(receiver, set, name !== "rstrip", name !== "lstrip", r)));
    }
    case "replace": {
      const [old, replacement, count] = fixed(["old", "new", "count"], 2);
      const [from, to, times] = [text(old), text(replacement), count === undefined ? -1n : integer(count)];
      return bothReadings(strings, (r) => str(replace(receiver, from, to, times, r)));
    }
    case "removeprefix":
    case "removesuffix": {
      const affix = text(fixed(["affix"], 1)[0]);
      return bothReadings(strings, (r) => {
        if (name === "removeprefix") {
          const hit = receiver.startsWith(affix) && atBoundary(receiver, affix.length, r);
          return str(hit ? receiver.slice(affix.length) : receiver);
        }
        const cut = receiver.length - affix.length;
        const hit = affix !== "" && receiver.endsWith(affix) && atBoundary(receiver, cut, r);
        return str(hit ? receiver.slice(0, cut) : receiver);
      });
    }
    case "zfill": {
      const width = integer(fixed(["width"], 1)[0]);
      return bothReadings(strings, (r) => str(zfill(receiver, width, r)));
    }
    case "ljust":
    case "rjust":
    case "center": {
      const [width, fill] = fixed(["width", "fillchar"], 1);
      const [size, pad] = [integer(width), text(fill, " ")];
      const where = name === "ljust" ? "left" : name === "rjust" ? "right" : "center";
      return bothReadings(strings, (r) => str(justify(receiver, size, pad, where, r)));
    }
    case "encode": {
      const [encoding, errors] = bindArguments(args, ["encoding", "errors"], false);
      return bytes(encode(receiver, text(encoding, "utf-8"), text(errors, "strict")));
    }
    case "format":
      return bothReadings(strings.concat([...args.keywords.values()].flatMap((v) => (v.type === "str" ? [v.value] : []))), (r) =>
        str(strFormat(receiver, args.positional, args.keywords, r)),
      );
    case "__add__":
    case "__mul__":
    case "__mod__":
    case "__getitem__":
      return callDunder({ type: "str", value: receiver }, name, fixed(["value"], 1)[0]!);
    default:
      return null;
  }
}

/** The operator methods `__add__`, `__mul__`, `__mod__`, `__getitem__` on a str or bytes receiver. */
export function callDunder(receiver: PyValue, name: string, arg: PyValue): PyValue {
  switch (name) {
    case "__add__":
      if (arg.type !== receiver.type) throw new PyError("can only concatenate like types");
      return add(receiver, arg);
    case "__mul__":
      if (asInt(arg) === null) throw new PyError("can't multiply sequence by non-int");
      return multiply(receiver, arg);
    case "__mod__":
      if (receiver.type !== "str") throw new PyError("bytes %-formatting is not folded");
      return percent(receiver, [arg]);
    default:
      return subscript(receiver, arg);
  }
}

/** `data.decode(...)` and `str(data, ...)`: binds `encoding` and `errors` and decodes. */
export function decodeCall(data: Uint8Array, encoding: PyValue | undefined, errors: PyValue | undefined): PyValue {
  return str(decode(data, text(encoding, "utf-8"), text(errors, "strict")));
}

