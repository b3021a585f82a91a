/**
 * The static checker for `train.py` submissions (scanner.md): input rules, the reference's rules,
 * the project's rules against known bypasses, the `get_strategy()` literal, the facts the
 * evaluation cross-checks with CPython, and the rule-set hash.
 * @module
 */
export { createScanner, parseStrategy, scan } from "./scan.js";
export type { Scanner, UnparsableSource } from "./scan.js";
export type { GrammarLoadError } from "./parser.js";
export type { ScanOptions, ScanReport, Strategy, Violation } from "./types.js";
export { checkTopology } from "./strategy.js";
export type { StrategyLiteral, TopologyMismatch, StrategyMissing } from "./strategy.js";
export { canonicalJson, factsDigest, FACTS_VERSION, COUNTED_NODE_KINDS } from "./facts.js";
export type { CountedNodeKind, ScanFacts } from "./facts.js";
export type { Span } from "./ast/nodes.js";
export { ruleSet, SCANNER_VERSION, TARGET_PYTHON } from "./rules-hash.js";
export {
  ALLOWED_TORCH_ASSIGNMENT_PREFIXES,
  CUDNN_TOGGLE_ATTRS,
  FUNCTION_INTERNAL_ATTRS,
  ALLOWED_TORCH_SUBMODULE_IMPORTS,
  DESCRIPTOR_FACTORIES,
  EVAL_SINKS,
  FORBIDDEN_ASSIGNMENT_ATTRS,
  FORBIDDEN_ATTR_CALLS,
  FORBIDDEN_BACKEND_TOGGLE_ATTRS,
  FORBIDDEN_BUILTINS,
  FORBIDDEN_CUDNN_ATTRS,
  FORBIDDEN_DIRECT_CALLS,
  FORBIDDEN_DOTTED_MODULES,
  FORBIDDEN_GC_ATTRS,
  FORBIDDEN_GRAD_TOGGLE_CALLS,
  FORBIDDEN_IMPORT_NAMES,
  FORBIDDEN_IMPORT_PATHS,
  FORBIDDEN_IMPORT_SUBSTRINGS,
  FORBIDDEN_INTROSPECTION_ATTRS,
  FORBIDDEN_MODULES,
  FORBIDDEN_NAMES,
  FORBIDDEN_OBJECT_DUNDER_ATTRS,
  FORBIDDEN_STRINGS,
  FORBIDDEN_SYS_MODULE_NAMES,
  FORBIDDEN_TIMER_ATTRS,
  FORBIDDEN_TORCH_ATTRIBUTE_ALIASES,
  FORBIDDEN_TORCH_BACKEND_SYMBOL_IMPORTS,
  FORBIDDEN_TORCH_CONFIG_MODULES,
  FORBIDDEN_TORCH_SYMBOL_IMPORTS,
  HOOK_NAMES,
  IMPORT_ALLOWLIST,
  KNOWN_MODULE_PATHS,
  LIMITS,
  MAX_BYTES_LITERAL_ELTS,
  METACLASS_NAMES,
  MODULE_ATTR_DENYLIST,
  MODULE_ATTR_EXCEPTIONS,
  NATIVE_LOADER_ATTRS,
  NATIVE_LOADER_PATHS,
  RULE_IDS,
  STORE_ALLOWLIST,
  SUPPORTED_CODECS,
} from "./lists.js";
export type { RuleId } from "./lists.js";
