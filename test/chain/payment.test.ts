/**
 * Submission fees offline (crusades.md §C.8): the two calls against the finney spec-424 metadata,
 * blocks built from real signed extrinsics and real `System` events, and every check of the
 * acceptance rule on them.
 */
import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { hexToU8a, u8aConcat, u8aToHex } from "@polkadot/util";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { beforeAll, describe, expect, test } from "vitest";
import {
  addStakeCall,
  checkPaymentAge,
  encodeCall,
  expectedAlpha,
  failedExtrinsicIndexes,
  findPayment,
  minimumAlpha,
  paymentBlockFromCodecs,
  paymentIdKey,
  signCallOffline,
  transferStakeCall,
  verifyPaymentFacts,
  type EventRecordLike,
  type ExtrinsicCodecLike,
  type PaymentBlock,
  type PaymentFacts,
} from "../../src/chain/index.js";
import { finneyMetadata } from "./fixtures.js";

const meta = finneyMetadata();
const { registry } = meta;
const genesisHash = "0x2f0555cc76fc2840a25a6ea3b9637146806f1f44b090c175ffde2a7e5ab36c03" as const;
const NETUID = 3;
let miner: KeyringPair; // the miner's coldkey
let owner: KeyringPair; // the burn hotkey's owner (destination)
let burn: KeyringPair; // the burn uid's hotkey
let other: KeyringPair;

beforeAll(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
  miner = keyring.addFromUri("//Alice");
  owner = keyring.addFromUri("//Bob");
  burn = keyring.addFromUri("//Charlie");
  other = keyring.addFromUri("//Dave");
});

/** A signed extrinsic of `call`, decoded back through the registry as a block would carry it. */
function signed(call: ReturnType<typeof transferStakeCall>, signer: KeyringPair, nonce = 0): ExtrinsicCodecLike {
  const hex = signCallOffline(meta, call._unsafeUnwrap(), signer, { nonce, genesisHash })._unsafeUnwrap().extrinsic;
  return registry.createType("Extrinsic", hex) as unknown as ExtrinsicCodecLike;
}

/** The unsigned `Timestamp.set` inherent every block starts with. */
function inherent(): ExtrinsicCodecLike {
  const tx = meta.decorated.tx as unknown as Record<string, Record<string, (...a: unknown[]) => { toHex(): string }>>;
  const callHex = tx["timestamp"]!["set"]!(1_700_000_000_000).toHex();
  return registry.createType("Extrinsic", registry.createType("Call", callHex)) as unknown as ExtrinsicCodecLike;
}

/** A `System.ExtrinsicSuccess` / `System.ExtrinsicFailed` record for extrinsic `index`, from the metadata's own types. */
function systemEvent(name: "ExtrinsicSuccess" | "ExtrinsicFailed", index: number): EventRecordLike {
  const pallet = meta.metadata.asLatest.pallets.find((p) => p.name.toString() === "System")!;
  const variants = registry.lookup.getSiType(pallet.events.unwrap().type).def.asVariant.variants;
  const variant = variants.find((v) => v.name.toString() === name)!;
  const args = variant.fields.map((field) => {
    const type = registry.createLookupType(field.type);
    return field.name.toString() === "dispatch_error" ? registry.createType(type, { Module: { index: 7, error: "0x05000000" } }).toU8a() : registry.createType(type, {}).toU8a();
  });
  const event = u8aConcat(new Uint8Array([pallet.index.toNumber(), variant.index.toNumber()]), ...args);
  return registry.createType("EventRecord", { phase: { ApplyExtrinsic: index }, event, topics: [] }) as unknown as EventRecordLike;
}

const transfer = (over: Partial<Parameters<typeof transferStakeCall>[0]> = {}) =>
  transferStakeCall({ destinationColdkey: owner.address, hotkey: burn.address, originNetuid: NETUID, destinationNetuid: NETUID, alphaAmount: 40_000_000n, ...over });

const BLOCK_HASH = "0x" + "ab".repeat(32);

function block(extrinsics: ExtrinsicCodecLike[], events: EventRecordLike[], blockNumber = 5000): PaymentBlock {
  return paymentBlockFromCodecs(blockNumber, BLOCK_HASH.toUpperCase().replace("0X", "0x"), extrinsics, events);
}

function facts(b: PaymentBlock, over: Partial<PaymentFacts> = {}): PaymentFacts {
  return {
    reference: { blockNumber: 5000, extrinsicIndex: 1 },
    revealBlock: 5360,
    netuid: NETUID,
    block: b,
    minerColdkey: miner.address,
    destination: owner.address,
    burnHotkey: burn.address,
    minAlpha: 36_000_000n,
    reused: false,
    ...over,
  };
}

describe("payment calls", () => {
  test("behavior: add_stake and transfer_stake encode against spec 424 (call indices 0x0702, 0x0756)", () => {
    const stake = encodeCall(meta, addStakeCall(burn.address, NETUID, 50_000_000n)._unsafeUnwrap())._unsafeUnwrap();
    expect(stake).toBe(u8aToHex(u8aConcat(hexToU8a("0x0702"), burn.publicKey, hexToU8a("0x0300"), hexToU8a("0x80f0fa0200000000"))));
    const moved = encodeCall(meta, transfer()._unsafeUnwrap())._unsafeUnwrap();
    expect(moved).toBe(
      u8aToHex(u8aConcat(hexToU8a("0x0756"), owner.publicKey, burn.publicKey, hexToU8a("0x0300"), hexToU8a("0x0300"), hexToU8a("0x005a620200000000"))),
    );
    const decoded = registry.createType("Call", moved).toHuman() as { section: string; method: string; args: Record<string, string> };
    expect(decoded).toMatchObject({ section: "subtensorModule", method: "transferStake" });
    expect(Object.keys(decoded.args)).toEqual(["destination_coldkey", "hotkey", "origin_netuid", "destination_netuid", "alpha_amount"]);
  });

  test("error: bad arguments are refused before encoding", () => {
    expect(addStakeCall("not-an-address", 3, 1n)._unsafeUnwrapErr().type).toBe("InvalidAddress");
    expect(addStakeCall(burn.address, 70000, 1n)._unsafeUnwrapErr().type).toBe("ChainArgument");
    expect(addStakeCall(burn.address, 3, 0n)._unsafeUnwrapErr().type).toBe("ChainArgument");
    expect(transfer({ alphaAmount: 0n })._unsafeUnwrapErr().type).toBe("ChainArgument");
    expect(transfer({ alphaAmount: -1n })._unsafeUnwrapErr().type).toBe("ChainArgument");
    expect(transfer({ destinationNetuid: -1 })._unsafeUnwrapErr().type).toBe("ChainArgument");
  });
});

describe("decoding a block", () => {
  test("behavior: transfer_stake arguments, signer, unsigned inherents and ExtrinsicFailed indexes", () => {
    const b = block([inherent(), signed(transfer(), miner), signed(addStakeCall(burn.address, NETUID, 5n), miner, 1)], [
      systemEvent("ExtrinsicSuccess", 0),
      systemEvent("ExtrinsicSuccess", 1),
      systemEvent("ExtrinsicFailed", 2),
    ]);
    expect(b.blockHash).toBe(BLOCK_HASH);
    expect(b.extrinsics.map((x) => `${x.pallet}.${x.call}`)).toEqual(["timestamp.set", "subtensorModule.transferStake", "subtensorModule.addStake"]);
    expect(b.extrinsics[0]!.signer).toBeNull();
    expect(b.extrinsics[1]!.signer).toBe(miner.address);
    expect(b.extrinsics[1]!.transfer).toEqual({
      destinationColdkey: owner.address,
      hotkey: burn.address,
      originNetuid: NETUID,
      destinationNetuid: NETUID,
      alphaAmount: 40_000_000n,
    });
    expect(b.extrinsics[2]!.transfer).toBeNull();
    expect([...b.failed]).toEqual([2]);
    expect([...failedExtrinsicIndexes([systemEvent("ExtrinsicFailed", 0), systemEvent("ExtrinsicFailed", 4)])]).toEqual([0, 4]);
  });
});

describe("quote and minimum alpha", () => {
  test("behavior: dynamic pool quote alpha_in − k/(tao_in + fee), 1:1 otherwise, minimum 90% rounded down", () => {
    const pool = { dynamic: true, taoIn: 1_000_000_000_000n, alphaIn: 4_000_000_000_000n };
    // alpha_in − k/(tao_in + fee) = 4e12 − 4e24/(1e12 + 5e7) = 199_990_000.49… → 199_990_000
    expect(expectedAlpha(pool, 50_000_000n)).toBe(199_990_000n);
    expect(minimumAlpha(pool, 50_000_000n)).toBe(179_991_000n); // floor(0.9 × 199_990_000.49…)
    expect(expectedAlpha({ dynamic: false, taoIn: 0n, alphaIn: 0n }, 50_000_000n)).toBe(50_000_000n);
    expect(minimumAlpha({ dynamic: false, taoIn: 0n, alphaIn: 0n }, 50_000_000n)).toBe(45_000_000n);
    expect(minimumAlpha({ dynamic: true, taoIn: 0n, alphaIn: 0n }, 0n)).toBe(0n);
  });
});

describe("verifyPaymentFacts", () => {
  const good = () => block([inherent(), signed(transfer(), miner)], [systemEvent("ExtrinsicSuccess", 0), systemEvent("ExtrinsicSuccess", 1)]);

  test("behavior: a valid payment is accepted with what verified_payments records", () => {
    const accepted = verifyPaymentFacts(facts(good()))._unsafeUnwrap();
    expect(accepted).toMatchObject({ id: { blockHash: BLOCK_HASH, extrinsicIndex: 1 }, alphaAmount: 40_000_000n, minerColdkey: miner.address });
    expect(paymentIdKey(accepted.id)).toBe(`${BLOCK_HASH}:1`);
    // Exactly the minimum is enough.
    expect(verifyPaymentFacts(facts(good(), { minAlpha: 40_000_000n })).isOk()).toBe(true);
    // A payment in the reveal block itself, and exactly max_age old.
    expect(verifyPaymentFacts(facts(good(), { revealBlock: 5000 })).isOk()).toBe(true);
    expect(verifyPaymentFacts(facts(good(), { revealBlock: 12200 })).isOk()).toBe(true);
  });

  const cases: [string, () => PaymentFacts][] = [
    ["after-reveal", () => facts(good(), { revealBlock: 4999 })],
    ["too-old", () => facts(good(), { revealBlock: 12201 })],
    ["block-not-found", () => facts(block([inherent(), signed(transfer(), miner)], [], 4999))],
    ["index-out-of-range", () => facts(good(), { reference: { blockNumber: 5000, extrinsicIndex: 2 } })],
    ["index-out-of-range", () => facts(good(), { reference: { blockNumber: 5000, extrinsicIndex: -1 } })],
    ["not-transfer-stake", () => facts(good(), { reference: { blockNumber: 5000, extrinsicIndex: 0 } })],
    ["not-transfer-stake", () => facts(block([inherent(), signed(addStakeCall(burn.address, NETUID, 50_000_000n), miner)], []))],
    ["signer", () => facts(block([inherent(), signed(transfer(), other)], []))],
    ["destination", () => facts(block([inherent(), signed(transfer({ destinationColdkey: other.address }), miner)], []))],
    ["origin-netuid", () => facts(block([inherent(), signed(transfer({ originNetuid: 4 }), miner)], []))],
    ["destination-netuid", () => facts(block([inherent(), signed(transfer({ destinationNetuid: 4 }), miner)], []))],
    ["hotkey", () => facts(block([inherent(), signed(transfer({ hotkey: other.address }), miner)], []))],
    ["amount-below-minimum", () => facts(good(), { minAlpha: 40_000_001n })],
    ["failed-extrinsic", () => facts(block([inherent(), signed(transfer(), miner)], [systemEvent("ExtrinsicSuccess", 0), systemEvent("ExtrinsicFailed", 1)]))],
    ["reused", () => facts(good(), { reused: true })],
  ];
  test.each(cases)("error: rejected for %s", (reason, make) => {
    const rejected = verifyPaymentFacts(make())._unsafeUnwrapErr();
    expect(rejected).toMatchObject({ type: "PaymentRejected", reason });
    expect(rejected.message).toContain(reason);
  });

  test("error: a zero amount, which the call builder refuses, is rejected when found on chain", () => {
    const b = good();
    const zero: PaymentBlock = { ...b, extrinsics: b.extrinsics.map((x) => (x.transfer ? { ...x, transfer: { ...x.transfer, alphaAmount: 0n } } : x)) };
    expect(verifyPaymentFacts(facts(zero, { minAlpha: 0n }))._unsafeUnwrapErr().reason).toBe("amount-zero");
  });

  test("behavior: age checks alone", () => {
    expect(checkPaymentAge({ blockNumber: 10, extrinsicIndex: 1 }, 10).isOk()).toBe(true);
    expect(checkPaymentAge({ blockNumber: 10, extrinsicIndex: 1 }, 20, 5)._unsafeUnwrapErr().reason).toBe("too-old");
  });
});

describe("findPayment (the miner's look-back)", () => {
  test("behavior: newest matching transfer, skipping failed, foreign and other-subnet ones", () => {
    const older = block([inherent(), signed(transfer({ alphaAmount: 1n }), miner)], [], 4990);
    const newer = block(
      [inherent(), signed(transfer(), other), signed(transfer({ originNetuid: 4 }), miner, 1), signed(transfer({ alphaAmount: 7n }), miner, 2), signed(transfer({ alphaAmount: 9n }), miner, 3)],
      [systemEvent("ExtrinsicFailed", 3)],
      4995,
    );
    const search = { coldkey: miner.address, destination: owner.address, netuid: NETUID };
    expect(findPayment([older, newer], search)).toEqual({ blockNumber: 4995, extrinsicIndex: 4, blockHash: BLOCK_HASH, alphaAmount: 9n });
    expect(findPayment([older], search)).toMatchObject({ blockNumber: 4990, extrinsicIndex: 1 });
    expect(findPayment([older], { ...search, destination: other.address })).toBeNull();
  });
});
