/**
 * The test oracle: the Rust `timelock` crate compiled to WebAssembly
 * (@ideallabs/timelock_wasm_wrapper, exactly 1.0.0; chain.md §14.3), the format the chain decrypts.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { sha256 } from "@noble/hashes/sha2.js";
import { initSync, tld, tle } from "@ideallabs/timelock_wasm_wrapper";

let initialised = false;

function init(): void {
  if (initialised) return;
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve("@ideallabs/timelock_wasm_wrapper/timelock_wasm_wrapper_bg.wasm");
  initSync({ module: readFileSync(wasmPath) });
  initialised = true;
}

function roundIdentityMessage(round: number | bigint): Uint8Array {
  const message = new Uint8Array(8);
  new DataView(message.buffer).setBigUint64(0, BigInt(round), false);
  return sha256(message);
}

/** Encrypts with the Rust code (sigma and nonce random inside; `esk` is the AES key). */
export function oracleEncrypt(plaintext: Uint8Array, round: number | bigint, publicKey: Uint8Array, esk: Uint8Array): Uint8Array {
  init();
  return Uint8Array.from(tle(roundIdentityMessage(round), plaintext, esk, publicKey, "bls12_381") as number[]);
}

/** Decrypts with the Rust code; throws what it throws (e.g. "decryption has failed InvalidSignature"). */
export function oracleDecrypt(ciphertext: Uint8Array, signature: Uint8Array): Uint8Array {
  init();
  return Uint8Array.from(tld(ciphertext, signature, "bls12_381") as number[]);
}
