/**
 * The harness's own Python tests (environments/templar/tests, plus the facts script's tests), run
 * inside the CPU image they ship in, with no network: what the evaluation trusts is tested where it
 * runs.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { defaultImageTag } from "../../src/evaluation/index.js";
import { dockerUnavailableReason, ENV_DIR } from "./docker-env.js";

const reason = await dockerUnavailableReason();
if (reason !== null) console.warn(`skipping the harness's Python tests in the CPU image: ${reason}`);

describe.skipIf(reason !== null)("the harness's Python tests in the CPU image", () => {
  test("behavior: unittest discovers and passes every test", { timeout: 600_000 }, () => {
    const tag = defaultImageTag("cpu", ENV_DIR!);
    const run = spawnSync(
      "docker",
      // The harness's tests, then the facts script's (beside it in /opt/crusades, not under tests/).
      ["run", "--rm", "--network", "none", tag, "sh", "-c", "cd /tmp && python3 -m unittest discover -s /opt/crusades/tests -v 2>&1 && python3 -m unittest discover -s /opt/crusades -p 'test_scan_facts.py' -v 2>&1"],
      { encoding: "utf8", timeout: 590_000, maxBuffer: 64 << 20 },
    );
    const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
    expect(run.status, output.slice(-4000)).toBe(0);
    const ran = [...output.matchAll(/Ran (\d+) tests?/g)].map((m) => Number(m[1]));
    expect(ran, output.slice(-2000)).toHaveLength(2);
    expect(ran[0], output.slice(-2000)).toBeGreaterThan(20);
    expect(ran[1], output.slice(-2000)).toBeGreaterThan(20); // test_scan_facts.py
  });
});
