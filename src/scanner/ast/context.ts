/**
 * Shared state and helpers of the tree-sitter to Python-AST conversion.
 * @module
 */
import type { SyntaxNode as TsNode } from "./syntax-tree.js";
import type { Span } from "./nodes.js";
import type { LineIndex } from "./positions.js";

/** Where the conversion found syntax that CPython 3.11 would not accept. */
export class SyntaxProblem extends Error {
  override readonly name = "SyntaxProblem";
  constructor(
    readonly rule: "syntax.error" | "syntax.unsupported",
    readonly at: Span,
    message: string,
  ) {
    super(message);
  }
}

export interface ConvertContext {
  /** The parsed text (what tree-sitter's offsets index). */
  readonly text: string;
  readonly lines: LineIndex;
  /** `list_splat` nodes that tree-sitter misplaced inside a call (`*f(x)`), read as their operand. */
  readonly hoistedSplats: Set<number>;
  /** Positions that differ from the tree-sitter node's start (the calls above a hoisted splat). */
  readonly spanOverrides: Map<number, Span>;
  /** Identifiers renamed before parsing (soft-keywords.ts), by offset, with their real names. */
  readonly renamed: ReadonlyMap<number, string>;
}

/** Nodes that may appear anywhere and carry no syntax. */
const EXTRAS = new Set(["comment", "line_continuation"]);

/** The named children of a node, without comments and line continuations. */
export function named(node: TsNode): TsNode[] {
  return node.namedChildren.filter((child): child is TsNode => child !== null && !EXTRAS.has(child.type));
}

/** All children (named and anonymous tokens), without comments and line continuations. */
export function tokens(node: TsNode): TsNode[] {
  return node.children.filter((child): child is TsNode => child !== null && !EXTRAS.has(child.type));
}

export function field(node: TsNode, name: string): TsNode | null {
  return node.childForFieldName(name);
}

export function fields(node: TsNode, name: string): TsNode[] {
  return node.childrenForFieldName(name).filter((child): child is TsNode => child !== null && !EXTRAS.has(child.type));
}

export function requireField(c: ConvertContext, node: TsNode, name: string): TsNode {
  const child = node.childForFieldName(name);
  if (child === null) throw syntaxError(c, node, `missing ${name} in ${node.type}`);
  return child;
}

/** Whether an anonymous token with this text is a direct child (`async`, `*`, `from`, ...). */
export function hasToken(node: TsNode, text: string): boolean {
  for (const child of node.children) if (child !== null && !child.isNamed && child.type === text) return true;
  return false;
}

export function spanOf(c: ConvertContext, node: TsNode): Span {
  return c.spanOverrides.get(node.id) ?? c.lines.spanAt(node.startIndex);
}

export function syntaxError(c: ConvertContext, node: TsNode, message: string): SyntaxProblem {
  return new SyntaxProblem("syntax.error", spanOf(c, node), message);
}

export function unsupported(c: ConvertContext, node: TsNode, message: string): SyntaxProblem {
  return new SyntaxProblem("syntax.unsupported", spanOf(c, node), message);
}

/** The problem for a node the conversion does not expect where it stands. */
export function unexpectedNode(c: ConvertContext, node: TsNode): SyntaxProblem {
  if (node.type === "print_statement" || node.type === "exec_statement") {
    return unsupported(c, node, `Python 2 ${node.type.replace("_statement", "")} statement`);
  }
  return syntaxError(c, node, `unexpected ${node.type.replaceAll("_", " ")}`);
}
