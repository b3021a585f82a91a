/**
 * The route table: every path the API serves (all GET, §J.2) and its handler.
 * @module
 */
import { commitments } from "./commitments.js";
import type { ApiContext } from "./context.js";
import { json, type ApiResponse } from "./http.js";
import { leaderboard } from "./leaderboard.js";
import { leaderHistory } from "./leader-history.js";
import { metrics } from "./metrics.js";
import { history, overview, queue, recent, threshold, validatorStatus } from "./stats.js";
import { submissionCode, submissionDetail, submissionEvaluations } from "./submissions.js";
import { weightsLatest } from "./weights-latest.js";

/** A handler: the context and the query string in, a response out. */
export type RouteHandler = (ctx: ApiContext, query: URLSearchParams) => ApiResponse | Promise<ApiResponse>;

const STATIC_ROUTES: Readonly<Record<string, RouteHandler>> = Object.freeze({
  "/health": () => json(200, { status: "healthy" }),
  "/api/stats/overview": overview,
  "/api/stats/validator": validatorStatus,
  "/api/stats/recent": recent,
  "/api/stats/history": history,
  "/api/stats/queue": queue,
  "/api/stats/threshold": threshold,
  "/leaderboard": leaderboard,
  "/api/commitments": commitments,
  "/api/leader/history": leaderHistory,
  "/api/weights/latest": weightsLatest,
  "/metrics": metrics,
});

const SUBMISSION_PATH = /^\/api\/submissions\/([^/]+)(\/evaluations|\/code)?$/;

/** Every fixed path served (the submission paths are `/api/submissions/{id}[/evaluations|/code]`). */
export const ROUTE_PATHS: readonly string[] = Object.freeze(Object.keys(STATIC_ROUTES));

/** The handler of `path` (raw, still percent-encoded), or `null` for an unknown path. */
export function findRoute(path: string): RouteHandler | null {
  if (Object.hasOwn(STATIC_ROUTES, path)) return STATIC_ROUTES[path] ?? null;
  const m = SUBMISSION_PATH.exec(path);
  if (m === null || m[1] === undefined) return null;
  let id: string;
  try {
    id = decodeURIComponent(m[1]);
  } catch {
    return null; // malformed percent-encoding: no such submission path
  }
  if (m[2] === "/evaluations") return (ctx) => submissionEvaluations(ctx, id);
  if (m[2] === "/code") return (ctx) => submissionCode(ctx, id);
  return (ctx) => submissionDetail(ctx, id);
}
