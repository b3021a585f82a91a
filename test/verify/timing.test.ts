import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { computeTimedWall, parseSupervisorTiming, readSafetensors } from "../../src/verify/index.js";
import { runSlices } from "../../src/verify/pool.js";
import { tempDir, writeSafetensors } from "./helpers.js";

const TIMING = { state_delivery_ratio: 0.5, state_write_slack: 0.25, state_delivery_floor_s: 10 };
const doc = (over: Record<string, unknown> = {}) => ({
  schema: "crusades.supervisor_timing", schema_version: 1, status: "completed",
  t_go_ns: "1000000000000", t_end_ns: ["1088000000000", "1087000000000"], t_delivered_ns: "1100000000000", handoff_bytes: 10, ...over,
});

describe("computeTimedWall (§L.1.6)", () => {
  test("behavior: honest delivery keeps T_end; excess delivery is charged back", () => {
    const t = parseSupervisorTiming(doc())._unsafeUnwrap();
    const honest = computeTimedWall(t, 12, TIMING)._unsafeUnwrap();
    expect(honest).toMatchObject({ trainingSeconds: 88, deliverySeconds: 12, allowedWriteSeconds: 15, deliveryBoundSeconds: 44, deliveryWithinBound: true, timedWallSeconds: 88 });
    const slow = computeTimedWall(t, 4, TIMING)._unsafeUnwrap();
    expect(slow.timedWallSeconds).toBe(100 - 5);
    const late = computeTimedWall(parseSupervisorTiming(doc({ t_delivered_ns: "1200000000000" }))._unsafeUnwrap(), 12, TIMING)._unsafeUnwrap();
    expect(late.deliveryWithinBound).toBe(false);
  });
  test("error: schema and clock order", () => {
    expect(parseSupervisorTiming(doc({ schema_version: 2 })).isErr()).toBe(true);
    expect(parseSupervisorTiming(doc({ t_go_ns: 5 }))._unsafeUnwrapErr()).toMatch(/^t_go_ns/);
    expect(parseSupervisorTiming(doc({ t_end_ns: [] })).isErr()).toBe(true);
    const t = parseSupervisorTiming(doc({ t_end_ns: ["999"] }))._unsafeUnwrap();
    expect(computeTimedWall(t, 1, TIMING).isErr()).toBe(true);
  });
});

describe("worker pool", () => {
  test("error: a file replaced after validation is refused in the workers and inline", async () => {
    const dir = tempDir();
    const p = join(dir, "a.safetensors");
    writeSafetensors(p, { a: { dtype: "BF16", shape: [8], values: [1, 2, 3, 4, 5, 6, 7, 8] } });
    const st = statSync(p, { bigint: true });
    const reader = (await readSafetensors(p))._unsafeUnwrap();
    const off = reader.tensor("a")!.fileOffset;
    await reader.close();
    const f = { path: p, noFollow: false, dev: String(st.dev), ino: String(st.ino), size: Number(st.size) + 2, off, dt: 2 as const };
    for (const workers of [0, 1]) {
      await expect(runSlices([{ id: 0, n: 8, c: f, r: null, i: null }], workers)).rejects.toThrow(/changed after validation/);
    }
    const good = { ...f, size: Number(st.size) };
    const [res] = await runSlices([{ id: 0, n: 8, c: good, r: null, i: null }], 1);
    expect(res).toMatchObject({ id: 0, nan: 0, inf: 0 });
  });
});
