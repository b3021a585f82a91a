/**
 * Import rules: the reference's t and u (scanner.md §5.2) and the project's allowlist, relative
 * imports, forbidden paths and forbidden imported names (R6, R7, R9, R10, R11, R12).
 * @module
 */
import type { PyNode } from "../ast/nodes.js";
import {
  FORBIDDEN_DOTTED_MODULES,
  FORBIDDEN_IMPORT_NAMES,
  FORBIDDEN_IMPORT_PATHS,
  FORBIDDEN_IMPORT_SUBSTRINGS,
  FORBIDDEN_MODULES,
  FORBIDDEN_TORCH_SYMBOL_IMPORTS,
  IMPORT_ALLOWLIST,
} from "../lists.js";
import { quoted } from "../message.js";
import { type NodeRule, setOf } from "./context.js";

const MODULES = setOf(FORBIDDEN_MODULES);
const TORCH_SYMBOLS = setOf(FORBIDDEN_TORCH_SYMBOL_IMPORTS);
const ALLOWLIST = setOf(IMPORT_ALLOWLIST);
const FORBIDDEN_NAMES = setOf(FORBIDDEN_IMPORT_NAMES);

/** `path` equals one of `entries` or lies below one of them. */
export function isUnder(path: string, entries: readonly string[]): boolean {
  return entries.some((entry) => path === entry || path.startsWith(`${entry}.`));
}

function hasForbiddenSubstring(name: string): boolean {
  return FORBIDDEN_IMPORT_SUBSTRINGS.some((s) => name.includes(s));
}

/** Reference rule t(1) and u(3): a forbidden first component, or anything under importlib. */
function isForbiddenModule(name: string): boolean {
  return MODULES.has(name.split(".")[0]!) || name.startsWith("importlib");
}

export const checkImportRules: NodeRule = (node: PyNode, _edge, ctx) => {
  if (node.kind === "Import") {
    for (const alias of node.names) {
      const name = alias.name;
      if (isForbiddenModule(name) || hasForbiddenSubstring(name) || isUnder(name, FORBIDDEN_DOTTED_MODULES)) {
        ctx.report("import.forbidden", alias, `import of forbidden module ${quoted(name)}`);
      }
      if (!ALLOWLIST.has(name.split(".")[0]!)) ctx.report("import.not_allowlisted", alias, `module ${quoted(name.split(".")[0]!)} is not on the import allowlist`);
      if (isUnder(name, FORBIDDEN_IMPORT_PATHS)) ctx.report("import.forbidden_path", alias, `import of forbidden path ${quoted(name)}`);
    }
    return;
  }
  if (node.kind !== "ImportFrom") return;
  const module = node.module;
  const names = node.names.map((a) => a.name);
  if (names.includes("*")) ctx.report("import.star", node, "star imports (from ... import *) are forbidden");
  if (node.level > 0) ctx.report("import.relative", node, `relative import ${quoted(".".repeat(node.level) + (module ?? ""))} is forbidden`);
  for (const alias of node.names) {
    if (FORBIDDEN_NAMES.has(alias.name)) ctx.report("import.forbidden_name", alias, `import of forbidden name ${quoted(alias.name)}`);
  }
  if (module === null) return;

  if (node.level === 0 && !ALLOWLIST.has(module.split(".")[0]!)) {
    ctx.report("import.not_allowlisted", node, `module ${quoted(module.split(".")[0]!)} is not on the import allowlist`);
  }
  const forbiddenModule = isForbiddenModule(module) || hasForbiddenSubstring(module) || isUnder(module, FORBIDDEN_DOTTED_MODULES);
  const forbiddenName = names.some((n) => hasForbiddenSubstring(n) || isUnder(`${module}.${n}`, FORBIDDEN_DOTTED_MODULES));
  if (forbiddenModule || forbiddenName) ctx.report("import.forbidden", node, `import from forbidden module ${quoted(module)}`);
  if (module === "torch") {
    for (const name of names) if (TORCH_SYMBOLS.has(name)) ctx.report("import.torch_symbol", node, `importing torch.${name} is forbidden`);
  }
  const forbiddenPath = isUnder(module, FORBIDDEN_IMPORT_PATHS) ? module : names.map((n) => `${module}.${n}`).find((p) => isUnder(p, FORBIDDEN_IMPORT_PATHS));
  if (forbiddenPath !== undefined) ctx.report("import.forbidden_path", node, `import of forbidden path ${quoted(forbiddenPath)}`);
};
