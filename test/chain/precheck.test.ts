/** The weight pre-checks and the weights reveal round as pure functions (spec/chain.md §8.1, §8.5). */
import { describe, expect, test } from "vitest";
import { precheckWeights, weightsRevealRound, type WeightsPrecheckState } from "../../src/chain/index.js";

const state: WeightsPrecheckState = {
  uid: 2, n: 10, currentBlock: 1000, lastUpdate: 0, validatorPermit: true, isOwner: false,
  rateLimitBlocks: 100, minAllowedWeights: 2, maxWeightsLimit: 65535, requiredVersionKey: 9010001n,
};
const request = { uids: [1, 7], values: [65535, 3449], versionKey: 9010001n };

describe("precheckWeights", () => {
  test("behavior: a valid vector passes; self-weight and owner exemptions", () => {
    expect(precheckWeights(state, request)._unsafeUnwrap()).toBe(true);
    expect(precheckWeights({ ...state, validatorPermit: false }, { ...request, uids: [2], values: [65535] }).isOk()).toBe(true);
    expect(precheckWeights({ ...state, validatorPermit: false, isOwner: true }, request).isOk()).toBe(true);
    expect(precheckWeights({ ...state, requiredVersionKey: 0n }, { ...request, versionKey: 0n }).isOk()).toBe(true);
    expect(precheckWeights({ ...state, lastUpdate: 901 }, request).isOk()).toBe(true); // lands in block 1001
  });

  test.each(([
    [{}, { uids: [], values: [] }, "NoWeights"],
    [{ n: 1 }, {}, "UidsLengthExceedUidsInSubNet"],
    [{}, { versionKey: 9010000n }, "IncorrectWeightVersionKey"],
    [{ lastUpdate: 950 }, {}, "SettingWeightsTooFast"],
    [{ validatorPermit: false }, {}, "NeuronNoValidatorPermit"],
    [{}, { uids: [1, 10] }, "UidVecContainInvalidOne"],
    [{ minAllowedWeights: 3 }, {}, "WeightVecLengthIsLow"],
    [{ maxWeightsLimit: 32768 }, { values: [65535, 100] }, "MaxWeightExceeded"],
  ] as const).map(([s, r, check]) => [check, s, r] as const))("error: %s", (check, s, r) => {
    const result = precheckWeights({ ...state, ...s }, { ...request, ...r });
    expect(result._unsafeUnwrapErr()).toMatchObject({ type: "WeightsPrecheck", check });
  });

  test("behavior: the rate-limit error says how long to wait", () => {
    expect(precheckWeights({ ...state, lastUpdate: 950 }, request)._unsafeUnwrapErr().blocksToWait).toBe(49);
  });
});

describe("weightsRevealRound", () => {
  test("behavior: a few blocks into the reveal epoch, one epoch later when the commit lands at N", () => {
    const now = 1_700_000_000;
    const before = weightsRevealRound({ currentBlock: 1000, nextEpochStartBlock: 1100, tempo: 360, revealPeriodEpochs: 1, nowSeconds: now });
    // S = 1100, target = now + (1100 + 3 - 1000) * 12 = now + 1236
    expect(before).toBe(BigInt(Math.floor((now + 1236 - 1692803367) / 3)));
    const at = weightsRevealRound({ currentBlock: 1099, nextEpochStartBlock: 1100, tempo: 360, revealPeriodEpochs: 1, nowSeconds: now });
    expect(at).toBe(BigInt(Math.floor((now + (1100 + 360 + 3 - 1099) * 12 - 1692803367) / 3)));
    const p2 = weightsRevealRound({ currentBlock: 1000, nextEpochStartBlock: 1100, tempo: 360, revealPeriodEpochs: 2, nowSeconds: now });
    expect(p2 - before).toBe(BigInt((360 * 12) / 3));
  });
});
