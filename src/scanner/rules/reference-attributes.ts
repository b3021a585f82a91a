/**
 * Reference rules on attributes (scanner.md §5.2): i, l, m, n, o, p, q, x, y, z, aa, bb, cc.
 * @module
 */
import type { Expr, PyNode } from "../ast/nodes.js";
import {
  FORBIDDEN_ASSIGNMENT_ATTRS,
  FORBIDDEN_CUDNN_ATTRS,
  FORBIDDEN_GC_ATTRS,
  FORBIDDEN_INTROSPECTION_ATTRS,
  FORBIDDEN_OBJECT_DUNDER_ATTRS,
  FORBIDDEN_SYS_MODULE_NAMES,
  FORBIDDEN_TIMER_ATTRS,
} from "../lists.js";
import { quoted } from "../message.js";
import { type NodeRule, isName, setOf } from "./context.js";

const TIMER = setOf(FORBIDDEN_TIMER_ATTRS);
const ASSIGNMENT = setOf(FORBIDDEN_ASSIGNMENT_ATTRS);
const OBJECT_DUNDER = setOf(FORBIDDEN_OBJECT_DUNDER_ATTRS);
const GC = setOf(FORBIDDEN_GC_ATTRS);
const CUDNN = setOf(FORBIDDEN_CUDNN_ATTRS);
const SYS = setOf(FORBIDDEN_SYS_MODULE_NAMES);
const INTROSPECTION = setOf(FORBIDDEN_INTROSPECTION_ATTRS);

export const checkReferenceAttributeRules: NodeRule = (node: PyNode, _edge, ctx) => {
  if (node.kind === "Assign") {
    // Rules l and n look at the direct targets of a plain assignment only (R1 covers the rest).
    for (const target of node.targets) {
      if (target.kind !== "Attribute") continue;
      if (target.attr === "__class__") ctx.report("store.class_attr", target, "assignment to __class__ is forbidden");
      if (ASSIGNMENT.has(target.attr)) ctx.report("store.timing_attr", target, `assignment to timing attribute ${quoted(target.attr)} is forbidden`);
    }
    return;
  }
  if (node.kind !== "Attribute") return;
  const attr = node.attr;
  const on = (receiver: Expr, names: ReadonlySet<string>) => receiver.kind === "Name" && names.has(receiver.id);
  if (OBJECT_DUNDER.has(attr) && isName(node.value, "object")) ctx.report("attr.object_dunder", node, `object.${attr} is forbidden`);
  if (TIMER.has(attr)) ctx.report("attr.timer", node, `access to timer attribute ${quoted(attr)} is forbidden`);
  if (attr === "__slots__" && node.ctx !== "Load") ctx.report("store.slots", node, "storing or deleting __slots__ is forbidden");
  if (GC.has(attr) && isName(node.value, "gc")) ctx.report("attr.gc_introspection", node, `gc.${attr} is forbidden`);
  if (CUDNN.has(attr) && node.ctx === "Store" && node.value.kind === "Attribute" && node.value.attr === "cudnn") {
    ctx.report("store.cudnn_flag", node, `setting cudnn.${attr} is forbidden`);
  }
  if (attr === "ctypeslib") ctx.report("attr.ctypeslib", node, "ctypeslib access is forbidden");
  if (attr === "__builtins__") ctx.report("name.builtins_access", node, "__builtins__ access is forbidden");
  if (attr === "modules" && on(node.value, SYS)) ctx.report("attr.sys_modules", node, "sys.modules access is forbidden");
  if (attr === "__dict__") ctx.report("attr.dunder_dict", node, "__dict__ access is forbidden");
  if (INTROSPECTION.has(attr)) ctx.report("attr.introspection", node, `access to introspection attribute ${quoted(attr)} is forbidden`);
  if (attr === "optimizer" && !isName(node.value, "self")) ctx.report("attr.optimizer", node, "accessing .optimizer attribute is forbidden (except on self)");
};
