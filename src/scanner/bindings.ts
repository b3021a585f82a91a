/**
 * The binding analysis of scanner.md §10 and §12 (R2, R4): which names stand for torch, for a
 * tracked torch submodule, for anything imported, or for a value derived from an import. It is
 * computed over the whole file before any rule runs, ignoring order and scope, so it can only add
 * hits compared with the reference's breadth-first tracking.
 * @module
 */
import type { Expr, Module, PyNode } from "./ast/nodes.js";
import { visitAll } from "./ast/walk.js";
import { ALLOWED_TORCH_SUBMODULE_IMPORTS, KNOWN_MODULE_PATHS } from "./lists.js";

/** A resolved dotted path, or `null` when it cannot be known (through a subscript or container). */
export type ResolvedPath = string | null;

export interface Bindings {
  /** Names that are torch itself (`torch`, and any name torch was bound to). */
  readonly torchAliases: ReadonlySet<string>;
  /** Local names of the tracked torch submodules (reference rules a and u). */
  readonly submoduleAliases: ReadonlySet<string>;
  /** Names bound to a module object (§12 "module-valued name"). */
  readonly moduleValued: ReadonlySet<string>;
  /** Whether an expression is protected, and its resolved path (§12 "protected expression"). */
  protectedPath(expr: Expr): { readonly protected: boolean; readonly path: ResolvedPath };
}

const ALLOWED_SUBMODULES: ReadonlySet<string> = new Set(ALLOWED_TORCH_SUBMODULE_IMPORTS);
const KNOWN_MODULES: ReadonlySet<string> = new Set(KNOWN_MODULE_PATHS);

/** A place where names receive a value: the target names and how they relate to the value. */
interface BindingSite {
  readonly names: readonly string[];
  readonly value: Expr;
  /** `exact`: a Name target bound to the value itself; `contains`: unpacking or iteration. */
  readonly mode: "exact" | "contains";
}

/** Every Name inside a target (tuple, list and starred targets included). */
function targetNames(target: Expr): string[] {
  switch (target.kind) {
    case "Name":
      return [target.id];
    case "Tuple":
    case "List":
      return target.elts.flatMap(targetNames);
    case "Starred":
      return targetNames(target.value);
    default:
      return [];
  }
}

function bindingSitesOf(node: PyNode): BindingSite[] {
  const direct = (target: Expr, value: Expr): BindingSite => ({ names: targetNames(target), value, mode: target.kind === "Name" ? "exact" : "contains" });
  switch (node.kind) {
    case "Assign":
      return node.targets.map((t) => direct(t, node.value));
    case "AnnAssign":
      return node.value === null ? [] : [direct(node.target, node.value)];
    case "AugAssign":
      return [{ names: targetNames(node.target), value: node.value, mode: "contains" }];
    case "NamedExpr":
      return [direct(node.target, node.value)];
    case "For":
    case "AsyncFor":
    case "comprehension":
      return [{ names: targetNames(node.target), value: node.iter, mode: "contains" }];
    case "withitem":
      return node.optional_vars === null ? [] : [direct(node.optional_vars, node.context_expr)];
    case "arguments": {
      const positional = [...node.posonlyargs, ...node.args];
      const defaulted = positional.slice(positional.length - node.defaults.length);
      const sites: BindingSite[] = defaulted.map((arg, i) => ({ names: [arg.arg], value: node.defaults[i]!, mode: "exact" }));
      node.kwonlyargs.forEach((arg, i) => {
        const value = node.kw_defaults[i];
        if (value !== null && value !== undefined) sites.push({ names: [arg.arg], value, mode: "exact" });
      });
      return sites;
    }
    default:
      return [];
  }
}

/** Adds a binding, degrading to an unknown path when a name is bound to two different paths. */
function bind(map: Map<string, ResolvedPath>, name: string, path: ResolvedPath): boolean {
  if (!map.has(name)) {
    map.set(name, path);
    return true;
  }
  if (map.get(name) !== path && map.get(name) !== null) {
    map.set(name, null);
    return true;
  }
  return false;
}

export function analyseBindings(module: Module): Bindings {
  const paths = new Map<string, ResolvedPath>();
  const moduleValued = new Set<string>();
  const submoduleAliases = new Set<string>();
  const torchAliases = new Set<string>(["torch"]);
  const sites: BindingSite[] = [];

  visitAll(module, (node) => {
    if (node.kind === "Import") {
      for (const alias of node.names) {
        const bound = alias.asname ?? alias.name.split(".")[0]!;
        bind(paths, bound, alias.asname === null ? bound : alias.name);
        moduleValued.add(bound);
        if (alias.name === "torch") torchAliases.add(bound);
        if (alias.asname !== null && alias.name.startsWith("torch.") && ALLOWED_SUBMODULES.has(alias.name)) submoduleAliases.add(alias.asname);
      }
    } else if (node.kind === "ImportFrom") {
      for (const alias of node.names) {
        if (alias.name === "*") continue;
        const bound = alias.asname ?? alias.name;
        const full = node.module === null ? alias.name : `${node.module}.${alias.name}`;
        bind(paths, bound, full);
        if (KNOWN_MODULES.has(full)) moduleValued.add(bound);
        if (ALLOWED_SUBMODULES.has(full)) submoduleAliases.add(bound);
      }
    } else {
      sites.push(...bindingSitesOf(node));
    }
  });

  const protectedPath = (expr: Expr): { protected: boolean; path: ResolvedPath } => {
    switch (expr.kind) {
      case "Name":
        return paths.has(expr.id) ? { protected: true, path: paths.get(expr.id)! } : { protected: false, path: null };
      case "Attribute": {
        const base = protectedPath(expr.value);
        return base.protected ? { protected: true, path: base.path === null ? null : `${base.path}.${expr.attr}` } : base;
      }
      case "Subscript":
        return protectedPath(expr.value).protected ? { protected: true, path: null } : { protected: false, path: null };
      default:
        return { protected: false, path: null };
    }
  };

  const containsProtected = (expr: Expr): boolean => {
    if (protectedPath(expr).protected) return true;
    switch (expr.kind) {
      case "Tuple":
      case "List":
      case "Set":
        return expr.elts.some(containsProtected);
      case "Starred":
        return containsProtected(expr.value);
      case "Dict":
        return expr.values.some(containsProtected);
      case "IfExp":
        return containsProtected(expr.body) || containsProtected(expr.orelse);
      case "BoolOp":
        return expr.values.some(containsProtected);
      default:
        return false;
    }
  };

  // Derived bindings to a fixpoint (R4): a name bound to a protected value becomes protected.
  for (let changed = true; changed; ) {
    changed = false;
    for (const site of sites) {
      if (site.mode === "exact") {
        const value = protectedPath(site.value);
        if (value.protected) {
          for (const name of site.names) changed = bind(paths, name, value.path) || changed;
          const isModule = value.path !== null && (KNOWN_MODULES.has(value.path) || [...moduleValued].some((m) => paths.get(m) === value.path));
          if (isModule) for (const name of site.names) if (!moduleValued.has(name)) (moduleValued.add(name), (changed = true));
          if (site.value.kind === "Name" && torchAliases.has(site.value.id)) for (const name of site.names) if (!torchAliases.has(name)) (torchAliases.add(name), (changed = true));
          continue;
        }
      }
      if (containsProtected(site.value)) for (const name of site.names) changed = bind(paths, name, null) || changed;
    }
  }

  return { torchAliases, submoduleAliases, moduleValued, protectedPath };
}
