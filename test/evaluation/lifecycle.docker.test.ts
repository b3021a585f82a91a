/**
 * The container lifecycle against the real engine and the CPU image: the sandbox options are
 * accepted and in force, the host's deadline kills, an abort removes, start-up cleanup removes a
 * dead owner's container. Skips with the reason when Docker or the image is missing.
 */
import Docker from "dockerode";
import { describe, expect, test } from "vitest";
import {
  buildContainerSpec,
  createLogSink,
  defaultImageTag,
  EVALUATION_LABEL,
  OWNER_PID_LABEL,
  removeLeftoverContainers,
  runContainer,
} from "../../src/evaluation/index.js";
import { hardLimit } from "../../src/evaluation/create-runner.js";
import { dockerUnavailableReason, ENV_DIR, ourContainers } from "./docker-env.js";

const reason = await dockerUnavailableReason();
if (reason !== null) console.warn(`[lifecycle.docker.test] skipped: ${reason}`);

const docker = new Docker();
const spec = (name: string, script: string, ownerPid = process.pid) =>
  buildContainerSpec({
    image: defaultImageTag("cpu", ENV_DIR), name: `crusades-eval-test-${name}-${process.pid}`, role: "reference", runId: `t-${name}`,
    user: "crusades-ref", cmd: ["python3", "-I", "-B", "-c", script], binds: [], tmpfs: [{ target: "/tmp", sizeBytes: 64 << 20 }],
    memoryBytes: 512 << 20, shmSizeBytes: 64 << 20, pidsLimit: 64, gpus: { kind: "none" }, ownerPid,
    nofile: Math.min(65536, Math.max(1024, hardLimit("Max open files") ?? 65536)),
  });

describe.skipIf(reason !== null)("runContainer on the real engine", () => {
  test("behavior: the sandbox is in force inside (uid, caps, no-new-privs, read-only root, noexec tmp, no network)", async () => {
    const probe = `
import os, socket
print("uid", os.getuid(), os.getgid())
status = open("/proc/self/status").read()
print([l for l in status.splitlines() if l.startswith(("CapEff", "CapBnd", "NoNewPrivs", "Seccomp"))])
for p in ("/x", "/tmp/x"):
    try:
        open(p, "w").write("#!/bin/sh\\n"); os.chmod(p, 0o755); print("wrote", p)
    except OSError as e: print("nowrite", p, e.errno)
try:
    os.execv("/tmp/x", ["/tmp/x"])
except OSError as e: print("noexec", e.errno)
print("ifaces", sorted(n for _, n in socket.if_nameindex()))
`;
    const lines: string[] = [];
    const log = createLogSink({ path: null, onChunk: (_n, c) => lines.push(c.toString()) });
    const o = (await runContainer(docker, spec("probe", probe), { deadlineMs: 60_000, log }))._unsafeUnwrap();
    const out = lines.join("");
    expect(o, out).toMatchObject({ end: "exited", exitCode: 0 });
    expect(out).toContain("uid 2001 2001");
    expect(out).toContain("'CapEff:\\t0000000000000000'");
    expect(out).toContain("'NoNewPrivs:\\t1'");
    expect(out).toMatch(/'Seccomp:\\t2'/);
    expect(out).toContain("nowrite /x 30"); // EROFS
    expect(out).toContain("wrote /tmp/x");
    expect(out).toContain("noexec 13"); // EACCES: noexec tmpfs
    expect(out).toContain("ifaces ['lo']");
  });

  test("behavior: the host's deadline kills a container that never ends, and removes it", async () => {
    const t0 = performance.now();
    const o = (await runContainer(docker, spec("deadline", "import time; time.sleep(600)"), { deadlineMs: 3_000 }))._unsafeUnwrap();
    expect(o.end).toBe("deadline_exceeded");
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(await ourContainers()).toEqual([]);
  });

  test("behavior: abort removes the running container", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 2_000);
    const o = (await runContainer(docker, spec("abort", "import time; time.sleep(600)"), { deadlineMs: 60_000, signal: controller.signal }))._unsafeUnwrap();
    expect(o.end).toBe("aborted");
    expect(await ourContainers()).toEqual([]);
  });

  test("behavior: the memory limit's OOM kill is reported", async () => {
    const o = (await runContainer(docker, spec("oom", "x = []\nwhile True: x.append(bytearray(64 << 20))"), { deadlineMs: 60_000 }))._unsafeUnwrap();
    expect(o).toMatchObject({ end: "exited", exitCode: 137, oomKilled: true });
  });

  test("behavior: start-up cleanup removes the container of a dead host process, not ours", async () => {
    const dead = 2 ** 22 + 12345; // above pid_max on usual systems: never alive
    const leftover = await docker.createContainer(spec("leftover", "import time; time.sleep(600)", dead));
    await leftover.start();
    const mine = await docker.createContainer(spec("mine", "import time; time.sleep(600)"));
    try {
      const removed = (await removeLeftoverContainers(docker))._unsafeUnwrap();
      expect(removed).toContain(leftover.id);
      expect(removed).not.toContain(mine.id);
      const left = await docker.listContainers({ all: true, filters: { label: [`${EVALUATION_LABEL}=1`, `${OWNER_PID_LABEL}=${dead}`] } });
      expect(left).toEqual([]);
    } finally {
      await mine.remove({ force: true });
    }
  });
});
