import { describe, expect, test } from "vitest";
import type { Expr, Module, PyNode } from "../../src/scanner/ast/nodes.js";
import { visitAll } from "../../src/scanner/ast/walk.js";
import { checkConstructedStrings } from "../../src/scanner/rules/constructed-strings.js";
import { cpythonAstMany } from "../helpers/cpython-ast.js";

function hitsOf(tree: PyNode): string[] {
  const hits: string[] = [];
  visitAll(tree, (node) =>
    checkConstructedStrings(node, (rule, at, message) => hits.push(`${rule} ${at.line}:${at.col} ${message}`)),
  );
  return [...new Set(hits)].sort();
}

/** Each source with the exact hits `checkConstructedStrings` must report over its whole tree. */
const CASES: readonly (readonly [string, readonly string[]])[] = [
  // R8 rejected examples
  ["x = 'kcab_f'[::-1]", ["string.constructed 1:5 string constructed via slice contains forbidden text 'f_back'"]],
  ['x = "{}_back".format("f")', ["string.constructed 1:5 string constructed via format contains forbidden text 'f_back'"]],
  [
    "x = (b'__g' + b'lo' + b'bals__').decode()",
    [
      "string.constructed 1:5 string constructed via bytes decode contains forbidden text '__globals__'",
      "string.constructed 1:6 string constructed via concatenation contains forbidden text '__globals__'",
    ],
  ],
  [
    "bytes((95, 95, 103, 108, 111, 98, 97, 108, 115, 95, 95)).decode()",
    [
      "string.constructed 1:1 string constructed via bytes contains forbidden text '__globals__'",
      "string.constructed 1:1 string constructed via bytes decode contains forbidden text '__globals__'",
    ],
  ],
  ['str(b"__globals__", "ascii")', ["string.constructed 1:1 string constructed via str(bytes) contains forbidden text '__globals__'"]],
  [
    "f\"{'__glo'!s}{'bals__'}\"",
    ["string.constructed 1:1 string constructed via f-string contains forbidden text '__globals__'"],
  ],
  ['"".join(c for c in ["__glo", "bals__"])', ["string.constructed 1:1 string constructed via join contains forbidden text '__globals__'"]],
  ['"__GLOBALS__".lower()', ["string.constructed 1:1 string constructed via lower contains forbidden text '__globals__'"]],
  ['"__glo".__add__("bals__")', ["string.constructed 1:1 string constructed via __add__ contains forbidden text '__globals__'"]],
  ['b"x".decode("cp037")', ["string.unresolvable 1:1 cannot evaluate constant bytes decode exactly: unsupported codec 'cp037'"]],
  // R8 accepted examples
  ['"%d" % 5', []],
  ['"=" * 60', []],
  ['"{:>10}".format("step")', []],
  ['f"{loss:.4f}"', []],
  ['"a,b".split(",")', []],
  // §7.8 gaps, each caught by the evaluator
  ['"__gloXbals__".replace("X", "")', ["string.constructed 1:1 string constructed via replace contains forbidden text '__globals__'"]],
  ['"".join(map(str, ["__glo", "bals__"]))', ["string.constructed 1:1 string constructed via join contains forbidden text '__globals__'"]],
  ["f\"{'__glo':>5}{'bals__'}\"", ["string.constructed 1:1 string constructed via f-string contains forbidden text '__globals__'"]],
  ["'_'.join('xC')", ["string.constructed 1:1 string constructed via join contains forbidden text '_C'"]],
  ["'_' * 2 + 'get' + 2 * '_'", ["string.constructed 1:1 string constructed via concatenation contains forbidden text '__get__'"]],
  // values assembled from variables stay out of reach (documented gap, R8: never evaluated)
  ['a = "__glo"\nb = a + "bals__"', []],
  // §7.2 reference semantics
  [
    "bytes([95, 95, 109, 97, 105, 110, 95, 95]).decode()",
    [
      "string.constructed 1:1 forbidden string constructed via bytes decode: contains '__main__'",
      "string.constructed 1:1 string constructed via bytes contains forbidden text '__main__'",
    ],
  ],
  [
    "bytearray([95, 95, 109, 97, 105, 110, 95, True + 94]).decode('ascii')",
    [
      "string.constructed 1:1 string constructed via bytearray contains forbidden text '__main__'",
      "string.constructed 1:1 string constructed via bytes decode contains forbidden text '__main__'",
    ],
  ],
  [
    "bytes([95, 95, 109, 97, 105, 110, 95, 95, True]).decode('ascii', 'strict')",
    [
      "string.constructed 1:1 forbidden string constructed via bytes decode: contains '__main__'",
      "string.constructed 1:1 string constructed via bytes contains forbidden text '__main__'",
    ],
  ],
  [
    "bytes([95, 95, 109, 97, 105, 110, 95, 95]).decode('')",
    [
      "string.constructed 1:1 forbidden string constructed via bytes decode: contains '__main__'",
      "string.constructed 1:1 string constructed via bytes contains forbidden text '__main__'",
      "string.unresolvable 1:1 cannot evaluate constant bytes decode exactly: unsupported codec ''",
    ],
  ],
  [
    "bytes([95, 95, 109, 97, 105, 110, 95, 95]).decode('cp037')",
    [
      "string.constructed 1:1 string constructed via bytes contains forbidden text '__main__'",
      "string.unresolvable 1:1 cannot evaluate constant bytes decode exactly: unsupported codec 'cp037'",
    ],
  ],
  ["b'_C'.decode(enc)", ["string.suspicious_construction 1:1 dynamic .decode(encoding) construction"]],
  ["b'x'.decode(encoding=enc)", ["string.suspicious_construction 1:1 dynamic .decode(encoding) construction"]],
  ["b'x'.decode('utf-8', errs)", ["string.suspicious_construction 1:1 dynamic .decode(..., errors) construction"]],
  ["b'x'.decode(enc, encoding='ascii')", []],
  ["bytes([x]).decode(enc)", []],
  [
    `bytes([${Array.from({ length: 257 }, () => "97").join(", ")}]).decode()`,
    [
      "string.suspicious_construction 1:1 bytes literal too large",
      "string.unresolvable 1:1 cannot evaluate constant bytes exactly: bytes display over 256 elements",
    ],
  ],
  [
    "bytes.fromhex('5f 5f 6d61696e5f5f').decode()",
    [
      "string.constructed 1:1 forbidden string constructed via bytes decode: contains '__main__'",
      "string.constructed 1:1 string constructed via bytes.fromhex contains forbidden text '__main__'",
    ],
  ],
  ["(b'_' + b'C').decode()", ["string.constructed 1:1 forbidden string constructed via bytes decode: contains '_C'", "string.constructed 1:2 string constructed via concatenation contains forbidden text '_C'"]],
  // §7.3
  ["str(bytes(x), enc)", ["string.suspicious_construction 1:1 dynamic str(bytes/bytearray, encoding) construction"]],
  ["str(bytes([95]), 'ascii', errors=e)", ["string.suspicious_construction 1:1 dynamic str(bytes/bytearray, ..., errors) construction"]],
  [
    "str(bytes([95, 67]), 'ascii')",
    [
      "string.constructed 1:1 forbidden string constructed via str(bytes(...)): contains '_C'",
      "string.constructed 1:5 string constructed via bytes contains forbidden text '_C'",
    ],
  ],
  ["str(bytes((95, 67)), 'ascii')", ["string.constructed 1:1 string constructed via str(bytes) contains forbidden text '_C'", "string.constructed 1:5 string constructed via bytes contains forbidden text '_C'"]],
  // §7.4
  ['"".join(["__glo", "bals__"])', ["string.constructed 1:1 forbidden string constructed via str.join(): contains '__globals__'"]],
  ['"".join(reversed("__slabolg__"))', ["string.constructed 1:1 forbidden string constructed via str.join(): contains '__globals__'"]],
  // §7.5
  ['x = "__glo" + "bals__"', ["string.constructed 1:5 forbidden string constructed via concatenation: contains '__globals__'"]],
  ['x = "__main__"', []],
  // §7.6
  ['"%s%s" % ("__glo", "bals__")', ["string.constructed 1:1 forbidden string constructed via %-format: contains '__globals__'"]],
  [
    '"%c%s" % ("_", "C")',
    [
      "string.constructed 1:1 forbidden string constructed via %-format: contains '_C'",
      "string.unresolvable 1:1 cannot evaluate constant %-format exactly: unsupported conversion '%c'",
    ],
  ],
  ['"%s %s" % ("_",)', []],
  // §7.7
  ["f\"{'_'}C\"", ["string.constructed 1:1 forbidden string constructed via f-string: contains '_C'"]],
  // positions count code points
  [
    "x = '\u00e9' + 'kcab_f'[::-1]",
    [
      "string.constructed 1:5 string constructed via concatenation contains forbidden text 'f_back'",
      "string.constructed 1:11 string constructed via slice contains forbidden text 'f_back'",
    ],
  ],
];

describe("checkConstructedStrings", () => {
  const trees = cpythonAstMany(CASES.map(([source]) => source));
  test.each(CASES.map(([source, hits], i) => [source.slice(0, 70), hits, i] as const))("behavior: %s", (_source, hits, i) => {
    expect(hitsOf(trees[i]!)).toEqual([...hits].sort());
  });
});

// ---------------------------------------------------------------- long chains, built without CPython

const at = { line: 1, col: 1 };
const s = (value: string): Expr => ({ kind: "Constant", ...at, value: { type: "str", value } });
const n = (value: number): Expr => ({ kind: "Constant", ...at, value: { type: "int", value: BigInt(value) } });
const binop = (left: Expr, op: string, right: Expr, col: number): Expr => ({ kind: "BinOp", line: 1, col, left, op, right });
const module = (value: Expr): Module => ({ kind: "Module", line: 0, col: 0, body: [{ kind: "Expr", ...at, value }] });

function chain(first: Expr, op: string, rest: readonly Expr[]): Expr {
  return rest.reduce((left, right, i) => binop(left, op, right, i + 2), first);
}

describe("checkConstructedStrings on long chains", () => {
  test("behavior: a 10,000-term concatenation is linear and reported at every enclosing node", () => {
    const terms = Array.from({ length: 10_000 }, (_, i) => s(i === 6000 ? "__glo" : i === 6001 ? "bals__" : "ab"));
    const started = performance.now();
    const hits = hitsOf(module(chain(terms[0]!, "Add", terms.slice(1))));
    expect(performance.now() - started).toBeLessThan(3000);
    // One hit per node: the reference resolver's message comes first.
    expect(hits).toHaveLength(10_000 - 6001);
    expect(hits).toContain("string.constructed 1:6002 forbidden string constructed via concatenation: contains '__globals__'");
    expect(hits).toContain("string.constructed 1:10000 forbidden string constructed via concatenation: contains '__globals__'");
  });

  test("behavior: past 100,000 characters the evaluator fails closed once, and the reference still sees the text", () => {
    const terms = Array.from({ length: 60_000 }, (_, i) => s(i === 59_998 ? "__glo" : i === 59_999 ? "bals__" : "ab"));
    const hits = hitsOf(module(chain(terms[0]!, "Add", terms.slice(1))));
    expect(hits.filter((hit) => hit.startsWith("string.unresolvable"))).toEqual([
      "string.unresolvable 1:50001 cannot evaluate constant concatenation exactly: result over 100000 characters",
    ]);
    expect(hits).toContain("string.constructed 1:60000 forbidden string constructed via concatenation: contains '__globals__'");
  });

  test("behavior: identity chains (`* 1`, `% ()`) reuse their operand's summary", () => {
    const big = binop(s("_"), "Mult", n(99_000), 1);
    const ones = chain(binop(big, "Add", s("C"), 1), "Mult", Array.from({ length: 10_000 }, () => n(1)));
    const empty: Expr = { kind: "Tuple", ...at, elts: [], ctx: "Load" };
    const mods = chain(ones, "Mod", Array.from({ length: 10_000 }, () => empty));
    const started = performance.now();
    const hits = hitsOf(module(mods));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(hits.some((hit) => hit.includes("via %-format contains forbidden text '_C'"))).toBe(true);
  });
});
