/**
 * Rules that need the parse tree but not Python's abstract syntax (scanner.md §1): parse errors
 * (12), size and literal limits (14), and the rules that need string and comment boundaries
 * (9, 10, 11, 15). One walk over the copied tree gathers what they need.
 * @module
 */
import type { LineIndex } from "./ast/positions.js";
import type { SyntaxNode } from "./ast/syntax-tree.js";
import { LIMITS } from "./lists.js";
import type { Report } from "./rules/report.js";

/** A string literal: its whole range, its body, and the replacement fields inside an f-string. */
interface StringLiteral {
  readonly start: number;
  readonly end: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  readonly raw: boolean;
  readonly bytes: boolean;
  readonly fields: readonly [number, number][];
}

export interface TreeInventory {
  readonly syntaxErrors: readonly { readonly offset: number; readonly missing: string | null }[];
  readonly strings: readonly StringLiteral[];
  readonly comments: readonly [number, number][];
  readonly nodeCount: number;
  readonly maxDepth: number;
  readonly longestLiteral: { readonly offset: number; readonly length: number } | null;
}

const LITERAL_TYPES = new Set(["string", "integer", "float"]);

/** Walks the copied tree once, iteratively. */
export function inventoryTree(root: SyntaxNode): TreeInventory {
  const syntaxErrors: { offset: number; missing: string | null }[] = [];
  const strings: StringLiteral[] = [];
  const comments: [number, number][] = [];
  let nodeCount = 0;
  let maxDepth = 0;
  let longestLiteral: { offset: number; length: number } | null = null;

  const stack: [SyntaxNode, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    nodeCount++;
    if (depth > maxDepth) maxDepth = depth;
    const type = node.type;
    if (type === "ERROR") syntaxErrors.push({ offset: node.startIndex, missing: null });
    else if (node.isMissing) syntaxErrors.push({ offset: node.startIndex, missing: type });
    else if (type === "comment") comments.push([node.startIndex, node.endIndex]);
    if (LITERAL_TYPES.has(type)) {
      const length = node.endIndex - node.startIndex;
      if (length > (longestLiteral?.length ?? LIMITS.maxLiteralChars)) longestLiteral = { offset: node.startIndex, length };
      if (type === "string") {
        const literal = readStringLiteral(node);
        if (literal !== null) strings.push(literal);
      }
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i]!, depth + 1]);
  }
  syntaxErrors.sort((a, b) => a.offset - b.offset);
  return { syntaxErrors, strings, comments, nodeCount, maxDepth, longestLiteral };
}

function readStringLiteral(node: SyntaxNode): StringLiteral | null {
  let start: { end: number; text: string } | null = null;
  let closed = false;
  const fields: [number, number][] = [];
  for (const child of node.children) {
    if (child.type === "string_start") start = { end: child.endIndex, text: child.text };
    else if (child.type === "string_end") closed = true;
    else if (child.type === "interpolation") fields.push([child.startIndex, child.endIndex]);
  }
  if (start === null || !closed) return null;
  const quoteAt = start.text.search(/['"]/);
  const prefix = start.text.slice(0, quoteAt).toLowerCase();
  // The closing quote has the opening quote's length (tree-sitter may fold backslashes into string_end).
  const bodyEnd = node.endIndex - (start.text.length - quoteAt);
  return { start: node.startIndex, end: node.endIndex, bodyStart: start.end, bodyEnd, raw: prefix.includes("r"), bytes: prefix.includes("b"), fields };
}

/** Rule 12 (stop): one violation per ERROR or MISSING node, at most 20. */
export function reportSyntaxErrors(inventory: TreeInventory, lines: LineIndex, report: Report): boolean {
  for (const error of inventory.syntaxErrors.slice(0, LIMITS.maxReportedSyntaxErrors)) {
    const message = error.missing === null ? "invalid syntax" : `invalid syntax: missing '${error.missing}'`;
    report("syntax.error", lines.spanAt(error.offset), message);
  }
  return inventory.syntaxErrors.length > 0;
}

/** Rule 14 (stop), the parts measurable on the raw tree: node count and literal length. */
export function reportTreeLimits(inventory: TreeInventory, lines: LineIndex, report: Report): boolean {
  if (inventory.nodeCount > LIMITS.maxNodes) {
    report("input.too_complex", { line: 0, col: 0 }, `parse tree has ${inventory.nodeCount} nodes, more than ${LIMITS.maxNodes}`);
    return true;
  }
  if (inventory.longestLiteral !== null) {
    report("input.too_complex", lines.spanAt(inventory.longestLiteral.offset), `literal of ${inventory.longestLiteral.length} characters is longer than ${LIMITS.maxLiteralChars}`);
    return true;
  }
  return false;
}

/** Sorted, non-overlapping ranges with a membership test by binary search. */
export class Ranges {
  private readonly ranges: [number, number][];
  constructor(ranges: [number, number][]) {
    this.ranges = ranges.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  }
  contains(offset: number): boolean {
    let low = 0;
    let high = this.ranges.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const [s, e] = this.ranges[mid]!;
      if (offset < s) high = mid - 1;
      else if (offset >= e) low = mid + 1;
      else return true;
    }
    return false;
  }
}

/** The literal text of an f-string body: the body minus its replacement fields. */
function literalParts(literal: StringLiteral): [number, number][] {
  const parts: [number, number][] = [];
  let cursor = literal.bodyStart;
  for (const [s, e] of literal.fields) {
    parts.push([cursor, s]);
    cursor = e;
  }
  parts.push([cursor, literal.bodyEnd]);
  return parts;
}

/** Rules 9, 10, 11 and 15, which need the string and comment boundaries. */
export function reportLexicalRules(text: string, inventory: TreeInventory, lines: LineIndex, report: Report): void {
  const insideString = new Ranges(inventory.strings.map((s) => [s.start + 1, s.end] as [number, number]));
  const anyString = new Ranges(inventory.strings.map((s) => [s.start, s.end] as [number, number]));
  const comments = new Ranges([...inventory.comments]);
  const strBodies = inventory.strings.filter((s) => !s.bytes).flatMap((s) => literalParts(s));
  const textAllowed = new Ranges([...strBodies, ...inventory.comments]);

  // Rule 9: a TAB in the leading whitespace of a line that does not start inside a string.
  for (let lineStart = 0; lineStart <= text.length; ) {
    const next = text.indexOf("\n", lineStart);
    const lineEnd = next < 0 ? text.length : next;
    if (!insideString.contains(lineStart)) {
      for (let i = lineStart; i < lineEnd; i++) {
        const ch = text[i];
        if (ch === "\t") {
          report("input.tab_indent", lines.spanAt(i), "TAB in indentation");
          break;
        }
        if (ch !== " " && ch !== "\f") break;
      }
    }
    if (next < 0) break;
    lineStart = next + 1;
  }

  // Rule 10: non-ASCII outside comments and str literal text (one report per run of characters).
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x80 || textAllowed.contains(i)) continue;
    const run = i;
    while (i + 1 < text.length && text.charCodeAt(i + 1) >= 0x80 && !textAllowed.contains(i + 1)) i++;
    const sample = text.slice(run, i + 1);
    report("input.non_ascii_code", lines.spanAt(run), `non-ASCII text '${sample.length > 20 ? `${sample.slice(0, 20)}...` : sample}' outside a comment or string literal`);
  }

  // Rule 11: backslash continuations outside strings and comments.
  for (let i = text.indexOf("\\"); i >= 0; i = text.indexOf("\\", i + 1)) {
    if (anyString.contains(i) || comments.contains(i)) continue;
    const after = text[i + 1] === "\r" && text[i + 2] === "\n" ? i + 3 : text[i + 1] === "\n" ? i + 2 : -1;
    if (after < 0) {
      report("input.line_continuation", lines.spanAt(i), "backslash not immediately followed by a line break");
      continue;
    }
    const nextLineEnd = text.indexOf("\n", after);
    const nextLine = text.slice(after, nextLineEnd < 0 ? text.length : nextLineEnd).replace(/\r$/, "");
    const trimmed = nextLine.trim();
    if (trimmed === "" || trimmed.startsWith("#")) {
      report("input.line_continuation", lines.spanAt(i), "line continuation followed by an empty or comment-only line or the end of the file");
    }
  }

  // Rule 15: `\N{...}` escapes in non-raw str literals.
  for (const literal of inventory.strings) {
    if (literal.raw || literal.bytes) continue;
    for (const [s, e] of literalParts(literal)) {
      for (let i = s; i < e; i++) {
        if (text[i] !== "\\") continue;
        if (text[i + 1] === "N" && text[i + 2] === "{") report("string.named_escape", lines.spanAt(i), "\\N{...} named escape in a string literal");
        i++; // skip the escaped character, so `\\N{` is not an escape
      }
    }
  }
}
