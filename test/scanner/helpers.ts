/**
 * Shared helpers for the scanner rule tests: one loaded scanner per test file, a wrapper that turns
 * a snippet into a minimal valid submission, and small views of a report.
 * @module
 */
import { expect } from "vitest";
import { createScanner, type ScanReport, type Scanner, type Violation } from "../../src/scanner/index.js";

/** Loads the grammar once; call from `beforeAll`. */
export async function loadScanner(): Promise<Scanner> {
  const result = await createScanner();
  if (result.isErr()) throw new Error(`cannot load the scanner: ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The module-level definitions every accepted submission needs, with nothing that fires a rule. */
export const VALID_TAIL = [
  "",
  "",
  "def inner_steps(model, data_iterator, optimizer, num_steps, device, num_gpus=1):",
  "    return None",
  "",
  "",
  "def get_strategy():",
  '    return "ddp"',
  "",
].join("\n");

/**
 * Wraps a snippet into a minimal valid file. The snippet comes first, so its line and column
 * numbers are the file's; the `inner_steps` and `get_strategy` definitions follow it.
 */
export function wrap(snippet: string): string {
  return `${snippet.replace(/\n+$/, "")}\n${VALID_TAIL}`;
}

/** A minimal file that is accepted as it is. */
export const MINIMAL_VALID = wrap("import torch");

/** Encodes text as UTF-8 (the scanner's input is bytes). */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Concatenates byte pieces: strings are UTF-8 encoded, numbers and arrays are raw bytes. */
export function bytesOf(...parts: readonly (string | number | readonly number[] | Uint8Array)[]): Uint8Array {
  const chunks = parts.map((part) =>
    typeof part === "string" ? utf8(part) : typeof part === "number" ? Uint8Array.of(part) : Uint8Array.from(part),
  );
  return new Uint8Array(Buffer.concat(chunks));
}

/** The rule ids of a report, in report order. */
export function ruleIds(report: ScanReport): string[] {
  return report.violations.map((v) => v.rule);
}

/** The violations of one rule. */
export function hitsOf(report: ScanReport, rule: string): Violation[] {
  return report.violations.filter((v) => v.rule === rule);
}

/** A compact, readable description of the violations, for assertion messages. */
export function describeViolations(report: ScanReport): string {
  return report.violations.map((v) => `${v.line}:${v.col} ${v.rule}: ${v.message}`).join("\n") || "(none)";
}

/** Asserts that `rule` is reported, and at `line:col` when a position is given. */
export function expectRule(report: ScanReport, rule: string, at?: readonly [number, number]): void {
  const hits = hitsOf(report, rule);
  expect(hits.length, `expected ${rule}; got:\n${describeViolations(report)}`).toBeGreaterThan(0);
  if (at !== undefined) {
    const positions = hits.map((v) => `${v.line}:${v.col}`);
    expect(positions, `position of ${rule}; got:\n${describeViolations(report)}`).toContain(`${at[0]}:${at[1]}`);
  }
}

/** Asserts that `rule` is not reported. */
export function expectNoRule(report: ScanReport, rule: string): void {
  expect(hitsOf(report, rule), `unexpected ${rule}; got:\n${describeViolations(report)}`).toEqual([]);
}

/** Asserts that the report is an acceptance. */
export function expectAccepted(report: ScanReport): void {
  expect(report.violations, `expected no violations; got:\n${describeViolations(report)}`).toEqual([]);
  expect(report.ok).toBe(true);
}

/** A rejected example: a label, a snippet (wrapped with `wrap`), the rule id and optionally its position. */
export type Rejection = readonly [label: string, snippet: string, rule: string, at?: readonly [number, number]];

/**
 * An accepted example: a label, a snippet, the rule ids that must be absent, and `"ok"` when the
 * wrapped snippet is a complete valid file (the whole report must then be an acceptance).
 */
export type Acceptance = readonly [label: string, snippet: string, absent: string | readonly string[], whole?: "ok"];

/** Checks one `Acceptance` row against a report. */
export function checkAcceptance(report: ScanReport, absent: string | readonly string[], whole?: "ok"): void {
  for (const rule of typeof absent === "string" ? [absent] : absent) expectNoRule(report, rule);
  if (whole === "ok") expectAccepted(report);
}

/** `Rejection` rows as objects, for `it.each(...)("rejects: $label", ...)`. */
export function rejections(rows: readonly Rejection[]): { label: string; snippet: string; rule: string; at: readonly [number, number] | undefined }[] {
  return rows.map(([label, snippet, rule, at]) => ({ label, snippet, rule, at }));
}

/** `Acceptance` rows as objects, for `it.each(...)("accepts: $label", ...)`. */
export function acceptances(rows: readonly Acceptance[]): { label: string; snippet: string; absent: string | readonly string[]; whole: "ok" | undefined }[] {
  return rows.map(([label, snippet, absent, whole]) => ({ label, snippet, absent, whole }));
}
