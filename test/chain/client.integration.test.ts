/**
 * The client against a real subtensor runtime (spec 218) in chopsticks, offline
 * (spec/chain.md §14.2): connect, metagraph, faked registration, a plain commitment read back,
 * weights set and read back, a dispatch error by name, and the pre-checks that send nothing.
 */
import { WsProvider } from "@polkadot/api";
import { Keyring } from "@polkadot/keyring";
import { u8aToHex } from "@polkadot/util";
import type { KeyringPair } from "@polkadot/keyring/types";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createSubtensorClient, setCommitmentCall, type SubtensorClient } from "../../src/chain/index.js";
import { startChopsticks, type Chopsticks } from "./chopsticks.js";

let node: Chopsticks;
let client: SubtensorClient;
let alice: KeyringPair;
let bob: KeyringPair;

let dev: WsProvider;

/** chopsticks' dev_* RPCs, on a provider of their own. */
async function rpc(method: string, params: unknown[]): Promise<unknown> {
  return dev.send(method, params);
}

beforeAll(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
  alice = keyring.addFromUri("//Alice");
  bob = keyring.addFromUri("//Bob");
  node = await startChopsticks();
  client = (await createSubtensorClient({ url: node.url, timeoutMs: 20_000 }))._unsafeUnwrap();
  dev = new WsProvider(node.url);
  await dev.isReady;
  // Fake Alice's registration as uid 0 of subnet 1 with raw key/value pairs (§14.2).
  const q = client.api.query as unknown as Record<string, Record<string, { key(...a: unknown[]): string }>>;
  await rpc("dev_setStorage", [[
    [q["subtensorModule"]!["uids"]!.key(1, alice.address), "0x0000"],
    [q["subtensorModule"]!["keys"]!.key(1, 0), u8aToHex(alice.publicKey)],
  ]]);
}, 120_000);

afterAll(async () => {
  await dev?.disconnect();
  await client?.disconnect();
  await node?.stop();
});

describe("chopsticks spec 218", () => {
  test("behavior: connects and reads the metagraph", async () => {
    expect(client.specVersion).toBe(218);
    const m = (await client.readMetagraph(1))._unsafeUnwrap();
    expect(m.n).toBe(1);
    expect(m.hotkeys[0]).toBe(alice.address);
    expect(m.uidOfHotkey.get(alice.address)).toBe(0);
    expect(m.validatorPermit).toEqual([true]);
    expect(m.weights.tempo).toBeGreaterThan(0);
    expect((await client.uidOf(1, alice.address))._unsafeUnwrap()).toBe(0);
  });

  test("behavior: a plain commitment is included and read back", async () => {
    const receipt = (await client.commitPlain({ netuid: 1, data: "hello", signer: alice, waitFor: "inBlock" }))._unsafeUnwrap();
    expect(receipt.costBytes).toBe(100);
    expect(receipt.outcome.events.map((e) => `${e.pallet}.${e.name}`)).toContain("Commitments.Commitment");
    const stored = (await client.readCommitment(1, alice.address))._unsafeUnwrap();
    expect(stored?.fields).toEqual([{ kind: "raw", data: new TextEncoder().encode("hello") }]);
    // The old pallet's rate limit (100 blocks) is checked before sending.
    const again = (await client.commitPlain({ netuid: 1, data: "again", signer: alice, waitFor: "inBlock" }))._unsafeUnwrapErr();
    expect(again.type).toBe("CommitmentRateLimited");
  });

  test("behavior: weights set (commit-reveal off) and read back", async () => {
    const receipt = (await client.setWeights({ netuid: 1, uids: [0], weights: [1], signer: alice, versionKey: 9010001, waitFor: "inBlock" }))._unsafeUnwrap();
    expect(receipt.mode).toBe("direct");
    expect(receipt.values).toEqual([65535]);
    expect((await client.readWeights(1, 0))._unsafeUnwrap()).toEqual([[0, 65535]]);
    // LastUpdate moved: the rate limit now refuses before sending.
    const tooFast = (await client.setWeights({ netuid: 1, uids: [0], weights: [1], signer: alice, versionKey: 9010001 }))._unsafeUnwrapErr();
    expect(tooFast).toMatchObject({ type: "WeightsPrecheck", check: "SettingWeightsTooFast" });
  });

  test("error: a dispatch error surfaces by name", async () => {
    const call = setCommitmentCall(1, [{ kind: "raw", data: new Uint8Array([1, 2, 3]) }])._unsafeUnwrap();
    const failed = (await client.submit(call, bob, { waitFor: "inBlock" }))._unsafeUnwrapErr();
    expect(failed).toMatchObject({ type: "DispatchFailed", pallet: "Commitments", error: "AccountNotAllowedCommit" });
  });

  test("error: pre-checks send nothing", async () => {
    expect((await client.commitPlain({ netuid: 1, data: "x", signer: bob }))._unsafeUnwrapErr().type).toBe("HotkeyNotRegistered");
    expect((await client.commitPlain({ netuid: 77, data: "x", signer: alice }))._unsafeUnwrapErr().type).toBe("SubnetNotFound");
    expect((await client.commitPlain({ netuid: 1, data: "x".repeat(129), signer: alice }))._unsafeUnwrapErr().type).toBe("PayloadTooLarge");
    expect((await client.readMetagraph(70000))._unsafeUnwrapErr().type).toBe("ChainArgument");
    expect((await client.setWeights({ netuid: 1, uids: [0], weights: [-1], signer: alice, versionKey: 1 }))._unsafeUnwrapErr().type).toBe("InvalidWeights");
    expect((await client.readRevealedCommitments(1))._unsafeUnwrapErr().type).toBe("UnsupportedStorage"); // no reveal on spec 218
  });

  test("behavior: reconnects after the node restarts", async () => {
    const fresh = (await createSubtensorClient({ url: node.url, timeoutMs: 5_000, reconnectDelayMs: 500 }))._unsafeUnwrap();
    try {
      await node.stop();
      expect((await fresh.blockNumber()).isErr()).toBe(true);
      node = await startChopsticks(node.port);
      let block = await fresh.blockNumber();
      for (let i = 0; i < 20 && block.isErr(); i++) {
        await new Promise((r) => setTimeout(r, 500));
        block = await fresh.blockNumber();
      }
      expect(block._unsafeUnwrap()).toBeGreaterThanOrEqual(0);
    } finally {
      await fresh.disconnect();
    }
  }, 120_000);

  test("error: unknown network and refused connection", async () => {
    expect((await createSubtensorClient({ network: "mainnet" }))._unsafeUnwrapErr().type).toBe("UnknownNetwork");
    const refused = (await createSubtensorClient({ url: "ws://user:secret@127.0.0.1:1", timeoutMs: 5_000 }))._unsafeUnwrapErr();
    expect(["ChainConnection", "ChainTimeout"]).toContain(refused.type);
    expect(refused.message).not.toContain("secret");
  });
});
