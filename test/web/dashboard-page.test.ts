/**
 * The dashboard page without a browser: self-contained HTML (nothing fetched from elsewhere, no
 * inline handlers or style attributes), the CSP hashes against the inline script and stylesheet,
 * the title's escaping, and the routes of serveDashboard.
 */
import { createHash } from "node:crypto";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DASHBOARD_PATHS, dashboardContentSecurityPolicy, dashboardHtml, serveDashboard } from "../../src/web/index.js";

const html = dashboardHtml();

function blocks(tag: "script" | "style"): string[] {
  return Array.from(html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g")), (m) => m[1] ?? "");
}
const hashOf = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
// The markup outside the script and style blocks.
const markup = html.replace(/<script>[\s\S]*?<\/script>/g, "").replace(/<style>[\s\S]*?<\/style>/g, "");

describe("dashboardHtml", () => {
  test("behavior: one document with one inline script and one inline stylesheet", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(blocks("script")).toHaveLength(1);
    expect(blocks("style")).toHaveLength(1);
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  test("security: nothing is loaded from elsewhere", () => {
    expect(html).not.toMatch(/\b(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<(?:link[^>]*stylesheet|iframe|object|embed|img|base)\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(blocks("script")[0]).not.toMatch(/\bimport\s*\(|importScripts|\beval\s*\(|new Function|innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  test("security: no inline event handler or style attributes (CSP-friendly markup)", () => {
    expect(markup).not.toMatch(/\son[a-z]+\s*=/i);
    expect(markup).not.toMatch(/\sstyle\s*=/i);
    expect(markup).not.toMatch(/javascript:/i);
  });

  test("behavior: the script parses and is plain ASCII (its hash cannot depend on an encoding)", () => {
    const script = blocks("script")[0] ?? "";
    expect(() => new vm.Script(script)).not.toThrow();
    expect(script).toMatch(/^[\x09\x0a\x0d\x20-\x7e]*$/);
    expect(script).not.toMatch(/<\/script|<!--/i);
  });

  test("behavior: stable test ids of every panel are present", () => {
    for (const id of ["stat-submissions-24h", "stat-top-mfu", "stat-mfu-to-beat", "stat-active-miners", "stat-total", "leader-uid", "validator-dot", "validator-status",
      "validator-current", "validator-evals-hour", "validator-queued", "validator-running", "validator-done", "validator-failed", "validator-uptime", "history-chart",
      "leaderboard", "recent", "error-banner", "detail-view", "detail-score", "evaluations-title", "evaluations", "provenance", "detail-violations", "code", "code-hidden"]) {
      expect(markup).toContain(`data-testid="${id}"`);
    }
  });

  test("args: title is escaped and defaults to the reference's header", () => {
    expect(html).toContain("<title>τemplar crusades</title>");
    const custom = dashboardHtml({ title: `<img src=x onerror="alert(1)"> & co` });
    expect(custom).toContain("<title>&#60;img src=x onerror=&#34;alert(1)&#34;&#62; &#38; co</title>");
    expect(custom).not.toContain("<img");
    expect(blocks("script")[0]).toBe(custom.match(/<script>([\s\S]*?)<\/script>/)?.[1]);
  });
});

describe("dashboardContentSecurityPolicy", () => {
  const csp = dashboardContentSecurityPolicy();
  const directives = Object.fromEntries(csp.split(/;\s*/).map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]));

  test("security: allows only 'self' plus the page's own script and style hashes", () => {
    expect(directives["script-src"]).toBe(`'self' ${hashOf(blocks("script")[0] ?? "")}`);
    expect(directives["style-src"]).toBe(`'self' ${hashOf(blocks("style")[0] ?? "")}`);
    expect(directives).toMatchObject({ "default-src": "'self'", "connect-src": "'self'", "object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'none'" });
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
  });

  test("behavior: the hashes hold for any title", () => {
    const other = dashboardHtml({ title: "testnet" });
    expect(directives["script-src"]).toContain(hashOf(other.match(/<script>([\s\S]*?)<\/script>/)?.[1] ?? ""));
  });
});

describe("serveDashboard", () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (serveDashboard(req, res, { title: "served" })) return;
      res.writeHead(418, { "Content-Type": "text/plain" });
      res.end("not the dashboard");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function call(method: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method, path }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  test("behavior: GET on each dashboard path serves the page with its headers", async () => {
    expect(DASHBOARD_PATHS).toEqual(["/", "/dashboard"]);
    for (const path of [...DASHBOARD_PATHS, "/dashboard?key=abc&refresh=10"]) {
      const r = await call("GET", path);
      expect(r.status).toBe(200);
      expect(r.body).toBe(dashboardHtml({ title: "served" }));
      expect(r.headers).toMatchObject({
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": dashboardContentSecurityPolicy(),
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
        "content-length": String(Buffer.byteLength(r.body)),
      });
    }
  });

  test("behavior: HEAD gets the headers without a body", async () => {
    const r = await call("HEAD", "/");
    expect(r.status).toBe(200);
    expect(r.headers["content-security-policy"]).toBe(dashboardContentSecurityPolicy());
    expect(r.body).toBe("");
  });

  test("behavior: other paths and methods are left to the caller (false)", async () => {
    for (const [method, path] of [["GET", "/api/stats/overview"], ["GET", "/dashboard/"], ["GET", "/dashboard.html"], ["GET", "/leaderboard"], ["POST", "/"], ["DELETE", "/dashboard"], ["OPTIONS", "/"]] as const) {
      const r = await call(method, path);
      expect([method, path, r.status, r.body]).toEqual([method, path, 418, "not the dashboard"]);
    }
  });
});
