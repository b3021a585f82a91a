/**
 * `npm run bench -- validator`: (1) ingestion of 10,000 revealed commitment entries (1,000 hotkeys
 * × the 10 the chain keeps; accepted, rate-limited, duplicate URL and malformed entries mixed) into
 * a fresh SQLite store, in one batch as a cycle does, and a re-read of the same 10,000 (all already
 * recorded); (2) API latency under an open-loop load of 200 requests/s for 10 s over 10,000 stored,
 * finished submissions (the accepted ones plus direct inserts), the server in its own process. Goals (issue 6): ingestion < 5 s, API p99 < 50 ms.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { encodeCommitmentPayload } from "../src/chain/index.js";
import { parseHparams } from "../src/config/index.js";
import { updateLeader } from "../src/scoring/index.js";
import { applyLeaderUpdate, getLeaderState, insertSubmission, openStore, updateSubmission } from "../src/store/index.js";
import { ingestBatch, revealedEntries, type ChainEntry } from "../src/validator/index.js";

const REPO = path.join(import.meta.dirname, "..");
const hparams = parseHparams(JSON.parse(readFileSync(path.join(REPO, "hparams", "hparams.json"), "utf8")))._unsafeUnwrap();

function entries(): ChainEntry[] {
  const map = new Map<string, { payload: Uint8Array; revealBlock: number }[]>();
  for (let h = 0; h < 1000; h++) {
    const list = [];
    for (let i = 0; i < 10; i++) {
      const block = 100_000 + i * 400 + h;
      const hash = (h * 10 + i).toString(16).padStart(32, "0");
      const url = i === 9 ? `https://gist.github.com/user0/shared` : `https://gist.github.com/user${h}/${hash.slice(-12)}`;
      const text = i === 8 ? "garbage" : `${hash}:${url}`;
      list.push({ payload: encodeCommitmentPayload(text), revealBlock: block });
    }
    map.set(`hotkey-${h}`, list);
  }
  return revealedEntries(map);
}

async function serve(file: string): Promise<void> {
  const { createApiServer } = await import("../src/api/index.js");
  const store = openStore(file)._unsafeUnwrap();
  const api = createApiServer({ store, hparams, currentBlock: async () => 110_000, host: "127.0.0.1", port: 0 });
  const { url } = await api.listen();
  process.stdout.write(`${url}\n`);
}

async function main(): Promise<void> {
  if (process.argv[2] === "--serve") return serve(process.argv[3]!);
  const dir = mkdtempSync(path.join(tmpdir(), "crusades-bench-validator-"));
  const file = path.join(dir, "bench.db");
  const store = openStore(file)._unsafeUnwrap();
  const list = entries();
  const uids = new Map<string, number>(Array.from({ length: 1000 }, (_, h) => [`hotkey-${h}`, h]));
  const rules = {
    specVersion: 19, versionStartBlock: 0, uidOf: (k: string) => uids.get(k) ?? null, minBlocksBetweenCommits: 360,
    paymentRequired: () => false, paymentChecks: new Map(), paymentRetryWindowBlocks: 100,
  };
  let t0 = performance.now();
  const first = ingestBatch(store, { source: "revealed", block: 110_000, blockHash: "0x01", entries: list, maxKeptPerHotkey: 10 }, rules);
  const ingestMs = performance.now() - t0;
  t0 = performance.now();
  const again = ingestBatch(store, { source: "revealed", block: 110_005, blockHash: "0x02", entries: list, maxKeptPerHotkey: 10 }, rules);
  const rereadMs = performance.now() - t0;
  console.log(`ingestion: ${list.length} entries in ${ingestMs.toFixed(0)} ms (${JSON.stringify(first.outcomes)}); re-read of the same entries ${rereadMs.toFixed(0)} ms (${again.skipped} skipped)`);

  // The API's data set: the accepted submissions plus direct inserts up to 10,000, each finished
  // with a score (and the leader record kept as the evaluation stage keeps it).
  const ids = [...first.submissionIds];
  store.transaction(() => {
    for (let i = 0; ids.length < 10_000; i++) {
      const submissionId = `v19_commit_${200_000 + i}_${i % 1000}`;
      insertSubmission(store, { submissionId, minerHotkey: `hotkey-${i % 1000}`, minerUid: i % 1000, codeHash: (1_000_000 + i).toString(16).padStart(32, "0"), bucketPath: `https://gist.github.com/extra/${i}`, specVersion: 19, revealBlock: 200_000 + i, paymentVerified: false });
      ids.push(submissionId);
    }
  });
  store.transaction(() => {
    ids.forEach((id, i) => {
      const score = 40 + (i % 1000) / 50;
      updateSubmission(store, id, { status: "finished", finalScore: score, finishedBlock: 110_000 + i });
      applyLeaderUpdate(store, 19, updateLeader(getLeaderState(store, 19), { submissionId: id, score, block: 110_000 + i }, hparams.adaptive_threshold)._unsafeUnwrap());
    });
  });
  const total = (store.db.prepare("SELECT COUNT(*) AS n FROM submissions").get() as { n: number }).n;
  store.close();

  const child = spawn(process.execPath, ["--import", "tsx", import.meta.filename, "--serve", file], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve) => child.stdout.once("data", (c: Buffer) => resolve(c.toString().trim())));
  const paths = ["/leaderboard", "/api/stats/overview", "/api/stats/recent", "/api/stats/queue", "/api/stats/threshold", `/api/submissions/${ids[17]}`, "/api/stats/history", "/health"];
  for (const p of paths) await fetch(url + p).then((r) => r.text()); // warm-up
  const rate = 200;
  const seconds = 10;
  const latencies: number[] = [];
  const byPath = new Map<string, number[]>();
  let errors = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Open loop: latency counts from the scheduled time, so a slow server cannot hide queueing.
    const p = paths[i % paths.length]!;
    pending.push(fetch(url + p).then(async (r) => {
      await r.arrayBuffer();
      if (!r.ok) errors++;
      const ms = performance.now() - due;
      latencies.push(ms);
      byPath.set(p, [...(byPath.get(p) ?? []), ms]);
    }, () => void errors++));
  }
  await Promise.all(pending);
  child.kill();
  rmSync(dir, { recursive: true, force: true });
  const quantile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  for (const [p, xs] of byPath) console.log(`  ${p.padEnd(48)} p50 ${quantile(xs, 0.5).toFixed(1)} ms, p99 ${quantile(xs, 0.99).toFixed(1)} ms`);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => quantile(latencies, p);
  console.log(`API: ${latencies.length} requests at ${rate}/s over ${total} submissions: p50 ${q(0.5).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms, errors ${errors}`);
  console.log(JSON.stringify({ ingestEntries: list.length, ingestMs: Math.round(ingestMs), rereadMs: Math.round(rereadMs), ingestGoalMs: 5000, apiRate: rate, apiSubmissions: total, apiP50Ms: +q(0.5).toFixed(2), apiP99Ms: +q(0.99).toFixed(2), apiMaxMs: +latencies.at(-1)!.toFixed(2), apiErrors: errors, apiP99GoalMs: 50 }));
}

await main();
