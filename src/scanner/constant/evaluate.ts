/**
 * The constant-expression evaluator of scanner.md R8. `evaluateConstant` gives each expression
 * node its exact Python value when it is a constant expression (CE), says when a CE-shaped
 * construction cannot be evaluated exactly, and is memoised per node so that the walker can ask
 * for every node of a long `+` chain in linear time.
 * @module
 */
import type { Call, Comp, Expr, JoinedStr, Keyword } from "../ast/nodes.js";
import { formatWithSpec } from "./format.js";
import { bindArguments, callDunder, callStrMethod, decodeCall, type Arguments } from "./methods.js";
import { add, bytesFromInts, fromHex, multiply, percent, slice, subscript, subtract } from "./operations.js";
import {
  PyError,
  Unresolvable,
  asInt,
  bothReadings,
  charsOf,
  checkIntResult,
  checkLength,
  int,
  str,
  toStr,
  type Evaluation,
  type PyValue,
  type Reading,
} from "./values.js";

/**
 * Thrown when an operand is not a CE value: the construction is never evaluated. A symbol, not an
 * Error: most expressions of a file are not constant, and an Error would record a stack trace each.
 */
const NOT_CONSTANT = Symbol("not a constant expression");

const DYNAMIC: Evaluation = { kind: "dynamic" };
const memo = new WeakMap<Expr, Evaluation>();

/**
 * The work budget of one scan: characters of constant values built by constructions. About 20
 * bytes of source (`("_"*99999).lower()`) build 100,000 characters, so without a budget a crafted
 * 500 KB file would keep a validator busy for minutes. Past the budget, evaluation fails closed.
 */
export interface ConstantBudget {
  remainingChars: number;
  exhausted: boolean;
}

export const BUDGET_EXHAUSTED = "the scan's constant-evaluation budget is exhausted";

let budget: ConstantBudget = { remainingChars: Number.POSITIVE_INFINITY, exhausted: false };

/** Runs `run` (one scan's walk) with a fresh budget of `maxChars` characters. */
export function withConstantBudget<T>(maxChars: number, run: (budget: ConstantBudget) => T): T {
  const previous = budget;
  budget = { remainingChars: maxChars, exhausted: false };
  try {
    return run(budget);
  } finally {
    budget = previous;
  }
}

/**
 * Evaluates `expr` as a constant expression (scanner.md R8).
 * @param expr Any expression node of the converted tree.
 * @returns `value` with the exact value and the outermost construction, `unresolvable` when this
 *   node is a CE-shaped operation on CE operands that cannot be evaluated exactly, or `dynamic`.
 * @example
 * evaluateConstant(subscriptNode) // { kind: "value", value: { type: "str", value: "f_back" }, construction: "slice" }
 */
export function evaluateConstant(expr: Expr): Evaluation {
  const cached = memo.get(expr);
  if (cached !== undefined) return cached;
  if (expr.kind === "BinOp") {
    // Left-nested chains (`a + b + c ...`) are evaluated bottom-up without recursing down the spine.
    const spine: Expr[] = [];
    for (let node = expr.left; node.kind === "BinOp" && !memo.has(node); node = node.left) spine.push(node);
    for (let i = spine.length - 1; i >= 0; i--) evaluateConstant(spine[i]!);
  }
  const result = evaluateNode(expr);
  memo.set(expr, result);
  return result;
}

function evaluateNode(expr: Expr): Evaluation {
  let construction = "constant";
  if (expr.kind !== "Constant" && budget.remainingChars <= 0) {
    budget.exhausted = true;
    return { kind: "unresolvable", construction, reason: BUDGET_EXHAUSTED };
  }
  try {
    const value = compute(expr, (name) => (construction = name));
    if (value !== null && expr.kind !== "Constant" && (value.type === "str" || value.type === "bytes")) budget.remainingChars -= value.value.length;
    return value === null ? DYNAMIC : { kind: "value", value, construction };
  } catch (error) {
    if (error instanceof Unresolvable) return { kind: "unresolvable", construction, reason: error.reason };
    if (error === NOT_CONSTANT || error instanceof PyError) return DYNAMIC;
    throw error;
  }
}

function need(expr: Expr): PyValue {
  const evaluation = evaluateConstant(expr);
  if (evaluation.kind !== "value") throw NOT_CONSTANT;
  return evaluation.value;
}

function needStr(expr: Expr): string {
  const value = need(expr);
  if (value.type !== "str") throw new PyError("str expected");
  return value.value;
}

type Name = (construction: string) => void;

function compute(expr: Expr, name: Name): PyValue | null {
  switch (expr.kind) {
    case "Constant": {
      const constant = expr.value;
      return constant.type === "str" || constant.type === "bytes" || constant.type === "int" || constant.type === "bool"
        ? constant
        : null;
    }
    case "BinOp":
      return binary(expr.op, expr.left, expr.right, name);
    case "UnaryOp": {
      const operand = expr.op === "Not" ? null : asInt(need(expr.operand));
      if (operand === null) return null;
      name("negation");
      return checkIntResult(expr.op === "USub" ? -operand : expr.op === "Invert" ? -operand - 1n : operand);
    }
    case "Subscript":
      return subscriptOf(expr.value, expr.slice, name);
    case "JoinedStr":
      return fString(expr, name);
    case "Call":
      return call(expr, name);
    default:
      return null;
  }
}

function binary(op: string, leftExpr: Expr, rightExpr: Expr, name: Name): PyValue | null {
  if (op !== "Add" && op !== "Sub" && op !== "Mult" && op !== "Mod") return null;
  const left = need(leftExpr);
  if (op === "Mod") {
    if (left.type !== "str") return null;
    const args = rightExpr.kind === "Tuple" ? rightExpr.elts.map(need) : [need(rightExpr)];
    name("%-format");
    return percent(left, args);
  }
  const right = need(rightExpr);
  const textual = ["str", "bytes"].includes(left.type) || ["str", "bytes"].includes(right.type);
  if (op === "Add") name(textual ? "concatenation" : "addition");
  if (op === "Sub") name("subtraction");
  if (op === "Mult") name(textual ? "repetition" : "multiplication");
  return op === "Add" ? add(left, right) : op === "Sub" ? subtract(left, right) : multiply(left, right);
}

function subscriptOf(valueExpr: Expr, index: Expr, name: Name): PyValue {
  const sequence = need(valueExpr);
  if (index.kind !== "Slice") {
    const position = need(index);
    name("subscript");
    return subscript(sequence, position);
  }
  const bound = (bound: Expr | null): PyValue | null =>
    bound === null || (bound.kind === "Constant" && bound.value.type === "None") ? null : need(bound);
  const [lower, upper, step] = [bound(index.lower), bound(index.upper), bound(index.step)];
  name("slice");
  return slice(sequence, lower, upper, step);
}

type FStringPart = { literal: string } | { value: PyValue; conversion: number; spec: string };

function fString(node: JoinedStr, name: Name): PyValue {
  const parts = node.values.map((part): FStringPart => {
    if (part.kind === "Constant") return { literal: needStr(part) };
    const spec = part.format_spec === null ? "" : needStr(part.format_spec);
    return { value: need(part.value), conversion: part.conversion, spec };
  });
  name("f-string");
  const texts = parts.flatMap((p) => ("literal" in p ? [p.literal] : [p.spec, ...(p.value.type === "str" ? [p.value.value] : [])]));
  return bothReadings(texts, (reading) => {
    let out = "";
    for (const part of parts) {
      if ("literal" in part) {
        out += part.literal;
        continue;
      }
      if (part.conversion === 114 || part.conversion === 97) {
        throw new Unresolvable(`!${part.conversion === 114 ? "r" : "a"} conversion`);
      }
      const value: PyValue = part.conversion === 115 ? str(toStr(part.value)) : part.value;
      out += formatWithSpec(value, part.spec, reading);
      checkLength(out.length);
    }
    return str(out);
  });
}

// ---------------------------------------------------------------- calls

function argumentsOf(args: readonly Expr[], keywords: readonly Keyword[]): Arguments {
  if (keywords.some((keyword) => keyword.arg === null)) throw NOT_CONSTANT;
  return {
    positional: args.map(need),
    keywords: new Map(keywords.map((keyword) => [keyword.arg!, need(keyword.value)])),
  };
}

function call(node: Call, name: Name): PyValue | null {
  const { func } = node;
  if (func.kind === "Name") return builtinCall(func.id, node, name);
  if (func.kind !== "Attribute") return null;
  if (func.attr === "fromhex" && func.value.kind === "Name" && ["bytes", "bytearray"].includes(func.value.id)) {
    const args = argumentsOf(node.args, node.keywords);
    const [source] = bindArguments(args, ["string"], true);
    if (source?.type !== "str") throw new PyError("fromhex() argument must be str");
    name(`${func.value.id}.fromhex`);
    return fromHex(source.value);
  }
  const receiver = need(func.value);
  if (receiver.type === "str") {
    if (func.attr === "join") return join(receiver.value, node, name);
    if (func.attr === "__mod__" && node.args.length === 1 && node.args[0]!.kind === "Tuple" && node.keywords.length === 0) {
      const args = node.args[0].elts.map(need);
      name("__mod__");
      return percent(receiver, args);
    }
    const args = argumentsOf(node.args, node.keywords);
    name(func.attr);
    return callStrMethod(receiver.value, func.attr, args);
  }
  if (receiver.type !== "bytes") return null;
  if (func.attr === "decode") {
    const [encoding, errors] = bindArguments(argumentsOf(node.args, node.keywords), ["encoding", "errors"], false);
    name("bytes decode");
    return decodeCall(receiver.value, encoding, errors);
  }
  if (["__add__", "__mul__", "__getitem__"].includes(func.attr)) {
    const [arg] = bindArguments(argumentsOf(node.args, node.keywords), ["value"], true);
    if (arg === undefined) throw new PyError("missing argument");
    name(func.attr);
    return callDunder(receiver, func.attr, arg);
  }
  return null;
}

function builtinCall(callee: string, node: Call, name: Name): PyValue | null {
  if (callee === "bytes" || callee === "bytearray") {
    const [display] = node.args;
    if (node.args.length !== 1 || node.keywords.length > 0 || (display!.kind !== "List" && display!.kind !== "Tuple")) return null;
    const elements = display.elts.map(need);
    name(callee);
    return bytesFromInts(elements);
  }
  if (callee !== "str") return null;
  const [object, encoding, errors] = bindArguments(argumentsOf(node.args, node.keywords), ["object", "encoding", "errors"], false);
  if (encoding === undefined && errors === undefined) {
    name(object?.type === "bytes" ? "str(bytes)" : "str()");
    if (object?.type === "bytes") throw new Unresolvable("str() of bytes without an encoding would be its repr");
    return str(object === undefined ? "" : toStr(object));
  }
  if (object?.type !== "bytes") throw new PyError("decoding to str: need a bytes-like object");
  name("str(bytes)");
  return decodeCall(object.value, encoding, errors);
}

// ---------------------------------------------------------------- join

/** An iterable argument of `join`: its elements under a reading, and the texts they split. */
interface Iterable {
  readonly texts: string[];
  readonly elements: (reading: Reading) => PyValue[];
}

/** The folded iterable forms (R8 item 5); `null` when the form is not folded. */
function iterableOf(expr: Expr): Iterable | null {
  if (expr.kind === "List" || expr.kind === "Tuple") {
    const values = expr.elts.map(need);
    return { texts: values.flatMap((v) => (v.type === "str" ? [v.value] : [])), elements: () => values };
  }
  if (expr.kind === "Call" && expr.func.kind === "Name" && ["reversed", "map"].includes(expr.func.id)) {
    const [first, second] = expr.args;
    if (expr.func.id === "reversed" && expr.args.length === 1 && expr.keywords.length === 0) {
      return mapIterable(iterableOf(first!), (values) => values.reverse());
    }
    if (expr.args.length === 2 && expr.keywords.length === 0 && first!.kind === "Name" && first.id === "str") {
      return mapIterable(iterableOf(second!), (values) => values.map((value) => str(toStr(value))));
    }
    return null;
  }
  if (expr.kind === "GeneratorExp" || expr.kind === "ListComp") return comprehension(expr);
  const value = need(expr);
  if (value.type === "str") {
    return { texts: [value.value], elements: (reading) => charsOf(value.value, reading).map(str) };
  }
  if (value.type === "bytes") return { texts: [], elements: () => Array.from(value.value, (b) => int(BigInt(b))) };
  throw new PyError("object is not iterable");
}

function mapIterable(iterable: Iterable | null, map: (values: PyValue[]) => PyValue[]): Iterable | null {
  return iterable === null ? null : { texts: iterable.texts, elements: (reading) => map(iterable.elements(reading)) };
}

function comprehension(expr: Comp): Iterable | null {
  const [clause, ...rest] = expr.generators;
  if (clause === undefined || rest.length > 0 || clause.ifs.length > 0 || clause.is_async !== 0) return null;
  if (clause.target.kind !== "Name") return null;
  const variable = clause.target.id;
  const { elt } = expr;
  const isVariable = (node: Expr): boolean => node.kind === "Name" && node.id === variable;
  const asStr =
    elt.kind === "Call" &&
    elt.func.kind === "Name" &&
    elt.func.id === "str" &&
    elt.args.length === 1 &&
    elt.keywords.length === 0 &&
    isVariable(elt.args[0]!);
  if (!isVariable(elt) && !asStr) return null;
  return mapIterable(iterableOf(clause.iter), (values) => (asStr ? values.map((value) => str(toStr(value))) : values));
}

function join(separator: string, node: Call, name: Name): PyValue | null {
  const iterable = node.args.length === 1 && node.keywords.length === 0 ? iterableOf(node.args[0]!) : null;
  if (iterable === null) return null;
  name("join");
  return bothReadings([separator, ...iterable.texts], (reading) => {
    const parts = iterable.elements(reading).map((item) => {
      if (item.type !== "str") throw new PyError("sequence item: expected str instance");
      return item.value;
    });
    const total = parts.reduce((sum, part) => sum + part.length, 0) + separator.length * Math.max(0, parts.length - 1);
    checkLength(total);
    return str(parts.join(separator));
  });
}
