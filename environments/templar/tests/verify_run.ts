// Host-side acceptance of a run directory the Python environment wrote:
//   node --import tsx environments/templar/tests/verify_run.ts <runDir> [<runDir> ...]
// Prints one JSON line per run: { run, ok, errorCode, failed: [check ids], timing } and exits 1
// if a run fails verification or its supervisor status is not "completed".
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadHparams } from "../../../src/config/index.js";
import { computeTimedWall, parseSupervisorTiming, verifyRun } from "../../../src/verify/index.js";

const hparams = loadHparams().match((h) => h, (e) => { throw new Error(JSON.stringify(e)); });
let bad = 0;
for (const run of process.argv.slice(2)) {
  const report = await verifyRun(run, { verification: hparams.verification, workers: 0 });
  const timingDoc = parseSupervisorTiming(JSON.parse(readFileSync(join(run, "supervisor/timing.json"), "utf8")));
  const ref = JSON.parse(readFileSync(join(run, "reference/summary.json"), "utf8"));
  const timing = timingDoc.andThen((t) => computeTimedWall(t, ref.state_write_seconds, hparams.timing));
  const out = report.match(
    (r) => ({ run, ok: r.errorCode === null, errorCode: r.errorCode, failed: r.checks.filter((c) => c.status === "fail").map((c) => c.id), relativeError: r.details.relativeError, changedRatio: r.details.changedRatio }),
    (e) => ({ run, ok: false, errorCode: e.type, failed: [e.message], relativeError: null, changedRatio: null }),
  );
  const status = timingDoc.isOk() ? timingDoc.value.status : "unreadable";
  const line = { ...out, status, timing: timing.isOk() ? timing.value : String(timing.isErr() ? timing.error : "") };
  if (!out.ok || status !== "completed") bad++;
  console.log(JSON.stringify(line));
}
process.exit(bad ? 1 : 0);
