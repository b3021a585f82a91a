/** chain.md §4 and §14.3 items 1–2: quicknet constants, real round signatures, round identities. */
import { describe, expect, test } from "vitest";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import {
  QUICKNET_CHAIN_HASH,
  QUICKNET_G1_DST,
  QUICKNET_GENESIS_TIME_SECONDS,
  QUICKNET_PERIOD_SECONDS,
  QUICKNET_PUBLIC_KEY,
} from "../../src/timelock/index.js";
import { parseRound, roundIdentity, roundMessage, roundTimeSeconds } from "../../src/timelock/quicknet.js";
import path from "node:path";
import { QUICKNET_FIXTURE_PATH, loadQuicknetFixture, readFixture } from "./fixture.js";

const fx = loadQuicknetFixture();
const bls = bls12_381.shortSignatures;

function verifies(signatureHex: string, round: number): boolean {
  return bls.verify(hexToBytes(signatureHex), bls.hash(roundMessage(BigInt(round)), QUICKNET_G1_DST), hexToBytes(QUICKNET_PUBLIC_KEY));
}

test("error: a missing fixture fails with a message naming its path", () => {
  const missing = path.join(path.dirname(QUICKNET_FIXTURE_PATH), "no-such-fixture.json");
  expect(() => readFixture(missing)).toThrow(`missing test fixture ${missing}`);
  expect(QUICKNET_FIXTURE_PATH.endsWith(path.join("shared", "fixtures", "drand-quicknet.json"))).toBe(true);
});

describe("constants", () => {
  test("behavior: equal the fixture's quicknet parameters", () => {
    expect(QUICKNET_CHAIN_HASH).toBe(fx.drand_quicknet.chain_hash);
    expect(QUICKNET_PUBLIC_KEY).toBe(fx.drand_quicknet.public_key_hex);
    expect(QUICKNET_GENESIS_TIME_SECONDS).toBe(fx.drand_quicknet.genesis_time);
    expect(QUICKNET_PERIOD_SECONDS).toBe(fx.drand_quicknet.period_seconds);
    expect(QUICKNET_G1_DST).toBe(fx.drand_quicknet.g1_dst);
  });

  test("behavior: round R is emitted at genesis + 3·(R − 1)", () => {
    expect(roundTimeSeconds(1n)).toBe(1692803367n);
    expect(roundTimeSeconds(2398957n)).toBe(1700000235n);
  });
});

describe("real round signatures", () => {
  test.each(fx.round_signatures.map((s) => [s.round, s] as const))("behavior: round %i verifies, with its identity", (round, s) => {
    expect(verifies(s.signature_hex, round)).toBe(true);
    expect(bytesToHex(roundMessage(BigInt(round)))).toBe(s.identity_message_hex);
    expect(bytesToHex(roundIdentity(BigInt(round)).toBytes(true))).toBe(s.identity_point_g1_compressed_hex);
    expect(bytesToHex(sha256(hexToBytes(s.signature_hex)))).toBe(s.randomness_hex);
  });

  test.each(fx.round_signature_negative_checks.map((c) => [c.signature_of_round, c.checked_against_round, c] as const))(
    "error: the round-%i signature does not verify for round %i",
    (of, against, c) => {
      const s = fx.round_signatures.find((x) => x.round === of);
      expect(s).toBeDefined();
      expect(verifies(s?.signature_hex ?? "", against)).toBe(c.expected_valid);
    },
  );
});

describe("parseRound", () => {
  test("args: accepts safe integers and bigints in 1 ..= 2^64 − 1", () => {
    expect(parseRound(1)._unsafeUnwrap()).toBe(1n);
    expect(parseRound(Number.MAX_SAFE_INTEGER)._unsafeUnwrap()).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    expect(parseRound((1n << 64n) - 1n)._unsafeUnwrap()).toBe((1n << 64n) - 1n);
  });

  test.each([0, -1, 1.5, Number.NaN, Infinity, 2 ** 53, 0n, -5n, 1n << 64n, "1000", null, undefined])(
    "error: rejects %s with a typed InvalidRound",
    (value) => {
      const e = parseRound(value)._unsafeUnwrapErr();
      expect(e.type).toBe("InvalidRound");
      expect(e.message).toMatch(/^round must be /);
    },
  );
});
