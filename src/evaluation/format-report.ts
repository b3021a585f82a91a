/**
 * Renderings of an {@link EvaluationReport}: the table `crusades evaluate` prints, and its one JSON
 * object. Non-finite numbers become `null` in JSON (spec §E.10).
 * @module
 */
import type { EvaluationReport } from "./evaluate.js";
import type { EvaluationImage } from "./image.js";
import type { RunResult } from "./run-result.js";
import type { RunCheck } from "./verdict.js";

/** What the renderings say about the environment. */
export interface ReportContext {
  readonly file: string;
  readonly image: EvaluationImage | null;
  readonly warnings: readonly string[];
  /** Run directories were kept (their paths are shown). */
  readonly kept: boolean;
}

/** The note printed when MFU was measured on the CPU image. */
export const CPU_MFU_NOTE =
  "MFU here comes from the CPU image and its tiny model: it is NOT comparable with GPU figures or with the " +
  "competition's thresholds (min_mfu / max_plausible_mfu are reported, not applied).";

const fmt = (n: number | null | undefined, digits = 4): string => {
  if (n === null || n === undefined) return "-";
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return n.toLocaleString("en-US");
  const a = Math.abs(n);
  return a !== 0 && (a < 1e-3 || a >= 1e7) ? n.toExponential(3) : n.toFixed(digits);
};

function checkRow(c: RunCheck): string {
  const status = c.status === "fail" && !c.binding ? "FAIL*" : c.status === "fail" ? "FAIL" : c.status;
  const bound = c.threshold === null ? c.comparison : `${c.comparison} ${fmt(c.threshold)}`;
  return `    ${c.id.padEnd(20)} ${status.padEnd(8)} ${fmt(c.figure).padStart(14)}  ${bound.padEnd(22)} ${c.status === "fail" ? c.code : ""}`.trimEnd();
}

function runBlock(r: RunResult, kept: boolean): string[] {
  const head = `run ${r.runNo} (${r.runId}): ${r.status.toUpperCase()}${r.errorCode ? ` ${r.errorCode}` : ""}`;
  const lines = [head];
  if (r.error) lines.push(`  ${r.error}`);
  const m = r.measured;
  const t = r.timing;
  lines.push(
    `  MFU ${fmt(m?.rawMfu ?? null)}%   tokens/s ${fmt(m?.tps ?? null, 1)}   timed ${fmt(t?.timedWallSeconds ?? null, 3)} s` +
      `   loss ${fmt(r.candidateLoss)} vs reference ${fmt(r.referenceLoss)}   weight error ${fmt(r.verification?.relativeError ?? null, 6)}`,
  );
  lines.push(
    `  reference ${fmt((r.steps.reference?.durationMs ?? 0) / 1000, 1)} s, candidate ${fmt((r.steps.candidate?.durationMs ?? 0) / 1000, 1)} s, ` +
      `verification ${fmt(r.durations.verifyMs / 1000, 2)} s   seed ${r.seed}`,
  );
  if (r.checks.length > 0) {
    lines.push(`    ${"check".padEnd(20)} ${"status".padEnd(8)} ${"figure".padStart(14)}  ${"passes when".padEnd(22)} code`);
    lines.push(...r.checks.map(checkRow));
  }
  const host = r.provenance.remoteHost;
  if (host) lines.push(`  ran on lease ${host.leaseId} of miner ${host.hotkey} at ${host.endpoint} · GPUs ${host.gpuVerification === "pog" ? `verified by proof-of-GPU (${host.gpuModel ?? "-"})` : "NOT verified (tests only)"} · sandbox ${r.provenance.sandboxProfile}`);
  if (kept) lines.push(`  run directory ${r.runDir}`);
  return lines;
}

/** The human-readable report. */
export function formatEvaluationText(report: EvaluationReport, ctx: ReportContext): string {
  const s = report.strategy;
  const image = ctx.image === null ? "no image (local processes)" : `${ctx.image.tag} (${ctx.image.id.slice(0, 19)})`;
  const out: string[] = [
    `crusades evaluate ${ctx.file}`,
    `  ${image} · runner ${report.runner} · ${report.device} · ${s.numGpus} process(es), dp ${s.dpSize} × tp ${s.tpSize}`,
    report.scan.enabled
      ? `  scan: ${report.scan.ok ? "accepted" : `REJECTED (${report.scan.violations.length} violation(s))`} · rules ${report.scan.rulesHash?.slice(0, 16) ?? "-"}`
      : "  scan: OFF (--no-scan: tests and research only)",
  ];
  for (const v of report.scan.violations.slice(0, 20)) out.push(`    ${ctx.file}:${v.line}:${v.col}: ${v.rule}: ${v.message}`);
  for (const w of ctx.warnings) out.push(`  warning: ${w}`);
  out.push("");
  for (const r of report.runs) out.push(...runBlock(r, ctx.kept), "");
  const sc = report.score;
  const scoreLine =
    sc.status === "finished"
      ? `score: MFU ${fmt(sc.score)}% (median of ${sc.successes} successful run(s) of ${sc.countedRuns})`
      : sc.status === "failed_fatal"
        ? `score: none (fatal: ${sc.errorCode})`
        : sc.status === "failed_success_rate"
          ? `score: none (success rate ${fmt(sc.successRate, 2)} < ${sc.minSuccessRate})`
          : `score: pending (${sc.countedRuns} counted run(s), ${sc.voidRuns} void)`;
  out.push(`${report.passed ? "PASSED" : "FAILED"}${report.errorCode ? ` ${report.errorCode}` : ""} · ${scoreLine} · ${fmt(report.durationMs / 1000, 1)} s`);
  if (report.error && !report.passed) out.push(`  ${report.error}`);
  if (!report.mfuComparable) out.push(`note: ${CPU_MFU_NOTE}`);
  if (report.runs.some((r) => r.checks.some((c) => c.status === "fail" && !c.binding))) out.push("FAIL* = diagnostic, not binding here");
  return `${out.join("\n")}\n`;
}

/** The report as one JSON object (one line); non-finite numbers are `null`. */
export function formatEvaluationJson(report: EvaluationReport, ctx: ReportContext): string {
  const doc = {
    file: ctx.file,
    image: ctx.image === null ? null : { tag: ctx.image.tag, id: ctx.image.id, device: ctx.image.device, model: ctx.image.model, harness_hash: ctx.image.harnessHash },
    warnings: ctx.warnings,
    ...report,
  };
  return `${JSON.stringify(doc, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : typeof v === "bigint" ? v.toString() : v))}\n`;
}
