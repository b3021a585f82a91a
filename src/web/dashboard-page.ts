/**
 * The validator's web dashboard (spec crusades.md §J.4, project rules): one self-contained HTML
 * document (inline CSS and vanilla JS, nothing loaded from elsewhere) that reads the same-origin
 * JSON API (§J.2) and shows the terminal dashboard's panels (Stats, Validator, MFU history,
 * Leaderboard, Recent activity) and its detail view. The page's strict Content-Security-Policy
 * allows its one inline script and stylesheet by SHA-256 hash only. See docs/web-dashboard.md.
 * @module
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { DETAIL_SCRIPT } from "./client/detail.js";
import { FORMAT_SCRIPT } from "./client/format.js";
import { MAIN_SCRIPT } from "./client/main.js";
import { OVERVIEW_SCRIPT } from "./client/overview.js";
import { DASHBOARD_STYLE } from "./dashboard-style.js";

/** Options of {@link dashboardHtml} and {@link serveDashboard}. */
export interface DashboardPageOptions {
  /** The page title and header. @default "τemplar crusades" */
  readonly title?: string;
}

/** The paths {@link serveDashboard} answers (exact match; the query string is ignored). */
export const DASHBOARD_PATHS = Object.freeze(["/", "/dashboard"] as const);

/** The default title: the header of the reference's terminal dashboard (§J.4). */
const DEFAULT_TITLE = "τemplar crusades";

// One strict-mode scope for the four parts; the parts share helpers and state by name.
const SCRIPT = `"use strict";\n(() => {${FORMAT_SCRIPT}${OVERVIEW_SCRIPT}${DETAIL_SCRIPT}${MAIN_SCRIPT}})();\n`;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// A placeholder element filled by the script, with the same id and data-testid.
function slot(tag: string, id: string, text = "—"): string {
  return `<${tag} id="${id}" data-testid="${id}">${text}</${tag}>`;
}

function kv(rows: readonly (readonly [label: string, id: string])[], first = ""): string {
  return `<dl class="kv">${first}${rows.map(([label, id]) => `<dt>${label}</dt>${slot("dd", id)}`).join("")}</dl>`;
}

function table(headers: readonly string[], bodyId: string): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody id="${bodyId}" data-testid="${bodyId}"></tbody></table>`;
}

const OVERVIEW = `<main id="overview-view" data-testid="overview-view">
<section class="panel"><h2>Stats</h2>${kv([
  ["Submissions (24 h)", "stat-submissions-24h"],
  ["Top MFU", "stat-top-mfu"],
  ["MFU to beat", "stat-mfu-to-beat"],
  ["Threshold (decayed)", "stat-threshold"],
  ["Leader UID", "leader-uid"],
  ["Active miners (24 h)", "stat-active-miners"],
  ["Total submissions", "stat-total"],
])}</section>
<section class="panel"><h2>Validator</h2>${kv([
  ["Evaluating UID", "validator-current"],
  ["Evaluations / hour", "validator-evals-hour"],
  ["Queued", "validator-queued"],
  ["Running", "validator-running"],
  ["Done", "validator-done"],
  ["Failed", "validator-failed"],
  ["Success rate", "validator-success-rate"],
  ["Uptime", "validator-uptime"],
], `<dt>Status</dt><dd><span id="validator-dot" data-testid="validator-dot" class="dot"></span>${slot("span", "validator-status")}</dd>`)}</section>
<section class="panel wide"><h2>MFU history <small>running maximum</small></h2><div id="history-chart" data-testid="history-chart"></div></section>
<section class="panel wide"><h2>Leaderboard <small>top 10</small></h2>${table(["#", "UID", "MFU", "Evals", "Submitted"], "leaderboard")}</section>
<section class="panel wide"><h2>Recent activity</h2>${table(["UID", "Submission", "Status", "MFU", "Submitted"], "recent")}</section>
</main>`;

const DETAIL = `<section id="detail-view" data-testid="detail-view" hidden>
<div class="detail-head"><button type="button" id="back" data-testid="back">← Back</button><h2>Submission ${slot("span", "detail-id", "")}</h2></div>
<section class="panel">${kv([
  ["UID", "detail-uid"],
  ["Status", "detail-status"],
  ["MFU score", "detail-score"],
  ["Submitted", "detail-submitted"],
  ["Hotkey", "detail-hotkey"],
  ["Code hash", "detail-hash"],
  ["Code SHA-256", "detail-sha256"],
  ["Code URL", "detail-url"],
  ["Error", "detail-error"],
])}</section>
<section class="panel"><h3>Scan violations</h3><div id="detail-violations" data-testid="detail-violations"></div></section>
<section class="panel">${slot("h3", "evaluations-title", "Evaluations")}${slot("p", "evaluations-average", "")}${table(["Run", "MFU", "TPS", "Tokens", "Wall time", "OK", "Error", "Time"], "evaluations")}</section>
<section class="panel"><h3>Provenance</h3>${table(["Run", "hparams", "Scanner rules", "Harness", "Image", "Code SHA-256", "Seed"], "provenance")}</section>
<section class="panel"><h3>Code <button type="button" id="code-toggle" data-testid="code-toggle">Hide code</button></h3><p id="code-hidden" data-testid="code-hidden" class="empty" hidden></p><pre id="code" data-testid="code"></pre></section>
</section>`;

/**
 * The dashboard as one HTML document. Everything it shows comes from the same-origin API at run
 * time and is written as text (never parsed as HTML); with `?key=` in the page's URL it sends that
 * key as `X-API-Key`. Serve it with the headers of {@link serveDashboard} (its CSP allows only this
 * document's own script and style).
 * @param options The title.
 * @returns The complete HTML document.
 * @example
 * import { dashboardHtml } from "crusades/web";
 * const html = dashboardHtml({ title: "crusades (testnet)" });
 */
export function dashboardHtml(options: DashboardPageOptions = {}): string {
  const title = escapeHtml(options.title ?? DEFAULT_TITLE);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<header class="top"><h1 data-testid="title">${title}</h1><div class="meta">${slot("span", "updated", "Loading…")}<button type="button" id="refresh" data-testid="refresh">Refresh</button></div></header>
<div id="error-banner" data-testid="error-banner" class="banner" role="alert" hidden></div>
${OVERVIEW}
${DETAIL}
<footer>Keys: r refresh · j/k move · Enter open · c code · b or Esc back.</footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function sha256Source(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

let csp: string | null = null;

/**
 * The Content-Security-Policy of the page: only `'self'`, plus the page's own inline script and
 * stylesheet by SHA-256 hash; no frames, no plugins, no `<base>`, no form posts.
 * @returns The header value (computed once).
 */
export function dashboardContentSecurityPolicy(): string {
  csp ??= [
    "default-src 'self'",
    `script-src 'self' ${sha256Source(SCRIPT)}`,
    `style-src 'self' ${sha256Source(DASHBOARD_STYLE)}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return csp;
}

/**
 * Answers a GET (or HEAD) on one of {@link DASHBOARD_PATHS} with the page: `text/html;
 * charset=utf-8`, its Content-Security-Policy, `no-store`, `nosniff`, `no-referrer` and
 * `frame-ancestors 'none'`. Anything else is left alone. The page holds no data, so it can be
 * served before an API-key check; its requests carry the key.
 * @param req The request.
 * @param res Its response; written only when `true` is returned.
 * @param options The title.
 * @returns `true` when the request was answered, `false` for another path or method.
 * @example
 * import { createServer } from "node:http";
 * import { serveDashboard } from "crusades/web";
 * createServer((req, res) => { if (!serveDashboard(req, res)) api.handle(req, res); });
 */
export function serveDashboard(req: IncomingMessage, res: ServerResponse, options?: DashboardPageOptions): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const raw = req.url ?? "/";
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  if (!(DASHBOARD_PATHS as readonly string[]).includes(path)) return false;
  const body = Buffer.from(dashboardHtml(options), "utf8");
  res.writeHead(200, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": String(body.length),
    "Content-Security-Policy": dashboardContentSecurityPolicy(),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
  });
  res.end(req.method === "HEAD" ? undefined : body);
  return true;
}
