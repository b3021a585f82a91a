/**
 * Recomputing one opened row (compute.md §10.2 step 4): row `i` of `C_t = A_t·B_t` in float64,
 * the expected exponent, and the element-wise tolerance `1 ulp + τ·√n·s_j·2^(−e)`.
 * @module
 */
import { type PogPrecision, PRECISION_FORMATS } from "./pog-params.js";

/** Decodes a little-endian row of `n` values in a precision; `null` if any value is not finite. */
export function decodeRow(bytes: Uint8Array, precision: PogPrecision, n: number): Float64Array | null {
  const format = PRECISION_FORMATS[precision];
  if (bytes.length !== n * format.bytes) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let v: number;
    if (precision === "fp32") v = view.getFloat32(4 * k, true);
    else if (precision === "bf16") {
      const scratch = new DataView(new ArrayBuffer(4));
      scratch.setUint32(0, view.getUint16(2 * k, true) << 16, false);
      v = scratch.getFloat32(0, false);
    } else v = decodeFp16(view.getUint16(2 * k, true));
    if (!Number.isFinite(v)) return null;
    out[k] = v;
  }
  return out;
}

function decodeFp16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : Number.NaN;
  if (exp === 0) return sign * mant * 2 ** -24;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/** `floor(log2 |x|)` for a finite non-zero x, exact at powers of two. */
export function floorLog2(x: number): number {
  const a = Math.abs(x);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

/** Spacing of the precision's values at |v| (the subnormal spacing at and below the least normal). */
export function ulpAt(v: number, precision: PogPrecision): number {
  const f = PRECISION_FORMATS[precision];
  const e = v === 0 ? f.minNormalExponent : Math.max(floorLog2(v), f.minNormalExponent);
  return 2 ** (e - f.mantissaBits);
}

/** Why a row was rejected. */
export type RowMismatch =
  | { readonly reason: "exponent"; readonly expected: number; readonly claimed: number }
  | { readonly reason: "element"; readonly column: number; readonly expected: number; readonly claimed: number; readonly allowed: number };

/**
 * Checks a claimed row of `A_{t+1}` against `a·B` (a = row i of `A_t`, B = `B_t`, row-major n×n).
 * The claimed exponent may be a neighbour of the expected one only when the row maximum lies
 * within the error bound of the power of two between them.
 * @returns `null` when the row is accepted
 */
export function checkRow(a: Float64Array, b: Float64Array, n: number, precision: PogPrecision, claimedExponent: number, claimed: Float64Array): RowMismatch | null {
  const tau = PRECISION_FORMATS[precision].tau;
  const x = new Float64Array(n);
  const sq = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const ak = a[k] as number;
    if (ak === 0) continue;
    const base = k * n;
    for (let j = 0; j < n; j++) {
      const term = ak * (b[base + j] as number);
      x[j] = (x[j] as number) + term;
      sq[j] = (sq[j] as number) + term * term;
    }
  }
  let max = 0;
  let maxAt = 0;
  for (let j = 0; j < n; j++) {
    if (Math.abs(x[j] as number) > max) {
      max = Math.abs(x[j] as number);
      maxAt = j;
    }
  }
  const allowance = (j: number) => tau * Math.sqrt(n) * Math.sqrt((sq[j] as number) / n);
  const expectedExponent = max === 0 ? 0 : floorLog2(max) + 1;
  if (claimedExponent !== expectedExponent) {
    // The prover's maximum is rounded to the precision before its exponent is taken.
    const bound = max * 2 ** -PRECISION_FORMATS[precision].mantissaBits + allowance(maxAt);
    const up = claimedExponent === expectedExponent + 1 && 2 ** expectedExponent - max <= bound;
    const down = claimedExponent === expectedExponent - 1 && max - 2 ** (expectedExponent - 1) <= bound;
    if (!up && !down) return { reason: "exponent", expected: expectedExponent, claimed: claimedExponent };
  }
  const scale = 2 ** -claimedExponent;
  for (let j = 0; j < n; j++) {
    const expected = (x[j] as number) * scale;
    const allowed = ulpAt(expected, precision) + allowance(j) * scale;
    const got = claimed[j] as number;
    if (!(Math.abs(got - expected) <= allowed)) return { reason: "element", column: j, expected, claimed: got, allowed };
  }
  return null;
}
