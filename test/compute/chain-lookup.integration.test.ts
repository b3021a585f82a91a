/**
 * The miner agent's caller filter against a real runtime (compute.md §4.5 steps 5-6): chopsticks
 * with the spec-218 runtime, a validator registered with a permit, its stake in alpha at the
 * pool's price and its coldkey written to storage; the agent admits it, refuses an unregistered
 * caller, one below the stake floor and one whose coldkey is denied, each with its reason.
 */
import type { WsProvider } from "@polkadot/api";
import { bnToU8a, u8aToHex } from "@polkadot/util";
import { decodeAddress } from "@polkadot/util-crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SubtensorClient } from "../../src/chain/index.js";
import { type CallerPolicy, createChainCallerLookup, createComputeAgent, createComputeClient, type HotkeySigner } from "../../src/compute/index.js";
import { registerHotkeys, startChainUnderTest, stopChainUnderTest, type Chopsticks } from "../chain/chopsticks.js";
import { signer } from "./helpers.js";

const NETUID = 1;
const u64 = (v: bigint) => u8aToHex(bnToU8a(v, { bitLength: 64, isLe: true }));
const u16 = (v: number) => u8aToHex(bnToU8a(v, { bitLength: 16, isLe: true }));

let node: Chopsticks;
let client: SubtensorClient;
let dev: WsProvider;
let validator: HotkeySigner;
let stranger: HotkeySigner;
let miner: HotkeySigner;
let coldkey: HotkeySigner;

beforeAll(async () => {
  [validator, stranger, miner, coldkey] = await Promise.all([signer("//Alice"), signer("//Bob"), signer("//Miner"), signer("//Dave")]);
  ({ node, client, dev } = await startChainUnderTest());
  const sm = (client.api.query as unknown as Record<string, Record<string, { key(...a: unknown[]): string }>>)["subtensorModule"]!;
  const publicKey = decodeAddress(validator.address);
  // 2,000 alpha on a dynamic pool of 1,000 TAO : 500 alpha, price 2: worth 4,000 TAO.
  await registerHotkeys(client, dev, NETUID, [{ address: validator.address, publicKey }], [
    [sm["owner"]!.key(validator.address), u8aToHex(decodeAddress(coldkey.address))],
    [sm["totalHotkeyAlpha"]!.key(validator.address, NETUID), u64(2_000_000_000_000n)],
    [sm["subnetMechanism"]!.key(NETUID), u16(1)],
    [sm["subnetTAO"]!.key(NETUID), u64(1_000_000_000_000n)],
    [sm["subnetAlphaIn"]!.key(NETUID), u64(500_000_000_000n)],
  ]);
}, 120_000);

afterAll(async () => {
  await stopChainUnderTest({ node, client, dev });
});

describe("caller filter from the chain", () => {
  test("behavior: the standing of a registered validator and of a stranger", async () => {
    const lookup = createChainCallerLookup(client, NETUID);
    expect(await lookup(validator.address)).toEqual({ registered: true, validatorPermit: true, stakeTao: 4000, coldkey: coldkey.address });
    expect(await lookup(stranger.address)).toEqual({ registered: false, validatorPermit: false, stakeTao: 0 });
  });

  test("behavior: the agent admits a permitted validator with enough stake and refuses the rest, each with its reason", async () => {
    const lookup = createChainCallerLookup(client, NETUID);
    const answer = async (policy: CallerPolicy, caller: HotkeySigner) => {
      const agent = createComputeAgent({ signer: miner, policy: { lookup, ...policy }, launcher: () => { throw new Error("no prover"); } });
      const { port } = await agent.listen(0, "127.0.0.1");
      try {
        const r = await createComputeClient({ baseUrl: `http://127.0.0.1:${port}`, signer: caller, minerHotkey: miner.address }).request("GET", "/v1/leases");
        if (r.isOk()) return "admitted";
        const e = r.error;
        return e.type === "remote_error" ? `${e.status} ${e.remoteType}: ${e.message}` : e.message;
      } finally {
        await agent.close();
      }
    };
    // Admitted: the agent then answers that it offers no leases.
    expect(await answer({ minStakeTao: 4000 }, validator)).toMatch(/^501 not_implemented/);
    expect(await answer({ minStakeTao: 4000.5 }, validator)).toMatch(/^403 low_stake: .*stake 4000 TAO is below 4000.5 TAO/);
    expect(await answer({ minStakeTao: 0 }, stranger)).toMatch(/^403 not_registered: .*not registered on the netuid/);
    expect(await answer({ minStakeTao: 0, denyColdkeys: [coldkey.address] }, validator)).toMatch(/^403 deny_coldkey: .*coldkey is on the deny-list/);
    expect(await answer({ allowOnly: true }, validator)).toMatch(/^403 not_allowed: .*only allow-listed/);
  });

  test("error: a chain that cannot be read refuses the caller (fail closed)", async () => {
    const broken = { ...client, readMetagraph: () => client.readMetagraph(65_000) };
    await expect(createChainCallerLookup(broken, NETUID)(validator.address)).rejects.toThrow(/metagraph of netuid 1/);
  });
});
