/**
 * Browser-side renderer of the detail view (spec crusades.md §J.4, project rules): the header
 * (UID, status in both vocabularies, the score, submitted time, short hotkey and hash, error code
 * and message), scan violations, the runs table titled with the **score** (median_low, §H.1) with
 * the average shown apart, the provenance hashes of every run (§L.6) and the code with line
 * numbers, or "not disclosed" when the API withholds it (§J.3).
 * @module
 */

/** Detail renderer and Python highlighter (part 3 of the script). */
export const DETAIL_SCRIPT = String.raw`
const PY_KEYWORDS = new Set(("False None True and as assert async await break class continue def del elif else except " +
  "finally for from global if import in is lambda nonlocal not or pass raise return try while with yield").split(" "));

// Splits Python source into lines of [class, text] tokens. Only for colour: it never decides
// anything, and every token is written with textContent.
function highlight(code) {
  let open = null; // the quote of a triple-quoted string still open at the end of a line
  const lines = code.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop(); // the file's final newline ends a line, it does not start one
  return lines.map((line) => {
    const out = [];
    const push = (cls, text) => { if (text !== "") out.push([cls, text]); };
    let i = 0, m;
    while (i < line.length) {
      const rest = line.slice(i);
      if (open !== null) {
        const end = rest.indexOf(open);
        if (end < 0) { push("str", rest); break; }
        push("str", rest.slice(0, end + 3)); i += end + 3; open = null; continue;
      }
      if (rest[0] === "#") { push("com", rest); break; }
      if ((m = /^[rbuRBUfF]{0,2}("""|''')/.exec(rest))) {
        const end = rest.indexOf(m[1], m[0].length);
        if (end < 0) { push("str", rest); open = m[1]; break; }
        push("str", rest.slice(0, end + 3)); i += end + 3; continue;
      }
      if ((m = /^[rbuRBUfF]{0,2}("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?)/.exec(rest))) { push("str", m[0]); i += m[0].length; continue; }
      if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) { push(PY_KEYWORDS.has(m[0]) ? "kw" : "", m[0]); i += m[0].length; continue; }
      if ((m = /^\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?/.exec(rest))) { push("num", m[0]); i += m[0].length; continue; }
      m = /^[^A-Za-z0-9_#'"]+/.exec(rest);
      const text = m ? m[0] : rest[0];
      push("", text); i += text.length;
    }
    return out;
  });
}

function renderCode(sub) {
  const pre = byTestId("code");
  const hidden = byTestId("code-hidden");
  clear(pre);
  const code = typeof sub.code_content === "string" ? sub.code_content : null;
  if (code === null) {
    pre.hidden = true;
    hidden.hidden = false;
    hidden.textContent = sub.code_disclosed === false
      ? "Code not disclosed (api.code_disclosure); code hash " + orDash(sub.code_hash) + "."
      : "Code not disclosed or not stored yet; code hash " + orDash(sub.code_hash) + ".";
    return;
  }
  hidden.hidden = true;
  pre.hidden = !codeVisible;
  const lines = highlight(code);
  const width = String(lines.length).length;
  lines.forEach((tokens, n) => {
    const src = h("span", { class: "src" });
    for (const [cls, text] of tokens) src.appendChild(cls === "" ? doc.createTextNode(text) : h("span", { class: "tk-" + cls }, text));
    pre.appendChild(h("span", { class: "line", "data-testid": "code-line" }, [h("span", { class: "ln", "aria-hidden": "true" }, String(n + 1).padStart(width, " ")), src]));
  });
}

function renderViolations(v) {
  const box = byTestId("detail-violations");
  clear(box);
  if (!Array.isArray(v)) { box.appendChild(h("p", { class: "empty" }, "Not scanned.")); return; }
  if (v.length === 0) { box.appendChild(h("p", { class: "empty" }, "None.")); return; }
  const ul = h("ul", { class: "violations" });
  for (const raw of v) {
    if (typeof raw === "string") { ul.appendChild(h("li", { "data-testid": "violation" }, raw)); continue; }
    const o = obj(raw);
    const line = num(o.line), col = num(o.col);
    const where = line === null ? "" : " line " + line + (col === null ? "" : ":" + col);
    ul.appendChild(h("li", { "data-testid": "violation" }, [h("span", { class: "mono" }, orDash(o.rule)), where + (str(o.message) ? " \u2014 " + str(o.message) : "")]));
  }
  box.appendChild(ul);
}

function hashCell(v) { const s = str(v); return h("td", { class: "mono", title: s }, short(s, 12, 0)); }

function renderEvaluations(sub, evals) {
  // Spec J.4 (project): the title carries the score (median_low of the successful runs, H.1); the
  // reference titled it with the average, which is not the score.
  setText("evaluations-title", "Evaluations \u2014 score " + fmtPct(sub.final_score) + " (median_low of successful runs)");
  const ok = evals.filter((e) => e.success === true && num(e.mfu) !== null);
  setText("evaluations-average", ok.length === 0 ? "" : "Mean of " + ok.length + " successful run(s): " + fmtPct(ok.reduce((a, e) => a + e.mfu, 0) / ok.length) + " (not the score)");
  const body = byTestId("evaluations");
  clear(body);
  const prov = byTestId("provenance");
  clear(prov);
  if (evals.length === 0) {
    body.appendChild(h("tr", {}, h("td", { colspan: 8, class: "empty" }, "No runs yet.")));
    prov.appendChild(h("tr", {}, h("td", { colspan: 7, class: "empty" }, "No runs yet.")));
  }
  evals.forEach((e, i) => {
    const no = num(e.run_no) === null ? String(i + 1) : String(e.run_no);
    const status = str(e.status) || (e.success === true ? "success" : e.success === false ? "failed" : "unknown");
    const mark = status === "success" ? "\u2713" : status === "void" ? "void" : "\u2717";
    const err = [str(e.error_code), str(e.error)].filter((x) => x !== null && x !== "").join(": ");
    body.appendChild(h("tr", { "data-testid": "evaluation-row" }, [
      td(no), td(fmtPct(e.mfu), { class: "num" }), td(fmtFixed(e.tokens_per_second, 1), { class: "num" }),
      td(fmtInt(e.total_tokens), { class: "num" }), td(fmtFixed(e.wall_time_seconds, 1, " s"), { class: "num" }),
      td(mark, { class: statusClass(status), title: status }), td(err === "" ? DASH : short(err, 60, 0), { title: err === "" ? null : err }),
      td(ago(e.created_at), { title: fmtTime(e.created_at) }),
    ]));
    const p = obj(e.provenance);
    prov.appendChild(h("tr", { "data-testid": "provenance-row" }, [
      td(no), hashCell(pick(p, "hparamsHash", "hparams_hash")), hashCell(pick(p, "scannerRulesHash", "scanner_rules_hash")),
      hashCell(pick(p, "harnessHash", "harness_hash")), hashCell(pick(p, "imageId", "image_id")),
      hashCell(pick(p, "codeSha256", "code_sha256")), hashCell(pick(p, "seed", "seed")),
    ]));
  });
}

function renderDetail(subData, evalData) {
  const sub = obj(subData);
  const evals = list(evalData);
  setText("detail-id", orDash(sub.submission_id));
  setText("detail-uid", fmtUid(sub.miner_uid));
  const status = orDash(sub.status);
  const project = str(sub.project_status);
  const st = setText("detail-status", status + (project && project !== status ? " (" + project + ")" : ""));
  st.setAttribute("class", statusClass(status));
  setText("detail-score", fmtPct(sub.final_score));
  setText("detail-submitted", ago(sub.created_at) + " (" + fmtTime(sub.created_at) + ")");
  setText("detail-hotkey", short(sub.miner_hotkey, 8, 6)).setAttribute("title", orDash(sub.miner_hotkey));
  setText("detail-hash", short(sub.code_hash, 12, 0)).setAttribute("title", orDash(sub.code_hash));
  setText("detail-sha256", short(sub.code_sha256, 12, 0)).setAttribute("title", orDash(sub.code_sha256));
  setText("detail-url", str(sub.bucket_path) === null ? "not disclosed" : str(sub.bucket_path));
  const code = str(sub.error_code), msg = str(sub.error_message);
  setText("detail-error", code === null && msg === null ? DASH : [code, msg].filter((x) => x !== null && x !== "").join(": "));
  renderViolations(sub.scan_violations);
  renderEvaluations(sub, evals);
  renderCode(sub);
}
`;
