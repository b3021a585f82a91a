/**
 * Numeric literals as CPython 3.11 reads them: integers exactly (arbitrary precision, `0x`, `0o`,
 * `0b`, underscores), floats and imaginary numbers. Forms CPython rejects are `LiteralError`.
 * @module
 */
import type { ConstantValue } from "./nodes.js";
import { LiteralError } from "./strings.js";

const INTEGER_FORMS: readonly [RegExp, string][] = [
  [/^0[xX](?:_?[0-9a-fA-F])+$/, "0x"],
  [/^0[oO](?:_?[0-7])+$/, "0o"],
  [/^0[bB](?:_?[01])+$/, "0b"],
  [/^(?:[1-9](?:_?[0-9])*|0(?:_?0)*)$/, ""],
];

const FLOAT_FORM = /^(?:(?:[0-9](?:_?[0-9])*)?\.[0-9](?:_?[0-9])*|[0-9](?:_?[0-9])*\.?)(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/;

/** Parses an `integer` or `float` token (tree-sitter puts imaginary literals in either). */
export function parseNumber(token: string): ConstantValue {
  if (/[jJ]$/.test(token)) {
    const body = token.slice(0, -1);
    if (!FLOAT_FORM.test(body)) throw new LiteralError(`invalid imaginary literal '${token}'`);
    return { type: "complex", imag: Number(body.replaceAll("_", "")) };
  }
  for (const [form, prefix] of INTEGER_FORMS) {
    if (!form.test(token)) continue;
    const digits = token.replaceAll("_", "");
    return { type: "int", value: prefix === "" ? BigInt(digits) : BigInt(`${prefix}${digits.slice(2)}`) };
  }
  if (FLOAT_FORM.test(token) && /[.eE]/.test(token)) {
    return { type: "float", value: Number(token.replaceAll("_", "")) };
  }
  throw new LiteralError(`invalid numeric literal '${token}'`);
}
