/**
 * The get_strategy() literal rule of scanner.md §9 (strategy.missing, strategy.topology_mismatch),
 * the `strategy` value of the report (§2.3), and the SDK helpers parseStrategy and checkTopology.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Scanner, checkTopology, parseStrategy } from "../../../src/scanner/index.js";
import { expectAccepted, expectNoRule, expectRule, hitsOf, loadScanner, ruleIds } from "../helpers.js";

let scanner: Scanner;
beforeAll(async () => {
  scanner = await loadScanner();
});

const INNER = "def inner_steps(model, data_iterator, optimizer, num_steps, device, num_gpus=1):\n    return None\n\n\n";
/** A file made of a valid inner_steps (lines 1-2, then two blank lines) followed by `rest` from line 5. */
const file = (rest: string) => `${INNER}${rest}\n`;
const scan = (rest: string, gpus: number) => scanner.scan(file(rest), { gpus });
const getStrategy = (body: string) => `def get_strategy():\n${body
  .split("\n")
  .map((line) => `    ${line}`)
  .join("\n")}`;

const MISSING_MESSAGE = 'Multi-GPU evaluation requires get_strategy() in train.py returning "ddp"/"fsdp"/"tp" or {"dp_size": N, "tp_size": M}';

describe("§9 examples with N = 4", () => {
  const accepted: readonly (readonly [string, string, number, number])[] = [
    ['return "FSDP"', getStrategy('return "FSDP"'), 4, 1],
    ['return {"dp_size": 2, "tp_size": 2, "pp": 3}', getStrategy('return {"dp_size": 2, "tp_size": 2, "pp": 3}'), 2, 2],
    ['return {"dp_size": True, "tp_size": 4}', getStrategy('return {"dp_size": True, "tp_size": 4}'), 1, 4],
    ['a get_strategy method inside a class returning "tp", with no module-level definition', 'class Config:\n    def get_strategy(self):\n        return "tp"', 1, 4],
  ];
  it.each(accepted)("accepts: %s gives the expected topology", (_label, rest, dp, tp) => {
    const report = scan(rest, 4);
    expectAccepted(report);
    expect(report.strategy).toEqual({ dp_size: dp, tp_size: tp });
  });

  it("rejects: S = {...} then return S: strategy.missing at the definition", () => {
    const report = scan(getStrategy('S = {"dp_size": 4, "tp_size": 1}\nreturn S'), 4);
    expect(report.violations.map((v) => [v.rule, v.line, v.col, v.message])).toEqual([["strategy.missing", 5, 1, MISSING_MESSAGE]]);
    expect(report.strategy).toBeNull();
  });

  it("rejects: a return inside if True: only: strategy.missing", () => {
    const report = scan(getStrategy('if True:\n    return "ddp"'), 4);
    expectRule(report, "strategy.missing", [5, 1]);
    expect(report.strategy).toBeNull();
  });

  it('rejects: return {"dp_size": 2, "tp_size": 1}: (2, 1) and strategy.topology_mismatch at the return value', () => {
    const report = scan(getStrategy('return {"dp_size": 2, "tp_size": 1}'), 4);
    expect(report.violations.map((v) => [v.rule, v.line, v.col, v.message])).toEqual([
      ["strategy.topology_mismatch", 6, 12, "dp_size(2) * tp_size(1) = 2 != num_gpus(4)"],
    ]);
    expect(report.strategy).toEqual({ dp_size: 2, tp_size: 1 });
  });
});

describe("§9 string form", () => {
  const cases: readonly (readonly [string, string, number, { dp_size: number; tp_size: number } | null])[] = [
    ['"ddp"', '"ddp"', 4, { dp_size: 4, tp_size: 1 }],
    ['"fsdp"', '"fsdp"', 8, { dp_size: 8, tp_size: 1 }],
    ['"tp"', '"tp"', 2, { dp_size: 1, tp_size: 2 }],
    ['"TP" (case-insensitive)', '"TP"', 4, { dp_size: 1, tp_size: 4 }],
    ['"DdP"', '"DdP"', 4, { dp_size: 4, tp_size: 1 }],
    ["implicit concatenation \"dd\" \"p\"", '"dd" "p"', 4, { dp_size: 4, tp_size: 1 }],
    ["a single-quoted string", "'fsdp'", 4, { dp_size: 4, tp_size: 1 }],
    ["an escaped string \"\\x64dp\"", '"\\x64dp"', 4, { dp_size: 4, tp_size: 1 }],
    ['"ddp " (no whitespace stripping)', '"ddp "', 4, null],
    ['" tp"', '" tp"', 4, null],
    ['an f-string f"ddp" does not count', 'f"ddp"', 4, null],
    ['"pp" (unknown strategy)', '"pp"', 4, null],
    ["fullwidth ＤＤＰ (lower() gives fullwidth letters)", '"ＤＤＰ"', 4, null],
    ['a bytes literal b"ddp"', 'b"ddp"', 4, null],
  ];
  it.each(cases)("behavior: return %s", (_label, value, gpus, expected) => {
    const report = scan(getStrategy(`return ${value}`), gpus);
    expect(report.strategy).toEqual(expected);
    if (expected === null) expectRule(report, "strategy.missing", [5, 1]);
    else expectAccepted(report);
  });
});

describe("§9 dict form", () => {
  const cases: readonly (readonly [string, string, number, { dp_size: number; tp_size: number } | null])[] = [
    ["hex and binary ints", '{"dp_size": 0x2, "tp_size": 0b10}', 4, { dp_size: 2, tp_size: 2 }],
    ["octal ints", '{"dp_size": 0o4, "tp_size": 1}', 4, { dp_size: 4, tp_size: 1 }],
    ["underscores in ints", '{"dp_size": 1_0, "tp_size": 1}', 10, { dp_size: 10, tp_size: 1 }],
    ["bool as int: True, True on one GPU", '{"dp_size": True, "tp_size": True}', 1, { dp_size: 1, tp_size: 1 }],
    ["a later duplicate key overwrites an earlier one", '{"dp_size": 1, "dp_size": 2, "tp_size": 2}', 4, { dp_size: 2, tp_size: 2 }],
    ["a later duplicate key of 0 makes it unacceptable", '{"dp_size": 2, "tp_size": 2, "dp_size": 0}', 4, null],
    ["a **spread entry is ignored", '{**{"dp_size": 1}, "dp_size": 2, "tp_size": 2}', 4, { dp_size: 2, tp_size: 2 }],
    ["a non-str key is ignored", '{1: 2, "dp_size": 4, "tp_size": 1}', 4, { dp_size: 4, tp_size: 1 }],
    ["extra keys are ignored", '{"dp_size": 2, "tp_size": 2, "cp_size": 5}', 4, { dp_size: 2, tp_size: 2 }],
    ["a negative number is an expression, ignored", '{"dp_size": -2, "tp_size": 2}', 4, null],
    ["a value of 0", '{"dp_size": 0, "tp_size": 4}', 4, null],
    ["a float value", '{"dp_size": 2.0, "tp_size": 2}', 4, null],
    ["a string value", '{"dp_size": "2", "tp_size": 2}', 4, null],
    ["a computed value", '{"dp_size": 2 * 1, "tp_size": 2}', 4, null],
    ["a missing tp_size", '{"dp_size": 4}', 4, null],
    ["False reads as 0", '{"dp_size": False, "tp_size": 4}', 4, null],
    ["dict(...) is a call, not a display", 'dict(dp_size=2, tp_size=2)', 4, null],
    ["keys are case-sensitive", '{"DP_SIZE": 2, "TP_SIZE": 2}', 4, null],
  ];
  it.each(cases)("behavior: return %s", (_label, value, gpus, expected) => {
    const report = scan(getStrategy(`return ${value}`), gpus);
    expect(report.strategy).toEqual(expected);
    if (expected === null) expectRule(report, "strategy.missing", [5, 1]);
    else expectAccepted(report);
  });

  it("rejects: arbitrary-precision product in the mismatch message", () => {
    const report = scan(getStrategy('return {"dp_size": 1180591620717411303424, "tp_size": 3}'), 4);
    const [hit] = hitsOf(report, "strategy.topology_mismatch");
    expect(hit?.message).toBe("dp_size(1180591620717411303424) * tp_size(3) = 3541774862152233910272 != num_gpus(4)");
  });

  it("rejects: a product that overflows 2^53 is not rounded to N", () => {
    // 9007199254740993 * 1 = 9007199254740993, which is not 9007199254740992 exactly.
    const report = scan(getStrategy('return {"dp_size": 9007199254740993, "tp_size": 1}'), 4);
    expectRule(report, "strategy.topology_mismatch", [6, 12]);
    expect(hitsOf(report, "strategy.topology_mismatch")[0]!.message).toBe(
      "dp_size(9007199254740993) * tp_size(1) = 9007199254740993 != num_gpus(4)",
    );
  });
});

describe("§9 which return and which definition decide", () => {
  const cases: readonly (readonly [string, string, { dp_size: number; tp_size: number }])[] = [
    ["returns nested in if/try/for/with/inner functions are ignored", getStrategy('if True:\n    return "tp"\ntry:\n    return "tp"\nexcept Exception:\n    pass\nfor _ in []:\n    return "tp"\ndef inner():\n    return "tp"\nreturn "ddp"'), { dp_size: 4, tp_size: 1 }],
    ["a bare return is skipped", getStrategy('return\nreturn "tp"'), { dp_size: 1, tp_size: 4 }],
    ["an unacceptable return is skipped", getStrategy('return make()\nreturn {"dp_size": 1}\nreturn "tp"'), { dp_size: 1, tp_size: 4 }],
    ["the first acceptable top-level return decides", getStrategy('return "tp"\nreturn "ddp"'), { dp_size: 1, tp_size: 4 }],
    [
      "the next definition is searched when one has no acceptable return",
      `${getStrategy("return make()")}\n\n\nclass C:\n    def get_strategy(self):\n        return "tp"`,
      { dp_size: 1, tp_size: 4 },
    ],
    [
      "breadth-first order: a shallower definition wins over an earlier deeper one",
      'def f():\n    if True:\n        def get_strategy():\n            return "ddp"\n    return None\n\n\nclass C:\n    def get_strategy(self):\n        return "tp"',
      { dp_size: 1, tp_size: 4 },
    ],
    [
      "breadth-first order: a module-level definition after a class method",
      'class C:\n    def get_strategy(self):\n        return "tp"\n\n\ndef get_strategy():\n    return "ddp"',
      { dp_size: 4, tp_size: 1 },
    ],
    [
      "breadth-first order: Try finalbody (depth 2) before an ExceptHandler body (depth 3)",
      'try:\n    pass\nexcept Exception:\n    def get_strategy():\n        return "tp"\nfinally:\n    def get_strategy():\n        return "ddp"',
      { dp_size: 4, tp_size: 1 },
    ],
    [
      "breadth-first order: If orelse (depth 2) before a match case body (depth 3)",
      'x = 1\nmatch x:\n    case 1:\n        def get_strategy():\n            return "tp"\nif x:\n    pass\nelse:\n    def get_strategy():\n        return "ddp"',
      { dp_size: 4, tp_size: 1 },
    ],
    [
      "breadth-first order: For body (depth 2) before a nested function's def (depth 3)",
      'def outer():\n    def inner():\n        def get_strategy():\n            return "ddp"\n        return None\n    return None\n\n\nfor _ in []:\n    def get_strategy():\n        return "tp"',
      { dp_size: 1, tp_size: 4 },
    ],
    [
      "an async def get_strategy is not counted",
      'async def get_strategy():\n    return "tp"\n\n\ndef get_strategy():\n    return "ddp"',
      { dp_size: 4, tp_size: 1 },
    ],
  ];
  it.each(cases)("behavior: %s", (_label, rest, expected) => {
    const report = scan(rest, 4);
    expect(report.strategy).toEqual(expected);
    expectNoRule(report, "strategy.missing");
    expectNoRule(report, "strategy.topology_mismatch");
  });

  it("rejects: only an async def get_strategy: strategy.missing at 0:0", () => {
    const report = scan('async def get_strategy():\n    return "tp"', 4);
    expectRule(report, "strategy.missing", [0, 0]);
  });

  it("rejects: strategy.missing is placed at the first definition in walk order", () => {
    const report = scan('class C:\n    def get_strategy(self):\n        return make()\n\n\ndef get_strategy():\n    return make()', 4);
    expect(hitsOf(report, "strategy.missing").map((v) => `${v.line}:${v.col}`)).toEqual(["10:1"]);
  });
});

describe("§9 GPU counts and the N = 1 semantics", () => {
  it("rejects: N > 1 and no get_strategy: strategy.missing at 0:0, strategy null", () => {
    const report = scan("x = 1", 2);
    expect(report.violations.map((v) => [v.rule, v.line, v.col])).toEqual([["strategy.missing", 0, 0]]);
    expect(report.strategy).toBeNull();
  });

  it("accepts: N = 1 and no get_strategy: (1, 1)", () => {
    const report = scan("x = 1", 1);
    expectAccepted(report);
    expect(report.strategy).toEqual({ dp_size: 1, tp_size: 1 });
  });

  it("accepts: N = 1 and no acceptable literal: (1, 1), no strategy.missing", () => {
    const report = scan(getStrategy("return make()"), 1);
    expectAccepted(report);
    expect(report.strategy).toEqual({ dp_size: 1, tp_size: 1 });
  });

  it.each(["ddp", "fsdp", "tp"])('accepts: N = 1 with "%s": (1, 1)', (name) => {
    const report = scan(getStrategy(`return "${name}"`), 1);
    expectAccepted(report);
    expect(report.strategy).toEqual({ dp_size: 1, tp_size: 1 });
  });

  it("rejects: N = 1 still checks the product (dict form)", () => {
    const report = scan(getStrategy('return {"dp_size": 2, "tp_size": 1}'), 1);
    expect(report.violations.map((v) => [v.rule, v.line, v.col, v.message])).toEqual([
      ["strategy.topology_mismatch", 6, 12, "dp_size(2) * tp_size(1) = 2 != num_gpus(1)"],
    ]);
    expect(report.strategy).toEqual({ dp_size: 2, tp_size: 1 });
  });

  it("accepts: a mixed dp x tp topology", () => {
    const report = scan(getStrategy('return {"dp_size": 2, "tp_size": 4}'), 8);
    expectAccepted(report);
    expect(report.strategy).toEqual({ dp_size: 2, tp_size: 4 });
  });

  it("rejects: the mismatch is reported at the deciding return value, after skipped returns", () => {
    const report = scan(getStrategy('return make()\nreturn   {"dp_size": 3, "tp_size": 1}'), 4);
    expectRule(report, "strategy.topology_mismatch", [7, 14]);
  });

  it("behavior: the strategy is reported even when other violations exist (§2.3)", () => {
    const report = scanner.scan(`import os\n${file(getStrategy('return "tp"'))}`, { gpus: 4 });
    expect(report.ok).toBe(false);
    expect(ruleIds(report)).toContain("import.forbidden");
    expect(report.strategy).toEqual({ dp_size: 1, tp_size: 4 });
  });

  it("behavior: the strategy is null when a stop rule ended the scan", () => {
    const report = scanner.scan(`def f(:\n${file(getStrategy('return "tp"'))}`, { gpus: 4 });
    expectRule(report, "syntax.error");
    expect(report.strategy).toBeNull();
  });

  it("error: gpus must be an integer >= 1", () => {
    expect(() => scanner.scan(file(""), { gpus: 0 })).toThrow(RangeError);
    expect(() => scanner.scan(file(""), { gpus: 1.5 })).toThrow(RangeError);
  });

  it("behavior: gpus defaults to 1", () => {
    expect(scanner.scan(file("x = 1")).strategy).toEqual({ dp_size: 1, tp_size: 1 });
  });
});

describe("SDK: parseStrategy and checkTopology", () => {
  it("behavior: parseStrategy reads the named literal", async () => {
    const result = await parseStrategy('def get_strategy():\n    return "tp"\n');
    expect(result.isOk()).toBe(true);
    const literal = result._unsafeUnwrap();
    expect(literal).toMatchObject({ kind: "named", name: "tp" });
  });

  it("behavior: parseStrategy reads the sizes literal as bigints", async () => {
    const literal = (await parseStrategy('def get_strategy():\n    return {"dp_size": 2, "tp_size": 0x2}\n'))._unsafeUnwrap();
    expect(literal).toMatchObject({ kind: "sizes", dp_size: 2n, tp_size: 2n });
  });

  it("behavior: parseStrategy gives null without a literal", async () => {
    expect((await parseStrategy("x = 1\n"))._unsafeUnwrap()).toBeNull();
  });

  it("error: parseStrategy of unparsable source is an UnparsableSource", async () => {
    const result = await parseStrategy("def f(:\n");
    expect(result.isErr()).toBe(true);
    expect(result._unsafeUnwrapErr()).toMatchObject({ type: "UnparsableSource" });
  });

  it("behavior: checkTopology", async () => {
    const literal = (await parseStrategy('def get_strategy():\n    return "tp"\n'))._unsafeUnwrap();
    expect(checkTopology(literal, 4)._unsafeUnwrap()).toEqual({ dp_size: 1, tp_size: 4 });
    expect(checkTopology(null, 1)._unsafeUnwrap()).toEqual({ dp_size: 1, tp_size: 1 });
    expect(checkTopology(null, 4)._unsafeUnwrapErr()).toEqual({ type: "StrategyMissing", message: MISSING_MESSAGE });
    const sizes = (await parseStrategy('def get_strategy():\n    return {"dp_size": 2, "tp_size": 1}\n'))._unsafeUnwrap();
    expect(checkTopology(sizes, 4)._unsafeUnwrapErr()).toEqual({
      type: "TopologyMismatch",
      message: "dp_size(2) * tp_size(1) = 2 != num_gpus(4)",
      strategy: { dp_size: 2, tp_size: 1 },
    });
    expect(() => checkTopology(literal, 0)).toThrow(RangeError);
  });
});
