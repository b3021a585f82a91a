/**
 * Benchmark of `verifyRun` (issue 3): two synthetic bf16 states of about 2 GB each plus the initial
 * state, written with python3-torch into a temp directory (reused when present), verified with
 * `verifyRun`, and the same figures computed tensor by tensor by PyTorch on the CPU in the same run.
 * The last line printed is one JSON object with `ratio_vs_torch`, `gb_per_s` and `peak_rss_mb`.
 *
 * Run: `node --import tsx bench/verify.ts [--scale 1] [--dir DIR] [--workers N] [--torch-threads N]`
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { verifyRun } from "../src/verify/index.js";

const PYTHON = "/usr/bin/python3";
const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, def: string) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 && process.argv[k + 1] !== undefined ? process.argv[k + 1]! : def;
};
const scale = Number(arg("scale", "1"));
const runDir = arg("dir", join(tmpdir(), `crusades-bench-verify-${scale}`));
const workers = Number(arg("workers", String(availableParallelism())));
const torchThreads = Number(arg("torch-threads", String(workers)));

function ensureStates(): void {
  const marker = join(runDir, "candidate", "state.safetensors");
  if (existsSync(marker)) {
    console.log(`reusing states in ${runDir}`);
    return;
  }
  console.log(`writing synthetic bf16 states (scale ${scale}) with PyTorch into ${runDir} ...`);
  mkdirSync(runDir, { recursive: true });
  execFileSync(PYTHON, [join(here, "verify_torch.py"), "gen", runDir, "--scale", String(scale)], { stdio: "inherit" });
}

function writeSummaries(): void {
  const write = (p: string, o: unknown) => writeFileSync(join(runDir, p), JSON.stringify(o, null, 2));
  write("reference/summary.json", {
    schema: "crusades.reference_summary", schema_version: 1, final_loss: 2.5, batch_size: 16, sequence_length: 1024, steps: 20,
    expected_tokens_per_rank: 327680, vocab_size: 262144, model_params: 1, dp_size: 1, tp_size: 1, num_gpus: 1, seed: "bench",
    state_write_seconds: 1, harness_hash: "bench", versions: {},
  });
  write("candidate/summary.json", {
    schema: "crusades.candidate_summary", schema_version: 1, final_loss: 2.52, total_tokens: 327680,
    final_logits_shape: [2, 1023, 262144], final_logits_dtype: "torch.float32", dropped_keys: [],
  });
}

async function main(): Promise<void> {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found: apt-get install -y python3-torch`);
  ensureStates();
  writeSummaries();
  // Warm the page cache the same way for both sides.
  execFileSync("cat", [join(runDir, "initial/state.safetensors"), join(runDir, "reference/state.safetensors"), join(runDir, "candidate/state.safetensors")], { stdio: ["ignore", "ignore", "inherit"], maxBuffer: 1 });
  const verification = { max_loss_difference: 0.4, min_params_changed_ratio: 0.75, weight_relative_error_max: 0.015, timer_divergence_threshold: 0.005, per_layer_relative_error_max: null };

  const t0 = performance.now();
  const r = await verifyRun(runDir, { verification, workers });
  const seconds = (performance.now() - t0) / 1000;
  if (r.isErr()) throw new Error(r.error.message);
  const d = r.value.details;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`verifyRun: ${seconds.toFixed(3)} s, ${(d.bytesRead / 1e9).toFixed(3)} GB of state, ${workers} workers, verified=${r.value.verified}`);
  console.log(`  relative_error=${d.relativeError} changed=${d.changedElements}/${d.totalElements} nan=${d.nanElements} inf=${d.infElements}`);

  console.log(`PyTorch (${torchThreads} threads) computing the same figures ...`);
  const torchOut = execFileSync(PYTHON, [join(here, "verify_torch.py"), "compute", runDir, "--threads", String(torchThreads)], { maxBuffer: 1 << 26 }).toString();
  const t = JSON.parse(torchOut.trim().split("\n").at(-1)!) as { seconds: number; peak_rss_mb: number; relative_error: number; changed: number; total: number; torch: string };
  console.log(`torch ${t.torch}: ${t.seconds.toFixed(3)} s, peak RSS ${Math.round(t.peak_rss_mb)} MB, relative_error=${t.relative_error} changed=${t.changed}/${t.total}`);
  // torch sums in float32 as the reference does; this side sums in float64 (spec §F accepts the difference).
  const agree = Math.abs(t.relative_error - (d.relativeError ?? NaN)) <= 1e-4 * t.relative_error && t.changed === d.changedElements;
  console.log(`figures agree: ${agree}`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? "?"}, node ${process.version} (CPU shared with other work)`);
  console.log(JSON.stringify({
    bench: "verify", seconds, torch_seconds: t.seconds, ratio_vs_torch: t.seconds / seconds, gb: d.bytesRead / 1e9,
    gb_per_s: d.bytesRead / 1e9 / seconds, peak_rss_mb: Math.round(peakRssMb), torch_peak_rss_mb: Math.round(t.peak_rss_mb), workers, torch_threads: torchThreads,
    figures_agree: agree, relative_error: d.relativeError, changed_ratio: d.changedRatio,
  }));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
