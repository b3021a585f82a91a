/**
 * Reference rules on calls (scanner.md §5.2 rules r, s, v, ff, gg), with the documented gaps of r
 * caught by R11.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { FORBIDDEN_BUILTINS, type Scanner } from "../../../src/scanner/index.js";
import { type Acceptance, type Rejection, acceptances, checkAcceptance, expectNoRule, expectRule, loadScanner, rejections, wrap } from "../helpers.js";

let scanner: Scanner;
beforeAll(async () => {
  scanner = await loadScanner();
});
const scan = (snippet: string) => scanner.scan(wrap(snippet), { gpus: 1 });

const BUILTINS = ["breakpoint", "chr", "classmethod", "delattr", "dir", "getattr", "globals", "input", "locals", "memoryview", "open", "ord", "property", "setattr", "vars"];

const list = (n: number) => `[${Array.from({ length: n }, (_, i) => i % 10).join(", ")}]`;
const tuple = (n: number) => `(${Array.from({ length: n }, (_, i) => i % 10).join(", ")},)`;

const REJECTED: readonly Rejection[] = [
  // r
  ["r: torch.set_grad_enabled(False)", "import torch\ntorch.set_grad_enabled(False)", "call.grad_toggle", [2, 1]],
  ["r: with torch.inference_mode():", "import torch\nwith torch.inference_mode():\n    pass", "call.grad_toggle", [2, 6]],
  ["r: @torch.inference_mode() (a decorator with parentheses)", "import torch\n@torch.inference_mode()\ndef f(m):\n    return m", "call.grad_toggle", [2, 2]],
  ["r: any receiver, x.set_grad_enabled(False)", "def f(x):\n    x.set_grad_enabled(False)", "call.grad_toggle", [2, 5]],
  // s (1)
  ["s1: exec(code)", "exec('x = 1')", "call.direct_forbidden", [1, 1]],
  ["s1: eval(code)", "x = eval('1')", "call.direct_forbidden", [1, 5]],
  ["s1: compile(code, name, mode)", "x = compile('1', 'f', 'eval')", "call.direct_forbidden", [1, 5]],
  ["s1: __import__(name)", "x = __import__('math')", "call.direct_forbidden", [1, 5]],
  // s (2)
  ["s2: model.eval()", "def f(model):\n    model.eval()", "call.attr_forbidden", [2, 5]],
  ["s2: x.exec()", "def f(x):\n    x.exec()", "call.attr_forbidden", [2, 5]],
  ["s2: x.__import__('os')", "def f(x):\n    x.__import__('math')", "call.attr_forbidden", [2, 5]],
  // s (3)
  ["s3: re.compile(pattern)", "import re\np = re.compile('a+')", "call.compile_non_torch", [2, 5]],
  ["s3: model.compile()", "def f(model):\n    model.compile()", "call.compile_non_torch", [2, 5]],
  ["s3: T.compile(fn) after import torch as T (value is not exactly the Name torch)", "import torch as T\ndef f(m):\n    return T.compile(m)", "call.compile_non_torch", [3, 12]],
  ["s3: torch.nn.compile()", "import torch\nx = torch.nn.compile()", "call.compile_non_torch", [2, 5]],
  // v
  ["v: img.open() (a method named like a builtin)", "def f(img):\n    return img.open()", "call.forbidden_builtin", [2, 12]],
  ["v: x.dir()", "def f(x):\n    return x.dir()", "call.forbidden_builtin", [2, 12]],
  ["v: obj.property()", "def f(obj):\n    return obj.property()", "call.forbidden_builtin", [2, 12]],
  // ff
  ["ff: bytes([...257 elements])", `x = bytes(${list(257)})`, "literal.bytes_too_large", [1, 5]],
  ["ff: bytearray([...300 elements])", `x = bytearray(${list(300)})`, "literal.bytes_too_large", [1, 5]],
  ["ff: bytes((...257 elements,)) (tuple literal)", `x = bytes(${tuple(257)})`, "literal.bytes_too_large", [1, 5]],
  // gg
  ["gg: x.load(p, weights_only=False)", "def f(x):\n    return x.load('p', weights_only=False)", "call.weights_only_false", [2, 12]],
  ["gg: torch.load(p, weights_only=False) (also w)", "import torch\nx = torch.load('p', weights_only=False)", "call.weights_only_false", [2, 5]],
];

const ACCEPTED: readonly Acceptance[] = [
  ["r: torch.no_grad()", "import torch\nwith torch.no_grad():\n    pass", "call.grad_toggle", "ok"],
  ["r: @torch.no_grad()", "import torch\n@torch.no_grad()\ndef f(m):\n    return m", "call.grad_toggle", "ok"],
  ["r: torch.enable_grad()", "import torch\nwith torch.enable_grad():\n    pass", "call.grad_toggle", "ok"],
  ["r: torch.is_grad_enabled()", "import torch\nx = torch.is_grad_enabled()", "call.grad_toggle", "ok"],
  ["s: model.train()", "def f(model):\n    model.train()", ["call.attr_forbidden", "call.direct_forbidden"], "ok"],
  ["s: model.evaluate()", "def f(model):\n    return model.evaluate()", "call.attr_forbidden", "ok"],
  ["s: torch.compile(model)", "import torch\ndef f(model):\n    return torch.compile(model)", "call.compile_non_torch", "ok"],
  ["s: torch.compile(fn, mode=...)", "import torch\ndef step(x):\n    return x\nfast = torch.compile(step, mode='max-autotune')", "call.compile_non_torch", "ok"],
  ["s: an uncalled attribute model.eval", "def f(model):\n    return model.eval", "call.attr_forbidden", "ok"],
  ["v: x.opened()", "def f(x):\n    return x.opened()", "call.forbidden_builtin", "ok"],
  ["v: hasattr / isinstance / print / id", "def f(x):\n    print(hasattr(x, 'a'), isinstance(x, int), id(x))", "call.forbidden_builtin", "ok"],
  ["ff: bytes([...256 elements])", `x = bytes(${list(256)})`, "literal.bytes_too_large", "ok"],
  ["ff: bytes of a non-literal", "x = bytes(range(300))", "literal.bytes_too_large", "ok"],
  ["ff: bytes with two positional arguments", `x = bytes(${list(300)}, 2)`, "literal.bytes_too_large"],
  ["ff: a big list that is not passed to bytes", `x = list(${list(300)})`, "literal.bytes_too_large", "ok"],
  ["gg: weights_only=True", "def f(x):\n    return x.load('p', weights_only=True)", "call.weights_only_false", "ok"],
  ["gg: weights_only=0 (exactly False only)", "def f(x):\n    return x.load('p', weights_only=0)", "call.weights_only_false", "ok"],
  ["gg: another method name", "def f(x):\n    return x.loads('p', weights_only=False)", "call.weights_only_false", "ok"],
  ["gg: a bare-name call load(...)", "def load(p, weights_only=True):\n    return p\nx = load('p', weights_only=False)", "call.weights_only_false", "ok"],
];

describe("reference call rules (r, s, v, ff, gg)", () => {
  it.each(rejections(REJECTED))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  it.each(acceptances(ACCEPTED))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("v: call.forbidden_builtin for each of FORBIDDEN_BUILTINS", () => {
  it("behavior: the list matches §4.4", () => {
    expect([...FORBIDDEN_BUILTINS].sort()).toEqual([...BUILTINS].sort());
  });

  it.each(BUILTINS)("rejects: %s(...) as a bare call", (name) => {
    expectRule(scan(`x = ${name}(1)`), "call.forbidden_builtin", [1, 5]);
  });

  it.each(BUILTINS)("rejects: obj.%s(...) as a method call", (name) => {
    expectRule(scan(`def f(obj):\n    return obj.${name}(1)`), "call.forbidden_builtin", [2, 12]);
  });
});

/** Gaps of r (attribute calls only), each caught by R11 (attr.grad_toggle / import.forbidden_name). */
const GAPS: readonly (readonly [string, string, string])[] = [
  ["@torch.inference_mode without parentheses", "import torch\n@torch.inference_mode\ndef f(m):\n    return m", "attr.grad_toggle"],
  ["g = torch.set_grad_enabled; g(False)", "import torch\ng = torch.set_grad_enabled\ng(False)", "attr.grad_toggle"],
  ["an uncalled reference torch.inference_mode", "import torch\nctx = torch.inference_mode", "attr.grad_toggle"],
  ["from torch import inference_mode; inference_mode() (a bare-name call)", "from torch import inference_mode\nwith inference_mode():\n    pass", "import.forbidden_name"],
  ["from torch import set_grad_enabled", "from torch import set_grad_enabled\nset_grad_enabled(False)", "import.forbidden_name"],
];

describe("documented gaps of r", () => {
  it.each(GAPS)("rejects: %s, not by call.grad_toggle", (_label, snippet, projectRule) => {
    const report = scan(snippet);
    expectNoRule(report, "call.grad_toggle");
    expectRule(report, projectRule);
  });
});
