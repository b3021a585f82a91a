/**
 * btwallet's `$NACL` keyfile encryption (chain.md §11.3): Argon2i v1.3 key derivation with a fixed
 * salt, then an XSalsa20-Poly1305 secretbox, MAC first (libsodium `crypto_secretbox_easy`).
 * @module
 */
import { argon2iAsync } from "@noble/hashes/argon2.js";
import { u8aConcat } from "@polkadot/util";
import { naclDecrypt, naclEncrypt } from "@polkadot/util-crypto";
import { randomBytes } from "node:crypto";

/** ASCII `$NACL`, the prefix of an encrypted keyfile. */
export const NACL_PREFIX = new TextEncoder().encode("$NACL");

/** btwallet's fixed Argon2i salt. */
const NACL_SALT = Uint8Array.from([0x13, 0x71, 0x83, 0xdf, 0xf1, 0x5a, 0x09, 0xbc, 0x9c, 0x90, 0xb5, 0x51, 0x87, 0x39, 0xe9, 0xb1]);

/** Argon2i cost parameters: libsodium's `opslimit` (passes) and `memlimit` (bytes). */
export interface NaclKdfParameters {
  readonly opsLimit: number;
  readonly memLimitBytes: number;
}

/**
 * What btwallet uses: `OPSLIMIT_SENSITIVE` (8) and `MEMLIMIT_SENSITIVE` (512 MiB). Unlocking
 * takes about 0.5 GiB of memory and tens of seconds in JavaScript.
 */
export const NACL_KDF_SENSITIVE: NaclKdfParameters = Object.freeze({ opsLimit: 8, memLimitBytes: 536_870_912 });

const NONCE_BYTES = 24;
const MAC_BYTES = 16;

/** `true` when `bytes` start with `$NACL`. */
export function isNaclEncrypted(bytes: Uint8Array): boolean {
  return bytes.length >= NACL_PREFIX.length && NACL_PREFIX.every((b, i) => bytes[i] === b);
}

async function deriveKey(password: string, kdf: NaclKdfParameters): Promise<Uint8Array> {
  return argon2iAsync(new TextEncoder().encode(password), NACL_SALT, {
    t: kdf.opsLimit,
    m: Math.floor(kdf.memLimitBytes / 1024), // libsodium's memlimit is in bytes, Argon2's m in KiB
    p: 1,
    dkLen: 32,
    version: 0x13,
  });
}

/**
 * Opens a `$NACL` keyfile. Resolves to the plaintext (the keyfile JSON bytes), or `null` when the
 * box does not open (wrong password or tampered bytes) or is too short.
 *
 * @param kdf - Cost parameters; btwallet's {@link NACL_KDF_SENSITIVE} unless testing.
 *
 * @example
 * ```ts
 * const json = await decryptNaclKeyfile(fileBytes, password);
 * ```
 */
export async function decryptNaclKeyfile(
  bytes: Uint8Array,
  password: string,
  kdf: NaclKdfParameters = NACL_KDF_SENSITIVE,
): Promise<Uint8Array | null> {
  if (!isNaclEncrypted(bytes) || bytes.length < NACL_PREFIX.length + NONCE_BYTES + MAC_BYTES) return null;
  const nonce = bytes.subarray(NACL_PREFIX.length, NACL_PREFIX.length + NONCE_BYTES);
  const box = bytes.subarray(NACL_PREFIX.length + NONCE_BYTES);
  return naclDecrypt(box, nonce, await deriveKey(password, kdf));
}

/**
 * Encrypts keyfile bytes the way btwallet does (`$NACL` ‖ nonce ‖ secretbox), e.g. to write a
 * coldkey that btwallet can open.
 *
 * @example
 * ```ts
 * const file = await encryptNaclKeyfile(new TextEncoder().encode(json), "correct horse");
 * ```
 */
export async function encryptNaclKeyfile(
  plaintext: Uint8Array,
  password: string,
  kdf: NaclKdfParameters = NACL_KDF_SENSITIVE,
): Promise<Uint8Array> {
  const nonce = new Uint8Array(randomBytes(NONCE_BYTES));
  const { encrypted } = naclEncrypt(plaintext, await deriveKey(password, kdf), nonce);
  return u8aConcat(NACL_PREFIX, nonce, encrypted);
}
