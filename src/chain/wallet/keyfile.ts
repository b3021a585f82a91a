/**
 * btwallet keyfile JSON (chain.md §11.2) to a polkadot-js sr25519 key pair, including the
 * schnorrkel → ed25519-expanded conversion of `privateKey`.
 * @module
 */
import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { hexToU8a, isHex, u8aEq, u8aToHex } from "@polkadot/util";
import { mnemonicValidate, signatureVerify } from "@polkadot/util-crypto";
import { err, ok, type Result } from "neverthrow";
import { SS58_PREFIX } from "../args.js";
import { corrupt, displayPath, type KeyfileCorruptError, type KeyfilePublicOnlyError } from "./errors.js";

/** The fields of a btwallet keyfile; any may be absent (`null`). */
export interface KeyfileData {
  readonly accountId: string | null;
  readonly publicKey: string | null;
  /** 64-byte schnorrkel secret (scalar ‖ nonce), `0x` hex. */
  readonly privateKey: string | null;
  readonly secretPhrase: string | null;
  /** 32-byte mini-secret, `0x` hex. */
  readonly secretSeed: string | null;
  readonly ss58Address: string | null;
}

const FIELDS = ["accountId", "publicKey", "privateKey", "secretPhrase", "secretSeed", "ss58Address"] as const;

/**
 * Parses keyfile JSON (already decrypted) into its fields.
 *
 * @param text - The keyfile's JSON text.
 * @param path - For messages only.
 * @returns The fields, or `KeyfileCorrupt` (not JSON, not an object, a field of the wrong type).
 *
 * @example
 * ```ts
 * parseKeyfileJson('{"secretPhrase":"bottom drive obey lake curtain smoke basket hold race lonely fit walk"}');
 * ```
 */
export function parseKeyfileJson(text: string, path: string | null = null): Result<KeyfileData, KeyfileCorruptError> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return err(corrupt(path, "not JSON"));
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return err(corrupt(path, "not a JSON object"));
  const record = value as Record<string, unknown>;
  const out: Record<string, string | null> = {};
  for (const field of FIELDS) {
    const v = record[field];
    if (v !== undefined && v !== null && typeof v !== "string") return err(corrupt(path, `${field} is not a string`));
    out[field] = v ?? null;
  }
  return ok(out as unknown as KeyfileData);
}

/**
 * Converts a schnorrkel canonical secret (as btwallet stores `privateKey`) to the
 * "ed25519-expanded" form polkadot-js expects: the 32-byte scalar, read little-endian, times 8;
 * the 32-byte nonce unchanged (chain.md §11.2). Without it signatures do not verify.
 *
 * @throws RangeError when `secret` is not 64 bytes (programmer error).
 *
 * @example
 * ```ts
 * const secretKey = schnorrkelToEd25519Expanded(hexToU8a(keyfile.privateKey));
 * ```
 */
export function schnorrkelToEd25519Expanded(secret: Uint8Array): Uint8Array {
  if (secret.length !== 64) throw new RangeError(`a schnorrkel secret is 64 bytes, got ${secret.length}`);
  const out = new Uint8Array(64);
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const v = secret[i]! * 8 + carry;
    out[i] = v & 0xff;
    carry = v >> 8;
  }
  out.set(secret.subarray(32), 32);
  return out;
}

function hexField(data: KeyfileData, field: "publicKey" | "privateKey" | "secretSeed" | "accountId", bytes: number, path: string | null) {
  const v = data[field];
  if (v === null) return ok(null);
  if (!isHex(v) || hexToU8a(v).length !== bytes) return err(corrupt(path, `${field} is not ${bytes} bytes of 0x hex`));
  return ok(hexToU8a(v));
}

/**
 * The sr25519 key pair of a keyfile, with btwallet's priority: `secretPhrase`, then `secretSeed`,
 * then `privateKey` (converted, and checked to sign for `publicKey`). A keyfile with only public
 * fields is `KeyfilePublicOnly`. A secret whose public key contradicts the file's `publicKey` is
 * `KeyfileCorrupt`. Call `cryptoWaitReady()` from `@polkadot/util-crypto` first.
 *
 * @example
 * ```ts
 * const pair = parseKeyfileJson(text).andThen((data) => keyringPairFromKeyfile(data));
 * ```
 */
export function keyringPairFromKeyfile(
  data: KeyfileData,
  path: string | null = null,
): Result<KeyringPair, KeyfileCorruptError | KeyfilePublicOnlyError> {
  const keyring = new Keyring({ type: "sr25519", ss58Format: SS58_PREFIX });
  const publicKey = hexField(data, "publicKey", 32, path);
  if (publicKey.isErr()) return err(publicKey.error);
  const expected = publicKey.value;
  const checked = (pair: KeyringPair): Result<KeyringPair, KeyfileCorruptError> =>
    expected === null || u8aEq(pair.publicKey, expected)
      ? ok(pair)
      : err(corrupt(path, `its secret belongs to ${pair.address}, not to its publicKey ${u8aToHex(expected)}`));
  if (data.secretPhrase !== null) {
    const phrase = data.secretPhrase.trim().split(/\s+/).join(" ");
    if (!mnemonicValidate(phrase)) return err(corrupt(path, "secretPhrase is not a valid BIP-39 mnemonic"));
    return checked(keyring.addFromMnemonic(phrase));
  }
  const seed = hexField(data, "secretSeed", 32, path);
  if (seed.isErr()) return err(seed.error);
  if (seed.value !== null) return checked(keyring.addFromSeed(seed.value));
  const secret = hexField(data, "privateKey", 64, path);
  if (secret.isErr()) return err(secret.error);
  if (secret.value !== null) {
    if (expected === null) return err(corrupt(path, "privateKey without publicKey"));
    try {
      const pair = keyring.addFromPair({ publicKey: expected, secretKey: schnorrkelToEd25519Expanded(secret.value) });
      const probe = new TextEncoder().encode("crusades keyfile check");
      if (signatureVerify(probe, pair.sign(probe), expected).isValid) return ok(pair);
    } catch {
      // an out-of-range scalar: reported below like any key that does not sign
    }
    return err(corrupt(path, "privateKey does not sign for publicKey"));
  }
  const shown = displayPath(path);
  return err({ type: "KeyfilePublicOnly", message: `${shown ?? "keyfile"} holds no secret (public key only): it cannot sign`, path: shown });
}
