/**
 * String literals to `Constant` or `JoinedStr` (scanner.md §3.1): implicit concatenation, f-string
 * replacement fields, format specs and the self-documenting `=` form, with CPython 3.11's node
 * positions (every part of an f-string carries the position of the whole literal, as 3.11 does).
 * @module
 */
import type { SyntaxNode as TsNode } from "./syntax-tree.js";
import { type ConvertContext, field, spanOf, syntaxError, unsupported } from "./context.js";
import { convertExpr, convertExprList } from "./convert-expr.js";
import type { Constant, Expr, FormattedValue, JoinedStr, Span } from "./nodes.js";
import { decodeBytesBody, decodeStrBody, LiteralError, parsePrefix, type StringPrefix } from "./strings.js";

type Part = { kind: "text"; value: string } | { kind: "field"; node: FormattedValue };

interface Literal {
  readonly prefix: StringPrefix;
  readonly quote: string;
  readonly parts: Part[];
  readonly bytes: Uint8Array | null;
}

/** Converts a `string` or `concatenated_string` node. */
export function convertStringLiteral(c: ConvertContext, node: TsNode): Constant | JoinedStr {
  const span = spanOf(c, node);
  const pieces = node.type === "concatenated_string" ? node.namedChildren.filter((n) => n?.type === "string") : [node];
  const literals = pieces.map((piece) => readLiteral(c, piece!, span));
  const kinds = new Set(literals.map((l) => l.prefix.bytes));
  if (kinds.size > 1) throw syntaxError(c, node, "cannot mix bytes and nonbytes literals");

  if (literals[0]!.prefix.bytes) {
    const total = literals.reduce((sum, l) => sum + l.bytes!.length, 0);
    const value = new Uint8Array(total);
    let offset = 0;
    for (const l of literals) {
      value.set(l.bytes!, offset);
      offset += l.bytes!.length;
    }
    return { kind: "Constant", ...span, value: { type: "bytes", value } };
  }

  const parts = literals.flatMap((l) => l.parts);
  if (!literals.some((l) => l.prefix.formatted)) {
    const value = parts.map((p) => (p.kind === "text" ? p.value : "")).join("");
    return { kind: "Constant", ...span, value: { type: "str", value } };
  }
  return { kind: "JoinedStr", ...span, values: joinParts(parts, span) };
}

/** Merges adjacent literal text and drops empty text, as CPython builds `JoinedStr.values`. */
function joinParts(parts: readonly Part[], span: Span): (Constant | FormattedValue)[] {
  const values: (Constant | FormattedValue)[] = [];
  let text = "";
  const flush = () => {
    if (text !== "") values.push({ kind: "Constant", ...span, value: { type: "str", value: text } });
    text = "";
  };
  for (const part of parts) {
    if (part.kind === "text") text += part.value;
    else {
      flush();
      values.push(part.node);
    }
  }
  flush();
  return values;
}

function readLiteral(c: ConvertContext, node: TsNode, span: Span): Literal {
  const children = node.children.filter((n): n is TsNode => n !== null);
  const start = children.find((n) => n.type === "string_start");
  const end = children.find((n) => n.type === "string_end");
  if (start === undefined || end === undefined || end.isMissing) throw syntaxError(c, node, "unterminated string literal");
  const opening = start.text;
  const quoteAt = opening.search(/['"]/);
  const quote = opening.slice(quoteAt);
  const prefix = withLiteralErrors(c, node, () => parsePrefix(opening.slice(0, quoteAt)));
  const source = c.text;
  const bodyStart = start.endIndex;
  // Not end.startIndex: in a raw literal tree-sitter folds trailing backslashes into string_end.
  const bodyEnd = node.endIndex - quote.length;

  if (prefix.bytes) {
    const bytes = withLiteralErrors(c, node, () => decodeBytesBody(source.slice(bodyStart, bodyEnd), prefix.raw));
    return { prefix, quote, parts: [], bytes };
  }
  if (!prefix.formatted) {
    const value = withLiteralErrors(c, node, () => decodeStrBody(source.slice(bodyStart, bodyEnd), prefix.raw));
    return { prefix, quote, parts: [{ kind: "text", value }], bytes: null };
  }

  const parts: Part[] = [];
  let cursor = bodyStart;
  for (const child of children) {
    if (child.type !== "interpolation") continue;
    pushText(c, node, parts, source.slice(cursor, child.startIndex), prefix.raw);
    parts.push(...readField(c, child, span, quote, source, spanOf(c, node)));
    cursor = child.endIndex;
  }
  pushText(c, node, parts, source.slice(cursor, bodyEnd), prefix.raw);
  return { prefix, quote, parts, bytes: null };
}

function pushText(c: ConvertContext, node: TsNode, parts: Part[], raw: string, isRaw: boolean): void {
  if (raw === "") return;
  parts.push({ kind: "text", value: withLiteralErrors(c, node, () => decodeStrBody(raw, isRaw, true)) });
}

/**
 * One replacement field (an `interpolation` or a nested `format_expression`): the optional
 * self-documenting text, then the `FormattedValue`. CPython 3.11 places a format spec at the start
 * of the piece of an implicit concatenation that holds it (`pieceSpan`), everything else at the start
 * of the whole literal (`span`).
 */
function readField(c: ConvertContext, node: TsNode, span: Span, quote: string, source: string, pieceSpan: Span): Part[] {
  const expression = field(node, "expression");
  if (expression === null) throw syntaxError(c, node, "f-string: empty expression not allowed");
  const conversionNode = field(node, "type_conversion");
  const specNode = field(node, "format_specifier");
  const exprEnd = conversionNode?.startIndex ?? specNode?.startIndex ?? node.endIndex - 1;
  rejectNewerFieldSyntax(c, node, source.slice(node.startIndex + 1, exprEnd), maskNestedStrings(node, source, exprEnd), quote);

  const selfDocumenting = node.children.some((n) => n !== null && !n.isNamed && n.type === "=");
  let conversion = -1;
  if (conversionNode !== null) {
    const letter = conversionNode.text.slice(1);
    if (letter !== "s" && letter !== "r" && letter !== "a") throw syntaxError(c, conversionNode, `f-string: invalid conversion character '${letter}'`);
    conversion = letter.charCodeAt(0);
  } else if (selfDocumenting && specNode === null) {
    conversion = "r".charCodeAt(0);
  }
  const format_spec = specNode === null ? null : readFormatSpec(c, specNode, span, quote, source, pieceSpan);
  // CPython 3.11 parses a field's expression wrapped in parentheses, so a bare tuple starts one
  // column early, at the invisible opening parenthesis.
  const tupleStart = spanOf(c, expression);
  const value: Expr =
    expression.type === "expression_list" || expression.type === "pattern_list"
      ? { kind: "Tuple", line: tupleStart.line, col: tupleStart.col - 1, elts: convertExprList(c, expression), ctx: "Load" }
      : convertExpr(c, expression);
  const formatted: FormattedValue = { kind: "FormattedValue", ...span, value, conversion, format_spec };
  if (!selfDocumenting) return [{ kind: "field", node: formatted }];
  const text = source.slice(node.startIndex + 1, exprEnd);
  return [{ kind: "text", value: text }, { kind: "field", node: formatted }];
}

function readFormatSpec(c: ConvertContext, node: TsNode, span: Span, quote: string, source: string, pieceSpan: Span): JoinedStr {
  const parts: Part[] = [];
  let cursor = node.startIndex + 1; // after ':'
  for (const child of node.namedChildren) {
    if (child === null || child.type !== "format_expression") continue;
    pushSpecText(c, node, parts, source.slice(cursor, child.startIndex));
    parts.push(...readField(c, child, span, quote, source, pieceSpan));
    cursor = child.endIndex;
  }
  pushSpecText(c, node, parts, source.slice(cursor, node.endIndex));
  // CPython 3.11 gives the spec's trailing text the piece's position, the rest the literal's.
  const values = joinParts(parts, span);
  const last = values.at(-1);
  if (last?.kind === "Constant") values[values.length - 1] = { ...last, ...pieceSpan };
  return { kind: "JoinedStr", ...pieceSpan, values };
}

function pushSpecText(c: ConvertContext, node: TsNode, parts: Part[], raw: string): void {
  if (raw === "") return;
  if (raw.includes("{") || raw.includes("}")) throw syntaxError(c, node, "f-string: expecting '}'");
  parts.push({ kind: "text", value: withLiteralErrors(c, node, () => decodeStrBody(raw, false)) });
}

/** The field's expression text with nested string literals blanked (a `#` inside them is fine in 3.11). */
function maskNestedStrings(node: TsNode, source: string, exprEnd: number): string {
  let text = source.slice(node.startIndex + 1, exprEnd);
  for (const nested of node.descendantsOfType("string")) {
    if (nested === null || nested.endIndex > exprEnd) continue;
    const from = nested.startIndex - node.startIndex - 1;
    text = text.slice(0, from) + " ".repeat(nested.endIndex - nested.startIndex) + text.slice(from + nested.endIndex - nested.startIndex);
  }
  return text;
}

/** scanner.md §1 rule 13: replacement-field forms that only Python 3.12 accepts. */
function rejectNewerFieldSyntax(c: ConvertContext, node: TsNode, expressionText: string, outsideStrings: string, quote: string): void {
  const enclosing = quote.length === 3 ? quote : quote[0]!;
  if (expressionText.includes(enclosing)) throw unsupported(c, node, "f-string replacement field reuses the enclosing quote (Python 3.12 syntax)");
  if (expressionText.includes("\\")) throw unsupported(c, node, "backslash in an f-string replacement field (Python 3.12 syntax)");
  if (outsideStrings.includes("#")) throw unsupported(c, node, "'#' in an f-string replacement field (Python 3.12 syntax)");
  if (quote.length === 1 && expressionText.includes("\n")) throw unsupported(c, node, "line break in a single-quoted f-string replacement field (Python 3.12 syntax)");
}

function withLiteralErrors<T>(c: ConvertContext, node: TsNode, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof LiteralError) throw syntaxError(c, node, error.message);
    throw error;
  }
}
