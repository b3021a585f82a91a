/** chain.md §6.1 (Python SDK reveal-round formula) and §3.6 (reveal timing). */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { QUICKNET_GENESIS_TIME_SECONDS as G, estimateRevealBlock, revealRound } from "../../src/timelock/index.js";

describe("revealRound", () => {
  test("behavior: the spec's worked example", () => {
    // now 1700000000, 20 blocks × 12 s → (7196633 + 240) / 3 = 2398957.67 → 2398957
    expect(revealRound(20, 12, 1_700_000_000)._unsafeUnwrap()).toBe(2398957);
  });

  test.each([
    // [blocksUntilReveal, blockTimeSeconds, nowSeconds, expected]
    [360, 12, 1_700_000_000, 2400317], // Python's defaults: (7196633 + 4320) / 3 = 2400317.67
    [0, 12, 1_700_000_000, 2398877], // 7196633 / 3 = 2398877.67
    [100, 0, 1_700_000_000, 2398877], // zero block time: no delay
    [20, 12, 1_700_000_000.999, 2398957], // now is truncated to whole seconds
    [2, 0.25, G + 2, 1], // round(0.5) = 1 (half away from zero): (2 + 1) / 3 = 1
    [1, 0.25, G + 2, 0], // round(0.25) = 0: 2 / 3 = 0
    [3, 12.5, G, 12], // round(37.5) = 38: 38 / 3 = 12.67
    [360, 0.25, G + 1000, 363], // fast blocks: (1000 + 90) / 3 = 363.33
    [1, 12, G + 3 * 1_000_000 - 12, 1_000_000], // exact multiple: 3000000 / 3
  ])("behavior: (%s blocks, %s s, now %s) → %s", (blocks, blockTime, now, expected) => {
    expect(revealRound(blocks, blockTime, now)._unsafeUnwrap()).toBe(expected);
  });

  test("behavior: the round is emitted 3 to 6 s before the target time", () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: G, max: 4_000_000_000 }), (blocks, blockTime, now) => {
        const round = revealRound(blocks, blockTime, now)._unsafeUnwrap();
        const emitted = G + (round - 1) * 3;
        const target = now + blocks * blockTime;
        return emitted <= target - 3 && emitted > target - 6;
      }),
    );
  });

  test("behavior: defaults to the clock", () => {
    const before = Math.floor(Date.now() / 1000);
    const round = revealRound(360, 12)._unsafeUnwrap();
    const after = Math.floor(Date.now() / 1000);
    expect(round).toBeGreaterThanOrEqual(revealRound(360, 12, before)._unsafeUnwrap());
    expect(round).toBeLessThanOrEqual(revealRound(360, 12, after)._unsafeUnwrap());
  });

  test.each([
    ["blocksUntilReveal", -1, 12, 1_700_000_000],
    ["blocksUntilReveal", 1.5, 12, 1_700_000_000],
    ["blocksUntilReveal", Number.NaN, 12, 1_700_000_000],
    ["blockTimeSeconds", 20, -12, 1_700_000_000],
    ["blockTimeSeconds", 20, Number.POSITIVE_INFINITY, 1_700_000_000],
    ["blockTimeSeconds", 20, Number.NaN, 1_700_000_000],
    ["nowSeconds", 20, 12, G - 1],
    ["nowSeconds", 20, 12, Number.NaN],
    ["blocksUntilReveal", Number.MAX_SAFE_INTEGER, 1e10, 1_700_000_000],
  ])("error: a bad %s is an InvalidArgument naming it", (argument, blocks, blockTime, now) => {
    const e = revealRound(blocks, blockTime, now)._unsafeUnwrapErr();
    expect(e).toMatchObject({ type: "InvalidArgument", argument });
    expect(e.message).toMatch(new RegExp(`^${argument} must be`));
  });
});

describe("estimateRevealBlock", () => {
  test("behavior: the worked example reveals 2 blocks after the pulse's block", () => {
    // round 2398957 is emitted at now + 235 s: the first block at or after it is 20 blocks away
    expect(estimateRevealBlock({ round: 2398957, currentBlock: 5_000_000, nowSeconds: 1_700_000_000 })._unsafeUnwrap()).toBe(5_000_022);
  });

  test("behavior: revealRound(b blocks) is revealed b + 2 blocks later at 12 s per block", () => {
    fc.assert(
      fc.property(fc.nat({ max: 100_000 }), fc.nat({ max: 10_000_000 }), fc.integer({ min: G + 10, max: 3_000_000_000 }), (blocks, currentBlock, now) => {
        const round = revealRound(blocks, 12, now)._unsafeUnwrap();
        return estimateRevealBlock({ round, currentBlock, nowSeconds: now })._unsafeUnwrap() === currentBlock + blocks + 2;
      }),
    );
  });

  test.each([
    // [description, options, expected]
    ["a round emitted exactly now", { round: 1001n, currentBlock: 10, nowSeconds: G + 3000 }, 12],
    ["a past round without pulse information", { round: 1, currentBlock: 10, nowSeconds: 1_700_000_000 }, 12],
    ["a round already stored", { round: 1000, currentBlock: 10, nowSeconds: G, lastStoredRound: 1000 }, 11],
    ["a round not yet stored", { round: 1001, currentBlock: 10, nowSeconds: G + 3000, lastStoredRound: 1000n }, 12],
    ["fast blocks", { round: 101, currentBlock: 0, nowSeconds: G, blockTimeSeconds: 0.25 }, 1202],
    ["a fraction of a block away", { round: 2, currentBlock: 7, nowSeconds: G + 2 }, 10],
  ])("behavior: %s", (_, options, expected) => {
    expect(estimateRevealBlock(options)._unsafeUnwrap()).toBe(expected);
  });

  test.each([
    ["InvalidRound", { round: 0, currentBlock: 1 }],
    ["InvalidRound", { round: 1n << 64n, currentBlock: 1 }],
    ["InvalidRound", { round: (1n << 64n) - 1n, currentBlock: 1, nowSeconds: G }],
    ["InvalidArgument", { round: 5, currentBlock: -1 }],
    ["InvalidArgument", { round: 5, currentBlock: 1, blockTimeSeconds: 0 }],
    ["InvalidArgument", { round: 5, currentBlock: 1, nowSeconds: Number.NaN }],
    ["InvalidArgument", { round: 5, currentBlock: 1, lastStoredRound: -1 }],
  ])("error: %s for %o", (type, options) => {
    expect(estimateRevealBlock(options)._unsafeUnwrapErr().type).toBe(type);
  });
});
