/**
 * The metagraph's runtime-API path against the finney spec-424 metadata (spec/chain.md §9.2): the
 * plan read from the runtime's own types, the argument bytes, and answers encoded with the 424
 * registry decoded back through `decodeRuntimeMetagraph` and `metagraphFromRuntimeFields`.
 */
import { Keyring } from "@polkadot/keyring";
import type { Registry } from "@polkadot/types/types";
import { u8aConcat, u8aToHex } from "@polkadot/util";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { metagraphFromRuntimeFields } from "../../src/chain/client/metagraph.js";
import {
  decodeRuntimeMetagraph,
  encodeRuntimeMetagraphArgs,
  planRuntimeMetagraph,
  type RuntimeMetagraphPlan,
} from "../../src/chain/client/metagraphRuntimeApi.js";
import { finneyMetadata } from "./fixtures.js";

const registry = finneyMetadata().registry;
const ZERO = `0x${"00".repeat(32)}`;
let alice: string;
let bob: string;

beforeAll(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
  alice = keyring.addFromUri("//Alice").address;
  bob = keyring.addFromUri("//Bob").address;
});

function plan(): RuntimeMetagraphPlan {
  const p = planRuntimeMetagraph(registry);
  if (p === null) throw new Error("spec 424 should declare get_selective_metagraph");
  return p;
}

/** A `SelectiveMetagraph` as the runtime fills it for `plan().indexes` (others `None`). */
function selective(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    netuid: 3,
    tempo: 360,
    minAllowedWeights: 1,
    maxWeightsLimit: 65535,
    weightsVersion: 9010001n,
    weightsRateLimit: 100,
    numUids: 3,
    commitRevealWeightsEnabled: true,
    commitRevealPeriod: 1,
    hotkeys: [alice, ZERO, bob],
    validatorPermit: [true, false, true],
    lastUpdate: [5_000_000, 0, 5_000_123],
    ...overrides,
  };
}

const encode = (value: Record<string, unknown> | null): Uint8Array => registry.createTypeUnsafe(plan().outputType, [value]).toU8a();

/** The 424 registry with only `methods` left in `SubnetInfoRuntimeApi`. */
function withSubnetInfoMethods(methods: readonly string[]): Registry {
  type Api = { name: { toString(): string }; methods: { name: { toString(): string } }[] };
  const apis = ((registry.metadata as unknown as { apis: Api[] }).apis).map((a) =>
    a.name.toString() === "SubnetInfoRuntimeApi" ? { name: a.name, methods: a.methods.filter((m) => methods.includes(m.name.toString())) } : a,
  );
  return new Proxy(registry, {
    get: (target, key) => {
      if (key === "metadata") return { apis };
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe("runtime-API metagraph (spec 424)", () => {
  test("behavior: plans get_selective_metagraph with the indexes of chain.md §9.2", () => {
    const p = plan();
    expect(p.method).toBe("SubnetInfoRuntimeApi_get_selective_metagraph");
    // tempo, min/max weights, weights_version, rate limit, num_uids, CR enabled/period, hotkeys, permits, last_update
    expect(p.indexes).toEqual([8, 24, 25, 26, 27, 30, 46, 47, 52, 57, 59]);
    expect(registry.createTypeUnsafe(p.outputType, []).toRawType()).toBe("Option<PalletSubtensorRpcInfoMetagraphSelectiveMetagraph>");
  });

  test("behavior: arguments are netuid u16 then Vec<u16> indexes", () => {
    const indexes = plan().indexes!;
    const expected = u8aConcat(new Uint8Array([3, 0, indexes.length << 2]), ...indexes.map((i) => new Uint8Array([i & 0xff, i >> 8])));
    expect(u8aToHex(encodeRuntimeMetagraphArgs(registry, plan(), 3))).toBe(u8aToHex(expected));
  });

  test("behavior: an encoded SelectiveMetagraph decodes to the Metagraph", () => {
    const fields = decodeRuntimeMetagraph(registry, plan(), encode(selective()))._unsafeUnwrap();
    expect(fields).toEqual({
      n: 3,
      hotkeys: [alice, "", bob],
      validatorPermit: [true, false, true],
      lastUpdate: [5_000_000, 0, 5_000_123],
      tempo: 360,
      minAllowedWeights: 1,
      maxWeightsLimit: 65535,
      versionKey: 9010001n,
      rateLimitBlocks: 100,
      commitRevealEnabled: true,
      revealPeriodEpochs: 1,
    });
    const m = metagraphFromRuntimeFields(3, { blockNumber: 7, blockHash: "0x01" }, fields!, 4);
    expect(m.uidOfHotkey).toEqual(new Map([[alice, 0], [bob, 2]]));
    expect(m.weights).toEqual({
      commitRevealEnabled: true,
      revealPeriodEpochs: 1,
      commitRevealVersion: 4,
      rateLimitBlocks: 100,
      minAllowedWeights: 1,
      maxWeightsLimit: 65535,
      versionKey: 9010001n,
      tempo: 360,
    });
  });

  test("behavior: a u64 version key above 2^53 stays exact", () => {
    const fields = decodeRuntimeMetagraph(registry, plan(), encode(selective({ weightsVersion: 2n ** 63n + 1n })))._unsafeUnwrap();
    expect(fields?.versionKey).toBe(2n ** 63n + 1n);
  });

  test("behavior: None (no such subnet) decodes to null", () => {
    expect(decodeRuntimeMetagraph(registry, plan(), encode(null))._unsafeUnwrap()).toBeNull();
  });

  test("error: truncated or trailing bytes are a Codec error", () => {
    const bytes = encode(selective());
    expect(decodeRuntimeMetagraph(registry, plan(), bytes.slice(0, -1))._unsafeUnwrapErr().type).toBe("Codec");
    expect(decodeRuntimeMetagraph(registry, plan(), u8aConcat(bytes, new Uint8Array([0])))._unsafeUnwrapErr().type).toBe("Codec");
  });

  test("error: an answer without a requested field is a Codec error", () => {
    const e = decodeRuntimeMetagraph(registry, plan(), encode(selective({ lastUpdate: null })))._unsafeUnwrapErr();
    expect(e.type).toBe("Codec");
    expect(e.message).toContain("last_update");
  });

  test("behavior: get_metagraph when the runtime lacks get_selective_metagraph", () => {
    const older = withSubnetInfoMethods(["get_metagraph"]);
    const p = planRuntimeMetagraph(older)!;
    expect(p.method).toBe("SubnetInfoRuntimeApi_get_metagraph");
    expect(p.indexes).toBeNull();
    expect(u8aToHex(encodeRuntimeMetagraphArgs(older, p, 3))).toBe("0x0300");
    // get_metagraph fills every field; fields it has that are not asked for take their defaults.
    const full = registry.createTypeUnsafe(p.outputType, [{ ...selective(), hotkeys: [alice], numUids: 1, validatorPermit: [true], lastUpdate: [9] }]).toU8a();
    const fields = decodeRuntimeMetagraph(older, p, full)._unsafeUnwrap();
    expect(fields).toMatchObject({ n: 1, hotkeys: [alice], validatorPermit: [true], lastUpdate: [9], tempo: 360, versionKey: 9010001n });
  });

  test("behavior: no typed metagraph call plans null (storage is read)", () => {
    expect(planRuntimeMetagraph(withSubnetInfoMethods(["get_subnet_info", "get_dynamic_info"]))).toBeNull();
  });
});
