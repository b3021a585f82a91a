/**
 * Store rules of the project (scanner.md R1 to R4): every store form, stores through imported or
 * derived names, module objects used as values, dunder stores, stores through run-time class
 * handles, attribute-copy functions, and the flow- and scope-insensitive binding analysis.
 */
import { beforeAll, describe, it } from "vitest";
import type { Scanner } from "../../../src/scanner/index.js";
import { type Acceptance, type Rejection, acceptances, checkAcceptance, expectRule, loadScanner, rejections, wrap } from "../helpers.js";

let scanner: Scanner;
beforeAll(async () => {
  scanner = await loadScanner();
});
const scan = (snippet: string) => scanner.scan(wrap(snippet), { gpus: 1 });

const F = "import torch.nn.functional as F\nfake = None\n";
const T = "import torch\nf = None\n";

describe("R1: every store form is checked", () => {
  // The seven rejected examples of R1, with the rule(s) each must trigger at the store site.
  const rejected: readonly Rejection[] = [
    ["F.cross_entropy: object = fake (annotated assignment)", `${F}F.cross_entropy: object = fake`, "store.protected_root", [3, 1]],
    ["torch.Tensor.__sub__: object = f", `${T}torch.Tensor.__sub__: object = f`, "store.dunder_attribute", [3, 1]],
    ["torch.Tensor.__sub__: object = f (protected root)", `${T}torch.Tensor.__sub__: object = f`, "store.protected_root", [3, 1]],
    ["x.synchronize: int = None", "def g(x):\n    x.synchronize: int = None", "store.timing_attr_any", [2, 5]],
    ["a, torch.Tensor.__sub__ = 1, f", `${T}a, torch.Tensor.__sub__ = 1, f`, "store.dunder_attribute", [3, 4]],
    ["a, torch.Tensor.__sub__ = 1, f (protected root)", `${T}a, torch.Tensor.__sub__ = 1, f`, "store.protected_root", [3, 4]],
    ["for F.cross_entropy in [fake]: pass", `${F}for F.cross_entropy in [fake]:\n    pass`, "store.protected_root", [3, 5]],
    ["with ctx() as F.cross_entropy: pass", `import contextlib\n${F}with contextlib.nullcontext() as F.cross_entropy:\n    pass`, "store.protected_root", [4, 34]],
    ["[0 for torch.Tensor.__sub__ in [f]]", `${T}x = [0 for torch.Tensor.__sub__ in [f]]`, "store.dunder_attribute", [3, 12]],
    ["[0 for torch.Tensor.__sub__ in [f]] (protected root)", `${T}x = [0 for torch.Tensor.__sub__ in [f]]`, "store.protected_root", [3, 12]],
    // Further store forms.
    ["a starred target", `${T}a, *torch.Tensor.add = 1, f`, "store.protected_root", [3, 5]],
    ["a nested list target", `${T}[a, [b, torch.Tensor.add]] = [1, [2, f]]`, "store.protected_root", [3, 9]],
    ["an augmented assignment", `${T}torch.Tensor.add += f`, "store.protected_root", [3, 1]],
    ["an annotation without a value", `${T}torch.Tensor.add: object`, "store.protected_root", [3, 1]],
    ["del", `${T}del torch.Tensor.add`, "store.protected_root", [3, 5]],
    ["an async for target", `${T}async def g():\n    async for torch.Tensor.add in h():\n        pass`, "store.protected_root", [4, 15]],
    ["a set comprehension target", `${T}x = {0 for torch.Tensor.add in [f]}`, "store.protected_root", [3, 12]],
    ["a generator target", `${T}x = list(0 for torch.Tensor.add in [f])`, "store.protected_root", [3, 16]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });
});

describe("R1: store.timing_attr_any", () => {
  const rejected: readonly Rejection[] = [
    ["a plain assignment (overlaps rule n)", "def g(e, h):\n    e.synchronize = h", "store.timing_attr_any", [2, 5]],
    ["a plain assignment also reports rule n", "def g(e, h):\n    e.synchronize = h", "store.timing_attr", [2, 5]],
    ["an annotated assignment", "def g(e, h):\n    e.record: object = h", "store.timing_attr_any", [2, 5]],
    ["an augmented assignment", "def g(e, h):\n    e.elapsed_time += h", "store.timing_attr_any", [2, 5]],
    ["a tuple target", "def g(e, h):\n    a, e.record = 1, h", "store.timing_attr_any", [2, 8]],
    ["a for target", "def g(e, h):\n    for e.synchronize in [h]:\n        pass", "store.timing_attr_any", [2, 9]],
    ["a with target", "import contextlib\ndef g(e):\n    with contextlib.nullcontext() as e.record:\n        pass", "store.timing_attr_any", [3, 38]],
    ["a comprehension target", "def g(e, h):\n    return [0 for e.synchronize in [h]]", "store.timing_attr_any", [2, 19]],
    ["del", "def g(e):\n    del e.record", "store.timing_attr_any", [2, 9]],
    ["torch.cuda.synchronize: object = f (K.B2)", `${T}torch.cuda.synchronize: object = f`, "store.timing_attr_any", [3, 1]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ["a call e.record()", "import torch\ndef g():\n    e = torch.cuda.Event(enable_timing=True)\n    e.record()\n    torch.cuda.synchronize()", "store.timing_attr_any", "ok"],
    ["a store to e.recorded", "def g(e):\n    e.recorded = 1", "store.timing_attr_any", "ok"],
    ["a Name target named synchronize", "synchronize = 1", "store.timing_attr_any", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("R2: store.protected_root", () => {
  // The rejected examples of R2.
  const rejected: readonly Rejection[] = [
    ["T = torch.Tensor then T.__sub__ = f", `${T}T = torch.Tensor\nT.__sub__ = f`, "store.protected_root", [4, 1]],
    ["from torch import Tensor as T then T.__sub__ = f", "from torch import Tensor as T\nf = None\nT.__sub__ = f", "store.protected_root", [3, 1]],
    ["FF = F then FF.cross_entropy = fake", `${F}FF = F\nFF.cross_entropy = fake`, "store.protected_root", [4, 1]],
    ["nnf = torch.nn.functional then nnf.cross_entropy = fake", "import torch\nfake = None\nnnf = torch.nn.functional\nnnf.cross_entropy = fake", "store.protected_root", [4, 1]],
    ["import torch.optim as optim then optim.AdamW.step = f", "import torch.optim as optim\nf = None\noptim.AdamW.step = f", "store.protected_root", [3, 1]],
    ["import numpy as np then np.add = f", "import numpy as np\nf = None\nnp.add = f", "store.protected_root", [3, 1]],
    ["def g(t=torch): t.Tensor.add = f (a default value)", `${T}def g(t=torch):\n    t.Tensor.add = f`, "store.protected_root", [4, 5]],
    ["import torch._inductor.config as ic then ic.coordinate_descent_tuning = True", "import torch._inductor.config as ic\nic.coordinate_descent_tuning = True", "store.protected_root", [2, 1]],
    // Every imported module or object, and every derived binding form.
    ["torch._inductor.config.x = True (a config write)", "import torch\ntorch._inductor.config.coordinate_descent_tuning = True", "store.protected_root", [2, 1]],
    ["import torch._dynamo.config as dc; dc.x = 1 (the reference allowed this)", "import torch._dynamo.config as dc\ndc.cache_size_limit = 64", "store.protected_root", [2, 1]],
    ["math.pi = 3", "import math\nmath.pi = 3", "store.protected_root", [2, 1]],
    ["a library class: AutoModel.from_pretrained = f", "from transformers import AutoModel\nf = None\nAutoModel.from_pretrained = f", "store.protected_root", [3, 1]],
    ["np.random.seed = f", "import numpy as np\nf = None\nnp.random.seed = f", "store.protected_root", [3, 1]],
    ["a subscript in the chain: torch.x[0].y = 1", "import torch\ntorch.x[0].y = 1", "store.protected_root", [2, 1]],
    ["a walrus binding", `${T}y = (W := torch.Tensor)\nW.add = f`, "store.protected_root", [4, 1]],
    ["a for binding over a display", `${T}for t in [torch.Tensor]:\n    t.add = f`, "store.protected_root", [4, 5]],
    ["a for binding over the protected expression itself", `${T}for t in torch.nn.modules:\n    t.add = f`, "store.protected_root", [4, 5]],
    ["a comprehension binding", `${T}x = [setattr_like for t in [torch.Tensor] for setattr_like in [t]]\nt.add = f`, "store.protected_root", [4, 1]],
    ["a with binding", `import contextlib\n${T}with contextlib.nullcontext(torch.Tensor) as c:\n    pass\nd = torch.Tensor\nd.add = f`, "store.protected_root", [7, 1]],
    ["a conditional expression", `${T}c = 1\nt = torch.Tensor if c else None\nt.add = f`, "store.protected_root", [5, 1]],
    ["an or operand", `${T}c = None\nt = c or torch.Tensor\nt.add = f`, "store.protected_root", [5, 1]],
    ["a dict value then a subscript", `${T}d = {"k": torch.Tensor}\nd["k"].add = f`, "store.protected_root", [4, 1]],
    ["a tuple element", `${T}pair = (1, torch.Tensor)\npair[1].add = f`, "store.protected_root", [4, 1]],
    ["an annotated assignment binding", `${T}t: object = torch.Tensor\nt.add = f`, "store.protected_root", [4, 1]],
    ["a parameter default of a derived name", `${T}def g(t=torch.Tensor):\n    t.add = f`, "store.protected_root", [4, 5]],
    ["a chain of derived bindings", `${T}a = torch.Tensor\nb = a\nc = b\nc.add = f`, "store.protected_root", [6, 1]],
    ["an augmented store through a derived name", `${T}t = torch.Tensor\nt.add += f`, "store.protected_root", [4, 1]],
    ["del through a derived name", `${T}t = torch.Tensor\ndel t.add`, "store.protected_root", [4, 5]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  // The "must still be accepted" examples of R2, each as a complete valid file.
  const accepted: readonly Acceptance[] = [
    ["self.w = torch.zeros(3)", "import torch\nclass M:\n    def __init__(self):\n        self.w = torch.zeros(3)", "store.protected_root", "ok"],
    ["model.config.use_cache = False", "def g(model):\n    model.config.use_cache = False", "store.protected_root", "ok"],
    ["p.grad = None", "def g(model):\n    for p in model.parameters():\n        p.grad = None", "store.protected_root", "ok"],
    ["layer.mlp.forward = fused_forward (the root is a parameter or local)", "def fused_forward(x):\n    return x\ndef g(layer):\n    layer.mlp.forward = fused_forward", "store.protected_root", "ok"],
    ["loss_fn = F.cross_entropy (binding only)", "import torch.nn.functional as F\nloss_fn = F.cross_entropy", ["store.protected_root", "alias.module_value"], "ok"],
    ["dtype = torch.bfloat16", "import torch\ndtype = torch.bfloat16", ["store.protected_root", "alias.module_value"], "ok"],
    ["isinstance(x, torch.Tensor)", "import torch\ndef g(x):\n    return isinstance(x, torch.Tensor)", ["store.protected_root", "alias.module_value"], "ok"],
    ['hasattr(F, "scaled_dot_product_attention")', 'import torch.nn.functional as F\nok = hasattr(F, "scaled_dot_product_attention")', ["store.protected_root", "alias.module_value"], "ok"],
    ["torch.backends.cuda.matmul.allow_tf32 = True", "import torch\ntorch.backends.cuda.matmul.allow_tf32 = True", "store.protected_root", "ok"],
    ["import torch.backends.cuda as tbc then tbc.matmul.allow_tf32 = True", "import torch.backends.cuda as tbc\ntbc.matmul.allow_tf32 = True", "store.protected_root", "ok"],
    // Other stores that must stay allowed.
    ["a store on the result of a call (the chain stops at calls)", "import torch\nm = torch.nn.Linear(3, 3)\nm.weight.requires_grad = False", "store.protected_root", "ok"],
    ["a store on a local object", "class C:\n    pass\nc = C()\nc.x = 1", "store.protected_root", "ok"],
    ["torch.backends.cudnn.allow_tf32 = True", "import torch\ntorch.backends.cudnn.allow_tf32 = True", "store.protected_root", "ok"],
    ["a module-level dict of settings", "import torch\nsettings = {}\nsettings['dtype'] = torch.bfloat16", "store.protected_root", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("R2: alias.module_value", () => {
  const rejected: readonly Rejection[] = [
    ["FF = F (the binding itself)", `${F}FF = F`, "alias.module_value", [3, 6]],
    ["holder.t = torch", "import torch\nclass H:\n    pass\nholder = H()\nholder.t = torch", "alias.module_value", [5, 12]],
    ["return torch", "import torch\ndef g():\n    return torch", "alias.module_value", [3, 12]],
    ["def g(t=torch) (a default value)", "import torch\ndef g(t=torch):\n    return 1", "alias.module_value", [2, 9]],
    ["a call argument", "import torch\nprint(torch)", "alias.module_value", [2, 7]],
    ["a container element", "import torch\nx = {'t': torch}", "alias.module_value", [2, 11]],
    ["a list element", "import numpy\nx = [numpy]", "alias.module_value", [2, 6]],
    ["an operand", "import math\nx = math or 1", "alias.module_value", [2, 5]],
    ["a for iterable element", "import torch\nfor t in [torch]:\n    pass", "alias.module_value", [2, 11]],
    ["a module-valued from-import (from torch import nn)", "from torch import nn\nx = nn", "alias.module_value", [2, 5]],
    ["a module-valued from-import as an argument", "from torch.nn import functional as F2\nprint(F2)", "alias.module_value", [2, 7]],
    ["a derived module-valued name", "import torch\nnnf = torch.nn.functional\nprint(nnf)", "alias.module_value", [3, 7]],
    ["an isinstance argument", "import torch\ndef g(x):\n    return isinstance(x, torch)", "alias.module_value", [3, 26]],
    ["the second argument of hasattr", "def g(x):\n    import math\n    return hasattr(x, math)", "alias.module_value", [3, 23]],
    ["a subscript value (not an Attribute value)", "import torch\nx = torch[0]", "alias.module_value", [2, 5]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ["the value of an Attribute (F.gelu)", "import torch.nn.functional as F\ndef g(x):\n    return F.gelu(x)", "alias.module_value", "ok"],
    ["its own import statement", "import torch\nimport numpy as np", "alias.module_value", "ok"],
    ["the first argument of hasattr", "import torch\nok = hasattr(torch, 'compile')", "alias.module_value", "ok"],
    ["a non-module import (from torch import Tensor)", "from torch import Tensor\ndef g(x):\n    return isinstance(x, Tensor)", "alias.module_value", "ok"],
    ["a class imported from a module (from torch.nn import Linear)", "from torch.nn import Linear\nm = Linear(3, 3)", "alias.module_value", "ok"],
    ["from collections import OrderedDict", "from collections import OrderedDict\nd = OrderedDict()", "alias.module_value", "ok"],
    ["a name bound to a call on a module", "import torch\nd = torch.device('cpu')\nprint(d)", "alias.module_value", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("R3: store.dunder_attribute", () => {
  const rejected: readonly Rejection[] = [
    ["x.__class__ = A", "class A:\n    pass\nx = A()\nx.__class__ = A", "store.dunder_attribute", [4, 1]],
    ["x.__class__: object = A (annotated)", "class A:\n    pass\nx = A()\nx.__class__: object = A", "store.dunder_attribute", [4, 1]],
    ["for x.__class__ in [A]", "class A:\n    pass\nx = A()\nfor x.__class__ in [A]:\n    pass", "store.dunder_attribute", [4, 5]],
    ["a, x.__class__ = 1, A", "class A:\n    pass\nx = A()\na, x.__class__ = 1, A", "store.dunder_attribute", [4, 4]],
    ["T.__sub__ = f (a local class)", "class T:\n    pass\ndef f(a, b):\n    return a\nT.__sub__ = f", "store.dunder_attribute", [5, 1]],
    ["obj.__doc__ = s", "def g(obj, s):\n    obj.__doc__ = s", "store.dunder_attribute", [2, 5]],
    ["del obj.__doc__", "def g(obj):\n    del obj.__doc__", "store.dunder_attribute", [2, 9]],
    ["a five-character dunder _____", "def g(obj):\n    obj._____ = 1", "store.dunder_attribute", [2, 5]],
    ["x.__slots__ += ()", "def g(x):\n    x.__slots__ += ()", "store.dunder_attribute", [2, 5]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ["reading obj.__doc__", "def g(obj):\n    return obj.__doc__", "store.dunder_attribute", "ok"],
    ["a four-character name ____ (not longer than 4)", "def g(obj):\n    obj.____ = 1", "store.dunder_attribute", "ok"],
    ["a private attribute obj._x", "def g(obj):\n    obj._x = 1", "store.dunder_attribute", "ok"],
    ["a mangled-looking attribute obj.__x", "def g(obj):\n    obj.__x = 1", "store.dunder_attribute", "ok"],
    ["a Name target __all__", '__all__ = ["inner_steps"]', "store.dunder_attribute", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("R3: store.runtime_class", () => {
  const rejected: readonly Rejection[] = [
    ["type(t).add = f", "def g(t, f):\n    type(t).add = f", "store.runtime_class", [2, 5]],
    ["t.__class__.add = f", "def g(t, f):\n    t.__class__.add = f", "store.runtime_class", [2, 5]],
    ["type(t).add: object = f (annotated)", "def g(t, f):\n    type(t).add: object = f", "store.runtime_class", [2, 5]],
    ["type(t)().x = 1 (through the callee of a call)", "def g(t):\n    type(t)().x = 1", "store.runtime_class", [2, 5]],
    ["t.__class__.table[0].x = 1 (through a subscript)", "def g(t):\n    t.__class__.table[0].x = 1", "store.runtime_class", [2, 5]],
    ["for type(t).add in [f]", "def g(t, f):\n    for type(t).add in [f]:\n        pass", "store.runtime_class", [2, 9]],
    ["del t.__class__.add", "def g(t):\n    del t.__class__.add", "store.runtime_class", [2, 9]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ["reading type(t)", "def g(t):\n    return type(t)", "store.runtime_class", "ok"],
    ["reading t.__class__", "def g(t):\n    c = t.__class__\n    return c", "store.runtime_class", "ok"],
    ["a store on the instance itself", "def g(t):\n    t.add = 1", "store.runtime_class", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("R3: call.attribute_copy", () => {
  const rejected: readonly Rejection[] = [
    [
      "functools.update_wrapper(torch.Tensor, H, assigned=(...), updated=()) (K.C2)",
      'import functools\nimport torch\nclass H:\n    pass\nfunctools.update_wrapper(torch.Tensor, H, assigned=("__sub__",), updated=())',
      "call.attribute_copy",
      [5, 1],
    ],
    ["update_wrapper with 3 positional arguments", "import functools\ndef g(a, b):\n    functools.update_wrapper(a, b, ('x',))", "call.attribute_copy", [3, 5]],
    ["a bare-name update_wrapper with assigned=", "from functools import update_wrapper\ndef g(a, b):\n    update_wrapper(a, b, assigned=())", "call.attribute_copy", [3, 5]],
    ["wraps with 2 positional arguments", "import functools\ndef g(fn):\n    return functools.wraps(fn, ('__sub__',))", "call.attribute_copy", [3, 12]],
    ["wraps with updated=", "import functools\ndef g(fn):\n    return functools.wraps(fn, updated=())", "call.attribute_copy", [3, 12]],
    ["wraps with *args", "import functools\ndef g(args):\n    return functools.wraps(*args)", "call.attribute_copy", [3, 12]],
    ["update_wrapper with **kwargs", "import functools\ndef g(a, b, kw):\n    return functools.update_wrapper(a, b, **kw)", "call.attribute_copy", [3, 12]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ["@functools.wraps(fn)", "import functools\ndef deco(fn):\n    @functools.wraps(fn)\n    def w(*a, **k):\n        return fn(*a, **k)\n    return w", "call.attribute_copy", "ok"],
    ["functools.update_wrapper(w, fn)", "import functools\ndef deco(fn):\n    def w(*a):\n        return fn(*a)\n    return functools.update_wrapper(w, fn)", "call.attribute_copy", "ok"],
    ["functools.partial(fn, 1)", "import functools\ndef g(a, b):\n    return a\nh = functools.partial(g, 1)", "call.attribute_copy", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("R4: binding analysis is flow- and scope-insensitive", () => {
  const rejected: readonly Rejection[] = [
    ["def f(): import torch.nn.functional as G, then a module-level G.x = 1", "def f():\n    import torch.nn.functional as G\n    return None\nG.x = 1", "store.protected_root", [4, 1]],
    ["a derived binding after its use", "import torch\ndef g(f):\n    T.add = f\nT = torch.Tensor", "store.protected_root", [3, 5]],
    ["a derived binding in another function", "import torch\ndef a():\n    T = torch.Tensor\n    return None\ndef b(f):\n    T.add = f", "store.protected_root", [6, 5]],
    ["an import in a class body protects a module-level name", "class C:\n    import numpy as np\nnp.add = 1", "store.protected_root", [3, 1]],
    ["a store in a branch never taken", "import torch\nif False:\n    T = torch.Tensor\nT.add = 1", "store.protected_root", [4, 1]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });
});
