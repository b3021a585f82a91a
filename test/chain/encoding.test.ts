/**
 * Offline encoding against the real finney spec-424 metadata (spec/chain.md §2, §3.3, §8, §14.1).
 */
import { hexToU8a, u8aToHex } from "@polkadot/util";
import { describe, expect, test } from "vitest";
import {
  commitTimelockedMechanismWeightsCall,
  encodeCall,
  encodeCommitmentPayload,
  encodeWeightsTlockPayload,
  loadOfflineMetadata,
  setCommitmentCall,
  setMechanismWeightsCall,
  setWeightsCall,
  type CommitmentField,
} from "../../src/chain/index.js";
import { timelockEncrypt } from "../../src/timelock/index.js";
import { chainFixture, finneyMetadata } from "./fixtures.js";

const meta = finneyMetadata();
const fixture = chainFixture();

describe("metadata", () => {
  test("behavior: finney fixture is metadata v16, spec 424, with its extension list", () => {
    expect(meta.metadataVersion).toBe(16);
    expect(meta.specVersion).toBe(424);
    expect(meta.signedExtensions).toEqual([
      "CheckNonZeroSender", "CheckSpecVersion", "CheckTxVersion", "CheckGenesis", "CheckMortality", "CheckNonce",
      "CheckWeight", "ChargeTransactionPayment", "SudoTransactionExtension", "CheckShieldedTxValidity",
      "SubtensorTransactionExtension", "DrandPriority", "CheckMetadataHash",
    ]);
  });

  test("behavior: pallet and call indices of §2", () => {
    const pallets = Object.fromEntries(meta.metadata.asLatest.pallets.map((p) => [p.name.toString(), p.index.toNumber()]));
    expect(pallets).toMatchObject({ System: 0, Balances: 5, SubtensorModule: 7, Commitments: 18, AdminUtils: 19, Drand: 26 });
    const tx = meta.decorated.tx as unknown as Record<string, Record<string, { callIndex: Uint8Array }>>;
    const index = (p: string, c: string) => u8aToHex(tx[p]![c]!.callIndex);
    expect(index("commitments", "setCommitment")).toBe("0x1200");
    expect(index("commitments", "setMaxSpace")).toBe("0x1202");
    expect(index("subtensorModule", "setWeights")).toBe("0x0700");
    expect(index("subtensorModule", "burnedRegister")).toBe("0x0707");
    expect(index("subtensorModule", "commitTimelockedWeights")).toBe("0x0771");
    expect(index("subtensorModule", "commitTimelockedMechanismWeights")).toBe("0x0776");
    expect(index("subtensorModule", "setMechanismWeights")).toBe("0x0777");
    expect(tx["subtensorModule"]!["commitCrv3Weights"]).toBeUndefined();
  });

  test("error: bytes that are not metadata", () => {
    expect(loadOfflineMetadata(new Uint8Array([1, 2, 3])).isErr()).toBe(true);
    const truncated = loadOfflineMetadata(hexToU8a("0x6d6574611001"));
    expect(truncated._unsafeUnwrapErr().type).toBe("MetadataDecode");
  });
});

function fieldsOf(c: (typeof fixture.set_commitment_encodings.cases)[number]): CommitmentField[] {
  return c.fields.map((f) => {
    if (f.variant === "TimelockEncrypted") return { kind: "timelock", ciphertext: hexToU8a(f.encrypted_hex!), revealRound: f.reveal_round! };
    if (f.variant === "BigRaw") return { kind: "bigRaw", data: hexToU8a(f.data_hex!) };
    return { kind: "raw", data: hexToU8a(f.data_hex!) };
  });
}

describe("set_commitment", () => {
  test.each(fixture.set_commitment_encodings.cases.map((c) => [c.fields[0]!.variant, c] as const))(
    "behavior: fixture encoding %s",
    (_, c) => {
      const hex = setCommitmentCall(c.netuid, fieldsOf(c)).andThen((call) => encodeCall(meta, call));
      expect(hex._unsafeUnwrap()).toBe(`0x${c.call_hex}`);
    },
  );

  test("behavior: a bigint reveal round and the decoded call round-trip", () => {
    const hex = setCommitmentCall(3, [{ kind: "timelock", ciphertext: hexToU8a("0x0102030405"), revealRound: 1234567n }])
      .andThen((call) => encodeCall(meta, call))
      ._unsafeUnwrap();
    expect(hex).toBe("0x12000300048614010203040587d6120000000000");
    const decoded = meta.registry.createType("Call", hex).toJSON() as { args: { info: { fields: unknown[] } } };
    expect(decoded.args.info.fields[0]).toEqual({ timelockEncrypted: { encrypted: "0x0102030405", revealRound: 1234567 } });
  });

  test("behavior: §13.1 regression — a ciphertext starting 0x8c keeps every byte", () => {
    const ciphertext = hexToU8a(`0x${fixture.tle_known_answer.ciphertext_hex}`);
    expect(ciphertext[0]).toBe(0x8c);
    const hex = setCommitmentCall(3, [{ kind: "timelock", ciphertext, revealRound: 1000 }])
      .andThen((call) => encodeCall(meta, call))
      ._unsafeUnwrap();
    // 12 00 | 0300 | 04 | 86 | compact(259) = 0d04 | 259 bytes | round
    expect(hex.slice(0, 2 + 2 * 8)).toBe("0x120003000486" + "0d04");
    expect(hexToU8a(hex).length).toBe(8 + 259 + 8);
    expect(hex).toContain(fixture.tle_known_answer.ciphertext_hex);
  });

  test("behavior: the full miner path string -> SCALE -> encrypt -> call bytes", () => {
    const payload = encodeCommitmentPayload("hello crusades");
    expect(u8aToHex(payload)).toBe(`0x${fixture.tle_known_answer.plaintext_hex}`);
    const ciphertext = timelockEncrypt(payload, 5_000_000)._unsafeUnwrap();
    expect(ciphertext.length).toBe(244 + 15);
    const call = setCommitmentCall(3, [{ kind: "timelock", ciphertext, revealRound: 5_000_000 }]).andThen((c) => encodeCall(meta, c));
    expect(hexToU8a(call._unsafeUnwrap()).length).toBe(6 + 2 + 259 + 8);
  });

  test("error: bounds checked before encoding", () => {
    const big = setCommitmentCall(3, [{ kind: "timelock", ciphertext: new Uint8Array(1025), revealRound: 1 }]);
    expect(big._unsafeUnwrapErr()).toMatchObject({ type: "PayloadTooLarge", what: "timelock-ciphertext", sizeBytes: 1025, limitBytes: 1024 });
    expect(setCommitmentCall(3, [{ kind: "timelock", ciphertext: new Uint8Array(1024), revealRound: 1 }]).isOk()).toBe(true);
    expect(setCommitmentCall(3, [{ kind: "raw", data: new Uint8Array(129) }])._unsafeUnwrapErr().type).toBe("PayloadTooLarge");
    expect(setCommitmentCall(3, [{ kind: "bigRaw", data: new Uint8Array(513) }])._unsafeUnwrapErr().type).toBe("PayloadTooLarge");
    expect(setCommitmentCall(65536, [{ kind: "raw", data: new Uint8Array(1) }])._unsafeUnwrapErr()).toMatchObject({ type: "ChainArgument", argument: "netuid" });
    expect(setCommitmentCall(3, [])._unsafeUnwrapErr()).toMatchObject({ type: "ChainArgument", argument: "fields" });
    const four = Array.from({ length: 4 }, () => ({ kind: "raw", data: new Uint8Array(1) }) as const);
    expect(setCommitmentCall(3, four)._unsafeUnwrapErr()).toMatchObject({ type: "ChainArgument", argument: "fields" });
    expect(setCommitmentCall(3, [{ kind: "timelock", ciphertext: new Uint8Array(0), revealRound: 1 }]).isErr()).toBe(true);
    expect(setCommitmentCall(3, [{ kind: "timelock", ciphertext: new Uint8Array(5), revealRound: -1 }])._unsafeUnwrapErr().type).toBe("ChainArgument");
  });

  test("error: an unknown call is UnsupportedCall", () => {
    expect(encodeCall(meta, { pallet: "subtensorModule", call: "commitCrv3Weights", args: [] })._unsafeUnwrapErr().type).toBe("UnsupportedCall");
    expect(encodeCall(meta, { pallet: "commitments", call: "setCommitment", args: [3, { fields: [{ Nope: 1 }] }] })._unsafeUnwrapErr().type).toBe("Codec");
  });
});

describe("weights", () => {
  const w = fixture.weights_encodings;
  test("behavior: set_weights and set_mechanism_weights fixture bytes", () => {
    const sw = setWeightsCall({ netuid: w.set_weights.netuid, uids: w.set_weights.dests, values: w.set_weights.weights, versionKey: w.set_weights.version_key });
    expect(sw.andThen((c) => encodeCall(meta, c))._unsafeUnwrap()).toBe(`0x${w.set_weights.call_hex}`);
    const m = w.set_mechanism_weights;
    const smw = setMechanismWeightsCall({ netuid: m.netuid, mecid: m.mecid, uids: m.dests, values: m.weights, versionKey: BigInt(m.version_key) });
    expect(smw.andThen((c) => encodeCall(meta, c))._unsafeUnwrap()).toBe(`0x${m.call_hex}`);
  });

  test("behavior: commit_timelocked_mechanism_weights fixture bytes", () => {
    const c = w.commit_timelocked_mechanism_weights;
    const call = commitTimelockedMechanismWeightsCall({
      netuid: c.netuid, mecid: c.mecid, commit: hexToU8a(`0x${c.commit_hex}`), revealRound: c.reveal_round, commitRevealVersion: c.commit_reveal_version,
    });
    expect(call.andThen((x) => encodeCall(meta, x))._unsafeUnwrap()).toBe(`0x${c.call_hex}`);
  });

  test("behavior: WeightsTlockPayload fixture bytes and size rule", () => {
    const p = w.weights_tlock_payload;
    const bytes = encodeWeightsTlockPayload({ hotkey: p.hotkey_ss58, uids: p.uids, values: p.values, versionKey: p.version_key });
    expect(u8aToHex(bytes._unsafeUnwrap())).toBe(`0x${p.scale_hex}`);
    for (const n of [0, 1, 63, 64, 200]) {
      const uids = Array.from({ length: n }, (_, i) => i);
      const size = encodeWeightsTlockPayload({ hotkey: p.hotkey_ss58, uids, values: uids, versionKey: 1 })._unsafeUnwrap().length;
      expect(size).toBe(n < 64 ? 43 + 4 * n : 45 + 4 * n);
    }
  });

  test("error: weight call arguments", () => {
    expect(setMechanismWeightsCall({ netuid: 3, uids: [0, 1], values: [1], versionKey: 1 })._unsafeUnwrapErr().type).toBe("ChainArgument");
    expect(setMechanismWeightsCall({ netuid: 3, uids: [70000], values: [1], versionKey: 1 })._unsafeUnwrapErr()).toMatchObject({ argument: "uids[0]" });
    expect(setMechanismWeightsCall({ netuid: 3, uids: [1], values: [1], versionKey: -1 })._unsafeUnwrapErr()).toMatchObject({ argument: "versionKey" });
    expect(setMechanismWeightsCall({ netuid: 3, mecid: 256, uids: [1], values: [1], versionKey: 1 })._unsafeUnwrapErr()).toMatchObject({ argument: "mecid" });
    const commit = (size: number) => commitTimelockedMechanismWeightsCall({ netuid: 3, commit: new Uint8Array(size), revealRound: 1, commitRevealVersion: 4 });
    expect(commit(5001)._unsafeUnwrapErr()).toMatchObject({ type: "PayloadTooLarge", what: "weights-commit" });
    expect(commit(5000).isOk()).toBe(true);
    expect(encodeWeightsTlockPayload({ hotkey: "5notanaddress", uids: [], values: [], versionKey: 1 })._unsafeUnwrapErr().type).toBe("InvalidAddress");
  });
});
