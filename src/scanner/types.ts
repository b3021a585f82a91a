/**
 * The scanner's public data types: violations, the strategy, the report.
 * @module
 */
import type { RuleId } from "./lists.js";
import type { ScanFacts } from "./facts.js";

/** One rule hit (scanner.md §2.1). `line` and `col` are 1-based; `0:0` means the whole file. */
export interface Violation {
  readonly rule: RuleId;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** The parallel topology read from `get_strategy()` (scanner.md §9). */
export interface Strategy {
  readonly dp_size: number;
  readonly tp_size: number;
}

/** The outcome of a scan: the verdict and the facts the evaluation harness cross-checks. */
export interface ScanReport {
  /** `true` exactly when `violations` is empty. */
  readonly ok: boolean;
  /** Every violation, sorted by line, column and rule id (scanner.md §2.2). */
  readonly violations: readonly Violation[];
  /** The topology for the requested GPU count, or `null` (scanner.md §2.3). */
  readonly strategy: Strategy | null;
  /** Sorted, de-duplicated names of the modules the file imports (`torch.nn.functional`, ...). */
  readonly imports: readonly string[];
  /** Sorted, de-duplicated attribute names accessed anywhere in the file. */
  readonly attributes: readonly string[];
  /** The facts document of scanner.md §13; `null` when the scan stopped before a tree existed. */
  readonly facts: ScanFacts | null;
  /** The rule-set hash of scanner.md §14. */
  readonly rulesHash: string;
}

export interface ScanOptions {
  /** The GPU count for the strategy rules; an integer ≥ 1. @default 1 */
  readonly gpus?: number;
}
