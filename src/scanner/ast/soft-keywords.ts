/**
 * tree-sitter-python misreads two valid Python 3 forms as statements of other grammars:
 * `type(x).a = b` as a 3.12 `type` alias and `print >> f, x` as a Python 2 print. Where that
 * happens the keyword is renamed to a same-length identifier and the text parsed again; the
 * converter restores the name by offset, so no position moves.
 * @module
 */
import type { SyntaxNode as TsNode } from "./syntax-tree.js";

/** The offsets and names of keywords to restore after a reparse (empty when nothing was misread). */
export function misreadSoftKeywords(root: TsNode): Map<number, string> {
  const renamed = new Map<number, string>();
  for (const statement of root.descendantsOfType(["type_alias_statement", "print_statement"])) {
    if (statement === null) continue;
    const keyword = statement.child(0);
    if (keyword === null) continue;
    if (statement.type === "type_alias_statement") {
      // A real alias names an identifier; `type(` `type.` `type[` are expressions on `type`.
      const left = statement.childForFieldName("left");
      if (left !== null && /^[([.]/.test(left.text)) renamed.set(keyword.startIndex, "type");
    } else if (statement.namedChildren.some((child) => child?.type === "chevron")) {
      renamed.set(keyword.startIndex, "print");
    }
  }
  return renamed;
}

/** The text with each renamed keyword's first letter upper-cased (an ordinary identifier). */
export function maskKeywords(text: string, renamed: ReadonlyMap<number, string>): string {
  let masked = text;
  for (const offset of renamed.keys()) masked = masked.slice(0, offset) + masked[offset]!.toUpperCase() + masked.slice(offset + 1);
  return masked;
}
