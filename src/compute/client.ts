/**
 * The validator's side of a signed exchange with a miner agent (compute.md §10.1): signs each
 * request, verifies each response (signer, recipient, freshness, request nonce), and times the
 * round trip with the validator's monotonic clock.
 * @module
 */
import { performance } from "node:perf_hooks";
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import { type AuthError, type HotkeySigner, MAX_SKEW_MS, newNonce, signRequest, verifyResponse } from "./signing.js";

/** Errors of a signed request. `auth_failed` covers a response that fails verification. */
export type ClientError =
  | { readonly type: "unreachable"; readonly message: string; readonly cause: unknown }
  | { readonly type: "timeout"; readonly message: string; readonly timeoutMs: number }
  | { readonly type: "bad_response"; readonly message: string; readonly status: number }
  | { readonly type: "remote_error"; readonly message: string; readonly status: number; readonly remoteType: string }
  | AuthError;

/** A verified response. */
export interface SignedResponse {
  readonly status: number;
  readonly body: unknown;
  /** Send to last byte received, validator clock. */
  readonly elapsedMs: number;
}

/** Per-request options. */
export interface RequestOptions {
  /** @default 30000 */
  readonly timeoutMs?: number;
  /** Largest response body. @default 16 MiB */
  readonly maxResponseBytes?: number;
}

/** A signed client for one miner agent. */
export interface ComputeClient {
  readonly baseUrl: string;
  readonly minerHotkey: string;
  readonly validatorHotkey: string;
  /** Signs and sends a request; a non-2xx signed answer is `remote_error`. */
  request(method: "GET" | "POST", path: string, body?: unknown, options?: RequestOptions): ResultAsync<SignedResponse, ClientError>;
}

/** Options of {@link createComputeClient}. */
export interface ComputeClientOptions {
  /** `http://host:port` of the agent (no path; credentials in it are never logged). */
  readonly baseUrl: string;
  readonly signer: HotkeySigner;
  /** The miner's SS58 hotkey (from the metagraph): the only accepted response signer. */
  readonly minerHotkey: string;
  readonly fetchFn?: typeof fetch;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default MAX_SKEW_MS */
  readonly maxSkewMs?: number;
}

/** Strips credentials and the path from a URL for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "<invalid url>";
  }
}

/**
 * The body, read as a stream and abandoned (the request aborted) once it passes `maxBytes`, so an
 * agent cannot make the client hold more than that; `null` when it did.
 */
async function readBounded(res: Response, maxBytes: number, controller: AbortController): Promise<Uint8Array | null> {
  if (res.body === null) return new Uint8Array();
  if (Number(res.headers.get("content-length") ?? "NaN") > maxBytes) {
    controller.abort();
    return null;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > maxBytes) break; // leaving the loop cancels the body's stream
    chunks.push(chunk);
  }
  if (size <= maxBytes) return Buffer.concat(chunks, size);
  // Aborted only now: aborting inside the loop made the stream's cancel throw, and the answer
  // read as a timeout rather than as too large.
  controller.abort();
  return null;
}

/**
 * A client that signs requests with the validator's hotkey.
 * @example
 * const client = createComputeClient({ baseUrl: "http://10.0.0.5:8091", signer, minerHotkey })
 * const pong = await client.request("GET", "/v1/ping")
 */
export function createComputeClient(options: ComputeClientOptions): ComputeClient {
  const { baseUrl, signer, minerHotkey, fetchFn = fetch, now = Date.now, maxSkewMs = MAX_SKEW_MS } = options;
  const base = baseUrl.replace(/\/+$/, "");
  const where = redactUrl(base);
  const encoder = new TextEncoder();
  return {
    baseUrl: base,
    minerHotkey,
    validatorHotkey: signer.address,
    request(method, path, body, { timeoutMs = 30_000, maxResponseBytes = 16 << 20 } = {}) {
      const bytes = body === undefined ? new Uint8Array() : encoder.encode(JSON.stringify(body));
      const nonce = newNonce();
      const headers = signRequest(signer, { method, path, body: bytes, timestampMs: now(), nonce, recipient: minerHotkey });
      if (body !== undefined) headers["content-type"] = "application/json";
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      const started = performance.now();
      const exchange = (async () => {
        const res = await fetchFn(`${base}${path}`, { method, headers, body: body === undefined ? undefined : bytes, signal: controller.signal });
        const raw = await readBounded(res, maxResponseBytes, controller);
        return { res, raw, elapsedMs: performance.now() - started };
      })();
      return ResultAsync.fromPromise(exchange, (cause): ClientError =>
        controller.signal.aborted
          ? { type: "timeout", message: `${where}${path} did not answer within ${timeoutMs} ms`, timeoutMs }
          : { type: "unreachable", message: `${where}${path} is unreachable`, cause },
      )
        .andThen(({ res, raw, elapsedMs }) => {
          clearTimeout(timer);
          if (raw === null) return errAsync<SignedResponse, ClientError>({ type: "bad_response", message: `response over ${maxResponseBytes} bytes`, status: res.status });
          const headerBag = Object.fromEntries(res.headers.entries());
          return verifyResponse(headerBag, { status: res.status, path, body: raw, requestNonce: nonce }, { ownHotkey: signer.address, expectedSigner: minerHotkey, nowMs: now(), maxSkewMs }).andThen(() => {
            let parsed: unknown;
            try {
              parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
            } catch {
              return errAsync<SignedResponse, ClientError>({ type: "bad_response", message: "the response is not JSON", status: res.status });
            }
            if (res.status < 200 || res.status > 299) {
              const e = (parsed as { error?: { type?: unknown; message?: unknown } }).error;
              return errAsync<SignedResponse, ClientError>({ type: "remote_error", status: res.status, remoteType: String(e?.type ?? "unknown"), message: `${where}${path}: ${res.status} ${String(e?.message ?? "")}`.trim() });
            }
            return okAsync<SignedResponse, ClientError>({ status: res.status, body: parsed, elapsedMs });
          });
        })
        .orTee(() => clearTimeout(timer));
    },
  };
}
