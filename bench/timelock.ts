/**
 * Timelock benchmark: encryptions and decryptions per second of src/timelock, against the Rust
 * `tle` crate compiled to WebAssembly (@ideallabs/timelock_wasm_wrapper 1.0.0) in the same run.
 *
 *   node --import tsx bench/timelock.ts [--seconds N]
 *
 * Prints one line per figure, then, as the last line, one JSON object with every figure.
 * The end-to-end commitment cost against chopsticks belongs to the chain benchmark.
 */
import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import { hexToBytes } from "@noble/hashes/utils.js";
import { QUICKNET_PUBLIC_KEY, timelockDecrypt, timelockEncrypt } from "../src/timelock/index.js";
import { signatureOf } from "../test/timelock/fixture.js";
import { oracleDecrypt, oracleEncrypt } from "../test/timelock/oracle.js";

const secondsFlag = process.argv.indexOf("--seconds");
const SECONDS = secondsFlag > 0 ? Number(process.argv[secondsFlag + 1]) : 3;
const PLAINTEXT_BYTES = 130; // a 128-byte string, SCALE-encoded (chain.md §3.4 example)
const ROUND = 1000;

interface Rate {
  readonly perSecond: number;
  readonly msPerOp: number;
  readonly ops: number;
}

/** Runs `op` for about SECONDS seconds after a short warm-up and returns its rate. */
function measure(op: (i: number) => void): Rate {
  for (let i = 0; i < 5; i++) op(i);
  let ops = 0;
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  while (performance.now() < deadline || ops < 10) op(ops++);
  const elapsedMs = performance.now() - start;
  return { perSecond: (ops * 1000) / elapsedMs, msPerOp: elapsedMs / ops, ops };
}

function show(label: string, rate: Rate): void {
  console.log(`${label.padEnd(44)} ${rate.perSecond.toFixed(1).padStart(8)} /s  ${rate.msPerOp.toFixed(2).padStart(7)} ms/op  (${rate.ops} ops)`);
}

const plaintext = Uint8Array.from(randomBytes(PLAINTEXT_BYTES));
const publicKey = hexToBytes(QUICKNET_PUBLIC_KEY);
const signature = signatureOf(ROUND);

const encrypt = (round: number): Uint8Array => {
  const result = timelockEncrypt(plaintext, round);
  if (result.isErr()) throw new Error(result.error.message);
  return result.value;
};

console.log(`timelock bench: ${PLAINTEXT_BYTES}-byte plaintext, ${SECONDS} s per figure`);
console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}`);

const encryptSameRound = measure(() => encrypt(ROUND));
show("encrypt, same round (cached pairing)", encryptSameRound);

// A fresh round every time: hash-to-curve and the pairing e(Q, PK) are paid on each call.
const encryptFreshRound = measure((i) => encrypt(10_000_000 + i));
show("encrypt, a new round each time", encryptFreshRound);

const ciphertext = encrypt(ROUND);
const decrypt = measure(() => {
  if (timelockDecrypt(ciphertext, signature).isErr()) throw new Error("decryption failed");
});
show("decrypt", decrypt);

const wasmEncrypt = measure(() => oracleEncrypt(plaintext, ROUND, publicKey, randomBytes(32)));
show("wasm (Rust tle 1.0.0) encrypt", wasmEncrypt);

const wasmDecrypt = measure(() => oracleDecrypt(ciphertext, signature));
show("wasm (Rust tle 1.0.0) decrypt", wasmDecrypt);

const ratio = encryptSameRound.perSecond / wasmEncrypt.perSecond;
const ratioFresh = encryptFreshRound.perSecond / wasmEncrypt.perSecond;
console.log(`ratio vs wasm: ${ratio.toFixed(2)}× same round, ${ratioFresh.toFixed(2)}× new rounds; goal ≥ 50 encryptions/s`);

const round2 = (x: number): number => Math.round(x * 100) / 100;
console.log(
  JSON.stringify({
    encrypt_per_s: round2(encryptSameRound.perSecond),
    encrypt_new_round_per_s: round2(encryptFreshRound.perSecond),
    decrypt_per_s: round2(decrypt.perSecond),
    wasm_encrypt_per_s: round2(wasmEncrypt.perSecond),
    wasm_decrypt_per_s: round2(wasmDecrypt.perSecond),
    ratio_vs_wasm: round2(ratio),
    ratio_new_round_vs_wasm: round2(ratioFresh),
    plaintext_bytes: PLAINTEXT_BYTES,
    goal_encrypt_per_s: 50,
    node: process.version,
    cpus: cpus().length,
  }),
);
