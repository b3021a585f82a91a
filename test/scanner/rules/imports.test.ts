/**
 * Import rules: the reference's t and u (scanner.md §5.2, lists of §4.2 and §4.3) and the
 * project's R6 (import.forbidden_path), R7/R9/R11/R12 (import.forbidden_name) and R10 (allowlist,
 * relative imports).
 */
import { beforeAll, describe, it } from "vitest";
import type { Scanner } from "../../../src/scanner/index.js";
import { type Acceptance, type Rejection, acceptances, checkAcceptance, expectNoRule, expectRule, loadScanner, rejections, wrap } from "../helpers.js";

let scanner: Scanner;
beforeAll(async () => {
  scanner = await loadScanner();
});
const scan = (snippet: string) => scanner.scan(wrap(snippet), { gpus: 1 });

const FORBIDDEN_MODULES = [
  "__main__", "_builtins", "_ctypes", "_io", "_thread", "ast", "atexit", "base64", "builtins", "code", "codecs", "codeop",
  "compileall", "ctypes", "dis", "env", "gc", "http", "inspect", "io", "linecache", "logging", "marshal", "miner_train", "mock",
  "multiprocessing", "operator", "os", "pathlib", "pdb", "pickle", "pkgutil", "pprint", "requests", "runpy", "shelve", "shutil",
  "signal", "site", "socket", "subprocess", "sys", "tempfile", "threading", "time", "traceback", "types", "unittest", "urllib",
  "weakref", "zipimport",
];

const IMPORT_ALLOWLIST = [
  "torch", "triton", "flash_attn", "numpy", "transformers", "math", "random", "functools", "itertools", "collections",
  "contextlib", "dataclasses", "typing", "typing_extensions", "enum", "abc", "copy", "json", "re", "warnings", "numbers",
  "statistics", "heapq", "bisect", "__future__",
];

describe("t: import.forbidden (Import)", () => {
  it.each(FORBIDDEN_MODULES)("rejects: import %s", (name) => {
    expectRule(scan(`import ${name}`), "import.forbidden", [1, 8]);
  });

  it.each(FORBIDDEN_MODULES)("rejects: import %s.sub as x (first dotted component)", (name) => {
    expectRule(scan(`import ${name}.sub as x`), "import.forbidden", [1, 8]);
  });

  const rejected: readonly Rejection[] = [
    ["import os.path", "import os.path", "import.forbidden", [1, 8]],
    ["the second alias of an import", "import math, os", "import.forbidden", [1, 14]],
    ["import importlib", "import importlib", "import.forbidden", [1, 8]],
    ["a name starting with importlib (importlib_metadata)", "import importlib_metadata", "import.forbidden", [1, 8]],
    ["a name containing cpp_extension", "import torch.utils.cpp_extension", "import.forbidden", [1, 8]],
    ["cpp_extension anywhere in the name", "import foo_cpp_extension_bar", "import.forbidden", [1, 8]],
    ["a FORBIDDEN_DOTTED_MODULES entry: numpy.ctypeslib", "import numpy.ctypeslib", "import.forbidden", [1, 8]],
    ["below a dotted entry: torch.utils.dlpack.x", "import torch.utils.dlpack.x", "import.forbidden", [1, 8]],
    ["self-import of the evaluator (K.B28)", "import env", "import.forbidden", [1, 8]],
    ["self-import of the submission (K.B28)", "import miner_train", "import.forbidden", [1, 8]],
    ["an import inside a function", "def f():\n    import os\n    return None", "import.forbidden", [2, 12]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ["import math", "import math", "import.forbidden", "ok"],
    ["import torch.multiprocessing (only the first component counts)", "import torch.multiprocessing", "import.forbidden", "ok"],
    ["import torch.distributed", "import torch.distributed", "import.forbidden", "ok"],
    ["import torch._dynamo", "import torch._dynamo", "import.forbidden", "ok"],
    ["import numpy.ctypeslibx (not under the dotted entry)", "import numpy.ctypeslibx", "import.forbidden"],
    ["import osx (not os)", "import osx", "import.forbidden"],
    ["import functools (allowed on purpose)", "import functools", "import.forbidden", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("u: import.star, import.forbidden, import.torch_symbol (ImportFrom)", () => {
  const rejected: readonly Rejection[] = [
    ["from torch import *", "from torch import *", "import.star", [1, 1]],
    ["from math import *", "from math import *", "import.star", [1, 1]],
    ["from . import * (even a pure relative import)", "from . import *", "import.star", [1, 1]],
    ["from os import path", "from os import path", "import.forbidden", [1, 1]],
    ["from os.path import join", "from os.path import join", "import.forbidden", [1, 1]],
    ["from importlib import import_module", "from importlib import import_module", "import.forbidden", [1, 1]],
    ["from importlib_resources import files", "from importlib_resources import files", "import.forbidden", [1, 1]],
    ["from torch.utils.cpp_extension import load_inline", "from torch.utils.cpp_extension import load_inline", "import.forbidden", [1, 1]],
    ["from torch.utils import cpp_extension (name contains cpp_extension)", "from torch.utils import cpp_extension", "import.forbidden"],
    ["from numpy import ctypeslib (module.name under a dotted entry)", "from numpy import ctypeslib", "import.forbidden"],
    ["from torch.utils import dlpack", "from torch.utils import dlpack", "import.forbidden"],
    ["from numpy.ctypeslib import as_array", "from numpy.ctypeslib import as_array", "import.forbidden", [1, 1]],
    ["from .os import x (the level is ignored)", "from .os import x", "import.forbidden", [1, 1]],
    ["from torch import load", "from torch import load", "import.torch_symbol"],
    ["from torch import compile", "from torch import compile", "import.torch_symbol"],
    ["from torch import _C", "from torch import _C", "import.torch_symbol"],
    ["from torch import nn, load as L", "from torch import nn, load as L", "import.torch_symbol"],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ["from torch import nn", "from torch import nn", ["import.star", "import.forbidden", "import.torch_symbol"], "ok"],
    ["from torch import Tensor", "from torch import Tensor", "import.torch_symbol", "ok"],
    ["from torch.nn import functional as F", "from torch.nn import functional as F", "import.forbidden", "ok"],
    ["from torch.multiprocessing import spawn", "from torch.multiprocessing import spawn", "import.forbidden", "ok"],
    ["from torch.nn.modules import Module (not module torch)", "from torch.nn.modules import Module", "import.torch_symbol", "ok"],
    ["from numpy import random", "from numpy import random", "import.forbidden", "ok"],
    ["from torch.utils import data", "from torch.utils import data", "import.forbidden", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });

  it("rejects: from . import os passes u (no module: checking stops) and is import.relative (R10)", () => {
    const report = scan("from . import os");
    expectNoRule(report, "import.forbidden");
    expectRule(report, "import.relative", [1, 1]);
  });
});

describe("R10: import.not_allowlisted", () => {
  const notAllowlisted = [
    "posix", "_pickle", "_operator", "asyncio", "cProfile", "timeit", "pydoc", "string", "_imp", "_frozen_importlib", "cffi", "mmap",
    "_posixsubprocess", "pty", "concurrent.futures", "copyreg", "_frozen_importlib_external", "imp", "profile", "doctest", "trace",
    "select", "resource", "faulthandler", "sysconfig", "glob", "zipfile", "tarfile", "fileinput", "_signal", "_socket", "_weakref",
    "_multiprocessing", "_posixshmem", "safetensors", "scipy",
  ];
  it.each(notAllowlisted)("rejects: import %s", (name) => {
    const report = scan(`import ${name}`);
    expectRule(report, "import.not_allowlisted", [1, 8]);
  });

  it.each(["posix", "asyncio", "string", "concurrent.futures"])("rejects: from %s import x", (name) => {
    expectRule(scan(`from ${name} import x`), "import.not_allowlisted", [1, 1]);
  });

  it.each(["posix", "_pickle", "asyncio", "cProfile"])("rejects: import %s passes t (not in FORBIDDEN_MODULES) and is import.not_allowlisted", (name) => {
    const report = scan(`import ${name}`);
    expectNoRule(report, "import.forbidden");
    expectRule(report, "import.not_allowlisted", [1, 8]);
  });

  it("rejects: the reference denylist still applies on top (import os is both)", () => {
    const report = scan("import os");
    expectRule(report, "import.forbidden", [1, 8]);
    expectRule(report, "import.not_allowlisted", [1, 8]);
  });

  it.each(IMPORT_ALLOWLIST)("accepts: import %s", (name) => {
    const snippet = name === "__future__" ? "from __future__ import annotations" : `import ${name}`;
    checkAcceptance(scan(snippet), "import.not_allowlisted", "ok");
  });

  it("accepts: dotted imports below allowlisted modules", () => {
    checkAcceptance(
      scan("import torch.nn.functional as F\nimport triton.language as tl\nfrom collections import OrderedDict\nfrom typing import Any\nfrom flash_attn import flash_attn_func"),
      "import.not_allowlisted",
      "ok",
    );
  });
});

describe("R10: import.relative", () => {
  const rejected: readonly Rejection[] = [
    ["from . import foo", "from . import foo", "import.relative", [1, 1]],
    ["from .mod import x", "from .mod import x", "import.relative", [1, 1]],
    ["from .. import y", "from .. import y", "import.relative", [1, 1]],
    ["from .torch import nn", "from .torch import nn", "import.relative", [1, 1]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  it("accepts: an absolute from-import", () => {
    checkAcceptance(scan("from torch import nn"), "import.relative", "ok");
  });
});

describe("R6/R10: import.forbidden_path", () => {
  const rejected: readonly Rejection[] = [
    ["import torch.hub", "import torch.hub", "import.forbidden_path", [1, 8]],
    ["from numpy import f2py", "from numpy import f2py", "import.forbidden_path"],
    ["import torch._C", "import torch._C", "import.forbidden_path", [1, 8]],
    ["import torch._C._nn as n", "import torch._C._nn as n", "import.forbidden_path", [1, 8]],
    ["from torch import hub", "from torch import hub", "import.forbidden_path"],
    ["import torch.package", "import torch.package", "import.forbidden_path", [1, 8]],
    ["from torch.package import PackageImporter", "from torch.package import PackageImporter", "import.forbidden_path"],
    ["import torch.utils.cpp_extension", "import torch.utils.cpp_extension", "import.forbidden_path", [1, 8]],
    ["import torch.utils.dlpack", "import torch.utils.dlpack", "import.forbidden_path", [1, 8]],
    ["import numpy.ctypeslib", "import numpy.ctypeslib", "import.forbidden_path", [1, 8]],
    ["import numpy.distutils", "import numpy.distutils", "import.forbidden_path", [1, 8]],
    ["import triton.runtime.build", "import triton.runtime.build", "import.forbidden_path", [1, 8]],
    ["from triton.runtime import build", "from triton.runtime import build", "import.forbidden_path"],
    ["from transformers import dynamic_module_utils", "from transformers import dynamic_module_utils", "import.forbidden_path"],
    ["from transformers.dynamic_module_utils import get_class_from_dynamic_module", "from transformers.dynamic_module_utils import get_class_from_dynamic_module", "import.forbidden_path"],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ["import torch.utils.data", "import torch.utils.data", "import.forbidden_path", "ok"],
    ["from numpy import random", "from numpy import random", "import.forbidden_path", "ok"],
    ["import triton.runtime", "import triton.runtime", "import.forbidden_path", "ok"],
    ["import torch.hubble (not below torch.hub)", "import torch.hubble", "import.forbidden_path"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("R7/R9/R11/R12: import.forbidden_name", () => {
  const names: readonly (readonly [string, string])[] = [
    ["functools", "cached_property"],
    ["torch", "set_grad_enabled"],
    ["torch", "inference_mode"],
    ["abc", "abstractproperty"],
    ["enum", "DynamicClassAttribute"],
    ["abc", "ABCMeta"],
    ["enum", "EnumMeta"],
    ["enum", "EnumType"],
    ["dataclasses", "make_dataclass"],
    ["typing", "new_class"],
    ["typing", "prepare_class"],
    ["typing", "get_type_hints"],
    ["typing", "ForwardRef"],
  ];
  it.each(names)("rejects: from %s import %s", (module, name) => {
    expectRule(scan(`from ${module} import ${name}`), "import.forbidden_name");
  });

  it("rejects: an aliased forbidden name (from functools import cached_property as cp)", () => {
    expectRule(scan("from functools import cached_property as cp"), "import.forbidden_name");
  });

  it("rejects: the second name of a from-import", () => {
    expectRule(scan("from torch import nn, inference_mode"), "import.forbidden_name");
  });

  const accepted: readonly Acceptance[] = [
    ["from functools import partial, wraps, reduce", "from functools import partial, wraps, reduce", "import.forbidden_name", "ok"],
    ["from abc import ABC, abstractmethod", "from abc import ABC, abstractmethod", "import.forbidden_name", "ok"],
    ["from typing import Any, Optional", "from typing import Any, Optional", "import.forbidden_name", "ok"],
    ["from torch import no_grad, enable_grad", "from torch import no_grad, enable_grad", "import.forbidden_name", "ok"],
    ["from dataclasses import dataclass, field", "from dataclasses import dataclass, field", "import.forbidden_name", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});
