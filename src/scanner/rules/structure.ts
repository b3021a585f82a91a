/**
 * The structure rules of scanner.md §8: a module-level `def inner_steps` with at least five
 * positional-or-keyword parameters, callable with the evaluator's keyword arguments.
 * @module
 */
import type { FunctionDef, Module } from "../ast/nodes.js";
import { walkBreadthFirst } from "../ast/walk.js";
import type { Report } from "./report.js";

/** The keywords the evaluators pass to `inner_steps` (crusades.md D.1). */
export const INNER_STEPS_KEYWORDS = ["model", "data_iterator", "optimizer", "num_steps", "device", "num_gpus"] as const;
const MIN_POSITIONAL_PARAMETERS = 5;

/** The first `def inner_steps` in breadth-first order, at any depth (async ones do not count). */
function findInnerSteps(module: Module): FunctionDef | null {
  for (const node of walkBreadthFirst(module)) {
    if (node.kind === "FunctionDef" && node.name === "inner_steps") return node;
  }
  return null;
}

export function checkStructure(module: Module, report: Report): void {
  const definition = findInnerSteps(module);
  if (definition === null) {
    report("structure.missing_inner_steps", { line: 0, col: 0 }, "Missing required function: inner_steps");
    return;
  }
  const { args } = definition;
  if (args.args.length < MIN_POSITIONAL_PARAMETERS) {
    report("structure.inner_steps_arity", definition, `inner_steps has ${args.args.length} args, expected at least ${MIN_POSITIONAL_PARAMETERS}`);
  }
  if (!module.body.includes(definition)) {
    report("structure.inner_steps_not_module_level", definition, "inner_steps must be defined at module level (the evaluator calls miner_train.inner_steps)");
  }

  const byKeyword = new Set([...args.args, ...args.kwonlyargs].map((a) => a.arg));
  const missing = args.kwarg === null ? INNER_STEPS_KEYWORDS.filter((k) => !byKeyword.has(k)) : [];
  const passed = new Set<string>(INNER_STEPS_KEYWORDS);
  const positional = [...args.posonlyargs, ...args.args];
  const firstDefault = positional.length - args.defaults.length;
  const withoutDefault = [
    ...positional.filter((a, i) => i < firstDefault && !(i >= args.posonlyargs.length && passed.has(a.arg))),
    ...args.kwonlyargs.filter((a, i) => args.kw_defaults[i] === null && !passed.has(a.arg)),
  ].map((a) => a.arg);
  if (missing.length > 0 || withoutDefault.length > 0) {
    const problems = [
      ...(missing.length > 0 ? [`cannot take keyword argument(s) ${missing.join(", ")}`] : []),
      ...(withoutDefault.length > 0 ? [`parameter(s) ${withoutDefault.join(", ")} would be left without a value`] : []),
    ];
    report("structure.inner_steps_keywords", definition, `inner_steps cannot be called as inner_steps(model=..., data_iterator=..., optimizer=..., num_steps=..., device=..., num_gpus=...): ${problems.join("; ")}`);
  }
}
