/**
 * The CLI's keyfile password: btwallet's BT_PW_ variable without a terminal, a prompt that does
 * not echo on one (spec/chain.md §11.1). The prompt is driven through fake streams.
 */
import { cryptoWaitReady, mnemonicGenerate } from "@polkadot/util-crypto";
import { Keyring } from "@polkadot/keyring";
import { u8aToHex } from "@polkadot/util";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { encryptNaclKeyfile, passwordEnvVar, walletPaths } from "../../src/chain/index.js";
import { coldkeyOf, hotkeyOf } from "../../src/cli/chain-options.js";
import { readHiddenLine, terminalPassword, type PromptStreams } from "../../src/cli/password-prompt.js";

const root = mkdtempSync(join(tmpdir(), "crusades-cli-wallets-"));
const values = { "wallet.path": root, "wallet.name": "w", "wallet.hotkey": "h" };
const io = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: root };

/** A fake terminal (or pipe): what the prompt wrote is in `written()`. */
function streams(isTTY: boolean): PromptStreams & { readonly input: PassThrough; written(): string } {
  const input = Object.assign(new PassThrough(), { isTTY });
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return { input, output, written: () => text };
}

beforeAll(async () => {
  await cryptoWaitReady();
  const phrase = mnemonicGenerate(12);
  const pair = new Keyring({ type: "sr25519", ss58Format: 42 }).addFromMnemonic(phrase);
  const json = JSON.stringify({ accountId: u8aToHex(pair.publicKey), publicKey: u8aToHex(pair.publicKey), secretPhrase: phrase, ss58Address: pair.address });
  const encrypted = await encryptNaclKeyfile(new TextEncoder().encode(json), "correct horse", { opsLimit: 2, memLimitBytes: 64 * 1024 });
  for (const path of [walletPaths({ root, wallet: "w", hotkey: "h" }).hotkey, walletPaths({ root, wallet: "w" }).coldkey]) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, encrypted);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("hotkeyOf / coldkeyOf", () => {
  test("error: an encrypted keyfile without a terminal names the BT_PW_ variable and prompts nothing", async () => {
    const pipe = streams(false);
    const envVar = passwordEnvVar(walletPaths({ root, wallet: "w", hotkey: "h" }).hotkey);
    await expect(hotkeyOf(values, io, pipe)).rejects.toThrow(`is encrypted: give a password or set ${envVar}`);
    expect(pipe.written()).toBe("");
  });

  test("behavior: on a terminal the prompt names wallet/key; no answer gives the same clear error", async () => {
    const hot = streams(true);
    const loading = hotkeyOf(values, io, hot);
    setTimeout(() => hot.input.end(), 20);
    await expect(loading).rejects.toThrow(passwordEnvVar(walletPaths({ root, wallet: "w", hotkey: "h" }).hotkey));
    expect(hot.written()).toBe("Password for w/h: \n");
    const cold = streams(true);
    const loadingCold = coldkeyOf(values, io, cold);
    setTimeout(() => cold.input.write("\x03"), 20); // Ctrl-C
    await expect(loadingCold).rejects.toThrow(passwordEnvVar(walletPaths({ root, wallet: "w" }).coldkey));
    expect(cold.written()).toBe("Password for w/coldkey: \n");
  });
});

describe("readHiddenLine", () => {
  test("behavior: reads one line and echoes none of it", async () => {
    const tty = streams(true);
    const answer = readHiddenLine("Password for w/h: ", tty);
    tty.input.write("correct horse\n");
    expect(await answer).toBe("correct horse");
    expect(tty.written()).toBe("Password for w/h: \n");
  });

  test("behavior: end of input or Ctrl-C before a line is no answer", async () => {
    const ended = streams(true);
    const first = readHiddenLine("? ", ended);
    ended.input.end();
    expect(await first).toBeNull();
    const interrupted = streams(true);
    const second = readHiddenLine("? ", interrupted);
    interrupted.input.write("half\x03");
    expect(await second).toBeNull();
  });

  test("behavior: terminalPassword prompts only on a TTY", async () => {
    expect(terminalPassword("w/h", streams(false))).toBeUndefined();
    const tty = streams(true);
    const source = terminalPassword("w/h", tty);
    if (typeof source !== "function") throw new Error("expected a callback");
    const answer = source({ path: "/x", envVar: "BT_PW_X" });
    tty.input.write("pw\r");
    expect(await answer).toBe("pw");
    expect(tty.written()).toBe("Password for w/h: \n");
  });
});
