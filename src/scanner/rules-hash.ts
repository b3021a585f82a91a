/**
 * The rule-set identity of scanner.md §14: every list, limit and rule id, the target Python and
 * the grammar's hash, hashed as canonical JSON. Scores obtained under different hashes are not
 * compared within one competition version.
 * @module
 */
import { createHash } from "node:crypto";
import { canonicalJson, FACTS_VERSION } from "./facts.js";
import * as lists from "./lists.js";

/** Bumped on any change of semantics that changes no list, so the hash follows behaviour. */
export const SCANNER_VERSION = "1.0.0";
export const TARGET_PYTHON = "3.11";

/** The rule-set object that `rulesHash` digests. */
export function ruleSet(grammarVersion: string, grammarSha256: string): Record<string, unknown> {
  const { LIMITS, RULE_IDS, SUPPORTED_CODECS, MAX_BYTES_LITERAL_ELTS, ...namedLists } = lists;
  return {
    scanner_version: SCANNER_VERSION,
    target_python: TARGET_PYTHON,
    grammar: { name: "tree-sitter-python", version: grammarVersion, wasm_sha256: grammarSha256 },
    lists: { ...namedLists, SUPPORTED_CODECS },
    limits: LIMITS,
    bytes_literal_cap: MAX_BYTES_LITERAL_ELTS,
    facts_version: FACTS_VERSION,
    rule_ids: [...RULE_IDS].sort(),
  };
}

/** `scanner_rules_hash`: lowercase hex SHA-256 of the canonical JSON of the rule set. */
export function computeRulesHash(grammarVersion: string, grammarSha256: string): string {
  return createHash("sha256").update(canonicalJson(ruleSet(grammarVersion, grammarSha256))).digest("hex");
}
