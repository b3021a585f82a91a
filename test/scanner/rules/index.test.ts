/**
 * The rule id index of scanner.md §16 and the verbatim lists of §4 and §12.1: every id of §16 is
 * active and has (here, in one place) a minimal rejected file; the family test files hold the
 * closest accepted inputs and the detailed semantics.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as lists from "../../../src/scanner/index.js";
import type { Scanner } from "../../../src/scanner/index.js";
import { MINIMAL_VALID, bytesOf, describeViolations, expectAccepted, loadScanner, wrap } from "../helpers.js";

let scanner: Scanner;
beforeAll(async () => {
  scanner = await loadScanner();
});

/** §16, in document order. */
const SPEC_RULE_IDS = [
  "input.too_large", "input.not_utf8", "input.bom", "input.nul", "input.coding_decl", "input.control_char", "input.lone_cr",
  "input.bidi_control", "input.tab_indent", "input.non_ascii_code", "input.line_continuation", "input.too_complex", "syntax.error",
  "syntax.unsupported", "string.named_escape", "torch.import_alias", "torch.assign_alias", "torch.walrus_alias", "torch.unpack_alias",
  "store.torch_module", "torch.sensitive_attr_alias", "name.forbidden", "name.dunder_name_binding", "attr.object_dunder",
  "torch.c_access", "store.torch_config", "store.class_attr", "attr.timer", "store.timing_attr", "store.slots",
  "attr.gc_introspection", "store.cudnn_flag", "call.grad_toggle", "call.direct_forbidden", "call.attr_forbidden",
  "call.compile_non_torch", "import.forbidden", "import.star", "import.torch_symbol", "call.forbidden_builtin", "call.torch_load",
  "attr.ctypeslib", "name.builtins_access", "attr.sys_modules", "attr.dunder_dict", "attr.introspection", "attr.optimizer",
  "def.forbidden_dunder", "decorator.forbidden", "literal.bytes_too_large", "call.weights_only_false", "string.forbidden",
  "string.constructed", "string.suspicious_construction", "attr.forbidden_name", "structure.missing_inner_steps",
  "structure.inner_steps_arity", "strategy.missing", "strategy.topology_mismatch", "string.forbidden_bytes", "string.unresolvable",
  "structure.inner_steps_not_module_level", "structure.inner_steps_keywords", "store.timing_attr_any", "store.protected_root",
  "alias.module_value", "store.dunder_attribute", "store.runtime_class", "call.attribute_copy", "attr.forbidden_module",
  "attr.native_loader", "call.unsafe_loader_flag", "import.forbidden_path", "name.forbidden_dunder_binding", "attr.descriptor_factory",
  "import.forbidden_name", "builtin.type_construct", "call.metaclass_construct", "class.metaclass", "import.not_allowlisted",
  "import.relative", "attr.grad_toggle", "attr.eval_sink",
] as const;

type SpecRuleId = (typeof SPEC_RULE_IDS)[number];

const STRATEGY_ONLY = 'def inner_steps(model, data_iterator, optimizer, num_steps, device, num_gpus=1):\n    return None\n';

/**
 * A minimal rejected input per §16 id: a snippet for `wrap`, or a complete source (bytes or text)
 * with its GPU count. `null` only for the inactive store.torch_config.
 */
const MINIMAL: Record<SpecRuleId, { snippet: string } | { source: string | Uint8Array; gpus?: number } | null> = {
  "input.too_large": { source: `${MINIMAL_VALID}${"#".repeat(500_001)}\n` },
  "input.not_utf8": { source: bytesOf("# ", 0xff, "\n", MINIMAL_VALID) },
  "input.bom": { source: bytesOf([0xef, 0xbb, 0xbf], MINIMAL_VALID) },
  "input.nul": { source: bytesOf("# ", 0x00, "\n", MINIMAL_VALID) },
  "input.coding_decl": { snippet: "# coding: latin-1" },
  "input.control_char": { snippet: "# \f" },
  "input.lone_cr": { snippet: "x = 1\ry = 2" },
  "input.bidi_control": { snippet: "# \u202e" },
  "input.tab_indent": { snippet: "if True:\n\tx = 1" },
  "input.non_ascii_code": { snippet: "café = 1" },
  "input.line_continuation": { snippet: "x = 1 \\\n# c" },
  "input.too_complex": { snippet: `x = ${"[".repeat(150)}${"]".repeat(150)}` },
  "syntax.error": { snippet: "def f(:" },
  "syntax.unsupported": { snippet: "type X = int" },
  "string.named_escape": { snippet: 'x = "\\N{BULLET}"' },
  "torch.import_alias": { snippet: "import torch as t" },
  "torch.assign_alias": { snippet: "t = torch" },
  "torch.walrus_alias": { snippet: "y = (t := torch)" },
  "torch.unpack_alias": { snippet: "t, = torch," },
  "store.torch_module": { snippet: "import torch\ntorch.x = 1" },
  "torch.sensitive_attr_alias": { snippet: "import torch\nc = torch.compile" },
  "name.forbidden": { snippet: "x = eval" },
  "name.dunder_name_binding": { snippet: "__name__ = 'x'" },
  "attr.object_dunder": { snippet: "x = object.__setattr__" },
  "torch.c_access": { snippet: "import torch\nx = torch._C" },
  "store.torch_config": null,
  "store.class_attr": { snippet: "def f(x, A):\n    x.__class__ = A" },
  "attr.timer": { snippet: "def f(x):\n    return x.perf_counter" },
  "store.timing_attr": { snippet: "def f(e, g):\n    e.synchronize = g" },
  "store.slots": { snippet: "def f(x):\n    x.__slots__ = ()" },
  "attr.gc_introspection": { snippet: "x = gc.get_objects" },
  "store.cudnn_flag": { snippet: "import torch\ntorch.backends.cudnn.benchmark = True" },
  "call.grad_toggle": { snippet: "import torch\ntorch.set_grad_enabled(False)" },
  "call.direct_forbidden": { snippet: "exec('1')" },
  "call.attr_forbidden": { snippet: "def f(m):\n    m.eval()" },
  "call.compile_non_torch": { snippet: "import re\np = re.compile('x')" },
  "import.forbidden": { snippet: "import os" },
  "import.star": { snippet: "from math import *" },
  "import.torch_symbol": { snippet: "from torch import load" },
  "call.forbidden_builtin": { snippet: "def f(img):\n    return img.open()" },
  "call.torch_load": { snippet: "import torch\nx = torch.load('p')" },
  "attr.ctypeslib": { snippet: "def f(np):\n    return np.ctypeslib" },
  "name.builtins_access": { snippet: "x = __builtins__" },
  "attr.sys_modules": { snippet: "x = sys.modules" },
  "attr.dunder_dict": { snippet: "def f(o):\n    return o.__dict__" },
  "attr.introspection": { snippet: "def f(fr):\n    return fr.f_back" },
  "attr.optimizer": { snippet: "def f(t):\n    return t.optimizer" },
  "def.forbidden_dunder": { snippet: "class P:\n    def __getattr__(self, n):\n        return 0" },
  "decorator.forbidden": { snippet: "class A:\n    @property\n    def x(self):\n        return 1" },
  "literal.bytes_too_large": { snippet: `x = bytes([${Array(257).fill("0").join(", ")}])` },
  "call.weights_only_false": { snippet: "def f(x):\n    return x.load('p', weights_only=False)" },
  "string.forbidden": { snippet: "x = 'getattr'" },
  "string.constructed": { snippet: "x = 'kcab_f'[::-1]" },
  "string.suspicious_construction": { snippet: "def f(enc):\n    return b'abc'.decode(enc)" },
  "attr.forbidden_name": { snippet: "def f(x):\n    return x.sliding_window" },
  "structure.missing_inner_steps": { source: 'def get_strategy():\n    return "ddp"\n' },
  "structure.inner_steps_arity": { source: "def inner_steps(*a, **k):\n    return None\n" },
  "strategy.missing": { source: STRATEGY_ONLY, gpus: 4 },
  "strategy.topology_mismatch": { source: `${STRATEGY_ONLY}def get_strategy():\n    return {"dp_size": 2, "tp_size": 1}\n`, gpus: 4 },
  "string.forbidden_bytes": { snippet: "x = b'getattr'" },
  "string.unresolvable": { snippet: "x = b'x'.decode('cp037')" },
  "structure.inner_steps_not_module_level": {
    source: "class T:\n    def inner_steps(self, model, data_iterator, optimizer, num_steps, device, num_gpus=1):\n        return None\n",
  },
  "structure.inner_steps_keywords": { source: "def inner_steps(m, d, o, n, dev):\n    return None\n" },
  "store.timing_attr_any": { snippet: "def f(x):\n    x.synchronize: int = None" },
  "store.protected_root": { snippet: "import torch.nn.functional as F\nF.cross_entropy: object = None" },
  "alias.module_value": { snippet: "import torch\ndef f():\n    return torch" },
  "store.dunder_attribute": { snippet: "def f(obj, s):\n    obj.__doc__ = s" },
  "store.runtime_class": { snippet: "def f(t, g):\n    type(t).add = g" },
  "call.attribute_copy": { snippet: "import functools\ndef f(a, b):\n    functools.update_wrapper(a, b, assigned=())" },
  "attr.forbidden_module": { snippet: "import torch\ntorch.os.system('id')" },
  "attr.native_loader": { snippet: "import torch\ntorch.ops.load_library('x.so')" },
  "call.unsafe_loader_flag": { snippet: "import numpy as np\nx = np.load('x', allow_pickle=True)" },
  "import.forbidden_path": { snippet: "import torch.hub" },
  "name.forbidden_dunder_binding": { snippet: "class D:\n    __get__ = None" },
  "attr.descriptor_factory": { snippet: "import functools\nx = functools.cached_property" },
  "import.forbidden_name": { snippet: "from functools import cached_property" },
  "builtin.type_construct": { snippet: "f = type" },
  "call.metaclass_construct": { snippet: "import abc\nM = abc.ABCMeta" },
  "class.metaclass": { snippet: "class M:\n    pass\nclass X(metaclass=M):\n    pass" },
  "import.not_allowlisted": { snippet: "import asyncio" },
  "import.relative": { snippet: "from . import foo" },
  "attr.grad_toggle": { snippet: "import torch\ng = torch.set_grad_enabled" },
  "attr.eval_sink": { snippet: "import typing\nh = typing.get_type_hints" },
};

describe("§16 rule id index", () => {
  it("behavior: every §16 id is an active rule id", () => {
    const active = new Set<string>(lists.RULE_IDS);
    expect(SPEC_RULE_IDS.filter((id) => !active.has(id))).toEqual([]);
  });

  it("behavior: rule ids are unique", () => {
    expect(new Set(lists.RULE_IDS).size).toBe(lists.RULE_IDS.length);
  });

  it.each(SPEC_RULE_IDS.filter((id) => MINIMAL[id] !== null))("rejects: %s (minimal input)", (id) => {
    const entry = MINIMAL[id]!;
    const report =
      "snippet" in entry ? scanner.scan(wrap(entry.snippet), { gpus: 1 }) : scanner.scan(entry.source, { gpus: entry.gpus ?? 1 });
    expect(
      report.violations.map((v) => v.rule),
      `${id}:\n${describeViolations(report)}`,
    ).toContain(id);
    expect(report.ok).toBe(false);
  });

  it("accepts: the minimal valid file used by the wrapper", () => {
    expectAccepted(scanner.scan(MINIMAL_VALID, { gpus: 1 }));
  });
});

describe("§4 reference lists are verbatim", () => {
  const sorted = (values: readonly string[]) => [...values].sort();

  it("behavior: FORBIDDEN_MODULES (51)", () => {
    expect(lists.FORBIDDEN_MODULES.length).toBe(51);
  });
  it("behavior: the other import lists of §4.3", () => {
    expect(sorted(lists.FORBIDDEN_DOTTED_MODULES)).toEqual(["numpy.ctypeslib", "torch.utils.dlpack"]);
    expect(sorted(lists.FORBIDDEN_IMPORT_SUBSTRINGS)).toEqual(["cpp_extension"]);
    expect(sorted(lists.FORBIDDEN_TORCH_SYMBOL_IMPORTS)).toEqual(["_C", "compile", "load"]);
    expect(sorted(lists.FORBIDDEN_TORCH_ATTRIBUTE_ALIASES)).toEqual(["_C", "compile", "load"]);
    expect(lists.FORBIDDEN_TORCH_BACKEND_SYMBOL_IMPORTS).toEqual([]);
    expect(lists.FORBIDDEN_TORCH_CONFIG_MODULES).toEqual([]);
    expect(lists.FORBIDDEN_BACKEND_TOGGLE_ATTRS).toEqual([]);
    expect(sorted(lists.ALLOWED_TORCH_SUBMODULE_IMPORTS)).toEqual(
      sorted([
        "torch.amp", "torch.cuda", "torch.cuda.amp", "torch.distributed", "torch.distributed.device_mesh", "torch.distributed.fsdp",
        "torch.distributed.fsdp.wrap", "torch.distributed.optim", "torch.distributed.tensor", "torch.distributed.tensor.parallel",
        "torch.nn", "torch.nn.functional", "torch.nn.parallel", "torch.utils.checkpoint",
      ]),
    );
    expect(lists.ALLOWED_TORCH_ASSIGNMENT_PREFIXES).toEqual(["torch.backends"]);
  });
  it("behavior: the call and attribute lists of §4.4 and §4.5", () => {
    expect(sorted(lists.FORBIDDEN_DIRECT_CALLS)).toEqual(["__import__", "compile", "eval", "exec"]);
    expect(sorted(lists.FORBIDDEN_ATTR_CALLS)).toEqual(["__import__", "eval", "exec"]);
    expect(sorted(lists.FORBIDDEN_GRAD_TOGGLE_CALLS)).toEqual(["inference_mode", "set_grad_enabled"]);
    expect(sorted(lists.FORBIDDEN_ASSIGNMENT_ATTRS)).toEqual(["elapsed_time", "record", "synchronize"]);
    expect(sorted(lists.FORBIDDEN_OBJECT_DUNDER_ATTRS)).toEqual(["__delattr__", "__setattr__"]);
    expect(sorted(lists.FORBIDDEN_GC_ATTRS)).toEqual(["get_objects", "get_referents", "get_referrers"]);
    expect(sorted(lists.FORBIDDEN_CUDNN_ATTRS)).toEqual(["benchmark", "deterministic"]);
    expect(sorted(lists.FORBIDDEN_SYS_MODULE_NAMES)).toEqual(["_sys", "sys"]);
    expect(lists.MAX_BYTES_LITERAL_ELTS).toBe(256);
  });
  it("behavior: the limits of §1 and §14", () => {
    expect(lists.LIMITS).toMatchObject({ maxSourceBytes: 500_000, maxNestingDepth: 100, maxNodes: 1_000_000, maxLiteralChars: 100_000, maxReportedSyntaxErrors: 20 });
  });
});

describe("§12.1 project lists contain at least the default entries", () => {
  const contains = (list: readonly string[], entries: readonly string[]) => expect(entries.filter((e) => !list.includes(e))).toEqual([]);

  it("behavior: store_allowlist", () => {
    expect(lists.STORE_ALLOWLIST).toEqual(["torch.backends"]);
  });
  it("behavior: known_module_paths", () => {
    contains(lists.KNOWN_MODULE_PATHS, [
      ...lists.ALLOWED_TORCH_SUBMODULE_IMPORTS, "torch", "torch.optim", "torch.autograd", "torch.backends", "torch.backends.cuda",
      "torch.backends.cudnn", "torch.utils", "torch.utils.data", "torch.fx", "torch.library", "torch.profiler", "torch.multiprocessing",
      "torch.nn.init", "torch.nn.utils", "torch.nn.modules", "torch._dynamo", "torch._inductor", "torch._dynamo.config",
      "torch._inductor.config", "triton", "triton.language", "numpy", "numpy.random", "numpy.linalg", "flash_attn", "transformers",
    ]);
  });
  it("behavior: import_allowlist is exactly the default (extending it needs a review)", () => {
    expect(sorted(lists.IMPORT_ALLOWLIST)).toEqual(
      sorted([
        "torch", "triton", "flash_attn", "numpy", "transformers", "math", "random", "functools", "itertools", "collections", "contextlib",
        "dataclasses", "typing", "typing_extensions", "enum", "abc", "copy", "json", "re", "warnings", "numbers", "statistics", "heapq",
        "bisect", "__future__",
      ]),
    );
  });
  it("behavior: forbidden_import_paths, forbidden_import_names, native loaders, hooks, factories, metaclasses, eval sinks", () => {
    contains(lists.FORBIDDEN_IMPORT_PATHS, [
      "torch._C", "torch.hub", "torch.package", "torch.utils.cpp_extension", "torch.utils.dlpack", "numpy.ctypeslib", "numpy.f2py",
      "numpy.distutils", "triton.runtime.build", "transformers.dynamic_module_utils",
    ]);
    contains(lists.FORBIDDEN_IMPORT_NAMES, [
      "set_grad_enabled", "inference_mode", "cached_property", "abstractproperty", "DynamicClassAttribute", "ABCMeta", "EnumMeta",
      "EnumType", "make_dataclass", "new_class", "prepare_class", "get_type_hints", "ForwardRef",
    ]);
    contains(lists.MODULE_ATTR_DENYLIST, [
      ...lists.FORBIDDEN_MODULES, "posix", "nt", "_posixsubprocess", "pty", "asyncio", "concurrent", "_pickle", "copyreg", "_operator",
      "_imp", "_frozen_importlib", "_frozen_importlib_external", "imp", "pydoc", "cProfile", "profile", "timeit", "doctest", "trace",
      "string", "cffi", "mmap", "select", "selectors", "resource", "faulthandler", "sysconfig", "glob", "zipfile", "tarfile",
      "fileinput", "_signal", "_socket", "_weakref", "_multiprocessing", "_posixshmem",
    ]);
    expect(lists.MODULE_ATTR_EXCEPTIONS).toEqual(["torch.multiprocessing"]);
    contains(lists.NATIVE_LOADER_ATTRS, [
      "load_library", "cpp_extension", "load_inline", "tofile", "memmap", "open_memmap", "from_file", "PackageImporter", "PackageExporter",
      "dlpack", "f2py", "distutils",
    ]);
    contains(lists.NATIVE_LOADER_PATHS, ["torch.hub", "torch.package"]);
    contains(lists.HOOK_NAMES, [...lists.FORBIDDEN_INTROSPECTION_ATTRS, "__set_name__"]);
    contains(lists.DESCRIPTOR_FACTORIES, ["property", "cached_property", "abstractproperty", "DynamicClassAttribute"]);
    contains(lists.METACLASS_NAMES, ["ABCMeta", "EnumMeta", "EnumType", "make_dataclass", "new_class", "prepare_class"]);
    contains(lists.EVAL_SINKS, ["get_type_hints", "ForwardRef", "_eval_type"]);
  });

  const sorted = (values: readonly string[]) => [...values].sort();
});
