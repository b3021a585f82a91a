/**
 * Timelock benchmark: encryptions and decryptions per second of src/timelock, against the Rust
 * `tle` crate compiled to WebAssembly (@ideallabs/timelock_wasm_wrapper 1.0.0) in the same run.
 *
 *   node --import tsx bench/timelock.ts [--seconds N]
 *
 * The figures are measured in interleaved rounds (each operation for SECONDS / ROUNDS seconds per
 * round, ROUNDS rounds) and the median rate is reported, so that src/timelock and the wasm build
 * are compared under the same load on a shared machine.
 *
 * Then the cost of one commitment end to end against chopsticks, from the chain benchmark
 * (bench/chain.ts, run as a child; `--no-chain` skips it). Prints one line per figure, then, as the
 * last line, one JSON object with every figure.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { cpus, loadavg } from "node:os";
import { hexToBytes } from "@noble/hashes/utils.js";
import { QUICKNET_PUBLIC_KEY, timelockDecrypt, timelockEncrypt } from "../src/timelock/index.js";
import { signatureOf } from "../test/timelock/fixture.js";
import { oracleDecrypt, oracleEncrypt } from "../test/timelock/oracle.js";

const secondsFlag = process.argv.indexOf("--seconds");
const SECONDS = secondsFlag > 0 ? Number(process.argv[secondsFlag + 1]) : 5;
const PLAINTEXT_BYTES = 130; // a 128-byte string, SCALE-encoded (chain.md §3.4 example)
const ROUND = 1000;

interface Rate {
  readonly perSecond: number;
  readonly msPerOp: number;
  readonly ops: number;
}

const roundsFlag = process.argv.indexOf("--rounds");
const ROUNDS = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : 5;

/** Runs `op` for about `seconds` after a short warm-up and returns its rate. */
function measureFor(op: (i: number) => void, seconds: number, offset: number): Rate {
  for (let i = 0; i < 2; i++) op(offset + i);
  let ops = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline || ops < 5) op(offset + 2 + ops++);
  const elapsedMs = performance.now() - start;
  return { perSecond: (ops * 1000) / elapsedMs, msPerOp: elapsedMs / ops, ops };
}

/** Each op, ROUNDS times interleaved; the median rate of each (total ops summed). */
function measureInterleaved(ops: readonly ((i: number) => void)[]): Rate[] {
  const samples: Rate[][] = ops.map(() => []);
  let offset = 0;
  for (let r = 0; r < ROUNDS; r++) {
    ops.forEach((op, k) => {
      const rate = measureFor(op, SECONDS / ROUNDS, offset);
      offset += rate.ops + 2;
      samples[k]!.push(rate);
    });
  }
  return samples.map((xs) => {
    const sorted = [...xs].sort((a, b) => a.perSecond - b.perSecond);
    const mid = sorted[sorted.length >> 1]!;
    return { perSecond: mid.perSecond, msPerOp: 1000 / mid.perSecond, ops: xs.reduce((n, x) => n + x.ops, 0) };
  });
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

console.log(`timelock bench: ${PLAINTEXT_BYTES}-byte plaintext, ${SECONDS} s per figure in ${ROUNDS} interleaved rounds`);
console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}`);

const ciphertext = encrypt(ROUND);
const load = loadavg()[0] ?? 0;
// A fresh round every time: hash-to-curve and a pairing are paid on each call.
const [encryptSameRound, encryptFreshRound, decrypt, wasmEncrypt, wasmDecrypt] = measureInterleaved([
  () => encrypt(ROUND),
  (i) => encrypt(10_000_000 + i),
  () => {
    if (timelockDecrypt(ciphertext, signature).isErr()) throw new Error("decryption failed");
  },
  () => oracleEncrypt(plaintext, ROUND, publicKey, randomBytes(32)),
  () => oracleDecrypt(ciphertext, signature),
]) as [Rate, Rate, Rate, Rate, Rate];
show("encrypt, same round (cached pairing)", encryptSameRound);
show("encrypt, a new round each time", encryptFreshRound);
show("decrypt", decrypt);
show("wasm (Rust tle 1.0.0) encrypt", wasmEncrypt);
show("wasm (Rust tle 1.0.0) decrypt", wasmDecrypt);

const ratio = encryptSameRound.perSecond / wasmEncrypt.perSecond;
const ratioFresh = encryptFreshRound.perSecond / wasmEncrypt.perSecond;
console.log(`ratio vs wasm: ${ratio.toFixed(2)}× same round, ${ratioFresh.toFixed(2)}× new rounds; goal ≥ 50 encryptions/s`);

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The chain benchmark's commitment figures (its last line), or why they are missing. */
function commitmentFigures(): Record<string, unknown> {
  if (process.argv.includes("--no-chain")) return { commitment: "skipped (--no-chain)" };
  const r = spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "chain.ts"), "--runs", "5", "--seconds", "1"], { encoding: "utf8", maxBuffer: 16 << 20 });
  const last = (r.stdout ?? "").trim().split("\n").at(-1) ?? "";
  if (r.status !== 0 || !last.startsWith("{")) return { commitment: `failed: ${(r.stderr ?? "").trim().split("\n").at(-1) ?? `exit ${r.status}`}` };
  const c = JSON.parse(last) as Record<string, number>;
  console.log(`one commitment end to end (chopsticks, spec 218): ${c.commitment_ms} ms (encrypt ${c.encrypt_ms}, encode ${c.encode_ms}, sign ${c.sign_ms}, submit to inclusion ${c.submit_in_block_ms})`);
  return { commitment_ms: c.commitment_ms, commitment_encrypt_ms: c.encrypt_ms, commitment_encode_ms: c.encode_ms, commitment_sign_ms: c.sign_ms, commitment_submit_in_block_ms: c.submit_in_block_ms, commitment_runs: c.runs };
}
const commitment = commitmentFigures();

console.log(
  JSON.stringify({
    ...commitment,
    encrypt_per_s: round2(encryptSameRound.perSecond),
    encrypt_new_round_per_s: round2(encryptFreshRound.perSecond),
    decrypt_per_s: round2(decrypt.perSecond),
    wasm_encrypt_per_s: round2(wasmEncrypt.perSecond),
    wasm_decrypt_per_s: round2(wasmDecrypt.perSecond),
    ratio_vs_wasm: round2(ratio),
    ratio_new_round_vs_wasm: round2(ratioFresh),
    plaintext_bytes: PLAINTEXT_BYTES,
    goal_encrypt_per_s: 50,
    rounds: ROUNDS,
    node: process.version,
    cpus: cpus().length,
    loadavg_1m: round2(load),
  }),
);
