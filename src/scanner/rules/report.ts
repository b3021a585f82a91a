/**
 * The callback through which node rules report hits to the walker.
 * @module
 */
import type { RuleId } from "../lists.js";

/**
 * Records one hit of `rule` at a node's position (scanner.md §2.1). The walker collects, sorts
 * and de-duplicates the hits.
 */
export type Report = (rule: RuleId, at: { readonly line: number; readonly col: number }, message: string) => void;
