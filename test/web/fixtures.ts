/**
 * Canned API answers (spec crusades.md §J.2 field names) and a node:http server that serves the
 * dashboard page with them, for the dashboard tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { serveDashboard } from "../../src/web/index.js";

/** A submission name that would run script if it were ever parsed as HTML. */
export const XSS_NAME = "v19_commit_<img src=x onerror=alert(1)>_13";
export const XSS_ERROR = "<script>alert(2)</script>";
export const XSS_VIOLATION = "<img src=x onerror=alert(3)>";
export const LEADER_ID = "v19_commit_100_7";
/** The leaderboard's UIDs in rank order (12 entries; the page shows the first 10). */
export const LEADER_UIDS = [7, 13, 21, 3, 99, 4, 5, 6, 8, 9, 10, 11] as const;
export const API_KEY = "s3cret-key";

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

export const OVERVIEW = {
  submissions_24h: 12,
  current_top_score: 61.2345,
  mfu_to_beat: 61.8468,
  adaptive_threshold: 0.01,
  score_improvement_24h: 3.2,
  total_submissions: 345,
  active_miners: 9,
};

export const VALIDATOR = {
  status: "running",
  evaluations_completed_1h: 4,
  current_evaluation: { submission_id: "v19_commit_990_42", miner_uid: 42 },
  uptime: "2d 3h 4m",
  queued_count: 3,
  running_count: 1,
  finished_count: 300,
  failed_count: 41,
  success_rate: "88.0%",
};

// One raw dip (54 after 55): the chart must still draw the running maximum.
export const HISTORY = [50, 55, 54, 60, 61.2345].map((mfu, i) => ({ submission_id: `v19_commit_${i}_1`, mfu, timestamp: hoursAgo(50 - i * 10) }));

export function leaderboard() {
  return LEADER_UIDS.map((uid, i) => ({
    rank: i + 1,
    submission_id: i === 0 ? LEADER_ID : i === 1 ? XSS_NAME : `v19_commit_${200 + i}_${uid}`,
    miner_hotkey: `5Hotkey${uid}`.padEnd(48, "x"),
    miner_uid: uid,
    final_score: 61.2345 - i,
    num_evaluations: 3,
    created_at: hoursAgo(i + 1).replace("Z", ""), // naive UTC, as the reference stores it
  }));
}

export function recent() {
  return Array.from({ length: 12 }, (_, i) => ({
    submission_id: i === 0 ? XSS_NAME : `v19_commit_${300 + i}_${i}`,
    miner_hotkey: `5Recent${i}`,
    miner_uid: i === 0 ? 13 : 100 + i,
    status: i % 3 === 0 ? "failed" : "finished",
    final_score: i % 3 === 0 ? null : 40 + i,
    created_at: hoursAgo(i * 0.5),
    error: i === 0 ? XSS_ERROR : null,
  }));
}

export const LEADER_CODE = 'import torch\n\ndef inner_steps(model, data):\n    # fast path\n    return "ok"\n';

const provenance = (run: number) => ({
  hparamsHash: `hp${run}`.padEnd(64, "a"),
  scannerRulesHash: "rules".padEnd(64, "b"),
  harnessHash: "harness".padEnd(64, "c"),
  imageId: "sha256:".padEnd(71, "d"),
  codeSha256: "code".padEnd(64, "e"),
  seed: `seed-${run}`,
});

export const SUBMISSIONS: Readonly<Record<string, unknown>> = {
  [LEADER_ID]: {
    submission_id: LEADER_ID,
    miner_hotkey: "5LeaderHotkeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAzz9",
    miner_uid: 7,
    code_hash: "0123456789abcdef0123456789abcdef",
    bucket_path: "https://code.example/leader.py",
    status: "finished",
    project_status: "finished",
    final_score: 61.2345,
    error_message: null,
    error_code: null,
    code_content: LEADER_CODE,
    code_disclosed: true,
    scan_violations: [],
    created_at: hoursAgo(1),
  },
  [XSS_NAME]: {
    submission_id: XSS_NAME,
    miner_hotkey: "5Hotkey13",
    miner_uid: 13,
    code_hash: "fedcba9876543210fedcba9876543210",
    bucket_path: null,
    status: "failed",
    project_status: "failed",
    final_score: null,
    error_message: "1 violation(s)",
    error_code: "scan_rejected",
    code_content: null,
    code_disclosed: false,
    scan_violations: [{ rule: "import.forbidden", line: 3, col: 1, message: XSS_VIOLATION }],
    created_at: hoursAgo(2),
  },
};

// Mean 61.578...: not the score (median_low 61.2345), so the title and the mean differ.
export const EVALUATIONS: Readonly<Record<string, unknown[]>> = {
  [LEADER_ID]: [61.0, 61.2345, 62.5].map((mfu, i) => ({
    evaluation_id: `run-${i + 1}`,
    mfu,
    tokens_per_second: 12345.67,
    total_tokens: 1_000_000,
    wall_time_seconds: 81.25,
    success: true,
    error: null,
    error_code: null,
    created_at: hoursAgo(1),
    run_no: i + 1,
    provenance: provenance(i + 1),
  })),
  [XSS_NAME]: [],
};

/** A canned API beside the dashboard page. */
export interface CannedServer {
  readonly url: string;
  /** API paths that answer 500 until removed. */
  readonly failing: Set<string>;
  /** Every API request: path with query, and the X-API-Key it carried. */
  readonly requests: { readonly url: string; readonly key: string | undefined }[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function answer(path: string): { status: number; body: unknown } {
  if (path === "/api/stats/overview") return { status: 200, body: OVERVIEW };
  if (path === "/api/stats/validator") return { status: 200, body: VALIDATOR };
  if (path === "/api/stats/history") return { status: 200, body: HISTORY };
  if (path === "/leaderboard") return { status: 200, body: leaderboard() };
  if (path === "/api/stats/recent") return { status: 200, body: recent() };
  const m = /^\/api\/submissions\/([^/]+)(\/evaluations)?$/.exec(path);
  if (m?.[1] !== undefined) {
    const id = decodeURIComponent(m[1]);
    if (m[2] === "/evaluations") return { status: 200, body: EVALUATIONS[id] ?? [] };
    const s = SUBMISSIONS[id];
    return s === undefined ? { status: 404, body: { detail: "Submission not found" } } : { status: 200, body: s };
  }
  return { status: 404, body: { detail: "Not Found" } };
}

/** Starts the canned server on 127.0.0.1 (a free port). With `apiKey`, API requests need it in X-API-Key; the page itself never does. */
export async function startCannedServer(options: { readonly apiKey?: string } = {}): Promise<CannedServer> {
  const failing = new Set<string>();
  const requests: { url: string; key: string | undefined }[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (serveDashboard(req, res)) return;
    const url = req.url ?? "/";
    const path = url.split("?")[0] ?? "/";
    const key = typeof req.headers["x-api-key"] === "string" ? req.headers["x-api-key"] : undefined;
    requests.push({ url, key });
    if (options.apiKey !== undefined && key !== options.apiKey) return send(res, 401, { detail: "Invalid or missing API key" });
    if (failing.has(path)) return send(res, 500, { detail: "Internal Server Error: boom" });
    const { status, body } = answer(path);
    send(res, status, body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    failing,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
