/**
 * `crusades evaluate` as a user runs it (the real binary through tsx): usage errors, the Docker run
 * with --json, --no-scan's warning, Ctrl-C removing the containers, and --runner local.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { describe, expect, test } from "vitest";
import { OWNER_PID_LABEL } from "../../src/evaluation/index.js";
import { dockerUnavailableReason, REPO, testHparams, workDir } from "./docker-env.js";

const reason = await dockerUnavailableReason();
if (reason !== null) console.warn(`[cli.test] Docker tests skipped: ${reason}`);
const torchPython = spawnSync("/usr/bin/python3", ["-c", "import torch"]).status === 0;
if (!torchPython) console.warn("[cli.test] --runner local test skipped: /usr/bin/python3 cannot import torch");

const BIN = join(REPO, "bin", "crusades.ts");
const ATTACKS = join(import.meta.dirname, "fixtures", "attacks");

function hparamsFile(dir: string): string {
  const path = join(dir, "hparams.json");
  writeFileSync(path, JSON.stringify(testHparams()));
  return path;
}

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly pid: number;
}

/** Runs the CLI; `onStderr` may send signals. */
function cli(args: readonly string[], env: Record<string, string> = {}, onStderr?: (text: string, pid: number) => void): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", BIN, ...args], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
      onStderr?.(stderr, child.pid!);
    });
    child.on("close", (code) => resolve({ code, stdout, stderr, pid: child.pid! }));
  });
}

async function containersOf(pid: number): Promise<string[]> {
  const list = await new Docker().listContainers({ all: true, filters: { label: [`${OWNER_PID_LABEL}=${pid}`] } });
  return list.map((c) => c.Names?.[0] ?? c.Id);
}

describe("crusades evaluate: arguments", () => {
  test("behavior: --help prints the usage, exit 0", async () => {
    const r = await cli(["evaluate", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: crusades evaluate <train.py>");
    expect(r.stdout).toContain("--no-scan");
  });
  test.each([
    [["evaluate"], "exactly one train.py"],
    [["evaluate", "a.py", "b.py"], "exactly one train.py"],
    [["evaluate", "local_test/single_gpu/train.py", "--runner", "ssh"], "--runner must be docker, local or remote"],
    [["evaluate", "local_test/single_gpu/train.py", "--lease", "0123"], "--agent, --lease, --miner-hotkey and --pog-record go with --runner remote"],
    [["evaluate", "local_test/single_gpu/train.py", "--runner", "remote"], "--runner remote needs --agent <url> --miner-hotkey <ss58> --lease <id>"],
    [["evaluate", "local_test/single_gpu/train.py", "--runner", "remote", "--agent", "http://127.0.0.1:1", "--miner-hotkey", "5F", "--lease", "0123"], "--runner remote needs --pog-record <file>"],
    [["evaluate", "local_test/single_gpu/train.py", "--gpus", "0"], "--gpus must be an integer >= 1"],
    [["evaluate", "local_test/single_gpu/train.py", "--runs", "x"], "--runs must be an integer >= 1"],
    [["evaluate", "does-not-exist.py"], "no such file"],
    [["evaluate", "local_test/single_gpu/train.py", "--runner", "local", "--image", "my:tag"], "--runner local takes --image cpu or gpu only"],
    [["evaluate", "local_test/single_gpu/train.py", "--bogus"], "Unknown option"],
  ])("error: %j exits 2 with one line", async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe("");
  });
});

describe.skipIf(reason !== null)("crusades evaluate on the CPU image (Docker)", () => {
  test("behavior: --json: one JSON object, passed, exit 0, no container left", async () => {
    const dir = workDir();
    const r = await cli(["evaluate", "local_test/single_gpu/train.py", "--image", "cpu", "--json", "--work-dir", dir], { CRUSADES_HPARAMS_PATH: hparamsFile(dir) });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const doc = JSON.parse(lines[0]!) as Record<string, unknown> & { runs: { checks: { id: string }[] }[] };
    expect(doc).toMatchObject({ passed: true, errorCode: null, device: "cpu", runner: "docker", mfuComparable: false });
    expect(doc.runs[0]!.checks.map((c) => c.id)).toContain("weight_error");
    expect(r.stderr).toMatch(/reference run started/);
    expect(await containersOf(r.pid)).toEqual([]);
  });

  test("behavior: the table names every check and says MFU on the CPU image is not comparable", async () => {
    const dir = workDir();
    const r = await cli(["evaluate", "local_test/single_gpu/train.py", "--image", "cpu", "--work-dir", dir], { CRUSADES_HPARAMS_PATH: hparamsFile(dir) });
    expect(r.code, r.stderr).toBe(0);
    for (const id of ["supervisor_status", "state_delivery", "changed_ratio", "token_count", "loss_difference", "weight_error", "mfu_minimum"]) {
      expect(r.stdout).toContain(id);
    }
    expect(r.stdout).toMatch(/MFU [0-9.e+-]+%\s+tokens\/s/);
    expect(r.stdout).toContain("NOT comparable with GPU figures");
    expect(r.stdout).toMatch(/^PASSED/m);
  });

  test("error: --no-scan warns loudly; an attack then fails with its code, exit 1", async () => {
    const dir = workDir();
    const file = join(dir, "train.py");
    writeFileSync(file, Buffer.concat([readFileSync(join(ATTACKS, "base.py")), Buffer.from("\n\n"), readFileSync(join(ATTACKS, "wrong_total_tokens.py"))]));
    const r = await cli(["evaluate", file, "--image", "cpu", "--no-scan", "--work-dir", dir], { CRUSADES_HPARAMS_PATH: hparamsFile(dir) });
    expect(r.stderr).toContain("WARNING: --no-scan: the static scan is OFF");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAILED token_count_mismatch/m);
  });

  test("error: without --no-scan the same kind of file is rejected before any container, exit 1", async () => {
    const dir = workDir();
    const file = join(dir, "train.py");
    writeFileSync(file, Buffer.concat([readFileSync(join(ATTACKS, "base.py")), Buffer.from("\n\n"), readFileSync(join(ATTACKS, "network_access.py"))]));
    const r = await cli(["evaluate", file, "--image", "cpu", "--json", "--work-dir", dir], { CRUSADES_HPARAMS_PATH: hparamsFile(dir) });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ passed: false, errorCode: "scan_rejected", runs: [] });
  });

  test("behavior: Ctrl-C during the candidate run removes its container and exits 2", async () => {
    const dir = workDir();
    const file = join(dir, "train.py");
    writeFileSync(file, Buffer.concat([readFileSync(join(ATTACKS, "base.py")), Buffer.from("\n\n"), readFileSync(join(ATTACKS, "sleep_past_deadline.py"))]));
    let sent = false;
    let seen: string[] = [];
    const t0 = performance.now();
    const r = await cli(["evaluate", file, "--image", "cpu", "--no-scan", "--work-dir", dir], { CRUSADES_HPARAMS_PATH: hparamsFile(dir) }, (text, pid) => {
      if (!sent && text.includes("candidate run started")) {
        sent = true;
        setTimeout(() => {
          void containersOf(pid).then((c) => {
            seen = c;
            process.kill(pid, "SIGINT");
          });
        }, 4000);
      }
    });
    expect(sent).toBe(true);
    expect(seen.length).toBe(1);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("SIGINT: stopping and removing the evaluation containers");
    expect(r.stderr).toContain("interrupted");
    expect(performance.now() - t0).toBeLessThan(90_000);
    expect(await containersOf(r.pid)).toEqual([]);
  });
});

describe.skipIf(!torchPython)("crusades evaluate --runner local", () => {
  test("behavior: plain local processes, with the warning, exit 0", async () => {
    const dir = workDir();
    const r = await cli(["evaluate", "local_test/single_gpu/train.py", "--runner", "local", "--image", "cpu", "--json", "--work-dir", dir], {
      CRUSADES_HPARAMS_PATH: hparamsFile(dir),
      PATH: "/usr/bin:/bin",
      XDG_CACHE_HOME: join(dir, "cache"),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("a validator never uses it for other people's code");
    expect(JSON.parse(r.stdout)).toMatchObject({ passed: true, runner: "local", device: "cpu" });
  });
});
