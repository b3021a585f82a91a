import { spawnSync } from "node:child_process";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { createRunSeed, dataSeed, findEnvironmentDir, torchSeed } from "../../src/evaluation/index.js";

const ZERO = new Uint8Array(16);

describe("createRunSeed (spec E.1)", () => {
  test("behavior: '{uid}:{run_no}:{unix_seconds}:{32 hex}'", () => {
    const random = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    expect(createRunSeed({ uid: 7, runNo: 1, unixSeconds: 1700000000, random })).toBe("7:1:1700000000:00112233445566778899aabbccddeeff");
    expect(createRunSeed({ uid: "local", runNo: 3, unixSeconds: 0, random: ZERO })).toBe("local:3:0:00000000000000000000000000000000");
  });
  test("behavior: defaults: the current time and 16 fresh random bytes", () => {
    const before = Math.floor(Date.now() / 1000);
    const a = createRunSeed({ uid: 1, runNo: 1 });
    const [uid, run, t, hex] = a.split(":");
    expect([uid, run]).toEqual(["1", "1"]);
    expect(Number(t)).toBeGreaterThanOrEqual(before);
    expect(hex).toMatch(/^[0-9a-f]{32}$/);
    expect(createRunSeed({ uid: 1, runNo: 1 })).not.toBe(a);
  });
  test("args: invalid parts are programmer errors", () => {
    expect(() => createRunSeed({ uid: "a:b", runNo: 1 })).toThrow(RangeError);
    expect(() => createRunSeed({ uid: "", runNo: 1 })).toThrow(RangeError);
    expect(() => createRunSeed({ uid: 1, runNo: 0 })).toThrow(RangeError);
    expect(() => createRunSeed({ uid: 1, runNo: 1.5 })).toThrow(RangeError);
    expect(() => createRunSeed({ uid: 1, runNo: 1, unixSeconds: -1 })).toThrow(RangeError);
    expect(() => createRunSeed({ uid: 1, runNo: 1, random: new Uint8Array(15) })).toThrow(RangeError);
  });
});

describe("torchSeed / dataSeed (spec E.2)", () => {
  // Hand-computed: sha256("7:1:1700000000:00112233445566778899aabbccddeeff").
  const seed = "7:1:1700000000:00112233445566778899aabbccddeeff";
  test("behavior: torch seed = low 32 bits of the digest, data seed = first 8 hex digits", async () => {
    const { createHash } = await import("node:crypto");
    const hex = createHash("sha256").update(seed).digest("hex");
    expect(torchSeed(seed)).toBe(Number.parseInt(hex.slice(-8), 16));
    expect(dataSeed(seed)).toBe(Number.parseInt(hex.slice(0, 8), 16));
    expect(torchSeed(seed)).not.toBe(dataSeed(seed));
  });

  const env = findEnvironmentDir();
  const python = spawnSync("python3", ["-c", "print(1)"], { encoding: "utf8" });
  test.skipIf(python.status !== 0 || env === null)("behavior: equal to the harness's Python (crusades_env.config) on random seeds", () => {
    const seeds = fc.sample(
      fc.tuple(fc.nat(10_000), fc.integer({ min: 1, max: 99 }), fc.nat(2_000_000_000), fc.uint8Array({ minLength: 16, maxLength: 16 })),
      { numRuns: 50, seed: 42 },
    ).map(([uid, runNo, unixSeconds, random]) => createRunSeed({ uid, runNo, unixSeconds, random }));
    seeds.push("local:1:0:00000000000000000000000000000000", "ünï:1:2:ff");
    const script = "import json,sys\nfrom crusades_env.config import torch_seed, data_seed\nprint(json.dumps([[torch_seed(s), data_seed(s)] for s in json.load(sys.stdin)]))";
    const r = spawnSync("python3", ["-B", "-c", script], { input: JSON.stringify(seeds), encoding: "utf8", env: { PATH: process.env.PATH, PYTHONPATH: join(env!) } });
    expect(r.stderr).toBe("");
    const expected = JSON.parse(r.stdout) as [number, number][];
    expect(seeds.map((s) => [torchSeed(s), dataSeed(s)])).toEqual(expected);
  });
});
