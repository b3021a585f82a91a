/**
 * The one code fetch, for miners and validators alike (crusades.md §C.6 [PROJECT] steps 2-8,
 * §C.7): every resolved address must be global, the connection goes to an address that was
 * checked (Host and SNI kept, so DNS rebinding cannot swap it), at most 5 redirects each
 * re-checked, no proxies or cookies, one total deadline, a hard byte cap while streaming, then the
 * content rules and the hash. Failures say whether a retry may help.
 * @module
 */
import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import { isIP } from "node:net";
import { ResultAsync, type Result } from "neverthrow";
import { checkCodeContent, codeHash, codeSha256, type CodeContentError } from "./code-rules.js";
import { MAX_CODE_BYTES } from "./commitment.js";
import { bareHostname, pinnedGet, readCapped, type PinnedResponse, type ResolvedAddress } from "./pinned-get.js";
import { isGlobalAddress } from "./ssrf.js";
import { checkPort, fetchUrlOf } from "./url-rules.js";

export type { ResolvedAddress } from "./pinned-get.js";

/** Options of {@link fetchCode}. */
export interface FetchCodeOptions {
  /** The committed 32-hex hash; another hash is `hash_mismatch` (§C.7). */
  readonly expectedHash?: string;
  /**
   * Host names or IP addresses trusted although private: private deployments and tests. An
   * allow-listed host (or a host whose every address is allow-listed) may also use any port.
   * @default [] (only global addresses, on ports 80 and 443)
   */
  readonly allowPrivateHosts?: readonly string[];
  /**
   * The operator's code-host allow-list (`download.allowed_hosts`, §C.6 step 10): when not empty,
   * the URL and every redirect must be on one of these host names (exact, case-insensitive).
   * @default [] (any public host)
   */
  readonly allowedHosts?: readonly string[];
  /** Total deadline of the attempt (DNS, connect, every redirect, the body), in ms. @default 30_000 */
  readonly timeoutMs?: number;
  /** @default 5 */
  readonly maxRedirects?: number;
  /** Resolves every A and AAAA record of a host name. @default node:dns `lookup` with `all: true` */
  readonly lookup?: (hostname: string) => Promise<readonly ResolvedAddress[]>;
}

/** Fetched and checked code. */
export interface FetchedCode {
  /** The exact bytes served: what is hashed, stored and scanned. */
  readonly bytes: Uint8Array;
  /** The strict UTF-8 decoding (a leading U+FEFF kept). */
  readonly text: string;
  /** First 32 hex of the SHA-256 (what is committed). */
  readonly codeHash: string;
  /** Full 64-hex SHA-256 (the content address). */
  readonly sha256: string;
  /** The first URL fetched (after gist expansion). */
  readonly fetchUrl: string;
  /** The URL that served the code (after redirects). */
  readonly finalUrl: string;
  /** The address the code came from. */
  readonly address: string;
}

/** Why a fetch failed. */
export type FetchFailureReason = "url" | "ssrf" | "dns" | "connect" | "timeout" | "http" | "redirect" | CodeContentError["reason"] | "hash";

/** A failed fetch (§C.6 step 8): `transient` failures may be retried, the others end the submission. */
export interface FetchCodeError {
  readonly type: "FetchCode";
  readonly message: string;
  readonly reason: FetchFailureReason;
  /** The stored error code: `hash_mismatch`, else `download_failed`. */
  readonly code: "download_failed" | "hash_mismatch";
  /** DNS failure, connect error, timeout, HTTP 5xx and 429. */
  readonly transient: boolean;
  /** The HTTP status, when one was received. */
  readonly status: number | null;
}

/** The exact message of §C.7. */
export const HASH_MISMATCH_MESSAGE = "Code hash mismatch — URL content changed after commitment";

const TRANSIENT_REASONS: ReadonlySet<FetchFailureReason> = /* @__PURE__ */ new Set<FetchFailureReason>(["dns", "connect", "timeout"]);
// urllib follows these; other 3xx are errors.
const REDIRECT_STATUSES: ReadonlySet<number> = /* @__PURE__ */ new Set([301, 302, 303, 307, 308]);

function failure(reason: FetchFailureReason, message: string, status: number | null = null): FetchCodeError {
  const transient = reason === "http" ? status === 429 || (status !== null && status >= 500) : TRANSIENT_REASONS.has(reason);
  return { type: "FetchCode", message, reason, code: reason === "hash" ? "hash_mismatch" : "download_failed", transient, status };
}

/** Carries a classified failure out of the async steps; never leaves this file. */
class Failure extends Error {
  constructor(readonly detail: FetchCodeError) {
    super(detail.message);
  }
}

function fail(reason: FetchFailureReason, message: string, status: number | null = null): never {
  throw new Failure(failure(reason, message, status));
}

const timeoutMessage = (ms: number) => `the fetch exceeded its total deadline of ${ms} ms`;

const defaultLookup = async (hostname: string): Promise<readonly ResolvedAddress[]> =>
  (await dnsLookup(hostname, { all: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** Lowercase, no brackets; IPv6 in its canonical compressed form so that spellings compare equal. */
function canonicalHost(host: string): string {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return isIP(bare) === 6 ? bareHostname(new URL(`http://[${bare}]/`)) : bare;
}

/** Rejects once `signal` aborts: bounds steps that take no signal (the injected DNS lookup). */
function beforeDeadline<T>(p: Promise<T>, signal: AbortSignal, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Failure(failure("timeout", timeoutMessage(ms))));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

interface Policy {
  readonly allowed: ReadonlySet<string>;
  /** Code hosts the operator allows; empty: any. */
  readonly codeHosts: ReadonlySet<string>;
  readonly lookup: (hostname: string) => Promise<readonly ResolvedAddress[]>;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
}

/**
 * §C.6 steps 2-3 for one hop: the port, then every A/AAAA record must be global (or allow-listed).
 * @returns the addresses to try, IPv4 first
 */
async function checkedAddresses(u: URL, p: Policy): Promise<readonly ResolvedAddress[]> {
  const host = canonicalHost(bareHostname(u));
  if (p.codeHosts.size > 0 && !p.codeHosts.has(host)) fail("url", `${host} is not on the validator's list of code hosts (${[...p.codeHosts].join(", ")})`);
  const hostTrusted = p.allowed.has(host);
  const port = checkPort(u);
  if (port.isErr() && !hostTrusted && p.allowed.size === 0) fail("url", port.error.message);
  const literal = isIP(host);
  let addresses: readonly ResolvedAddress[];
  if (literal !== 0) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await beforeDeadline(p.lookup(host), p.signal, p.timeoutMs);
    } catch (cause) {
      if (cause instanceof Failure) throw cause;
      return fail("dns", `cannot resolve ${host}: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }
  if (addresses.length === 0) fail("dns", `${host} has no address`);
  const trusted = (a: ResolvedAddress) => hostTrusted || p.allowed.has(canonicalHost(a.address));
  // One non-global address is enough to refuse: a host that also resolves privately could be
  // rebound to that address by whoever controls its DNS.
  const blocked = addresses.find((a) => !isGlobalAddress(a.address) && !trusted(a));
  if (blocked) fail("ssrf", `${host} resolves to ${blocked.address}, which is not a public address`);
  if (port.isErr() && !addresses.every(trusted)) fail("url", port.error.message);
  return [...addresses.filter((a) => a.family === 4), ...addresses.filter((a) => a.family === 6)];
}

/** Connects to the first address that answers; a connection error moves on to the next one. */
async function getFromAny(u: URL, addresses: readonly ResolvedAddress[], p: Policy): Promise<{ res: PinnedResponse; address: string }> {
  let last = "";
  for (const a of addresses) {
    try {
      return { res: await pinnedGet(u, a, p.signal), address: a.address };
    } catch (cause) {
      if (p.signal.aborted) fail("timeout", timeoutMessage(p.timeoutMs));
      last = cause instanceof Error ? cause.message : String(cause);
    }
  }
  return fail("connect", `cannot connect to ${u.host}: ${last}`);
}

/** The next hop of a redirect (§C.6 step 5), or a permanent failure. */
function redirectTarget(res: PinnedResponse, from: URL, redirects: number, maxRedirects: number): URL {
  if (redirects >= maxRedirects) fail("redirect", `more than ${maxRedirects} redirects`, res.status);
  let next: URL;
  try {
    next = new URL(res.location!, from);
  } catch {
    return fail("redirect", "the redirect's Location is not a valid URL", res.status);
  }
  if (next.protocol !== "http:" && next.protocol !== "https:") fail("redirect", `redirect to a ${next.protocol} URL refused`, res.status);
  if (next.username !== "" || next.password !== "") fail("redirect", "redirect to a URL with credentials refused", res.status);
  return next;
}

async function fetchOnce(committedUrl: string, o: FetchCodeOptions): Promise<FetchedCode> {
  const first = fetchUrlOf(committedUrl);
  if (first.isErr()) return fail("url", first.error.message);
  const timeoutMs = o.timeoutMs ?? 30_000;
  const maxRedirects = o.maxRedirects ?? 5;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const p: Policy = { allowed: new Set((o.allowPrivateHosts ?? []).map(canonicalHost)), codeHosts: new Set((o.allowedHosts ?? []).map(canonicalHost)), lookup: o.lookup ?? defaultLookup, signal: controller.signal, timeoutMs };
  try {
    let url = first.value;
    for (let redirects = 0; ; redirects++) {
      const { res, address } = await getFromAny(url, await checkedAddresses(url, p), p);
      if (REDIRECT_STATUSES.has(res.status) && res.location !== null) {
        res.body.destroy();
        url = redirectTarget(res, url, redirects, maxRedirects);
        continue;
      }
      if (res.status < 200 || res.status > 299) {
        res.body.destroy();
        fail("http", `HTTP error ${res.status}: ${res.statusMessage || (http.STATUS_CODES[res.status] ?? "")}`, res.status);
      }
      if (res.contentLength !== null && res.contentLength > MAX_CODE_BYTES) {
        res.body.destroy();
        fail("too_large", `the code is ${res.contentLength} bytes, over the ${MAX_CODE_BYTES}-byte limit`);
      }
      const bytes = await readCapped(res.body, MAX_CODE_BYTES);
      if (bytes === null) return fail("too_large", `the download passed the ${MAX_CODE_BYTES}-byte limit and was aborted`);
      const text = checkCodeContent(bytes);
      if (text.isErr()) return fail(text.error.reason, text.error.message);
      const hash = codeHash(bytes);
      if (o.expectedHash !== undefined && hash !== o.expectedHash) fail("hash", HASH_MISMATCH_MESSAGE);
      return { bytes, text: text.value, codeHash: hash, sha256: codeSha256(bytes), fetchUrl: first.value.href, finalUrl: url.href, address };
    }
  } catch (cause) {
    if (cause instanceof Failure) throw cause;
    if (controller.signal.aborted) return fail("timeout", timeoutMessage(timeoutMs));
    return fail("connect", cause instanceof Error ? cause.message : String(cause));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Fetches committed code once under every rule of §C.6 [PROJECT] and checks it (§B.4 step 6, §C.7).
 * @param committedUrl - the URL as committed (the gist short form is expanded here)
 * @returns the checked bytes, or a {@link FetchCodeError} saying whether a retry may help
 * @example
 * ```ts
 * import { fetchCode } from "crusades/submission";
 * const code = await fetchCode("https://gist.github.com/alice/0a1b", { expectedHash: "7acd895296756fe962cc31318ad5f68a" });
 * if (code.isErr() && code.error.transient) // try again later
 * ```
 */
export function fetchCode(committedUrl: string, options: FetchCodeOptions = {}): ResultAsync<FetchedCode, FetchCodeError> {
  return ResultAsync.fromPromise(fetchOnce(committedUrl, options), (cause) => (cause instanceof Failure ? cause.detail : failure("connect", String(cause))));
}

/** Options of {@link fetchCodeWithRetry}. */
export interface FetchCodeWithRetryOptions extends FetchCodeOptions {
  /** Attempts in all, the first included. @default 5 */
  readonly maxAttempts?: number;
  /** Wait before the second attempt, doubled before each further one, in ms. @default 1000 */
  readonly backoffMs?: number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * {@link fetchCode} retried on transient failures only (§C.6 step 8), with exponential backoff;
 * a permanent failure or the last attempt's failure is returned as is.
 */
export function fetchCodeWithRetry(committedUrl: string, options: FetchCodeWithRetryOptions = {}): ResultAsync<FetchedCode, FetchCodeError> {
  const { maxAttempts = 5, backoffMs = 1000, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)), ...fetchOptions } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`fetchCodeWithRetry: maxAttempts must be a positive integer, got ${maxAttempts}`);
  const attempt = async (n: number): Promise<Result<FetchedCode, FetchCodeError>> => {
    const r = await fetchCode(committedUrl, fetchOptions);
    if (r.isOk() || !r.error.transient || n >= maxAttempts) return r;
    await sleep(backoffMs * 2 ** (n - 1));
    return attempt(n + 1);
  };
  return new ResultAsync(attempt(1));
}
