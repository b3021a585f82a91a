/**
 * `crusades submit`, `status` and `validate` refuse bad flags with a clear line (exit 2 through
 * bin/crusades.ts) before connecting to anything or creating a file; `submit --dry-run` refuses a
 * file the static scan rejects, with nothing sent. Chain paths: test/miner and test/e2e.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runStatus } from "../../src/cli/status.js";
import { runSubmit } from "../../src/cli/submit.js";
import { runValidate } from "../../src/cli/validate.js";

const REPO = path.join(import.meta.dirname, "..", "..");
const GOOD = readFileSync(path.join(REPO, "local_test", "single_gpu", "train.py"));
let server: Server;
let base: string;
let dir: string;

function io() {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    io: {
      stdout: (t: string) => void (out.stdout += t),
      stderr: (t: string) => void (out.stderr += t),
      env: { CRUSADES_HPARAMS_PATH: path.join(REPO, "hparams", "hparams.json"), HOME: dir },
      cwd: dir,
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "crusades-cli-"));
  server = createServer((req, res) => {
    if (req.url === "/good.py") return void res.end(GOOD);
    if (req.url === "/bom.py") return void res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), GOOD]));
    if (req.url === "/evil.py") return void res.end(`${GOOD.toString()}\nimport subprocess\nsubprocess.run(["sh"])\n`);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe("crusades submit", () => {
  test("error: --payment must be BLOCK:INDEX", async () => {
    await expect(runSubmit([`${base}/good.py`, "--payment", "12-3"], io().io)).rejects.toThrow("--payment must be BLOCK:INDEX");
  });

  test("error: exactly one URL", async () => {
    await expect(runSubmit([], io().io)).rejects.toThrow("exactly one URL");
  });

  test("behavior: --dry-run --offline --json reports the code's checks, asks no chain and sends nothing", async () => {
    const { io: cli, out } = io();
    expect(await runSubmit([`${base}/good.py`, "--dry-run", "--offline", "--json", "--gpus", "1", "--allow-private-hosts", "127.0.0.1"], cli)).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ dryRun: true, scanOk: true, sizeBytes: GOOD.length, url: `${base}/good.py`, chain: null });
  });

  test("error: --dry-run without --offline goes to the chain: a missing wallet is named; --offline alone is a usage error", async () => {
    const { io: cli } = io();
    await expect(runSubmit([`${base}/good.py`, "--dry-run", "--gpus", "1", "--allow-private-hosts", "127.0.0.1", "--wallet.path", path.join(dir, "no-wallets")], cli)).rejects.toThrow("no-wallets");
    await expect(runSubmit([`${base}/good.py`, "--offline", "--gpus", "1", "--allow-private-hosts", "127.0.0.1"], cli)).rejects.toThrow("--offline goes with --dry-run");
  });

  test("error: the scan's rejection stops before anything else (exit 1)", async () => {
    const { io: cli, out } = io();
    expect(await runSubmit([`${base}/evil.py`, "--dry-run", "--gpus", "1", "--allow-private-hosts", "127.0.0.1"], cli)).toBe(1);
    expect(out.stderr).toMatch(/static scan rejects this code .* Nothing was paid or sent/);
  });

  test("error: a byte-order mark is refused even with --force", async () => {
    const { io: cli, out } = io();
    expect(await runSubmit([`${base}/bom.py`, "--dry-run", "--force", "--gpus", "1", "--allow-private-hosts", "127.0.0.1"], cli)).toBe(1);
    expect(out.stderr).toMatch(/byte-order mark.*--force does not override this/);
  });

  test("error: a private host is refused without the allow-list (the SSRF guard is on by default)", async () => {
    const { io: cli, out } = io();
    expect(await runSubmit(["http://127.0.0.1/good.py", "--dry-run"], cli)).toBe(1);
    expect(out.stderr).toMatch(/127\.0\.0\.1/);
  });
});

const HOST = { agent: "http://127.0.0.1:8091", minerHotkey: "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", lease: "0".repeat(32), pogRecord: "pog.json" };
let remoteFiles = 0;
/** A --remote-hosts file in the test directory. */
function remoteHosts(content: unknown): string {
  const name = `remote-${remoteFiles++}.json`;
  writeFileSync(path.join(dir, name), JSON.stringify(content));
  return name;
}

describe("crusades validate and status", () => {
  test("error: bad flags are refused before the store is created", async () => {
    for (const [args, message] of [
      [["--log-format", "xml"], "--log-format must be text or json"],
      [["--archive", "ftp://x"], "--archive must be a ws:// or wss:// URL or none"],
      [["--api-port", "70000"], "--api-port must be a port number"],
      [["--from-block", "1e3"], "--from-block must be a block number"],
      [["--gpus", "0"], "--gpus must be an integer >= 1"],
      [["--wallet.path", path.join(dir, "no-wallets"), "--network", "ws://127.0.0.1:1"], "no-wallets"],
      [["--remote-hosts", "missing.json"], "--remote-hosts missing.json: cannot read a JSON object"],
      [["--remote-hosts", remoteHosts({ hosts: [] })], "hosts must be a non-empty array"],
      [["--remote-hosts", remoteHosts({ hosts: [{ ...HOST, ssh: "x" }] })], "hosts[0].ssh is not a known field"],
      [["--remote-hosts", remoteHosts({ hosts: [{ ...HOST, pogRecord: undefined }] })], "needs exactly one of pogRecord"],
      [["--remote-hosts", remoteHosts({ hosts: [{ ...HOST, agent: "miner:8091" }] })], "hosts[0].agent must be an http(s) URL"],
      [["--remote-hosts", remoteHosts({ hosts: [HOST], relativeTolerance: 2 })], "relativeTolerance must be a number in [0, 1)"],
    ] as const) {
      await expect(runValidate([...args, "--db", "v.db"], io().io)).rejects.toThrow(message);
    }
    expect(existsSync(path.join(dir, "v.db"))).toBe(false);
  });

  test("error: status --api must be an http(s) URL", async () => {
    await expect(runStatus(["--api", "validator:8080", "--hotkey", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"], io().io)).rejects.toThrow("--api must be an http:// or https:// URL");
  });

  test("error: status names a missing wallet", async () => {
    await expect(runStatus(["--wallet.path", path.join(dir, "no-wallets")], io().io)).rejects.toThrow("no-wallets");
  });
});
