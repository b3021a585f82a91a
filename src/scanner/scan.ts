/**
 * The scan: the phases of scanner.md §1 in order, then every node rule over the whole tree in one
 * pass, then structure and strategy. The result is the complete, sorted list of violations.
 * @module
 */
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import { SyntaxProblem } from "./ast/context.js";
import { toPythonAst } from "./ast/convert.js";
import type { Module, PyNode } from "./ast/nodes.js";
import { LineIndex } from "./ast/positions.js";
import { maskCommentLines } from "./ast/comment-lines.js";
import { copyTree, type SyntaxNode } from "./ast/syntax-tree.js";
import { maskKeywords, misreadSoftKeywords } from "./ast/soft-keywords.js";
import { childNodes, visitAll } from "./ast/walk.js";
import { analyseBindings } from "./bindings.js";
import { computeFacts } from "./facts.js";
import { checkBytes, checkText } from "./input-rules.js";
import { inventoryTree, Ranges, reportLexicalRules, reportSyntaxErrors, reportTreeLimits, type TreeInventory } from "./lexical-rules.js";
import { LIMITS } from "./lists.js";
import { type GrammarLoadError, type LoadedGrammar, loadGrammar } from "./parser.js";
import { computeRulesHash } from "./rules-hash.js";
import type { NodeRule, RuleContext } from "./rules/context.js";
import { withConstantBudget } from "./constant/index.js";
import { checkConstructedStrings } from "./rules/constructed-strings.js";
import { checkImportRules } from "./rules/imports.js";
import { createProjectRules } from "./rules/project.js";
import { checkReferenceAttributeRules } from "./rules/reference-attributes.js";
import { checkReferenceCallRules } from "./rules/reference-calls.js";
import { checkReferenceNameRules } from "./rules/reference-names.js";
import { checkReferenceTorchRules } from "./rules/reference-torch.js";
import type { Report } from "./rules/report.js";
import { checkStoreRules } from "./rules/stores.js";
import { checkStringRules } from "./rules/strings.js";
import { checkStructure } from "./rules/structure.js";
import { checkStrategy, findStrategyLiteral, type StrategyLiteral } from "./strategy.js";
import type { ScanOptions, ScanReport, Violation } from "./types.js";

/** A loaded scanner: `scan` is synchronous once the grammar is in memory. */
export interface Scanner {
  scan(source: string | Uint8Array, options?: ScanOptions): ScanReport;
  readonly rulesHash: string;
}

/** Collects violations; identical (rule, line, col) triples are kept once (scanner.md §2.2). */
class ViolationList {
  private readonly seen = new Set<string>();
  readonly items: Violation[] = [];
  readonly report: Report = (rule, at, message) => {
    const key = `${rule}\u0000${at.line}\u0000${at.col}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push({ rule, line: at.line, col: at.col, message });
  };
  sorted(): Violation[] {
    return this.items.sort((a, b) => a.line - b.line || a.col - b.col || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  }
}

/** The deepest nesting of the converted tree, measured without recursion. */
function deepestNode(module: Module): { depth: number; node: PyNode } {
  let deepest = { depth: 0, node: module as PyNode };
  const stack: [PyNode, number][] = [[module, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > deepest.depth) deepest = { depth, node };
    for (const child of childNodes(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** The modules a file imports, as written (`torch.nn`, `.relative`), sorted and unique. */
function importedModules(module: Module): string[] {
  const found = new Set<string>();
  visitAll(module, (node) => {
    if (node.kind === "Import") for (const alias of node.names) found.add(alias.name);
    else if (node.kind === "ImportFrom") found.add(".".repeat(node.level) + (node.module ?? ""));
  });
  return [...found].sort();
}

/**
 * Parses with comment-only lines blanked (comment-lines.ts) and misread soft keywords renamed
 * (soft-keywords.ts); offsets never move. If a blanked line turns out to lie inside a string
 * literal of the tree, the tokenizer misjudged it and the original text is parsed instead.
 */
function parseTree(grammar: LoadedGrammar, text: string): { root: SyntaxNode; renamed: ReadonlyMap<number, string>; inventory: TreeInventory } {
  const parse = (input: string): SyntaxNode => {
    const tree = grammar.parser.parse(input);
    if (tree === null) throw new Error("tree-sitter returned no tree");
    try {
      return copyTree(tree, input);
    } finally {
      tree.delete();
    }
  };
  const masked = maskCommentLines(text);
  let input = masked.text;
  let root = parse(input);
  let inventory = inventoryTree(root);
  const strings = new Ranges(inventory.strings.map((s) => [s.start + 1, s.end] as [number, number]));
  let maskedComments = masked.ranges;
  if (maskedComments.some(([start]) => strings.contains(start))) {
    input = text;
    maskedComments = [];
    root = parse(input);
    inventory = inventoryTree(root);
  }
  const renamed = misreadSoftKeywords(root);
  if (renamed.size > 0) {
    root = parse(maskKeywords(input, renamed));
    inventory = inventoryTree(root);
  }
  const comments = [...inventory.comments, ...maskedComments].sort((a, b) => a[0] - b[0]);
  return { root, renamed, inventory: { ...inventory, comments } };
}

/** A source that parsed into CPython's abstract syntax, with what the later phases need. */
interface ParsedSource {
  readonly module: Module;
  readonly text: string;
  readonly lines: LineIndex;
  readonly inventory: TreeInventory;
}

/**
 * Phases 1 and 2 of scanner.md §1: byte and character rules, parsing, syntax errors, limits and
 * unsupported syntax. Returns `null` when a stop rule ended the scan.
 */
export function parseSource(grammar: LoadedGrammar, bytes: Uint8Array, report: Report): ParsedSource | null {
  const decoded = checkBytes(bytes, report);
  if (decoded.stop) return null;
  const hadBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  checkText(decoded.text, report, hadBom ? 1 : 0);
  // CPython reads CRLF as LF; doing the same keeps string values exact and moves no line or column.
  const text = decoded.text.replaceAll("\r\n", "\n");
  const lines = new LineIndex(text, hadBom ? 1 : 0);
  const { root, renamed, inventory } = parseTree(grammar, text);
  if (reportSyntaxErrors(inventory, lines, report) || reportTreeLimits(inventory, lines, report)) return null;
  // The converter recurses; a tree this deep cannot be within the AST nesting limit anyway.
  if (inventory.maxDepth > LIMITS.maxNestingDepth * 8) {
    report("input.too_complex", { line: 0, col: 0 }, `nesting deeper than ${LIMITS.maxNestingDepth} levels`);
    return null;
  }
  let module: Module;
  try {
    module = toPythonAst(root, text, lines, renamed);
  } catch (error) {
    if (!(error instanceof SyntaxProblem)) throw error;
    report(error.rule, error.at, error.message);
    return null;
  }
  const deepest = deepestNode(module);
  if (deepest.depth > LIMITS.maxNestingDepth) {
    report("input.too_complex", deepest.node, `nesting of ${deepest.depth} levels is deeper than ${LIMITS.maxNestingDepth}`);
    return null;
  }
  return { module, text, lines, inventory };
}

function toBytes(source: string | Uint8Array): Uint8Array {
  return typeof source === "string" ? new TextEncoder().encode(source) : source;
}

function scanWith(grammar: LoadedGrammar, rulesHash: string, source: string | Uint8Array, options: ScanOptions): ScanReport {
  const gpus = options.gpus ?? 1;
  if (!Number.isInteger(gpus) || gpus < 1) throw new RangeError(`gpus must be an integer >= 1, got ${gpus}`);
  const bytes = toBytes(source);
  const violations = new ViolationList();
  const report = violations.report;
  const parsed = parseSource(grammar, bytes, report);
  if (parsed === null) {
    return { ok: false, violations: violations.sorted(), strategy: null, imports: [], attributes: [], facts: null, rulesHash };
  }
  const { module } = parsed;
  // Phase 3: rules that need string and comment boundaries.
  reportLexicalRules(parsed.text, parsed.inventory, parsed.lines, report);

  // The node rules of §5 to §12, over the whole tree in one pass.
  const ctx: RuleContext = { bindings: analyseBindings(module), report };
  const nodeRules: NodeRule[] = [
    checkReferenceTorchRules,
    checkReferenceNameRules,
    checkReferenceAttributeRules,
    checkReferenceCallRules,
    checkImportRules,
    checkStringRules,
    checkStoreRules,
    createProjectRules(),
  ];
  const attributes = new Set<string>();
  const budget = withConstantBudget(LIMITS.maxConstantWorkChars, (budget) => {
    visitAll(module, (node, edge) => {
      for (const rule of nodeRules) rule(node, edge, ctx);
      checkConstructedStrings(node, report);
      if (node.kind === "Attribute") attributes.add(node.attr);
    });
    return budget;
  });
  if (budget.exhausted) {
    report("input.too_complex", { line: 0, col: 0 }, `constant expressions build more than ${LIMITS.maxConstantWorkChars} characters in total`);
  }
  checkStructure(module, report);
  const strategy = checkStrategy(module, gpus, report);
  const list = violations.sorted();
  return {
    ok: list.length === 0,
    violations: list,
    strategy,
    imports: importedModules(module),
    attributes: [...attributes].sort(),
    facts: computeFacts(module, bytes),
    rulesHash,
  };
}

/** The source could not be read as Python 3.11 (encoding, syntax or limits). */
export interface UnparsableSource {
  readonly type: "UnparsableSource";
  readonly message: string;
  readonly violations: readonly Violation[];
}

/** Loads the grammar once and returns a synchronous scanner. */
export function createScanner(): ResultAsync<Scanner, GrammarLoadError> {
  return loadGrammar().map((grammar) => {
    const rulesHash = computeRulesHash(grammar.grammarVersion, grammar.grammarSha256);
    return { rulesHash, scan: (source, options = {}) => scanWith(grammar, rulesHash, source, options) };
  });
}

/**
 * Reads the `get_strategy()` literal of a source (scanner.md §9 steps 1 to 3) without checking
 * it against a GPU count; `null` when there is none. Use `checkTopology` for the product check.
 * @example
 * ```ts
 * import { parseStrategy, checkTopology } from "crusades";
 * const literal = await parseStrategy('def get_strategy():\n    return "tp"\n');
 * if (literal.isOk()) console.log(checkTopology(literal.value, 4)); // Ok({ dp_size: 1, tp_size: 4 })
 * ```
 */
export function parseStrategy(source: string | Uint8Array): ResultAsync<StrategyLiteral | null, GrammarLoadError | UnparsableSource> {
  return loadGrammar()
    .mapErr((e): GrammarLoadError | UnparsableSource => e)
    .andThen((grammar) => {
      const violations = new ViolationList();
      const parsed = parseSource(grammar, toBytes(source), violations.report);
      if (parsed === null) {
        const list = violations.sorted();
        const first = list[0];
        const message = first === undefined ? "source rejected" : `${first.line}:${first.col}: ${first.rule}: ${first.message}`;
        return errAsync<StrategyLiteral | null, UnparsableSource>({ type: "UnparsableSource", message, violations: list });
      }
      return okAsync(findStrategyLiteral(parsed.module).literal);
    });
}

/**
 * Scans a `train.py` (scanner.md): every violation with its rule id and position, the strategy for
 * the GPU count, and the facts the evaluation cross-checks with CPython.
 *
 * @param source - the file's bytes (decoded here as strict UTF-8) or its text.
 * @param options - `gpus`: the GPU count for the strategy rules (default 1).
 * @returns a report; `ok` is true exactly when there are no violations. Fails only if the Python
 *   grammar cannot be loaded.
 * @example
 * ```ts
 * import { scan } from "crusades";
 * const result = await scan('import os\n', { gpus: 1 });
 * if (result.isOk()) console.log(result.value.violations.map((v) => v.rule));
 * ```
 */
export function scan(source: string | Uint8Array, options: ScanOptions = {}): ResultAsync<ScanReport, GrammarLoadError> {
  return createScanner().map((scanner) => scanner.scan(source, options));
}

