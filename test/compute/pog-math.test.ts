/**
 * The numbers shared by the prover (Python) and the verifier (TypeScript), compute.md §10.2:
 * Philox4x32-10 known answers, the generator on both sides, the Merkle tree, and the row
 * tolerance against honest and lower-precision rows.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkRow, decodeRow, merkleDepth, merklePath, merkleRoot, philox4x32, pogElements, pogLeafHash, pogMatrix, pogMatrixSize, pogRow, pogStepCount, pogStream,
  verifyPogPath,
} from "../../src/compute/index.js";
import { ROOT, TORCH_MISSING, TORCH_PYTHON } from "./helpers.js";

// Random123 kat_vectors for philox4x32_10.
const KAT: [number[], number[], number[]][] = [
  [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
];
const SEED = Uint8Array.from({ length: 32 }, (_, k) => k * 7 + 1);

describe("generator", () => {
  it("behavior: Philox4x32-10 matches the Random123 known answers", () => {
    for (const [ctr, key, out] of KAT) expect(philox4x32(ctr as [number, number, number, number], key as [number, number])).toEqual(out);
  });

  it("behavior: values are exact bf16 with exponent in [-8, -1] and full rank in practice", () => {
    const m = pogMatrix(pogStream(SEED, 0, 1, "B"), 16);
    for (const v of m) {
      const e = Math.floor(Math.log2(Math.abs(v)));
      expect(e).toBeGreaterThanOrEqual(-8);
      expect(e).toBeLessThanOrEqual(-1);
      expect(Number.isInteger(Math.abs(v) * 2 ** (7 - e))).toBe(true);
    }
    expect(pogRow(pogStream(SEED, 0, 1, "B"), 16, 3)).toEqual(m.slice(48, 64));
  });

  it.skipIf(TORCH_MISSING !== null)("behavior: the Python prover generates the same values and known answers", () => {
    const script = `
import sys, json, torch, hashlib
sys.path.insert(0, ${JSON.stringify(join(ROOT, "environments", "compute"))})
import prover
t = lambda v: torch.tensor([v], dtype=torch.int64)
kat = [[int(x) for x in prover.philox4x32(t(c[0]), t(c[1]), t(c[2]), t(c[3]), k[0], k[1])] for c, k in ${JSON.stringify(KAT.map(([c, k]) => [c, k]))}]
seed = bytes(range(1, 32 * 7 + 1, 7))
vals = prover.elements(prover.stream(seed, 2, 5, "A"), 1000 - 3, 19, "cpu").tolist()
print(json.dumps({"kat": kat, "vals": vals}))`;
    const out = JSON.parse(execFileSync(TORCH_PYTHON, ["-c", script], { encoding: "utf8" }));
    expect(out.kat).toEqual(KAT.map(([, , o]) => o));
    expect(out.vals).toEqual([...pogElements(pogStream(SEED, 2, 5, "A"), 997, 19)]);
  });
});

describe("Merkle commitment", () => {
  it("behavior: every leaf's path verifies for odd and even sizes; a changed leaf does not", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 5 }), (n, steps) => {
        const leaves = Array.from({ length: steps }, (_, t) => Array.from({ length: n }, (_, i) => pogLeafHash(t + 1, i, 0, Uint8Array.of(t, i))));
        const stepRoots = leaves.map((l) => merkleRoot(l));
        const root = merkleRoot(stepRoots);
        for (let t = 1; t <= steps; t++) {
          for (let i = 0; i < n; i++) {
            const path = [...merklePath(leaves[t - 1] as Uint8Array[], i), ...merklePath(stepRoots, t - 1)];
            expect(path.length).toBe(merkleDepth(n) + merkleDepth(steps));
            expect(verifyPogPath(pogLeafHash(t, i, 0, Uint8Array.of(t - 1, i)), t, i, path, n, steps, root)).toBe(true);
            expect(verifyPogPath(pogLeafHash(t, i, 1, Uint8Array.of(t - 1, i)), t, i, path, n, steps, root)).toBe(false);
          }
        }
      }),
      { numRuns: 30 },
    );
  });
});

/** Rounds to a bf16 value (round to nearest even on the 7-bit mantissa). */
const bf16 = (x: number) => {
  if (x === 0) return 0;
  const e = Math.floor(Math.log2(Math.abs(x)));
  const q = x * 2 ** (7 - e);
  const r = Math.round(q) - (Math.abs(q % 1) === 0.5 && Math.round(q) % 2 !== 0 ? Math.sign(q) : 0);
  return r * 2 ** (e - 7);
};

describe("row tolerance", () => {
  const n = 64;
  const a = pogRow(pogStream(SEED, 0, 1, "A"), n, 0);
  const b = pogMatrix(pogStream(SEED, 0, 1, "B"), n);
  const exact = Array.from({ length: n }, (_, j) => a.reduce((s, ak, k) => s + ak * (b[k * n + j] as number), 0));
  const e = Math.floor(Math.log2(Math.max(...exact.map(Math.abs)))) + 1;

  it("behavior: the honest bf16 row passes; its exponent neighbour does not", () => {
    const row = Float64Array.from(exact, (x) => bf16(x * 2 ** -e));
    expect(checkRow(a, b, n, "bf16", e, row)).toBeNull();
    expect(checkRow(a, b, n, "bf16", e + 1, row)).toMatchObject({ reason: "exponent" });
  });

  it("error: a row off by 2 ulps, or from fp8-like inputs, is rejected", () => {
    const row = Float64Array.from(exact, (x) => bf16(x * 2 ** -e));
    row[5] = (row[5] as number) + 2 * 2 ** (Math.floor(Math.log2(Math.abs(row[5] as number))) - 7);
    expect(checkRow(a, b, n, "bf16", e, row)).toMatchObject({ reason: "element", column: 5 });
    const q = (x: number) => (x === 0 ? 0 : Math.round(x * 2 ** (3 - Math.floor(Math.log2(Math.abs(x))))) * 2 ** (Math.floor(Math.log2(Math.abs(x))) - 3));
    const low = Array.from({ length: n }, (_, j) => a.reduce((s, ak, k) => s + q(ak) * q(b[k * n + j] as number), 0));
    expect(checkRow(a, b, n, "bf16", e, Float64Array.from(low, (x) => bf16(x * 2 ** -e)))).toMatchObject({ reason: "element" });
  });

  it("behavior: rows decode from little-endian bytes; non-finite values are refused", () => {
    expect([...(decodeRow(Uint8Array.of(0x00, 0x3c, 0x00, 0xc0), "fp16", 2) ?? [])]).toEqual([1, -2]);
    expect([...(decodeRow(Uint8Array.of(0x80, 0x3f, 0x00, 0x40), "bf16", 2) ?? [])]).toEqual([1, 2]);
    expect(decodeRow(Uint8Array.of(0x00, 0x7c), "fp16", 1)).toBeNull();
    expect(decodeRow(Uint8Array.of(0x00), "fp16", 1)).toBeNull();
  });

  it("args: the workload is sized from memory and calibrated throughput", () => {
    expect([pogMatrixSize(81559), pogMatrixSize(24564), pogMatrixSize(38147)]).toEqual([16384, 8192, 16384]);
    expect(pogStepCount(16384, 570, 30)).toBe(1944);
    expect(pogStepCount(64, 1e-9, 30)).toBe(2);
    expect(() => pogStepCount(0, 1)).toThrow(RangeError);
  });
});
