import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { Expr, PyNode } from "../../src/scanner/ast/nodes.js";
import { childNodes } from "../../src/scanner/ast/walk.js";
import { evaluateConstant, type PyValue } from "../../src/scanner/constant/index.js";
import { cpythonAstMany, cpythonEvalMany, type CPythonResult } from "../helpers/cpython-ast.js";

const ALPHABET = ["a", "b", "B", "_", " ", "%", "{", "}", "x", "\\xe9", "\\u3000", "\\U0001f600", "\\ud800", "-", "0"];

const literal = fc
  .array(fc.constantFrom(...ALPHABET), { maxLength: 5 })
  .map((chars) => `'${chars.join("")}'`);
const smallInt = fc.integer({ min: -4, max: 6 }).map(String);
const intExpr = fc.oneof(smallInt, fc.tuple(smallInt, smallInt).map(([a, b]) => `(${a} + ${b})`), smallInt.map((a) => `(-${a})`));
const bound = fc.oneof(fc.constant(""), smallInt);

/** Random compositions of the folded str constructions (R8), as Python source. */
const strExpr: fc.Arbitrary<string> = fc.letrec<{ s: string }>((tie) => ({
  s: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    literal,
    fc.tuple(tie("s"), tie("s")).map(([a, b]) => `(${a} + ${b})`),
    fc.tuple(tie("s"), intExpr).map(([a, n]) => `(${a} * ${n})`),
    fc.tuple(tie("s"), bound, bound, fc.constantFrom("", "1", "-1", "2", "-2", "3")).map(
      ([a, i, j, k]) => `${a}[${i}:${j}${k === "" ? "" : `:${k}`}]`,
    ),
    fc.tuple(tie("s"), intExpr).map(([a, i]) => `${a}[${i}]`),
    fc.tuple(fc.constantFrom("%s", "%5s|", "%-4s", "%.2s", "<%3.1s>"), tie("s")).map(([f, a]) => `('${f}' % (${a},))`),
    fc.tuple(fc.constantFrom("%d", "%05d", "%-3d|", "%s"), intExpr).map(([f, n]) => `('${f}' % ${n})`),
    fc.tuple(fc.constantFrom("{}", "{:>4}", "{!s:<3}", "{:_^5}", "{:.1}", "{0}{0}"), tie("s")).map(([f, a]) => `'${f}'.format(${a})`),
    fc.tuple(fc.constantFrom("{:03}", "{:>4d}", "{:=5}", "{}"), intExpr).map(([f, n]) => `'${f}'.format(${n})`),
    fc.tuple(tie("s"), fc.constantFrom("lower", "upper", "swapcase", "title", "capitalize", "casefold", "strip", "lstrip", "rstrip")).map(
      ([a, m]) => `${a}.${m}()`,
    ),
    fc.tuple(tie("s"), fc.constantFrom("strip('a_')", "replace('a', 'xy')", "replace('', '.', 2)", "replace('_', '', 1)", "removeprefix('a')", "removesuffix('_')")).map(
      ([a, m]) => `${a}.${m}`,
    ),
    fc.tuple(tie("s"), fc.constantFrom("zfill", "ljust", "rjust", "center"), fc.integer({ min: -1, max: 8 })).map(
      ([a, m, n]) => (m === "zfill" ? `${a}.zfill(${n})` : `${a}.${m}(${n}, '*')`),
    ),
    fc.tuple(tie("s"), tie("s")).map(([a, b]) => `'-'.join([${a}, ${b}])`),
    tie("s").map((a) => `''.join(reversed(${a}))`),
    fc.tuple(tie("s"), tie("s")).map(([a, b]) => `''.join(c for c in (${a}, ${b}))`),
    fc.tuple(tie("s"), intExpr).map(([a, n]) => `','.join(map(str, [${a}, ${n}]))`),
    tie("s").map((a) => `'|'.join(${a})`),
    fc.tuple(tie("s"), fc.constantFrom("utf-8", "utf-16", "utf-32-be", "latin-1")).map(([a, c]) => `${a}.encode('${c}').decode('${c}')`),
    tie("s").map((a) => `str(${a}.encode(), 'utf-8')`),
    fc.tuple(tie("s"), tie("s")).map(([a, b]) => `${a}.__add__(${b})`),
    fc.tuple(tie("s"), intExpr).map(([a, n]) => `${a}.__getitem__(${n})`),
  ),
})).s;

function show(value: PyValue | { type: "other"; repr: string }): string {
  if (value.type === "bytes") return `b[${Array.from(value.value).join(",")}]`;
  if (value.type === "other") return `other ${value.repr}`;
  return `${value.type} ${JSON.stringify(typeof value.value === "bigint" ? value.value.toString() : value.value)}`;
}

/** Whether some node below `root` is unresolvable (which makes `root` dynamic). */
function hasUnresolvablePart(root: PyNode): boolean {
  return childNodes(root).some(
    (child) => (child.kind !== "keyword" && child.kind !== "comprehension" && evaluateConstant(child as Expr).kind === "unresolvable") || hasUnresolvablePart(child),
  );
}

const describeResult = (result: CPythonResult): string => ("error" in result ? `raises ${result.error}` : show(result.value));

describe("evaluateConstant on random compositions", () => {
  const sources = fc.sample(strExpr, { numRuns: 600, seed: 20240611 });
  const trees = cpythonAstMany(sources);
  const python = cpythonEvalMany(sources);

  test("behavior: every value equals CPython's, and every dynamic outcome is a CPython error", () => {
    const kinds = { value: 0, unresolvable: 0, dynamic: 0 };
    sources.forEach((source, i) => {
      const statement = trees[i]!.body[0]!;
      if (statement.kind !== "Expr") throw new Error("not an expression");
      const evaluation = evaluateConstant(statement.value);
      kinds[evaluation.kind]++;
      const cpython = describeResult(python[i]!);
      const context = `${source} -> CPython ${cpython}`;
      if (evaluation.kind === "value") {
        // The tree cannot tell a non-BMP character from two escaped surrogates: where CPython raises
        // under one reading, the value of the other is given (values.ts, `bothReadings`).
        const ambiguous = /\\U0001f600|\\ud800/.test(source);
        if (!(cpython.startsWith("raises") && ambiguous)) expect(show(evaluation.value), context).toBe(cpython);
      } else if (evaluation.kind === "dynamic") {
        if (!hasUnresolvablePart(statement.value)) expect(cpython, context).toMatch(/^raises /);
      } else {
        expect(evaluation.reason, context).toMatch(/surrogate|non-ASCII|unsupported format spec|encode error|decode error|over 100000/);
      }
    });
    expect(kinds.value).toBeGreaterThan(sources.length / 2);
  });
});
