/**
 * The `get_strategy()` literal rule of scanner.md §9. The evaluator never runs `get_strategy`; it
 * reads the first acceptable literal from the top-level returns of the first definitions met in
 * breadth-first order, then checks `dp_size × tp_size == N`.
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import type { Expr, FunctionDef, Module, Span } from "./ast/nodes.js";
import { walkBreadthFirst } from "./ast/walk.js";
import type { Report } from "./rules/report.js";
import type { Strategy } from "./types.js";

/** A literal read from `get_strategy()`: a named strategy, or explicit sizes. */
export type StrategyLiteral =
  | { readonly kind: "named"; readonly name: "ddp" | "fsdp" | "tp"; readonly at: Span }
  | { readonly kind: "sizes"; readonly dp_size: bigint; readonly tp_size: bigint; readonly at: Span };

/** What the search found: the deciding literal, or nothing (with the first definition, if any). */
export interface StrategySearch {
  readonly literal: StrategyLiteral | null;
  readonly firstDefinition: FunctionDef | null;
}

const NAMED = new Set(["ddp", "fsdp", "tp"]);

/**
 * Reads one return value. Python's `str.lower()` maps no non-ASCII character to d, f, p, s or t,
 * so lowering ASCII letters only is exact for these targets.
 */
function readLiteral(value: Expr): StrategyLiteral | null {
  if (value.kind === "Constant" && value.value.type === "str") {
    const lower = value.value.value.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
    return NAMED.has(lower) ? { kind: "named", name: lower as "ddp" | "fsdp" | "tp", at: value } : null;
  }
  if (value.kind !== "Dict") return null;
  const sizes = new Map<string, bigint>();
  value.keys.forEach((key, i) => {
    const entry = value.values[i]!;
    if (key === null || key.kind !== "Constant" || key.value.type !== "str" || entry.kind !== "Constant") return;
    const v = entry.value;
    if (v.type === "int") sizes.set(key.value.value, v.value);
    else if (v.type === "bool") sizes.set(key.value.value, v.value ? 1n : 0n);
  });
  const dp = sizes.get("dp_size");
  const tp = sizes.get("tp_size");
  if (dp === undefined || tp === undefined || dp < 1n || tp < 1n) return null;
  return { kind: "sizes", dp_size: dp, tp_size: tp, at: value };
}

/** Finds the deciding `get_strategy()` literal (scanner.md §9 steps 1 to 3). */
export function findStrategyLiteral(module: Module): StrategySearch {
  let firstDefinition: FunctionDef | null = null;
  for (const node of walkBreadthFirst(module)) {
    if (node.kind !== "FunctionDef" || node.name !== "get_strategy") continue;
    firstDefinition ??= node;
    for (const statement of node.body) {
      if (statement.kind !== "Return" || statement.value === null) continue;
      const literal = readLiteral(statement.value);
      if (literal !== null) return { literal, firstDefinition };
    }
  }
  return { literal: null, firstDefinition };
}

/** The topology a literal gives for `gpus` GPUs, before the product check. */
function topologyOf(literal: StrategyLiteral, gpus: number): { dp: bigint; tp: bigint } {
  if (literal.kind === "sizes") return { dp: literal.dp_size, tp: literal.tp_size };
  return literal.name === "tp" ? { dp: 1n, tp: BigInt(gpus) } : { dp: BigInt(gpus), tp: 1n };
}

/** A topology that does not match the GPU count. */
export interface TopologyMismatch {
  readonly type: "TopologyMismatch";
  readonly message: string;
  readonly strategy: Strategy;
}

/** No acceptable literal although several GPUs are used. */
export interface StrategyMissing {
  readonly type: "StrategyMissing";
  readonly message: string;
}

/**
 * Checks `dp_size × tp_size == numGpus` (scanner.md §9 step 5), also for one GPU. `null` (no
 * literal) means `(1, 1)` on one GPU and `StrategyMissing` on several.
 */
export function checkTopology(
  literal: StrategyLiteral | null,
  numGpus: number,
): Result<Strategy, TopologyMismatch | StrategyMissing> {
  if (!Number.isInteger(numGpus) || numGpus < 1) throw new RangeError(`numGpus must be an integer >= 1, got ${numGpus}`);
  if (literal === null) {
    if (numGpus > 1) {
      return err({ type: "StrategyMissing", message: 'Multi-GPU evaluation requires get_strategy() in train.py returning "ddp"/"fsdp"/"tp" or {"dp_size": N, "tp_size": M}' });
    }
    return ok({ dp_size: 1, tp_size: 1 });
  }
  const { dp, tp } = topologyOf(literal, numGpus);
  const strategy = { dp_size: Number(dp), tp_size: Number(tp) };
  if (dp * tp !== BigInt(numGpus)) {
    return err({ type: "TopologyMismatch", message: `dp_size(${dp}) * tp_size(${tp}) = ${dp * tp} != num_gpus(${numGpus})`, strategy });
  }
  return ok(strategy);
}

/** Applies §9 to a module for `gpus` GPUs: reports violations and returns the CLI's `strategy`. */
export function checkStrategy(module: Module, gpus: number, report: Report): Strategy | null {
  const search = findStrategyLiteral(module);
  const result = checkTopology(search.literal, gpus);
  if (result.isOk()) return result.value;
  const problem = result.error;
  if (problem.type === "StrategyMissing") {
    report("strategy.missing", search.firstDefinition ?? { line: 0, col: 0 }, problem.message);
    return null;
  }
  report("strategy.topology_mismatch", search.literal!.at, problem.message);
  return problem.strategy;
}
