/**
 * What every node rule receives, and small predicates the rule files share.
 * @module
 */
import type { Expr, Name } from "../ast/nodes.js";
import type { Edge } from "../ast/walk.js";
import type { Bindings } from "../bindings.js";
import type { Report } from "./report.js";

export interface RuleContext {
  readonly bindings: Bindings;
  readonly report: Report;
}

/** A rule that looks at one node (with the edge from its parent) and reports what it finds. */
export type NodeRule = (node: import("../ast/nodes.js").PyNode, edge: Edge | null, ctx: RuleContext) => void;

export function isName(expr: Expr | null | undefined, id?: string): expr is Name {
  return expr !== null && expr !== undefined && expr.kind === "Name" && (id === undefined || expr.id === id);
}

/** A set built once from a readonly list, for membership tests. */
export function setOf<T extends string>(list: readonly T[]): ReadonlySet<string> {
  return new Set<string>(list);
}

/** `a.b.c` for an Attribute chain over a Name, else `null`. */
export function dottedPath(expr: Expr): string | null {
  if (expr.kind === "Name") return expr.id;
  if (expr.kind === "Attribute") {
    const base = dottedPath(expr.value);
    return base === null ? null : `${base}.${expr.attr}`;
  }
  return null;
}
