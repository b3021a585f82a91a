/**
 * Reference rules on attributes and attribute stores (scanner.md §5.2 rules i, k, l, m, n, o, p,
 * q, x, z, aa, bb, cc) and the attribute-name pass of §6.2, with their documented gaps.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { FORBIDDEN_STRINGS, FORBIDDEN_TIMER_ATTRS, RULE_IDS, type Scanner } from "../../../src/scanner/index.js";
import { type Acceptance, type Rejection, acceptances, checkAcceptance, expectNoRule, expectRule, loadScanner, rejections, wrap } from "../helpers.js";

let scanner: Scanner;
beforeAll(async () => {
  scanner = await loadScanner();
});
const scan = (snippet: string) => scanner.scan(wrap(snippet), { gpus: 1 });

const TIMER_ATTRS = ["_cuda_synchronize", "_et_orig", "_monotonic", "_perf_counter", "elapsed_time", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns"];

const REJECTED: readonly Rejection[] = [
  // i
  ["i: object.__setattr__", "def f(o):\n    object.__setattr__(o, 'x', 1)", "attr.object_dunder", [2, 5]],
  ["i: object.__delattr__", "def f(o):\n    object.__delattr__(o, 'x')", "attr.object_dunder", [2, 5]],
  // l
  ["l: x.__class__ = A", "class A:\n    pass\nx = A()\nx.__class__ = A", "store.class_attr", [4, 1]],
  // n
  ["n: e.synchronize = f", "def f(e, g):\n    e.synchronize = g", "store.timing_attr", [2, 5]],
  ["n: e.record = f", "def f(e, g):\n    e.record = g", "store.timing_attr", [2, 5]],
  ["n: e.elapsed_time = f", "def f(e, g):\n    e.elapsed_time = g", "store.timing_attr", [2, 5]],
  ["n: torch.cuda.synchronize = f (K.B2)", "import torch\ndef g():\n    return None\ntorch.cuda.synchronize = g", "store.timing_attr", [4, 1]],
  // o
  ["o: x.__slots__ = ()", "def f(x):\n    x.__slots__ = ()", "store.slots", [2, 5]],
  ["o: del x.__slots__", "def f(x):\n    del x.__slots__", "store.slots", [2, 9]],
  ["o: x.__slots__ += ('a',)", "def f(x):\n    x.__slots__ += ('a',)", "store.slots", [2, 5]],
  ["o: x.__slots__: tuple = ()", "def f(x):\n    x.__slots__: tuple = ()", "store.slots", [2, 5]],
  ["o: for x.__slots__ in ...", "def f(x):\n    for x.__slots__ in [()]:\n        pass", "store.slots", [2, 9]],
  // p
  ["p: gc.get_objects", "x = gc.get_objects()", "attr.gc_introspection", [1, 5]],
  ["p: gc.get_referrers", "x = gc.get_referrers(1)", "attr.gc_introspection", [1, 5]],
  ["p: gc.get_referents", "x = gc.get_referents(1)", "attr.gc_introspection", [1, 5]],
  // q
  ["q: torch.backends.cudnn.deterministic = False", "import torch\ntorch.backends.cudnn.deterministic = False", "store.cudnn_flag", [2, 1]],
  ["q: torch.backends.cudnn.benchmark = True", "import torch\ntorch.backends.cudnn.benchmark = True", "store.cudnn_flag", [2, 1]],
  ["q: cudnn.benchmark += 1 (augmented)", "import torch\ntorch.backends.cudnn.benchmark += 1", "store.cudnn_flag", [2, 1]],
  ["q: cudnn.benchmark: bool = True (annotated)", "import torch\ntorch.backends.cudnn.benchmark: bool = True", "store.cudnn_flag", [2, 1]],
  ["q: for ...cudnn.deterministic in ... (loop target)", "import torch\nfor torch.backends.cudnn.deterministic in [False]:\n    pass", "store.cudnn_flag", [2, 5]],
  ["q: any receiver ending in .cudnn", "def f(b):\n    b.cudnn.benchmark = True", "store.cudnn_flag", [2, 5]],
  // x
  ["x: np.ctypeslib", "import numpy as np\nx = np.ctypeslib", "attr.ctypeslib", [2, 5]],
  ["x: any receiver .ctypeslib", "def f(a):\n    return a.ctypeslib", "attr.ctypeslib", [2, 12]],
  // z
  ["z: sys.modules", "x = sys.modules", "attr.sys_modules", [1, 5]],
  ["z: _sys.modules", "x = _sys.modules", "attr.sys_modules", [1, 5]],
  // aa
  ["aa: obj.__dict__", "def f(o):\n    return o.__dict__", "attr.dunder_dict", [2, 12]],
  ["aa: vars-like access on a class", "class A:\n    pass\nx = A.__dict__", "attr.dunder_dict", [3, 5]],
  // cc
  ["cc: trainer.optimizer", "def f(trainer):\n    return trainer.optimizer", "attr.optimizer", [2, 12]],
  ["cc: model.optimizer.step() (K.B27)", "def f(model):\n    model.optimizer.step()", "attr.optimizer", [2, 5]],
  ["cc: self.x.optimizer (receiver is an attribute, not self)", "class A:\n    def f(self):\n        return self.x.optimizer", "attr.optimizer", [3, 16]],
  // §6.2 attr.forbidden_name
  ["§6.2: x.sliding_window", "def f(x):\n    return x.sliding_window", "attr.forbidden_name", [2, 12]],
  ["§6.2: torch.importlib", "import torch\nx = torch.importlib", "attr.forbidden_name", [2, 5]],
  ["§6.2: torch.builtins", "import torch\nx = torch.builtins", "attr.forbidden_name", [2, 5]],
  ["§6.2: x._C", "def f(x):\n    return x._C", "attr.forbidden_name", [2, 12]],
  ["§6.2: config.use_sliding_window = False (store)", "def f(config):\n    config.use_sliding_window = False", "attr.forbidden_name", [2, 5]],
  ["§6.2: config.max_window_layers", "def f(config):\n    return config.max_window_layers", "attr.forbidden_name", [2, 12]],
  ["§6.2: x.initial_state", "def f(x):\n    return x.initial_state", "attr.forbidden_name", [2, 12]],
  ["§6.2: mock.patch as attribute text (x.MagicMock)", "def f(x):\n    return x.MagicMock", "attr.forbidden_name", [2, 12]],
  ["§6.2: x.getattr", "def f(x):\n    return x.getattr", "attr.forbidden_name", [2, 12]],
];

const ACCEPTED: readonly Acceptance[] = [
  ["i: obj.__setattr__ on a receiver other than object", "class A:\n    def f(self, o):\n        return o.__setattr__", "attr.object_dunder"],
  ["i: object.__init__", "class A:\n    def f(self):\n        return object.__init__(self)", "attr.object_dunder", "ok"],
  ["l: reading x.__class__", "def f(x):\n    return x.__class__", "store.class_attr", "ok"],
  ["l: x.__class__.__name__ read", "def f(x):\n    return type(x) is x.__class__", "store.class_attr", "ok"],
  ["m: x.elapsed_seconds", "def f(x):\n    return x.elapsed_seconds", "attr.timer", "ok"],
  ["m: torch.cuda.Event(enable_timing=True)", "import torch\ne = torch.cuda.Event(enable_timing=True)", "attr.timer", "ok"],
  ["n: torch.cuda.synchronize() (a call)", "import torch\ndef f():\n    torch.cuda.synchronize()", "store.timing_attr", "ok"],
  ["n: e.record() (a call)", "import torch\ndef f():\n    e = torch.cuda.Event()\n    e.record()", "store.timing_attr", "ok"],
  ["n: e.recorded = 1", "def f(e):\n    e.recorded = 1", "store.timing_attr", "ok"],
  ["o: reading x.__slots__", "def f(x):\n    return x.__slots__", "store.slots"],
  ["o: __slots__ = () in a class body (a Name, not an Attribute)", "class A:\n    __slots__ = ('a',)", "store.slots", "ok"],
  ["p: gc.collect()", "def f(gc):\n    gc.collect()", "attr.gc_introspection", "ok"],
  ["p: x.get_objects on a receiver other than gc", "def f(x):\n    return x.get_objects", "attr.gc_introspection"],
  ["q: reading cudnn.benchmark", "import torch\nx = torch.backends.cudnn.benchmark", "store.cudnn_flag", "ok"],
  ["q: del ...cudnn.benchmark (a delete is not a Store)", "import torch\ndel torch.backends.cudnn.benchmark", "store.cudnn_flag"],
  ["q: torch.backends.cudnn.allow_tf32 = True", "import torch\ntorch.backends.cudnn.allow_tf32 = True", "store.cudnn_flag", "ok"],
  ["q: x.deterministic = True where x is not .cudnn", "def f(x):\n    x.deterministic = True", "store.cudnn_flag", "ok"],
  ["x: np.ctypes_like name", "def f(a):\n    return a.ctypeslibrary", "attr.ctypeslib", "ok"],
  ["z: x.modules on another receiver", "def f(model):\n    return list(model.modules())", "attr.sys_modules", "ok"],
  ["aa: x.__doc__ read", "def f(x):\n    return x.__doc__", "attr.dunder_dict", "ok"],
  ["cc: self.optimizer", "class A:\n    def f(self):\n        return self.optimizer", "attr.optimizer", "ok"],
  ["cc: the optimizer parameter itself", "def f(optimizer):\n    optimizer.step()\n    optimizer.zero_grad()", "attr.optimizer", "ok"],
  ["§6.2: x.use_sliding_window_size (equality, not substring)", "def f(x):\n    return x.use_sliding_window_size", "attr.forbidden_name", "ok"],
  ["§6.2: x.__class__ (not in the list)", "def f(x):\n    return x.__class__", "attr.forbidden_name", "ok"],
  ["§6.2: torch._dynamo and torch._inductor (not in the list)", "import torch\nx = torch._dynamo\ny = torch._inductor", "attr.forbidden_name"],
  ["§6.2: x.name", "def f(x):\n    return x.name", "attr.forbidden_name", "ok"],
];

describe("reference attribute rules (i, l, m, n, o, p, q, x, z, aa, cc) and §6.2", () => {
  it.each(rejections(REJECTED))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  it.each(acceptances(ACCEPTED))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("m: attr.timer", () => {
  it("behavior: FORBIDDEN_TIMER_ATTRS matches §4.5", () => {
    expect([...FORBIDDEN_TIMER_ATTRS].sort()).toEqual([...TIMER_ATTRS].sort());
  });

  it.each(TIMER_ATTRS)("rejects: a load of .%s on any receiver", (attr) => {
    expectRule(scan(`def f(x):\n    return x.${attr}`), "attr.timer", [2, 12]);
  });

  it.each(TIMER_ATTRS)("rejects: a store to .%s", (attr) => {
    expectRule(scan(`def f(x, g):\n    x.${attr} = g`), "attr.timer", [2, 5]);
  });

  it("rejects: a.elapsed_time(b) (a call)", () => {
    expectRule(scan("def f(a, b):\n    return a.elapsed_time(b)"), "attr.timer", [2, 12]);
  });

  it("rejects: time.perf_counter() (K.B2)", () => {
    expectRule(scan("def f(time):\n    return time.perf_counter()"), "attr.timer", [2, 12]);
  });
});

describe("bb: attr.introspection", () => {
  const INTROSPECTION = [
    "__globals__", "__code__", "__func__", "__self__", "__subclasses__", "__bases__", "__mro__", "__init_subclass__", "__traceback__",
    "tb_frame", "tb_next", "f_globals", "f_builtins", "f_locals", "f_code", "f_back", "co_consts", "co_names", "__getattribute__",
    "__getattr__", "__get__", "__set__", "__delete__", "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame", "ag_code",
  ];
  it.each(INTROSPECTION)("rejects: x.%s", (attr) => {
    expectRule(scan(`def f(x):\n    return x.${attr}`), "attr.introspection", [2, 12]);
  });

  it("rejects: inspect.currentframe().f_back.f_globals (K.B3)", () => {
    expectRule(scan("def f(inspect):\n    return inspect.currentframe().f_back.f_globals"), "attr.introspection", [2, 12]);
  });

  const accepted: readonly Acceptance[] = [
    ["x.__name_len (not in the list)", "def f(x):\n    return x.__name_len", "attr.introspection", "ok"],
    ["x.f_score", "def f(x):\n    return x.f_score", "attr.introspection", "ok"],
    ["x.__class__", "def f(x):\n    return x.__class__", "attr.introspection", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("k: store.torch_config (inactive)", () => {
  it("behavior: the rule id exists but never fires (FORBIDDEN_TORCH_CONFIG_MODULES is empty)", () => {
    expect(RULE_IDS).toContain("store.torch_config");
    const report = scan("import torch\ntorch._inductor.config.max_autotune = True\ntorch._dynamo.config.cache_size_limit = 64");
    expectNoRule(report, "store.torch_config");
    // The store is still rejected by R2 (the config paths are not allowlisted).
    expectRule(report, "store.protected_root", [2, 1]);
  });

  it("accepts: torch.backends.cuda.matmul.allow_tf32 = True is not a config store", () => {
    checkAcceptance(scan("import torch\ntorch.backends.cuda.matmul.allow_tf32 = True"), "store.torch_config", "ok");
  });
});

/** Gaps of i, l, n, p, q and z: each passes the reference rule and is caught by a project or other rule. */
const GAPS: readonly (readonly [string, string, string, string])[] = [
  ["l: x.__class__: type = A (annotated)", "class A:\n    pass\nx = A()\nx.__class__: object = A", "store.class_attr", "store.dunder_attribute"],
  ["l: x.__class__ += A (augmented)", "class A:\n    pass\nx = A()\nx.__class__ += A", "store.class_attr", "store.dunder_attribute"],
  ["l: for x.__class__ in [A]", "class A:\n    pass\nx = A()\nfor x.__class__ in [A]:\n    pass", "store.class_attr", "store.dunder_attribute"],
  ["n: x.synchronize: int = None (annotated, K.C3)", "def f(x):\n    x.synchronize: int = None", "store.timing_attr", "store.timing_attr_any"],
  ["n: a, e.record = 1, f (tuple target)", "def f(e, g):\n    a, e.record = 1, g", "store.timing_attr", "store.timing_attr_any"],
  ["n: for e.synchronize in [f]", "def f(e, g):\n    for e.synchronize in [g]:\n        pass", "store.timing_attr", "store.timing_attr_any"],
  ["n: del e.record", "def f(e):\n    del e.record", "store.timing_attr", "store.timing_attr_any"],
  ["i: an alias of object (o = object; o.__setattr__)", "o = object\ndef f(x):\n    o.__setattr__(x, 'a', 1)", "attr.object_dunder", "attr.forbidden_name"],
  ["p: an alias of gc (import gc as g; g.get_objects())", "import gc as g\nx = g.get_objects()", "attr.gc_introspection", "attr.forbidden_name"],
  ["z: an alias of sys (import sys as s; s.modules)", "import sys as s\nx = s.modules", "attr.sys_modules", "import.forbidden"],
  ["q: del torch.backends.cudnn.benchmark (a delete is not a Store)", "import torch\ndel torch.backends.cudnn.benchmark", "store.cudnn_flag", "store.protected_root"],
];

describe("documented gaps of the reference attribute rules", () => {
  it.each(GAPS)("rejects: %s, by the project rule only", (_label, snippet, referenceRule, projectRule) => {
    const report = scan(snippet);
    expectNoRule(report, referenceRule);
    expectRule(report, projectRule);
  });
});

describe("§4.1 FORBIDDEN_STRINGS", () => {
  it("behavior: has the 97 entries of §4.1", () => {
    expect(FORBIDDEN_STRINGS.length).toBe(97);
    for (const entry of ["__name__", "__main__", "_C", "sliding_window", "sys.modules", "mock.patch", "_timer_state", "pythonapi"]) {
      expect(FORBIDDEN_STRINGS).toContain(entry);
    }
    expect(FORBIDDEN_STRINGS).not.toContain("__class__");
    expect(FORBIDDEN_STRINGS).not.toContain("_dynamo");
    expect(FORBIDDEN_STRINGS).not.toContain("_inductor");
  });
});
