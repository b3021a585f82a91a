/** The compute score (compute.md §4.3, §4.1 [COMPAT]) and `crusades compute score`. */
import { describe, expect, it } from "vitest";
import { runCompute } from "../../src/cli/compute.js";
import { calcScorePogReference, computeScore, computeWeights, DEFAULT_BASE_SCORES, REFERENCE_GPU_SCORES, validateScoreTable } from "../../src/compute/index.js";
import { GPU_CATALOGUE } from "../../src/mfu/index.js";

describe("computeScore", () => {
  it("behavior: the spec's worked examples", () => {
    expect(computeScore("H200", 8, true, { allocationBonus: true })._unsafeUnwrap().score).toBe(200);
    expect(computeScore("NVIDIA GeForce RTX 4090", 2, false)._unsafeUnwrap().score).toBe(4.25);
    expect(computeScore("NVIDIA H100 80GB HBM3", 1, false)._unsafeUnwrap().score).toBe(10.3125);
    expect(computeScore("A100-SXM4-80GB", 4, false)._unsafeUnwrap().score).toBe(23.75);
  });

  it("behavior: the bonus needs both the option and an allocation; more than 8 GPUs count as 8", () => {
    expect(computeScore("H200", 8, true)._unsafeUnwrap().score).toBe(100);
    expect(computeScore("H200", 8, false, { allocationBonus: true })._unsafeUnwrap().score).toBe(100);
    expect(computeScore("H200", 16, false)._unsafeUnwrap()).toMatchObject({ score: 100, countedGpus: 8 });
  });

  it("error: a model outside the table is unscored_model (0), an unknown name unknown_gpu, a bad count throws", () => {
    expect(computeScore("B200", 8, true, { allocationBonus: true })._unsafeUnwrap()).toMatchObject({ score: 100, base: null, status: "unscored_model" });
    expect(computeScore("NVIDIA H300", 1, false)._unsafeUnwrapErr().type).toBe("unknown_gpu");
    expect(() => computeScore("H200", -1, false)).toThrow(RangeError);
    expect(computeScore("H200", 1, false, { baseScores: {} })._unsafeUnwrapErr().type).toBe("invalid_score_table");
  });

  it("behavior: every default key is a catalogue id; a custom table changes the divisor", () => {
    const ids = new Set(GPU_CATALOGUE.map((g) => g.id));
    for (const key of Object.keys(DEFAULT_BASE_SCORES)) expect(ids.has(key)).toBe(true);
    const table = validateScoreTable({ B200: 5, H200: 4 })._unsafeUnwrap();
    expect(computeScore("H200", 8, false, { baseScores: table })._unsafeUnwrap().score).toBe(80);
    expect(validateScoreTable({ "NVIDIA H200": 4 })._unsafeUnwrapErr().message).toMatch(/not a catalogue id/);
  });

  it("behavior: the reference's calc_score_pog [COMPAT] examples (v1.8.3)", () => {
    const t = REFERENCE_GPU_SCORES["v1.8.3"];
    expect(calcScorePogReference("NVIDIA H200", 8, t)).toBe(1);
    expect(calcScorePogReference("NVIDIA H100 80GB HBM3", 8, t)).toBeCloseTo(0.825, 12);
    expect(calcScorePogReference("NVIDIA H100 80GB HBM3", 1, t)).toBeCloseTo(0.103125, 12);
    expect(calcScorePogReference("NVIDIA A100-SXM4-80GB", 4, t)).toBeCloseTo(0.2375, 12);
    expect(calcScorePogReference("NVIDIA RTX 4000 Ada Generation", 4, REFERENCE_GPU_SCORES["v1.9.0"])).toBe(0);
  });

  it("behavior: weights normalise positive scores, else go to the fallback UID", () => {
    expect([...computeWeights(new Map([[1, 100], [2, 300], [3, 0]]), 0)]).toEqual([[1, 0.25], [2, 0.75]]);
    expect([...computeWeights(new Map([[1, 0]]), 7)]).toEqual([[7, 1]]);
  });
});

describe("crusades compute score", () => {
  const run = async (argv: string[]) => {
    let stdout = "";
    let stderr = "";
    const code = await runCompute(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: process.cwd() });
    return { code, stdout, stderr };
  };

  it("behavior: --json prints the exact scores of the spec", async () => {
    const a = await run(["score", "--gpu", "H200", "--count", "8", "--allocated", "--json"]);
    expect([a.code, JSON.parse(a.stdout).score]).toEqual([0, 200]);
    const b = await run(["score", "--gpu", "RTX 4090", "--count", "2", "--json"]);
    expect([b.code, JSON.parse(b.stdout).score]).toEqual([0, 4.25]);
    expect((await run(["score", "--gpu", "RTX 4090", "--count", "2"])).stdout).toBe("2 x RTX 4090: score 4.25 (base 0.68, max base 4)\n");
  });

  it("error: an unknown GPU exits 1, a bad count is a usage error", async () => {
    const r = await run(["score", "--gpu", "H300", "--count", "1"]);
    expect([r.code, r.stderr]).toEqual([1, 'crusades: unknown GPU "H300": not in the catalogue\n']);
    await expect(run(["score", "--gpu", "H200", "--count", "-1"])).rejects.toThrow(/--count/);
  });
});
