/**
 * The six obfuscation resolvers of the reference scanner (scanner.md §7.1-7.7), with exactly the
 * reference's semantics, gaps included (§7.8: those are closed by the constant evaluator, R8).
 * Where the reference would call Python's codec registry, only the supported codecs and the
 * `strict` handler decode here; anything else gives nothing, like a reference decode failure.
 * @module
 */
import type { Call, Expr, JoinedStr, PyNode } from "../ast/nodes.js";
import { LIMITS, MAX_BYTES_LITERAL_ELTS } from "../lists.js";
import { CodecError, decodeBytes, lookupCodec } from "./codecs.js";
import { pyRepr } from "./repr.js";

/** What one resolver found at a node: a resolved string, or a suspicious construction. */
export type ResolverOutcome =
  | { readonly kind: "string"; readonly label: string; readonly value: string }
  | { readonly kind: "suspicious"; readonly message: string };

type Resolved = string | { readonly suspicious: string } | null;

const isStr = (node: Expr | undefined): node is Expr & { kind: "Constant"; value: { type: "str"; value: string } } =>
  node?.kind === "Constant" && node.value.type === "str";
const isBytes = (node: Expr | undefined): node is Expr & { kind: "Constant"; value: { type: "bytes"; value: Uint8Array } } =>
  node?.kind === "Constant" && node.value.type === "bytes";

/** `_literal_str_arg`: the str constant at position `pos`, else in keyword `name`. */
function literalStrArg(call: Call, pos: number, name: string): string | null {
  const positional = call.args[pos];
  if (isStr(positional)) return positional.value.value;
  for (const keyword of call.keywords) if (keyword.arg === name && isStr(keyword.value)) return keyword.value.value.value;
  return null;
}

const DECODE_MESSAGES = ["dynamic .decode(encoding) construction", "dynamic .decode(..., errors) construction"] as const;
const STR_BYTES_MESSAGES = [
  "dynamic str(bytes/bytearray, encoding) construction",
  "dynamic str(bytes/bytearray, ..., errors) construction",
] as const;

/** §7.1: the encoding and errors arguments at positions `pos` and `pos + 1`. */
function codecArguments(
  call: Call,
  pos: number,
  messages: readonly [string, string],
): { encoding: string; errors: string } | { suspicious: string } {
  const hasEncoding = call.args.length > pos || call.keywords.some((k) => k.arg === "encoding");
  const encoding = literalStrArg(call, pos, "encoding");
  if (hasEncoding && encoding === null) return { suspicious: messages[0] };
  const hasErrors = call.args.length > pos + 1 || call.keywords.some((k) => k.arg === "errors");
  const errors = literalStrArg(call, pos + 1, "errors");
  if (hasErrors && errors === null) return { suspicious: messages[1] };
  // The reference writes `encoding or "utf-8"`: an empty name means UTF-8.
  return { encoding: encoding || "utf-8", errors: errors || "strict" };
}

function decodeOrNothing(data: Uint8Array, encoding: string, errors: string): string | null {
  const codec = lookupCodec(encoding);
  if (codec === null || errors !== "strict") return null;
  try {
    return decodeBytes(data, codec);
  } catch (error) {
    if (error instanceof CodecError) return null;
    throw error;
  }
}

/** The ints of a `bytes([...])` list (True counts as 1), or `null`; too many elements is suspicious. */
function listInts(list: Expr): Uint8Array | null | { suspicious: string } {
  if (list.kind !== "List") return null;
  if (list.elts.length > MAX_BYTES_LITERAL_ELTS) return { suspicious: "bytes literal too large" };
  const values: number[] = [];
  for (const element of list.elts) {
    if (element.kind !== "Constant" || (element.value.type !== "int" && element.value.type !== "bool")) return null;
    const value = element.value.type === "bool" ? (element.value.value ? 1n : 0n) : element.value.value;
    if (value < 0n || value > 255n) return null;
    values.push(Number(value));
  }
  return Uint8Array.from(values);
}

function fromHexOrNothing(text: string): Uint8Array | null {
  const out: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (" \t\n\r\v\f".includes(text[i]!)) {
      i++;
      continue;
    }
    const pair = text.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) return null;
    out.push(Number.parseInt(pair, 16));
    i += 2;
  }
  return Uint8Array.from(out);
}

const isBuiltin = (node: Expr, names: readonly string[]): boolean => node.kind === "Name" && names.includes(node.id);

/** §7.2, label "bytes decode". */
function resolveBytesDecode(node: PyNode): Resolved {
  if (node.kind !== "Call" || node.func.kind !== "Attribute" || node.func.attr !== "decode") return null;
  const inner = node.func.value;
  let data: Uint8Array | null = null;
  if (inner.kind === "Call" && isBuiltin(inner.func, ["bytes", "bytearray"]) && inner.args.length === 1 && inner.args[0]!.kind === "List") {
    const ints = listInts(inner.args[0]!);
    if (ints === null || "suspicious" in ints) return ints;
    data = ints;
  } else if (
    inner.kind === "Call" &&
    inner.func.kind === "Attribute" &&
    inner.func.attr === "fromhex" &&
    isBuiltin(inner.func.value, ["bytes", "bytearray"]) &&
    inner.args.length === 1 &&
    isStr(inner.args[0])
  ) {
    data = fromHexOrNothing(inner.args[0].value.value);
    if (data === null) return null;
  } else if (inner.kind === "BinOp" && inner.op === "Add" && isBytes(inner.left) && isBytes(inner.right)) {
    data = new Uint8Array([...inner.left.value.value, ...inner.right.value.value]);
  } else if (isBytes(inner)) {
    data = inner.value.value;
  } else {
    return null;
  }
  const codec = codecArguments(node, 0, DECODE_MESSAGES);
  return "suspicious" in codec ? codec : decodeOrNothing(data, codec.encoding, codec.errors);
}

/** §7.3, label "str(bytes(...))". */
function resolveStrBytes(node: PyNode): Resolved {
  if (node.kind !== "Call" || node.func.kind !== "Name" || node.func.id !== "str" || node.args.length < 1) return null;
  const inner = node.args[0]!;
  if (inner.kind !== "Call" || !isBuiltin(inner.func, ["bytes", "bytearray"])) return null;
  const codec = codecArguments(node, 1, STR_BYTES_MESSAGES);
  if ("suspicious" in codec) return codec;
  if (inner.args.length !== 1) return null;
  const ints = listInts(inner.args[0]!);
  if (ints === null || "suspicious" in ints) return ints;
  return decodeOrNothing(ints, codec.encoding, codec.errors);
}

/** §7.4, label "str.join()". */
function resolveJoin(node: PyNode): Resolved {
  if (node.kind !== "Call" || node.func.kind !== "Attribute" || node.func.attr !== "join") return null;
  const separator = node.func.value;
  if (!isStr(separator) || node.args.length !== 1) return null;
  const arg = node.args[0]!;
  if (arg.kind === "List" || arg.kind === "Tuple") {
    if (!arg.elts.every(isStr)) return null;
    const parts = arg.elts.map((element) => (element as typeof separator).value.value);
    return parts.length === 0 ? null : parts.join(separator.value.value);
  }
  if (arg.kind === "Call" && isBuiltin(arg.func, ["reversed"]) && arg.args.length === 1 && isStr(arg.args[0])) {
    return Array.from(arg.args[0].value.value).reverse().join(separator.value.value);
  }
  return null;
}

const concatenations = new WeakMap<Expr, string | null>();

/** §7.5, label "concatenation": str constants joined by `+`, memoised and iterative on the left spine. */
export function resolveConcatenation(node: PyNode): string | null {
  if (node.kind !== "Constant" && node.kind !== "BinOp") return null;
  const spine: Expr[] = [];
  let base: Expr = node;
  while (base.kind === "BinOp" && !concatenations.has(base)) {
    spine.push(base);
    base = base.left;
  }
  const leaf = (expr: Expr): string | null => (isStr(expr) ? expr.value.value : null);
  if (!concatenations.has(base)) concatenations.set(base, leaf(base));
  for (let i = spine.length - 1; i >= 0; i--) {
    const binop = spine[i]! as Expr & { kind: "BinOp" };
    const left = concatenations.get(binop.left) ?? null;
    const right = binop.op === "Add" && left !== null ? resolveConcatenation(binop.right) : null;
    concatenations.set(binop, binop.op === "Add" && left !== null && right !== null ? left + right : null);
  }
  return concatenations.get(node) ?? null;
}

/** `fmt % tuple(parts)` as CPython evaluates it for str arguments, or `null` where it raises. */
export function referencePercent(fmt: string, parts: readonly string[]): string | null {
  const chars = Array.from(fmt);
  let out = "";
  let next = 0;
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] !== "%") {
      out += chars[i];
      continue;
    }
    i++;
    if (chars[i] === "%") {
      out += "%";
      continue;
    }
    if (chars[i] === "(") return null; // format requires a mapping
    let flags = "";
    while (i < chars.length && "-+ #0".includes(chars[i]!)) flags += chars[i++];
    let width = "";
    if (chars[i] === "*") return null; // '*' wants int
    while (i < chars.length && /[0-9]/.test(chars[i]!)) width += chars[i++];
    let precision: number | null = null;
    if (chars[i] === ".") {
      i++;
      if (chars[i] === "*") return null;
      let digits = "";
      while (i < chars.length && /[0-9]/.test(chars[i]!)) digits += chars[i++];
      precision = digits === "" ? 0 : Number(digits);
    }
    if (chars[i] === "h" || chars[i] === "l" || chars[i] === "L") i++;
    const conversion = chars[i];
    if (conversion === undefined || !"srac".includes(conversion)) return null;
    const arg = parts[next++];
    if (arg === undefined) return null; // not enough arguments
    let text: string[];
    if (conversion === "c") {
      text = Array.from(arg);
      if (text.length !== 1) return null;
    } else {
      text = Array.from(conversion === "s" ? arg : pyRepr(arg, conversion === "a"));
      if (precision !== null && text.length > precision) text = text.slice(0, precision);
    }
    const padding = Math.max(0, Number(width || "0") - text.length);
    if (out.length + padding + text.length > LIMITS.maxConstantResultChars) return null;
    out += flags.includes("-") ? text.join("") + " ".repeat(padding) : " ".repeat(padding) + text.join("");
  }
  return next === parts.length ? out : null; // not all arguments converted
}

/** §7.6, label "%-format". */
function resolvePercent(node: PyNode): Resolved {
  if (node.kind !== "BinOp" || node.op !== "Mod" || !isStr(node.left)) return null;
  let parts: string[];
  if (node.right.kind === "Tuple") {
    if (!node.right.elts.every(isStr)) return null;
    parts = node.right.elts.map((element) => (element as typeof node.left).value.value);
  } else if (isStr(node.right)) {
    parts = [node.right.value.value];
  } else {
    return null;
  }
  return referencePercent(node.left.value.value, parts);
}

/** §7.7, label "f-string". */
function resolveFString(node: PyNode): Resolved {
  if (node.kind !== "JoinedStr") return null;
  const parts: string[] = [];
  for (const part of (node as JoinedStr).values) {
    if (isStr(part)) parts.push(part.value.value);
    else if (part.kind === "FormattedValue" && isStr(part.value) && part.format_spec === null && part.conversion === -1) {
      parts.push(part.value.value.value);
    } else return null;
  }
  return parts.length === 0 ? null : parts.join("");
}

const RESOLVERS: readonly (readonly [string, (node: PyNode) => Resolved])[] = [
  ["bytes decode", resolveBytesDecode],
  ["str(bytes(...))", resolveStrBytes],
  ["str.join()", resolveJoin],
  ["concatenation", resolveConcatenation],
  ["%-format", resolvePercent],
  ["f-string", resolveFString],
];

/**
 * Applies the reference's six resolvers (scanner.md §7) to one node, in the reference's order.
 * @returns One outcome per resolver that resolved a string or found a suspicious construction.
 */
export function referenceResolvers(node: PyNode): ResolverOutcome[] {
  const outcomes: ResolverOutcome[] = [];
  for (const [label, resolver] of RESOLVERS) {
    const resolved = resolver(node);
    if (typeof resolved === "string") outcomes.push({ kind: "string", label, value: resolved });
    else if (resolved !== null) outcomes.push({ kind: "suspicious", message: resolved.suspicious });
  }
  return outcomes;
}
