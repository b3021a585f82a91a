/**
 * `readMetagraph` on the real spec-218 runtime in chopsticks (spec/chain.md §9, §14.2). Spec 218's
 * metagraph APIs answer untyped `Bytes`, so it reads storage; the runtime-API path is compared with
 * it by giving the same chopsticks node spec 424's declared types and answering
 * `SubnetInfoRuntimeApi_get_selective_metagraph` as `pallets/subtensor/src/rpc_info/metagraph.rs`
 * computes it, from that node's storage at the asked block (no spec-424 runtime runs offline).
 */
import type { ApiPromise, WsProvider } from "@polkadot/api";
import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import type { Codec } from "@polkadot/types/types";
import { hexToU8a, u8aToHex } from "@polkadot/util";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SubtensorClient } from "../../src/chain/index.js";
import type { ClientContext } from "../../src/chain/client/context.js";
import { readMetagraph } from "../../src/chain/client/metagraph.js";
import { decodeRuntimeMetagraph, planRuntimeMetagraph } from "../../src/chain/client/metagraphRuntimeApi.js";
import { registerHotkeys, startChainUnderTest, stopChainUnderTest, type Chopsticks } from "./chopsticks.js";
import { finneyMetadata } from "./fixtures.js";

let node: Chopsticks;
let client: SubtensorClient;
let dev: WsProvider;
let ctx: ClientContext;
let keys: KeyringPair[];

const reg424 = finneyMetadata().registry;
const plan424 = planRuntimeMetagraph(reg424)!;

/** `SelectiveMetagraph` field names (camelCase) by index, from the 424 type itself. */
function selectiveFieldNames(): string[] {
  const option = reg424.lookup.getSiType(Number(plan424.outputType.replace("Lookup", "")));
  const inner = option.def.asVariant.variants.find((v) => v.name.toString() === "Some")!.fields[0]!.type;
  return reg424.lookup.getSiType(inner).def.asComposite.fields.map((f) => f.name.unwrap().toString().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));
}

interface StateCall {
  readonly method: string;
  readonly netuid: number;
  readonly indexes: readonly number[];
  readonly blockHash: string;
  readonly answer: Uint8Array;
}

/** get_selective_metagraph as the runtime computes it (`Keys::get` defaults to the zero account). */
async function answerSelective(api: ApiPromise, netuid: number, indexes: readonly number[], blockHash: string): Promise<Uint8Array> {
  const at = await api.at(blockHash);
  const q = at.query["subtensorModule"] as unknown as Record<string, (...a: unknown[]) => Promise<Codec>>;
  const get = async (item: string, ...args: unknown[]) => (await q[item]!(...args)).toJSON();
  if ((await get("networksAdded", netuid)) !== true) return reg424.createTypeUnsafe(plan424.outputType, [null]).toU8a();
  const n = Number(await get("subnetworkN", netuid));
  const hotkeys: string[] = [];
  for (let uid = 0; uid < n; uid++) hotkeys.push((await q["keys"]!(netuid, uid)).toHex());
  const all: Record<string, unknown> = {
    tempo: await get("tempo", netuid),
    minAllowedWeights: await get("minAllowedWeights", netuid),
    maxWeightsLimit: await get("maxWeightsLimit", netuid),
    weightsVersion: await get("weightsVersionKey", netuid),
    weightsRateLimit: await get("weightsSetRateLimit", netuid),
    numUids: n,
    commitRevealWeightsEnabled: await get("commitRevealWeightsEnabled", netuid),
    commitRevealPeriod: await get("revealPeriodEpochs", netuid),
    hotkeys,
    validatorPermit: await get("validatorPermit", netuid),
    lastUpdate: await get("lastUpdate", netuid),
  };
  const names = selectiveFieldNames();
  const value: Record<string, unknown> = { netuid };
  for (const i of indexes) value[names[i]!] = all[names[i]!];
  return reg424.createTypeUnsafe(plan424.outputType, [value]).toU8a();
}

/**
 * The chopsticks client as a runtime declaring spec 424's `SubnetInfoRuntimeApi`: `api.at(...)`
 * carries the 424 registry and `state_call` is answered by `answer` (default `answerSelective`).
 */
function asSpec424(calls: StateCall[], answer?: () => Uint8Array): ClientContext {
  const api = client.api;
  const stateCall = async (method: string, data: string, blockHash: string) => {
    const [netuid, indexes] = reg424.createType("(u16, Vec<u16>)", hexToU8a(data)).toJSON() as [number, number[]];
    const bytes = answer ? answer() : await answerSelective(api, netuid, indexes, blockHash);
    calls.push({ method, netuid, indexes, blockHash, answer: bytes });
    // A hex string is taken as the raw bytes (a Uint8Array would be read as length-prefixed).
    return api.createType("Bytes", u8aToHex(bytes));
  };
  const proxy = new Proxy(api, {
    get: (target, key) => {
      if (key === "at") {
        return async (hash: string) => {
          const decoration = await target.at(hash);
          return new Proxy(decoration, { get: (d, k) => (k === "registry" ? reg424 : Reflect.get(d, k, d)) });
        };
      }
      if (key === "rpc") return { ...target.rpc, state: { ...target.rpc.state, call: stateCall } };
      return Reflect.get(target, key, target);
    },
  });
  return { api: proxy, timeoutMs: 20_000 };
}

beforeAll(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
  keys = ["//Alice", "//Bob", "//Dave"].map((uri) => keyring.addFromUri(uri));
  ({ node, client, dev } = await startChainUnderTest());
  ctx = { api: client.api, timeoutMs: 20_000 };
  const sm = client.api.query["subtensorModule"] as unknown as Record<string, { key(...a: unknown[]): string }>;
  await registerHotkeys(client, dev, 1, keys, [
    [sm["validatorPermit"]!.key(1), client.api.createType("Vec<bool>", [true, false, true]).toHex()],
    [sm["lastUpdate"]!.key(1), client.api.createType("Vec<u64>", [5, 0, 7]).toHex()],
  ]);
}, 120_000);

afterAll(async () => {
  await stopChainUnderTest({ node, client, dev });
});

describe("readMetagraph on chopsticks spec 218", () => {
  test("behavior: spec 218 declares no typed metagraph call, so storage is read", async () => {
    expect(planRuntimeMetagraph(client.api.registry)).toBeNull();
    const auto = (await client.readMetagraph(1))._unsafeUnwrap();
    const storage = (await readMetagraph(ctx, 1, { source: "storage" }))._unsafeUnwrap();
    expect(auto).toEqual(storage);
    expect(storage.hotkeys).toEqual(keys.map((k) => k.address));
    expect(storage.validatorPermit).toEqual([true, false, true]);
    expect(storage.lastUpdate).toEqual([5, 0, 7]);
    expect(storage.uidOfHotkey.get(keys[2]!.address)).toBe(2);
  });

  test("behavior: the runtime-API path (spec-424 types) and storage give the same Metagraph at one block", async () => {
    const calls: StateCall[] = [];
    const viaApi = (await readMetagraph(asSpec424(calls), 1))._unsafeUnwrap();
    const viaStorage = (await readMetagraph(ctx, 1, { source: "storage" }))._unsafeUnwrap();
    expect(calls.map(({ method, netuid, indexes, blockHash }) => ({ method, netuid, indexes, blockHash }))).toEqual([
      { method: "SubnetInfoRuntimeApi_get_selective_metagraph", netuid: 1, indexes: [8, 24, 25, 26, 27, 30, 46, 47, 52, 57, 59], blockHash: viaStorage.blockHash },
    ]);
    // The answer decoded, so the result is the runtime API's and not the storage fallback's.
    expect(decodeRuntimeMetagraph(reg424, plan424, calls[0]!.answer)._unsafeUnwrap()).not.toBeNull();
    expect(viaApi).toEqual(viaStorage);
    expect(viaApi.validatorPermit).toEqual([true, false, true]);
    expect(viaApi.lastUpdate).toEqual([5, 0, 7]);
  });

  test("error: the runtime API's None is SubnetNotFound", async () => {
    const e = (await readMetagraph(asSpec424([]), 42))._unsafeUnwrapErr();
    expect(e).toMatchObject({ type: "SubnetNotFound", netuid: 42 });
  });

  test("behavior: an answer that does not decode falls back to storage", async () => {
    const calls: StateCall[] = [];
    const m = (await readMetagraph(asSpec424(calls, () => new Uint8Array([1, 2, 3])), 1))._unsafeUnwrap();
    expect(calls).toHaveLength(1);
    expect(m).toEqual((await readMetagraph(ctx, 1, { source: "storage" }))._unsafeUnwrap());
  });
});
