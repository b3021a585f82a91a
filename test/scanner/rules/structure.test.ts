/**
 * The structure rules of scanner.md §8: the first `def inner_steps` in breadth-first order, its
 * positional-or-keyword arity (reference), and the project's module-level and keyword checks.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Scanner } from "../../../src/scanner/index.js";
import { expectAccepted, expectNoRule, expectRule, hitsOf, loadScanner } from "../helpers.js";

let scanner: Scanner;
beforeAll(async () => {
  scanner = await loadScanner();
});

const STRATEGY = '\n\ndef get_strategy():\n    return "ddp"\n';
/** A file made of `body` followed by a valid get_strategy. */
const scan = (body: string) => scanner.scan(`${body}\n${STRATEGY}`, { gpus: 1 });

const FULL = "model, data_iterator, optimizer, num_steps, device, num_gpus=1";

describe("structure.missing_inner_steps", () => {
  it("rejects: no inner_steps at all, at 0:0 with the reference message", () => {
    const report = scan("import torch");
    expectRule(report, "structure.missing_inner_steps", [0, 0]);
    expect(hitsOf(report, "structure.missing_inner_steps")[0]!.message).toBe("Missing required function: inner_steps");
  });

  const rejected: readonly (readonly [string, string])[] = [
    ["an async def inner_steps", `async def inner_steps(${FULL}):\n    return None`],
    ["a lambda bound to inner_steps", "inner_steps = lambda model, data_iterator, optimizer, num_steps, device, num_gpus=1: None"],
    ["a class named inner_steps", "class inner_steps:\n    pass"],
    ["a differently named function", `def inner_step(${FULL}):\n    return None`],
  ];
  it.each(rejected)("rejects: %s", (_label, body) => {
    expectRule(scan(body), "structure.missing_inner_steps", [0, 0]);
  });

  it("accepts: a module-level def inner_steps", () => {
    expectAccepted(scan(`def inner_steps(${FULL}):\n    return None`));
  });
});

describe("structure.inner_steps_arity (reference: positional-or-keyword parameters only)", () => {
  const rejected: readonly (readonly [string, string, number])[] = [
    ["def inner_steps(*a, **k) has 0 args", "def inner_steps(*a, **k):\n    return None", 0],
    ["a 4-parameter definition", "def inner_steps(model, data_iterator, optimizer, num_steps, **k):\n    return None", 4],
    ["positional-only parameters do not count", "def inner_steps(model, data_iterator, optimizer, num_steps, device, /, num_gpus=1, **k):\n    return None", 1],
    ["keyword-only parameters do not count", "def inner_steps(model, *, data_iterator, optimizer, num_steps, device, num_gpus=1):\n    return None", 1],
    ["no parameters", "def inner_steps():\n    return None", 0],
  ];
  it.each(rejected)("rejects: %s", (_label, body, count) => {
    const report = scan(body);
    expectRule(report, "structure.inner_steps_arity", [1, 1]);
    expect(hitsOf(report, "structure.inner_steps_arity")[0]!.message).toBe(`inner_steps has ${count} args, expected at least 5`);
  });

  it("rejects: the first definition in walk order decides (a later full definition does not help)", () => {
    const report = scan(`def inner_steps(a, b):\n    return None\n\ndef inner_steps(${FULL}):\n    return None`);
    expectRule(report, "structure.inner_steps_arity", [1, 1]);
  });

  it("rejects: the position is the def, not its decorator", () => {
    const report = scan("import functools\n@functools.lru_cache()\ndef inner_steps(a, **k):\n    return None");
    expectRule(report, "structure.inner_steps_arity", [3, 1]);
  });

  const accepted: readonly (readonly [string, string])[] = [
    ["exactly 5 positional-or-keyword parameters plus **kwargs", "def inner_steps(model, data_iterator, optimizer, num_steps, device, **kwargs):\n    return None"],
    ["6 parameters", "def inner_steps(model, data_iterator, optimizer, num_steps, device, num_gpus):\n    return None"],
  ];
  it.each(accepted)("accepts: %s", (_label, body) => {
    expectAccepted(scan(body));
  });
});

describe("structure.inner_steps_not_module_level [PROJECT]", () => {
  const rejected: readonly (readonly [string, string, number, number])[] = [
    ["a def nested in a function", `def outer():\n    def inner_steps(${FULL}):\n        return None\n    return inner_steps`, 2, 5],
    ["a method of a class", `class Trainer:\n    def inner_steps(self, ${FULL}):\n        return None`, 2, 5],
    ["a def inside a module-level if", `if True:\n    def inner_steps(${FULL}):\n        return None`, 2, 5],
    ["a def inside try", `try:\n    def inner_steps(${FULL}):\n        return None\nexcept ImportError:\n    pass`, 2, 5],
    ["a module-level async def and a nested def (the first FunctionDef is nested)", `async def inner_steps(${FULL}):\n    return None\nclass C:\n    def inner_steps(self, ${FULL}):\n        return None`, 4, 5],
  ];
  it.each(rejected)("rejects: %s", (_label, body, line, col) => {
    const report = scan(body);
    expectRule(report, "structure.inner_steps_not_module_level", [line, col]);
    expectNoRule(report, "structure.missing_inner_steps");
  });

  it("accepts: a module-level def after a nested one (breadth-first: the module-level one is met first)", () => {
    const report = scan(`class C:\n    def inner_steps(self, ${FULL}):\n        return None\n\ndef inner_steps(${FULL}):\n    return None`);
    expectAccepted(report);
  });
});

describe("structure.inner_steps_keywords [PROJECT]", () => {
  const rejected: readonly (readonly [string, string])[] = [
    ["def inner_steps(m, d, o, n, dev) passes the reference but can never run", "def inner_steps(m, d, o, n, dev):\n    return None"],
    ["num_gpus missing and no **kwargs", "def inner_steps(model, data_iterator, optimizer, num_steps, device):\n    return None"],
    ["an extra parameter without a default", "def inner_steps(model, data_iterator, optimizer, num_steps, device, num_gpus, extra):\n    return None"],
    ["an extra keyword-only parameter without a default", "def inner_steps(model, data_iterator, optimizer, num_steps, device, num_gpus, *, extra):\n    return None"],
    ["positional-only names cannot be passed by keyword", "def inner_steps(model, data_iterator, optimizer, num_steps, device, /, num_gpus=1, a=1, b=2, c=3, d=4):\n    return None"],
    ["a misspelt keyword", "def inner_steps(model, data_iter, optimizer, num_steps, device, num_gpus=1):\n    return None"],
  ];
  it.each(rejected)("rejects: %s", (_label, body) => {
    const report = scan(body);
    const hits = hitsOf(report, "structure.inner_steps_keywords");
    expect(hits.length, JSON.stringify(report.violations)).toBeGreaterThan(0);
    expect(hits[0]!.line).toBe(1);
  });

  const accepted: readonly (readonly [string, string])[] = [
    ["all six names", `def inner_steps(${FULL}):\n    return None`],
    ["**kwargs covers missing names", "def inner_steps(model, data_iterator, optimizer, num_steps, device, **kwargs):\n    return None"],
    ["num_gpus keyword-only with a default", "def inner_steps(model, data_iterator, optimizer, num_steps, device, *, num_gpus=1):\n    return None"],
    ["num_gpus keyword-only without a default (it is always passed)", "def inner_steps(model, data_iterator, optimizer, num_steps, device, *, num_gpus):\n    return None"],
    ["an extra parameter with a default", "def inner_steps(model, data_iterator, optimizer, num_steps, device, num_gpus=1, log_every=10):\n    return None"],
    ["*args", "def inner_steps(model, data_iterator, optimizer, num_steps, device, num_gpus=1, *args):\n    return None"],
    ["a different order", "def inner_steps(device, model, optimizer, data_iterator, num_steps, num_gpus):\n    return None"],
  ];
  it.each(accepted)("accepts: %s", (_label, body) => {
    expectAccepted(scan(body));
  });
});
