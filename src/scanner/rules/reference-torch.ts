/**
 * Reference rules a to f, j and w (scanner.md §5.2): torch must never get another name, the
 * sensitive torch attributes must never be bound, torch modules must not be mutated. Each keeps the
 * reference's exact semantics, gaps included; the project's R-rules close the gaps separately.
 * @module
 */
import type { Expr, PyNode } from "../ast/nodes.js";
import { FORBIDDEN_TORCH_ATTRIBUTE_ALIASES } from "../lists.js";
import { quoted } from "../message.js";
import { type NodeRule, type RuleContext, isName, setOf } from "./context.js";

const SENSITIVE = setOf(FORBIDDEN_TORCH_ATTRIBUTE_ALIASES);

function isTorchAlias(ctx: RuleContext, expr: Expr): boolean {
  return expr.kind === "Name" && ctx.bindings.torchAliases.has(expr.id);
}

/** `torch.load`, `torch.compile` or `torch._C` through a torch alias. */
function sensitiveTorchAttribute(ctx: RuleContext, expr: Expr): string | null {
  return expr.kind === "Attribute" && SENSITIVE.has(expr.attr) && isTorchAlias(ctx, expr.value) ? expr.attr : null;
}

/** Rule e: stores rooted at torch or a tracked submodule alias, outside `torch.backends`. */
function checkTorchModuleStore(ctx: RuleContext, target: Expr): void {
  if (target.kind !== "Attribute") return;
  let root: Expr = target.value;
  while (root.kind === "Attribute") root = root.value;
  if (root.kind !== "Name") return;
  const describe = () => `mutating ${quoted(attributePath(target))} is forbidden (monkey-patching torch modules is not allowed)`;
  if (ctx.bindings.submoduleAliases.has(root.id)) {
    ctx.report("store.torch_module", target, describe());
    return;
  }
  if (!ctx.bindings.torchAliases.has(root.id)) return;
  if (target.value === root) {
    ctx.report("store.torch_module", target, describe());
    return;
  }
  const parent = attributePath(target.value);
  if (parent === "torch.backends" || parent.startsWith("torch.backends.")) return;
  ctx.report("store.torch_module", target, describe());
}

function attributePath(expr: Expr): string {
  return expr.kind === "Attribute" ? `${attributePath(expr.value)}.${expr.attr}` : expr.kind === "Name" ? expr.id : "";
}

export const checkReferenceTorchRules: NodeRule = (node: PyNode, _edge, ctx) => {
  switch (node.kind) {
    case "Import":
      for (const alias of node.names) {
        if (alias.name === "torch" && (alias.asname ?? alias.name) !== "torch") {
          ctx.report("torch.import_alias", alias, `aliasing torch is forbidden: 'import torch as ${alias.asname}'`);
        }
      }
      return;
    case "Assign": {
      if (isTorchAlias(ctx, node.value) && node.targets.some((t) => t.kind === "Name" && t.id !== "torch")) {
        ctx.report("torch.assign_alias", node, "aliasing torch is forbidden: torch assigned to another name");
      }
      if (node.value.kind === "Tuple" || node.value.kind === "List") checkUnpackAlias(ctx, node.targets, node.value.elts, node);
      const sensitive = sensitiveTorchAttribute(ctx, node.value);
      if (sensitive !== null) ctx.report("torch.sensitive_attr_alias", node, `aliasing torch.${sensitive} is forbidden`);
      for (const target of node.targets) checkTorchModuleStore(ctx, target);
      return;
    }
    case "AugAssign":
      checkTorchModuleStore(ctx, node.target);
      return;
    case "Delete":
      for (const target of node.targets) checkTorchModuleStore(ctx, target);
      return;
    case "NamedExpr": {
      if (isTorchAlias(ctx, node.value) && node.target.id !== "torch") {
        ctx.report("torch.walrus_alias", node, `aliasing torch via walrus operator is forbidden: ${quoted(node.target.id)}`);
      }
      const sensitive = sensitiveTorchAttribute(ctx, node.value);
      if (sensitive !== null) ctx.report("torch.walrus_alias", node, `binding torch.${sensitive} via walrus operator is forbidden`);
      return;
    }
    case "Attribute":
      if (node.attr === "_C" && isTorchAlias(ctx, node.value)) ctx.report("torch.c_access", node, "torch._C access is forbidden");
      return;
    case "Call":
      if (node.func.kind === "Attribute" && node.func.attr === "load" && isTorchAlias(ctx, node.func.value)) {
        ctx.report("call.torch_load", node, "torch.load() is forbidden (uses pickle internally)");
      }
      return;
    default:
      return;
  }
};

/** Rule d: `t, = torch,`, `[t] = [torch]`, `t = [torch]`, and `x = [torch.load]` whatever the targets. */
function checkUnpackAlias(ctx: RuleContext, targets: readonly Expr[], elements: readonly Expr[], at: PyNode): void {
  for (const element of elements) {
    if (isTorchAlias(ctx, element)) {
      const names = targets.flatMap((t) => (t.kind === "Tuple" || t.kind === "List" ? t.elts.filter((e) => isName(e)) : isName(t) ? [t] : []));
      const other = names.find((n) => n.kind === "Name" && n.id !== "torch");
      if (other !== undefined && other.kind === "Name") ctx.report("torch.unpack_alias", at, `aliasing torch via unpacking is forbidden: ${quoted(other.id)}`);
    }
    const sensitive = sensitiveTorchAttribute(ctx, element);
    if (sensitive !== null) ctx.report("torch.unpack_alias", at, `binding torch.${sensitive} via unpacking is forbidden`);
  }
}
