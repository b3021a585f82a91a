/**
 * Rules on every store site (scanner.md §12, R1 to R3): an Attribute in Store or Del context,
 * wherever it occurs (assignment targets of every form, loop, comprehension and `with` targets,
 * `del`). Also `call.attribute_copy`, which patches attributes without any store.
 * @module
 */
import type { Attribute, Expr, PyNode } from "../ast/nodes.js";
import { FORBIDDEN_ASSIGNMENT_ATTRS, FORBIDDEN_CUDNN_ATTRS, STORE_ALLOWLIST } from "../lists.js";
import { quoted } from "../message.js";
import { dottedPath, isName, type NodeRule, type RuleContext, setOf } from "./context.js";

const TIMING = setOf(FORBIDDEN_ASSIGNMENT_ATTRS);
const CUDNN_FLAGS = [...FORBIDDEN_CUDNN_ATTRS].map((flag) => `.cudnn.${flag}`);

/** Whether a resolved target path may be stored to (`store_allowlist`, never the cudnn flags). */
export function isAllowlistedStorePath(path: string | null): boolean {
  if (path === null || CUDNN_FLAGS.some((flag) => path.endsWith(flag))) return false;
  return STORE_ALLOWLIST.some((prefix) => path.startsWith(`${prefix}.`));
}

function isDunder(name: string): boolean {
  return name.length > 4 && name.startsWith("__") && name.endsWith("__");
}

/** A `type(...)` call or a `.__class__` in the chain under a store target (R3). */
function throughRuntimeClass(target: Attribute): boolean {
  let current: Expr = target.value;
  for (;;) {
    if (current.kind === "Attribute") {
      if (current.attr === "__class__") return true;
      current = current.value;
    } else if (current.kind === "Subscript") {
      current = current.value;
    } else if (current.kind === "Call") {
      if (isName(current.func, "type")) return true;
      current = current.func;
    } else {
      return false;
    }
  }
}

function checkStoreSite(target: Attribute, ctx: RuleContext): void {
  const name = dottedPath(target) ?? target.attr;
  if (TIMING.has(target.attr)) ctx.report("store.timing_attr_any", target, `store to timing attribute ${quoted(target.attr)}`);
  const resolved = ctx.bindings.protectedPath(target);
  if (resolved.protected && !isAllowlistedStorePath(resolved.path)) {
    ctx.report("store.protected_root", target, `store to attribute ${quoted(target.attr)} rooted at imported name ${quoted(rootName(target))}`);
  }
  if (isDunder(target.attr)) ctx.report("store.dunder_attribute", target, `store to dunder attribute ${quoted(name)}`);
  if (throughRuntimeClass(target)) ctx.report("store.runtime_class", target, `store to attribute ${quoted(target.attr)} through a run-time class handle`);
}

function rootName(expr: Expr): string {
  let current = expr;
  while (current.kind === "Attribute" || current.kind === "Subscript") current = current.value;
  return current.kind === "Name" ? current.id : "?";
}

export const checkStoreRules: NodeRule = (node: PyNode, _edge, ctx) => {
  if (node.kind === "Attribute" && node.ctx !== "Load") {
    checkStoreSite(node, ctx);
    return;
  }
  if (node.kind !== "Call") return;
  const callee = node.func.kind === "Name" ? node.func.id : node.func.kind === "Attribute" ? node.func.attr : null;
  if (callee !== "update_wrapper" && callee !== "wraps") return;
  const positionalLimit = callee === "update_wrapper" ? 2 : 1;
  const starred = node.args.some((a) => a.kind === "Starred") || node.keywords.some((k) => k.arg === null);
  const custom = node.keywords.some((k) => k.arg === "assigned" || k.arg === "updated");
  if (node.args.length > positionalLimit || starred || custom) {
    ctx.report("call.attribute_copy", node, `${callee}() with custom attribute lists is forbidden`);
  }
};
