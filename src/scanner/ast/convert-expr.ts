/**
 * tree-sitter expressions to CPython 3.11 expression nodes (scanner.md §3.1), including assignment
 * targets with their Store/Del contexts. Anything CPython would refuse (a call as an assignment
 * target, a starred expression where none is allowed) is a `SyntaxProblem`.
 * @module
 */
import type { SyntaxNode as TsNode } from "./syntax-tree.js";
import { type ConvertContext, field, fields, hasToken, named, requireField, spanOf, syntaxError, tokens, unexpectedNode, unsupported } from "./context.js";
import { convertParameters } from "./convert-params.js";
import { convertStringLiteral } from "./convert-strings.js";
import type { Comprehension, Expr, ExprContext, Keyword, Slice } from "./nodes.js";
import { parseNumber } from "./numbers.js";
import { LiteralError } from "./strings.js";

const BINARY_OPERATORS: Readonly<Record<string, string>> = {
  "+": "Add", "-": "Sub", "*": "Mult", "@": "MatMult", "/": "Div", "%": "Mod", "**": "Pow", "<<": "LShift",
  ">>": "RShift", "|": "BitOr", "^": "BitXor", "&": "BitAnd", "//": "FloorDiv",
};
const COMPARISON_OPERATORS: Readonly<Record<string, string>> = {
  "==": "Eq", "!=": "NotEq", "<": "Lt", "<=": "LtE", ">": "Gt", ">=": "GtE", is: "Is", "is not": "IsNot",
  in: "In", "not in": "NotIn",
};
const UNARY_OPERATORS = { "+": "UAdd", "-": "USub", "~": "Invert" } as const;

/** The CPython operator class of an augmented-assignment token such as `+=`. */
export function augmentedOperator(c: ConvertContext, node: TsNode, token: string): string {
  const op = BINARY_OPERATORS[token.slice(0, -1)];
  if (op === undefined) throw syntaxError(c, node, `unknown operator '${token}'`);
  return op;
}

/** Converts an expression in Load context. */
export function convertExpr(c: ConvertContext, node: TsNode): Expr {
  const span = spanOf(c, node);
  switch (node.type) {
    case "identifier":
      return { kind: "Name", ...span, id: c.renamed.get(node.startIndex) ?? node.text, ctx: "Load" };
    case "true":
    case "false":
      return { kind: "Constant", ...span, value: { type: "bool", value: node.type === "true" } };
    case "none":
      return { kind: "Constant", ...span, value: { type: "None" } };
    case "ellipsis":
      return { kind: "Constant", ...span, value: { type: "Ellipsis" } };
    case "integer":
    case "float":
      try {
        return { kind: "Constant", ...span, value: parseNumber(node.text) };
      } catch (error) {
        if (error instanceof LiteralError) throw syntaxError(c, node, error.message);
        throw error;
      }
    case "string":
    case "concatenated_string":
      return convertStringLiteral(c, node);
    case "attribute":
      return { kind: "Attribute", ...span, value: convertExpr(c, requireField(c, node, "object")), attr: requireField(c, node, "attribute").text, ctx: "Load" };
    case "subscript":
      return { kind: "Subscript", ...span, value: convertExpr(c, requireField(c, node, "value")), slice: convertSubscriptIndex(c, node), ctx: "Load" };
    case "call":
      return convertCall(c, node);
    case "parenthesized_expression":
      return convertParenthesized(c, node);
    case "tuple":
      return { kind: "Tuple", ...span, elts: convertElements(c, node), ctx: "Load" };
    case "expression_list": // a bare tuple: `return a, b`, `for x in a, b`
    case "pattern_list":
      return { kind: "Tuple", ...span, elts: convertExprList(c, node), ctx: "Load" };
    case "list":
      return { kind: "List", ...span, elts: convertElements(c, node), ctx: "Load" };
    case "set":
      return { kind: "Set", ...span, elts: convertElements(c, node) };
    case "dictionary":
      return convertDict(c, node);
    case "list_comprehension":
    case "set_comprehension":
    case "generator_expression": {
      const kind = node.type === "list_comprehension" ? "ListComp" : node.type === "set_comprehension" ? "SetComp" : "GeneratorExp";
      return { kind, ...span, elt: convertExpr(c, requireField(c, node, "body")), generators: convertGenerators(c, node) };
    }
    case "dictionary_comprehension": {
      const pair = requireField(c, node, "body");
      return {
        kind: "DictComp", ...span,
        key: convertExpr(c, requireField(c, pair, "key")),
        value: convertExpr(c, requireField(c, pair, "value")),
        generators: convertGenerators(c, node),
      };
    }
    case "binary_operator": {
      const token = requireField(c, node, "operator").type;
      if (BITWISE_PRECEDENCE[token] !== undefined) return convertBitwiseChain(c, node);
      const op = BINARY_OPERATORS[token];
      if (op === undefined) throw syntaxError(c, node, `unknown operator '${token}'`);
      return { kind: "BinOp", ...span, left: convertExpr(c, requireField(c, node, "left")), op, right: convertExpr(c, requireField(c, node, "right")) };
    }
    case "unary_operator": {
      const token = requireField(c, node, "operator").type as keyof typeof UNARY_OPERATORS;
      return { kind: "UnaryOp", ...span, op: UNARY_OPERATORS[token], operand: convertExpr(c, requireField(c, node, "argument")) };
    }
    case "not_operator":
      return { kind: "UnaryOp", ...span, op: "Not", operand: convertExpr(c, requireField(c, node, "argument")) };
    case "boolean_operator":
      return convertBoolean(c, node);
    case "comparison_operator":
      return convertComparison(c, node);
    case "conditional_expression": {
      const [body, test, orelse] = named(node);
      if (body === undefined || test === undefined || orelse === undefined) throw syntaxError(c, node, "incomplete conditional expression");
      return { kind: "IfExp", ...span, test: convertExpr(c, test), body: convertExpr(c, body), orelse: convertExpr(c, orelse) };
    }
    case "named_expression":
      return {
        kind: "NamedExpr", ...span,
        target: { kind: "Name", ...spanOf(c, requireField(c, node, "name")), id: requireField(c, node, "name").text, ctx: "Store" },
        value: convertExpr(c, requireField(c, node, "value")),
      };
    case "lambda": {
      const parameters = field(node, "parameters");
      return { kind: "Lambda", ...span, args: convertParameters(c, parameters, node, false), body: convertExpr(c, requireField(c, node, "body")) };
    }
    case "await":
      return { kind: "Await", ...span, value: convertExpr(c, onlyChild(c, node)) };
    case "yield":
      return convertYield(c, node);
    case "list_splat":
      if (c.hoistedSplats.has(node.id)) return convertExpr(c, onlyChild(c, node));
      throw syntaxError(c, node, "cannot use starred expression here");
    default:
      throw unexpectedNode(c, node);
  }
}

/**
 * tree-sitter-python ranks `&` below `^`; Python ranks `|` < `^` < `&`. A chain of these operators
 * is flattened in source order and rebuilt with Python's precedence (all left-associative). Its
 * operands bind tighter than all three in both grammars, so they are already grouped correctly.
 */
const BITWISE_PRECEDENCE: Readonly<Record<string, number>> = { "|": 1, "^": 2, "&": 3 };

function convertBitwiseChain(c: ConvertContext, node: TsNode): Expr {
  const operands: TsNode[] = [];
  const operators: string[] = [];
  const flatten = (n: TsNode): void => {
    const op = n.type === "binary_operator" ? requireField(c, n, "operator").type : "";
    if (BITWISE_PRECEDENCE[op] === undefined) {
      operands.push(n);
      return;
    }
    flatten(requireField(c, n, "left"));
    operators.push(op);
    flatten(requireField(c, n, "right"));
  };
  flatten(node);
  const values: { expr: Expr; start: TsNode }[] = [];
  const pending: string[] = [];
  const reduce = () => {
    const right = values.pop()!;
    const left = values.pop()!;
    const op = pending.pop()!;
    values.push({ expr: { kind: "BinOp", ...spanOf(c, left.start), left: left.expr, op: BINARY_OPERATORS[op]!, right: right.expr }, start: left.start });
  };
  values.push({ expr: convertExpr(c, operands[0]!), start: operands[0]! });
  operators.forEach((op, i) => {
    while (pending.length > 0 && BITWISE_PRECEDENCE[pending.at(-1)!]! >= BITWISE_PRECEDENCE[op]!) reduce();
    pending.push(op);
    values.push({ expr: convertExpr(c, operands[i + 1]!), start: operands[i + 1]! });
  });
  while (pending.length > 0) reduce();
  return values[0]!.expr;
}

/** The elements of a bare `a, b` list (`expression_list`, `pattern_list`) in Load context. */
export function convertExprList(c: ConvertContext, node: TsNode): Expr[] {
  return named(node).map((child) => convertElement(c, child));
}

/** The field holding the primary a call, attribute or subscript applies to. */
const PRIMARY_FIELD: Readonly<Record<string, string>> = { call: "function", attribute: "object", subscript: "value" };

/**
 * tree-sitter reads `*f(x)`, `*a.b()` and `*t[i]` in some places as a call (attribute, subscript)
 * of `*f`; CPython reads the star as applying to the whole primary. Returns the chain of primaries
 * above the misplaced `list_splat`, and the splat, if any.
 */
function misplacedSplat(node: TsNode): { chain: TsNode[]; splat: TsNode } | null {
  const chain: TsNode[] = [];
  let current: TsNode | null = node;
  while (current !== null && PRIMARY_FIELD[current.type] !== undefined) {
    chain.push(current);
    const inner: TsNode | null = field(current, PRIMARY_FIELD[current.type]!);
    if (inner?.type === "list_splat") return { chain, splat: inner };
    current = inner;
  }
  return null;
}

/** An element of a display or call, where `*x` is allowed. */
function convertElement(c: ConvertContext, node: TsNode): Expr {
  if (node.type === "list_splat") return { kind: "Starred", ...spanOf(c, node), value: convertExpr(c, onlyChild(c, node)), ctx: "Load" };
  const misplaced = misplacedSplat(node);
  if (misplaced !== null) {
    const { chain, splat } = misplaced;
    c.hoistedSplats.add(splat.id);
    // The primaries start at the operand, after the star, as in CPython.
    const operandStart = spanOf(c, onlyChild(c, splat));
    for (const primary of chain) c.spanOverrides.set(primary.id, operandStart);
    return { kind: "Starred", ...spanOf(c, splat), value: convertExpr(c, node), ctx: "Load" };
  }
  if (node.type === "parenthesized_list_splat") throw syntaxError(c, node, "cannot use starred expression here");
  return convertExpr(c, node);
}

function convertElements(c: ConvertContext, node: TsNode): Expr[] {
  return named(node).map((child) => convertElement(c, child));
}

function onlyChild(c: ConvertContext, node: TsNode): TsNode {
  const children = named(node);
  if (children.length !== 1) throw syntaxError(c, node, `malformed ${node.type.replaceAll("_", " ")}`);
  return children[0]!;
}

function convertParenthesized(c: ConvertContext, node: TsNode): Expr {
  const inner = onlyChild(c, node);
  if (inner.type === "list_splat") throw syntaxError(c, inner, "cannot use starred expression here");
  return convertExpr(c, inner);
}

function convertYield(c: ConvertContext, node: TsNode): Expr {
  const span = spanOf(c, node);
  const children = named(node);
  const valueNode = children[0];
  if (hasToken(node, "from")) {
    if (valueNode === undefined) throw syntaxError(c, node, "yield from needs an expression");
    return { kind: "YieldFrom", ...span, value: convertExpr(c, valueNode) };
  }
  return { kind: "Yield", ...span, value: valueNode === undefined ? null : convertExpr(c, valueNode) };
}

function convertBoolean(c: ConvertContext, node: TsNode): Expr {
  const op = requireField(c, node, "operator").type === "and" ? "And" : "Or";
  const values: Expr[] = [];
  // CPython flattens `a and b and c` into one BoolOp; parentheses keep nesting.
  let left = requireField(c, node, "left");
  const rights: TsNode[] = [requireField(c, node, "right")];
  while (left.type === "boolean_operator" && requireField(c, left, "operator").type === node.childForFieldName("operator")!.type) {
    rights.unshift(requireField(c, left, "right"));
    left = requireField(c, left, "left");
  }
  values.push(convertExpr(c, left), ...rights.map((r) => convertExpr(c, r)));
  return { kind: "BoolOp", ...spanOf(c, node), op, values };
}

function convertComparison(c: ConvertContext, node: TsNode): Expr {
  const operands: Expr[] = [];
  const ops: string[] = [];
  for (const child of tokens(node)) {
    if (child.isNamed) operands.push(convertExpr(c, child));
    else {
      if (child.type === "<>") throw unsupported(c, child, "the '<>' operator (Python 2)");
      const op = COMPARISON_OPERATORS[child.type];
      if (op === undefined) throw syntaxError(c, child, `unknown comparison '${child.type}'`);
      ops.push(op);
    }
  }
  const [left, ...comparators] = operands;
  if (left === undefined || comparators.length !== ops.length) throw syntaxError(c, node, "malformed comparison");
  return { kind: "Compare", ...spanOf(c, node), left, ops, comparators };
}

function convertDict(c: ConvertContext, node: TsNode): Expr {
  const keys: (Expr | null)[] = [];
  const values: Expr[] = [];
  for (const entry of named(node)) {
    if (entry.type === "pair") {
      keys.push(convertExpr(c, requireField(c, entry, "key")));
      values.push(convertExpr(c, requireField(c, entry, "value")));
    } else if (entry.type === "dictionary_splat") {
      keys.push(null);
      values.push(convertExpr(c, onlyChild(c, entry)));
    } else {
      throw syntaxError(c, entry, "malformed dictionary entry");
    }
  }
  return { kind: "Dict", ...spanOf(c, node), keys, values };
}

/** `for ... in ... if ...` clauses: each `for` opens a comprehension, each `if` joins the last. */
function convertGenerators(c: ConvertContext, node: TsNode): Comprehension[] {
  const generators: { target: Expr; iter: Expr; ifs: Expr[]; is_async: number; line: number; col: number }[] = [];
  for (const clause of named(node)) {
    if (clause.type === "for_in_clause") {
      const rights = fields(clause, "right").filter((n) => n.isNamed);
      if (rights.length !== 1 || hasToken(clause, ",")) throw syntaxError(c, clause, "a comprehension iterable must be parenthesized when it is a tuple");
      generators.push({
        ...spanOf(c, clause),
        target: convertTarget(c, requireField(c, clause, "left"), "Store"),
        iter: convertExpr(c, rights[0]!),
        ifs: [],
        is_async: hasToken(clause, "async") ? 1 : 0,
      });
    } else if (clause.type === "if_clause") {
      const last = generators.at(-1);
      if (last === undefined) throw syntaxError(c, clause, "comprehension condition before any for clause");
      last.ifs.push(convertExpr(c, onlyChild(c, clause)));
    }
  }
  return generators.map((g) => ({ kind: "comprehension", ...g }));
}

function convertCall(c: ConvertContext, node: TsNode): Expr {
  const func = convertExpr(c, requireField(c, node, "function"));
  const argumentsNode = requireField(c, node, "arguments");
  if (argumentsNode.type === "generator_expression") {
    return { kind: "Call", ...spanOf(c, node), func, args: [convertExpr(c, argumentsNode)], keywords: [] };
  }
  return { kind: "Call", ...spanOf(c, node), func, ...convertArgumentList(c, argumentsNode) };
}

/** A call's (or a class statement's) argument list: positional arguments and keywords. */
export function convertArgumentList(c: ConvertContext, node: TsNode): { args: Expr[]; keywords: Keyword[] } {
  const args: Expr[] = [];
  const keywords: Keyword[] = [];
  const entries = named(node);
  for (const argument of entries) {
    if (argument.type === "keyword_argument") {
      keywords.push({ kind: "keyword", ...spanOf(c, argument), arg: requireField(c, argument, "name").text, value: convertExpr(c, requireField(c, argument, "value")) });
    } else if (argument.type === "dictionary_splat") {
      keywords.push({ kind: "keyword", ...spanOf(c, argument), arg: null, value: convertExpr(c, onlyChild(c, argument)) });
    } else {
      if (keywords.some((k) => k.arg === null)) throw syntaxError(c, argument, "positional argument follows keyword argument unpacking");
      if (keywords.length > 0 && argument.type !== "list_splat") throw syntaxError(c, argument, "positional argument follows keyword argument");
      if (argument.type === "generator_expression" && entries.length > 1 && argument.firstChild?.type !== "(") {
        throw syntaxError(c, argument, "generator expression must be parenthesized");
      }
      args.push(convertElement(c, argument));
    }
  }
  return { args, keywords };
}

/** The index of a subscript: one expression, a slice, or a tuple of them (`a[1:2, 3]`, `a[1,]`). */
function convertSubscriptIndex(c: ConvertContext, node: TsNode): Expr {
  const parts = fields(node, "subscript");
  const trailingComma = tokens(node).some((t) => !t.isNamed && t.type === ",");
  const converted = parts.map((part) => (part.type === "slice" ? convertSlice(c, part) : convertElement(c, part)));
  // `a[*b]` is a one-element tuple in CPython 3.11.
  if (converted.length === 1 && !trailingComma && converted[0]!.kind !== "Starred") return converted[0]!;
  if (parts.length === 0) throw syntaxError(c, node, "empty subscript");
  return { kind: "Tuple", ...spanOf(c, parts[0]!), elts: converted, ctx: "Load" };
}

function convertSlice(c: ConvertContext, node: TsNode): Slice {
  const bounds: (Expr | null)[] = [null, null, null];
  let position = 0;
  for (const child of tokens(node)) {
    if (!child.isNamed && child.type === ":") position++;
    else if (child.isNamed) {
      if (position > 2) throw syntaxError(c, node, "malformed slice");
      bounds[position] = convertExpr(c, child);
    }
  }
  return { kind: "Slice", ...spanOf(c, node), lower: bounds[0]!, upper: bounds[1]!, step: bounds[2]! };
}

/**
 * An assignment, `for`, `with`, comprehension or `del` target, with Store or Del context on every
 * Name, Attribute, Subscript, Starred, Tuple and List inside it.
 */
export function convertTarget(c: ConvertContext, node: TsNode, ctx: ExprContext): Expr {
  const span = spanOf(c, node);
  switch (node.type) {
    case "identifier":
      return { kind: "Name", ...span, id: c.renamed.get(node.startIndex) ?? node.text, ctx };
    case "attribute":
      return { kind: "Attribute", ...span, value: convertExpr(c, requireField(c, node, "object")), attr: requireField(c, node, "attribute").text, ctx };
    case "subscript":
      return { kind: "Subscript", ...span, value: convertExpr(c, requireField(c, node, "value")), slice: convertSubscriptIndex(c, node), ctx };
    case "parenthesized_expression":
      return convertTarget(c, onlyChild(c, node), ctx);
    case "tuple_pattern":
    case "tuple": {
      const elements = named(node);
      // `(a) = 1` parses as a one-element tuple pattern without a comma: CPython reads a Name.
      if (elements.length === 1 && !hasToken(node, ",")) return convertTarget(c, elements[0]!, ctx);
      return { kind: "Tuple", ...span, elts: elements.map((e) => convertTarget(c, e, ctx)), ctx };
    }
    case "pattern_list":
    case "expression_list":
      return { kind: "Tuple", ...span, elts: named(node).map((e) => convertTarget(c, e, ctx)), ctx };
    case "list_pattern":
    case "list":
      return { kind: "List", ...span, elts: named(node).map((e) => convertTarget(c, e, ctx)), ctx };
    case "list_splat_pattern":
    case "list_splat":
      if (ctx === "Del") throw syntaxError(c, node, "cannot delete starred");
      return { kind: "Starred", ...span, value: convertTarget(c, onlyChild(c, node), ctx), ctx };
    default:
      throw syntaxError(c, node, `cannot ${ctx === "Del" ? "delete" : "assign to"} ${node.type.replaceAll("_", " ")}`);
  }
}
