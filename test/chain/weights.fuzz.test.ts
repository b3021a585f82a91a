/**
 * weightsToU16 against the Python SDK's convert_weights_and_uids_for_emit (bittensor 9.10.1,
 * spec/chain.md §8.2, crusades.md §H.6), run in CPython with numpy float32 as the oracle.
 */
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { roundHalfEven, weightsToU16 } from "../../src/chain/index.js";

// The SDK's function, verbatim in its logic, fed a float32 numpy array as the reference does.
const ORACLE = String.raw`
import json, sys
import numpy as np
U16_MAX = 65535
def convert(uids, weights):
    weights = weights.tolist(); uids = uids.tolist()
    if min(weights) < 0: return "negative"
    if min(uids) < 0: return "negative uid"
    if len(uids) != len(weights): return "mismatch"
    if sum(weights) == 0: return [[], []]
    max_weight = float(max(weights))
    weights = [float(value) / max_weight for value in weights]
    vals, out = [], []
    for w, u in zip(weights, uids):
        v = round(float(w) * int(U16_MAX))
        if v != 0:
            vals.append(v); out.append(u)
    return [out, vals]
cases = json.load(sys.stdin)
print(json.dumps([convert(np.array(c[0], dtype=np.int64), np.array(c[1], dtype=np.float32)) for c in cases]))
`;

function python(cases: readonly (readonly [number[], number[]])[]): unknown[] {
  const run = spawnSync("python3", ["-c", ORACLE], { input: JSON.stringify(cases), encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`python3/numpy oracle failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as unknown[];
}

describe("weightsToU16", () => {
  test("behavior: spec examples and ties", () => {
    expect(weightsToU16([0, 1], [131070, 5])._unsafeUnwrap()).toEqual({ uids: [0, 1], values: [65535, 2] });
    expect(weightsToU16([0, 1], [131070, 1])._unsafeUnwrap()).toEqual({ uids: [0], values: [65535] });
    expect(weightsToU16([1, 7], [1.0, 0.0])._unsafeUnwrap()).toEqual({ uids: [1], values: [65535] });
    expect(weightsToU16([1, 7], [0.95, 0.05])._unsafeUnwrap()).toEqual({ uids: [1, 7], values: [65535, 3449] });
    expect(weightsToU16([1, 2], [0, 0])._unsafeUnwrap()).toEqual({ uids: [], values: [] });
    expect([0.5, 1.5, 2.5, 3276.5, -0.5, 2.4999999].map(roundHalfEven)).toEqual([0, 2, 2, 3276, 0, 2]);
  });

  test("error: inputs the SDK or the chain refuses", () => {
    expect(weightsToU16([0, 1], [1])._unsafeUnwrapErr().reason).toBe("length-mismatch");
    expect(weightsToU16([], [])._unsafeUnwrapErr().reason).toBe("empty");
    expect(weightsToU16([0], [-1])._unsafeUnwrapErr().reason).toBe("negative-weight");
    expect(weightsToU16([0], [Number.NaN])._unsafeUnwrapErr().reason).toBe("non-finite-weight");
    expect(weightsToU16([0], [1e39])._unsafeUnwrapErr().reason).toBe("non-finite-weight"); // Infinity as float32
    expect(weightsToU16([-1], [1])._unsafeUnwrapErr().reason).toBe("invalid-uid");
    expect(weightsToU16([65536], [1])._unsafeUnwrapErr().reason).toBe("invalid-uid");
    expect(weightsToU16([1.5], [1])._unsafeUnwrapErr().reason).toBe("invalid-uid");
    expect(weightsToU16([3, 3], [1, 1])._unsafeUnwrapErr().reason).toBe("duplicate-uid");
  });

  test("behavior: equals the Python SDK on random vectors (numpy float32 oracle)", () => {
    const weight = fc.oneof(
      fc.float({ min: 0, max: 1, noNaN: true }),
      fc.float({ min: 0, max: Math.fround(1e30), noNaN: true }),
      fc.integer({ min: 0, max: 1 << 20 }),
      fc.constantFrom(0, 0.5, 1, 131070, 65535, 5, 1e-7),
    );
    const cases = fc.sample(
      fc.uniqueArray(fc.integer({ min: 0, max: 4095 }), { minLength: 1, maxLength: 40 }).chain((uids) =>
        fc.tuple(fc.constant(uids), fc.array(weight, { minLength: uids.length, maxLength: uids.length })),
      ),
      { numRuns: 1500, seed: 424 },
    );
    // Exact half ties, where round-half-even and Math.round differ.
    for (let k = 1; k < 200; k += 2) cases.push([[0, 1], [131070, k]]);
    const expected = python(cases);
    cases.forEach(([uids, weights], i) => {
      const ours = weightsToU16(uids, weights)._unsafeUnwrap();
      expect([ours.uids, ours.values], JSON.stringify([uids, weights])).toEqual(expected[i]);
    });
  });

  test("behavior: invariants (max is 65535, ratios kept, only zeros dropped)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 64 }),
        (weights) => {
          const uids = weights.map((_, i) => i);
          const { uids: out, values } = weightsToU16(uids, weights)._unsafeUnwrap();
          if (weights.every((w) => w === 0)) return out.length === 0;
          return Math.max(...values) === 65535 && values.every((v) => v > 0 && v <= 65535) && out.every((u, i) => u === uids[u] && (i === 0 || out[i - 1]! < u));
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});
