/**
 * URL rules: what a miner may commit and its committed form (crusades.md §B.4 steps 1-4), and the
 * URL a validator fetches for it (§C.6 [PROJECT] steps 1-2).
 * @module
 */
import { err, ok, type Result } from "neverthrow";

/** The URL cannot be committed or fetched. */
export interface UrlRuleError {
  readonly type: "UrlRule";
  readonly message: string;
  readonly reason: "scheme" | "page" | "invalid" | "userinfo" | "port";
}

// §B.4 step 2: these look like a folder or a page, not one raw file.
const PAGE_MARKERS = ["/tree/", "/blob/", "?tab=", "/commits", "/pulls", "/issues", "/actions"] as const;
// §B.4 step 4, matched at the start, case-insensitive (hex digits too, as Python's re.I does).
const GIST_RAW = /^https?:\/\/gist\.githubusercontent\.com\/([^/]+\/[0-9a-f]+)/i;
// Python's http.client refuses these in a request line, so the reference could never fetch such a
// URL; WHATWG parsing would silently drop tabs and line breaks and fetch something else.
const FORBIDDEN_CHARS = /[\u0000-\u0020\u007f]/;

function urlError(reason: UrlRuleError["reason"], message: string): UrlRuleError {
  return { type: "UrlRule", message, reason };
}

/**
 * The committed form of a miner's URL (§B.4 steps 1-4): `http://` or `https://` (case-sensitive),
 * no control characters or spaces (project), not a folder or page, trailing `/` removed, gist raw
 * links rewritten to `https://gist.github.com/<user>/<id>` so validators fetch the latest revision.
 * @example
 * ```ts
 * import { normalizeSubmissionUrl } from "crusades/submission";
 * normalizeSubmissionUrl("https://gist.githubusercontent.com/alice/0a1b/raw/9f8e/train.py"); // Ok("https://gist.github.com/alice/0a1b")
 * ```
 */
export function normalizeSubmissionUrl(url: string): Result<string, UrlRuleError> {
  if (!url.startsWith("http://") && !url.startsWith("https://")) {
    return err(urlError("scheme", url === "" ? "the URL is empty" : "the URL must start with http:// or https:// (lowercase)"));
  }
  if (FORBIDDEN_CHARS.test(url)) return err(urlError("invalid", "the URL contains a space or a control character"));
  const lower = url.toLowerCase();
  const marker = PAGE_MARKERS.find((m) => lower.includes(m));
  if (marker !== undefined) return err(urlError("page", `the URL contains '${marker}': it looks like a folder or page, not a raw file`));
  const trimmed = url.replace(/\/+$/, "");
  const gist = GIST_RAW.exec(trimmed);
  return ok(gist ? `https://gist.github.com/${gist[1]}` : trimmed);
}

/**
 * The URL a validator fetches for a committed URL (§C.6 [PROJECT] steps 1-2): http(s) only, no
 * user-info, no spaces or control characters; when the host is exactly `gist.github.com`
 * (case-insensitive) it becomes `gist.githubusercontent.com`, trailing `/` leave the path and
 * `/raw` is appended unless the path already has a `raw` segment (`/raw/<revision>/<file>`). The
 * port rule is {@link checkPort}'s: the fetcher waives it for allow-listed private hosts.
 * @example fetchUrlOf("https://gist.github.com/alice/0a1b").map(String) // Ok("https://gist.githubusercontent.com/alice/0a1b/raw")
 */
export function fetchUrlOf(committedUrl: string): Result<URL, UrlRuleError> {
  if (FORBIDDEN_CHARS.test(committedUrl)) return err(urlError("invalid", "the URL contains a space or a control character"));
  let u: URL;
  try {
    u = new URL(committedUrl);
  } catch {
    return err(urlError("invalid", "not a valid URL"));
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return err(urlError("scheme", `only http and https URLs are fetched, not ${u.protocol}`));
  if (u.username !== "" || u.password !== "") return err(urlError("userinfo", "URLs with credentials (user-info) are refused"));
  if (u.hostname === "gist.github.com") {
    // WHATWG parsing has already lowercased the host name; the reference drops the port here.
    u.hostname = "gist.githubusercontent.com";
    u.port = "";
    u.pathname = u.pathname.replace(/\/+$/, "");
    if (!/\/raw(\/|$)/.test(u.pathname)) u.pathname += "/raw";
  }
  return ok(u);
}

/** Port 80, 443 or the scheme's default (§C.6 [PROJECT] step 2). */
export function checkPort(u: URL): Result<URL, UrlRuleError> {
  if (u.port === "" || u.port === "80" || u.port === "443") return ok(u);
  return err(urlError("port", `port ${u.port} is refused: only 80, 443 or the scheme's default`));
}
