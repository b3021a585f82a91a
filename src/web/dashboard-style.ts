/**
 * The dashboard's stylesheet, inlined in the page's one `<style>` block (allowed by its CSP hash).
 * No `url()`, no `@import`, no web fonts: the page loads nothing but the API's JSON.
 * @module
 */

/** The page's CSS. */
export const DASHBOARD_STYLE = `
:root { color-scheme: dark; --bg: #0d1117; --panel: #161b22; --line: #30363d; --fg: #e6edf3; --dim: #8b949e;
  --accent: #58a6ff; --ok: #3fb950; --bad: #f85149; --warn: #d29922; --gold: #e3b341; --silver: #c9d1d9; --bronze: #d18b47; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
.mono, pre, td.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
header.top { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; padding: .8rem 1.2rem; border-bottom: 1px solid var(--line); }
header.top h1 { margin: 0; font-size: 1.25rem; }
.meta { color: var(--dim); font-size: .85rem; display: flex; gap: .8rem; align-items: center; }
button { background: var(--panel); color: var(--fg); border: 1px solid var(--line); border-radius: 6px; padding: .25rem .7rem; cursor: pointer; font: inherit; }
button:hover, button:focus-visible { border-color: var(--accent); }
.banner { margin: .8rem 1.2rem 0; padding: .6rem .9rem; border: 1px solid var(--bad); border-radius: 6px; background: #3a1214; color: #ffd7d5; }
main, #detail-view { padding: 1rem 1.2rem; display: grid; gap: 1rem; grid-template-columns: repeat(2, minmax(0, 1fr)); }
#detail-view { grid-template-columns: minmax(0, 1fr); }
@media (max-width: 760px) { main { grid-template-columns: minmax(0, 1fr); } }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; min-width: 0; overflow-x: auto; }
.panel.wide { grid-column: 1 / -1; }
h2, h3 { margin: 0 0 .6rem; font-size: 1rem; }
h2 small, h3 small { color: var(--dim); font-weight: normal; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.kv dt { color: var(--dim); }
dl.kv dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.dot { display: inline-block; width: .7rem; height: .7rem; border-radius: 50%; margin-right: .4rem; background: var(--dim); vertical-align: baseline; }
.dot.st-running { background: var(--ok); box-shadow: 0 0 6px var(--ok); }
.dot.st-idle { background: var(--warn); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { color: var(--dim); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.mono { max-width: 28rem; overflow: hidden; text-overflow: ellipsis; }
tr.clickable { cursor: pointer; }
tr.clickable:hover, tr.clickable:focus { background: #1f2630; outline: none; }
tr.rank-1 td { color: var(--gold); font-weight: 600; }
tr.rank-2 td { color: var(--silver); font-weight: 600; }
tr.rank-3 td { color: var(--bronze); font-weight: 600; }
.st-finished, .st-success { color: var(--ok); }
.st-failed, .st-rejected, .st-error { color: var(--bad); }
.st-evaluating, .st-running, .st-downloading, .st-scanning { color: var(--accent); }
.st-queued, .st-pending, .st-void, .st-duplicate { color: var(--warn); }
.empty { color: var(--dim); margin: 0; }
svg.chart { width: 100%; height: auto; max-height: 240px; display: block; }
svg.chart .axis { stroke: var(--line); stroke-width: 1; }
svg.chart .line { fill: none; stroke: var(--accent); stroke-width: 2; }
svg.chart .point { fill: var(--accent); }
svg.chart .tick { fill: var(--dim); font-size: 11px; }
.detail-head { display: flex; align-items: center; gap: 1rem; }
.detail-head h2 { margin: 0; overflow-wrap: anywhere; }
ul.violations { margin: 0; padding-left: 1.2rem; }
pre#code { margin: 0; padding: .6rem 0; background: var(--bg); border-radius: 6px; overflow-x: auto; font-size: 13px; line-height: 1.5; }
pre#code .line { display: block; padding-right: 1rem; }
pre#code .ln { display: inline-block; color: var(--dim); padding: 0 .9rem 0 .6rem; margin-right: .6rem; border-right: 1px solid var(--line); user-select: none; white-space: pre; }
pre#code .src { white-space: pre; }
.tk-kw { color: #ff7b72; }
.tk-str { color: #a5d6ff; }
.tk-com { color: var(--dim); font-style: italic; }
.tk-num { color: #79c0ff; }
footer { color: var(--dim); font-size: .8rem; padding: 0 1.2rem 1rem; }
`;
