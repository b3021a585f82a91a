/**
 * tree-sitter-python's concrete tree to CPython 3.11's abstract syntax (scanner.md §3.1):
 * statements and the module. Expressions, parameters, strings and match patterns have their own
 * files. Syntax that the grammar accepts but CPython 3.11 does not becomes a `SyntaxProblem`.
 * @module
 */
import type { SyntaxNode as TsNode } from "./syntax-tree.js";
import { type ConvertContext, field, fields, hasToken, named, requireField, spanOf, syntaxError, unexpectedNode, unsupported } from "./context.js";
import { augmentedOperator, convertArgumentList, convertExpr, convertTarget } from "./convert-expr.js";
import { convertAnnotation, convertParameters } from "./convert-params.js";
import { convertCase } from "./convert-patterns.js";
import type { Alias, ExceptHandler, Expr, Module, Stmt, WithItem } from "./nodes.js";
import type { LineIndex } from "./positions.js";

/** Converts a parsed module. Throws `SyntaxProblem` where CPython 3.11 would not accept it. */
export function toPythonAst(root: TsNode, text: string, lines: LineIndex, renamed: ReadonlyMap<number, string> = new Map()): Module {
  const c: ConvertContext = { text, lines, hoistedSplats: new Set(), spanOverrides: new Map(), renamed };
  return { kind: "Module", line: 1, col: 1, body: convertStatements(c, named(root)) };
}

function convertStatements(c: ConvertContext, nodes: readonly TsNode[]): Stmt[] {
  return nodes.map((node) => convertStatement(c, node));
}

function convertBlock(c: ConvertContext, node: TsNode | null): Stmt[] {
  if (node === null) return [];
  return convertStatements(c, named(node).filter((n) => n.type !== "case_clause"));
}

function convertStatement(c: ConvertContext, node: TsNode): Stmt {
  const span = spanOf(c, node);
  switch (node.type) {
    case "expression_statement":
      return convertExpressionStatement(c, node);
    case "decorated_definition": {
      const definition = requireField(c, node, "definition");
      const decorators = named(node).filter((n) => n.type === "decorator").map((d) => convertExpr(c, named(d)[0] ?? d));
      return convertDefinition(c, definition, decorators);
    }
    case "function_definition":
    case "class_definition":
      return convertDefinition(c, node, []);
    case "return_statement": {
      const value = named(node)[0];
      return { kind: "Return", ...span, value: value === undefined ? null : convertExpr(c, value) };
    }
    case "delete_statement": {
      const target = named(node)[0];
      if (target === undefined) throw syntaxError(c, node, "del needs a target");
      // `del a, b` deletes two targets; `del (a, b)` deletes one tuple.
      const targets = target.type === "expression_list" ? named(target) : [target];
      return { kind: "Delete", ...span, targets: targets.map((t) => convertTarget(c, t, "Del")) };
    }
    case "raise_statement": {
      const cause = field(node, "cause");
      const exc = named(node).find((n) => n.id !== cause?.id);
      return { kind: "Raise", ...span, exc: exc === undefined ? null : convertExpr(c, exc), cause: cause === null ? null : convertExpr(c, cause) };
    }
    case "pass_statement":
      return { kind: "Pass", ...span };
    case "break_statement":
      return { kind: "Break", ...span };
    case "continue_statement":
      return { kind: "Continue", ...span };
    case "global_statement":
    case "nonlocal_statement":
      return { kind: node.type === "global_statement" ? "Global" : "Nonlocal", ...span, names: named(node).map((n) => n.text) };
    case "import_statement":
      return { kind: "Import", ...span, names: fields(node, "name").map((n) => convertAlias(c, n)) };
    case "import_from_statement":
    case "future_import_statement":
      return convertImportFrom(c, node);
    case "assert_statement": {
      const [test, msg] = named(node);
      if (test === undefined) throw syntaxError(c, node, "assert needs a condition");
      return { kind: "Assert", ...span, test: convertExpr(c, test), msg: msg === undefined ? null : convertExpr(c, msg) };
    }
    case "if_statement":
      return convertIf(c, node);
    case "for_statement":
      return {
        kind: hasToken(node, "async") ? "AsyncFor" : "For", ...span,
        target: convertTarget(c, requireField(c, node, "left"), "Store"),
        iter: convertExpr(c, requireField(c, node, "right")),
        body: convertBlock(c, field(node, "body")),
        orelse: convertBlock(c, elseBody(node)),
      };
    case "while_statement":
      return { kind: "While", ...span, test: convertExpr(c, requireField(c, node, "condition")), body: convertBlock(c, field(node, "body")), orelse: convertBlock(c, elseBody(node)) };
    case "try_statement":
      return convertTry(c, node);
    case "with_statement":
      return convertWith(c, node);
    case "match_statement": {
      const subjects = fields(node, "subject").filter((n) => n.isNamed);
      const subject: Expr =
        subjects.length === 1 && !hasToken(node, ",")
          ? convertExpr(c, subjects[0]!)
          : { kind: "Tuple", ...spanOf(c, subjects[0] ?? node), elts: subjects.map((s) => convertExpr(c, s)), ctx: "Load" };
      const body = requireField(c, node, "body");
      const cases = named(body).filter((n) => n.type === "case_clause");
      if (cases.length === 0) throw syntaxError(c, node, "match needs at least one case");
      return { kind: "Match", ...span, subject, cases: cases.map((k) => convertCase(c, k, convertBlock)) };
    }
    case "type_alias_statement":
      throw unsupported(c, node, "'type' alias statement (Python 3.12 syntax)");
    default:
      throw unexpectedNode(c, node);
  }
}

function elseBody(node: TsNode): TsNode | null {
  const alternative = field(node, "alternative");
  return alternative === null ? null : field(alternative, "body");
}

function convertExpressionStatement(c: ConvertContext, node: TsNode): Stmt {
  const span = spanOf(c, node);
  const children = named(node);
  const first = children[0];
  if (first === undefined) throw syntaxError(c, node, "empty statement");
  if (children.length > 1 || hasToken(node, ",")) {
    return { kind: "Expr", ...span, value: { kind: "Tuple", ...span, elts: children.map((e) => convertExpr(c, e)), ctx: "Load" } };
  }
  if (first.type === "assignment") return convertAssignment(c, first);
  if (first.type === "augmented_assignment") {
    const target = convertTarget(c, requireField(c, first, "left"), "Store");
    if (target.kind === "Tuple" || target.kind === "List" || target.kind === "Starred") {
      throw syntaxError(c, first, "illegal expression for augmented assignment");
    }
    return {
      kind: "AugAssign", ...span, target,
      op: augmentedOperator(c, first, requireField(c, first, "operator").type),
      value: convertRight(c, requireField(c, first, "right")),
    };
  }
  return { kind: "Expr", ...span, value: convertExpr(c, first) };
}

/** The right side of an assignment: an expression, a bare tuple or a `yield`. */
function convertRight(c: ConvertContext, node: TsNode): Expr {
  if (node.type === "assignment" || node.type === "augmented_assignment") throw syntaxError(c, node, "invalid assignment");
  return convertExpr(c, node);
}

/** `a = b = c` nests in tree-sitter; CPython makes one Assign with two targets. */
function convertAssignment(c: ConvertContext, node: TsNode): Stmt {
  const span = spanOf(c, node);
  const annotation = field(node, "type");
  const left = requireField(c, node, "left");
  const right = field(node, "right");
  if (annotation !== null) {
    const target = convertTarget(c, left, "Store");
    if (target.kind !== "Name" && target.kind !== "Attribute" && target.kind !== "Subscript") {
      throw syntaxError(c, left, "only single target (not tuple) can be annotated");
    }
    const simple = target.kind === "Name" && left.type === "identifier" ? 1 : 0;
    return { kind: "AnnAssign", ...span, target, annotation: convertAnnotation(c, annotation), value: right === null ? null : convertRight(c, right), simple };
  }
  const targets: Expr[] = [convertTarget(c, left, "Store")];
  let value = right;
  while (value !== null && value.type === "assignment") {
    if (field(value, "type") !== null) throw syntaxError(c, value, "invalid syntax");
    targets.push(convertTarget(c, requireField(c, value, "left"), "Store"));
    value = field(value, "right");
  }
  if (value === null) throw syntaxError(c, node, "assignment without a value");
  return { kind: "Assign", ...span, targets, value: convertRight(c, value) };
}

function convertDefinition(c: ConvertContext, node: TsNode, decorator_list: Expr[]): Stmt {
  const span = spanOf(c, node);
  if (field(node, "type_parameters") !== null) throw unsupported(c, field(node, "type_parameters")!, "type parameter list (Python 3.12 syntax)");
  const name = requireField(c, node, "name").text;
  if (node.type === "class_definition") {
    const superclasses = field(node, "superclasses");
    const { args: bases, keywords } = superclasses === null ? { args: [], keywords: [] } : convertArgumentList(c, superclasses);
    return { kind: "ClassDef", ...span, name, bases, keywords, body: convertBlock(c, field(node, "body")), decorator_list };
  }
  if (node.type !== "function_definition") throw syntaxError(c, node, `unexpected ${node.type}`);
  const returnType = field(node, "return_type");
  return {
    kind: hasToken(node, "async") ? "AsyncFunctionDef" : "FunctionDef", ...span, name,
    args: convertParameters(c, requireField(c, node, "parameters"), node),
    body: convertBlock(c, field(node, "body")),
    decorator_list,
    returns: returnType === null ? null : convertAnnotation(c, returnType),
  };
}

function convertIf(c: ConvertContext, node: TsNode): Stmt {
  const alternatives = fields(node, "alternative");
  // Build the elif chain from its end: each elif is an If in the previous one's orelse.
  let orelse: Stmt[] = [];
  for (let i = alternatives.length - 1; i >= 0; i--) {
    const clause = alternatives[i]!;
    if (clause.type === "else_clause") orelse = convertBlock(c, field(clause, "body"));
    else {
      orelse = [{
        kind: "If", ...spanOf(c, clause),
        test: convertExpr(c, requireField(c, clause, "condition")),
        body: convertBlock(c, field(clause, "consequence")),
        orelse,
      }];
    }
  }
  return { kind: "If", ...spanOf(c, node), test: convertExpr(c, requireField(c, node, "condition")), body: convertBlock(c, field(node, "consequence")), orelse };
}

function convertTry(c: ConvertContext, node: TsNode): Stmt {
  const clauses = named(node);
  const handlers: ExceptHandler[] = [];
  let orelse: Stmt[] = [];
  let finalbody: Stmt[] = [];
  let star: boolean | null = null;
  for (const clause of clauses) {
    if (clause.type === "except_clause") {
      const isStar = hasToken(clause, "*");
      if (star !== null && star !== isStar) throw syntaxError(c, clause, "cannot have both 'except' and 'except*' on the same 'try'");
      star = isStar;
      handlers.push(convertHandler(c, clause));
    } else if (clause.type === "else_clause") {
      orelse = convertBlock(c, field(clause, "body"));
    } else if (clause.type === "finally_clause") {
      finalbody = convertBlock(c, named(clause).find((n) => n.type === "block") ?? null);
    }
  }
  if (handlers.length === 0 && finalbody.length === 0) throw syntaxError(c, node, "expected 'except' or 'finally' block");
  return { kind: star === true ? "TryStar" : "Try", ...spanOf(c, node), body: convertBlock(c, field(node, "body")), handlers, orelse, finalbody };
}

function convertHandler(c: ConvertContext, clause: TsNode): ExceptHandler {
  const span = spanOf(c, clause);
  const values = fields(clause, "value").filter((n) => n.isNamed);
  const body = convertBlock(c, named(clause).find((n) => n.type === "block") ?? null);
  if (values.length > 1 || field(clause, "alias") !== null) {
    throw unsupported(c, clause, "'except A, B' without parentheses (Python 2 or 3.14 syntax)");
  }
  const value = values[0];
  if (value === undefined) return { kind: "ExceptHandler", ...span, type: null, name: null, body };
  if (value.type === "as_pattern") {
    const [typeNode] = named(value);
    const alias = field(value, "alias");
    const aliasName = alias === null ? undefined : named(alias)[0];
    if (typeNode === undefined || aliasName === undefined || aliasName.type !== "identifier") throw syntaxError(c, value, "invalid except clause");
    return { kind: "ExceptHandler", ...span, type: convertExpr(c, typeNode), name: aliasName.text, body };
  }
  return { kind: "ExceptHandler", ...span, type: convertExpr(c, value), name: null, body };
}

function convertWith(c: ConvertContext, node: TsNode): Stmt {
  const clause = named(node).find((n) => n.type === "with_clause");
  if (clause === undefined) throw syntaxError(c, node, "with needs an item");
  const items: WithItem[] = named(clause).map((item) => {
    let value = requireField(c, item, "value");
    // `with (a as b):` reads as one parenthesized item.
    if (value.type === "parenthesized_expression" && named(value)[0]?.type === "as_pattern") value = named(value)[0]!;
    if (value.type === "as_pattern") {
      const [contextNode] = named(value);
      const alias = field(value, "alias");
      const target = alias === null ? undefined : named(alias)[0];
      if (contextNode === undefined || target === undefined) throw syntaxError(c, value, "invalid with item");
      return { kind: "withitem", ...spanOf(c, item), context_expr: convertExpr(c, contextNode), optional_vars: convertTarget(c, target, "Store") };
    }
    return { kind: "withitem", ...spanOf(c, item), context_expr: convertExpr(c, value), optional_vars: null };
  });
  return { kind: hasToken(node, "async") ? "AsyncWith" : "With", ...spanOf(c, node), items, body: convertBlock(c, field(node, "body")) };
}

function convertAlias(c: ConvertContext, node: TsNode): Alias {
  if (node.type === "aliased_import") {
    return { kind: "alias", ...spanOf(c, node), name: dottedName(requireField(c, node, "name")), asname: requireField(c, node, "alias").text };
  }
  return { kind: "alias", ...spanOf(c, node), name: dottedName(node), asname: null };
}

/** `a . b` with spaces or comments is still `a.b` to CPython. */
function dottedName(node: TsNode): string {
  return named(node).map((n) => n.text).join(".") || node.text;
}

function convertImportFrom(c: ConvertContext, node: TsNode): Stmt {
  const span = spanOf(c, node);
  let module: string | null = "__future__";
  let level = 0;
  if (node.type === "import_from_statement") {
    const moduleNode = requireField(c, node, "module_name");
    if (moduleNode.type === "relative_import") {
      const prefix = named(moduleNode).find((n) => n.type === "import_prefix");
      level = prefix === undefined ? 0 : [...prefix.text].filter((ch) => ch === ".").length;
      const dotted = named(moduleNode).find((n) => n.type === "dotted_name");
      module = dotted === undefined ? null : dottedName(dotted);
    } else {
      module = dottedName(moduleNode);
    }
  }
  const wildcard = named(node).find((n) => n.type === "wildcard_import");
  const names: Alias[] =
    wildcard !== undefined ? [{ kind: "alias", ...spanOf(c, wildcard), name: "*", asname: null }] : fields(node, "name").map((n) => convertAlias(c, n));
  return { kind: "ImportFrom", ...span, module, names, level };
}
