/**
 * The project's rules beyond the reference that look at single nodes (scanner.md §12): module
 * objects used as values (R2), forbidden modules reached as attributes (R5), native-code and
 * code-loading sinks (R6), proxy hooks and descriptor factories (R7), class construction (R9),
 * gradient toggles by reference (R11), annotation evaluation (R12), and the §12.2 principles
 * that no list of the reference covers (function internals, cudnn flag setters).
 * @module
 */
import type { Call, Expr, PyNode } from "../ast/nodes.js";
import type { Edge } from "../ast/walk.js";
import {
  CUDNN_TOGGLE_ATTRS,
  DESCRIPTOR_FACTORIES,
  FUNCTION_INTERNAL_ATTRS,
  EVAL_SINKS,
  FORBIDDEN_GRAD_TOGGLE_CALLS,
  HOOK_NAMES,
  METACLASS_NAMES,
  MODULE_ATTR_DENYLIST,
  MODULE_ATTR_EXCEPTIONS,
  NATIVE_LOADER_ATTRS,
  NATIVE_LOADER_PATHS,
} from "../lists.js";
import { quoted } from "../message.js";
import { type NodeRule, type RuleContext, isName, setOf } from "./context.js";

const DENIED_MODULES = setOf(MODULE_ATTR_DENYLIST);
const MODULE_EXCEPTIONS = setOf(MODULE_ATTR_EXCEPTIONS);
const NATIVE_ATTRS = setOf(NATIVE_LOADER_ATTRS);
const NATIVE_PATHS = setOf(NATIVE_LOADER_PATHS);
const HOOKS = setOf(HOOK_NAMES);
const DESCRIPTORS = setOf(DESCRIPTOR_FACTORIES);
const METACLASSES = setOf(METACLASS_NAMES);
const GRAD_TOGGLES = setOf(FORBIDDEN_GRAD_TOGGLE_CALLS);
const SINKS = setOf(EVAL_SINKS);
const UNSAFE_LOADER_FLAGS = new Set(["allow_pickle", "trust_remote_code"]);
const FUNCTION_INTERNALS = setOf(FUNCTION_INTERNAL_ATTRS);
const CUDNN_TOGGLES = setOf(CUDNN_TOGGLE_ATTRS);

/** Nodes inside the second argument of `isinstance`/`issubclass`, where `type` may appear (R9). */
export interface ProjectRuleState {
  readonly typeCheckArguments: WeakSet<PyNode>;
}

function markSubtree(root: Expr, into: WeakSet<PyNode>): void {
  const stack: PyNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    into.add(node);
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) for (const v of value) if (typeof v === "object" && v !== null && "kind" in v) stack.push(v as PyNode);
      if (typeof value === "object" && value !== null && "kind" in value) stack.push(value as PyNode);
    }
  }
}

/** `type(x)`: exactly one positional argument, no keywords, nothing starred. */
function isPlainTypeCall(call: Call): boolean {
  return call.args.length === 1 && call.args[0]!.kind !== "Starred" && call.keywords.length === 0;
}

function checkName(node: Extract<PyNode, { kind: "Name" }>, edge: Edge | null, ctx: RuleContext, state: ProjectRuleState): void {
  const parent = edge?.parent;
  if (ctx.bindings.moduleValued.has(node.id) && node.ctx !== "Store") {
    const attributeBase = parent?.kind === "Attribute" && edge!.field === "value";
    const hasattrTarget = parent?.kind === "Call" && isName(parent.func, "hasattr") && edge!.field === "args" && edge!.index === 0;
    if (!attributeBase && !hasattrTarget) ctx.report("alias.module_value", node, `module ${quoted(node.id)} used as a value`);
  }
  if (node.id === "type" && !state.typeCheckArguments.has(node)) {
    const plainCall = parent?.kind === "Call" && edge!.field === "func" && isPlainTypeCall(parent);
    if (!plainCall) ctx.report("builtin.type_construct", node, "'type' used other than as type(x) or in isinstance");
  }
  if (METACLASSES.has(node.id)) ctx.report("call.metaclass_construct", node, `reference to class factory ${quoted(node.id)}`);
  if (HOOKS.has(node.id) && node.ctx !== "Load") ctx.report("name.forbidden_dunder_binding", node, `binding of hook name ${quoted(node.id)}`);
}

function checkAttribute(node: Extract<PyNode, { kind: "Attribute" }>, ctx: RuleContext): void {
  const attr = node.attr;
  if (DENIED_MODULES.has(attr)) {
    const resolved = ctx.bindings.protectedPath(node.value);
    const path = resolved.path === null ? null : `${resolved.path}.${attr}`;
    if (resolved.protected && (path === null || !MODULE_EXCEPTIONS.has(path))) {
      ctx.report("attr.forbidden_module", node, `forbidden module ${quoted(attr)} reached as an attribute`);
    }
  }
  const path = NATIVE_ATTRS.has(attr) ? null : ctx.bindings.protectedPath(node).path;
  if (NATIVE_ATTRS.has(attr) || (path !== null && NATIVE_PATHS.has(path))) {
    ctx.report("attr.native_loader", node, `native-code or code-loading entry point ${quoted(path ?? attr)}`);
  }
  if (DESCRIPTORS.has(attr)) ctx.report("attr.descriptor_factory", node, `descriptor factory ${quoted(attr)}`);
  if (METACLASSES.has(attr)) ctx.report("call.metaclass_construct", node, `reference to class factory ${quoted(attr)}`);
  if (GRAD_TOGGLES.has(attr)) ctx.report("attr.grad_toggle", node, `reference to gradient toggle ${quoted(attr)}`);
  if (SINKS.has(attr)) ctx.report("attr.eval_sink", node, `reference to annotation-evaluation entry point ${quoted(attr)}`);
  if (FUNCTION_INTERNALS.has(attr)) ctx.report("attr.function_internals", node, `access to function internals ${quoted(attr)}`);
  const receiver = node.value.kind === "Attribute" ? node.value.attr : node.value.kind === "Name" ? node.value.id : null;
  if (CUDNN_TOGGLES.has(attr) && receiver === "cudnn") ctx.report("attr.cudnn_toggle", node, `cudnn.${attr} changes determinism flags the verification relies on`);
}

/** The hook-name bindings that are not Names (R7): definitions, parameters, aliases, handlers, captures. */
function boundHookName(node: PyNode): string | null {
  switch (node.kind) {
    case "FunctionDef":
    case "AsyncFunctionDef":
    case "ClassDef":
      return node.name;
    case "arg":
      return node.arg;
    case "alias":
      return node.asname ?? node.name.split(".")[0]!;
    case "ExceptHandler":
    case "MatchAs":
    case "MatchStar":
      return node.name;
    case "MatchMapping":
      return node.rest;
    case "Global":
    case "Nonlocal":
      return node.names.find((n) => HOOKS.has(n)) ?? null;
    default:
      return null;
  }
}

export function createProjectRules(): NodeRule {
  const state: ProjectRuleState = { typeCheckArguments: new WeakSet() };
  return (node, edge, ctx) => {
    const hook = boundHookName(node);
    if (hook !== null && HOOKS.has(hook)) ctx.report("name.forbidden_dunder_binding", node, `binding of hook name ${quoted(hook)}`);
    switch (node.kind) {
      case "Name":
        checkName(node, edge, ctx, state);
        return;
      case "Attribute":
        checkAttribute(node, ctx);
        return;
      case "ClassDef":
        if (node.keywords.some((k) => k.arg === "metaclass")) ctx.report("class.metaclass", node, "class statement with a metaclass= keyword");
        return;
      case "Call": {
        // Visited before its arguments (pre-order), so the marks are in place when they are checked.
        if ((isName(node.func, "isinstance") || isName(node.func, "issubclass")) && node.args[1] !== undefined) {
          markSubtree(node.args[1], state.typeCheckArguments);
        }
        for (const keyword of node.keywords) {
          if (keyword.arg === null || !UNSAFE_LOADER_FLAGS.has(keyword.arg)) continue;
          const value = keyword.value;
          if (!(value.kind === "Constant" && value.value.type === "bool" && !value.value.value)) {
            ctx.report("call.unsafe_loader_flag", node, `${keyword.arg} must be the constant False`);
          }
        }
        return;
      }
      default:
        return;
    }
  };
}
