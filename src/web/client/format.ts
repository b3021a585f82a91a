/**
 * Browser-side helpers of the dashboard script: DOM building that only ever writes API data as
 * text (`textContent`, `setAttribute`), and the formatting of numbers, times and hashes.
 *
 * The script is plain ES2020 kept as a string (it runs in the browser, not in Node): no template
 * literals inside (they would end the TypeScript one) and non-ASCII characters written as `\u`
 * escapes, so the CSP hash of the page never depends on an encoding.
 * @module
 */

/** DOM and formatting helpers (part 1 of the script). */
export const FORMAT_SCRIPT = String.raw`
const doc = document;
const SVG_NS = "http:" + "//www.w3.org/2000/svg";
const DASH = "\u2014";
const ELLIPSIS = "\u2026";

function byTestId(id) { return doc.querySelector("[data-testid=\"" + id + "\"]"); }
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
function setText(id, text) { const e = byTestId(id); if (e) e.textContent = text; return e; }

// Builds an element. Data only ever lands in text nodes and attribute values (never markup).
function h(tag, attrs, children) {
  const e = doc.createElement(tag);
  if (attrs) for (const k of Object.keys(attrs)) if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, String(attrs[k]));
  if (children !== undefined && children !== null) {
    for (const c of Array.isArray(children) ? children : [children]) {
      if (c === null || c === undefined) continue;
      e.appendChild(typeof c === "object" ? c : doc.createTextNode(String(c)));
    }
  }
  return e;
}
function svg(tag, attrs, text) {
  const e = doc.createElementNS(SVG_NS, tag);
  for (const k of Object.keys(attrs)) e.setAttribute(k, String(attrs[k]));
  if (text !== undefined) e.textContent = text;
  return e;
}

// The API may omit a field, send null, or (an older server) another type: normalise at the edge.
function num(v) { return typeof v === "number" && isFinite(v) ? v : null; }
function str(v) { return typeof v === "string" ? v : typeof v === "number" && isFinite(v) ? String(v) : null; }
function obj(v) { return v !== null && typeof v === "object" && !Array.isArray(v) ? v : {}; }
function list(v) { return Array.isArray(v) ? v.map(obj) : []; }
function pick(o, a, b) { return o[a] !== undefined ? o[a] : o[b]; }

function fmtPct(v) { v = num(v); return v === null ? DASH : v.toFixed(2) + "%"; }
function fmtInt(v) { v = num(v); return v === null ? DASH : Math.round(v).toLocaleString("en-US"); }
function fmtFixed(v, digits, unit) { v = num(v); return v === null ? DASH : v.toFixed(digits) + (unit || ""); }
function fmtUid(v) { v = num(v); return v === null ? DASH : String(v); }
function orDash(v) { v = str(v); return v === null || v === "" ? DASH : v; }

// The reference stores naive UTC times ("2025-01-01T12:00:00"): read a time without zone as UTC.
function parseTime(s) {
  if (typeof s !== "string") return null;
  const ms = Date.parse(/(?:[zZ]|[+-]\d\d:?\d\d)$/.test(s) ? s : s + "Z");
  return isNaN(ms) ? null : ms;
}
function ago(s) {
  const ms = parseTime(s);
  if (ms === null) return DASH;
  const sec = Math.max(0, Math.floor((Date.now() - ms) / 1000));
  if (sec < 60) return sec + "s ago";
  if (sec < 3600) return Math.floor(sec / 60) + "m ago";
  if (sec < 86400) return Math.floor(sec / 3600) + "h ago";
  return Math.floor(sec / 86400) + "d ago";
}
function fmtTime(s) { const ms = parseTime(s); return ms === null ? orDash(s) : new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"); }
function short(v, head, tail) {
  const s = str(v);
  if (s === null || s === "") return DASH;
  return s.length <= head + tail + 1 ? s : s.slice(0, head) + ELLIPSIS + (tail > 0 ? s.slice(-tail) : "");
}
// A class name from API data: only [a-z0-9_-] survives.
function statusClass(v) { return "st-" + (str(v) || "unknown").toLowerCase().replace(/[^a-z0-9_-]/g, ""); }
`;
