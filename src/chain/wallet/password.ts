/**
 * btwallet's password-from-environment scheme (chain.md §11.4).
 * @module
 */

/**
 * The environment variable btwallet reads a keyfile's password from: `BT_PW_` + the path (tilde
 * expanded) with every `/`, `\` and `.` replaced by `_`, upper-cased.
 *
 * @example
 * ```ts
 * passwordEnvVar("/home/alice/.bittensor/wallets/default/coldkey");
 * // "BT_PW__HOME_ALICE__BITTENSOR_WALLETS_DEFAULT_COLDKEY"
 * ```
 */
export function passwordEnvVar(keyfilePath: string): string {
  return `BT_PW_${keyfilePath.replace(/[/\\.]/g, "_").toUpperCase()}`;
}

function xorWithName(bytes: Uint8Array, name: string): Uint8Array {
  const key = new TextEncoder().encode(name);
  return bytes.map((b, i) => b ^ key[i % key.length]!);
}

/**
 * The value to store in {@link passwordEnvVar}: base64 of the password's UTF-8 bytes XOR-ed with
 * the variable name's bytes, repeated cyclically.
 *
 * @example
 * ```ts
 * process.env[name] = encodeEnvPassword(name, "correct horse");
 * ```
 */
export function encodeEnvPassword(envVar: string, password: string): string {
  return Buffer.from(xorWithName(new TextEncoder().encode(password), envVar)).toString("base64");
}

/**
 * Reverses {@link encodeEnvPassword}; `null` when the value is not base64 of UTF-8.
 *
 * @example
 * ```ts
 * decodeEnvPassword(name, process.env[name] ?? "");
 * ```
 */
export function decodeEnvPassword(envVar: string, value: string): string | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value.trim())) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(xorWithName(Buffer.from(value.trim(), "base64"), envVar));
  } catch {
    return null;
  }
}
