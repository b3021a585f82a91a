/**
 * Browser-side renderers of the overview (spec crusades.md §J.4): the Stats and Validator panels,
 * the MFU history chart (inline SVG of the running maximum), the top-10 leaderboard and the recent
 * activity. Each takes the parsed JSON of one endpoint (§J.2) and replaces its panel's content.
 * @module
 */

/** Overview renderers (part 2 of the script); uses the helpers of part 1 and `openDetail` of part 4. */
export const OVERVIEW_SCRIPT = String.raw`
function renderStats(data) {
  const o = obj(data);
  setText("stat-submissions-24h", fmtInt(o.submissions_24h));
  setText("stat-top-mfu", fmtPct(o.current_top_score));
  setText("stat-mfu-to-beat", fmtPct(o.mfu_to_beat));
  const t = num(o.adaptive_threshold);
  setText("stat-threshold", t === null ? DASH : (t * 100).toFixed(2) + "%");
  setText("stat-active-miners", fmtInt(o.active_miners));
  setText("stat-total", fmtInt(o.total_submissions));
}

function renderValidator(data) {
  const o = obj(data);
  const status = str(o.status) || "unknown";
  const dot = byTestId("validator-dot");
  dot.setAttribute("class", "dot " + statusClass(status));
  setText("validator-status", status);
  const cur = o.current_evaluation === null ? null : obj(o.current_evaluation);
  const current = setText("validator-current", cur === null ? DASH : fmtUid(cur.miner_uid));
  current.setAttribute("title", cur === null ? "" : orDash(cur.submission_id));
  setText("validator-evals-hour", fmtInt(o.evaluations_completed_1h));
  setText("validator-queued", fmtInt(o.queued_count));
  setText("validator-running", fmtInt(o.running_count));
  setText("validator-done", fmtInt(o.finished_count));
  setText("validator-failed", fmtInt(o.failed_count));
  setText("validator-success-rate", orDash(o.success_rate));
  setText("validator-uptime", orDash(o.uptime));
}

// A step line of the running maximum: the API already sends it; taking the maximum again keeps
// the line monotone even if an older server sends raw scores.
function renderHistory(data) {
  const box = byTestId("history-chart");
  clear(box);
  let best = null;
  const pts = [];
  for (const p of list(data)) {
    const v = num(p.mfu);
    if (v === null) continue;
    best = best === null ? v : Math.max(best, v);
    pts.push({ v: best, t: str(p.timestamp) });
  }
  if (pts.length === 0) { box.appendChild(h("p", { class: "empty" }, "No finished submissions yet.")); return; }
  const W = 640, H = 180, L = 56, R = 12, T = 12, B = 26;
  const lo = Math.min(pts[0].v, best), hi = best;
  const span = hi - lo || Math.max(1, hi) * 0.1;
  const x = (i) => L + (pts.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (pts.length - 1));
  const y = (v) => T + (H - T - B) * (1 - (v - lo) / span);
  const coords = [];
  pts.forEach((p, i) => {
    if (i > 0) coords.push(x(i).toFixed(1) + "," + y(pts[i - 1].v).toFixed(1));
    coords.push(x(i).toFixed(1) + "," + y(p.v).toFixed(1));
  });
  if (pts.length === 1) {
    const only = y(pts[0].v).toFixed(1);
    coords.splice(0, coords.length, L + "," + only, (W - R) + "," + only);
  }
  const chart = svg("svg", { viewBox: "0 0 " + W + " " + H, class: "chart", role: "img", "aria-label": "MFU running maximum", "data-points": pts.length });
  chart.appendChild(svg("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis" }));
  chart.appendChild(svg("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "axis" }));
  chart.appendChild(svg("text", { x: L - 6, y: y(hi) + 4, class: "tick", "text-anchor": "end", "data-testid": "history-max" }, fmtPct(hi)));
  if (hi !== lo) chart.appendChild(svg("text", { x: L - 6, y: y(lo) + 4, class: "tick", "text-anchor": "end" }, fmtPct(lo)));
  chart.appendChild(svg("text", { x: L, y: H - 8, class: "tick", "text-anchor": "start" }, fmtTime(pts[0].t)));
  if (pts.length > 1) chart.appendChild(svg("text", { x: W - R, y: H - 8, class: "tick", "text-anchor": "end" }, fmtTime(pts[pts.length - 1].t)));
  chart.appendChild(svg("polyline", { points: coords.join(" "), class: "line", "data-testid": "history-line" }));
  pts.forEach((p, i) => {
    const c = svg("circle", { cx: x(i), cy: y(p.v), r: 2.5, class: "point" });
    c.appendChild(svg("title", {}, fmtPct(p.v) + " \u00b7 " + fmtTime(p.t)));
    chart.appendChild(c);
  });
  box.appendChild(chart);
}

// A row that opens the detail view on click or Enter; the id travels as a property, not markup.
function clickableRow(testId, id, cells, extraClass) {
  const tr = h("tr", { class: "clickable" + (extraClass ? " " + extraClass : ""), "data-testid": testId, tabindex: "0", title: id === null ? null : id });
  tr.submissionId = id;
  for (const c of cells) tr.appendChild(c);
  if (id !== null) tr.addEventListener("click", () => openDetail(id));
  return tr;
}
function td(text, attrs) { return h("td", attrs || null, text); }

function renderLeaderboard(data) {
  const rows = list(data).slice(0, 10);
  const body = byTestId("leaderboard");
  clear(body);
  if (rows.length === 0) body.appendChild(h("tr", {}, h("td", { colspan: 5, class: "empty" }, "No finished submissions yet.")));
  rows.forEach((r, i) => {
    const rank = num(r.rank) === null ? i + 1 : num(r.rank);
    body.appendChild(clickableRow("leaderboard-row", str(r.submission_id), [
      td(String(rank), { class: "rank" }),
      td(fmtUid(r.miner_uid), { "data-testid": "leaderboard-uid" }),
      td(fmtPct(r.final_score), { class: "num" }),
      td(fmtInt(r.num_evaluations), { class: "num" }),
      td(ago(r.created_at), { title: fmtTime(r.created_at) }),
    ], rank <= 3 ? "rank-" + rank : ""));
  });
  setText("leader-uid", rows.length === 0 ? DASH : fmtUid(rows[0].miner_uid));
}

function renderRecent(data) {
  const rows = list(data).slice(0, 10);
  const body = byTestId("recent");
  clear(body);
  if (rows.length === 0) body.appendChild(h("tr", {}, h("td", { colspan: 5, class: "empty" }, "No recent activity.")));
  for (const r of rows) {
    const status = orDash(r.status);
    body.appendChild(clickableRow("recent-row", str(r.submission_id), [
      td(fmtUid(r.miner_uid)),
      td(orDash(r.submission_id), { class: "mono", "data-testid": "recent-submission" }),
      td(status, { class: statusClass(status), title: r.error === null || r.error === undefined ? null : orDash(r.error) }),
      td(fmtPct(r.final_score), { class: "num" }),
      td(ago(r.created_at), { title: fmtTime(r.created_at) }),
    ]));
  }
}
`;
