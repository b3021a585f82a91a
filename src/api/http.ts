/**
 * Response plumbing of the API: standard JSON (no NaN or Infinity, §J.2), CORS headers, the
 * constant-time API-key check, and writing a response for GET or HEAD.
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** What a handler returns: a JSON value or a text body, with its status. */
export type ApiResponse =
  | { readonly status: number; readonly json: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly status: number; readonly text: string; readonly contentType: string; readonly headers?: Readonly<Record<string, string>> };

/** The methods every endpoint answers; OPTIONS is the CORS preflight. */
export const ALLOWED_METHODS = "GET, HEAD, OPTIONS";

/** A JSON response. */
export function json(status: number, value: unknown, headers?: Readonly<Record<string, string>>): ApiResponse {
  return headers === undefined ? { status, json: value } : { status, json: value, headers };
}

/** A FastAPI-style error body: `{"detail": "..."}`. */
export function detail(status: number, message: string, headers?: Readonly<Record<string, string>>): ApiResponse {
  return json(status, { detail: message }, headers);
}

/**
 * Serialises `value` as standard JSON: non-finite numbers become `null` (JSON has no NaN or
 * Infinity tokens, §J.2), bigints become numbers when safe and strings otherwise.
 */
export function toStandardJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "number") return Number.isFinite(v) ? v : null;
    if (typeof v === "bigint") return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    return v;
  }) ?? "null";
}

/** The CORS headers of every response: any origin, GET only (§J.2). */
export const CORS_HEADERS: Readonly<Record<string, string>> = Object.freeze({ "Access-Control-Allow-Origin": "*" });

// Header names a preflight may ask for; anything else is dropped rather than echoed.
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** The headers of a 204 answer to a CORS preflight. Requested headers are echoed, as the reference's `allow_headers=["*"]` does. */
export function preflightHeaders(req: IncomingMessage): Record<string, string> {
  const asked = req.headers["access-control-request-headers"];
  const names = (typeof asked === "string" ? asked : "")
    .split(",")
    .map((h) => h.trim())
    .filter((h) => h !== "" && HEADER_NAME.test(h));
  return {
    ...CORS_HEADERS,
    "Access-Control-Allow-Methods": "GET",
    "Access-Control-Allow-Headers": names.length > 0 ? names.join(", ") : "X-API-Key",
    "Access-Control-Max-Age": "600",
  };
}

/**
 * Whether `provided` equals `expected`, in time independent of where they differ: both are hashed
 * first, so `timingSafeEqual` compares equal-length digests and the key's length does not leak.
 */
export function apiKeyMatches(provided: string | undefined, expected: string): boolean {
  if (provided === undefined) return false;
  const a = createHash("sha256").update(provided, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}

/** Writes `r` with the CORS headers; a HEAD request gets the headers and no body. */
export function writeResponse(req: IncomingMessage, res: ServerResponse, r: ApiResponse): void {
  const body = "json" in r ? toStandardJson(r.json) : r.text;
  const contentType = "json" in r ? "application/json; charset=utf-8" : r.contentType;
  const bytes = Buffer.from(body, "utf8");
  res.writeHead(r.status, {
    ...CORS_HEADERS,
    "Content-Type": contentType,
    "Content-Length": String(bytes.length),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...r.headers,
  });
  res.end(req.method === "HEAD" ? undefined : bytes);
}
