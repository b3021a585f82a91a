/**
 * Typed errors of wallet loading. Paths are shown with the home directory as `~`; passwords and
 * secrets never appear.
 * @module
 */
import { homedir } from "node:os";

interface KeyfileBase {
  readonly message: string;
  /** The keyfile concerned, home directory shown as `~`; `null` for bytes given directly. */
  readonly path: string | null;
}

/** The keyfile does not exist (wrong wallet or hotkey name, or wallet root). */
export interface KeyfileNotFoundError extends KeyfileBase {
  readonly type: "KeyfileNotFound";
}
/** The keyfile exists but could not be read (permissions, a directory, …). */
export interface KeyfileReadError extends KeyfileBase {
  readonly type: "KeyfileRead";
  readonly cause: unknown;
}
/** Not a keyfile: not JSON of the btwallet shape, bad hex, or secrets that contradict the public key. */
export interface KeyfileCorruptError extends KeyfileBase {
  readonly type: "KeyfileCorrupt";
}
/** The keyfile is encrypted and no password was available (no callback, no `BT_PW_…` variable). */
export interface KeyfilePasswordRequiredError extends KeyfileBase {
  readonly type: "KeyfilePasswordRequired";
  /** The environment variable that btwallet's scheme would read for this file. */
  readonly envVar: string;
}
/** The password did not open the `$NACL` box (wrong password, or a tampered file). */
export interface KeyfileWrongPasswordError extends KeyfileBase {
  readonly type: "KeyfileWrongPassword";
}
/** A legacy encryption (`$ANSIBLE_VAULT`, Fernet `gAAAAA`) that crusades does not open. */
export interface KeyfileUnsupportedEncryptionError extends KeyfileBase {
  readonly type: "KeyfileUnsupportedEncryption";
  readonly scheme: "ansible-vault" | "fernet";
}
/** The keyfile holds only a public key (`ss58Address`/`publicKey`): it cannot sign. */
export interface KeyfilePublicOnlyError extends KeyfileBase {
  readonly type: "KeyfilePublicOnly";
}

/**
 * Every error of wallet loading.
 *
 * @example
 * ```ts
 * const line = (e: WalletError) => `${e.type}: ${e.message}`;
 * ```
 */
export type WalletError =
  | KeyfileNotFoundError
  | KeyfileReadError
  | KeyfileCorruptError
  | KeyfilePasswordRequiredError
  | KeyfileWrongPasswordError
  | KeyfileUnsupportedEncryptionError
  | KeyfilePublicOnlyError;

/** `path` with the home directory replaced by `~` (for messages). */
export function displayPath(path: string | null): string | null {
  if (path === null) return null;
  const home = homedir();
  return home && path.startsWith(home) ? `~${path.slice(home.length)}` : path;
}

/** A {@link KeyfileCorruptError} for `path`. */
export function corrupt(path: string | null, reason: string): KeyfileCorruptError {
  const shown = displayPath(path);
  return { type: "KeyfileCorrupt", message: `${shown ?? "keyfile"} is not a valid keyfile: ${reason}`, path: shown };
}
