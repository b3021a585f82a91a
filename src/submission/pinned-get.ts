/**
 * One HTTP GET whose connection goes to an address chosen by the caller (the one it checked), with
 * the URL's own Host header and TLS server name, and a body reader with a hard byte cap
 * (crusades.md §C.6 [PROJECT] steps 4, 6, 7). Internal to `fetch-code.ts`.
 * @module
 */
import type { LookupAddress, LookupOptions } from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP } from "node:net";

/** A resolved address. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** The head of a response; the body is still to be read (or destroyed). */
export interface PinnedResponse {
  readonly status: number;
  readonly statusMessage: string;
  readonly location: string | null;
  /** The declared `Content-Length`, when valid. */
  readonly contentLength: number | null;
  readonly body: IncomingMessage;
}

/** `u.hostname` without the brackets of an IPv6 literal. */
export function bareHostname(u: URL): string {
  return u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
}

/**
 * GETs `u` over a connection to `pinned`. Node's own DNS is never asked: the request's `lookup`
 * answers with the pinned address, so what was checked is what is connected to (no DNS rebinding
 * between check and connect). `agent: false`: no pooled sockets, no proxy; no cookies or
 * credentials are ever sent. Rejects with the raw error; the caller classifies it.
 */
export function pinnedGet(u: URL, pinned: ResolvedAddress, signal: AbortSignal): Promise<PinnedResponse> {
  const secure = u.protocol === "https:";
  const hostname = bareHostname(u);
  const lookup = (_host: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void => {
    if (options.all === true) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      {
        protocol: u.protocol,
        hostname,
        port: u.port === "" ? (secure ? 443 : 80) : Number(u.port),
        path: `${u.pathname}${u.search}`,
        method: "GET",
        agent: false,
        lookup,
        family: pinned.family,
        signal,
        // SNI is the URL's host name (none for an IP literal, as TLS requires); the certificate is
        // checked against it.
        ...(secure && isIP(hostname) === 0 ? { servername: hostname } : {}),
        headers: { Host: u.host, "User-Agent": "templar-crusades", Accept: "*/*", "Accept-Encoding": "identity", Connection: "close" },
      },
      (res) => {
        const declared = Number(res.headers["content-length"]);
        resolve({
          status: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? "",
          location: res.headers.location ?? null,
          contentLength: res.headers["content-length"] !== undefined && Number.isSafeInteger(declared) && declared >= 0 ? declared : null,
          body: res,
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** The body, or `null` as soon as more than `maxBytes` arrived (the connection is then destroyed). */
export function readCapped(body: IncomingMessage, maxBytes: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (f: () => void) => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    body.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        body.destroy();
        settle(() => resolve(null));
        return;
      }
      chunks.push(chunk);
    });
    body.on("end", () => settle(() => resolve(new Uint8Array(Buffer.concat(chunks, size)))));
    body.on("error", (cause) => settle(() => reject(cause)));
    body.on("close", () => settle(() => reject(new Error("the connection closed before the body ended"))));
  });
}
