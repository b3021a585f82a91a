/**
 * A WebAssembly SIMD kernel for the common case (all three states BF16), assembled here byte by
 * byte so that no toolchain or binary file is needed. One call processes `n8` groups of 8 elements
 * at `pc`, `pr`, `pi` (candidate, reference, initial) in the module's memory and stores at `out`:
 * four `f64x2` partial sums of `d²`, four of `r²`, and `i32x4` changed counts (accumulators are
 * split by half-vector so that the float64 additions do not wait on each other). `d = c − r` in
 * float32 (spec §F.4); changed is `|c − i| > fround(1e-6)` in float32, NaN counting as unchanged
 * (§F.3). A NaN or ±Inf candidate element makes `Σd²` non-finite (with no reference, `pr = pc`
 * and `c − c` is NaN exactly for those), which tells the caller to count them.
 * @module
 */

/** Pages of the module's memory: three 4·2^16-byte slots plus the output (see kernel-source.ts). */
export const SIMD_MEMORY_PAGES = 13;

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const str = (s: string) => [...leb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

// Opcodes (WebAssembly core + fixed-width SIMD).
const simd = (op: number) => [0xfd, ...leb(op)];
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const load = (addr: number) => [...get(addr), ...simd(0x00), 4, 0];
const EXT_LO_U = simd(0xa9), EXT_HI_U = simd(0xaa), SHL = simd(0xab), I32X4_SUB = simd(0xb1);
const F32_ABS = simd(0xe0), F32_SUB = simd(0xe5), F32_GT = simd(0x44);
const F64_ADD = simd(0xf0), F64_MUL = simd(0xf2), PROMOTE = simd(0x5f);
const SWAP_HALVES = [...simd(0x0d), 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];

// Locals: params 0..4 (pc, pr, pi, n8, out), then k (i32), then v128s.
const PC = 0, PR = 1, PI = 2, N8 = 3, OUT = 4, K = 5;
const CV = 6, RV = 7, IV = 8, C = 9, R = 10, I = 11, D = 12, TMP = 13;
const DA = 14, DB = 15, RA = 16, RB = 17, DA2 = 18, DB2 = 19, RA2 = 20, RB2 = 21, CH = 22, T = 23;
type Accumulators = readonly [number, number, number, number];

/** Unpacks 8 bf16 (as i16x8 in `src`) half `ext` into f32x4 bits in `dst`. */
const unpack = (src: number, ext: number[], dst: number) => [...get(src), ...ext, 0x41, 16, ...SHL, ...set(dst)];
/** `acc += promote(v)²` for the low (or, with `high`, the high) two lanes of f32x4 `v`. */
const sqAcc = (v: number, high: boolean, acc: number) => [
  ...get(v), ...(high ? [...get(v), ...SWAP_HALVES] : []), ...PROMOTE, ...set(TMP),
  ...get(acc), ...get(TMP), ...get(TMP), ...F64_MUL, ...F64_ADD, ...set(acc),
];
const step = ([da, db, ra, rb]: Accumulators) => [
  ...get(C), ...get(R), ...F32_SUB, ...set(D),
  ...sqAcc(D, false, da), ...sqAcc(D, true, db), ...sqAcc(R, false, ra), ...sqAcc(R, true, rb),
  ...get(CH), ...get(C), ...get(I), ...F32_SUB, ...F32_ABS, ...get(T), ...F32_GT, ...I32X4_SUB, ...set(CH),
];
const half = (ext: number[], a: Accumulators) => [...unpack(CV, ext, C), ...unpack(RV, ext, R), ...unpack(IV, ext, I), ...step(a)];
const bump = (p: number) => [...get(p), 0x41, 16, 0x6a, ...set(p)];
const store = (offset: number, v: number) => [...get(OUT), ...get(v), ...simd(0x0b), 4, ...leb(offset)];

const T_BITS = new Uint8Array(new Float32Array([Math.fround(1e-6)]).buffer);
const body = [
  // T = splat(fround(1e-6))
  0x43, ...T_BITS, ...simd(0x13), ...set(T),
  0x02, 0x40, 0x03, 0x40,
  ...get(K), ...get(N8), 0x4f, 0x0d, 1, // br_if 1 when k >= n8
  ...load(PC), ...set(CV), ...load(PR), ...set(RV), ...load(PI), ...set(IV),
  ...half(EXT_LO_U, [DA, DB, RA, RB]), ...half(EXT_HI_U, [DA2, DB2, RA2, RB2]),
  ...bump(PC), ...bump(PR), ...bump(PI),
  ...get(K), 0x41, 1, 0x6a, ...set(K),
  0x0c, 0, 0x0b, 0x0b,
  ...store(0, DA), ...store(16, DB), ...store(32, DA2), ...store(48, DB2),
  ...store(64, RA), ...store(80, RB), ...store(96, RA2), ...store(112, RB2), ...store(128, CH),
  0x0b,
];
const func = [...vec([[1, 0x7f], [18, 0x7b]]), ...body];

/**
 * The module's bytes: exports `mem` and `cri(pc, pr, pi, n8, out)`, which stores at `out` eight
 * `f64x2`: Σd² (4 partials), Σr² (4 partials), then the `i32x4` changed counts (144 bytes).
 */
export const SIMD_WASM: readonly number[] = [
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, vec([[0x60, ...vec([[0x7f], [0x7f], [0x7f], [0x7f], [0x7f]]), 0]])),
  ...section(3, vec([[0]])),
  ...section(5, vec([[0x00, ...leb(SIMD_MEMORY_PAGES)]])),
  ...section(7, vec([[...str("mem"), 0x02, 0], [...str("cri"), 0x00, 0]])),
  ...section(10, vec([[...leb(func.length), ...func]])),
];
