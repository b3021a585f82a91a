import { describe, expect, test } from "vitest";
import type { Module } from "../../src/scanner/ast/nodes.js";
import { referencePercent, referenceResolvers, type ResolverOutcome } from "../../src/scanner/constant/index.js";
import { cpythonAstMany, cpythonEvalMany } from "../helpers/cpython-ast.js";

/** The outcomes at the root expression of a one-expression source. */
function outcomesOf(tree: Module): ResolverOutcome[] {
  const statement = tree.body[0]!;
  if (statement.kind !== "Expr") throw new Error("not an expression");
  return referenceResolvers(statement.value);
}

const string = (label: string, value: string): ResolverOutcome => ({ kind: "string", label, value });
const suspicious = (message: string): ResolverOutcome => ({ kind: "suspicious", message });

const CASES: readonly (readonly [string, readonly ResolverOutcome[]])[] = [
  // §7.2
  ["bytes([104, 105]).decode()", [string("bytes decode", "hi")]],
  ["bytearray([104, True]).decode('latin-1')", [string("bytes decode", "h\x01")]],
  ["bytes([104, 256]).decode()", []],
  ["bytes([104, x]).decode()", []],
  ["bytes((104, 105)).decode()", []],
  ["bytes([104], x).decode()", []],
  ["bytes.fromhex('68 69').decode()", [string("bytes decode", "hi")]],
  ["bytearray.fromhex('6869').decode('ascii')", [string("bytes decode", "hi")]],
  ["bytes.fromhex('6 8').decode()", []],
  ["(b'h' + b'i').decode()", [string("bytes decode", "hi")]],
  ["(b'h' + b'i' + b'!').decode()", []],
  ["b'hi'.decode('utf_16_le')", [string("bytes decode", "\u6968")]],
  ["b'\\xff'.decode()", []],
  ["b'hi'.decode('cp037')", []],
  ["b'hi'.decode('utf-8', 'ignore')", []],
  ["b'hi'.decode('', '')", [string("bytes decode", "hi")]],
  ["b'hi'.decode(x)", [suspicious("dynamic .decode(encoding) construction")]],
  ["b'hi'.decode('ascii', x)", [suspicious("dynamic .decode(..., errors) construction")]],
  ["b'hi'.decode(x, errors='strict', encoding='ascii')", [string("bytes decode", "hi")]],
  ["x.decode(y)", []],
  // §7.3
  ["str(bytes([104, 105]), 'ascii')", [string("str(bytes(...))", "hi")]],
  ["str(bytes([104, 105]))", [string("str(bytes(...))", "hi")]],
  ["str(bytearray([104]), encoding='latin1', errors='strict')", [string("str(bytes(...))", "h")]],
  ["str(bytes(x), y)", [suspicious("dynamic str(bytes/bytearray, encoding) construction")]],
  ["str(bytes(x), 'ascii', y)", [suspicious("dynamic str(bytes/bytearray, ..., errors) construction")]],
  ["str(bytes((104,)), 'ascii')", []],
  ["str(b'hi', 'ascii')", []],
  // §7.4
  ["'-'.join(['a', 'b'])", [string("str.join()", "a-b")]],
  ["'-'.join(('a', 'b'))", [string("str.join()", "a-b")]],
  ["'-'.join([])", []],
  ["'-'.join(['a', 1])", []],
  ["'-'.join(reversed('ab'))", [string("str.join()", "b-a")]],
  ["'-'.join(c for c in ['a'])", []],
  ["'-'.join(map(str, ['a']))", []],
  ["x.join(['a'])", []],
  // §7.5
  ["'a' + 'b' + 'c'", [string("concatenation", "abc")]],
  ["'a' + x", []],
  ["'a' * 2", []],
  // §7.6
  ["'%s-%s' % ('a', 'b')", [string("%-format", "a-b")]],
  ["'%r' % 'a'", [string("%-format", "'a'")]],
  ["'%s' % ('a', 'b')", []],
  ["'%d' % '1'", []],
  ["'%s' % 1", []],
  // §7.7
  ["f\"{'a'}b\"", [string("f-string", "ab")]],
  ["f\"{'a'!s}\"", []],
  ["f\"{'a':>3}\"", []],
  ["f\"{x}\"", []],
  ["f\"{x:{'>'}3}\"", []],
];

describe("referenceResolvers", () => {
  const trees = cpythonAstMany(CASES.map(([source]) => source));
  test.each(CASES.map(([source, outcomes], i) => [source, outcomes, i] as const))("behavior: %s", (_source, outcomes, i) => {
    expect(outcomesOf(trees[i]!)).toEqual(outcomes);
  });

  test("behavior: a format spec is itself an f-string the resolver reads (§7.7)", () => {
    const [tree] = cpythonAstMany(["f\"{x:{'_'}C}\""]);
    const statement = tree!.body[0]!;
    if (statement.kind !== "Expr" || statement.value.kind !== "JoinedStr") throw new Error("unexpected tree");
    const field = statement.value.values[0]!;
    if (field.kind !== "FormattedValue") throw new Error("unexpected tree");
    expect(referenceResolvers(field.format_spec!)).toEqual([string("f-string", "_C")]);
  });

  test("behavior: a plain str constant resolves to itself by concatenation (§7.5)", () => {
    const [tree] = cpythonAstMany(["'x'"]);
    const statement = tree!.body[0]!;
    if (statement.kind !== "Expr") throw new Error("unexpected tree");
    expect(referenceResolvers(statement.value)).toEqual([string("concatenation", "x")]);
  });
});

describe("referencePercent agrees with CPython for str arguments", () => {
  const formats: readonly (readonly [string, readonly string[]])[] = [
    ["%s", ["a"]], ["%5s|", ["ab"]], ["%-5s|", ["ab"]], ["%05s", ["a"]], ["%.1s", ["ab"]], ["%.s", ["ab"]],
    ["%r", ["a'b"]], ["%r", ['a"b']], ["%r", ["a'\"b"]], ["%r", ["\\\n\t\x7f\u00e9\u200b\ud800\u{1f600}"]],
    ["%a", ["\u00e9\u{1f600}"]], ["%5.2r", ["ab"]], ["%c", ["x"]], ["%c", ["xy"]], ["%c", ["\u{1f600}"]], ["%-3c|", ["x"]],
    ["%%%s", ["a"]], ["%ls", ["a"]], ["%lls", ["a"]], ["%(a)s", ["a"]], ["%*s", ["a", "b"]], ["%d", ["1"]], ["%x", ["1"]],
    ["%s", []], ["%s", ["a", "b"]], ["%", []], ["%5%", ["a"]], ["%+ #s", ["a"]], ["abc", []], ["abc", ["a"]], ["%y", ["a"]],
  ];
  const sources = formats.map(([fmt, args]) => `${JSON.stringify(fmt)} % (${args.map((arg) => JSON.stringify(arg)).join(", ")}${args.length === 1 ? "," : ""})`);
  const python = cpythonEvalMany(sources);
  test.each(formats.map(([fmt, args], i) => [sources[i]!, fmt, args, i] as const))("behavior: %s", (_source, fmt, args, i) => {
    const result = python[i]!;
    const expected = "error" in result ? null : result.value.type === "str" ? result.value.value : "non-str";
    expect(referencePercent(fmt, args)).toBe(expected);
  });
});
