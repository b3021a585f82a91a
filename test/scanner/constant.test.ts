import { describe, expect, test } from "vitest";
import type { Expr } from "../../src/scanner/ast/nodes.js";
import { evaluateConstant, type Evaluation, type PyValue } from "../../src/scanner/constant/index.js";
import { cpythonAstMany, cpythonEvalMany, type CPythonResult } from "../helpers/cpython-ast.js";
import { GENERATED, TABLE } from "./constant-table.js";

const rows = [...TABLE.split("\n"), ...GENERATED]
  .filter((line) => line !== "" && !line.startsWith("#"))
  .map((line) => ({ expectation: line[0] as "V" | "U" | "E" | "D" | "X", source: line.slice(2) }));

const trees = cpythonAstMany(rows.map((row) => row.source));
const python = cpythonEvalMany(rows.map((row) => row.source));

function expressionOf(index: number): Expr {
  const statement = trees[index]!.body[0]!;
  if (statement.kind !== "Expr") throw new Error("not an expression");
  return statement.value;
}

function show(value: PyValue | { type: "other"; repr: string }): string {
  if (value.type === "bytes") return `b[${Array.from(value.value).join(",")}]`;
  if (value.type === "other") return `other ${value.repr}`;
  return `${value.type} ${JSON.stringify(typeof value.value === "bigint" ? value.value.toString() : value.value)}`;
}

function describeResult(result: CPythonResult): string {
  return "error" in result ? `raises ${result.error}` : show(result.value);
}

function describeEvaluation(evaluation: Evaluation): string {
  if (evaluation.kind === "value") return show(evaluation.value);
  return evaluation.kind === "unresolvable" ? `unresolvable (${evaluation.reason})` : "dynamic";
}

describe("evaluateConstant agrees with CPython 3.11", () => {
  test("args: the table has at least 150 rows", () => {
    expect(rows.length).toBeGreaterThanOrEqual(150);
  });

  test.each(rows.map((row, index) => [row.expectation, row.source.slice(0, 60), index] as const))(
    "behavior: %s %s",
    (expectation, _label, index) => {
      const evaluation = evaluateConstant(expressionOf(index));
      const actual = describeEvaluation(evaluation);
      const cpython = describeResult(python[index]!);
      switch (expectation) {
        case "V":
          expect(actual).toBe(cpython);
          break;
        case "E":
          expect(cpython).toMatch(/^raises /);
          expect(actual).toBe("dynamic");
          break;
        case "U":
          expect(evaluation.kind, actual).toBe("unresolvable");
          break;
        case "D":
          expect(actual).toBe("dynamic");
          break;
        case "X":
          expect(cpython).toMatch(/^raises /);
          expect(evaluation.kind).toBe("value");
          break;
      }
    },
  );
});

describe("evaluateConstant constructions", () => {
  const cases: readonly (readonly [string, string])[] = [
    ["'kcab_f'[::-1]", "slice"],
    ["'abc'[0]", "subscript"],
    ["'a' + 'b'", "concatenation"],
    ["'a' * 2", "repetition"],
    ["'%s' % 'a'", "%-format"],
    ["'{}'.format('a')", "format"],
    ["''.join(['a'])", "join"],
    ["'A'.lower()", "lower"],
    ["'a'.replace('a', 'b')", "replace"],
    ["'a'.__add__('b')", "__add__"],
    ["bytes([97])", "bytes"],
    ["bytearray((97,))", "bytearray"],
    ["bytes.fromhex('61')", "bytes.fromhex"],
    ["b'a'.decode()", "bytes decode"],
    ["str(b'a', 'ascii')", "str(bytes)"],
    ["f\"{'a'}\"", "f-string"],
    ["'a'", "constant"],
    ["b'x'.decode('cp037')", "bytes decode"],
    ["str(b'x')", "str(bytes)"],
  ];
  const parsed = cpythonAstMany(cases.map(([source]) => source));
  test.each(cases.map(([source, construction], i) => [source, construction, i] as const))(
    "behavior: %s is named %s",
    (_source, construction, i) => {
      const statement = parsed[i]!.body[0]!;
      if (statement.kind !== "Expr") throw new Error("not an expression");
      const evaluation = evaluateConstant(statement.value);
      expect(evaluation.kind === "dynamic" ? null : evaluation.construction).toBe(construction);
    },
  );

  test("behavior: an operand that is unresolvable makes the enclosing construction dynamic", () => {
    const [tree] = cpythonAstMany(["(b'x'.decode('cp037') + 'a').upper()"]);
    const statement = tree!.body[0]!;
    if (statement.kind !== "Expr" || statement.value.kind !== "Call") throw new Error("unexpected tree");
    expect(evaluateConstant(statement.value).kind).toBe("dynamic");
    const concatenation = statement.value.func.kind === "Attribute" ? statement.value.func.value : null;
    expect(evaluateConstant(concatenation!).kind).toBe("dynamic");
  });

  test("behavior: the unresolvable reason names the codec", () => {
    const [tree] = cpythonAstMany(["b'x'.decode('cp037')"]);
    const statement = tree!.body[0]!;
    if (statement.kind !== "Expr") throw new Error("unexpected tree");
    expect(evaluateConstant(statement.value)).toEqual({
      kind: "unresolvable",
      construction: "bytes decode",
      reason: "unsupported codec 'cp037'",
    });
  });
});
