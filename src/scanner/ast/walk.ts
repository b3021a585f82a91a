/**
 * Traversal of the converted tree. `walkBreadthFirst` reproduces `ast.walk` (scanner.md §3.2), which
 * decides the one order-sensitive rule (the choice of `get_strategy`); every other rule is
 * order-independent and uses `visitAll`, which also tells each node its parent.
 * @module
 */
import { FIELD_ORDER, type PyNode } from "./nodes.js";

function isNode(value: unknown): value is PyNode {
  return typeof value === "object" && value !== null && "kind" in value && typeof (value as { kind: unknown }).kind === "string";
}

/** The direct children of a node, in CPython's `ast.iter_child_nodes` order. */
export function childNodes(node: PyNode): PyNode[] {
  const children: PyNode[] = [];
  const record = node as unknown as Record<string, unknown>;
  for (const field of FIELD_ORDER[node.kind]) {
    const value = record[field];
    if (Array.isArray(value)) {
      for (const element of value) if (isNode(element)) children.push(element);
    } else if (isNode(value)) {
      children.push(value);
    }
  }
  return children;
}

/** Every node, breadth-first from `root`, exactly as CPython's `ast.walk` yields them. */
export function* walkBreadthFirst(root: PyNode): Generator<PyNode> {
  const queue: PyNode[] = [root];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    yield node;
    for (const child of childNodes(node)) queue.push(child);
  }
}

/** How a node is reached from its parent: the parent and the field name (with the list index). */
export interface Edge {
  readonly parent: PyNode;
  readonly field: string;
  readonly index: number;
}

/**
 * Calls `visit` once for every node with the edge from its parent (`null` for the root). Iterative,
 * so deeply nested (but accepted) files cannot overflow the stack.
 */
export function visitAll(root: PyNode, visit: (node: PyNode, edge: Edge | null) => void): void {
  const stack: [PyNode, Edge | null][] = [[root, null]];
  while (stack.length > 0) {
    const [node, edge] = stack.pop()!;
    visit(node, edge);
    const record = node as unknown as Record<string, unknown>;
    const fields = FIELD_ORDER[node.kind];
    for (let f = fields.length - 1; f >= 0; f--) {
      const field = fields[f]!;
      const value = record[field];
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) {
          const element: unknown = value[i];
          if (isNode(element)) stack.push([element, { parent: node, field, index: i }]);
        }
      } else if (isNode(value)) {
        stack.push([value, { parent: node, field, index: -1 }]);
      }
    }
  }
}
