import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as root from "../src/index.js";
import * as chain from "../src/chain/index.js";
import * as compute from "../src/compute/index.js";
import * as config from "../src/config/index.js";
import * as evaluation from "../src/evaluation/index.js";
import * as mfu from "../src/mfu/index.js";
import * as scanner from "../src/scanner/index.js";
import * as scoring from "../src/scoring/index.js";
import * as timelock from "../src/timelock/index.js";
import * as verify from "../src/verify/index.js";
import * as api from "../src/api/index.js";
import * as miner from "../src/miner/index.js";
import * as store from "../src/store/index.js";
import * as submission from "../src/submission/index.js";
import * as validator from "../src/validator/index.js";

describe("crusades (package root)", () => {
  it("exports: the public surface is exactly this list", () => {
    expect(Object.keys(root).sort()).toMatchSnapshot();
  });

  it("exports: every module's names, and nothing else", () => {
    const modules = [api, chain, compute, config, evaluation, mfu, miner, scanner, scoring, store, submission, timelock, validator, verify].flatMap((m) => Object.keys(m));
    expect(Object.keys(root).sort()).toEqual([...new Set(modules)].sort());
  });

  it("behavior: src/index.ts is what scripts/gen-index.ts writes (types included)", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/gen-index.ts", "--check"], { cwd: path.join(import.meta.dirname, ".."), encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  }, 60_000);

  it("behavior: importing the root loads no grammar and connects to nothing", async () => {
    // The grammar loads on the first scan; the first scan must still work from the root import.
    const result = await root.scan("x = 1\n");
    expect(result.isOk()).toBe(true);
  });
});
