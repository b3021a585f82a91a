/**
 * fetchCode against real HTTP servers on loopback (reachable only through allowPrivateHosts):
 * pinned connections, redirects re-checked, the byte cap, the total deadline, failure classes,
 * content rules and the hash (crusades.md §C.6 [PROJECT], §C.7).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { codeHash, codeSha256, fetchCode, fetchCodeWithRetry, HASH_MISMATCH_MESSAGE, MAX_CODE_BYTES, type ResolvedAddress } from "../../src/submission/index.js";

const CODE = "def inner_steps(model, data_iterator, optimizer, num_steps, device):\n    pass\n";
const CODE_BYTES = new TextEncoder().encode(CODE);
const LOCAL = { allowPrivateHosts: ["127.0.0.1"] } as const;

interface Seen {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}
let server: Server;
let port: number;
let base: string;
let seen: Seen[] = [];
const counters = new Map<string, number>();
/** Resolves when the streaming routes see their connection closed by the client. */
const closed = new Map<string, Promise<number>>();

function count(path: string): number {
  const n = (counters.get(path) ?? 0) + 1;
  counters.set(path, n);
  return n;
}

/** Writes `chunk` every `everyMs` until the client goes away; records the bytes written. */
function stream(path: string, res: ServerResponse, first: string, chunk: string, everyMs: number): void {
  let written = 0;
  res.write(first);
  const timer = setInterval(() => {
    res.write(chunk);
    written += chunk.length;
  }, everyMs);
  closed.set(path, new Promise((resolve) => res.on("close", () => {
    clearInterval(timer);
    resolve(written);
  })));
}

function route(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? "/";
  seen.push({ url: path, headers: req.headers });
  const n = count(path);
  const redirect = (location: string, status = 302) => void res.writeHead(status, { Location: location }).end();
  const body = (b: string | Uint8Array, status = 200) => void res.writeHead(status).end(b);
  if (path === "/ok.py") return body(CODE);
  if (path.startsWith("/hop/")) {
    const left = Number(path.slice(5));
    return redirect(left > 0 ? `/hop/${left - 1}` : "/ok.py", [301, 302, 303, 307, 308][left % 5]);
  }
  if (path === "/to-metadata") return redirect("http://169.254.169.254/latest/meta-data/");
  if (path === "/to-loopback-v6") return redirect(`http://[::1]:${port}/ok.py`);
  if (path === "/to-private-name") return redirect(`http://internal.example:${port}/ok.py`);
  if (path === "/to-ftp") return redirect(`ftp://127.0.0.1:${port}/ok.py`);
  if (path === "/to-file") return redirect("file:///etc/passwd");
  if (path === "/to-credentials") return redirect(`http://user:pw@127.0.0.1:${port}/ok.py`);
  if (path === "/to-bad-location") return redirect("http://[zz]/");
  if (path === "/set-cookie") return void res.writeHead(302, { Location: "/ok.py", "Set-Cookie": "session=secret; Path=/" }).end();
  if (path === "/304") return body("", 304);
  if (path === "/huge") return stream(path, res, "def inner_steps(): pass\n", "#".repeat(65_535) + "\n", 1);
  if (path === "/drip") return stream(path, res, "def inner_steps(): pass\n", "#", 100);
  if (path === "/no-headers") return void closed.set(path, new Promise((resolve) => res.on("close", () => resolve(0))));
  if (path === "/declared-too-large") {
    res.writeHead(200, { "Content-Length": String(MAX_CODE_BYTES + 1) });
    return stream(path, res, "def inner_steps(): pass\n", "#", 1000);
  }
  if (path === "/exactly-cap") return body(`def inner_steps(): pass\n#${"x".repeat(MAX_CODE_BYTES - 26)}\n`);
  if (path === "/cap-plus-one") {
    // Chunked, no Content-Length: the stream cap has to catch it.
    res.write("def inner_steps(): pass\n#");
    res.write("x".repeat(MAX_CODE_BYTES - 26));
    return void res.end("\n\n");
  }
  if (path === "/flaky") return n <= 2 ? body("busy", 503) : body(CODE);
  if (path === "/429") return body("slow down", 429);
  if (path === "/500") return body("oops", 500);
  if (path === "/403") return body("no", 403);
  if (path === "/html") return body("<!DOCTYPE html><html><body>def inner_steps</body></html>");
  if (path === "/gist-listing") return body('{"id": "0a1b", "files": {"train.py": {"content": "def inner_steps"}}}');
  if (path === "/no-inner-steps") return body("def train(model):\n    pass\n");
  if (path === "/latin1") return body(new Uint8Array([...new TextEncoder().encode("def inner_steps(): pass\n# caf"), 0xe9, 0x0a]));
  if (path === "/bom") return body(new Uint8Array([0xef, 0xbb, 0xbf, ...CODE_BYTES]));
  return body("not found", 404);
}

beforeAll(async () => {
  server = createServer(route);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
  counters.clear();
});

const at = (address: string): ResolvedAddress => ({ address, family: address.includes(":") ? 6 : 4 });

describe("fetchCode: success", () => {
  test("behavior: fetches, checks and hashes the exact bytes", async () => {
    const r = (await fetchCode(`${base}/ok.py`, { ...LOCAL, expectedHash: codeHash(CODE_BYTES) }))._unsafeUnwrap();
    expect(r).toMatchObject({ text: CODE, codeHash: "7acd895296756fe962cc31318ad5f68a", sha256: codeSha256(CODE_BYTES), fetchUrl: `${base}/ok.py`, finalUrl: `${base}/ok.py`, address: "127.0.0.1" });
    expect(r.bytes).toEqual(CODE_BYTES);
  });

  test("behavior: a BOM is kept in the bytes and the hash (§B.2, §B.5)", async () => {
    const r = (await fetchCode(`${base}/bom`, { ...LOCAL, expectedHash: "40833d5a60e1aa1eb8aa2618fa477a9f" }))._unsafeUnwrap();
    expect(r.bytes.length).toBe(CODE_BYTES.length + 3);
    expect(r.text.startsWith("\ufeff")).toBe(true);
  });

  test("behavior: identifies as templar-crusades, asks for no compression, sends no cookie or credentials", async () => {
    expect((await fetchCode(`${base}/set-cookie`, LOCAL)).isOk()).toBe(true);
    expect(seen.map((s) => s.url)).toEqual(["/set-cookie", "/ok.py"]);
    for (const s of seen) {
      expect(s.headers["user-agent"]).toBe("templar-crusades");
      expect(s.headers["accept-encoding"]).toBe("identity");
      expect(s.headers.cookie).toBeUndefined();
      expect(s.headers.authorization).toBeUndefined();
    }
  });

  test("behavior: proxy environment variables are ignored", async () => {
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy };
    process.env.HTTP_PROXY = "http://127.0.0.1:9";
    process.env.http_proxy = "http://127.0.0.1:9";
    try {
      expect((await fetchCode(`${base}/ok.py`, LOCAL)).isOk()).toBe(true);
      expect(seen).toHaveLength(1);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  test("behavior: exactly 500,000 bytes pass", async () => {
    expect((await fetchCode(`${base}/exactly-cap`, LOCAL))._unsafeUnwrap().bytes.length).toBe(MAX_CODE_BYTES);
  });
});

describe("fetchCode: SSRF", () => {
  test("error: without an allow-list a loopback server is refused before any connection", async () => {
    expect((await fetchCode(`${base}/ok.py`))._unsafeUnwrapErr()).toMatchObject({ reason: "url", transient: false }); // port rule
    for (const url of ["http://127.0.0.1/ok.py", "http://[::1]/ok.py", "http://[::ffff:127.0.0.1]/ok.py", "http://0x7f.1/ok.py", "http://2130706433/ok.py", "http://169.254.169.254/"]) {
      expect((await fetchCode(url))._unsafeUnwrapErr(), url).toMatchObject({ type: "FetchCode", reason: "ssrf", transient: false, code: "download_failed" });
    }
    expect(seen).toEqual([]);
  });

  test("error: one private address among public ones is enough to refuse (DNS rebinding)", async () => {
    let calls = 0;
    const lookup = async () => {
      calls++;
      return [at("93.184.216.34"), at("127.0.0.1")];
    };
    const e = (await fetchCode(`http://code.example/ok.py`, { lookup }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ reason: "ssrf", transient: false });
    expect(e.message).toContain("127.0.0.1");
    expect(calls).toBe(1);
    expect(seen).toEqual([]);
  });

  test("behavior: the connection goes to the checked address, with the original Host; DNS is not asked again", async () => {
    const answers = [[at("127.0.0.1")], [at("10.9.9.9")]];
    const names: string[] = [];
    const lookup = async (name: string) => {
      names.push(name);
      return answers[Math.min(names.length - 1, 1)]!;
    };
    const r = (await fetchCode(`http://code.example:${port}/ok.py`, { lookup, ...LOCAL }))._unsafeUnwrap();
    expect(r.address).toBe("127.0.0.1");
    expect(names).toEqual(["code.example"]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.host).toBe(`code.example:${port}`);
  });

  test("behavior: an allow-listed host name may resolve privately and use any port", async () => {
    const lookup = async () => [at("127.0.0.1")];
    expect((await fetchCode(`http://Code.Example:${port}/ok.py`, { lookup, allowPrivateHosts: ["code.example"] })).isOk()).toBe(true);
    // Another name resolving to the same address is not trusted.
    expect((await fetchCode(`http://other.example:${port}/ok.py`, { lookup, allowPrivateHosts: ["code.example"] }))._unsafeUnwrapErr().reason).toBe("ssrf");
  });

  test("behavior: a refused connection moves on to the next checked address", async () => {
    const lookup = async () => [at("127.0.0.2"), at("127.0.0.1")];
    const r = (await fetchCode(`http://code.example:${port}/ok.py`, { lookup, allowPrivateHosts: ["127.0.0.1", "127.0.0.2"] }))._unsafeUnwrap();
    expect(r.address).toBe("127.0.0.1");
  });

  test("error: DNS failures are transient; no address at all too", async () => {
    const broken = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND nowhere.example"), { code: "ENOTFOUND" });
    };
    expect((await fetchCode("https://nowhere.example/x.py", { lookup: broken }))._unsafeUnwrapErr()).toMatchObject({ reason: "dns", transient: true, code: "download_failed" });
    expect((await fetchCode("https://nowhere.example/x.py", { lookup: async () => [] }))._unsafeUnwrapErr()).toMatchObject({ reason: "dns", transient: true });
  });

  test("error: a connection refused everywhere is a transient connect error", async () => {
    const e = (await fetchCode(`http://code.example:${port}/ok.py`, { lookup: async () => [at("127.0.0.2")], allowPrivateHosts: ["127.0.0.2"] }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ reason: "connect", transient: true });
  });
});

describe("fetchCode: redirects", () => {
  test("behavior: up to 5 redirects (301/302/303/307/308) are followed", async () => {
    const r = (await fetchCode(`${base}/hop/4`, LOCAL))._unsafeUnwrap();
    expect(r.finalUrl).toBe(`${base}/ok.py`);
    expect(r.fetchUrl).toBe(`${base}/hop/4`);
    expect(seen).toHaveLength(6);
  });

  test("error: the 6th redirect is refused, permanently", async () => {
    expect((await fetchCode(`${base}/hop/5`, LOCAL))._unsafeUnwrapErr()).toMatchObject({ reason: "redirect", transient: false, status: 301 });
    expect(seen).toHaveLength(6);
    expect((await fetchCode(`${base}/hop/1`, { ...LOCAL, maxRedirects: 1 })).isErr()).toBe(true);
  });

  test("error: each hop is re-checked: private addresses, non-http schemes, credentials", async () => {
    const lookup = async (name: string) => (name === "internal.example" ? [at("10.0.0.5")] : [at("127.0.0.1")]);
    const cases: [string, string][] = [
      ["/to-metadata", "ssrf"],
      ["/to-loopback-v6", "ssrf"],
      ["/to-private-name", "ssrf"],
      ["/to-ftp", "redirect"],
      ["/to-file", "redirect"],
      ["/to-credentials", "redirect"],
      ["/to-bad-location", "redirect"],
    ];
    for (const [path, reason] of cases) {
      seen = [];
      expect((await fetchCode(`${base}${path}`, { ...LOCAL, lookup }))._unsafeUnwrapErr(), path).toMatchObject({ reason, transient: false });
      expect(seen.map((s) => s.url), path).toEqual([path]);
    }
  });

  test("error: a 3xx that is not a redirect is an HTTP error", async () => {
    expect((await fetchCode(`${base}/304`, LOCAL))._unsafeUnwrapErr()).toMatchObject({ reason: "http", status: 304, transient: false });
  });
});

describe("fetchCode: the operator's code-host allow-list (download.allowed_hosts)", () => {
  test("behavior: a listed host is fetched; case does not matter", async () => {
    expect((await fetchCode(`${base}/ok.py`, { ...LOCAL, allowedHosts: ["127.0.0.1"] })).isOk()).toBe(true);
    expect((await fetchCode(`http://LOCALHOST:${port}/ok.py`, { allowPrivateHosts: ["localhost"], allowedHosts: ["localhost"], lookup: async () => [at("127.0.0.1")] })).isOk()).toBe(true);
  });

  test("error: another host is refused before any connection, permanently", async () => {
    const e = (await fetchCode(`${base}/ok.py`, { ...LOCAL, allowedHosts: ["gist.githubusercontent.com"] }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ reason: "url", transient: false });
    expect(e.message).toMatch(/127\.0\.0\.1 is not on the validator's list of code hosts \(gist\.githubusercontent\.com\)/);
    expect(seen).toHaveLength(0);
  });

  test("error: a redirect off the list is refused", async () => {
    const e = (await fetchCode(`http://code.example:${port}/hop/0`, {
      allowPrivateHosts: ["code.example", "127.0.0.1"], allowedHosts: ["code.example"], lookup: async () => [at("127.0.0.1")],
    }))._unsafeUnwrap();
    // /hop/0 redirects to a relative path on the same host: allowed.
    expect(e.finalUrl).toBe(`http://code.example:${port}/ok.py`);
    const off = (await fetchCode(`http://code.example:${port}/to-loopback-v6`, {
      allowPrivateHosts: ["code.example", "::1"], allowedHosts: ["code.example"], lookup: async () => [at("127.0.0.1")],
    }))._unsafeUnwrapErr();
    expect(off).toMatchObject({ reason: "url" });
    expect(off.message).toMatch(/::1 is not on the validator's list/);
  });
});

describe("fetchCode: size and deadline", () => {
  test("error: an endless body is aborted as soon as it passes the cap", async () => {
    const t0 = Date.now();
    const e = (await fetchCode(`${base}/huge`, LOCAL))._unsafeUnwrapErr();
    expect(e).toMatchObject({ reason: "too_large", transient: false, code: "download_failed" });
    // The server sees the connection closed long before the 30 s deadline (which would be ~2 GB).
    const written = await closed.get("/huge")!;
    expect(written).toBeLessThan(64 * MAX_CODE_BYTES);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  test("error: 500,001 bytes without a Content-Length are refused", async () => {
    expect((await fetchCode(`${base}/cap-plus-one`, LOCAL))._unsafeUnwrapErr()).toMatchObject({ reason: "too_large" });
  });

  test("error: a declared Content-Length over the cap is refused before the body", async () => {
    const t0 = Date.now();
    expect((await fetchCode(`${base}/declared-too-large`, LOCAL))._unsafeUnwrapErr()).toMatchObject({ reason: "too_large" });
    expect(Date.now() - t0).toBeLessThan(900);
    await closed.get("/declared-too-large");
  });

  test("error: the deadline covers the whole body (a slow drip)", async () => {
    const t0 = Date.now();
    expect((await fetchCode(`${base}/drip`, { ...LOCAL, timeoutMs: 700 }))._unsafeUnwrapErr()).toMatchObject({ reason: "timeout", transient: true });
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(650);
    expect(elapsed).toBeLessThan(3_000);
    await closed.get("/drip");
  });

  test("error: the deadline covers a server that never answers", async () => {
    expect((await fetchCode(`${base}/no-headers`, { ...LOCAL, timeoutMs: 300 }))._unsafeUnwrapErr()).toMatchObject({ reason: "timeout", transient: true });
    await closed.get("/no-headers");
  });

  test("error: the deadline covers DNS", async () => {
    const t0 = Date.now();
    const hanging = () => new Promise<readonly ResolvedAddress[]>(() => {});
    expect((await fetchCode("https://slow-dns.example/x.py", { lookup: hanging, timeoutMs: 200 }))._unsafeUnwrapErr()).toMatchObject({ reason: "timeout", transient: true });
    expect(Date.now() - t0).toBeLessThan(2_000);
  });
});

describe("fetchCode: HTTP status, content and hash", () => {
  test.each([
    ["/404", 404, false, "HTTP error 404: Not Found"],
    ["/403", 403, false, "HTTP error 403: Forbidden"],
    ["/429", 429, true, "HTTP error 429: Too Many Requests"],
    ["/500", 500, true, "HTTP error 500: Internal Server Error"],
    ["/flaky", 503, true, "HTTP error 503: Service Unavailable"],
  ])("error: %s is HTTP %i, transient: %s", async (path, status, transient, message) => {
    expect((await fetchCode(`${base}${path}`, LOCAL))._unsafeUnwrapErr()).toEqual({ type: "FetchCode", reason: "http", code: "download_failed", status, transient, message });
  });

  test.each([
    ["/html", "html"],
    ["/gist-listing", "gist_listing"],
    ["/no-inner-steps", "no_inner_steps"],
    ["/latin1", "not_utf8"],
  ])("error: %s breaks the content rule %s, permanently", async (path, reason) => {
    expect((await fetchCode(`${base}${path}`, LOCAL))._unsafeUnwrapErr()).toMatchObject({ reason, transient: false, code: "download_failed" });
  });

  test("error: another hash is hash_mismatch with the reference's message", async () => {
    const e = (await fetchCode(`${base}/ok.py`, { ...LOCAL, expectedHash: "f".repeat(32) }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ reason: "hash", code: "hash_mismatch", transient: false, message: "Code hash mismatch — URL content changed after commitment" });
    expect(HASH_MISMATCH_MESSAGE).toBe(e.message);
    expect((await fetchCode(`${base}/ok.py`, { ...LOCAL, expectedHash: "" }))._unsafeUnwrapErr().code).toBe("hash_mismatch");
  });

  test("error: URL rules come first", async () => {
    expect((await fetchCode("ftp://x.org/t.py"))._unsafeUnwrapErr()).toMatchObject({ reason: "url", transient: false });
    expect((await fetchCode(`http://user:pw@127.0.0.1:${port}/ok.py`, LOCAL))._unsafeUnwrapErr()).toMatchObject({ reason: "url" });
    expect(seen).toEqual([]);
  });
});

describe("fetchCodeWithRetry", () => {
  test("behavior: transient failures are retried with exponential backoff", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    expect((await fetchCodeWithRetry(`${base}/flaky`, { ...LOCAL, sleep, backoffMs: 10 }))._unsafeUnwrap().text).toBe(CODE);
    expect(waits).toEqual([10, 20]);
    expect(counters.get("/flaky")).toBe(3);
  });

  test("behavior: 429 is retried up to maxAttempts, then the last error is returned", async () => {
    const waits: number[] = [];
    const e = (await fetchCodeWithRetry(`${base}/429`, { ...LOCAL, maxAttempts: 3, backoffMs: 5, sleep: async (ms) => void waits.push(ms) }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ status: 429, transient: true });
    expect(waits).toEqual([5, 10]);
    expect(counters.get("/429")).toBe(3);
  });

  test("behavior: permanent failures are not retried", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    expect((await fetchCodeWithRetry(`${base}/404`, { ...LOCAL, sleep })).isErr()).toBe(true);
    expect((await fetchCodeWithRetry(`${base}/ok.py`, { ...LOCAL, sleep, expectedHash: "0".repeat(32) }))._unsafeUnwrapErr().code).toBe("hash_mismatch");
    expect(waits).toEqual([]);
    expect(counters.get("/404")).toBe(1);
    expect(counters.get("/ok.py")).toBe(1);
  });

  test("error: maxAttempts below 1 is a programmer error", () => {
    expect(() => fetchCodeWithRetry(`${base}/ok.py`, { maxAttempts: 0 })).toThrow(RangeError);
  });
});

describe("fetchCode over TLS", () => {
  let dir = "";
  let tls: HttpsServer | undefined;
  let tlsPort = 0;
  const sni: (string | undefined)[] = [];
  const hasOpenssl = (() => {
    try {
      execFileSync("openssl", ["version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();

  beforeAll(async () => {
    if (!hasOpenssl) return;
    dir = mkdtempSync(join(tmpdir(), "crusades-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=code.example", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
    tls = createTlsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")), SNICallback: (name, cb) => {
      sni.push(name);
      cb(null);
    } }, (_req, res) => res.end(CODE));
    await new Promise<void>((r) => tls!.listen(0, "127.0.0.1", r));
    tlsPort = (tls.address() as AddressInfo).port;
  });
  afterAll(async () => {
    if (tls) await new Promise<void>((r) => tls!.close(() => r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test.skipIf(!hasOpenssl)("behavior: SNI is the URL's host name while the connection goes to the pinned address; an untrusted certificate fails", async () => {
    const e = (await fetchCode(`https://code.example:${tlsPort}/ok.py`, { lookup: async () => [at("127.0.0.1")], ...LOCAL }))._unsafeUnwrapErr();
    expect(sni).toEqual(["code.example"]);
    expect(e).toMatchObject({ reason: "connect", transient: true });
    expect(e.message).toMatch(/self[- ]signed/i);
  });
});
