/**
 * A plain JavaScript copy of the tree-sitter tree. Each property read on a web-tree-sitter `Node`
 * crosses into WebAssembly and allocates; the converter reads each node many times, which made a
 * dense 500 KB file take seconds. One cursor walk copies the tree into `SyntaxNode`s with the subset
 * of the `Node` API the scanner uses, and everything after it is plain JavaScript.
 * @module
 */
import type { Tree } from "web-tree-sitter";

export class SyntaxNode {
  readonly children: SyntaxNode[] = [];
  private namedCache: SyntaxNode[] | null = null;

  constructor(
    readonly id: number,
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
    /** The field this node fills in its parent, if any. */
    readonly fieldName: string | null,
    readonly parent: SyntaxNode | null,
    private readonly source: string,
  ) {}

  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }

  get namedChildren(): SyntaxNode[] {
    this.namedCache ??= this.children.filter((child) => child.isNamed);
    return this.namedCache;
  }

  get childCount(): number {
    return this.children.length;
  }

  get firstChild(): SyntaxNode | null {
    return this.children[0] ?? null;
  }

  child(index: number): SyntaxNode | null {
    return this.children[index] ?? null;
  }

  fieldNameForChild(index: number): string | null {
    return this.children[index]?.fieldName ?? null;
  }

  childForFieldName(name: string): SyntaxNode | null {
    return this.children.find((child) => child.fieldName === name) ?? null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    return this.children.filter((child) => child.fieldName === name);
  }

  /** Every descendant (this node excluded) of the given type(s), in document order. */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const wanted = new Set(typeof types === "string" ? [types] : types);
    const found: SyntaxNode[] = [];
    const stack = [...this.children].reverse();
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (wanted.has(node.type)) found.push(node);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
    return found;
  }
}

/**
 * Copies a parsed tree. `source` is the text that was parsed (what `text` slices). Node ids are
 * unique within the copy.
 */
export function copyTree(tree: Tree, source: string): SyntaxNode {
  const language = tree.language;
  // Per node, read only what changes: whether a type is named is a property of the type, and a
  // node can only be MISSING in a tree that has errors.
  const namedByType = new Map<number, boolean>();
  const mayHaveMissing = tree.rootNode.hasError;
  const cursor = tree.walk();
  let nextId = 0;
  const make = (parent: SyntaxNode | null) => {
    const typeId = cursor.nodeTypeId;
    let isNamed = namedByType.get(typeId);
    if (isNamed === undefined) {
      isNamed = cursor.nodeIsNamed;
      namedByType.set(typeId, isNamed);
    }
    const type = language.types[typeId] ?? cursor.nodeType;
    const fieldId = cursor.currentFieldId;
    const start = cursor.startIndex;
    // Anonymous tokens are read by type only; their end is not needed.
    const end = isNamed || mayHaveMissing ? cursor.endIndex : start + type.length;
    return new SyntaxNode(
      nextId++,
      type,
      isNamed,
      mayHaveMissing && cursor.nodeIsMissing,
      start,
      end,
      fieldId === 0 ? null : (language.fields[fieldId] ?? null),
      parent,
      source,
    );
  };
  const root = make(null);
  let current = root;
  try {
    if (!cursor.gotoFirstChild()) return root;
    for (;;) {
      const node = make(current);
      current.children.push(node);
      // Escape sequences inside a string's content are never read (the body is decoded from the
      // text), so their subtrees are not copied: a long literal of escapes would cost a node each.
      if (node.type !== "string_content" && cursor.gotoFirstChild()) {
        current = node;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || current.parent === null) return root;
        current = current.parent;
      }
    }
  } finally {
    cursor.delete();
  }
}
