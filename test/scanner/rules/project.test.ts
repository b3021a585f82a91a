/**
 * The project's attribute, binding and class rules (scanner.md R5, R6, R7, R9, R11, R12) and the
 * intentionally allowed constructs of §11.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Scanner } from "../../../src/scanner/index.js";
import { type Acceptance, type Rejection, acceptances, checkAcceptance, expectAccepted, expectRule, loadScanner, rejections, wrap } from "../helpers.js";

let scanner: Scanner;
beforeAll(async () => {
  scanner = await loadScanner();
});
const scan = (snippet: string) => scanner.scan(wrap(snippet), { gpus: 1 });

function table(rejected: readonly Rejection[], accepted: readonly Acceptance[]): void {
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
}

describe("R5: attr.forbidden_module", () => {
  table(
    [
      ['torch.os.system("id")', 'import torch\ntorch.os.system("id")', "attr.forbidden_module", [2, 1]],
      ["torch.sys.modules", "import torch\nx = torch.sys.modules", "attr.forbidden_module", [2, 5]],
      ["torch.ctypes.CDLL(None)", "import torch\nx = torch.ctypes.CDLL(None)", "attr.forbidden_module", [2, 5]],
      ["torch.inspect.currentframe()", "import torch\nx = torch.inspect.currentframe()", "attr.forbidden_module", [2, 5]],
      ["torch.importlib", "import torch\nx = torch.importlib", "attr.forbidden_module", [2, 5]],
      ["torch.importlib (also attr.forbidden_name)", "import torch\nx = torch.importlib", "attr.forbidden_name", [2, 5]],
      ["torch.builtins", "import torch\nx = torch.builtins", "attr.forbidden_module", [2, 5]],
      ["torch.builtins (also attr.forbidden_name)", "import torch\nx = torch.builtins", "attr.forbidden_name", [2, 5]],
      ["np.sys", "import numpy as np\nx = np.sys", "attr.forbidden_module", [2, 5]],
      ["torch.signal (a denied module name, on purpose)", "import torch\nx = torch.signal", "attr.forbidden_module", [2, 5]],
      ["torch.types (a denied module name, on purpose)", "import torch\nx = torch.types", "attr.forbidden_module", [2, 5]],
      ["transformers.logging (a denied module name, on purpose)", "import transformers\nx = transformers.logging", "attr.forbidden_module", [2, 5]],
      ["torch.nn.modules.module.threading (deep path)", "import torch\nx = torch.nn.modules.module.threading", "attr.forbidden_module", [2, 5]],
      ["through a derived name", "import torch\nt = torch.nn\nx = t.os", "attr.forbidden_module", [3, 5]],
      ["an extended denylist entry: asyncio", "import torch\nx = torch.asyncio", "attr.forbidden_module", [2, 5]],
      ["an extended denylist entry: _posixsubprocess", "import numpy as np\nx = np._posixsubprocess", "attr.forbidden_module", [2, 5]],
      ["an extended denylist entry: string", "import torch\nx = torch.string", "attr.forbidden_module", [2, 5]],
    ],
    [
      ["torch.multiprocessing.spawn(fn) (an exception)", "import torch\ndef run(rank):\n    return rank\ndef g():\n    torch.multiprocessing.spawn(run, nprocs=2)", "attr.forbidden_module", "ok"],
      ["x.os on a local (not protected)", "def g(x):\n    return x.os", "attr.forbidden_module", "ok"],
      ["torch.distributed", "import torch\nx = torch.distributed.is_initialized()", "attr.forbidden_module", "ok"],
    ],
  );
});

describe("R6: attr.native_loader", () => {
  table(
    [
      ['torch.ops.load_library("x.so")', 'import torch\ntorch.ops.load_library("x.so")', "attr.native_loader", [2, 1]],
      ['torch.classes.load_library("x.so")', 'import torch\ntorch.classes.load_library("x.so")', "attr.native_loader", [2, 1]],
      ["torch.utils.cpp_extension.load_inline(...) by attribute path", 'import torch\nsrc = ""\nm = torch.utils.cpp_extension.load_inline(name="x", cpp_sources=src)', "attr.native_loader", [3, 5]],
      ['np.zeros(3).tofile("x.so")', 'import numpy as np\nnp.zeros(3).tofile("x.so")', "attr.native_loader", [2, 1]],
      ['np.memmap("x", mode="w+", shape=(8,))', 'import numpy as np\nm = np.memmap("x", mode="w+", shape=(8,))', "attr.native_loader", [2, 5]],
      ['torch.from_file("x", shared=True, size=8)', 'import torch\nt = torch.from_file("x", shared=True, size=8)', "attr.native_loader", [2, 5]],
      ['torch.package.PackageImporter("x")', 'import torch\ni = torch.package.PackageImporter("x")', "attr.native_loader", [2, 5]],
      ['torch.hub.load("x", "m", source="local")', 'import torch\nm = torch.hub.load("x", "m", source="local")', "attr.native_loader", [2, 5]],
      ["np.lib.format.open_memmap", 'import numpy as np\nm = np.lib.format.open_memmap("x", mode="w+")', "attr.native_loader", [2, 5]],
      ["any receiver: x.load_library", "def g(x):\n    return x.load_library", "attr.native_loader", [2, 12]],
      ["np.f2py", "import numpy as np\nx = np.f2py", "attr.native_loader", [2, 5]],
    ],
    [
      ["model.load_state_dict(sd)", "def g(model, sd):\n    model.load_state_dict(sd)", "attr.native_loader", "ok"],
      ["np.zeros(3).tolist()", "import numpy as np\nx = np.zeros(3).tolist()", "attr.native_loader", "ok"],
      ["torch.hub_like names are not torch.hub", "import torch\nx = torch.hubble", "attr.native_loader"],
    ],
  );
});

describe("R6: call.unsafe_loader_flag", () => {
  table(
    [
      ['np.load("x", allow_pickle=True)', 'import numpy as np\nx = np.load("x", allow_pickle=True)', "call.unsafe_loader_flag", [2, 5]],
      ["AutoModelForCausalLM.from_pretrained(p, trust_remote_code=True)", "from transformers import AutoModelForCausalLM\ndef g(p):\n    return AutoModelForCausalLM.from_pretrained(p, trust_remote_code=True)", "call.unsafe_loader_flag", [3, 12]],
      ["a dynamic flag value", 'import numpy as np\ndef g(flag):\n    return np.load("x", allow_pickle=flag)', "call.unsafe_loader_flag", [3, 12]],
      ["allow_pickle=None", 'import numpy as np\nx = np.load("x", allow_pickle=None)', "call.unsafe_loader_flag", [2, 5]],
      ["allow_pickle=1", 'import numpy as np\nx = np.load("x", allow_pickle=1)', "call.unsafe_loader_flag", [2, 5]],
      ["any callee", "def g(f):\n    return f(trust_remote_code='yes')", "call.unsafe_loader_flag", [2, 12]],
    ],
    [
      ['np.load("x", allow_pickle=False)', 'import numpy as np\nx = np.load("x.npy", allow_pickle=False)', "call.unsafe_loader_flag", "ok"],
      ["from_pretrained(p, trust_remote_code=False)", "from transformers import AutoConfig\ndef g(p):\n    return AutoConfig.from_pretrained(p, trust_remote_code=False)", "call.unsafe_loader_flag", "ok"],
      ["np.load without the flag", 'import numpy as np\nx = np.load("x.npy")', "call.unsafe_loader_flag", "ok"],
    ],
  );
});

describe("R7: name.forbidden_dunder_binding", () => {
  table(
    [
      ["class D: __get__ = getter", "def getter(s, i, o):\n    return 0\nclass D:\n    __get__ = getter", "name.forbidden_dunder_binding", [4, 5]],
      ["class P: __getattr__ = lambda s, n: 0", "class P:\n    __getattr__ = lambda s, n: 0", "name.forbidden_dunder_binding", [2, 5]],
      ["def __set_name__(self, owner, name)", "class D:\n    def __set_name__(self, owner, name):\n        return None", "name.forbidden_dunder_binding", [2, 5]],
      ["class-body __getattribute__ = fn (K.C14)", "def fn(s, n):\n    return 0\nclass P:\n    __getattribute__ = fn", "name.forbidden_dunder_binding", [4, 5]],
      ["class-body __set__ via annotated assignment", "def fn(s, i, v):\n    return 0\nclass P:\n    __set__: object = fn", "name.forbidden_dunder_binding", [4, 5]],
      ["class-body __delete__ via tuple unpacking", "def fn(s, i):\n    return 0\nclass P:\n    a, __delete__ = 1, fn", "name.forbidden_dunder_binding", [4, 8]],
      ["a module-level __getattr__ = fn", "def fn(n):\n    return 0\n__getattr__ = fn", "name.forbidden_dunder_binding", [3, 1]],
      ["a walrus target", "def fn(n):\n    return 0\nx = (__getattr__ := fn)", "name.forbidden_dunder_binding", [3, 6]],
      ["a for target", "for __get__ in []:\n    pass", "name.forbidden_dunder_binding", [1, 5]],
      ["del", "__set_name__x = 1\ndel __get__", "name.forbidden_dunder_binding", [2, 5]],
      ["a parameter", "def f(__get__):\n    return 1", "name.forbidden_dunder_binding", [1, 7]],
      ["a lambda parameter", "f = lambda __getattr__: 1", "name.forbidden_dunder_binding", [1, 12]],
      ["an import alias", "from math import pi as __get__", "name.forbidden_dunder_binding", [1, 18]],
      ["an exception name", "try:\n    pass\nexcept Exception as __set__:\n    pass", "name.forbidden_dunder_binding", [3, 1]],
      ["a match capture", "x = 1\nmatch x:\n    case __get__:\n        pass", "name.forbidden_dunder_binding", [3, 10]],
      ["a global declaration", "def f():\n    global __getattr__\n    return 1", "name.forbidden_dunder_binding", [2, 5]],
      ["a class named __get__", "class __get__:\n    pass", "name.forbidden_dunder_binding", [1, 1]],
      ["def __getattr__ (with dd)", "class P:\n    def __getattr__(self, n):\n        return 0", "name.forbidden_dunder_binding", [2, 5]],
    ],
    [
      ["class-body __getitem__ = fn", "def fn(s, i):\n    return 0\nclass P:\n    __getitem__ = fn", "name.forbidden_dunder_binding", "ok"],
      ["class-body __setitem__ = fn", "def fn(s, i, v):\n    return 0\nclass P:\n    __setitem__ = fn", "name.forbidden_dunder_binding", "ok"],
      ["def __init__", "class P:\n    def __init__(self):\n        self.x = 1", "name.forbidden_dunder_binding", "ok"],
      ["reading a __get__ attribute is attr.introspection, not a binding", "def g(x):\n    return x.__get__", "name.forbidden_dunder_binding"],
    ],
  );
});

describe("R7: attr.descriptor_factory", () => {
  table(
    [
      ["@functools.cached_property", "import functools\nclass A:\n    @functools.cached_property\n    def x(self):\n        return 1", "attr.descriptor_factory", [3, 6]],
      ["@enum.property", "import enum\nclass A(enum.Enum):\n    B = 1\n    @enum.property\n    def x(self):\n        return 1", "attr.descriptor_factory", [4, 6]],
      ["abc.abstractproperty", "import abc\nclass A:\n    x = abc.abstractproperty()", "attr.descriptor_factory", [3, 9]],
      ["types.DynamicClassAttribute (uncalled)", "def g(types):\n    return types.DynamicClassAttribute", "attr.descriptor_factory", [2, 12]],
      ["x.property = 1 (a store)", "def g(x):\n    x.property = 1", "attr.descriptor_factory", [2, 5]],
      ["builtins-like receiver: obj.property(f)", "def g(obj, f):\n    return obj.property(f)", "attr.descriptor_factory", [2, 12]],
    ],
    [
      ["@functools.lru_cache()", "import functools\n@functools.lru_cache()\ndef g(x):\n    return x", "attr.descriptor_factory", "ok"],
      ["@functools.cache", "import functools\n@functools.cache\ndef g(x):\n    return x", "attr.descriptor_factory", "ok"],
      ["x.properties", "def g(x):\n    return x.properties", "attr.descriptor_factory", "ok"],
    ],
  );
});

describe("R9: builtin.type_construct", () => {
  table(
    [
      ["_SD = type('_SD', (), {'__teg__'[::-1]: getter}) (K.A2)", "def getter(s, i, o):\n    return 0\n_SD = type('_SD', (), {'__teg__'[::-1]: getter})", "builtin.type_construct", [3, 7]],
      ["the same: the slice is also string.constructed", "def getter(s, i, o):\n    return 0\n_SD = type('_SD', (), {'__teg__'[::-1]: getter})", "string.constructed", [3, 24]],
      ['type.__new__(type, "X", (), {})', 'X = type.__new__(type, "X", (), {})', "builtin.type_construct", [1, 5]],
      ["f = type", "f = type", "builtin.type_construct", [1, 5]],
      ["class M(type): ...", "class M(type):\n    pass", "builtin.type_construct", [1, 9]],
      ["type with two positional arguments", "def g(a, b):\n    return type(a, b)", "builtin.type_construct", [2, 12]],
      ["type with a keyword", "def g(a):\n    return type(a, k=1)", "builtin.type_construct", [2, 12]],
      ["type with a starred argument", "def g(a):\n    return type(*a)", "builtin.type_construct", [2, 12]],
      ["type with **kwargs", "def g(a, k):\n    return type(a, **k)", "builtin.type_construct", [2, 12]],
      ["type in a container", "x = [type]", "builtin.type_construct", [1, 6]],
      ["type as the first argument of isinstance", "def g(x):\n    return isinstance(type, x)", "builtin.type_construct", [2, 23]],
      ["type as a call argument", "def g(f):\n    return f(type)", "builtin.type_construct", [2, 14]],
    ],
    [
      ["type(x) with one argument (FSDP layer detection)", "def g(x):\n    return type(x)", "builtin.type_construct", "ok"],
      ["isinstance(x, type)", "def g(x):\n    return isinstance(x, type)", "builtin.type_construct", "ok"],
      ["issubclass(c, (type, int))", "def g(c):\n    return issubclass(c, (type, int))", "builtin.type_construct", "ok"],
      ["type(x) is int and type(x).__name__ read", "def g(x):\n    return type(x) is int", "builtin.type_construct", "ok"],
    ],
  );
});

describe("R9: call.metaclass_construct", () => {
  table(
    [
      ['abc.ABCMeta("X", (), ns)', 'import abc\nns = {}\nX = abc.ABCMeta("X", (), ns)', "call.metaclass_construct", [3, 5]],
      ['dataclasses.make_dataclass("X", [], namespace=ns)', 'import dataclasses\nns = {}\nX = dataclasses.make_dataclass("X", [], namespace=ns)', "call.metaclass_construct", [3, 5]],
      ["enum.EnumMeta (uncalled)", "import enum\nM = enum.EnumMeta", "call.metaclass_construct", [2, 5]],
      ["enum.EnumType", "import enum\nM = enum.EnumType", "call.metaclass_construct", [2, 5]],
      ["types.new_class via a parameter", "def g(types):\n    return types.new_class('X')", "call.metaclass_construct", [2, 12]],
      ["prepare_class as a Name", "def g(prepare_class):\n    return prepare_class('X')", "call.metaclass_construct", [2, 12]],
      ["ABCMeta as a base class name", "from abc import ABCMeta\nclass A(ABCMeta):\n    pass", "call.metaclass_construct", [2, 9]],
    ],
    [
      ["class X(abc.ABC)", "import abc\nclass X(abc.ABC):\n    pass", "call.metaclass_construct", "ok"],
      ["@dataclasses.dataclass", "import dataclasses\n@dataclasses.dataclass\nclass X:\n    a: int = 1", "call.metaclass_construct", "ok"],
      ["class E(enum.Enum)", "import enum\nclass E(enum.Enum):\n    A = 1", "call.metaclass_construct", "ok"],
    ],
  );
});

describe("R9: class.metaclass", () => {
  table(
    [
      ["class X(metaclass=M): pass", "class M:\n    pass\nclass X(metaclass=M):\n    pass", "class.metaclass", [3, 1]],
      ["a metaclass keyword after bases", "import abc\nclass X(object, metaclass=abc.ABC):\n    pass", "class.metaclass", [2, 1]],
    ],
    [
      ["class X(torch.nn.Module)", "import torch\nclass X(torch.nn.Module):\n    pass", "class.metaclass", "ok"],
      ["a class with another keyword", "class B:\n    def __init_subclass__x(cls):\n        return None\nclass X(B):\n    pass", "class.metaclass", "ok"],
    ],
  );
});

describe("R11: attr.grad_toggle", () => {
  table(
    [
      ["@torch.inference_mode (a decorator without parentheses)", "import torch\n@torch.inference_mode\ndef f(m):\n    return m", "attr.grad_toggle", [2, 2]],
      ["g = torch.set_grad_enabled; g(False)", "import torch\ng = torch.set_grad_enabled\ng(False)", "attr.grad_toggle", [2, 5]],
      ["torch.set_grad_enabled(False) (a call is also a reference)", "import torch\ntorch.set_grad_enabled(False)", "attr.grad_toggle", [2, 1]],
      ["with torch.inference_mode():", "import torch\nwith torch.inference_mode():\n    pass", "attr.grad_toggle", [2, 6]],
      ["any receiver", "def g(x):\n    return x.inference_mode", "attr.grad_toggle", [2, 12]],
      ["torch.autograd.set_grad_enabled", "import torch\nctx = torch.autograd.set_grad_enabled(False)", "attr.grad_toggle", [2, 7]],
    ],
    [
      ["torch.no_grad()", "import torch\nwith torch.no_grad():\n    pass", "attr.grad_toggle", "ok"],
      ["torch.enable_grad()", "import torch\nwith torch.enable_grad():\n    pass", "attr.grad_toggle", "ok"],
      ["@torch.no_grad()", "import torch\n@torch.no_grad()\ndef f(m):\n    return m", "attr.grad_toggle", "ok"],
    ],
  );
});

describe("R12: attr.eval_sink", () => {
  table(
    [
      ["typing.get_type_hints(f)", "import typing\ndef f(x: 'int'):\n    return x\nh = typing.get_type_hints(f)", "attr.eval_sink", [4, 5]],
      ['typing.ForwardRef("x")', 'import typing\nr = typing.ForwardRef("x")', "attr.eval_sink", [2, 5]],
      ["typing._eval_type", "import typing\ne = typing._eval_type", "attr.eval_sink", [2, 5]],
      ["any receiver", "def g(t):\n    return t.get_type_hints", "attr.eval_sink", [2, 12]],
    ],
    [
      ["typing.Any and typing.cast", "import typing\ndef g(x: typing.Any) -> typing.Optional[int]:\n    return typing.cast(int, x)", "attr.eval_sink", "ok"],
      ["a string annotation is not code to the scanner", "def g(x: 'SomeType') -> 'int':\n    return 1", "attr.eval_sink", "ok"],
    ],
  );
});

describe("§11 intentionally allowed constructs", () => {
  const allowed: readonly (readonly [string, string])[] = [
    ["import functools, functools.partial, functools.wraps(fn)", "import functools\ndef deco(fn):\n    @functools.wraps(fn)\n    def w(*a, **k):\n        return fn(*a, **k)\n    return w\npolicy = functools.partial(deco)"],
    ["torch.compile(fn), torch.compile(model)", "import torch\ndef step(x):\n    return x\nfast = torch.compile(step)\ndef build(model):\n    return torch.compile(model, mode='max-autotune', fullgraph=True)"],
    ["torch.no_grad() as a context manager", "import torch\ndef ev(model, x):\n    with torch.no_grad():\n        return model(x)"],
    ["@torch.no_grad() as a decorator", "import torch\n@torch.no_grad()\ndef ev(model, x):\n    return model(x)"],
    ["@staticmethod on an autograd Function", "import torch\nclass Square(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        ctx.save_for_backward(x)\n        return x * x\n    @staticmethod\n    def backward(ctx, g):\n        (x,) = ctx.saved_tensors\n        return 2 * x * g"],
    ["type(x) with one argument", "def layer_classes(model):\n    return {type(m) for m in model.modules()}"],
    ["reading obj.__class__", "def name_of(layer):\n    return layer.__class__"],
    ["torch.backends.cuda.matmul.allow_tf32 = True and other torch.backends writes", "import torch\ntorch.backends.cuda.matmul.allow_tf32 = True\ntorch.backends.cudnn.allow_tf32 = True\ntorch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction = False"],
    ["torch.set_float32_matmul_precision and torch.backends.cuda.enable_flash_sdp (calls)", "import torch\ntorch.set_float32_matmul_precision('high')\ntorch.backends.cuda.enable_flash_sdp(True)"],
    ["torch._dynamo and torch._inductor imports, attribute access, torch._dynamo.reset()", "import torch\nimport torch._dynamo\nimport torch._inductor\ntorch._dynamo.reset()\ncfg = torch._inductor.config\nlimit = torch._dynamo.config.cache_size_limit"],
    ["import torch.distributed, from torch.multiprocessing import spawn", "import torch.distributed as dist\nfrom torch.multiprocessing import spawn\ndef world():\n    return dist.get_world_size() if dist.is_initialized() else 1"],
    ["torch.cuda.synchronize() (a call)", "import torch\ndef sync():\n    torch.cuda.synchronize()"],
    ["self.optimizer", "class Trainer:\n    def __init__(self, optimizer):\n        self.optimizer = optimizer\n    def step(self):\n        self.optimizer.step()"],
    ["hasattr, isinstance, print, id, super", "class A:\n    def __init__(self):\n        super().__init__()\n        print(id(self), hasattr(self, 'x'), isinstance(self, A))"],
    ['the strings "__class__" and "step_count"', 'keys = ["__class__", "step_count"]'],
    ["ordinary libraries", "import math\nimport random\nimport json\nimport re\nimport itertools\nimport collections\nimport contextlib\nimport warnings\nimport dataclasses\nimport numpy\nimport triton\nimport flash_attn"],
    ["triton kernels", "import triton\nimport triton.language as tl\n@triton.jit\ndef add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):\n    pid = tl.program_id(axis=0)\n    offs = pid * BLOCK + tl.arange(0, BLOCK)\n    mask = offs < n\n    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) + tl.load(y_ptr + offs, mask=mask), mask=mask)"],
  ];
  it.each(allowed)("accepts: %s", (_label, snippet) => {
    expectAccepted(scan(snippet));
  });

  // The rows of §11 that are restricted by the project, and the rejected row.
  const restricted: readonly Rejection[] = [
    ["update_wrapper with assigned=", "import functools\ndef g(a, b):\n    functools.update_wrapper(a, b, assigned=())", "call.attribute_copy"],
    ["binding torch.compile to a name", "import torch\nc = torch.compile", "torch.sensitive_attr_alias"],
    ["f = type", "f = type", "builtin.type_construct"],
    ["three-argument type(...)", "X = type('X', (), {})", "builtin.type_construct"],
    ["attribute access on type", "m = type.mro", "builtin.type_construct"],
    ["storing through __class__", "def g(x):\n    x.__class__.y = 1", "store.runtime_class"],
    ["a config write torch._inductor.config.x = ...", "import torch\ntorch._inductor.config.max_autotune = True", "store.protected_root"],
    ["the alias spelling of a config write", "import torch._dynamo.config as dc\ndc.suppress_errors = True", "store.protected_root"],
    ["assigning to torch.cuda.synchronize", "import torch\ndef g():\n    return None\ntorch.cuda.synchronize = g", "store.timing_attr"],
    ["assigning to torch.cuda.synchronize (rule e)", "import torch\ndef g():\n    return None\ntorch.cuda.synchronize = g", "store.torch_module"],
    ["x.optimizer on another receiver", "def g(trainer):\n    return trainer.optimizer", "attr.optimizer"],
    ["cudnn.deterministic under torch.backends", "import torch\ntorch.backends.cudnn.deterministic = True", "store.cudnn_flag"],
    ["from . import x", "from . import x", "import.relative"],
  ];
  it.each(rejections(restricted))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });
});

describe("§12.2 principles: constructs rejected even where §12.1 names no list entry", () => {
  const rejected: readonly (readonly [string, string])[] = [
    ["1: torch.serialization.load (a pickle-based loader)", 'import torch\nx = torch.serialization.load("f")'],
    ["1: from torch.serialization import load", "from torch.serialization import load"],
    ["1: torch.jit.load", 'import torch\nm = torch.jit.load("x")'],
    ["2: a pluggable allocator loads a shared library", 'import torch\na = torch.cuda.memory.CUDAPluggableAllocator("x.so", "a", "f")'],
    ["4: __closure__ and cell_contents", "def g(f):\n    return f.__closure__[0].cell_contents"],
    ["4: __defaults__", "def g(f):\n    return f.__defaults__"],
    ["4: __kwdefaults__", "def g(f):\n    return f.__kwdefaults__"],
    ["5: with torch.backends.cudnn.flags(...)", "import torch\nwith torch.backends.cudnn.flags(enabled=True, benchmark=True):\n    pass"],
    ["5: torch.backends.cudnn.set_flags(...)", "import torch\ntorch.backends.cudnn.set_flags(True, True)"],
  ];
  it.each(rejected)("rejects: principle %s", (_label, snippet) => {
    const report = scan(snippet);
    expect(report.ok, JSON.stringify(report.violations)).toBe(false);
  });

  it("accepts: torch.backends.cudnn.is_available() (not a flag setter)", () => {
    expectAccepted(scan("import torch\nok = torch.backends.cudnn.is_available()"));
  });
});
