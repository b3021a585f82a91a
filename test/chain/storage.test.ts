/**
 * Storage keys, RevealedCommitments values, the commitment payload and offline signing against the
 * finney spec-424 metadata (spec/chain.md §3.5, §4.2, §7, §9.1, §10).
 */
import { Keyring } from "@polkadot/keyring";
import { compactToU8a, hexToU8a, u8aConcat, u8aToHex } from "@polkadot/util";
import { cryptoWaitReady, signatureVerify } from "@polkadot/util-crypto";
import { beforeAll, describe, expect, test } from "vitest";
import {
  decodeCommitmentPayload,
  decodeRevealedCommitments,
  decodeStorageValue,
  encodeCommitmentPayload,
  setCommitmentCall,
  signCallOffline,
  storageKey,
} from "../../src/chain/index.js";
import { chainFixture, finneyMetadata } from "./fixtures.js";

const meta = finneyMetadata();
const fixture = chainFixture();
const alice = fixture.storage.example_account.ss58;
const keys = fixture.storage.keys;

describe("storage keys", () => {
  test.each([
    ["commitments", "revealedCommitments", [3, alice], keys["commitments_revealed_commitments_netuid3_alice"]],
    ["commitments", "commitmentOf", [3, alice], keys["commitments_commitment_of_netuid3_alice"]],
    ["commitments", "maxSpace", [], keys["commitments_max_space"]],
    ["commitments", "timelockedIndex", [], keys["commitments_timelocked_index"]],
    ["drand", "pulses", [1000], keys["drand_pulses_round_1000"]],
    ["drand", "pulses", [2000], keys["drand_pulses_round_2000"]],
    ["drand", "lastStoredRound", [], keys["drand_last_stored_round"]],
    ["subtensorModule", "uids", [3, alice], keys["subtensor_uids_netuid3_alice"]],
    ["subtensorModule", "uids", [3, fixture.storage.example_account.public_key_hex.replace(/^/, "0x")], keys["subtensor_uids_netuid3_alice"]],
  ] as const)("behavior: %s.%s(%j)", (pallet, item, args, expected) => {
    expect(storageKey(meta, pallet, item, args)._unsafeUnwrap()).toBe(`0x${expected}`);
  });

  test("behavior: keys of UsedSpaceOf and Keys follow their hashers", () => {
    const used = storageKey(meta, "commitments", "usedSpaceOf", [3, alice])._unsafeUnwrap();
    expect(used.startsWith("0xca407206ec1ab726b2636c4b145ac287")).toBe(true);
    expect(used.endsWith(`0300518366b5b1bc7c99${fixture.storage.example_account.public_key_hex}`)).toBe(true);
    const k = storageKey(meta, "subtensorModule", "keys", [3, 7])._unsafeUnwrap();
    expect(k.startsWith("0x658faa385070e074c85bf6b568cf0555")).toBe(true);
    expect(k.endsWith("03000700")).toBe(true); // Identity hashers: u16 netuid, u16 uid
  });

  test("error: unknown storage and bad keys", () => {
    expect(storageKey(meta, "commitments", "nope", [])._unsafeUnwrapErr().type).toBe("UnsupportedStorage");
    expect(storageKey(meta, "subtensorModule", "uids", [3, "not-an-address"])._unsafeUnwrapErr().type).toBe("Codec");
  });
});

describe("values", () => {
  test("behavior: the fixture RevealedCommitments value decodes to every entry with its block", () => {
    const example = fixture.storage.revealed_commitments_value_example;
    const entries = decodeRevealedCommitments(meta, `0x${example.storage_value_hex}`)._unsafeUnwrap();
    expect(entries.map((e) => ({ payload_hex: u8aToHex(e.payload).slice(2), block: e.revealBlock }))).toEqual(example.entries);
    expect(decodeCommitmentPayload(entries[0]!.payload)._unsafeUnwrap()).toBe("hello crusades");
  });

  test("behavior: ten kept entries, oldest first", () => {
    const items = Array.from({ length: 10 }, (_, i) => [u8aToHex(encodeCommitmentPayload(`entry ${i}`)), 100 + i]);
    const value = meta.registry.createType("Vec<(Bytes, u64)>", items).toU8a();
    const entries = decodeRevealedCommitments(meta, value)._unsafeUnwrap();
    expect(entries.map((e) => [decodeCommitmentPayload(e.payload)._unsafeUnwrap(), e.revealBlock])).toEqual(
      items.map(([, block], i) => [`entry ${i}`, block]),
    );
  });

  test("behavior: MaxSpace and UsedSpaceOf values", () => {
    expect(decodeStorageValue(meta, "commitments", "maxSpace", "0x1c0c0000")._unsafeUnwrap().toString()).toBe("3100");
    const usage = decodeStorageValue(meta, "commitments", "usedSpaceOf", u8aConcat(new Uint8Array([7, 0, 0, 0, 0, 0, 0, 0]), new Uint8Array([0x76, 1, 0, 0, 0, 0, 0, 0])));
    expect(usage._unsafeUnwrap().toJSON()).toEqual({ lastEpoch: 7, usedSpace: 374 });
  });

  test("error: a truncated or padded value is a Codec error", () => {
    expect(decodeRevealedCommitments(meta, "0x043c3868")._unsafeUnwrapErr().type).toBe("Codec");
    expect(decodeStorageValue(meta, "commitments", "maxSpace", "0x1c0c000000")._unsafeUnwrapErr().type).toBe("Codec");
  });
});

describe("commitment payload", () => {
  test("behavior: SCALE string, one- and two-byte prefixes", () => {
    expect(u8aToHex(encodeCommitmentPayload("hello crusades"))).toBe("0x3868656c6c6f206372757361646573");
    const long = "x".repeat(128);
    expect(u8aToHex(encodeCommitmentPayload(long).subarray(0, 2))).toBe("0x0102");
    expect(decodeCommitmentPayload(encodeCommitmentPayload(long))._unsafeUnwrap()).toBe(long);
    expect(decodeCommitmentPayload(encodeCommitmentPayload("é\u{1F600}\uFEFF"))._unsafeUnwrap()).toBe("é\u{1F600}\uFEFF");
  });

  test("error: malformed payloads are rejected with their reason", () => {
    expect(decodeCommitmentPayload(new Uint8Array())._unsafeUnwrapErr().reason).toBe("empty");
    expect(decodeCommitmentPayload(new Uint8Array([0x01]))._unsafeUnwrapErr().reason).toBe("bad-length-prefix");
    expect(decodeCommitmentPayload(hexToU8a("0x0c6869"))._unsafeUnwrapErr().reason).toBe("length-mismatch");
    expect(decodeCommitmentPayload(u8aConcat(compactToU8a(2), new Uint8Array([0xc3, 0x28])))._unsafeUnwrapErr().reason).toBe("not-utf8");
    // raw UTF-8 without the prefix (a wrong miner): "hello" starts with 'h' = 0x68, mode 0, length 26
    expect(decodeCommitmentPayload(new TextEncoder().encode("hello"))._unsafeUnwrapErr().reason).toBe("length-mismatch");
  });
});

describe("offline signing", () => {
  beforeAll(async () => {
    await cryptoWaitReady();
  });
  const genesisHash = "0x2f0555cc76fc2840a25a6ea3b9637146806f1f44b090c175ffde2a7e5ab36c03" as const;

  test("behavior: layout of §10 and a signature that verifies", () => {
    const pair = new Keyring({ type: "sr25519", ss58Format: 42 }).addFromUri("//Alice");
    const call = setCommitmentCall(3, [{ kind: "raw", data: new Uint8Array([1, 2, 3, 4, 5]) }])._unsafeUnwrap();
    const blockHash = "0x" + "11".repeat(32);
    const signed = signCallOffline(meta, call, pair, {
      nonce: 5, genesisHash, mortality: { blockNumber: 1000, blockHash: blockHash as `0x${string}`, period: 128 },
    })._unsafeUnwrap();
    const bytes = hexToU8a(signed.extrinsic);
    const sig = signed.signature.slice(2);
    const expected = [
      "84", "00", fixture.storage.example_account.public_key_hex, "01", sig,
      "8606", // mortal era, period 128 at block 1000
      "14", "00", "00", // nonce 5, tip 0, metadata-hash mode 0
      "1200030004060102030405",
    ].join("");
    expect(u8aToHex(bytes.subarray(2))).toBe(`0x${expected}`);
    expect(signatureVerify(hexToU8a(signed.signedPayload), hexToU8a(signed.signature), pair.publicKey).isValid).toBe(true);
    const again = signCallOffline(meta, call, pair, { nonce: 5, genesisHash, mortality: { blockNumber: 1000, blockHash: blockHash as `0x${string}`, period: 128 } })._unsafeUnwrap();
    expect(again.signedPayload).toBe(signed.signedPayload);
    const decoded = meta.registry.createType("Extrinsic", signed.extrinsic);
    expect(decoded.isSigned).toBe(true);
    expect(decoded.signer.toString()).toBe(pair.address);
    expect(decoded.method.toHex()).toBe("0x1200030004060102030405");
  });

  test("behavior: immortal by default; long payloads are hashed before signing", () => {
    const pair = new Keyring({ type: "sr25519", ss58Format: 42 }).addFromUri("//Bob");
    const call = setCommitmentCall(3, [{ kind: "timelock", ciphertext: new Uint8Array(400).fill(7), revealRound: 9n }])._unsafeUnwrap();
    const signed = signCallOffline(meta, call, pair, { nonce: 0, genesisHash })._unsafeUnwrap();
    expect(hexToU8a(signed.signedPayload).length).toBe(32);
    expect(signatureVerify(hexToU8a(signed.signedPayload), hexToU8a(signed.signature), pair.publicKey).isValid).toBe(true);
    expect(meta.registry.createType("Extrinsic", signed.extrinsic).era.isImmortalEra).toBe(true);
  });

  test("error: bad nonce or period", () => {
    const pair = new Keyring({ type: "sr25519" }).addFromUri("//Alice");
    const call = setCommitmentCall(3, [{ kind: "raw", data: new Uint8Array([1]) }])._unsafeUnwrap();
    expect(signCallOffline(meta, call, pair, { nonce: -1, genesisHash })._unsafeUnwrapErr().type).toBe("ChainArgument");
    expect(signCallOffline(meta, call, pair, { nonce: 0, genesisHash, mortality: { blockNumber: 1, blockHash: genesisHash, period: 1 } })._unsafeUnwrapErr().type).toBe("ChainArgument");
  });
});
