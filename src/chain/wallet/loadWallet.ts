/**
 * Loading bittensor wallet files (`~/.bittensor/wallets/<wallet>/…`, chain.md §11.1) into sr25519
 * key pairs: plain keyfiles, `$NACL`-encrypted ones (password callback or btwallet's `BT_PW_…`
 * variable), and `coldkeypub.txt`.
 * @module
 */
import type { KeyringPair } from "@polkadot/keyring/types";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { err, errAsync, okAsync, ResultAsync, type Result } from "neverthrow";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { toSs58 } from "../args.js";
import { corrupt, displayPath, type WalletError } from "./errors.js";
import { keyringPairFromKeyfile, parseKeyfileJson } from "./keyfile.js";
import { decryptNaclKeyfile, isNaclEncrypted, type NaclKdfParameters } from "./nacl.js";
import { decodeEnvPassword, passwordEnvVar } from "./password.js";

/** Where a wallet lives; every field has btwallet's default. */
export interface WalletLocation {
  /** @default "~/.bittensor/wallets" */
  readonly root?: string;
  /** @default "default" */
  readonly wallet?: string;
  /** @default "default" */
  readonly hotkey?: string;
}

/** The files of one wallet and hotkey. */
export interface WalletPaths {
  readonly coldkey: string;
  readonly coldkeypub: string;
  readonly hotkey: string;
}

/** Supplies the password of an encrypted keyfile: a string, or a callback (e.g. a terminal prompt). */
export type PasswordSource = string | ((request: { readonly path: string; readonly envVar: string }) => Promise<string | null> | string | null);

/** How to unlock a keyfile. */
export interface UnlockOptions {
  /** Used when the keyfile is encrypted and no `BT_PW_…` variable is set in `env`. */
  readonly password?: PasswordSource;
  /**
   * Environment to read btwallet's `BT_PW_<PATH>` variable from; pass `process.env` for btwallet's
   * behaviour. The SDK never reads the process environment itself.
   * @default {}
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Argon2i cost; btwallet's `NACL_KDF_SENSITIVE` unless testing. */
  readonly kdf?: NaclKdfParameters;
}

function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? join(homedir(), path.slice(1)) : path;
}

/**
 * The paths of a wallet's coldkey, `coldkeypub.txt` and hotkey.
 *
 * @example
 * ```ts
 * walletPaths({ wallet: "miner", hotkey: "h1" }).hotkey; // "/home/me/.bittensor/wallets/miner/hotkeys/h1"
 * ```
 */
export function walletPaths(location: WalletLocation = {}): WalletPaths {
  const { root = "~/.bittensor/wallets", wallet = "default", hotkey = "default" } = location;
  const dir = resolve(expandHome(root), wallet);
  return { coldkey: join(dir, "coldkey"), coldkeypub: join(dir, "coldkeypub.txt"), hotkey: join(dir, "hotkeys", hotkey) };
}

function readBytes(path: string): ResultAsync<Uint8Array, WalletError> {
  return ResultAsync.fromPromise(readFile(path), (cause): WalletError => {
    const shown = displayPath(path);
    const code = (cause as { code?: string }).code;
    if (code === "ENOENT") return { type: "KeyfileNotFound", message: `keyfile not found: ${shown}`, path: shown };
    return { type: "KeyfileRead", message: `could not read ${shown}: ${code ?? "error"}`, path: shown, cause };
  }).map((b) => new Uint8Array(b));
}

function startsWith(bytes: Uint8Array, ascii: string): boolean {
  return ascii.split("").every((c, i) => bytes[i] === c.charCodeAt(0));
}

function resolvePassword(path: string, options: UnlockOptions): ResultAsync<string, WalletError> {
  const envVar = passwordEnvVar(path);
  const fromEnv = options.env?.[envVar];
  if (fromEnv !== undefined) {
    const decoded = decodeEnvPassword(envVar, fromEnv);
    if (decoded !== null) return okAsync(decoded);
  }
  const source = options.password;
  const shown = displayPath(path);
  const required: WalletError = { type: "KeyfilePasswordRequired", message: `${shown} is encrypted: give a password or set ${envVar}`, path: shown, envVar };
  if (typeof source === "string") return okAsync(source);
  if (source === undefined) return errAsync(required);
  return ResultAsync.fromPromise(Promise.resolve(source({ path, envVar })), (cause): WalletError => ({
    type: "KeyfileRead",
    message: `the password callback failed for ${shown}`,
    path: shown,
    cause,
  })).andThen((p) => (p === null ? errAsync(required) : okAsync(p)));
}

/** The keyfile JSON text of `bytes`, decrypting `$NACL` when needed. */
function plaintextOf(path: string, bytes: Uint8Array, options: UnlockOptions): ResultAsync<string, WalletError> {
  const shown = displayPath(path);
  if (startsWith(bytes, "$ANSIBLE_VAULT") || startsWith(bytes, "gAAAAA")) {
    const scheme = startsWith(bytes, "gAAAAA") ? "fernet" : "ansible-vault";
    return errAsync({ type: "KeyfileUnsupportedEncryption", message: `${shown} uses the legacy ${scheme} encryption; re-encrypt it with btcli`, path: shown, scheme });
  }
  if (!isNaclEncrypted(bytes)) return okAsync(new TextDecoder().decode(bytes));
  return resolvePassword(path, options).andThen((password) =>
    ResultAsync.fromSafePromise(decryptNaclKeyfile(bytes, password, options.kdf)).andThen((plain) =>
      plain === null
        ? errAsync<string, WalletError>({ type: "KeyfileWrongPassword", message: `wrong password for ${shown} (or the file is damaged)`, path: shown })
        : okAsync(new TextDecoder().decode(plain)),
    ),
  );
}

/**
 * Loads one keyfile (plain or `$NACL`) into an sr25519 key pair (SS58 prefix 42).
 *
 * @returns The pair, or `KeyfileNotFound`, `KeyfileRead`, `KeyfileCorrupt`, `KeyfilePasswordRequired`,
 *   `KeyfileWrongPassword`, `KeyfileUnsupportedEncryption`, `KeyfilePublicOnly`.
 *
 * @example
 * ```ts
 * import { loadKeyfile } from "crusades/chain";
 * const pair = await loadKeyfile("/home/me/.bittensor/wallets/default/coldkey", { env: process.env, password: prompt });
 * ```
 */
export function loadKeyfile(path: string, options: UnlockOptions = {}): ResultAsync<KeyringPair, WalletError> {
  const absolute = resolve(expandHome(path));
  return ResultAsync.fromSafePromise(cryptoWaitReady())
    .andThen(() => readBytes(absolute))
    .andThen((bytes) => plaintextOf(absolute, bytes, options))
    .andThen((text) => parseKeyfileJson(text, absolute).andThen((data) => keyringPairFromKeyfile(data, absolute)));
}

/**
 * Loads a wallet's hotkey (`<root>/<wallet>/hotkeys/<hotkey>`), which signs commitments and weights.
 *
 * @example
 * ```ts
 * const hotkey = await loadHotkey({ wallet: "miner", hotkey: "default" });
 * if (hotkey.isOk()) console.log(hotkey.value.address);
 * ```
 */
export function loadHotkey(location: WalletLocation = {}, options: UnlockOptions = {}): ResultAsync<KeyringPair, WalletError> {
  return loadKeyfile(walletPaths(location).hotkey, options);
}

/**
 * Loads a wallet's coldkey (`<root>/<wallet>/coldkey`, usually `$NACL`-encrypted), needed only for
 * staking and payments.
 *
 * @example
 * ```ts
 * const coldkey = await loadColdkey({ wallet: "miner" }, { password: askPassword, env: process.env });
 * ```
 */
export function loadColdkey(location: WalletLocation = {}, options: UnlockOptions = {}): ResultAsync<KeyringPair, WalletError> {
  return loadKeyfile(walletPaths(location).coldkey, options);
}

/**
 * The coldkey's SS58 address from `coldkeypub.txt` (no secret, no password).
 *
 * @example
 * ```ts
 * const address = await loadColdkeyAddress({ wallet: "miner" });
 * ```
 */
export function loadColdkeyAddress(location: WalletLocation = {}): ResultAsync<string, WalletError> {
  const path = walletPaths(location).coldkeypub;
  return readBytes(path).andThen((bytes): Result<string, WalletError> =>
    parseKeyfileJson(new TextDecoder().decode(bytes), path).andThen((data) => {
      const address = data.ss58Address ?? data.publicKey ?? data.accountId;
      if (address === null) return err(corrupt(path, "no ss58Address, publicKey or accountId"));
      return toSs58(address).mapErr(() => corrupt(path, "its address is not a valid SS58 address or public key"));
    }),
  );
}
