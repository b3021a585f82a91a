/**
 * Safetensors dtypes, their element sizes, and decoding of BF16/F16/F32 to float32 (exact for all
 * three, spec §F notation `x.f32`).
 * @module
 */

/** Every dtype of the safetensors format. */
export const SAFETENSORS_DTYPES = [
  "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64",
] as const;
/** A safetensors dtype name. */
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];
/** The dtypes this module decodes to floats. */
export type FloatDtype = "BF16" | "F16" | "F32";
/** The dtypes a final state may use (§L.1.8). */
export const FLOAT_DTYPES: readonly FloatDtype[] = ["BF16", "F16", "F32"];

const SIZES: Record<SafetensorsDtype, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};

/** Bytes per element of `dtype`. */
export function dtypeSize(dtype: SafetensorsDtype): number {
  return SIZES[dtype];
}

/** Type guard for a dtype name. */
export function isSafetensorsDtype(x: string): x is SafetensorsDtype {
  return Object.hasOwn(SIZES, x);
}

let f16Table: Float32Array | undefined;

/** float32 value of every IEEE half-precision bit pattern (built on first use, 256 KiB). */
export function f16ToF32Table(): Float32Array {
  if (f16Table) return f16Table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24;
    else if (exp === 31) t[h] = frac ? NaN : sign * Infinity;
    else t[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  f16Table = t;
  return t;
}

/**
 * Decodes little-endian elements of a float dtype into a new `Float32Array` (exact).
 * @param bytes - whole elements; its length must be a multiple of the element size
 */
export function decodeToFloat32(dtype: FloatDtype, bytes: Uint8Array): Float32Array {
  const size = SIZES[dtype];
  if (bytes.byteLength % size !== 0) throw new RangeError(`byte length ${bytes.byteLength} is not a multiple of ${size}`);
  const n = bytes.byteLength / size;
  const out = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === "F32") {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (dtype === "BF16") {
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) u[i] = view.getUint16(i * 2, true) << 16;
  } else {
    const t = f16ToF32Table();
    for (let i = 0; i < n; i++) out[i] = t[view.getUint16(i * 2, true)]!;
  }
  return out;
}

/** Same as {@link decodeToFloat32}, widened to float64 (for accumulators). */
export function decodeToFloat64(dtype: FloatDtype, bytes: Uint8Array): Float64Array {
  return Float64Array.from(decodeToFloat32(dtype, bytes));
}
