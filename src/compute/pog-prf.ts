/**
 * The PoG input generator (compute.md §10.2 step 2): Philox4x32-10 keyed by
 * SHA-256(seed ‖ u32le(g) ‖ u32le(t) ‖ tag), counted over the row-major element index; each
 * 16-bit output is a value with random sign, exponent in [−8, −1] and a 7-bit mantissa, exact in
 * bf16, fp16 and fp32. `environments/compute/prover.py` implements the same function.
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of a 32×32-bit product, exact in doubles by 16-bit halves. */
function mulhi(a: number, b: number): number {
  const aL = a & 0xffff;
  const aH = a >>> 16;
  const bL = b & 0xffff;
  const bH = b >>> 16;
  const ll = aL * bL;
  const lh = aL * bH;
  const hl = aH * bL;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (aH * bH + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 65536)) >>> 0;
}

/**
 * Philox4x32-10 (Salmon et al., Random123) on one counter.
 * @param counter four 32-bit words
 * @param key two 32-bit words
 */
export function philox4x32(counter: readonly [number, number, number, number], key: readonly [number, number]): [number, number, number, number] {
  let [c0, c1, c2, c3] = counter;
  let [k0, k1] = key;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
  }
  return [c0, c1, c2, c3];
}

/** Which matrix a stream generates. */
export type PogMatrixTag = "A" | "B";

/** A Philox key and the two fixed counter words of one matrix stream. */
export interface PogStream {
  readonly key: readonly [number, number];
  readonly c2: number;
  readonly c3: number;
}

/** The stream of matrix `tag` for GPU `gpu` at step `step`, from the run's 32-byte seed. */
export function pogStream(seed: Uint8Array, gpu: number, step: number, tag: PogMatrixTag): PogStream {
  if (seed.length !== 32) throw new RangeError(`seed must be 32 bytes, got ${seed.length}`);
  const input = new Uint8Array(32 + 8 + 1);
  input.set(seed, 0);
  const view = new DataView(input.buffer);
  view.setUint32(32, gpu, true);
  view.setUint32(36, step, true);
  input[40] = tag.charCodeAt(0);
  const d = new DataView(sha256(input).buffer);
  return { key: [d.getUint32(0, true), d.getUint32(4, true)], c2: d.getUint32(8, true), c3: d.getUint32(12, true) };
}

/** The value of one 16-bit PRF output: sign bit 15, exponent −8 + bits 7..9, mantissa bits 0..6. */
export function pogValue(u: number): number {
  const magnitude = (128 + (u & 0x7f)) * 2 ** (((u >>> 7) & 7) - 8 - 7);
  return u & 0x8000 ? -magnitude : magnitude;
}

/**
 * Elements `[start, start + count)` of a stream (element k = row·n + column), as float64.
 * Element k is half `k mod 2` of word `(k mod 8) >> 1` of the block at counter `k >> 3`.
 */
export function pogElements(stream: PogStream, start: number, count: number): Float64Array {
  const out = new Float64Array(count);
  let block = -1;
  let words: number[] = [];
  for (let o = 0; o < count; o++) {
    const k = start + o;
    const b = Math.floor(k / 8);
    if (b !== block) {
      block = b;
      words = philox4x32([b >>> 0, Math.floor(b / 2 ** 32) >>> 0, stream.c2, stream.c3], stream.key);
    }
    const h = k % 8;
    const word = words[h >> 1] as number;
    out[o] = pogValue(h & 1 ? word >>> 16 : word & 0xffff);
  }
  return out;
}

/** Row `row` of an n×n stream matrix. */
export function pogRow(stream: PogStream, n: number, row: number): Float64Array {
  return pogElements(stream, row * n, n);
}

/** The whole n×n stream matrix, row-major. */
export function pogMatrix(stream: PogStream, n: number): Float64Array {
  return pogElements(stream, 0, n * n);
}
