/**
 * Every list of the scanner's rule set, in one place (scanner.md §4 and §12.1). The walker and the
 * rules import these; nothing else spells a forbidden name. The lists are hashed into the rule-set
 * hash (§14), so any edit here changes `rulesHash`.
 * @module
 */

/** §4.1: substring-matched in string constants, exact-matched against attribute names (97). */
export const FORBIDDEN_STRINGS = [
  // module identity
  "__name__", "__main__",
  // escape-hatch dunders
  "__setattr__", "__delattr__", "__subclasses__", "__bases__", "__mro__", "__import__", "__builtins__",
  "__dict__", "__globals__", "__code__", "__func__", "__self__", "__init_subclass__", "__traceback__",
  "__getattribute__", "__getattr__",
  // descriptor protocol and class building
  "__get__", "__set__", "__delete__", "__build_class__",
  // timer internals
  "perf_counter", "_perf_counter", "monotonic", "_monotonic", "_REAL_PC_ID", "_REAL_MONO_ID", "_REAL_SYNC_ID",
  "_cuda_synchronize",
  // CUDA event timing
  "elapsed_time", "_et_orig", "_cuda_elapsed_time", "_REAL_ET_ID",
  // cross-entropy reference
  "_real_cross_entropy", "_REAL_CE_ID",
  // garbage-collector walking
  "get_objects", "get_referrers", "get_referents",
  // legacy validator optimizer internals
  "captured_gradients", "_opt_impl", "_grad_snapshot_gpu", "GradientCapturingOptimizer",
  // dynamic import
  "importlib", "import_module", "sys.modules",
  // dangerous builtins as text
  "setattr", "getattr", "delattr", "globals", "locals", "builtins",
  // frame and traceback traversal
  "tb_frame", "tb_next", "f_globals", "f_builtins", "f_locals", "f_back", "co_consts", "co_names",
  // generator, coroutine and async-generator frames
  "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame", "ag_code",
  // operator-module functions
  "operator.attrgetter", "operator.methodcaller", "attrgetter", "methodcaller",
  // torch internals
  "_C",
  // evaluator internals
  "_CACHE", "initial_state", "_hidden_modules", "_sensitive_keys",
  // timer-vault locals
  "_vpc", "_vmo", "_vet", "_vce", "_vsy", "_vpc_id", "_vmo_id", "_vet_id", "_vce_id", "_vsy_id",
  "_vault_get_timers", "_vault_get_real_ids", "_timer_state",
  // ctypes frame manipulation
  "PyFrame_LocalsToFast", "LocalsToFast", "pythonapi",
  // mock patching
  "mock.patch", "MagicMock", "unittest.mock",
  // attention-config tampering
  "sliding_window", "use_sliding_window", "max_window_layers",
] as const;

/** §4.2: matched against the first dotted component of an imported module (51). */
export const FORBIDDEN_MODULES = [
  "__main__", "_builtins", "_ctypes", "_io", "_thread", "ast", "atexit", "base64", "builtins", "code",
  "codecs", "codeop", "compileall", "ctypes", "dis", "env", "gc", "http", "inspect", "io", "linecache",
  "logging", "marshal", "miner_train", "mock", "multiprocessing", "operator", "os", "pathlib", "pdb",
  "pickle", "pkgutil", "pprint", "requests", "runpy", "shelve", "shutil", "signal", "site", "socket",
  "subprocess", "sys", "tempfile", "threading", "time", "traceback", "types", "unittest", "urllib",
  "weakref", "zipimport",
] as const;

/** §4.3 */
export const FORBIDDEN_DOTTED_MODULES = ["numpy.ctypeslib", "torch.utils.dlpack"] as const;
export const FORBIDDEN_IMPORT_SUBSTRINGS = ["cpp_extension"] as const;
export const FORBIDDEN_TORCH_SYMBOL_IMPORTS = ["_C", "compile", "load"] as const;
export const FORBIDDEN_TORCH_ATTRIBUTE_ALIASES = ["_C", "compile", "load"] as const;
/** Kept empty for compatibility with the reference: rules u-backend, k and r-backend never fire. */
export const FORBIDDEN_TORCH_BACKEND_SYMBOL_IMPORTS = [] as const;
export const FORBIDDEN_TORCH_CONFIG_MODULES = [] as const;
export const FORBIDDEN_BACKEND_TOGGLE_ATTRS = [] as const;
export const ALLOWED_TORCH_SUBMODULE_IMPORTS = [
  "torch.amp", "torch.cuda", "torch.cuda.amp", "torch.distributed", "torch.distributed.device_mesh",
  "torch.distributed.fsdp", "torch.distributed.fsdp.wrap", "torch.distributed.optim", "torch.distributed.tensor",
  "torch.distributed.tensor.parallel", "torch.nn", "torch.nn.functional", "torch.nn.parallel",
  "torch.utils.checkpoint",
] as const;
export const ALLOWED_TORCH_ASSIGNMENT_PREFIXES = ["torch.backends"] as const;

/** §4.4 */
export const FORBIDDEN_NAMES = [
  "__build_class__", "__import__", "breakpoint", "chr", "classmethod", "compile", "delattr", "dir", "eval",
  "exec", "getattr", "globals", "input", "locals", "memoryview", "open", "ord", "property", "setattr", "vars",
] as const;
export const FORBIDDEN_BUILTINS = [
  "breakpoint", "chr", "classmethod", "delattr", "dir", "getattr", "globals", "input", "locals", "memoryview",
  "open", "ord", "property", "setattr", "vars",
] as const;
export const FORBIDDEN_DIRECT_CALLS = ["__import__", "compile", "eval", "exec"] as const;
export const FORBIDDEN_ATTR_CALLS = ["__import__", "eval", "exec"] as const;
export const FORBIDDEN_GRAD_TOGGLE_CALLS = ["inference_mode", "set_grad_enabled"] as const;

/** §4.5 */
export const FORBIDDEN_TIMER_ATTRS = [
  "_cuda_synchronize", "_et_orig", "_monotonic", "_perf_counter", "elapsed_time", "monotonic", "monotonic_ns",
  "perf_counter", "perf_counter_ns",
] as const;
export const FORBIDDEN_ASSIGNMENT_ATTRS = ["elapsed_time", "record", "synchronize"] as const;
export const FORBIDDEN_OBJECT_DUNDER_ATTRS = ["__delattr__", "__setattr__"] as const;
export const FORBIDDEN_GC_ATTRS = ["get_objects", "get_referents", "get_referrers"] as const;
export const FORBIDDEN_CUDNN_ATTRS = ["benchmark", "deterministic"] as const;
export const FORBIDDEN_SYS_MODULE_NAMES = ["_sys", "sys"] as const;
export const FORBIDDEN_INTROSPECTION_ATTRS = [
  "__globals__", "__code__", "__func__", "__self__", "__subclasses__", "__bases__", "__mro__",
  "__init_subclass__", "__traceback__", "tb_frame", "tb_next", "f_globals", "f_builtins", "f_locals", "f_code",
  "f_back", "co_consts", "co_names", "__getattribute__", "__getattr__", "__get__", "__set__", "__delete__",
  "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame", "ag_code",
] as const;
export const MAX_BYTES_LITERAL_ELTS = 256;

// ---------------------------------------------------------------- §12.1 project lists

export const STORE_ALLOWLIST = ["torch.backends"] as const;
export const KNOWN_MODULE_PATHS = [
  ...ALLOWED_TORCH_SUBMODULE_IMPORTS,
  "torch", "torch.optim", "torch.autograd", "torch.backends", "torch.backends.cuda", "torch.backends.cudnn",
  "torch.utils", "torch.utils.data", "torch.fx", "torch.library", "torch.profiler", "torch.multiprocessing",
  "torch.nn.init", "torch.nn.utils", "torch.nn.modules", "torch._dynamo", "torch._inductor",
  "torch._dynamo.config", "torch._inductor.config", "triton", "triton.language", "numpy", "numpy.random",
  "numpy.linalg", "flash_attn", "transformers",
] as const;
export const IMPORT_ALLOWLIST = [
  "torch", "triton", "flash_attn", "numpy", "transformers", "math", "random", "functools", "itertools",
  "collections", "contextlib", "dataclasses", "typing", "typing_extensions", "enum", "abc", "copy", "json", "re",
  "warnings", "numbers", "statistics", "heapq", "bisect", "__future__",
] as const;
export const FORBIDDEN_IMPORT_PATHS = [
  "torch._C", "torch.hub", "torch.package", "torch.utils.cpp_extension", "torch.utils.dlpack", "numpy.ctypeslib",
  "numpy.f2py", "numpy.distutils", "triton.runtime.build", "transformers.dynamic_module_utils",
  // §12.2 principles 1 and 5: pickle-based loaders, cudnn flag setters.
  "torch.serialization", "torch.jit.load", "torch.backends.cudnn.flags", "torch.backends.cudnn.set_flags",
] as const;
export const FORBIDDEN_IMPORT_NAMES = [
  "set_grad_enabled", "inference_mode", "cached_property", "abstractproperty", "DynamicClassAttribute", "ABCMeta",
  "EnumMeta", "EnumType", "make_dataclass", "new_class", "prepare_class", "get_type_hints", "ForwardRef",
] as const;
export const MODULE_ATTR_DENYLIST = [
  ...FORBIDDEN_MODULES,
  "importlib", "posix", "nt", "_posixsubprocess", "pty", "asyncio", "concurrent", "_pickle", "copyreg", "_operator", "_imp",
  "_frozen_importlib", "_frozen_importlib_external", "imp", "pydoc", "cProfile", "profile", "timeit", "doctest",
  "trace", "string", "cffi", "mmap", "select", "selectors", "resource", "faulthandler", "sysconfig", "glob",
  "zipfile", "tarfile", "fileinput", "_signal", "_socket", "_weakref", "_multiprocessing", "_posixshmem",
] as const;
export const MODULE_ATTR_EXCEPTIONS = ["torch.multiprocessing"] as const;
export const NATIVE_LOADER_ATTRS = [
  "load_library", "cpp_extension", "load_inline", "tofile", "memmap", "open_memmap", "from_file", "PackageImporter",
  "PackageExporter", "dlpack", "f2py", "distutils",
  // §12.2 principle 2: pluggable allocators load a shared library.
  "CUDAPluggableAllocator", "change_current_allocator",
] as const;
/** Resolved attribute paths (through imported names) that load code: §12.2 principles 1 and 2. */
export const NATIVE_LOADER_PATHS = ["torch.hub", "torch.package", "torch.serialization", "torch.jit.load"] as const;
/** §12.2 principle 4: function internals, read through any receiver. */
export const FUNCTION_INTERNAL_ATTRS = ["__closure__", "cell_contents", "__defaults__", "__kwdefaults__"] as const;
/** §12.2 principle 5: cudnn flag setters, as attributes of anything named `cudnn`. */
export const CUDNN_TOGGLE_ATTRS = ["flags", "set_flags"] as const;
export const HOOK_NAMES = [...FORBIDDEN_INTROSPECTION_ATTRS, "__set_name__"] as const;
export const DESCRIPTOR_FACTORIES = ["property", "cached_property", "abstractproperty", "DynamicClassAttribute"] as const;
export const METACLASS_NAMES = ["ABCMeta", "EnumMeta", "EnumType", "make_dataclass", "new_class", "prepare_class"] as const;
export const EVAL_SINKS = ["get_type_hints", "ForwardRef", "_eval_type"] as const;

/**
 * §7.1 [PROJECT]: the codecs the constant evaluator decodes, by canonical name with the aliases
 * Python accepts for them (`_` is also accepted for `-`). Anything else is `string.unresolvable`.
 */
export const SUPPORTED_CODECS = {
  "utf-8": ["utf8", "utf_8", "u8"],
  ascii: ["us-ascii", "646"],
  "latin-1": ["latin1", "latin_1", "iso-8859-1", "iso8859-1", "l1", "8859", "cp819"],
  "utf-16": [],
  "utf-16-le": [],
  "utf-16-be": [],
  "utf-32": [],
  "utf-32-le": [],
  "utf-32-be": [],
} as const;

/** §1 and §14: the limits of the input rules. */
export const LIMITS = {
  maxSourceBytes: 500_000,
  maxNestingDepth: 100,
  maxNodes: 1_000_000,
  maxLiteralChars: 100_000,
  maxReportedSyntaxErrors: 20,
  maxBytesLiteralElements: MAX_BYTES_LITERAL_ELTS,
  maxConstantResultChars: 100_000,
  /** Characters all constant constructions of one file may build together (a denial-of-service bound). */
  maxConstantWorkChars: 5_000_000,
} as const;

/** §16: every active rule id. A semantic change gets a new id; ids never change meaning. */
export const RULE_IDS = [
  "input.too_large", "input.not_utf8", "input.bom", "input.nul", "input.coding_decl", "input.control_char",
  "input.lone_cr", "input.bidi_control", "input.tab_indent", "input.non_ascii_code", "input.line_continuation",
  "input.too_complex", "syntax.error", "syntax.unsupported", "string.named_escape",
  "torch.import_alias", "torch.assign_alias", "torch.walrus_alias", "torch.unpack_alias", "store.torch_module",
  "torch.sensitive_attr_alias", "name.forbidden", "name.dunder_name_binding", "attr.object_dunder",
  "torch.c_access", "store.torch_config", "store.class_attr", "attr.timer", "store.timing_attr", "store.slots",
  "attr.gc_introspection", "store.cudnn_flag", "call.grad_toggle", "call.direct_forbidden", "call.attr_forbidden",
  "call.compile_non_torch", "import.forbidden", "import.star", "import.torch_symbol", "call.forbidden_builtin",
  "call.torch_load", "attr.ctypeslib", "name.builtins_access", "attr.sys_modules", "attr.dunder_dict",
  "attr.introspection", "attr.optimizer", "def.forbidden_dunder", "decorator.forbidden",
  "literal.bytes_too_large", "call.weights_only_false", "string.forbidden", "string.constructed",
  "string.suspicious_construction", "attr.forbidden_name", "structure.missing_inner_steps",
  "structure.inner_steps_arity", "strategy.missing", "strategy.topology_mismatch", "string.forbidden_bytes",
  "string.unresolvable", "structure.inner_steps_not_module_level", "structure.inner_steps_keywords",
  "store.timing_attr_any", "store.protected_root", "alias.module_value", "store.dunder_attribute",
  "store.runtime_class", "call.attribute_copy", "attr.forbidden_module", "attr.native_loader",
  "call.unsafe_loader_flag", "import.forbidden_path", "name.forbidden_dunder_binding", "attr.descriptor_factory",
  "import.forbidden_name", "builtin.type_construct", "call.metaclass_construct", "class.metaclass",
  "import.not_allowlisted", "import.relative", "attr.grad_toggle", "attr.eval_sink",
  "attr.function_internals", "attr.cudnn_toggle",
] as const;

export type RuleId = (typeof RULE_IDS)[number];
