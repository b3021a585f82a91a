import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { createLogSink, EVALUATION_LABEL, OWNER_PID_LABEL, removeContainer, removeLeftoverContainers, runContainer } from "../../src/evaluation/index.js";
import { fakeEngine } from "./fake-engine.js";

const SPEC = { Image: "img", name: "x" };

describe("runContainer: deadline and cleanup", () => {
  test("behavior: a container that exits by itself: its status, and it is removed", async () => {
    const e = fakeEngine({ exitAfterMs: 20, exitCode: 3 });
    const o = (await runContainer(e.docker, SPEC, { deadlineMs: 5_000 }))._unsafeUnwrap();
    expect(o).toMatchObject({ end: "exited", exitCode: 3, oomKilled: false, hookError: null });
    expect(e.removed).toEqual(e.created);
    expect(e.killed).toEqual([]);
  });

  test("behavior: the host kills at the total deadline, whatever the output, and removes", async () => {
    const e = fakeEngine({ exitAfterMs: null, output: "still working\n" });
    const t0 = performance.now();
    const o = (await runContainer(e.docker, SPEC, { deadlineMs: 150 }))._unsafeUnwrap();
    const elapsed = performance.now() - t0;
    expect(o.end).toBe("deadline_exceeded");
    expect(o.exitCode).toBe(137);
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2_000);
    expect(e.killed).toHaveLength(1);
    expect(e.removed).toEqual(e.created);
  });

  test("behavior: abort (Ctrl-C) kills and removes; the outcome says aborted", async () => {
    const e = fakeEngine({ exitAfterMs: null });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const o = (await runContainer(e.docker, SPEC, { deadlineMs: 60_000, signal: controller.signal }))._unsafeUnwrap();
    expect(o.end).toBe("aborted");
    expect(e.removed).toEqual(e.created);
  });

  test("behavior: an already aborted signal creates nothing", async () => {
    const e = fakeEngine({ exitAfterMs: 10 });
    const o = (await runContainer(e.docker, SPEC, { deadlineMs: 1000, signal: AbortSignal.abort() }))._unsafeUnwrap();
    expect(o.end).toBe("aborted");
    expect(e.created).toEqual([]);
  });

  test("error: a start failure is Err, and the created container is still removed", async () => {
    const e = fakeEngine({ exitAfterMs: 10, failStart: true });
    const r = await runContainer(e.docker, SPEC, { deadlineMs: 1000 });
    expect(r._unsafeUnwrapErr()).toMatchObject({ type: "docker_api", statusCode: 500 });
    expect(e.removed).toEqual(e.created);
  });

  test("behavior: a failing onStarted hook kills the container and is reported", async () => {
    const e = fakeEngine({ exitAfterMs: null });
    const o = (
      await runContainer(e.docker, SPEC, {
        deadlineMs: 60_000,
        onStarted: async () => {
          throw new Error("the supervisor did not listen");
        },
      })
    )._unsafeUnwrap();
    expect(o.hookError).toBe("the supervisor did not listen");
    expect(e.killed).toHaveLength(1);
    expect(e.removed).toEqual(e.created);
  });

  test("behavior: the hook's stop signal fires when the container exits", async () => {
    const e = fakeEngine({ exitAfterMs: 30 });
    let sawStop = false;
    await runContainer(e.docker, SPEC, {
      deadlineMs: 5_000,
      onStarted: async ({ stopped }) => {
        await new Promise<void>((resolve) => stopped.addEventListener("abort", () => resolve()));
        sawStop = true;
      },
    });
    expect(sawStop).toBe(true);
  });

  test("behavior: the OOM flag is reported", async () => {
    const e = fakeEngine({ exitAfterMs: 5, exitCode: 137, oomKilled: true });
    expect((await runContainer(e.docker, SPEC, { deadlineMs: 5_000 }))._unsafeUnwrap()).toMatchObject({ oomKilled: true, exitCode: 137 });
  });

  test("behavior: output goes to the capped log file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "crusades-log-"));
    const e = fakeEngine({ exitAfterMs: 30, output: "x".repeat(100) });
    const log = createLogSink({ path: join(dir, "c.log"), maxBytes: 40 });
    await runContainer(e.docker, SPEC, { deadlineMs: 5_000, log });
    await log.close();
    expect(log.receivedBytes()).toBe(100);
    expect(log.truncated()).toBe(true);
    expect(readFileSync(join(dir, "c.log"), "utf8")).toBe(`${"x".repeat(40)}\n[crusades: log truncated at the cap]\n`);
  });

  test("args: a non-positive deadline is a programmer error", async () => {
    const e = fakeEngine({ exitAfterMs: 1 });
    await expect(runContainer(e.docker, SPEC, { deadlineMs: 0 })).rejects.toThrow(RangeError);
  });
});

describe("removeContainer", () => {
  test("behavior: retries while a removal is in progress; a missing container counts as removed", async () => {
    const e = fakeEngine({ exitAfterMs: 10, removeAnswers: ["409", "409"] });
    const o = await runContainer(e.docker, SPEC, { deadlineMs: 5_000 });
    expect(o.isOk()).toBe(true);
    expect(e.removed).toEqual(e.created);
    expect((await removeContainer(e.docker, "gone"))._unsafeUnwrap()).toBeUndefined();
  });
  test("behavior: a removal the engine answers but does not complete is retried until the container is gone", async () => {
    const e = fakeEngine({ exitAfterMs: 10, removeAnswers: ["500", "500", "500"] });
    expect((await runContainer(e.docker, SPEC, { deadlineMs: 5_000 })).isOk()).toBe(true);
    expect(e.removed).toEqual(e.created);
  }, 10_000);
  test("error: a removal that keeps failing is Err after the budget (never silently left behind)", async () => {
    const e = fakeEngine({ exitAfterMs: null, removeDefault: "500" });
    const created = await e.docker.createContainer({});
    const r = await removeContainer(e.docker, created.id, 500);
    expect(r._unsafeUnwrapErr()).toMatchObject({ type: "docker_api", statusCode: 500 });
  }, 10_000);
});

describe("removeLeftoverContainers (start-up cleanup)", () => {
  test("behavior: removes containers of dead host processes and unlabelled owners, keeps live ones", async () => {
    const e = fakeEngine({ exitAfterMs: 1 });
    const label = (pid: string) => ({ [EVALUATION_LABEL]: "1", [OWNER_PID_LABEL]: pid });
    e.existing.push({ Id: "dead", Labels: label("999999") }, { Id: "live", Labels: label("1") }, { Id: "mine", Labels: label(String(process.pid)) }, { Id: "nolabel", Labels: { [EVALUATION_LABEL]: "1" } });
    const removed = (await removeLeftoverContainers(e.docker, { isAlive: (pid) => pid === 1 }))._unsafeUnwrap();
    expect(removed.sort()).toEqual(["dead", "nolabel"]);
    expect(e.existing.map((c) => c.Id).sort()).toEqual(["live", "mine"]);
  });
  test("behavior: all removes every evaluation container", async () => {
    const e = fakeEngine({ exitAfterMs: 1 });
    e.existing.push({ Id: "a", Labels: { [EVALUATION_LABEL]: "1", [OWNER_PID_LABEL]: "1" } });
    expect((await removeLeftoverContainers(e.docker, { all: true, isAlive: () => true }))._unsafeUnwrap()).toEqual(["a"]);
  });
});
