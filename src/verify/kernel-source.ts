/**
 * The per-slice verification kernel, as JavaScript source, so that the same code runs inline
 * (`new Function`) and in `worker_threads` started with `{ eval: true }` from TypeScript (vitest,
 * tsx) and from the built `dist` alike, with no file to resolve.
 *
 * A slice is `n` consecutive elements of one tensor in the candidate (`c`), and optionally the
 * same elements of the reference (`r`, spec §F.4) and of the initial state (`i`, spec §F.3).
 * It returns float64 sums `dsq = Σ(c − r)²`, `rsq = Σ r²`, the count of elements with
 * `|fround(c − i)| > fround(1e-6)` (NaN counts as unchanged), and the candidate's NaN and ±Inf counts.
 * Files are reopened by path and checked against the identity (device, inode, size) of the
 * validated file, and read in fixed chunks: memory per thread is a few MiB whatever the model size.
 * @module
 */

import { SIMD_WASM } from "./simd.js";

/** Dtype codes used in slice tasks. */
export const DTYPE_CODE = { F32: 0, F16: 1, BF16: 2 } as const;

/** The kernel body: defines `runSlice(task)` and `closeAll()`; needs `fs` in scope. */
export const KERNEL_SOURCE = `"use strict";\nconst WASM_BYTES = new Uint8Array([${SIMD_WASM.join(",")}]);\n` + String.raw`
const CH = 1 << 16;
const T = Math.fround(1e-6);
const BF = new Float32Array(65536);
{ const u = new Uint32Array(BF.buffer); for (let k = 0; k < 65536; k++) u[k] = k << 16; }
const HF = new Float32Array(65536);
for (let h = 0; h < 65536; h++) {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, f = h & 1023;
  HF[h] = e === 0 ? s * f * 5.960464477539063e-8 : e === 31 ? (f ? NaN : s * Infinity) : s * (1 + f / 1024) * Math.pow(2, e - 15);
}
const fds = new Map();
// Three read slots of CH 4-byte elements, then 144 bytes of SIMD output, in the WebAssembly memory
// when SIMD is available (reads land where the kernel reads them: no copy).
const SLOT = CH * 4, OUT = 3 * SLOT;
let W = null;
try {
  if (typeof WebAssembly === "object" && WebAssembly.validate(WASM_BYTES)) W = new WebAssembly.Instance(new WebAssembly.Module(WASM_BYTES), {}).exports;
} catch (e) { W = null; }
const MEM = W ? W.mem.buffer : new ArrayBuffer(3 * SLOT + 144);
const OUT64 = new Float64Array(MEM, OUT, 16), OUT32 = new Int32Array(MEM, OUT + 128, 4);
const scratch = [new Float32Array(CH), new Float32Array(CH), new Float32Array(CH)];
function fdFor(f) {
  const key = f.path + "\u0000" + f.noFollow;
  let fd = fds.get(key);
  if (fd !== undefined) return fd;
  fd = fs.openSync(f.path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | (f.noFollow ? fs.constants.O_NOFOLLOW : 0));
  const st = fs.fstatSync(fd, { bigint: true });
  if (!st.isFile() || String(st.dev) !== f.dev || String(st.ino) !== f.ino || Number(st.size) !== f.size) {
    fs.closeSync(fd);
    throw new Error("file changed after validation: " + f.path);
  }
  fds.set(key, fd);
  return fd;
}
function readInto(f, slot, startElem, m) {
  const size = f.dt === 0 ? 4 : 2;
  const u8 = new Uint8Array(MEM, slot * SLOT, m * size);
  const fd = fdFor(f);
  let done = 0;
  const pos = f.off + startElem * size;
  while (done < u8.length) {
    const got = fs.readSync(fd, u8, done, u8.length - done, pos + done);
    if (got === 0) throw new Error("unexpected end of file: " + f.path);
    done += got;
  }
  return f.dt === 0 ? new Float32Array(MEM, slot * SLOT, m) : new Uint16Array(MEM, slot * SLOT, m);
}
function toF32(view, dt, slot, m) {
  if (dt === 0) return view;
  const lut = dt === 2 ? BF : HF, out = scratch[slot];
  for (let j = 0; j < m; j++) out[j] = lut[view[j]];
  return out;
}
// acc: [dsq, rsq, changed, z]. Small monomorphic loops that TurboFan optimises alone; the changed
// test is branch-free (a "||" of two comparisons runs several times slower); z = Σ x·0 turns NaN
// when any candidate element is NaN or ±Inf, and only then is the chunk rescanned to count them.
function loopCRI(cv, rv, iv, lc, lr, li, m, acc) {
  const t = T;
  let dsq = 0, rsq = 0, changed = 0, z = 0;
  for (let j = 0; j < m; j++) {
    const x = lc[cv[j]], y = lr[rv[j]], d = Math.fround(x - y);
    dsq += d * d; rsq += y * y; z += x * 0;
    changed += Math.abs(Math.fround(x - li[iv[j]])) > t ? 1 : 0;
  }
  acc[0] += dsq; acc[1] += rsq; acc[2] += changed; acc[3] += z;
}
function loopCR(cv, rv, lc, lr, m, acc) {
  let dsq = 0, rsq = 0, z = 0;
  for (let j = 0; j < m; j++) {
    const x = lc[cv[j]], y = lr[rv[j]], d = Math.fround(x - y);
    dsq += d * d; rsq += y * y; z += x * 0;
  }
  acc[0] += dsq; acc[1] += rsq; acc[3] += z;
}
function loopCI(cv, iv, lc, li, m, acc) {
  const t = T;
  let changed = 0, z = 0;
  for (let j = 0; j < m; j++) {
    const x = lc[cv[j]];
    z += x * 0;
    changed += Math.abs(Math.fround(x - li[iv[j]])) > t ? 1 : 0;
  }
  acc[2] += changed; acc[3] += z;
}
function loopF32(xc, xr, xi, m, acc) {
  const t = T;
  let dsq = 0, rsq = 0, changed = 0, z = 0;
  for (let j = 0; j < m; j++) {
    const x = xc[j];
    z += x * 0;
    if (xr !== null) { const y = xr[j], d = Math.fround(x - y); dsq += d * d; rsq += y * y; }
    if (xi !== null) changed += Math.abs(Math.fround(x - xi[j])) > t ? 1 : 0;
  }
  acc[0] += dsq; acc[1] += rsq; acc[2] += changed; acc[3] += z;
}
function countNonFinite(view, dt, m, acc) {
  const lut = dt === 2 ? BF : HF;
  for (let j = 0; j < m; j++) {
    const x = dt === 0 ? view[j] : lut[view[j]];
    if (x !== x) acc[4]++;
    else if (x === Infinity || x === -Infinity) acc[5]++;
  }
}
const ZERO16 = new Uint16Array(CH);
// Runs the SIMD kernel over the first m & ~7 elements of the three slots; a missing operand
// reads the candidate's slot and its figures are dropped.
function simdChunk(m, hasR, hasI, acc) {
  const n8 = m >> 3;
  if (n8 === 0) return;
  W.cri(0, hasR ? SLOT : 0, hasI ? 2 * SLOT : 0, n8, OUT);
  const o = OUT64;
  const dsq = ((o[0] + o[1]) + (o[2] + o[3])) + ((o[4] + o[5]) + (o[6] + o[7]));
  if (hasR) { acc[0] += dsq; acc[1] += ((o[8] + o[9]) + (o[10] + o[11])) + ((o[12] + o[13]) + (o[14] + o[15])); }
  if (hasI) acc[2] += OUT32[0] + OUT32[1] + OUT32[2] + OUT32[3];
  // Non-finite Σd² flags a NaN/±Inf candidate element (see simd.ts); 0 · finite is 0.
  acc[3] += dsq * 0;
}
function tail(cv, rv, iv, from, m, acc) {
  const c = cv.subarray(from, m), r = rv ? rv.subarray(from, m) : null, i = iv ? iv.subarray(from, m) : null;
  if (r && i) loopCRI(c, r, i, BF, BF, BF, m - from, acc);
  else if (r) loopCR(c, r, BF, BF, m - from, acc);
  else if (i) loopCI(c, i, BF, BF, m - from, acc);
  else loopCI(c, c, BF, BF, m - from, acc);
}
function runSlice(task) {
  const c = task.c, r = task.r, i = task.i, n = task.n;
  // [dsq, rsq, changed, z (per chunk), nan, inf]
  const acc = new Float64Array(6);
  const lut16 = c.dt !== 0 && (!r || r.dt !== 0) && (!i || i.dt !== 0);
  for (let at = 0; at < n; at += CH) {
    const m = Math.min(CH, n - at);
    const cv = readInto(c, 0, at, m);
    const rv = r ? readInto(r, 1, at, m) : null;
    const iv = i ? readInto(i, 2, at, m) : null;
    acc[3] = 0;
    if (W !== null && c.dt === 2 && (!r || r.dt === 2) && (!i || i.dt === 2)) {
      simdChunk(m, rv !== null, iv !== null, acc);
      if ((m & 7) !== 0) tail(cv, rv, iv, m & ~7, m, acc);
    } else if (lut16) {
      const lc = c.dt === 2 ? BF : HF;
      const lr = r && r.dt === 2 ? BF : HF;
      const li = i && i.dt === 2 ? BF : HF;
      if (rv && iv) loopCRI(cv, rv, iv, lc, lr, li, m, acc);
      else if (rv) loopCR(cv, rv, lc, lr, m, acc);
      else if (iv) loopCI(cv, iv, lc, li, m, acc);
      else loopCI(cv, ZERO16, lc, BF, m, acc);
    } else {
      loopF32(toF32(cv, c.dt, 0, m), rv ? toF32(rv, r.dt, 1, m) : null, iv ? toF32(iv, i.dt, 2, m) : null, m, acc);
    }
    if (acc[3] !== 0) countNonFinite(cv, c.dt, m, acc);
  }
  return { id: task.id, dsq: acc[0], rsq: acc[1], changed: i ? acc[2] : 0, nan: acc[4], inf: acc[5] };
}
function closeAll() {
  for (const fd of fds.values()) { try { fs.closeSync(fd); } catch (e) {} }
  fds.clear();
}
`;

/** The worker thread's whole source: the kernel plus a message loop. */
export const WORKER_SOURCE = `"use strict";
const fs = require("node:fs");
const { parentPort } = require("node:worker_threads");
${KERNEL_SOURCE}
parentPort.on("message", (msg) => {
  if (msg === "close") { closeAll(); parentPort.close(); return; }
  try { parentPort.postMessage({ ok: true, result: runSlice(msg) }); }
  catch (e) { parentPort.postMessage({ ok: false, id: msg.id, error: String(e && e.message || e) }); }
});
`;
