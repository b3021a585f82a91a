/**
 * Forbidden text in constants and attribute names (scanner.md §6): `string.forbidden` for str
 * constants (docstrings, f-string literal parts and dictionary keys included),
 * `string.forbidden_bytes` for bytes constants read as Latin-1, and `attr.forbidden_name`.
 * @module
 */
import type { PyNode } from "../ast/nodes.js";
import { FORBIDDEN_STRINGS } from "../lists.js";
import { quoted } from "../message.js";
import { type NodeRule, setOf } from "./context.js";

const FORBIDDEN_ATTRIBUTE_NAMES = setOf(FORBIDDEN_STRINGS);

/** The first `FORBIDDEN_STRINGS` entry (in list order) contained in `text`, or `null`. */
export function findForbiddenText(text: string): string | null {
  for (const entry of FORBIDDEN_STRINGS) if (text.includes(entry)) return entry;
  return null;
}

/** Bytes as Latin-1 code points, the way the project checks bytes constants. */
export function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

export const checkStringRules: NodeRule = (node: PyNode, _edge, ctx) => {
  if (node.kind === "Constant") {
    const value = node.value;
    if (value.type === "str") {
      const found = findForbiddenText(value.value);
      if (found !== null) ctx.report("string.forbidden", node, `string contains forbidden text ${quoted(found)}`);
    } else if (value.type === "bytes") {
      const found = findForbiddenText(latin1(value.value));
      if (found !== null) ctx.report("string.forbidden_bytes", node, `bytes constant contains forbidden text ${quoted(found)}`);
    }
  } else if (node.kind === "Attribute" && FORBIDDEN_ATTRIBUTE_NAMES.has(node.attr)) {
    ctx.report("attr.forbidden_name", node, `forbidden attribute name ${quoted(node.attr)}`);
  }
};
