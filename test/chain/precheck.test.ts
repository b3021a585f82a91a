/**
 * The weight pre-checks, the weights reveal round and the reveal round against Drand.LastStoredRound
 * as pure functions (spec/chain.md §3.6, §8.1, §8.4, §8.5), and commitTimelocked's pre-checks on a
 * context that can read nothing but that round (spec 218 in chopsticks has no Drand pallet).
 */
import type { ApiPromise } from "@polkadot/api";
import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { commitTimelocked } from "../../src/chain/client/commitments.js";
import type { ClientContext } from "../../src/chain/client/context.js";
import { precheckWeights, weightsRevealRound, type WeightsPrecheckState } from "../../src/chain/index.js";
import { checkRevealRoundAhead } from "../../src/chain/revealRoundPrecheck.js";
import { precheckWeightsRevealRound } from "../../src/chain/weightsPrecheck.js";
import { QUICKNET_GENESIS_TIME_SECONDS } from "../../src/timelock/index.js";

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

describe("checkRevealRoundAhead", () => {
  test("behavior: a round after LastStoredRound passes; no Drand pallet passes; weights also accept the stored round", () => {
    expect(checkRevealRoundAhead(1001n, 1000n, { allowStored: false })._unsafeUnwrap()).toBe(1001n);
    expect(checkRevealRoundAhead(5n, null, { allowStored: false })._unsafeUnwrap()).toBe(5n);
    expect(checkRevealRoundAhead(1000n, 1000n, { allowStored: true })._unsafeUnwrap()).toBe(1000n);
  });

  test("error: a commitment round at or behind LastStoredRound names both rounds", () => {
    expect(checkRevealRoundAhead(1000n, 1000n, { allowStored: false })._unsafeUnwrapErr()).toMatchObject({
      type: "RevealRoundTooEarly",
      revealRound: 1000n,
      lastStoredRound: 1000n,
      message: expect.stringMatching(/^reveal round 1000 equals Drand.LastStoredRound 1000: .*check the system clock$/),
    });
    expect(checkRevealRoundAhead(999n, 1000n, { allowStored: true })._unsafeUnwrapErr().message).toContain("reveal round 999 is behind Drand.LastStoredRound 1000");
  });
});

describe("precheckWeightsRevealRound", () => {
  test("behavior: the chain's rule reveal_round >= LastStoredRound", () => {
    expect(precheckWeightsRevealRound(1000n, 1000n)._unsafeUnwrap()).toBe(1000n);
    expect(precheckWeightsRevealRound(1000n, null)._unsafeUnwrap()).toBe(1000n);
  });

  test("error: a round behind LastStoredRound is InvalidRevealRound", () => {
    expect(precheckWeightsRevealRound(999n, 1000n)._unsafeUnwrapErr()).toEqual({
      type: "WeightsPrecheck",
      check: "InvalidRevealRound",
      message: expect.stringContaining("reveal round 999 is behind Drand.LastStoredRound 1000"),
    });
  });
});

describe("commitTimelocked pre-checks", () => {
  const nowSeconds = QUICKNET_GENESIS_TIME_SECONDS + 3 * 1000;
  // round = floor((3000 + 360 * 12) / 3)
  const round = 2440n;
  let signer: KeyringPair;
  beforeAll(async () => {
    await cryptoWaitReady();
    signer = new Keyring({ type: "sr25519", ss58Format: 42 }).addFromUri("//Alice");
  });

  /** A context whose API has only `Drand.LastStoredRound` (or nothing): any other chain access finds no storage, and nothing can be sent. */
  function contextWith(lastStoredRound: bigint | null): { ctx: ClientContext; reads: () => number } {
    let reads = 0;
    const drand = lastStoredRound === null ? {} : { drand: { lastStoredRound: async () => (reads++, { toString: () => String(lastStoredRound) }) } };
    return { ctx: { api: { query: drand, consts: {} } as unknown as ApiPromise, timeoutMs: 1_000 }, reads: () => reads };
  }

  test("error: a round not after Drand.LastStoredRound is refused before anything else", async () => {
    for (const last of [round, round + 10n]) {
      const { ctx, reads } = contextWith(last);
      const e = (await commitTimelocked(ctx, { netuid: 1, text: "x", signer, nowSeconds }))._unsafeUnwrapErr();
      expect(e).toMatchObject({ type: "RevealRoundTooEarly", revealRound: round, lastStoredRound: last });
      expect(reads()).toBe(1);
    }
  });

  test("behavior: a round ahead of the chain, or no Drand pallet, goes on to the registration check", async () => {
    for (const last of [round - 1n, null]) {
      const e = (await commitTimelocked(contextWith(last).ctx, { netuid: 1, text: "x", signer, nowSeconds }))._unsafeUnwrapErr();
      expect(e.type).toBe("HotkeyNotRegistered");
    }
  });

  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("error: blocksUntilReveal %s is refused without a chain read", async (blocksUntilReveal) => {
    const { ctx, reads } = contextWith(0n);
    const e = (await commitTimelocked(ctx, { netuid: 1, text: "x", signer, nowSeconds, blocksUntilReveal }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ type: "ChainArgument", argument: "blocksUntilReveal" });
    expect(e.message).toMatch(/^blocksUntilReveal must be a positive integer, got /);
    expect(reads()).toBe(0);
  });
});
