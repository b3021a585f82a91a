/**
 * The dashboard's typed client of the validator's HTTP API (spec crusades.md §J.2): one GET per
 * endpoint with a timeout and the optional `X-API-Key`, decoded defensively; failures are `Err`s
 * whose message names the URL and the status.
 * @module
 */
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import {
  asObject,
  decodeCode,
  decodeEvaluations,
  decodeHistory,
  decodeLeaderboard,
  decodeOverview,
  decodeRecent,
  decodeSubmission,
  decodeThreshold,
  decodeValidator,
} from "./decode.js";
import { type DashboardClientError, redactUrl } from "./errors.js";
import type {
  EvaluationEntry,
  HistoryPoint,
  LeaderboardEntry,
  OverviewStats,
  RecentEntry,
  SubmissionCode,
  SubmissionDetail,
  ThresholdInfo,
  ValidatorStats,
} from "./types.js";

/** The API's default address (same port as `crusades validate`'s API). */
export const DEFAULT_DASHBOARD_URL = "http://localhost:8080";

/** Options of {@link createDashboardClient}. */
export interface DashboardClientOptions {
  /**
   * The API's base URL, e.g. `http://validator:8080`.
   * @default "http://localhost:8080"
   */
  readonly baseUrl?: string;
  /** Sent as `X-API-Key` when set. */
  readonly apiKey?: string | undefined;
  /**
   * Per-request limit, connection to last byte.
   * @default 10000
   */
  readonly timeoutMs?: number;
  readonly fetchFn?: typeof fetch;
}

type Request<T> = ResultAsync<T, DashboardClientError>;

/** One method per endpoint the dashboard reads. */
export interface DashboardClient {
  /** The base URL, trailing slashes removed. */
  readonly baseUrl: string;
  /** The base URL without credentials, for display. */
  readonly displayUrl: string;
  overview(): Request<OverviewStats>;
  validator(): Request<ValidatorStats>;
  history(limit?: number): Request<HistoryPoint[]>;
  leaderboard(limit?: number): Request<LeaderboardEntry[]>;
  recent(limit?: number): Request<RecentEntry[]>;
  threshold(): Request<ThresholdInfo>;
  submission(id: string): Request<SubmissionDetail>;
  evaluations(id: string): Request<EvaluationEntry[]>;
  code(id: string): Request<SubmissionCode>;
}

/**
 * A client of one validator's API.
 * @example
 * import { createDashboardClient } from "crusades/tui"
 * const client = createDashboardClient({ baseUrl: "http://localhost:8080" })
 * const top = await client.leaderboard(10)
 * if (top.isOk()) console.log(top.value[0]?.final_score)
 */
export function createDashboardClient(options: DashboardClientOptions = {}): DashboardClient {
  const { baseUrl = DEFAULT_DASHBOARD_URL, apiKey, timeoutMs = 10_000, fetchFn = fetch } = options;
  const base = baseUrl.replace(/\/+$/, "");
  const headers: Record<string, string> = { accept: "application/json" };
  if (apiKey !== undefined && apiKey !== "") headers["X-API-Key"] = apiKey;

  /** GET `path`, parsed as JSON; the body of a non-2xx answer is read for its `detail`. */
  function getJson(path: string): Request<unknown> {
    const url = `${base}${path}`;
    const shown = redactUrl(url);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const exchange = (async () => {
      const res = await fetchFn(url, { method: "GET", headers, signal: controller.signal });
      return { status: res.status, ok: res.ok, text: await res.text() };
    })();
    return ResultAsync.fromPromise(exchange, (cause): DashboardClientError =>
      controller.signal.aborted
        ? { type: "DashboardTimeout", message: `GET ${shown}: no answer within ${timeoutMs} ms`, url: shown, timeoutMs }
        : { type: "DashboardUnreachable", message: `GET ${shown}: unreachable (${causeText(cause)})`, url: shown, cause },
    )
      .andThen(({ status, ok, text }) => {
        let body: unknown;
        let parseError: unknown = null;
        try {
          body = JSON.parse(text);
        } catch (error) {
          parseError = error;
        }
        if (!ok) {
          const detail = typeof asObject(body)?.detail === "string" ? (asObject(body)!.detail as string) : null;
          const hint = status === 401 ? " (API key missing or wrong: --api-key)" : "";
          return errAsync<unknown, DashboardClientError>({
            type: "DashboardHttpStatus",
            message: `GET ${shown}: HTTP ${status}${detail === null ? "" : `: ${oneLine(detail)}`}${hint}`,
            url: shown,
            status,
            detail,
          });
        }
        if (parseError !== null) {
          return errAsync<unknown, DashboardClientError>({ type: "DashboardBadResponse", message: `GET ${shown}: HTTP ${status}: the response is not JSON`, url: shown, status, cause: parseError });
        }
        return okAsync<unknown, DashboardClientError>(body);
      })
      .andTee(() => clearTimeout(timer))
      .orTee(() => clearTimeout(timer));
  }

  /** GET `path` and decode it; `shape` says whether the body must be an object or an array. */
  function get<T>(path: string, shape: "object", decode: (o: Readonly<Record<string, unknown>>) => T): Request<T>;
  function get<T>(path: string, shape: "array", decode: (v: unknown) => T | null): Request<T>;
  function get<T>(path: string, shape: "object" | "array", decode: (v: never) => T | null): Request<T> {
    return getJson(path).andThen((body) => {
      const value = shape === "object" ? asObject(body) : Array.isArray(body) ? body : null;
      const decoded = value === null ? null : (decode as (v: unknown) => T | null)(value);
      if (decoded === null) {
        const shown = redactUrl(`${base}${path}`);
        return errAsync<T, DashboardClientError>({ type: "DashboardBadResponse", message: `GET ${shown}: expected a JSON ${shape}`, url: shown, status: 200, cause: null });
      }
      return okAsync<T, DashboardClientError>(decoded);
    });
  }

  const limited = (path: string, limit: number | undefined) => (limit === undefined ? path : `${path}?limit=${Math.trunc(limit)}`);
  const sub = (id: string, rest = "") => `/api/submissions/${encodeURIComponent(id)}${rest}`;

  return {
    baseUrl: base,
    displayUrl: redactUrl(base).replace(/\/+$/, ""),
    overview: () => get("/api/stats/overview", "object", decodeOverview),
    validator: () => get("/api/stats/validator", "object", decodeValidator),
    history: (limit) => get(limited("/api/stats/history", limit), "array", decodeHistory),
    leaderboard: (limit) => get(limited("/leaderboard", limit), "array", decodeLeaderboard),
    recent: (limit) => get(limited("/api/stats/recent", limit), "array", decodeRecent),
    threshold: () => get("/api/stats/threshold", "object", decodeThreshold),
    submission: (id) => get(sub(id), "object", decodeSubmission),
    evaluations: (id) => get(sub(id, "/evaluations"), "array", decodeEvaluations),
    code: (id) => get(sub(id, "/code"), "object", decodeCode),
  };
}

function oneLine(text: string): string {
  return (text.split("\n")[0] ?? "").slice(0, 200);
}

/** The innermost message of a fetch failure (`fetch failed` hides `ECONNREFUSED` in `cause`). */
function causeText(cause: unknown): string {
  let c: unknown = cause;
  for (let depth = 0; depth < 3; depth++) {
    const next = (c as { cause?: unknown } | null)?.cause;
    if (next === undefined || next === null) break;
    c = next;
  }
  const code = (c as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  return oneLine(c instanceof Error ? c.message : String(c));
}
