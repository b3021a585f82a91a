/**
 * Reference rules g, h, y (names), dd and ee (scanner.md §5.2, §5.3): forbidden names, bindings of
 * `__name__`, forbidden hook definitions and bare-name decorators.
 * @module
 */
import type { PyNode } from "../ast/nodes.js";
import { FORBIDDEN_INTROSPECTION_ATTRS, FORBIDDEN_NAMES } from "../lists.js";
import { quoted } from "../message.js";
import { type NodeRule, setOf } from "./context.js";

const NAMES = setOf(FORBIDDEN_NAMES);
const INTROSPECTION = setOf(FORBIDDEN_INTROSPECTION_ATTRS);
const DUNDER_NAME = "__name__";

export const checkReferenceNameRules: NodeRule = (node: PyNode, _edge, ctx) => {
  const bindsDunderName = (message: string) => ctx.report("name.dunder_name_binding", node, message);
  switch (node.kind) {
    case "Name":
      if (NAMES.has(node.id)) ctx.report("name.forbidden", node, `reference to forbidden name ${quoted(node.id)}`);
      if (node.id === "__builtins__") ctx.report("name.builtins_access", node, "__builtins__ access is forbidden");
      if (node.id === DUNDER_NAME && node.ctx !== "Load") bindsDunderName("modification of __name__ is forbidden");
      return;
    case "alias":
      if (node.asname === DUNDER_NAME) bindsDunderName("aliasing import to __name__ is forbidden");
      if (node.name === DUNDER_NAME) bindsDunderName("importing __name__ is forbidden");
      return;
    case "arg":
      if (node.arg === DUNDER_NAME) bindsDunderName("using __name__ as an argument is forbidden");
      return;
    case "FunctionDef":
    case "AsyncFunctionDef":
    case "ClassDef":
      if (node.name === DUNDER_NAME) bindsDunderName("defining __name__ is forbidden");
      if (node.kind !== "ClassDef" && INTROSPECTION.has(node.name)) {
        ctx.report("def.forbidden_dunder", node, `defining method ${quoted(node.name)} is forbidden (proxy/deferred-computation vector)`);
      }
      for (const decorator of node.decorator_list) {
        if (decorator.kind === "Name" && NAMES.has(decorator.id)) ctx.report("decorator.forbidden", decorator, `decorator @${decorator.id} is forbidden`);
      }
      return;
    case "ExceptHandler":
      if (node.name === DUNDER_NAME) bindsDunderName("binding __name__ in exception handler is forbidden");
      return;
    case "MatchAs":
    case "MatchStar":
      if (node.name === DUNDER_NAME) bindsDunderName("binding __name__ in match pattern is forbidden");
      return;
    case "MatchMapping":
      if (node.rest === DUNDER_NAME) bindsDunderName("binding __name__ in match mapping pattern is forbidden");
      return;
    case "Global":
    case "Nonlocal":
      if (node.names.includes(DUNDER_NAME)) bindsDunderName("declaring global/nonlocal __name__ is forbidden");
      return;
    default:
      return;
  }
};
