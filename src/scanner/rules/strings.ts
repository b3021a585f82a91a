/**
 * Forbidden text in constants and attribute names (scanner.md §6): `string.forbidden` for str
 * constants (docstrings, f-string literal parts and dictionary keys included),
 * `string.forbidden_bytes` for bytes constants read as Latin-1, and `attr.forbidden_name`.
 * @module
 */
import type { PyNode } from "../ast/nodes.js";
import { firstForbidden, latin1 } from "../constant/index.js";
import { FORBIDDEN_STRINGS } from "../lists.js";
import { quoted } from "../message.js";
import { type NodeRule, setOf } from "./context.js";

const FORBIDDEN_ATTRIBUTE_NAMES = setOf(FORBIDDEN_STRINGS);

export const checkStringRules: NodeRule = (node: PyNode, _edge, ctx) => {
  if (node.kind === "Constant") {
    const value = node.value;
    if (value.type === "str") {
      const found = firstForbidden(value.value);
      if (found !== null) ctx.report("string.forbidden", node, `string contains forbidden text ${quoted(found)}`);
    } else if (value.type === "bytes") {
      const found = firstForbidden(latin1(value.value));
      if (found !== null) ctx.report("string.forbidden_bytes", node, `bytes constant contains forbidden text ${quoted(found)}`);
    }
  } else if (node.kind === "Attribute" && FORBIDDEN_ATTRIBUTE_NAMES.has(node.attr)) {
    ctx.report("attr.forbidden_name", node, `forbidden attribute name ${quoted(node.attr)}`);
  }
};
