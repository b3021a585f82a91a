/**
 * The operators of scanner.md R8 on constant values: `+`, `-`, `*` (items 2 and ints used as
 * positions), `%` (item 3), subscripts and slices (item 4), and the bytes constructions of item 6.
 * @module
 */
import { percentFormat } from "./format.js";
import {
  PyError,
  Unresolvable,
  asInt,
  bothReadings,
  bytes,
  charsOf,
  checkIntResult,
  checkLength,
  clampToNumber,
  int,
  str,
  type PyValue,
} from "./values.js";

const MAX_INDEX = 2n ** 63n - 1n;

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** `a + b`: str + str, bytes + bytes, or integers. */
export function add(a: PyValue, b: PyValue): PyValue {
  if (a.type === "str" && b.type === "str") {
    checkLength(a.value.length + b.value.length);
    return str(a.value + b.value);
  }
  if (a.type === "bytes" && b.type === "bytes") {
    checkLength(a.value.length + b.value.length);
    return bytes(concatBytes(a.value, b.value));
  }
  const x = asInt(a);
  const y = asInt(b);
  if (x === null || y === null) throw new PyError("unsupported operand types for +");
  return checkIntResult(x + y);
}

/** `a - b` on integers. */
export function subtract(a: PyValue, b: PyValue): PyValue {
  const x = asInt(a);
  const y = asInt(b);
  if (x === null || y === null) throw new PyError("unsupported operand types for -");
  return checkIntResult(x - y);
}

/** `s * n` (either order) or an integer product. */
export function multiply(a: PyValue, b: PyValue): PyValue {
  const x = asInt(a);
  const y = asInt(b);
  if (x !== null && y !== null) return checkIntResult(x * y);
  if (y !== null && (a.type === "str" || a.type === "bytes")) return repeat(a, y);
  if (x !== null && (b.type === "str" || b.type === "bytes")) return repeat(b, x);
  throw new PyError("unsupported operand types for *");
}

function repeat(sequence: PyValue & { type: "str" | "bytes" }, count: bigint): PyValue {
  if (count > MAX_INDEX) throw new PyError("cannot fit 'int' into an index-sized integer");
  const times = count < 0n ? 0n : count;
  if (sequence.value.length === 0 || times === 0n) return sequence.type === "str" ? str("") : bytes(new Uint8Array());
  if (times === 1n) return sequence;
  checkLength(BigInt(sequence.value.length) * times);
  if (sequence.type === "str") return str(sequence.value.repeat(Number(times)));
  const out = new Uint8Array(sequence.value.length * Number(times));
  for (let i = 0; i < Number(times); i++) out.set(sequence.value, i * sequence.value.length);
  return bytes(out);
}

/** `fmt % args`: `args` is the tuple display's elements, or the single right operand. */
export function percent(fmt: PyValue & { type: "str" }, args: readonly PyValue[]): PyValue {
  // Without directives the format is its own result: chains of `% ()` stay linear.
  if (!fmt.value.includes("%")) {
    if (args.length > 0) throw new PyError("not all arguments converted during string formatting");
    return fmt;
  }
  const texts = args.flatMap((arg) => (arg.type === "str" ? [arg.value] : []));
  return bothReadings([fmt.value, ...texts], (reading) => str(percentFormat(fmt.value, args, reading)));
}

/** `sequence[index]` on str or bytes (bytes give an int). */
export function subscript(sequence: PyValue, index: PyValue): PyValue {
  const position = asInt(index);
  if (position === null) throw new PyError("indices must be integers");
  if (sequence.type === "bytes") {
    const i = position < 0n ? position + BigInt(sequence.value.length) : position;
    if (i < 0n || i >= BigInt(sequence.value.length)) throw new PyError("index out of range");
    return int(BigInt(sequence.value[Number(i)]!));
  }
  if (sequence.type !== "str") throw new PyError("object is not subscriptable");
  const text = sequence.value;
  return bothReadings([text], (reading) => {
    const chars = charsOf(text, reading);
    const i = position < 0n ? position + BigInt(chars.length) : position;
    if (i < 0n || i >= BigInt(chars.length)) throw new PyError("string index out of range");
    return str(chars[Number(i)]!);
  });
}

/** The positions `slice(lower, upper, step).indices(length)` selects, as CPython computes them. */
export function slicePositions(length: number, lower: bigint | null, upper: bigint | null, step: bigint | null): number[] {
  const stride = step ?? 1n;
  if (stride === 0n) throw new PyError("slice step cannot be zero");
  const n = BigInt(length);
  const [low, high] = stride > 0n ? [0n, n] : [-1n, n - 1n];
  const clamp = (bound: bigint | null, fallback: bigint): bigint => {
    if (bound === null) return fallback;
    const shifted = bound < 0n ? bound + n : bound;
    return shifted < low ? low : shifted > high ? high : shifted;
  };
  const start = clamp(lower, stride > 0n ? low : high);
  const stop = clamp(upper, stride > 0n ? high : low);
  const [from, to, by] = [Number(start), Number(stop), clampToNumber(stride)];
  const positions: number[] = [];
  if (by > 0) for (let i = from; i < to; i += by) positions.push(i);
  else for (let i = from; i > to; i += by) positions.push(i);
  return positions;
}

/** `sequence[lower:upper:step]` on str or bytes; a missing bound is `null`. */
export function slice(sequence: PyValue, lower: PyValue | null, upper: PyValue | null, step: PyValue | null): PyValue {
  const bound = (value: PyValue | null): bigint | null => {
    if (value === null) return null;
    const integer = asInt(value);
    if (integer === null) throw new PyError("slice indices must be integers");
    return integer;
  };
  const [from, to, by] = [bound(lower), bound(upper), bound(step)];
  if (sequence.type === "bytes") {
    const data = sequence.value;
    return bytes(Uint8Array.from(slicePositions(data.length, from, to, by), (i) => data[i]!));
  }
  if (sequence.type !== "str") throw new PyError("object is not subscriptable");
  const text = sequence.value;
  return bothReadings([text], (reading) => {
    const chars = reading === "units" ? null : charsOf(text, reading);
    const positions = slicePositions(chars?.length ?? text.length, from, to, by);
    if (chars === null && (by === null || by === 1n)) {
      return str(positions.length === 0 ? "" : text.slice(positions[0], positions[0]! + positions.length));
    }
    const source = chars ?? text.split("");
    const out = new Array<string>(positions.length);
    for (let k = 0; k < positions.length; k++) out[k] = source[positions[k]!]!;
    return str(out.join(""));
  });
}

/** `bytes(display)`: every element an int in 0..255, at most 256 of them. */
export function bytesFromInts(elements: readonly PyValue[]): PyValue {
  if (elements.length > 256) throw new Unresolvable("bytes display over 256 elements");
  const values = elements.map((element) => {
    const integer = asInt(element);
    if (integer === null) throw new PyError("'str' object cannot be interpreted as an integer");
    if (integer < 0n || integer > 255n) throw new PyError("bytes must be in range(0, 256)");
    return Number(integer);
  });
  return bytes(Uint8Array.from(values));
}

const HEX = /^[0-9a-fA-F]{2}$/;

/** `bytes.fromhex(text)`: pairs of hex digits, ASCII whitespace allowed between pairs. */
export function fromHex(text: string): PyValue {
  const out: number[] = [];
  let i = 0;
  while (i < text.length) {
    if (" \t\n\r\v\f".includes(text[i]!)) {
      i++;
      continue;
    }
    const pair = text.slice(i, i + 2);
    if (!HEX.test(pair)) throw new PyError("non-hexadecimal number found in fromhex() arg");
    out.push(Number.parseInt(pair, 16));
    i += 2;
  }
  return bytes(Uint8Array.from(out));
}
