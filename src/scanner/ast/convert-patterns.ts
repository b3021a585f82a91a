/**
 * `case` clauses and their patterns to CPython's `match_case` and `Match*` nodes. tree-sitter
 * leaves a negative number's `-` as a sibling token, so patterns are read as token sequences.
 * @module
 */
import type { SyntaxNode as TsNode } from "./syntax-tree.js";
import { type ConvertContext, field, hasToken, named, spanOf, syntaxError, tokens } from "./context.js";
import { convertExpr } from "./convert-expr.js";
import type { Expr, MatchCase, Pattern, Span, Stmt } from "./nodes.js";

type Item = { node: TsNode; negative: TsNode | null };

/** Pattern nodes of a container, with a leading `-` attached to the number after it. */
function items(node: TsNode): Item[] {
  const out: Item[] = [];
  let minus: TsNode | null = null;
  for (const child of tokens(node)) {
    if (!child.isNamed) {
      if (child.type === "-") minus = child;
      else if (child.type === "_") out.push({ node: child, negative: null });
      continue;
    }
    out.push({ node: child, negative: minus });
    minus = null;
  }
  return out;
}

export function convertCase(c: ConvertContext, clause: TsNode, convertBlock: (c: ConvertContext, node: TsNode | null) => Stmt[]): MatchCase {
  const patterns = named(clause).filter((n) => n.type === "case_pattern");
  const first = patterns[0];
  if (first === undefined) throw syntaxError(c, clause, "case needs a pattern");
  const pattern: Pattern =
    patterns.length === 1 && !hasToken(clause, ",")
      ? convertCasePattern(c, first)
      : { kind: "MatchSequence", ...spanOf(c, first), patterns: patterns.map((p) => convertCasePattern(c, p)) };
  const guard = field(clause, "guard");
  const guardExpr = guard === null ? null : named(guard)[0];
  return {
    kind: "match_case", ...spanOf(c, clause), pattern,
    guard: guardExpr === undefined || guardExpr === null ? null : convertExpr(c, guardExpr),
    body: convertBlock(c, field(clause, "consequence")),
  };
}

function single(c: ConvertContext, node: TsNode): Item {
  const found = items(node);
  if (found.length !== 1) throw syntaxError(c, node, "malformed pattern");
  return found[0]!;
}

function convertCasePattern(c: ConvertContext, node: TsNode): Pattern {
  return convertItem(c, node.type === "case_pattern" ? single(c, node) : { node, negative: null });
}

function number(c: ConvertContext, item: Item): Expr {
  const value = convertExpr(c, item.node);
  if (item.negative === null) return value;
  return { kind: "UnaryOp", ...spanOf(c, item.negative), op: "USub", operand: value };
}

function convertItem(c: ConvertContext, item: Item): Pattern {
  const { node } = item;
  const span = spanOf(c, item.negative ?? node);
  switch (node.type) {
    case "case_pattern":
      return convertCasePattern(c, node);
    case "_":
      return { kind: "MatchAs", ...span, pattern: null, name: null };
    case "as_pattern": {
      const inner = named(node);
      const name = inner.at(-1);
      if (inner.length !== 2 || name === undefined || name.type !== "identifier") throw syntaxError(c, node, "invalid as pattern");
      return { kind: "MatchAs", ...span, pattern: convertCasePattern(c, inner[0]!), name: name.text };
    }
    case "union_pattern":
      return { kind: "MatchOr", ...span, patterns: items(node).map((i) => convertItem(c, i)) };
    case "dotted_name": {
      const parts = named(node);
      if (parts.length === 1) {
        const name = parts[0]!.text;
        return { kind: "MatchAs", ...span, pattern: null, name: name === "_" ? null : name };
      }
      return { kind: "MatchValue", ...span, value: dottedValue(c, parts) };
    }
    case "integer":
    case "float":
    case "string":
    case "concatenated_string":
      return { kind: "MatchValue", ...span, value: number(c, item) };
    case "true":
    case "false":
    case "none":
      return { kind: "MatchSingleton", ...span, value: node.type === "none" ? { type: "None" } : { type: "bool", value: node.type === "true" } };
    case "complex_pattern": {
      const parts = items(node);
      const operator = tokens(node).find((t) => !t.isNamed && (t.type === "+" || t.type === "-") && t.startIndex > (parts[0]?.node.startIndex ?? 0));
      if (parts.length !== 2 || operator === undefined) throw syntaxError(c, node, "malformed complex pattern");
      const value: Expr = { kind: "BinOp", ...span, left: number(c, parts[0]!), op: operator.type === "+" ? "Add" : "Sub", right: convertExpr(c, parts[1]!.node) };
      return { kind: "MatchValue", ...span, value };
    }
    case "list_pattern":
    case "tuple_pattern": {
      const elements = named(node);
      if (node.type === "tuple_pattern" && elements.length === 1 && !hasToken(node, ",")) return convertCasePattern(c, elements[0]!);
      return { kind: "MatchSequence", ...span, patterns: elements.map((e) => convertCasePattern(c, e)) };
    }
    case "splat_pattern": {
      const name = named(node)[0]?.text ?? "_";
      return { kind: "MatchStar", ...span, name: name === "_" ? null : name };
    }
    case "dict_pattern":
      return convertMapping(c, node, span);
    case "class_pattern":
      return convertClassPattern(c, node, span);
    default:
      throw syntaxError(c, node, `unexpected ${node.type.replaceAll("_", " ")} in pattern`);
  }
}

function dottedValue(c: ConvertContext, parts: readonly TsNode[]): Expr {
  let value: Expr = convertExpr(c, parts[0]!);
  const start: Span = spanOf(c, parts[0]!);
  for (const part of parts.slice(1)) value = { kind: "Attribute", ...start, value, attr: part.text, ctx: "Load" };
  return value;
}

function convertMapping(c: ConvertContext, node: TsNode, span: Span): Pattern {
  const keys: Expr[] = [];
  const patterns: Pattern[] = [];
  let rest: string | null = null;
  let pendingKey: Item | null = null;
  let minus: TsNode | null = null;
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (child === null || child.type === "comment") continue;
    const role = node.fieldNameForChild(i);
    if (child.type === "-" && !child.isNamed) {
      minus = child;
    } else if (role === "key") {
      pendingKey = { node: child, negative: minus };
      minus = null;
    } else if (role === "value") {
      if (pendingKey === null) throw syntaxError(c, child, "mapping pattern value without a key");
      keys.push(mappingKey(c, pendingKey));
      patterns.push(convertCasePattern(c, child));
      pendingKey = null;
    } else if (child.type === "splat_pattern") {
      rest = named(child)[0]?.text ?? null;
    }
  }
  return { kind: "MatchMapping", ...span, keys, patterns, rest };
}

/** A mapping pattern's key is a value pattern's expression (a literal, a dotted name, a complex number). */
function mappingKey(c: ConvertContext, item: Item): Expr {
  if (item.node.type === "dotted_name") return dottedValue(c, named(item.node));
  const pattern = convertItem(c, item);
  if (pattern.kind === "MatchValue") return pattern.value;
  if (pattern.kind === "MatchSingleton") return { kind: "Constant", line: pattern.line, col: pattern.col, value: pattern.value };
  throw syntaxError(c, item.node, "mapping pattern keys may only match literals and attribute lookups");
}

function convertClassPattern(c: ConvertContext, node: TsNode, span: Span): Pattern {
  const children = named(node);
  const cls = children[0];
  if (cls === undefined || cls.type !== "dotted_name") throw syntaxError(c, node, "malformed class pattern");
  const patterns: Pattern[] = [];
  const kwd_attrs: string[] = [];
  const kwd_patterns: Pattern[] = [];
  for (const argument of children.slice(1)) {
    const inner = argument.type === "case_pattern" ? named(argument)[0] : argument;
    if (inner?.type === "keyword_pattern") {
      const [name] = named(inner);
      const value = items(inner).slice(1)[0];
      if (name === undefined || value === undefined) throw syntaxError(c, inner, "malformed keyword pattern");
      kwd_attrs.push(name.text);
      kwd_patterns.push(convertItem(c, value));
    } else {
      if (kwd_attrs.length > 0) throw syntaxError(c, argument, "positional patterns follow keyword patterns");
      patterns.push(convertCasePattern(c, argument));
    }
  }
  return { kind: "MatchClass", ...span, cls: dottedValue(c, named(cls)), patterns, kwd_attrs, kwd_patterns };
}
