/**
 * A real store in a temp folder, filled with the store's own functions the way the validator's
 * stages fill it, and an API server on an ephemeral port over it.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createApiServer, type ApiServer, type ApiServerOptions } from "../../src/api/index.js";
import { parseHparams, type CodeDisclosure, type Hparams } from "../../src/config/index.js";
import type { RunResult } from "../../src/evaluation/index.js";
import { updateLeader } from "../../src/scoring/index.js";
import { applyLeaderUpdate, getLeaderState, insertRun, insertSubmission, openStore, putCode, recordIngested, recordWeightSet, setCursor, updateSubmission, type Store } from "../../src/store/index.js";

export const VERSION = 19;
const REPO = path.join(import.meta.dirname, "..", "..");

/** The project's hparams with the §0.1 threshold values and the given disclosure mode. */
export function testHparams(codeDisclosure: CodeDisclosure = "after_superseded", overrides: Record<string, unknown> = {}): Hparams {
  const json = JSON.parse(readFileSync(path.join(REPO, "hparams", "hparams.json"), "utf8")) as Record<string, unknown>;
  return parseHparams({
    ...json,
    competition_version: VERSION,
    adaptive_threshold: { base_threshold: 0.01, decay_percent: 0.05, decay_interval_blocks: 100 },
    api: { code_disclosure: codeDisclosure },
    ...overrides,
  })._unsafeUnwrap();
}

/** A temp store; `cleanup` closes it and removes the folder. */
export function tempStore(): { readonly store: Store; readonly file: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "crusades-api-"));
  const file = path.join(dir, "crusades.db");
  const store = openStore(file)._unsafeUnwrap();
  return {
    store,
    file,
    cleanup: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A complete run record: every field of §E.10 filled, figures consistent with `mfu`. */
export function runResult(submissionId: string, runNo: number, o: { readonly mfu: number; readonly status?: RunResult["status"]; readonly errorCode?: string | null; readonly error?: string | null }): RunResult {
  const status = o.status ?? "success";
  const ok = status === "success";
  return {
    runId: `${submissionId}-run${runNo}`,
    runNo,
    seed: `seed-${runNo}`,
    status,
    errorCode: o.errorCode ?? (ok ? null : status === "void" ? "infrastructure_error" : "loss_mismatch"),
    error: o.error ?? (ok ? null : "loss differs from the reference by 0.9"),
    mfu: o.mfu,
    tps: 1234.5,
    totalUniqueTokens: 655_360,
    measured: { mfu: o.mfu, rawMfu: o.mfu, tps: 1234.5, tokensPerRank: 163_840, totalUniqueTokens: 655_360, modelFlops: 2.9e16, outcome: "ok" },
    timing: { trainingSeconds: 530.2, deliverySeconds: 3.1, allowedWriteSeconds: 12, deliveryBoundSeconds: 30, deliveryWithinBound: true, timedWallSeconds: 531 },
    referenceLoss: 2.5,
    candidateLoss: 2.51,
    modelParams: 7_600_000_000,
    strategy: { dpSize: 4, tpSize: 1, numGpus: 4 },
    checks: [
      { id: "supervisor_status", status: "pass", binding: true, figure: null, threshold: null, comparison: "status == ok", code: "supervisor_failed", message: "ok" },
      { id: "mfu_plausible", status: "pass", binding: true, figure: o.mfu, threshold: 85, comparison: "mfu <= 85", code: "implausible_mfu", message: "plausible" },
    ],
    verification: {
      relativeError: 0.004,
      diffNorm: 0.4,
      refNorm: 100,
      weightElements: 1000,
      changedRatio: 0.9,
      changedElements: 900,
      totalElements: 1000,
      elementThreshold: 1e-6,
      referenceLoss: 2.5,
      candidateLoss: 2.51,
      expectedTokens: 655_360,
      actualTokens: 655_360,
      missingKeys: [],
      invalidShapeKeys: [],
      shapeMismatchedLayers: [],
      errorExceededLayers: [],
      extraKeys: [],
      droppedKeys: [],
      nanElements: 0,
      infElements: 0,
      layers: [{ name: "lm_head.weight", numel: 1000, comparedWithReference: true, comparedWithInitial: true, diffSq: 0.16, refSq: 10_000, relativeError: 0.004, changedElements: 900, nanElements: 0, infElements: 0 }],
      bytesRead: 4000,
      seconds: 1.5,
    },
    supervisor: { status: "ok" },
    mfuComparable: true,
    steps: {
      reference: { end: "exited", exitCode: 0, oomKilled: false, durationMs: 600_000, logPath: "/runs/x/reference.log" },
      candidate: { end: "exited", exitCode: 0, oomKilled: false, durationMs: 540_000, logPath: "/runs/x/candidate.log" },
    },
    durations: { referenceMs: 600_000, candidateMs: 540_000, verifyMs: 1500, totalMs: 1_141_500 },
    runDir: `/runs/${submissionId}/${runNo}`,
    provenance: {
      imageId: "sha256:" + "1".repeat(64),
      imageTag: "crusades-env:gpu",
      harnessHash: "2".repeat(64),
      referenceHarnessHash: "2".repeat(64),
      scannerRulesHash: "3".repeat(64),
      hparamsHash: "4".repeat(64),
      codeSha256: "5".repeat(64),
      seed: `seed-${runNo}`,
      taskId: 7,
      initialStateSha256: "6".repeat(64),
      referenceStateSha256: "7".repeat(64),
      candidateStateSha256: "8".repeat(64),
      referenceJsonSha256: "9".repeat(64),
      supervisorResultSha256: "a".repeat(64),
      device: "cuda",
      runner: "docker",
      sandboxProfile: "strict",
      versions: { torch: "2.7.0" },
    },
  };
}

/** Inserts a queued submission of `version` (default the current one). */
export function addSubmission(store: Store, id: string, o: { readonly hotkey: string; readonly uid: number; readonly revealBlock: number; readonly version?: number; readonly url?: string }): void {
  insertSubmission(store, {
    submissionId: id,
    minerHotkey: o.hotkey,
    minerUid: o.uid,
    codeHash: `${id.replace(/[^0-9a-f]/g, "")}${"c".repeat(32)}`.slice(0, 32),
    bucketPath: o.url ?? `https://gist.githubusercontent.com/${o.hotkey}/${id}/raw/train.py`,
    specVersion: o.version ?? VERSION,
    revealBlock: o.revealBlock,
    paymentVerified: true,
  });
}

/** Stores the code of a submission as the download stage does; returns its SHA-256. */
export function storeCode(store: Store, id: string, code: string): string {
  const sha = putCode(store, new TextEncoder().encode(code));
  updateSubmission(store, id, { codeSha256: sha, status: "scanning" });
  return sha;
}

/**
 * Finalises a submission as the evaluation stage does: its runs, `finished` with `score`, and the
 * leader update, in one transaction.
 */
export function finishSubmission(store: Store, hparams: Hparams, id: string, o: { readonly score: number; readonly block: number; readonly runs: readonly RunResult[]; readonly version?: number }): void {
  const version = o.version ?? VERSION;
  for (const r of o.runs) insertRun(store, id, r, "5ValidatorHotkey");
  store.transaction(() => {
    updateSubmission(store, id, { status: "finished", finalScore: o.score, finishedBlock: o.block, strategy: { dpSize: 4, tpSize: 1, numGpus: 4 } });
    applyLeaderUpdate(store, version, updateLeader(getLeaderState(store, version), { submissionId: id, score: o.score, block: o.block }, hparams.adaptive_threshold)._unsafeUnwrap());
  });
}

/** Sets a row's `created_at` (test clock only: the store stamps rows with the real time). */
export function setCreatedAt(store: Store, submissionId: string, iso: string): void {
  store.db.prepare(`UPDATE submissions SET created_at = ? WHERE submission_id = ?`).run(iso, submissionId);
}

/** A started server and a `get` that parses JSON bodies. */
export interface StartedApi {
  readonly api: ApiServer;
  readonly url: string;
  get(p: string, init?: RequestInit): Promise<{ readonly status: number; readonly headers: Headers; readonly text: string; readonly body: any }>;
  close(): Promise<void>;
}

/** Starts an API server on 127.0.0.1, port 0. */
export async function startApi(options: Omit<ApiServerOptions, "host" | "port">): Promise<StartedApi> {
  const api = createApiServer({ cacheMs: 0, ...options, host: "127.0.0.1", port: 0 });
  const { url } = await api.listen();
  return {
    api,
    url,
    get: async (p, init) => {
      const res = await fetch(`${url}${p}`, init);
      const text = await res.text();
      const json = res.headers.get("content-type")?.startsWith("application/json") && text !== "" ? (JSON.parse(text) as unknown) : undefined;
      return { status: res.status, headers: res.headers, text, body: json };
    },
    close: () => api.close(),
  };
}

/** The ids of {@link populate}'s submissions. */
export const IDS = {
  a: "v19_commit_100_1", // finished 50, first leader, superseded by B
  b: "v19_commit_200_2", // finished 60, the leader
  c: "v19_commit_300_3", // finished 61, within B's threshold: not the leader
  d: "v19_commit_350_4", // failed: scan_rejected
  e: "v19_commit_360_5", // duplicate of B's code
  f: "v19_commit_400_6", // queued
  g: "v19_commit_380_7", // evaluating
  x: "v18_commit_50_9", // another competition version (18), its leader
} as const;

/** The code of a submission in {@link populate}. */
export const codeOf = (id: string) => `def inner_steps(model, data_iterator, optimizer, num_steps, device):\n    # ${id}\n    return None\n`;

/**
 * The scenario the endpoint tests read, relative to `now`:
 * A (3 days ago) leads at block 110 with 50; B (2 h ago) takes over at 210 with 60 (threshold 0.2);
 * C (1 h ago) finishes at 310 with 61, inside B's threshold; D failed the scan; E is a duplicate of
 * B's code; G is evaluating; F is queued; X is version 18's leader. Runs: A 3 + 1 void, B 2 + 1
 * failed, C 3, X 2. Commitments, two weight settings and both cursors are recorded too.
 */
export function populate(store: Store, hparams: Hparams, now: Date): { readonly shaB: string } {
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const H = 3_600_000;
  addSubmission(store, IDS.a, { hotkey: "hkA", uid: 1, revealBlock: 100 });
  storeCode(store, IDS.a, codeOf(IDS.a));
  finishSubmission(store, hparams, IDS.a, {
    score: 50,
    block: 110,
    runs: [runResult(IDS.a, 1, { mfu: 50 }), runResult(IDS.a, 2, { mfu: 0, status: "void" }), runResult(IDS.a, 3, { mfu: 52 }), runResult(IDS.a, 4, { mfu: 51 })],
  });
  addSubmission(store, IDS.b, { hotkey: "hkB", uid: 2, revealBlock: 200 });
  const shaB = storeCode(store, IDS.b, codeOf(IDS.b));
  finishSubmission(store, hparams, IDS.b, { score: 60, block: 210, runs: [runResult(IDS.b, 1, { mfu: 60 }), runResult(IDS.b, 2, { mfu: 0, status: "failed" }), runResult(IDS.b, 3, { mfu: 61 })] });
  addSubmission(store, IDS.c, { hotkey: "hkC", uid: 3, revealBlock: 300 });
  storeCode(store, IDS.c, codeOf(IDS.c));
  finishSubmission(store, hparams, IDS.c, { score: 61, block: 310, runs: [1, 2, 3].map((n) => runResult(IDS.c, n, { mfu: 61 })) });
  addSubmission(store, IDS.d, { hotkey: "hkC", uid: 3, revealBlock: 350 });
  storeCode(store, IDS.d, "import ctypes\n" + codeOf(IDS.d));
  updateSubmission(store, IDS.d, { status: "failed", errorCode: "scan_rejected", errorMessage: "1 violation", scanViolations: [{ rule: "forbidden_import", line: 1, col: 0, message: "import of ctypes" }] });
  addSubmission(store, IDS.e, { hotkey: "hkE", uid: 5, revealBlock: 360 });
  storeCode(store, IDS.e, codeOf(IDS.b));
  updateSubmission(store, IDS.e, { status: "duplicate", errorMessage: `same code as ${IDS.b}` });
  addSubmission(store, IDS.g, { hotkey: "hkG", uid: 7, revealBlock: 380 });
  storeCode(store, IDS.g, codeOf(IDS.g));
  updateSubmission(store, IDS.g, { status: "evaluating" });
  addSubmission(store, IDS.f, { hotkey: "hkF", uid: 6, revealBlock: 400 });
  addSubmission(store, IDS.x, { hotkey: "hkX", uid: 9, revealBlock: 50, version: 18 });
  storeCode(store, IDS.x, codeOf(IDS.x));
  finishSubmission(store, hparams, IDS.x, { score: 99, block: 60, version: 18, runs: [runResult(IDS.x, 1, { mfu: 99 }), runResult(IDS.x, 2, { mfu: 99 })] });

  const created: Record<string, string> = { [IDS.a]: ago(72 * H), [IDS.b]: ago(2 * H), [IDS.c]: ago(H), [IDS.d]: ago(50 * 60_000), [IDS.e]: ago(40 * 60_000), [IDS.g]: ago(30 * 60_000), [IDS.f]: ago(5 * 60_000), [IDS.x]: ago(240 * H) };
  for (const [id, iso] of Object.entries(created)) setCreatedAt(store, id, iso);

  const entry = (hotkey: string, revealBlock: number, outcome: Parameters<typeof recordIngested>[1]["outcome"], submissionId: string | null, rawText: string | null, specVersion = VERSION) =>
    recordIngested(store, { hotkey, revealBlock, payloadSha256: `${hotkey}-${revealBlock}`, source: "revealed", listIndex: 0, uid: 1, rawText, outcome, reason: outcome === "accepted" ? null : `${outcome} because`, submissionId, specVersion, ingestedBlock: revealBlock + 5 });
  entry("hkA", 100, "accepted", IDS.a, `${"a".repeat(32)}https://gist.githubusercontent.com/hkA/${IDS.a}/raw/train.py`);
  entry("hkB", 200, "accepted", IDS.b, `${"b".repeat(32)}https://gist.githubusercontent.com/hkB/${IDS.b}/raw/train.py`);
  entry("hkD", 450, "rate_limited", null, `${"d".repeat(32)}https://gist.githubusercontent.com/hkD/secret/raw/train.py`);
  entry("hkC", 460, "rejected_format", null, "not a commitment");
  entry("hkX", 50, "accepted", IDS.x, "x", 18);
  setCursor(store, "revealed", 700, "0xabc");
  setCursor(store, "plain", 650, null);
  const leader = getLeaderState(store, VERSION);
  recordWeightSet(store, { block: 500, uids: [1, 2], weights: [1, 0], leader, mode: "set_weights", txHash: "0xfeed", outcome: "set", error: null });
  recordWeightSet(store, { block: 600, uids: [1, 2], weights: [1, 0], leader, mode: "unknown", txHash: null, outcome: "failed", error: "rate limited by the chain" });
  return { shaB };
}
