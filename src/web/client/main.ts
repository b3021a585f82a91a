/**
 * Browser-side wiring of the dashboard: the API key from `?key=`, same-origin GETs with
 * `X-API-Key`, the refresh loop (every 30 s by default, `?refresh=` seconds, at least 5), the error
 * banner that keeps the last data on screen, the `#submission/<id>` route of the detail view, and
 * the keys of the terminal dashboard (§J.4: `r`, Enter, `j`/`k`, `c`, `b`/Esc).
 * @module
 */

/** Fetching, refresh loop, routing and keys (part 4 of the script). */
export const MAIN_SCRIPT = String.raw`
const KEY_STORAGE = "crusades.dashboard.apiKey";
const REQUEST_TIMEOUT_MS = 15000;
const query = new URLSearchParams(location.search);

// The key arrives once in ?key=; it is kept for the tab's session and taken out of the address
// bar, so it does not stay in history or get copied along with the link.
let apiKey = query.get("key");
try {
  if (apiKey) sessionStorage.setItem(KEY_STORAGE, apiKey);
  else apiKey = sessionStorage.getItem(KEY_STORAGE);
} catch (e) { /* storage disabled: the key lives only in this page */ }
if (query.has("key")) {
  query.delete("key");
  const rest = query.toString();
  history.replaceState(null, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
}
const refreshSeconds = Math.max(5, Number(query.get("refresh")) || 30);

async function getJson(path) {
  const headers = { Accept: "application/json" };
  if (apiKey) headers["X-API-Key"] = apiKey;
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS);
  let res;
  try {
    res = await fetch(path, { headers, cache: "no-store", credentials: "same-origin", signal: ctrl.signal });
  } catch (e) {
    throw new Error(path + ": " + (e && e.name === "AbortError" ? "timed out" : "network error"));
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok) throw new Error(path + ": HTTP " + res.status + (res.status === 401 ? " (an API key is needed: open this page with ?key=\u2026)" : ""));
  try { return await res.json(); } catch (e) { throw new Error(path + ": not JSON"); }
}

const failures = new Map();
async function load(name, fetchAll, render) {
  try {
    const data = await fetchAll();
    try { render(data); } catch (e) { throw new Error(name + ": could not render (" + (e && e.message) + ")"); }
    failures.delete(name);
    return true;
  } catch (e) {
    failures.set(name, e && e.message ? e.message : String(e));
    return false;
  }
}

function renderBanner() {
  const banner = byTestId("error-banner");
  if (failures.size === 0) { banner.hidden = true; banner.textContent = ""; return; }
  banner.hidden = false;
  banner.textContent = "Could not refresh; showing the last data. " + Array.from(failures.values()).join("; ");
}

let detailId = null;
let codeVisible = true;
let loading = null;

function refreshDetail(id) {
  const enc = encodeURIComponent(id);
  return load("detail", () => Promise.all([getJson("/api/submissions/" + enc), getJson("/api/submissions/" + enc + "/evaluations")]), ([s, e]) => {
    if (detailId === id) renderDetail(s, e);
  });
}

async function refresh() {
  if (loading !== null) return loading;
  loading = (async () => {
    const jobs = [
      load("overview", () => getJson("/api/stats/overview"), renderStats),
      load("validator", () => getJson("/api/stats/validator"), renderValidator),
      load("history", () => getJson("/api/stats/history?limit=200"), renderHistory),
      load("leaderboard", () => getJson("/leaderboard?limit=10"), renderLeaderboard),
      load("recent", () => getJson("/api/stats/recent?limit=10"), renderRecent),
    ];
    if (detailId !== null) jobs.push(refreshDetail(detailId));
    await Promise.all(jobs);
    renderBanner();
    setText("updated", "Updated " + new Date().toLocaleTimeString() + " \u00b7 every " + refreshSeconds + " s");
  })();
  try { await loading; } finally { loading = null; }
}

function openDetail(id) { location.hash = "#submission/" + encodeURIComponent(id); }
function closeDetail() { if (location.hash !== "") history.pushState(null, "", location.pathname + location.search); route(); }

function route() {
  const m = /^#submission\/(.+)$/.exec(location.hash);
  let id = null;
  if (m) { try { id = decodeURIComponent(m[1]); } catch (e) { id = null; } }
  byTestId("overview-view").hidden = id !== null;
  byTestId("detail-view").hidden = id === null;
  if (id === null) { detailId = null; failures.delete("detail"); renderBanner(); return; }
  if (id !== detailId) {
    detailId = id;
    setText("detail-id", id);
    setText("evaluations-title", "Evaluations");
    for (const t of ["code", "evaluations", "provenance", "detail-violations"]) clear(byTestId(t));
    for (const t of ["detail-uid", "detail-status", "detail-score", "detail-submitted", "detail-hotkey", "detail-hash", "detail-sha256", "detail-url", "detail-error"]) setText(t, "\u2026");
    refreshDetail(id).then(renderBanner);
  }
  window.scrollTo(0, 0);
}

function moveFocus(step) {
  const rows = Array.from(doc.querySelectorAll("tr.clickable")).filter((r) => r.offsetParent !== null);
  if (rows.length === 0) return;
  const at = rows.indexOf(doc.activeElement);
  rows[Math.min(rows.length - 1, Math.max(0, at < 0 ? 0 : at + step))].focus();
}

doc.addEventListener("keydown", (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const row = doc.activeElement && doc.activeElement.submissionId !== undefined ? doc.activeElement : null;
  if (ev.key === "Enter" && row !== null && row.submissionId !== null) openDetail(row.submissionId);
  else if (ev.key === "r") refresh();
  else if (ev.key === "j" || (ev.key === "ArrowDown" && row !== null)) { moveFocus(1); ev.preventDefault(); }
  else if (ev.key === "k" || (ev.key === "ArrowUp" && row !== null)) { moveFocus(-1); ev.preventDefault(); }
  else if ((ev.key === "Escape" || ev.key === "b") && detailId !== null) closeDetail();
  else if (ev.key === "c" && detailId !== null) toggleCode();
});

function toggleCode() {
  codeVisible = !codeVisible;
  const pre = byTestId("code");
  if (pre.firstChild) pre.hidden = !codeVisible;
  setText("code-toggle", codeVisible ? "Hide code" : "Show code");
}

byTestId("refresh").addEventListener("click", () => refresh());
byTestId("back").addEventListener("click", () => closeDetail());
byTestId("code-toggle").addEventListener("click", () => toggleCode());
window.addEventListener("hashchange", route);
window.addEventListener("popstate", route);
route();
refresh();
setInterval(refresh, refreshSeconds * 1000);
`;
