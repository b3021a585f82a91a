/**
 * A real `node:http` server on 127.0.0.1, port 0, answering canned JSON per path, for the
 * dashboard's client and CLI tests. Routes can be changed between requests.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { EVALUATIONS, HISTORY, LEADERBOARD, OVERVIEW, RECENT, SUBMISSION, THRESHOLD, VALIDATOR } from "./fixtures.js";

/** An answer: JSON (status 200 unless given), raw text, or no answer at all. */
export type Route = { readonly status?: number; readonly json: unknown } | { readonly status?: number; readonly raw: string } | { readonly hang: true };

export interface TestApi {
  readonly url: string;
  /** Path (query string removed) to answer. */
  readonly routes: Map<string, Route>;
  /** Every request seen: path with query, and headers. */
  readonly requests: { readonly url: string; readonly headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** The routes of a healthy API serving the fixtures. */
export function defaultRoutes(): Map<string, Route> {
  const id = SUBMISSION.submission_id;
  return new Map<string, Route>([
    ["/api/stats/overview", { json: OVERVIEW }],
    ["/api/stats/validator", { json: VALIDATOR }],
    ["/api/stats/history", { json: HISTORY }],
    ["/leaderboard", { json: LEADERBOARD.slice(0, 10) }],
    ["/api/stats/recent", { json: RECENT }],
    ["/api/stats/threshold", { json: THRESHOLD }],
    [`/api/submissions/${id}`, { json: SUBMISSION }],
    [`/api/submissions/${id}/evaluations`, { json: EVALUATIONS }],
    [`/api/submissions/${id}/code`, { json: { code: SUBMISSION.code_content, code_hash: SUBMISSION.code_hash, disclosed: true } }],
  ]);
}

/** Starts the server; `requireKey` answers 401 to requests without that `X-API-Key`. */
export async function startTestApi(options: { routes?: Map<string, Route>; requireKey?: string } = {}): Promise<TestApi> {
  const routes = options.routes ?? defaultRoutes();
  const requests: TestApi["requests"] = [];
  const hanging = new Set<import("node:http").ServerResponse>();
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? "", headers: req.headers });
    const path = decodeURIComponent((req.url ?? "").split("?")[0] ?? "");
    if (options.requireKey !== undefined && req.headers["x-api-key"] !== options.requireKey) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ detail: "Invalid or missing API key" }));
      return;
    }
    const route = routes.get(path);
    if (route === undefined) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ detail: "Not Found" }));
      return;
    }
    if ("hang" in route) {
      hanging.add(res);
      return;
    }
    const body = "json" in route ? JSON.stringify(route.json) : route.raw;
    res.writeHead(route.status ?? 200, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routes,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
