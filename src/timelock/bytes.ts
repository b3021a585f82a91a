/**
 * Byte helpers for the timelock format: fixed-width integers, xor, hex input parsing.
 * @module
 */

export const U64_MAX = (1n << 64n) - 1n;

/** `u64_le(n)`: 8 bytes little-endian. */
export function u64le(n: number | bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  return out;
}

/** `u64_be(n)`: 8 bytes big-endian (the drand round message). */
export function u64be(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n, false);
  return out;
}

/** Reads a u64 little-endian at `offset`; the caller checks the bounds. */
export function readU64le(bytes: Uint8Array, offset: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getBigUint64(0, true);
}

/** Byte-wise xor of two equal-length arrays. */
export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new RangeError(`xorBytes: lengths differ (${a.length} vs ${b.length})`);
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) ^ (b[i] as number);
  return out;
}

/** Big-endian unsigned integer of `bytes`. */
export function bytesToBigIntBE(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** Writes `n` as `length` bytes big-endian into `out` at `offset`. */
export function writeBigIntBE(out: Uint8Array, offset: number, n: bigint, length: number): void {
  let v = n;
  for (let i = offset + length - 1; i >= offset; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** Writes `n` as `length` bytes little-endian into `out` at `offset`. */
export function writeBigIntLE(out: Uint8Array, offset: number, n: bigint, length: number): void {
  let v = n;
  for (let i = offset; i < offset + length; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** Constant-shape equality of two byte arrays. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * Bytes from a `Uint8Array` (copied) or a hex string with an optional `0x` prefix; `undefined`
 * when the input is neither, is odd-length hex, or does not have `expectedLength` bytes.
 */
export function bytesFromInput(value: unknown, expectedLength: number): Uint8Array | undefined {
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) {
    bytes = Uint8Array.from(value);
  } else if (typeof value === "string") {
    const hex = value.startsWith("0x") || value.startsWith("0X") ? value.slice(2) : value;
    if (!HEX_RE.test(hex)) return undefined;
    bytes = new Uint8Array(hex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  } else {
    return undefined;
  }
  return bytes.length === expectedLength ? bytes : undefined;
}
