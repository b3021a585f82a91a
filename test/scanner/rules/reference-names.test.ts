/**
 * Reference rules on names and definitions (scanner.md §5.2 rules g, h, y, dd, ee and §5.3), with
 * the documented gaps of dd and ee caught by R7.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { FORBIDDEN_INTROSPECTION_ATTRS, FORBIDDEN_NAMES, type Scanner } from "../../../src/scanner/index.js";
import { type Acceptance, type Rejection, acceptances, checkAcceptance, expectNoRule, expectRule, hitsOf, loadScanner, rejections, wrap } from "../helpers.js";

let scanner: Scanner;
beforeAll(async () => {
  scanner = await loadScanner();
});
const scan = (snippet: string) => scanner.scan(wrap(snippet), { gpus: 1 });

/** FORBIDDEN_NAMES of §4.4, verbatim. */
const NAMES = [
  "__build_class__",
  "__import__",
  "breakpoint",
  "chr",
  "classmethod",
  "compile",
  "delattr",
  "dir",
  "eval",
  "exec",
  "getattr",
  "globals",
  "input",
  "locals",
  "memoryview",
  "open",
  "ord",
  "property",
  "setattr",
  "vars",
];

/** FORBIDDEN_INTROSPECTION_ATTRS of §4.5, verbatim. */
const INTROSPECTION = [
  "__globals__",
  "__code__",
  "__func__",
  "__self__",
  "__subclasses__",
  "__bases__",
  "__mro__",
  "__init_subclass__",
  "__traceback__",
  "tb_frame",
  "tb_next",
  "f_globals",
  "f_builtins",
  "f_locals",
  "f_code",
  "f_back",
  "co_consts",
  "co_names",
  "__getattribute__",
  "__getattr__",
  "__get__",
  "__set__",
  "__delete__",
  "gi_frame",
  "gi_code",
  "cr_frame",
  "cr_code",
  "ag_frame",
  "ag_code",
];

describe("the lists match §4 verbatim", () => {
  it("behavior: FORBIDDEN_NAMES", () => {
    expect([...FORBIDDEN_NAMES].sort()).toEqual([...NAMES].sort());
  });
  it("behavior: FORBIDDEN_INTROSPECTION_ATTRS", () => {
    expect([...FORBIDDEN_INTROSPECTION_ATTRS].sort()).toEqual([...INTROSPECTION].sort());
  });
});

describe("g: name.forbidden", () => {
  it.each(NAMES)("rejects: a load of %s", (name) => {
    expectRule(scan(`x = ${name}`), "name.forbidden", [1, 5]);
  });

  it.each(NAMES)("rejects: a store to %s", (name) => {
    expectRule(scan(`${name} = 1`), "name.forbidden", [1, 1]);
  });

  const rejected: readonly Rejection[] = [
    ["del of a forbidden name", "vars = 1\ndel vars", "name.forbidden", [2, 5]],
    ["a forbidden name as a call argument", "x = map(chr, [1])", "name.forbidden", [1, 9]],
    ["a forbidden name as a for target", "for ord in []:\n    pass", "name.forbidden", [1, 5]],
    ["functools.partial(eval, ...) (K.B13)", "import functools\np = functools.partial(eval, '1')", "name.forbidden", [2, 23]],
    ["a forbidden name inside a nested function", "def f():\n    def g():\n        return globals\n    return g", "name.forbidden", [3, 16]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ["type (allowed on purpose)", "x = 1\ny = type(x)", "name.forbidden", "ok"],
    ["staticmethod (allowed on purpose)", "class A:\n    @staticmethod\n    def f():\n        return 1", "name.forbidden", "ok"],
    ["hasattr, isinstance, print, id, super", "class A:\n    def f(self):\n        print(hasattr(self, 'x'), isinstance(self, A), id(self))\n        return super().__init__()", "name.forbidden", "ok"],
    ["an attribute named like a forbidden name (x.vars)", "def f(x):\n    return x.vars", "name.forbidden", "ok"],
    ["a keyword argument named like a forbidden name", "def f(g):\n    return g(input=1)", "name.forbidden", "ok"],
    ["a parameter named like a forbidden name (an arg, not a Name)", "def f(open=1):\n    return 1", "name.forbidden", "ok"],
    ["a name that merely contains a forbidden name", "evaluate = 1\nopen_files = 2\nx = evaluate + open_files", "name.forbidden", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("h: name.dunder_name_binding (§5.3)", () => {
  const rejected: readonly Rejection[] = [
    // 1. Name in Store or Del context
    ["assignment", '__name__ = "__x__"', "name.dunder_name_binding", [1, 1]],
    ["annotated assignment (K.B1)", '__name__: str = "x"', "name.dunder_name_binding", [1, 1]],
    ["annotated declaration without a value", "__name__: str", "name.dunder_name_binding", [1, 1]],
    ["augmented assignment", '__name__ += "x"', "name.dunder_name_binding", [1, 1]],
    ["a for target", "for __name__ in []:\n    pass", "name.dunder_name_binding", [1, 5]],
    ["a comprehension target", "x = [0 for __name__ in []]", "name.dunder_name_binding", [1, 12]],
    ["a walrus target", "x = (__name__ := 1)", "name.dunder_name_binding", [1, 6]],
    ["an unpacking target", "a, __name__ = 1, 2", "name.dunder_name_binding", [1, 4]],
    ["a starred target", "a, *__name__ = 1, 2", "name.dunder_name_binding", [1, 5]],
    ["a with target", "import contextlib\nwith contextlib.nullcontext() as __name__:\n    pass", "name.dunder_name_binding", [2, 34]],
    ["del", "del __name__", "name.dunder_name_binding", [1, 5]],
    // 2. import aliases
    ["import ... as __name__", "import math as __name__", "name.dunder_name_binding", [1, 8]],
    ["from ... import ... as __name__", "from math import pi as __name__", "name.dunder_name_binding", [1, 18]],
    ["from ... import __name__", "from math import __name__", "name.dunder_name_binding", [1, 18]],
    ["import __name__", "import __name__", "name.dunder_name_binding", [1, 8]],
    // 3. parameters
    ["a parameter", "def f(__name__):\n    return 1", "name.dunder_name_binding", [1, 7]],
    ["a lambda parameter", "f = lambda __name__: 0", "name.dunder_name_binding", [1, 12]],
    ["a positional-only parameter", "def f(__name__, /):\n    return 1", "name.dunder_name_binding", [1, 7]],
    ["a keyword-only parameter", "def f(*, __name__=1):\n    return 1", "name.dunder_name_binding", [1, 10]],
    ["*args", "def f(*__name__):\n    return 1", "name.dunder_name_binding", [1, 8]],
    ["**kwargs", "def f(**__name__):\n    return 1", "name.dunder_name_binding", [1, 9]],
    // 4. definitions
    ["def __name__", "def __name__():\n    return 1", "name.dunder_name_binding", [1, 1]],
    ["async def __name__", "async def __name__():\n    return 1", "name.dunder_name_binding", [1, 1]],
    ["class __name__", "class __name__:\n    pass", "name.dunder_name_binding", [1, 1]],
    // 5. exception handler
    ["except ... as __name__", "try:\n    pass\nexcept Exception as __name__:\n    pass", "name.dunder_name_binding", [3, 1]],
    // 6. match captures
    ["case __name__", "x = 1\nmatch x:\n    case __name__:\n        pass", "name.dunder_name_binding", [3, 10]],
    ["case [*__name__]", "x = 1\nmatch x:\n    case [*__name__]:\n        pass", "name.dunder_name_binding", [3, 11]],
    ["case {**__name__}", "x = 1\nmatch x:\n    case {**__name__}:\n        pass", "name.dunder_name_binding", [3, 10]],
    ["case [1, y] as __name__", "x = 1\nmatch x:\n    case [1, y] as __name__:\n        pass", "name.dunder_name_binding", [3, 10]],
    // 7. global / nonlocal
    ["global __name__", "def f():\n    global __name__\n    return 1", "name.dunder_name_binding", [2, 5]],
    ["nonlocal __name__", "def f():\n    __name__x = 1\n    def g():\n        nonlocal __name__\n        return 1\n    return g", "name.dunder_name_binding", [4, 9]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  it("rejects: a type parameter named __name__ is syntax.unsupported on the 3.11 target", () => {
    expectRule(scan("def f[__name__]():\n    return 1"), "syntax.unsupported");
  });

  it("rejects: if __name__ == '__main__' is a string.forbidden hit, not a binding", () => {
    const report = scan('if __name__ == "__main__":\n    pass');
    expectNoRule(report, "name.dunder_name_binding");
    expectRule(report, "string.forbidden", [1, 16]);
  });

  const accepted: readonly Acceptance[] = [
    ["reading __name__", "x = __name__", "name.dunder_name_binding", "ok"],
    ["a keyword argument named __name__ is not a binding", "def f(**k):\n    return k\ny = f(__name__=1)", "name.dunder_name_binding"],
    ["binding __qualname__", '__qualname__ = "x"', "name.dunder_name_binding", "ok"],
    ["binding name__", "name__ = 1", "name.dunder_name_binding", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("y: name.builtins_access", () => {
  const rejected: readonly Rejection[] = [
    ["the Name __builtins__", "x = __builtins__", "name.builtins_access", [1, 5]],
    ["an attribute .__builtins__", "def f(g):\n    return g.__builtins__", "name.builtins_access", [2, 12]],
    ["a store to __builtins__", "__builtins__ = {}", "name.builtins_access", [1, 1]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ["__builtin__ (the Python 2 spelling) is another name", "x = 1\n__builtin__ = x", "name.builtins_access", "ok"],
    ["an attribute __builtins_count__", "def f(g):\n    return g.__builtins_count__", "name.builtins_access"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("dd: def.forbidden_dunder", () => {
  it.each(INTROSPECTION)("rejects: def %s inside a class", (name) => {
    expectRule(scan(`class P:\n    def ${name}(self, *a):\n        return 0`), "def.forbidden_dunder", [2, 5]);
  });

  const rejected: readonly Rejection[] = [
    ["async def __getattr__", "class P:\n    async def __getattr__(self, n):\n        return 0", "def.forbidden_dunder", [2, 5]],
    ["a module-level def __getattr__ (PEP 562)", "def __getattr__(name):\n    return 0", "def.forbidden_dunder", [1, 1]],
    ["a nested def __get__", "def f():\n    def __get__(a, b, c):\n        return 0\n    return __get__", "def.forbidden_dunder", [2, 5]],
    ["a decorated def __getattribute__ (position of the def)", "class P:\n    @staticmethod\n    def __getattribute__(n):\n        return 0", "def.forbidden_dunder", [3, 5]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ["def __getitem__", "class P:\n    def __getitem__(self, i):\n        return 0", "def.forbidden_dunder", "ok"],
    ["def __init__ and __call__", "class P:\n    def __init__(self):\n        self.x = 1\n    def __call__(self):\n        return 0", "def.forbidden_dunder", "ok"],
    ["def forward", "class P:\n    def forward(self, x):\n        return x", "def.forbidden_dunder", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });

  it("rejects: class-body assignment __get__ = fn passes dd and is caught by R7", () => {
    const report = scan("def getter(a, b, c):\n    return 0\nclass D:\n    __get__ = getter");
    expectNoRule(report, "def.forbidden_dunder");
    expectRule(report, "name.forbidden_dunder_binding", [4, 5]);
  });

  it("rejects: def __set_name__ passes dd (not in the reference list) and is caught by R7", () => {
    const report = scan("class D:\n    def __set_name__(self, owner, name):\n        return None");
    expectNoRule(report, "def.forbidden_dunder");
    expectRule(report, "name.forbidden_dunder_binding", [2, 5]);
  });
});

describe("ee: decorator.forbidden", () => {
  const rejected: readonly Rejection[] = [
    ["@property", "class A:\n    @property\n    def x(self):\n        return 1", "decorator.forbidden", [2, 6]],
    ["@classmethod", "class A:\n    @classmethod\n    def make(cls):\n        return cls", "decorator.forbidden", [2, 6]],
    ["@eval on a module-level function", "@eval\ndef f():\n    return 1", "decorator.forbidden", [1, 2]],
    ["@property on a class", "@property\nclass A:\n    pass", "decorator.forbidden", [1, 2]],
    ["@property on an async def", "class A:\n    @property\n    async def x(self):\n        return 1", "decorator.forbidden", [2, 6]],
    ["the second decorator of two", "class A:\n    @staticmethod\n    @classmethod\n    def f():\n        return 1", "decorator.forbidden", [3, 6]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  it("rejects: @property is also a name.forbidden hit on the Name", () => {
    const report = scan("class A:\n    @property\n    def x(self):\n        return 1");
    expect(hitsOf(report, "name.forbidden").map((v) => `${v.line}:${v.col}`)).toContain("2:6");
  });

  const accepted: readonly Acceptance[] = [
    ["@staticmethod", "class A:\n    @staticmethod\n    def f():\n        return 1", "decorator.forbidden", "ok"],
    ["@torch.no_grad()", "import torch\n@torch.no_grad()\ndef f(m):\n    return m", "decorator.forbidden", "ok"],
    ["@functools.wraps(fn)", "import functools\ndef deco(fn):\n    @functools.wraps(fn)\n    def w(*a):\n        return fn(*a)\n    return w", "decorator.forbidden", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });

  const gaps: readonly (readonly [string, string])[] = [
    ["@functools.cached_property", "import functools\nclass A:\n    @functools.cached_property\n    def x(self):\n        return 1"],
    ["@enum.property", "import enum\nclass A(enum.Enum):\n    @enum.property\n    def x(self):\n        return 1"],
  ];
  it.each(gaps)("rejects: %s passes ee (attribute decorator) and is attr.descriptor_factory (R7)", (_label, snippet) => {
    const report = scan(snippet);
    expectNoRule(report, "decorator.forbidden");
    expectRule(report, "attr.descriptor_factory", [3, 6]);
  });
});
