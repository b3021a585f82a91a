/**
 * Reference rules about torch aliases and torch-rooted stores (scanner.md §5.2 rules a to f, j, w),
 * the order-insensitive alias sets of §10 and R4, and the documented gaps of those rules, each of
 * which passes the reference rule and is caught by the matching project rule.
 */
import { beforeAll, describe, it } from "vitest";
import type { Scanner } from "../../../src/scanner/index.js";
import { type Acceptance, type Rejection, acceptances, checkAcceptance, expectNoRule, expectRule, loadScanner, rejections, wrap } from "../helpers.js";

let scanner: Scanner;
beforeAll(async () => {
  scanner = await loadScanner();
});
const scan = (snippet: string) => scanner.scan(wrap(snippet), { gpus: 1 });

const REJECTED: readonly Rejection[] = [
  // a: import torch as X
  ["a: import torch as t", "import torch as t", "torch.import_alias", [1, 8]],
  ["a: import torch as t among other aliases", "import math, torch as t", "torch.import_alias", [1, 14]],
  ["a: import torch as t inside a function", "def f():\n    import torch as t\n    return t", "torch.import_alias", [2, 12]],
  // b: X = torch
  ["b: t = torch", "import torch\nt = torch", "torch.assign_alias", [2, 1]],
  ["b: t = torch without importing torch (torch_aliases starts with torch)", "t = torch", "torch.assign_alias", [1, 1]],
  ["b: a = t = torch (one Name target suffices)", "import torch\nobj = None\nobj.x = t = torch", "torch.assign_alias", [3, 1]],
  ["b: t = torch inside a function", "import torch\ndef f():\n    t = torch\n    return t", "torch.assign_alias", [3, 5]],
  // c: walrus
  ["c: (t := torch)", "import torch\ny = (t := torch)", "torch.walrus_alias", [2, 6]],
  ["c: (c := torch.compile)", "import torch\ny = (c := torch.compile)", "torch.walrus_alias", [2, 6]],
  ["c: (l := torch.load)", "import torch\ny = (l := torch.load)", "torch.walrus_alias", [2, 6]],
  ["c: (k := torch._C)", "import torch\ny = (k := torch._C)", "torch.walrus_alias", [2, 6]],
  // d: unpacking
  ["d: t, = torch,", "import torch\nt, = torch,", "torch.unpack_alias", [2, 1]],
  ["d: [t] = [torch]", "import torch\n[t] = [torch]", "torch.unpack_alias", [2, 1]],
  ["d: t = [torch]", "import torch\nt = [torch]", "torch.unpack_alias", [2, 1]],
  ["d: a, b = 1, torch", "import torch\na, b = 1, torch", "torch.unpack_alias", [2, 1]],
  ["d: x = [torch.compile] (whatever the targets)", "import torch\nx = [torch.compile]", "torch.unpack_alias", [2, 1]],
  ["d: obj.a, obj.b = torch.load, 1", "import torch\nobj = None\nobj.a, obj.b = torch.load, 1", "torch.unpack_alias", [3, 1]],
  ["d: x = (torch._C,)", "import torch\nx = (torch._C,)", "torch.unpack_alias", [2, 1]],
  // e: store rooted at torch or a tracked submodule alias
  ["e: torch.foo = 1", "import torch\ntorch.foo = 1", "store.torch_module", [2, 1]],
  ["e: torch.nn.functional.gelu = f", "import torch\nf = None\ntorch.nn.functional.gelu = f", "store.torch_module", [3, 1]],
  ["e: torch.Tensor.__sub__ = f", "import torch\nf = None\ntorch.Tensor.__sub__ = f", "store.torch_module", [3, 1]],
  ["e: torch.x += 1", "import torch\ntorch.x += 1", "store.torch_module", [2, 1]],
  ["e: del torch.x", "import torch\ndel torch.x", "store.torch_module", [2, 5]],
  ["e: torch.cuda.x = 1 (parent path torch.cuda)", "import torch\ntorch.cuda.x = 1", "store.torch_module", [2, 1]],
  ["e: torch.backends_x.y = 1 is not under torch.backends.", "import torch\ntorch.backends_x.y = 1", "store.torch_module", [2, 1]],
  ["e: F.cross_entropy = fake after import torch.nn.functional as F", "import torch.nn.functional as F\nfake = None\nF.cross_entropy = fake", "store.torch_module", [3, 1]],
  ["e: nn.Linear.forward = f after import torch.nn as nn", "import torch.nn as nn\nf = None\nnn.Linear.forward = f", "store.torch_module", [3, 1]],
  ["e: F.x = 1 after from torch.nn import functional as F", "from torch.nn import functional as F\nF.x = 1", "store.torch_module", [2, 1]],
  ["e: fsdp.x = 1 after from torch.distributed import fsdp", "from torch.distributed import fsdp\nfsdp.x = 1", "store.torch_module", [2, 1]],
  ["e: ckpt.x = 1 after import torch.utils.checkpoint as ckpt", "import torch.utils.checkpoint as ckpt\nckpt.x = 1", "store.torch_module", [2, 1]],
  ["e: del F.gelu", "import torch.nn.functional as F\ndel F.gelu", "store.torch_module", [2, 5]],
  ["e: an alias from torch (import torch as T) is a torch alias", "import torch as T\nT.foo = 1", "store.torch_module", [2, 1]],
  // §10 [PROJECT] and R4: alias sets come from the whole file, so a later or nested import protects earlier code.
  ["§10/R4: an import inside a function protects a module-level store", "def f():\n    import torch.nn.functional as G\n    return None\nG.x = 1", "store.torch_module", [4, 1]],
  ["§10/R4: a store before the import that creates the alias", "def g():\n    G.x = 1\nimport torch.nn.functional as G", "store.torch_module", [2, 5]],
  // f: X = torch.load|compile|_C
  ["f: c = torch.compile", "import torch\nc = torch.compile", "torch.sensitive_attr_alias", [2, 1]],
  ["f: l = torch.load", "import torch\nl = torch.load", "torch.sensitive_attr_alias", [2, 1]],
  ["f: k = torch._C", "import torch\nk = torch._C", "torch.sensitive_attr_alias", [2, 1]],
  ["f: self.c = torch.compile (any target)", "import torch\nclass M:\n    def setup(self):\n        self.c = torch.compile", "torch.sensitive_attr_alias", [4, 9]],
  // j: torch._C
  ["j: torch._C", "import torch\nx = torch._C", "torch.c_access", [2, 5]],
  ["j: torch._C._foo()", "import torch\ntorch._C._foo()", "torch.c_access", [2, 1]],
  ["j: T._C after import torch as T", "import torch as T\nx = T._C", "torch.c_access", [2, 5]],
  // w: torch.load(...)
  ["w: torch.load(path)", 'import torch\nx = torch.load("w.pt")', "call.torch_load", [2, 5]],
  ["w: torch.load(path, weights_only=True)", 'import torch\nx = torch.load("w.pt", weights_only=True)', "call.torch_load", [2, 5]],
];

const ACCEPTED: readonly Acceptance[] = [
  ["a: import torch", "import torch", "torch.import_alias", "ok"],
  ["a: import torch as torch", "import torch as torch", "torch.import_alias"],
  ["a: import torch.nn as nn (not torch itself)", "import torch.nn as nn", "torch.import_alias", "ok"],
  ["a: import torch.nn (binds torch, tracks nothing)", "import torch.nn", "torch.import_alias", "ok"],
  ["b: x = torch.zeros(3)", "import torch\nx = torch.zeros(3)", "torch.assign_alias", "ok"],
  ["b: torch = torch", "import torch\ntorch = torch", "torch.assign_alias"],
  ["c: (x := torch.zeros(3))", "import torch\ny = (x := torch.zeros(3))", "torch.walrus_alias", "ok"],
  ["c: (c := torch.cuda.is_available())", "import torch\ny = (c := torch.cuda.is_available())", "torch.walrus_alias", "ok"],
  ["d: a, b = torch.zeros(1), torch.ones(1)", "import torch\na, b = torch.zeros(1), torch.ones(1)", "torch.unpack_alias", "ok"],
  ["d: x = [torch.float32, torch.bfloat16]", "import torch\nx = [torch.float32, torch.bfloat16]", "torch.unpack_alias", "ok"],
  ["e: torch.backends.cuda.matmul.allow_tf32 = True", "import torch\ntorch.backends.cuda.matmul.allow_tf32 = True", "store.torch_module", "ok"],
  ["e: torch.backends.cudnn.allow_tf32 = True", "import torch\ntorch.backends.cudnn.allow_tf32 = True", "store.torch_module", "ok"],
  ["e: the parent path torch.backends itself (torch.backends.x = 1)", "import torch\ntorch.backends.x = 1", "store.torch_module"],
  ["e: a store rooted at a call (f().x = 1)", "def f():\n    return None\nf().x = 1", "store.torch_module", "ok"],
  ["e: self.w = torch.zeros(3)", "import torch\nclass M:\n    def setup(self):\n        self.w = torch.zeros(3)", "store.torch_module", "ok"],
  ["e: a store to a local named like a module attribute", "import torch\nclass C:\n    pass\nc = C()\nc.functional = 1", "store.torch_module", "ok"],
  ["f: torch.compile(model) (a direct call)", "import torch\ndef build(model):\n    return torch.compile(model)", "torch.sensitive_attr_alias", "ok"],
  ["f: c = torch.cuda", "import torch\nc = torch.cuda.current_device()", "torch.sensitive_attr_alias", "ok"],
  ["j: torch.cuda", "import torch\nx = torch.cuda.is_available()", "torch.c_access", "ok"],
  ["w: a load method on another object", "import json\nx = json.loads('1')", "call.torch_load", "ok"],
];

describe("reference torch rules (a to f, j, w)", () => {
  it.each(rejections(REJECTED))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  it.each(acceptances(ACCEPTED))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

/**
 * The documented gaps (§5.2): each passes the reference rule and is caught by a project rule.
 * [label, snippet, the reference rule that must stay silent, the project rule that must fire]
 */
const GAPS: readonly (readonly [string, string, string, string])[] = [
  ["b: obj.t = torch (attribute target)", "import torch\nobj = None\nobj.t = torch", "torch.assign_alias", "alias.module_value"],
  ["b: d['t'] = torch (subscript target)", "import torch\nd = {}\nd['t'] = torch", "torch.assign_alias", "alias.module_value"],
  ["d: t = {'k': torch} (dict value)", "import torch\nt = {'k': torch}", "torch.unpack_alias", "alias.module_value"],
  ["e: torch.x[0].y = 1 (a subscript breaks the chain)", "import torch\ntorch.x[0].y = 1", "store.torch_module", "store.protected_root"],
  ["e: F.cross_entropy: object = fake (annotated assignment)", "import torch.nn.functional as F\nfake = None\nF.cross_entropy: object = fake", "store.torch_module", "store.protected_root"],
  ["e: a, torch.Tensor.add = 1, f (nested tuple target)", "import torch\nf = None\na, torch.Tensor.add = 1, f", "store.torch_module", "store.protected_root"],
  ["e: for F.cross_entropy in [fake] (for target)", "import torch.nn.functional as F\nfake = None\nfor F.cross_entropy in [fake]:\n    pass", "store.torch_module", "store.protected_root"],
  ["e: with ctx() as F.cross_entropy (with target)", "import contextlib\nimport torch.nn.functional as F\nwith contextlib.nullcontext() as F.cross_entropy:\n    pass", "store.torch_module", "store.protected_root"],
  ["e: [0 for torch.Tensor.add in [f]] (comprehension target)", "import torch\nf = None\nx = [0 for torch.Tensor.add in [f]]", "store.torch_module", "store.protected_root"],
  ["e: optim.AdamW.step = f (torch.optim is not a tracked submodule)", "import torch.optim as optim\nf = None\noptim.AdamW.step = f", "store.torch_module", "store.protected_root"],
  ["e: T.add = f after T = torch.Tensor (assignment alias)", "import torch\nf = None\nT = torch.Tensor\nT.add = f", "store.torch_module", "store.protected_root"],
  ["e: import torch._dynamo.config as dc; dc.x = 1 (not a tracked submodule)", "import torch._dynamo.config as dc\ndc.suppress_errors = True", "store.torch_module", "store.protected_root"],
];

describe("documented gaps of the reference torch rules", () => {
  it.each(GAPS)("rejects: %s, by the project rule only", (_label, snippet, referenceRule, projectRule) => {
    const report = scan(snippet);
    expectNoRule(report, referenceRule);
    expectRule(report, projectRule);
  });
});
