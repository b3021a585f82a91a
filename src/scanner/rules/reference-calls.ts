/**
 * Reference rules on calls (scanner.md §5.2): r, s, v, ff and gg.
 * @module
 */
import type { PyNode } from "../ast/nodes.js";
import { FORBIDDEN_ATTR_CALLS, FORBIDDEN_BUILTINS, FORBIDDEN_DIRECT_CALLS, FORBIDDEN_GRAD_TOGGLE_CALLS, MAX_BYTES_LITERAL_ELTS } from "../lists.js";
import { type NodeRule, isName, setOf } from "./context.js";

const GRAD_TOGGLES = setOf(FORBIDDEN_GRAD_TOGGLE_CALLS);
const DIRECT = setOf(FORBIDDEN_DIRECT_CALLS);
const ATTR = setOf(FORBIDDEN_ATTR_CALLS);
const BUILTINS = setOf(FORBIDDEN_BUILTINS);

export const checkReferenceCallRules: NodeRule = (node: PyNode, _edge, ctx) => {
  if (node.kind !== "Call") return;
  const func = node.func;
  if (func.kind === "Attribute") {
    if (GRAD_TOGGLES.has(func.attr)) ctx.report("call.grad_toggle", node, `${func.attr}() is forbidden (disabling gradients would bypass verification)`);
    if (ATTR.has(func.attr)) ctx.report("call.attr_forbidden", node, `.${func.attr}() is forbidden`);
    if (func.attr === "compile" && !isName(func.value, "torch")) ctx.report("call.compile_non_torch", node, ".compile() is forbidden (only torch.compile is allowed)");
    if (BUILTINS.has(func.attr)) ctx.report("call.forbidden_builtin", node, `.${func.attr}() is forbidden`);
    if (func.attr === "load") {
      const flag = node.keywords.find((k) => k.arg === "weights_only");
      if (flag !== undefined && flag.value.kind === "Constant" && flag.value.value.type === "bool" && !flag.value.value.value) {
        ctx.report("call.weights_only_false", node, "weights_only=False is forbidden (enables arbitrary code execution via pickle)");
      }
    }
  } else if (func.kind === "Name") {
    if (DIRECT.has(func.id)) ctx.report("call.direct_forbidden", node, `${func.id}() is forbidden`);
    if (BUILTINS.has(func.id)) ctx.report("call.forbidden_builtin", node, `${func.id}() is forbidden`);
    if ((func.id === "bytes" || func.id === "bytearray") && node.args.length === 1) {
      const literal = node.args[0]!;
      if ((literal.kind === "List" || literal.kind === "Tuple") && literal.elts.length > MAX_BYTES_LITERAL_ELTS) {
        ctx.report("literal.bytes_too_large", node, `${func.id} literal with ${literal.elts.length} elements exceeds limit of ${MAX_BYTES_LITERAL_ELTS}`);
      }
    }
  }
};
