/**
 * The evaluation stage up to the runs, on a real store and a real HTTP server: download once and
 * store by content, transient failures re-queued with backoff then failed, permanent failures and
 * hash mismatches failed at once, content duplicates, and a scan rejection that starts nothing.
 * (The runs themselves are covered end to end in test/e2e with the CPU image.)
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { errAsync, okAsync } from "neverthrow";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { parseHparams, type Hparams } from "../../src/config/index.js";
import type { EvaluationRunner } from "../../src/evaluation/index.js";
import { getCode, getMeta, getSubmission, insertSubmission, openStore, runsOfSubmission, updateSubmission, type Store } from "../../src/store/index.js";
import { createLogger, ensureVersionStart, evaluateNext, MAX_MACHINERY_FAILURES, MAX_VOID_ATTEMPTS, type EvaluateNextParameters } from "../../src/validator/index.js";

const REPO = path.join(import.meta.dirname, "..", "..");
const GOOD = readFileSync(path.join(REPO, "local_test", "single_gpu", "train.py"));
const EVIL = Buffer.from(`${GOOD.toString("utf8")}\nimport subprocess\nsubprocess.run(["sh"])\n`);
const hash32 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex").slice(0, 32);

let server: Server;
let base: string;
let dir: string;
let store: Store;
let hparams: Hparams;
let block = 1000;
const lines: string[] = [];

/** A runner that must never be reached on these paths. */
const unreachableRunner = new Proxy({} as EvaluationRunner, {
  get: (_t, prop) => {
    if (prop === "device") return "cpu";
    if (prop === "kind") return "docker";
    if (prop === "then") return undefined;
    throw new Error(`the runner was used (${String(prop)}) on a path that must start nothing`);
  },
});

function params(extra: Partial<EvaluateNextParameters> = {}): EvaluateNextParameters {
  return {
    store, hparams, runner: unreachableRunner, workDir: dir, numGpus: 1, currentBlock: async () => block, evaluatorHotkey: "v",
    log: createLogger({ write: (l) => lines.push(l) }), download: { allowPrivateHosts: ["127.0.0.1"] }, downloadBackoffMs: 1, ...extra,
  };
}

function queue(id: string, file: string, code: Uint8Array, revealBlock = 900): void {
  insertSubmission(store, { submissionId: id, minerHotkey: `hk-${id}`, minerUid: 1, codeHash: hash32(code), bucketPath: `${base}/${file}`, specVersion: 19, revealBlock, paymentVerified: false });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = (req.url ?? "").split("?")[0];
    if (url === "/good.py" || url === "/copy.py") return void res.end(GOOD);
    if (url === "/evil.py") return void res.end(EVIL);
    if (url === "/down.py") return void res.writeHead(503).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hparams = parseHparams(JSON.parse(readFileSync(path.join(REPO, "hparams", "hparams.json"), "utf8")))._unsafeUnwrap();
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "crusades-evalnext-"));
  store = openStore(path.join(dir, "c.db"))._unsafeUnwrap();
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("evaluateNext", () => {
  test("behavior: an empty queue does nothing", async () => {
    expect((await evaluateNext(params()))._unsafeUnwrap()).toBeNull();
  });

  test("behavior: a scan rejection stores the violations and starts no container", async () => {
    queue("evil", "evil.py", EVIL);
    const out = (await evaluateNext(params()))._unsafeUnwrap();
    expect(out).toMatchObject({ submissionId: "evil", status: "failed", errorCode: "scan_rejected" });
    const s = getSubmission(store, "evil")!;
    expect(s.scanViolations?.length).toBeGreaterThan(0);
    expect(s.scannerRulesHash).toMatch(/^[0-9a-f]{64}$/);
    // Downloaded once and kept by content.
    expect(getCode(store, s.codeSha256!)).toEqual(new Uint8Array(EVIL));
  });

  test("error: a changed file fails with the reference's hash message", async () => {
    insertSubmission(store, { submissionId: "x", minerHotkey: "hk", minerUid: 1, codeHash: "0".repeat(32), bucketPath: `${base}/good.py`, specVersion: 19, revealBlock: 900, paymentVerified: false });
    const out = (await evaluateNext(params()))._unsafeUnwrap();
    expect(out).toMatchObject({ status: "failed", errorCode: "hash_mismatch" });
    expect(getSubmission(store, "x")?.errorMessage).toBe("Code hash mismatch — URL content changed after commitment");
  });

  test("error: a 404 fails at once, with the reference's wording", async () => {
    queue("gone", "gone.py", GOOD);
    expect((await evaluateNext(params()))._unsafeUnwrap()).toMatchObject({ status: "failed", errorCode: "download_failed" });
    expect(getSubmission(store, "gone")?.errorMessage).toBe("Failed to download code: HTTP error 404: Not Found");
  });

  test("behavior: a 503 is re-queued with backoff, then failed after max_attempts", async () => {
    queue("down", "down.py", GOOD);
    const max = hparams.download.max_attempts;
    for (let attempt = 1; attempt < max; attempt++) {
      updateSubmission(store, "down", { nextAttemptAt: null }); // the backoff has passed
      expect((await evaluateNext(params()))._unsafeUnwrap()).toMatchObject({ status: "queued" });
      const s = getSubmission(store, "down")!;
      expect(s.downloadAttempts).toBe(attempt);
      expect(s.nextAttemptAt).not.toBeNull();
      expect(s.firstAttemptBlock).toBe(1000);
    }
    // Not due yet: the queue is empty until the backoff passes.
    updateSubmission(store, "down", { nextAttemptAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await evaluateNext(params()))._unsafeUnwrap()).toBeNull();
    updateSubmission(store, "down", { nextAttemptAt: null });
    expect((await evaluateNext(params()))._unsafeUnwrap()).toMatchObject({ status: "failed", errorCode: "download_failed" });
  });

  test("behavior: the same code under another URL, later, is a duplicate and is not evaluated", async () => {
    queue("first", "evil.py", EVIL, 900);
    await evaluateNext(params());
    queue("copy", "evil.py?copy", EVIL, 950);
    const out = (await evaluateNext(params()))._unsafeUnwrap();
    expect(out).toMatchObject({ submissionId: "copy", status: "duplicate", errorCode: "duplicate_content" });
    expect(getSubmission(store, "copy")?.errorMessage).toBe("same code as first");
  });
});

/** A runner whose reference step always ends past its deadline: every run is void. */
function brokenRunner(): { runner: EvaluationRunner; references: () => number } {
  let references = 0;
  const runner = {
    kind: "docker", device: "cpu", model: "tiny", supervisorUid: null, chownRunDirs: false, launch: "exec",
    paths: () => undefined, provenance: { imageId: null, imageTag: null, harnessHash: null, sandboxProfile: "strict" },
    runReference: () => {
      references++;
      return okAsync({ end: "deadline_exceeded" as const, exitCode: null, oomKilled: false, durationMs: 1, hostError: null });
    },
    runCandidate: () => {
      throw new Error("no candidate may start after a void reference");
    },
  } as EvaluationRunner;
  return { runner, references: () => references };
}

describe("evaluateNext: runs voided by the validator's own trouble", () => {
  test("behavior: each re-queue makes new runs; after MAX_VOID_ATTEMPTS rounds the submission fails for an operator", async () => {
    queue("unlucky", "good.py", GOOD);
    const { runner, references } = brokenRunner();
    const perRound = hparams.evaluation.max_void_retries + 1;
    for (let round = 1; round < MAX_VOID_ATTEMPTS; round++) {
      updateSubmission(store, "unlucky", { nextAttemptAt: null });
      expect((await evaluateNext(params({ runner })))._unsafeUnwrap()).toMatchObject({ status: "queued" });
      expect(references()).toBe(round * perRound); // a fresh retry budget every round
      expect(runsOfSubmission(store, "unlucky").filter((r) => r.status === "void")).toHaveLength(round * perRound);
    }
    updateSubmission(store, "unlucky", { nextAttemptAt: null });
    const out = (await evaluateNext(params({ runner })))._unsafeUnwrap();
    expect(out).toMatchObject({ status: "failed", errorCode: "fatal:infrastructure_error" });
    expect(references()).toBe(MAX_VOID_ATTEMPTS * perRound);
    expect(getSubmission(store, "unlucky")?.errorMessage).toMatch(/could not complete a run in \d+ attempts/);
  });
});

describe("evaluateNext: runs made under another setup", () => {
  test("behavior: after an hparams change the stored runs are superseded (kept, never counted) and the runs start over", async () => {
    queue("changed", "good.py", GOOD);
    const { runner, references } = brokenRunner();
    const perRound = hparams.evaluation.max_void_retries + 1;
    await evaluateNext(params({ runner }));
    expect(runsOfSubmission(store, "changed")).toHaveLength(perRound);
    updateSubmission(store, "changed", { nextAttemptAt: null });
    const changed = { ...hparams, min_success_rate: 0.6 };
    expect((await evaluateNext(params({ runner, hparams: changed })))._unsafeUnwrap()).toMatchObject({ status: "queued" });
    expect(references()).toBe(2 * perRound);
    expect(runsOfSubmission(store, "changed")).toHaveLength(perRound); // only the new setup's runs count
    expect(runsOfSubmission(store, "changed", { includeSuperseded: true })).toHaveLength(2 * perRound);
    expect(lines.some((l) => l.includes("superseded"))).toBe(true);
  });
});

describe("evaluateNext: failures of the validator's machinery", () => {
  test("behavior: each failure defers the submission with backoff, never spinning; after MAX_MACHINERY_FAILURES it fails", async () => {
    queue("stuck", "good.py", GOOD);
    let starts = 0;
    const runner = {
      kind: "docker", device: "cpu", model: "tiny", supervisorUid: null, chownRunDirs: false, launch: "exec",
      paths: () => undefined, provenance: { imageId: null, imageTag: null, harnessHash: null, sandboxProfile: "strict" },
      runReference: () => {
        starts++;
        return errAsync({ type: "docker_unavailable" as const, message: "connect ENOENT /var/run/docker.sock", cause: null });
      },
      runCandidate: () => errAsync({ type: "docker_unavailable" as const, message: "unreachable", cause: null }),
    } as EvaluationRunner;
    let previousDelay = 0;
    for (let failure = 1; failure < MAX_MACHINERY_FAILURES; failure++) {
      expect((await evaluateNext(params({ runner }))).isErr()).toBe(true);
      const s = getSubmission(store, "stuck")!;
      expect(s).toMatchObject({ status: "queued", machineryFailures: failure });
      const delay = Date.parse(s.nextAttemptAt!) - Date.now();
      expect(delay).toBeGreaterThan(previousDelay); // exponential backoff
      previousDelay = delay;
      expect((await evaluateNext(params({ runner })))._unsafeUnwrap()).toBeNull(); // not due: nothing runs
      updateSubmission(store, "stuck", { nextAttemptAt: null });
    }
    expect(starts).toBe(MAX_MACHINERY_FAILURES - 1);
    expect((await evaluateNext(params({ runner }))).isErr()).toBe(true);
    expect(getSubmission(store, "stuck")).toMatchObject({ status: "failed", errorCode: "fatal:infrastructure_error", errorMessage: expect.stringMatching(/failed 5 times .* ENOENT/) });
    expect(lines.some((l) => l.includes("evaluation abandoned after repeated machinery failures"))).toBe(true);
  });
});

describe("ensureVersionStart", () => {
  test("behavior: a fresh store starts at the given block, a new version resets, the same version keeps", () => {
    const log = createLogger({ write: () => undefined });
    expect(ensureVersionStart(store, hparams, 5000, undefined, log)).toBe(5000);
    expect(ensureVersionStart(store, hparams, 6000, 10, log)).toBe(5000);
    const next = { ...hparams, competition_version: 20 };
    expect(ensureVersionStart(store, next, 7000, undefined, log)).toBe(7000);
    expect(getMeta(store, "competition_version")).toBe("20");
  });
});
