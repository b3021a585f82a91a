/**
 * `npm run bench -- evaluate [--steps N] [--batch B] [--seq L] [--gpus N] [--file train.py]`:
 * the overhead of `crusades evaluate` on the CPU image, i.e. the CLI's wall time divided by the
 * time spent training (the reference run's `train_seconds` plus the timed run's
 * `timed_wall_seconds`). Everything else (containers, imports, the warm-up, the scan, verification,
 * hashing) is overhead. Goal (issue 5): at most 1.3. Last line: one JSON object.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const repo = join(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "10" },
    batch: { type: "string", default: "16" },
    seq: { type: "string", default: "128" },
    gpus: { type: "string", default: "1" },
    file: { type: "string", default: "local_test/single_gpu/train.py" },
  },
});
const steps = Number(values.steps);
const batch = Number(values.batch);
const seq = Number(values.seq);
const gpus = Number(values.gpus);

const work = mkdtempSync(join(tmpdir(), "crusades-bench-evaluate-"));
const hparams = JSON.parse(readFileSync(join(repo, "hparams", "hparams.json"), "utf8")) as Record<string, unknown>;
Object.assign(hparams, {
  evaluation_runs: 1, eval_steps: steps, benchmark_batch_size: batch, benchmark_sequence_length: seq, benchmark_data_samples: 10000, eval_timeout: 3600,
  docker: { num_gpus: gpus, memory_limit: "8g", shm_size: "1g" },
  sandbox: { tmpfs_size: "1g", handoff_max_bytes_factor: 1.1 },
});
const hparamsPath = join(work, "hparams.json");
writeFileSync(hparamsPath, JSON.stringify(hparams));

process.stderr.write(`bench evaluate: ${values.file}, ${gpus} process(es), B=${batch} L=${seq} steps=${steps} on the CPU image (${cpus().length} CPUs)\n`);
// The built CLI, as users run it (`npx crusades`); from source through tsx (~1 s more) when not built.
const built = join(repo, "dist", "bin", "crusades.js");
const cli = existsSync(built) ? [built] : ["--import", "tsx", join(repo, "bin", "crusades.ts")];
const t0 = performance.now();
const r = spawnSync(
  process.execPath,
  [...cli, "evaluate", values.file, "--image", "cpu", "--gpus", String(gpus), "--json", "--keep", "--work-dir", work],
  { cwd: repo, env: { ...process.env, CRUSADES_HPARAMS_PATH: hparamsPath }, encoding: "utf8", maxBuffer: 64 << 20 },
);
const wallSeconds = (performance.now() - t0) / 1000;
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.stderr.write(`bench evaluate: crusades evaluate exited with ${r.status}\n`);
  process.exit(1);
}
interface Run {
  runDir: string;
  timing: { timedWallSeconds: number };
  durations: { referenceMs: number; candidateMs: number; verifyMs: number };
}
const report = JSON.parse(r.stdout) as { runs: Run[]; passed: boolean };
const run = report.runs[0]!;
const reference = JSON.parse(readFileSync(join(run.runDir, "reference", "summary.json"), "utf8")) as { train_seconds: number };
const trainingSeconds = reference.train_seconds + run.timing.timedWallSeconds;
const figures = {
  bench: "evaluate",
  file: values.file,
  processes: gpus,
  batch_size: batch,
  sequence_length: seq,
  steps,
  passed: report.passed,
  wall_seconds: Number(wallSeconds.toFixed(2)),
  reference_train_seconds: Number(reference.train_seconds.toFixed(2)),
  timed_wall_seconds: Number(run.timing.timedWallSeconds.toFixed(2)),
  reference_container_seconds: Number((run.durations.referenceMs / 1000).toFixed(2)),
  candidate_container_seconds: Number((run.durations.candidateMs / 1000).toFixed(2)),
  verify_seconds: Number((run.durations.verifyMs / 1000).toFixed(2)),
  overhead_seconds: Number((wallSeconds - trainingSeconds).toFixed(2)),
  overhead_ratio: Number((wallSeconds / trainingSeconds).toFixed(3)),
  goal_ratio: 1.3,
  cli: existsSync(built) ? "dist" : "tsx",
  cpus: cpus().length,
  loadavg_1m: Number(loadavg()[0]!.toFixed(2)),
  node: process.version,
};
rmSync(work, { recursive: true, force: true });
process.stdout.write(`wall ${figures.wall_seconds} s = training ${trainingSeconds.toFixed(2)} s (reference ${figures.reference_train_seconds} + timed ${figures.timed_wall_seconds}) + overhead ${figures.overhead_seconds} s\n`);
process.stdout.write(`overhead ratio ${figures.overhead_ratio} (goal <= 1.3)\n`);
process.stdout.write(`${JSON.stringify(figures)}\n`);
