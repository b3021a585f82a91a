/**
 * Wallet files generated in temp dirs (plain and $NACL), loaded back; the privateKey conversion
 * against btwallet's published vector (spec/chain.md §11).
 */
import { Keyring } from "@polkadot/keyring";
import { hexToU8a, u8aToHex } from "@polkadot/util";
import { cryptoWaitReady, mnemonicGenerate, mnemonicToMiniSecret, signatureVerify } from "@polkadot/util-crypto";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  decodeEnvPassword,
  encodeEnvPassword,
  encryptNaclKeyfile,
  keyringPairFromKeyfile,
  loadColdkey,
  loadColdkeyAddress,
  loadHotkey,
  loadKeyfile,
  parseKeyfileJson,
  passwordEnvVar,
  schnorrkelToEd25519Expanded,
  walletPaths,
  type NaclKdfParameters,
} from "../../src/chain/index.js";

// Cheap Argon2i parameters for tests; btwallet's real ones (8 passes, 512 MiB) are the default.
const kdf: NaclKdfParameters = { opsLimit: 2, memLimitBytes: 64 * 1024 };
const root = mkdtempSync(join(tmpdir(), "crusades-wallets-"));
const message = new TextEncoder().encode("crusades");
let phrase = "";
let address = "";

function keyfileJson(mnemonic: string): string {
  const pair = new Keyring({ type: "sr25519", ss58Format: 42 }).addFromMnemonic(mnemonic);
  const publicKey = u8aToHex(pair.publicKey);
  return JSON.stringify({
    accountId: publicKey, publicKey, secretPhrase: mnemonic, secretSeed: u8aToHex(mnemonicToMiniSecret(mnemonic)),
    privateKey: null, ss58Address: pair.address,
  });
}

function write(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

beforeAll(async () => {
  await cryptoWaitReady();
  phrase = mnemonicGenerate(12);
  address = new Keyring({ type: "sr25519", ss58Format: 42 }).addFromMnemonic(phrase).address;
  const paths = walletPaths({ root, wallet: "w", hotkey: "h" });
  write(paths.hotkey, keyfileJson(phrase));
  write(paths.coldkey, await encryptNaclKeyfile(new TextEncoder().encode(keyfileJson(phrase)), "correct horse", kdf));
  write(paths.coldkeypub, JSON.stringify({ accountId: null, publicKey: null, ss58Address: address }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("keyfile contents", () => {
  test("behavior: btwallet's privateKey vector — converted key verifies, raw key does not", () => {
    const privateKey = "0x1f1995bdf3a17b60626a26cfe6f564b337d46056b7a1281b64c649d592ccda0a9cffd34d9fb01cae1fba61aeed184c817442a2186d5172416729a4b54dd4b84e";
    const publicKey = "0xe4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446";
    const pair = keyringPairFromKeyfile(parseKeyfileJson(JSON.stringify({ privateKey, publicKey }))._unsafeUnwrap())._unsafeUnwrap();
    expect(u8aToHex(pair.publicKey)).toBe(publicKey);
    expect(signatureVerify(message, pair.sign(message), publicKey).isValid).toBe(true);
    const raw = new Keyring({ type: "sr25519" }).addFromPair({ publicKey: hexToU8a(publicKey), secretKey: hexToU8a(privateKey) });
    expect(signatureVerify(message, raw.sign(message), publicKey).isValid).toBe(false);
    expect(schnorrkelToEd25519Expanded(hexToU8a(privateKey)).subarray(32)).toEqual(hexToU8a(privateKey).subarray(32));
    expect(() => schnorrkelToEd25519Expanded(new Uint8Array(32))).toThrow(RangeError);
  });

  test("behavior: priority phrase -> seed -> privateKey, all giving one address", () => {
    const seedOnly = JSON.stringify({ secretSeed: u8aToHex(mnemonicToMiniSecret(phrase)) });
    expect(keyringPairFromKeyfile(parseKeyfileJson(seedOnly)._unsafeUnwrap())._unsafeUnwrap().address).toBe(address);
    expect(keyringPairFromKeyfile(parseKeyfileJson(keyfileJson(phrase))._unsafeUnwrap())._unsafeUnwrap().address).toBe(address);
  });

  test("error: corrupt, contradictory and public-only keyfiles", () => {
    expect(parseKeyfileJson("{nope")._unsafeUnwrapErr().type).toBe("KeyfileCorrupt");
    expect(parseKeyfileJson("[1]")._unsafeUnwrapErr().type).toBe("KeyfileCorrupt");
    expect(parseKeyfileJson('{"secretSeed": 5}')._unsafeUnwrapErr().message).toContain("secretSeed is not a string");
    const load = (json: object) => parseKeyfileJson(JSON.stringify(json)).andThen((d) => keyringPairFromKeyfile(d));
    expect(load({ secretPhrase: "not a mnemonic at all" })._unsafeUnwrapErr().type).toBe("KeyfileCorrupt");
    expect(load({ secretSeed: "0x1234" })._unsafeUnwrapErr().message).toContain("secretSeed is not 32 bytes");
    expect(load({ secretPhrase: phrase, publicKey: `0x${"00".repeat(32)}` })._unsafeUnwrapErr().message).toContain("its secret belongs to");
    expect(load({ privateKey: `0x${"11".repeat(64)}`, publicKey: `0x${"22".repeat(32)}` })._unsafeUnwrapErr().message).toContain("does not sign");
    expect(load({ ss58Address: address })._unsafeUnwrapErr().type).toBe("KeyfilePublicOnly");
  });
});

describe("password scheme", () => {
  test("behavior: btwallet's variable name and a round trip", () => {
    const name = passwordEnvVar("/home/alice/.bittensor/wallets/default/coldkey");
    expect(name).toBe("BT_PW__HOME_ALICE__BITTENSOR_WALLETS_DEFAULT_COLDKEY");
    for (const pw of ["", "correct horse", "pässwörd🔑", "x".repeat(200)]) expect(decodeEnvPassword(name, encodeEnvPassword(name, pw))).toBe(pw);
    // XOR with the name's bytes, cyclically, then base64: "BT" ^ "ab" = 0x23 0x36
    expect(encodeEnvPassword("BT", "ab")).toBe(Buffer.from([0x42 ^ 0x61, 0x54 ^ 0x62]).toString("base64"));
    expect(decodeEnvPassword(name, "%%%")).toBeNull();
  });
});

describe("wallet files", () => {
  test("behavior: plain hotkey, $NACL coldkey with a password, a callback or the env variable", async () => {
    const hot = await loadHotkey({ root, wallet: "w", hotkey: "h" });
    expect(hot._unsafeUnwrap().address).toBe(address);
    expect((await loadColdkey({ root, wallet: "w" }, { password: "correct horse", kdf }))._unsafeUnwrap().address).toBe(address);
    const seen: string[] = [];
    const viaCallback = await loadColdkey({ root, wallet: "w" }, { kdf, password: ({ envVar }) => (seen.push(envVar), "correct horse") });
    expect(viaCallback._unsafeUnwrap().address).toBe(address);
    const envVar = passwordEnvVar(walletPaths({ root, wallet: "w" }).coldkey);
    expect(seen).toEqual([envVar]);
    const viaEnv = await loadColdkey({ root, wallet: "w" }, { kdf, env: { [envVar]: encodeEnvPassword(envVar, "correct horse") } });
    expect(viaEnv._unsafeUnwrap().address).toBe(address);
    expect((await loadColdkeyAddress({ root, wallet: "w" }))._unsafeUnwrap()).toBe(address);
  });

  test("error: wrong password, no password, missing, unreadable, legacy, corrupt", async () => {
    const wrong = (await loadColdkey({ root, wallet: "w" }, { password: "wrong", kdf }))._unsafeUnwrapErr();
    expect(wrong.type).toBe("KeyfileWrongPassword");
    expect(wrong.message).not.toContain("wrong horse");
    const none = (await loadColdkey({ root, wallet: "w" }, { kdf }))._unsafeUnwrapErr();
    expect(none).toMatchObject({ type: "KeyfilePasswordRequired", envVar: passwordEnvVar(walletPaths({ root, wallet: "w" }).coldkey) });
    expect((await loadColdkey({ root, wallet: "w" }, { kdf, password: () => null }))._unsafeUnwrapErr().type).toBe("KeyfilePasswordRequired");
    const missing = (await loadHotkey({ root, wallet: "w", hotkey: "nope" }))._unsafeUnwrapErr();
    expect(missing.type).toBe("KeyfileNotFound");
    expect(missing.message).toContain("hotkeys/nope");
    expect((await loadKeyfile(root))._unsafeUnwrapErr().type).toBe("KeyfileRead"); // a directory
    const legacy = join(root, "legacy");
    write(legacy, "gAAAAABlegacyfernet");
    expect((await loadKeyfile(legacy))._unsafeUnwrapErr()).toMatchObject({ type: "KeyfileUnsupportedEncryption", scheme: "fernet" });
    write(legacy, "$ANSIBLE_VAULT;1.1;AES256\n");
    expect((await loadKeyfile(legacy))._unsafeUnwrapErr()).toMatchObject({ type: "KeyfileUnsupportedEncryption", scheme: "ansible-vault" });
    write(legacy, "$NACL short");
    expect((await loadKeyfile(legacy, { password: "x", kdf }))._unsafeUnwrapErr().type).toBe("KeyfileWrongPassword");
    write(legacy, "not json");
    expect((await loadKeyfile(legacy))._unsafeUnwrapErr().type).toBe("KeyfileCorrupt");
    if (process.getuid?.() !== 0) {
      write(legacy, "{}");
      chmodSync(legacy, 0o000);
      expect((await loadKeyfile(legacy))._unsafeUnwrapErr().type).toBe("KeyfileRead");
    }
  });

  test("behavior: default location is ~/.bittensor/wallets/default", () => {
    const paths = walletPaths();
    expect(paths.hotkey.endsWith("/.bittensor/wallets/default/hotkeys/default")).toBe(true);
    expect(paths.coldkeypub.endsWith("/.bittensor/wallets/default/coldkeypub.txt")).toBe(true);
  });

  test.skipIf(process.env["CRUSADES_SLOW_TESTS"] !== "1")("behavior: btwallet's real Argon2i cost (slow, ~25 s)", async () => {
    const file = join(root, "sensitive");
    write(file, await encryptNaclKeyfile(new TextEncoder().encode(keyfileJson(phrase)), "pw"));
    expect((await loadKeyfile(file, { password: "pw" }))._unsafeUnwrap().address).toBe(address);
  }, 120_000);
});
