/**
 * The construction rules: `string.constructed`, `string.suspicious_construction` (the reference
 * resolvers of scanner.md §7) and `string.unresolvable` (the constant evaluator of R8).
 * @module
 */
import type { Expr, PyNode } from "../ast/nodes.js";
import {
  BUDGET_EXHAUSTED,
  concatSummaries,
  evaluateConstant,
  firstForbidden,
  latin1,
  referenceResolvers,
  resolveConcatenation,
  summarise,
  summaryEntry,
  type PyValue,
  type TextSummary,
} from "../constant/index.js";
import { quoted } from "../message.js";
import type { Report } from "./report.js";

const EXPRESSION_KINDS = new Set<string>([
  "BoolOp", "NamedExpr", "BinOp", "UnaryOp", "Lambda", "IfExp", "Dict", "Set", "ListComp", "SetComp",
  "GeneratorExp", "DictComp", "Await", "YieldFrom", "Yield", "Compare", "Call", "FormattedValue", "JoinedStr",
  "Constant", "Attribute", "Subscript", "Starred", "Name", "List", "Tuple", "Slice",
]);

const isExpr = (node: PyNode): node is Expr => EXPRESSION_KINDS.has(node.kind);

function textOf(value: PyValue): string | null {
  if (value.type === "str") return value.value;
  return value.type === "bytes" ? latin1(value.value) : null;
}

/**
 * Summaries along left-nested `BinOp` chains, computed bottom-up so that a chain of n
 * concatenations costs O(n) and never recurses down its spine.
 */
function chainSummary(
  expr: Expr,
  memo: WeakMap<Expr, TextSummary | null>,
  summaryAt: (node: Expr, left: TextSummary | null) => TextSummary | null,
): TextSummary | null {
  const spine: Expr[] = [];
  let node = expr;
  for (; !memo.has(node) && node.kind === "BinOp"; node = node.left) spine.push(node);
  if (!memo.has(node)) memo.set(node, summaryAt(node, null));
  for (let i = spine.length - 1; i >= 0; i--) {
    const binop = spine[i]! as Expr & { kind: "BinOp" };
    memo.set(binop, summaryAt(binop, memo.get(binop.left) ?? null));
  }
  return memo.get(expr) ?? null;
}

const valueSummaries = new WeakMap<Expr, TextSummary | null>();

function valueSummary(expr: Expr): TextSummary | null {
  return chainSummary(expr, valueSummaries, (node, left) => {
    const evaluation = evaluateConstant(node);
    if (evaluation.kind !== "value") return null;
    if (node.kind === "BinOp" && left !== null) {
      const leftValue = evaluateConstant(node.left);
      if (node.op === "Add") {
        const right = valueSummary(node.right);
        if (right !== null) return concatSummaries(left, right);
      }
      // `s * 1` and `s % ()` give back their operand: reuse its summary.
      if (leftValue.kind === "value" && (leftValue.value === evaluation.value || leftValue.value.value === evaluation.value.value)) {
        return left;
      }
    }
    const text = textOf(evaluation.value);
    return text === null ? null : summarise(text);
  });
}

const concatenationSummaries = new WeakMap<Expr, TextSummary | null>();

function concatenationSummary(expr: Expr): TextSummary | null {
  return chainSummary(expr, concatenationSummaries, (node, left) => {
    if (node.kind === "BinOp") {
      const right = node.op === "Add" && left !== null ? concatenationSummary(node.right) : null;
      return left !== null && right !== null ? concatSummaries(left, right) : null;
    }
    const value = resolveConcatenation(node);
    return value === null ? null : summarise(value);
  });
}

/**
 * Applies the construction rules to one node; the walker calls it once for every node.
 * - `string.constructed`: a reference resolver (§7) or the constant evaluator (R8) gives a text
 *   containing a `FORBIDDEN_STRINGS` entry. Plain constants are left to `string.forbidden` and
 *   `string.forbidden_bytes`. At most one hit per node, naming the first entry in list order.
 * - `string.suspicious_construction`: a reference resolver found a dynamic encoding or errors
 *   argument, or an oversized bytes list.
 * - `string.unresolvable`: this node is a construction the evaluator cannot evaluate exactly.
 * @param node Any node of the converted tree.
 * @param report Receives the hits.
 */
export function checkConstructedStrings(node: PyNode, report: Report): void {
  const at = { line: node.line, col: node.col };
  let constructed: string | null = null;
  for (const outcome of referenceResolvers(node)) {
    if (outcome.kind === "suspicious") {
      report("string.suspicious_construction", at, outcome.message);
      continue;
    }
    if (node.kind === "Constant" || constructed !== null) continue;
    const entry = outcome.label === "concatenation" ? summaryEntry(concatenationSummary(node as Expr)!) : firstForbidden(outcome.value);
    if (entry !== null) constructed = `forbidden string constructed via ${outcome.label}: contains ${quoted(entry)}`;
  }
  if (isExpr(node)) {
    const evaluation = evaluateConstant(node);
    // A scan past its budget is rejected once, as input.too_complex, by the scan itself.
    if (evaluation.kind === "unresolvable" && evaluation.reason !== BUDGET_EXHAUSTED) {
      report("string.unresolvable", at, `cannot evaluate constant ${evaluation.construction} exactly: ${evaluation.reason}`);
    } else if (evaluation.kind === "value" && node.kind !== "Constant" && constructed === null) {
      const summary = valueSummary(node);
      const entry = summary === null ? null : summaryEntry(summary);
      if (entry !== null) {
        constructed = `string constructed via ${evaluation.construction} contains forbidden text ${quoted(entry)}`;
      }
    }
  }
  if (constructed !== null) report("string.constructed", at, constructed);
}
