/**
 * Chain benchmark: the cost of one commitment end to end against chopsticks (spec 218, offline,
 * 127.0.0.1), and timelock encryptions per second.
 *
 *   node --import tsx bench/chain.ts [--runs N] [--seconds S]
 *
 * One commitment, in the order `client.commitTimelocked` runs it:
 *   1. encrypt:  SCALE-encode a 128-character text and timelock-encrypt it to a new round;
 *   2. encode:   build `set_commitment(3, TimelockEncrypted)` and encode it against the finney
 *                spec-424 metadata (the runtime the real commitment goes to);
 *   3. sign:     sign it offline against the same metadata;
 *   4. submit:   the live path on chopsticks: registration and space pre-checks, signing with the
 *                node's nonce, submission, and inclusion (`inBlock`; Instant block mode builds one
 *                block per extrinsic). Spec 218's `Data` has no `TimelockEncrypted` variant, so
 *                this step commits the same text as a plain `Raw128` field instead.
 * `commitment_ms` is the sum of the medians of the four steps.
 *
 * Prints one line per figure, then, as the last line, one JSON object with every figure.
 */
import { cpus, loadavg } from "node:os";
import { Keyring } from "@polkadot/keyring";
import { WsProvider } from "@polkadot/api";
import { u8aToHex } from "@polkadot/util";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import {
  createSubtensorClient,
  encodeCall,
  encodeCommitmentPayload,
  setCommitmentCall,
  signCallOffline,
} from "../src/chain/index.js";
import { revealRound, timelockEncrypt } from "../src/timelock/index.js";
import { startChopsticks } from "../test/chain/chopsticks.js";
import { finneyMetadata } from "../test/chain/fixtures.js";

const flag = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = flag("--runs", 15);
const SECONDS = flag("--seconds", 3);
const TEXT = "0123456789abcdef0123456789abcdef:7012345:3:https://gist.githubusercontent.com/u/0123456789abcdef/raw/train.py".padEnd(128, "x");
const GENESIS = "0x2f0555cc76fc2840a25a6ea3b9637146806f1f44b090c175ffde2a7e5ab36c03" as const;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const round2 = (x: number): number => Math.round(x * 100) / 100;
const unwrap = <T>(r: { isErr(): boolean; _unsafeUnwrap(): T; _unsafeUnwrapErr(): unknown }): T => {
  if (r.isErr()) throw new Error(JSON.stringify(r._unsafeUnwrapErr(), (_, v) => (typeof v === "bigint" ? v.toString() : v)));
  return r._unsafeUnwrap();
};

function rate(op: (i: number) => void): { perSecond: number; ops: number } {
  for (let i = 0; i < 3; i++) op(i);
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000 || ops < 10) op(ops++);
  return { perSecond: (ops * 1000) / (performance.now() - start), ops };
}

await cryptoWaitReady();
const load = loadavg()[0] ?? 0;
console.log(`chain bench: ${RUNS} commitments, ${TEXT.length}-character text; node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}, load ${load.toFixed(2)}`);

const meta = finneyMetadata();
const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
const alice = keyring.addFromUri("//Alice");
const payload = encodeCommitmentPayload(TEXT);
const nowSeconds = Math.floor(Date.now() / 1000);

// Offline steps, each timed on its own, RUNS times (a new reveal round each run).
const t = { encrypt: [] as number[], encode: [] as number[], sign: [] as number[], submit: [] as number[] };
let ciphertextBytes = 0;
for (let i = 0; i < RUNS + 2; i++) {
  let s = performance.now();
  const round = unwrap(revealRound(360, 12, nowSeconds + 30 * i));
  const ciphertext = unwrap(timelockEncrypt(payload, round));
  const encrypt = performance.now() - s;
  s = performance.now();
  const call = unwrap(setCommitmentCall(3, [{ kind: "timelock", ciphertext, revealRound: BigInt(round) }]));
  unwrap(encodeCall(meta, call));
  const encode = performance.now() - s;
  s = performance.now();
  unwrap(signCallOffline(meta, call, alice, { nonce: i, genesisHash: GENESIS, mortality: { blockNumber: 1000, blockHash: GENESIS, period: 128 } }));
  const sign = performance.now() - s;
  ciphertextBytes = ciphertext.length;
  if (i >= 2) {
    t.encrypt.push(encrypt);
    t.encode.push(encode);
    t.sign.push(sign);
  }
}

// The live step on chopsticks.
const node = await startChopsticks();
const dev = new WsProvider(node.url);
let blocks = 0;
try {
  await dev.isReady;
  const client = unwrap(await createSubtensorClient({ url: node.url, timeoutMs: 30_000 }));
  const q = client.api.query as unknown as Record<string, Record<string, { key(...a: unknown[]): string }>>;
  const uidsKey = q["subtensorModule"]!["uids"]!.key(1, alice.address);
  const keysKey = q["subtensorModule"]!["keys"]!.key(1, 0);
  const lastKey = q["commitments"]!["lastCommitment"]!.key(1, alice.address);
  for (let attempt = 0; attempt < 20 && (await client.uidOf(1, alice.address)).isErr(); attempt++) {
    if ((await client.blockNumber()).unwrapOr(0) === 0) await dev.send("dev_newBlock", [{ count: 1 }]);
    await dev.send("dev_setStorage", [[[uidsKey, "0x0000"], [keysKey, u8aToHex(alice.publicKey)]]]);
  }
  const startBlock = unwrap(await client.blockNumber());
  for (let i = 0; i < RUNS + 1; i++) {
    // The old pallet's per-hotkey rate limit (100 blocks): clear it between runs, outside the timing.
    await dev.send("dev_setStorage", [[[lastKey, null]]]);
    const s = performance.now();
    unwrap(await client.commitPlain({ netuid: 1, data: TEXT, signer: alice, waitFor: "inBlock" }));
    if (i >= 1) t.submit.push(performance.now() - s);
  }
  blocks = unwrap(await client.blockNumber()) - startBlock;
  await client.disconnect();
} finally {
  await dev.disconnect();
  await node.stop();
}

const newRound = rate((i) => unwrap(timelockEncrypt(payload, 20_000_000 + i)));
const sameRound = rate(() => unwrap(timelockEncrypt(payload, 20_000_000)));

const m = { encrypt: median(t.encrypt), encode: median(t.encode), sign: median(t.sign), submit: median(t.submit) };
const commitment = m.encrypt + m.encode + m.sign + m.submit;
console.log(`encrypt (new round, ${ciphertextBytes}-byte ciphertext)   ${m.encrypt.toFixed(2).padStart(8)} ms`);
console.log(`encode set_commitment (spec 424)            ${m.encode.toFixed(2).padStart(8)} ms`);
console.log(`sign offline (spec 424)                     ${m.sign.toFixed(2).padStart(8)} ms`);
console.log(`pre-check + sign + submit + in block (218)  ${m.submit.toFixed(2).padStart(8)} ms  (min ${Math.min(...t.submit).toFixed(2)}, max ${Math.max(...t.submit).toFixed(2)})`);
console.log(`one commitment end to end                   ${commitment.toFixed(2).padStart(8)} ms`);
console.log(`encryptions/s, a new round each time        ${newRound.perSecond.toFixed(1).padStart(8)}`);
console.log(`encryptions/s, the same round               ${sameRound.perSecond.toFixed(1).padStart(8)}`);
console.log(
  JSON.stringify({
    bench: "chain",
    commitment_ms: round2(commitment),
    encrypt_ms: round2(m.encrypt),
    encode_ms: round2(m.encode),
    sign_ms: round2(m.sign),
    submit_in_block_ms: round2(m.submit),
    submit_min_ms: round2(Math.min(...t.submit)),
    submit_max_ms: round2(Math.max(...t.submit)),
    encrypt_new_round_per_s: round2(newRound.perSecond),
    encrypt_same_round_per_s: round2(sameRound.perSecond),
    ciphertext_bytes: ciphertextBytes,
    text_chars: TEXT.length,
    runs: RUNS,
    blocks_built: blocks,
    runtime_spec: 218,
    node: process.version,
    cpus: cpus().length,
    loadavg_1m: round2(load),
    goal_encrypt_per_s: 50,
  }),
);
