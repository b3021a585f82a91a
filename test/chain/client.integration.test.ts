/**
 * The client against a real subtensor runtime (spec 218) in chopsticks, offline
 * (spec/chain.md §14.2): connect, metagraph, faked registration, a plain commitment read back,
 * weights set and read back, a dispatch error by name, and the pre-checks that send nothing.
 */
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { WsProvider } from "@polkadot/api";
import { Keyring } from "@polkadot/keyring";
import { u8aToHex } from "@polkadot/util";
import type { KeyringPair } from "@polkadot/keyring/types";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { addStakeCall, createSubtensorClient, expectedAlpha, minimumAlpha, setCommitmentCall, type SubtensorClient } from "../../src/chain/index.js";
import { readPool } from "../../src/chain/client/payment.js";
import { registerHotkeys, startChopsticks, type Chopsticks } from "./chopsticks.js";

let node: Chopsticks;
let client: SubtensorClient;
let alice: KeyringPair;
let bob: KeyringPair;
let dave: KeyringPair;

let dev: WsProvider;

/** chopsticks' dev_* RPCs, on a provider of their own. */
async function rpc(method: string, params: unknown[]): Promise<unknown> {
  return dev.send(method, params);
}

/** Fakes Alice's registration as uid 0 of subnet 1 (plus `extra` storage), and reads it back. */
async function registerAlice(extra: [string, string][] = []): Promise<void> {
  await registerHotkeys(client, dev, 1, [alice], extra);
}

beforeAll(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
  alice = keyring.addFromUri("//Alice");
  bob = keyring.addFromUri("//Bob");
  dave = keyring.addFromUri("//Dave");
  node = await startChopsticks();
  client = (await createSubtensorClient({ url: node.url, timeoutMs: 20_000 }))._unsafeUnwrap();
  dev = new WsProvider(node.url);
  await dev.isReady;
  await registerAlice();
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

  test("behavior: the coldkey owning a hotkey (Owner), null for an unowned one", async () => {
    const q = client.api.query as unknown as Record<string, Record<string, { key(...a: unknown[]): string }>>;
    await rpc("dev_setStorage", [[[q["subtensorModule"]!["owner"]!.key(bob.address), u8aToHex(dave.publicKey)]]]);
    expect((await client.readOwner(bob.address))._unsafeUnwrap()).toBe(dave.address);
    expect((await client.readOwner(new Keyring({ type: "sr25519", ss58Format: 42 }).addFromUri("//Nobody").address))._unsafeUnwrap()).toBeNull();
  });

  test("behavior: the hash of a block by number; none past the head", async () => {
    const head = (await client.readHead())._unsafeUnwrap();
    expect((await client.blockHashAt(head.number))._unsafeUnwrap()).toBe(head.hash);
    expect((await client.blockHashAt(head.number + 1000))._unsafeUnwrap()).toBeNull();
    const at = (await client.readHead())._unsafeUnwrap();
    expect((await client.readRevealedCommitmentsOf(1, alice.address, { blockHash: at.hash }))._unsafeUnwrapErr().type).toBe("UnsupportedStorage"); // none on spec 218
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

  test("error: a timelocked commit with blocksUntilReveal 0 sends nothing", async () => {
    // Spec 218 has no Drand pallet: the LastStoredRound check is covered in precheck.test.ts.
    expect((client.api.query as unknown as Record<string, unknown>)["drand"]).toBeUndefined();
    const before = (await client.blockNumber())._unsafeUnwrap();
    const refused = (await client.commitTimelocked({ netuid: 1, text: "x", signer: alice, blocksUntilReveal: 0 }))._unsafeUnwrapErr();
    expect(refused).toMatchObject({ type: "ChainArgument", argument: "blocksUntilReveal" });
    expect((await client.blockNumber())._unsafeUnwrap()).toBe(before);
  });

  test("error: commitment reads of an unknown netuid are SubnetNotFound, not empty", async () => {
    expect((await client.readCommitments(1))._unsafeUnwrap().get(alice.address)?.fields).toEqual([{ kind: "raw", data: new TextEncoder().encode("hello") }]);
    const head = (await client.readHead())._unsafeUnwrap();
    for (const options of [{}, { blockHash: head.hash }]) {
      expect((await client.readCommitments(77, options))._unsafeUnwrapErr()).toMatchObject({ type: "SubnetNotFound", netuid: 77, message: "subnet 77 does not exist on this chain" });
      expect((await client.readRevealedCommitments(77, options))._unsafeUnwrapErr()).toMatchObject({ type: "SubnetNotFound", netuid: 77 });
    }
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

  test("error: a node that accepts the connection and never answers is a ChainTimeout naming the wait", async () => {
    // A WebSocket server that completes the handshake (RFC 6455 §4.2.2) and then says nothing.
    const silent = createServer();
    const sockets: Socket[] = [];
    silent.on("upgrade", (req, socket: Socket) => {
      sockets.push(socket);
      const accept = createHash("sha1").update(`${req.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const t0 = Date.now();
      const e = (await createSubtensorClient({ url: `ws://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 2_000 }))._unsafeUnwrapErr();
      expect(e.type).toBe("ChainTimeout");
      expect(e.message).toMatch(/2000 ?ms|2 ?s/);
      expect(Date.now() - t0).toBeLessThan(15_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  describe("payments (spec 218: add_stake and move_stake, no transfer_stake)", () => {
    const nonceOf = async (address: string) => {
      const system = client.api.query["system"] as unknown as { account(a: string): Promise<{ toJSON(): unknown }> };
      return ((await system.account(address)).toJSON() as { nonce: number }).nonce;
    };

    beforeAll(async () => {
      // The reconnection test restarted the node (fresh state): reconnect and register Alice again.
      await dev.disconnect();
      dev = new WsProvider(node.url);
      await dev.isReady;
      for (let i = 0; i < 40 && (await client.blockNumber()).isErr(); i++) await new Promise((r) => setTimeout(r, 500));
      // Alice's hotkey (uid 0, the burn uid here) is owned by Bob's coldkey: Bob is the destination.
      const q = client.api.query as unknown as Record<string, Record<string, { key(...a: unknown[]): string }>>;
      await registerAlice([[q["subtensorModule"]!["owner"]!.key(alice.address), u8aToHex(bob.publicKey)]]);
    }, 60_000);

    test("error: pre-checks send nothing (burn uid, balance, missing transfer_stake)", async () => {
      const noUid = (await client.payFee({ netuid: 1, burnUid: 5, coldkey: dave }))._unsafeUnwrapErr();
      expect(noUid).toMatchObject({ type: "PaymentPrecheck", check: "burn-uid-not-found" });
      const poor = (await client.payFee({ netuid: 1, burnUid: 0, coldkey: dave }))._unsafeUnwrapErr();
      expect(poor).toMatchObject({ type: "PaymentPrecheck", check: "insufficient-balance" });
      await rpc("dev_setStorage", [{ System: { Account: [[[dave.address], { providers: 1, data: { free: "1000000000000" } }]] } }]);
      let asked = false;
      const missing = (await client.payFee({ netuid: 1, burnUid: 0, coldkey: dave, confirm: () => (asked = true) }))._unsafeUnwrapErr();
      expect(missing).toMatchObject({ type: "UnsupportedCall", pallet: "subtensorModule", call: "transferStake" });
      expect(asked).toBe(false);
      expect(await nonceOf(dave.address)).toBe(0);
      expect((await client.readStake(dave.address, alice.address, 1))._unsafeUnwrap()).toBe(0n);
    });

    test("behavior: add_stake on the real runtime creates the quoted alpha, read back, and its block is no payment", async () => {
      // Subnet 1's genesis pool holds 1 alpha rao (a stake would create none): give it reserves.
      const q = client.api.query as unknown as Record<string, Record<string, { key(...a: unknown[]): string }>>;
      const u64 = (v: bigint) => u8aToHex(client.api.createType("u64", v).toU8a());
      await rpc("dev_setStorage", [[
        [q["subtensorModule"]!["subnetTAO"]!.key(1), u64(1_000_000_000_000n)],
        [q["subtensorModule"]!["subnetAlphaIn"]!.key(1), u64(4_000_000_000_000n)],
      ]]);
      const pool = (await readPool({ api: client.api, timeoutMs: 20_000 }, 1))._unsafeUnwrap();
      expect(pool).toEqual({ dynamic: true, taoIn: 1_000_000_000_000n, alphaIn: 4_000_000_000_000n });
      const fee = 1_000_000_000n;
      const before = (await client.readStake(dave.address, alice.address, 1))._unsafeUnwrap();
      const staked = await client.submit(addStakeCall(alice.address, 1, fee)._unsafeUnwrap(), dave, { waitFor: "inBlock" });
      const outcome = staked._unsafeUnwrap();
      expect(outcome.events.map((e) => `${e.pallet}.${e.name}`)).toContain("SubtensorModule.StakeAdded");
      const after = (await client.readStake(dave.address, alice.address, 1))._unsafeUnwrap();
      // post − pre is the new alpha the miner would transfer: within the validators' minimum (90% of
      // the reference's quote) and at most the quote (the runtime keeps a small part: about 0.09% here).
      const created = after - before;
      expect(created).toBeGreaterThanOrEqual(minimumAlpha(pool, fee));
      expect(created).toBeLessThanOrEqual(expectedAlpha(pool, fee));
      const blockNumber = ((await client.api.rpc.chain.getHeader(outcome.blockHash)).number.toNumber());
      const base = { netuid: 1, burnUid: 0, hotkey: alice.address, uid: 3, revealBlock: blockNumber + 10, retries: 0 };
      const notTransfer = (await client.verifyPayment({ ...base, reference: { blockNumber, extrinsicIndex: outcome.extrinsicIndex } }))._unsafeUnwrapErr();
      expect(notTransfer).toMatchObject({ type: "PaymentRejected", reason: "not-transfer-stake" });
      expect(notTransfer.message).toContain("subtensorModule.addStake");
      const outOfRange = (await client.verifyPayment({ ...base, reference: { blockNumber, extrinsicIndex: 99 } }))._unsafeUnwrapErr();
      expect(outOfRange).toMatchObject({ type: "PaymentRejected", reason: "index-out-of-range" });
      const future = (await client.verifyPayment({ ...base, reference: { blockNumber: blockNumber + 5, extrinsicIndex: 1 } }))._unsafeUnwrapErr();
      expect(future).toMatchObject({ type: "PaymentRejected", reason: "block-not-found" });
      expect((await client.verifyPayment({ ...base, reference: null }))._unsafeUnwrapErr()).toMatchObject({ reason: "missing-reference" });
      expect((await client.verifyPayment({ ...base, uid: 0, reference: null }))._unsafeUnwrap()).toEqual({ status: "exempt", reason: "burn-uid" });
      expect((await client.verifyPayment({ ...base, enabled: false, reference: null }))._unsafeUnwrap()).toEqual({ status: "exempt", reason: "payments-disabled" });
    });

    test("behavior: a failed extrinsic is seen in its block's events", async () => {
      // Staking to a hotkey without an owner fails in dispatch (ExtrinsicFailed), fee charged.
      const failed = (await client.submit(addStakeCall(dave.address, 1, 1_000_000n)._unsafeUnwrap(), dave, { waitFor: "inBlock" }))._unsafeUnwrapErr();
      expect(failed).toMatchObject({ type: "DispatchFailed", pallet: "SubtensorModule" });
      const header = await client.api.rpc.chain.getHeader();
      const { readPaymentBlock } = await import("../../src/chain/client/payment.js");
      const block = (await readPaymentBlock({ api: client.api, timeoutMs: 20_000 }, header.number.toNumber()))._unsafeUnwrap()!;
      const index = block.extrinsics.findIndex((x) => x.call === "addStake" && x.signer === dave.address);
      expect(index).toBeGreaterThan(0);
      expect(block.failed.has(index)).toBe(true);
    });
  });
});
