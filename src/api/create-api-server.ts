/**
 * The validator's read-only HTTP API server (§J.2, §J.3) on `node:http`: routing, the optional
 * API key, CORS, and the guarantee that no request crashes the process.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Hparams } from "../config/index.js";
import type { Store } from "../store/index.js";
import type { ApiContext, ValidatorInfo } from "./context.js";
import { oneLine, type ApiInternalError, type ApiListenError } from "./errors.js";
import { ALLOWED_METHODS, apiKeyMatches, detail, preflightHeaders, writeResponse, type ApiResponse } from "./http.js";
import { serveDashboard } from "../web/index.js";
import { createResponseCache } from "./response-cache.js";
import { findRoute } from "./routes.js";
import type { ValidatorMetrics } from "./validator-metrics.js";

/** Options of {@link createApiServer}. */
export interface ApiServerOptions {
  /** The validator's store; only read. */
  readonly store: Store;
  /** `competition_version` filters the lists, `adaptive_threshold` decays the threshold, `api.code_disclosure` hides code (§J.3). */
  readonly hparams: Hparams;
  /**
   * The chain's current block, for the threshold decay (§H.3, in blocks). `null` (or a rejection)
   * means unknown: the threshold is then shown as of the leader's `threshold_block`. Called on the
   * requests that need it, so it should answer from a cache.
   */
  readonly currentBlock: () => Promise<number | null>;
  /** When set (non-empty), every request needs this value in `X-API-Key`, else 401. @default undefined (open) */
  readonly apiKey?: string;
  /** @default "0.0.0.0" */
  readonly host?: string;
  /** `0` picks a free port. @default 8080 */
  readonly port?: number;
  /** The validator beside the API: its hotkey and start time (the uptime's origin). @default the first submission's time */
  readonly validator?: ValidatorInfo;
  /** The clock (tests). @default () => new Date() */
  readonly now?: () => Date;
  /** How long a read endpoint's response may be reused while the store is unchanged, in ms; 0 disables. @default 1000 */
  readonly cacheMs?: number;
  /** Told of every request that failed with a 500 (to log it). */
  readonly onError?: (error: ApiInternalError) => void;
  /** The daemon's metrics, appended to `/metrics` (from `createValidatorMetrics()`). @default none: the store's gauges only */
  readonly validatorMetrics?: ValidatorMetrics;
}

/** A created API server. */
export interface ApiServer {
  /** Starts listening; resolves with the base URL and the bound port, rejects with an {@link ApiListenError}. Listening twice returns the same address. */
  listen(): Promise<{ readonly url: string; readonly port: number }>;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
  /** The request listener, to mount in another server. Never rejects. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * Creates the API server over `options.store` (not listening until {@link ApiServer.listen}).
 * Endpoints (all GET, HEAD allowed, OPTIONS answers the CORS preflight): `/health`,
 * `/api/stats/{overview,validator,recent,history,queue,threshold}`, `/leaderboard`,
 * `/api/submissions/{id}[/evaluations|/code]`, `/api/commitments`, `/api/leader/history`,
 * `/api/weights/latest`, `/metrics`. See docs/api.md.
 * @example
 * import { createApiServer } from "crusades/api";
 * const api = createApiServer({ store, hparams, currentBlock: async () => chain.cachedBlock(), port: 8080 });
 * const { url } = await api.listen();
 */
export function createApiServer(options: ApiServerOptions): ApiServer {
  const { store, hparams, currentBlock, apiKey, host = "0.0.0.0", port = 8080, validator, now = () => new Date(), onError, cacheMs = 1000, validatorMetrics } = options;
  const cache = cacheMs > 0 ? createResponseCache(store, cacheMs) : null;
  const ctx: ApiContext = { store, hparams, version: hparams.competition_version, now, currentBlock, validator: validator ?? null, ...(validatorMetrics ? { validatorMetrics } : {}) };
  // The reference treats an empty key as none (`if app.state.api_key:`).
  const key = apiKey === undefined || apiKey === "" ? null : apiKey;

  const respond = async (req: IncomingMessage): Promise<ApiResponse> => {
    const raw = req.url ?? "/";
    const q = raw.indexOf("?");
    const path = q < 0 ? raw : raw.slice(0, q);
    const query = new URLSearchParams(q < 0 ? "" : raw.slice(q + 1));
    if (key !== null) {
      const given = req.headers["x-api-key"];
      if (!apiKeyMatches(typeof given === "string" ? given : undefined, key)) return detail(401, "Invalid or missing API key");
    }
    const route = findRoute(path);
    if (route === null) return detail(404, "Not Found");
    if (req.method !== "GET" && req.method !== "HEAD") return detail(405, "Method Not Allowed", { Allow: ALLOWED_METHODS });
    try {
      // The daemon's counters change in memory, not in the store: a cached /metrics would lag them.
      const cacheable = path !== "/metrics";
      const cached = cacheable ? (cache?.get(raw) ?? null) : null;
      if (cached !== null) return cached;
      const response = await route(ctx, query);
      if (response.status === 200 && cacheable) cache?.set(raw, response);
      return response;
    } catch (cause) {
      const error: ApiInternalError = { type: "ApiInternal", message: oneLine(cause), path, cause };
      try {
        onError?.(error);
      } catch {
        // a failing logger must not turn a 500 into a crash
      }
      return detail(500, `Internal Server Error: ${error.message}`);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.on("error", () => {}); // a client gone mid-response is not our failure
    try {
      // The page holds no data and its own requests carry the key: it is served before the key check.
      if (serveDashboard(req, res)) return;
      if (req.method === "OPTIONS") {
        res.writeHead(204, preflightHeaders(req));
        res.end();
        return;
      }
      writeResponse(req, res, await respond(req));
    } catch (cause) {
      if (!res.headersSent) writeResponse(req, res, detail(500, `Internal Server Error: ${oneLine(cause)}`));
      else res.destroy();
    }
  };

  let server: Server | null = null;
  let started: Promise<{ readonly url: string; readonly port: number }> | null = null;

  const start = () =>
    new Promise<{ readonly url: string; readonly port: number }>((resolve, reject) => {
      const s = createServer((req, res) => void handle(req, res));
      const onListenError = (cause: NodeJS.ErrnoException) => {
        server = null;
        started = null;
        reject({ type: "ApiListen", message: `could not listen on ${host}:${port}: ${oneLine(cause)}`, code: typeof cause.code === "string" ? cause.code : null, cause } satisfies ApiListenError);
      };
      s.once("error", onListenError);
      s.listen(port, host, () => {
        s.off("error", onListenError);
        s.on("error", () => {}); // after listening, errors belong to single connections
        const bound = (s.address() as AddressInfo).port;
        resolve({ url: `http://${urlHost(host)}:${bound}`, port: bound });
      });
      server = s;
    });

  return {
    handle,
    listen: () => (started ??= start()),
    close: () =>
      new Promise((resolve) => {
        const s = server;
        server = null;
        started = null;
        if (s === null) return resolve();
        if (!s.listening) {
          // still binding (or failed to): close it as soon as it listens
          s.once("listening", () => s.close());
          return resolve();
        }
        s.close(() => resolve());
        s.closeAllConnections();
      }),
  };
}
