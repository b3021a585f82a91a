/**
 * The scan-facts document of scanner.md §13: what the host saw in the file, in a form CPython's
 * own parser reproduces inside the container (`environments/templar/scan_facts.py`). Agreement of
 * the two digests proves that the tree the host scanned is the tree CPython will execute.
 * @module
 */
import { createHash } from "node:crypto";
import type { Module, NodeKind } from "./ast/nodes.js";
import { visitAll } from "./ast/walk.js";
import { canonicalJson } from "../util/canonical-json.js";

export { canonicalJson };

export const FACTS_VERSION = 1;

/** The CPython node classes counted in `node_counts`; every key is always present. */
export const COUNTED_NODE_KINDS = [
  "Call", "Attribute", "Name", "Constant", "JoinedStr", "FormattedValue", "FunctionDef", "AsyncFunctionDef",
  "Lambda", "ClassDef", "Import", "ImportFrom", "Assign", "AugAssign", "AnnAssign", "NamedExpr", "Delete", "For",
  "AsyncFor", "comprehension", "With", "AsyncWith", "Subscript", "Starred", "Global", "Nonlocal", "Try", "TryStar",
  "ExceptHandler", "Match", "Return", "Yield", "YieldFrom", "Await",
] as const satisfies readonly NodeKind[];

export type CountedNodeKind = (typeof COUNTED_NODE_KINDS)[number];

/** Facts document, version 1 (scanner.md §13.5). Every list is a sorted multiset. */
export interface ScanFacts {
  readonly facts_version: typeof FACTS_VERSION;
  readonly code_sha256: string;
  readonly imports: readonly string[];
  readonly attributes: readonly string[];
  readonly names: readonly string[];
  readonly bindings: readonly string[];
  readonly keywords: readonly string[];
  readonly strings: readonly string[];
  readonly bytes: readonly string[];
  readonly node_counts: Readonly<Record<CountedNodeKind, number>>;
}

/** Orders strings by their UTF-8 bytes, which is code-point order. */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; ) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** SHA-256 of the UTF-16LE code units of a string (lone surrogates included, as `surrogatepass`). */
function utf16leDigest(text: string): string {
  const buffer = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) buffer.writeUInt16LE(text.charCodeAt(i), i * 2);
  return sha256Hex(buffer);
}

function aliasText(name: string, asname: string | null): string {
  return asname === null ? name : `${name} as ${asname}`;
}

/** Computes the facts of a converted module; `code` is the exact bytes that were scanned. */
export function computeFacts(module: Module, code: Uint8Array): ScanFacts {
  const imports: string[] = [];
  const attributes: string[] = [];
  const names: string[] = [];
  const bindings: string[] = [];
  const keywords: string[] = [];
  const strings: string[] = [];
  const bytes: string[] = [];
  const counts = Object.fromEntries(COUNTED_NODE_KINDS.map((k) => [k, 0])) as Record<CountedNodeKind, number>;

  visitAll(module, (node) => {
    if (node.kind in counts) counts[node.kind as CountedNodeKind]++;
    switch (node.kind) {
      case "Import":
        for (const a of node.names) imports.push(`import:${aliasText(a.name, a.asname)}`);
        break;
      case "ImportFrom":
        for (const a of node.names) imports.push(`from:${node.level}:${node.module ?? ""}:${aliasText(a.name, a.asname)}`);
        break;
      case "Attribute":
        attributes.push(node.attr);
        break;
      case "Name":
        names.push(node.id);
        break;
      case "FunctionDef":
      case "AsyncFunctionDef":
        bindings.push(`def:${node.name}`);
        break;
      case "ClassDef":
        bindings.push(`class:${node.name}`);
        break;
      case "arg":
        bindings.push(`arg:${node.arg}`);
        break;
      case "ExceptHandler":
        if (node.name !== null) bindings.push(`except:${node.name}`);
        break;
      case "MatchAs":
      case "MatchStar":
        if (node.name !== null) bindings.push(`match:${node.name}`);
        break;
      case "MatchMapping":
        if (node.rest !== null) bindings.push(`match:${node.rest}`);
        break;
      case "Global":
        for (const n of node.names) bindings.push(`global:${n}`);
        break;
      case "Nonlocal":
        for (const n of node.names) bindings.push(`nonlocal:${n}`);
        break;
      case "keyword":
        keywords.push(node.arg ?? "**");
        break;
      case "Constant":
        if (node.value.type === "str") strings.push(utf16leDigest(node.value.value));
        else if (node.value.type === "bytes") bytes.push(sha256Hex(node.value.value));
        break;
      default:
        break;
    }
  });

  const sorted = (list: string[]) => list.sort(compareUtf8);
  return {
    facts_version: FACTS_VERSION,
    code_sha256: sha256Hex(code),
    imports: sorted(imports),
    attributes: sorted(attributes),
    names: sorted(names),
    bindings: sorted(bindings),
    keywords: sorted(keywords),
    strings: sorted(strings),
    bytes: sorted(bytes),
    node_counts: counts,
  };
}

/** The digest the host and the container compare: SHA-256 of the canonical JSON of the facts. */
export function factsDigest(facts: ScanFacts): string {
  return sha256Hex(canonicalJson(facts));
}
