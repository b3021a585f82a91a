import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { computeHarnessHash, defaultImageTag, findEnvironmentDir, harnessVersion, mountFlags } from "../../src/evaluation/index.js";

const env = findEnvironmentDir();

describe.skipIf(env === null)("the harness in the checkout (evaluation-protocol.md §1.1)", () => {
  test("behavior: the harness hash equals the harness's own (python3 -m crusades_env.hashing)", () => {
    const r = spawnSync("python3", ["-B", "-m", "crusades_env.hashing"], { cwd: env!, encoding: "utf8", env: { PATH: process.env.PATH } });
    if (r.status !== 0) return;
    const ours = computeHarnessHash(env!)!;
    expect(ours.hash).toBe(r.stdout.trim());
    expect(ours.manifest).toMatch(/^[0-9a-f]{64} {2}VERSION\n/m);
    expect(ours.manifest).not.toContain("tests/");
  });
  test("behavior: the image tag carries the VERSION", () => {
    expect(defaultImageTag("cpu", env)).toBe(`crusades-eval-cpu:${harnessVersion(env!)}`);
    expect(defaultImageTag("gpu", null)).toBe("crusades-eval-gpu:latest");
  });
});

describe("mountFlags", () => {
  const mountinfo = [
    "22 27 0:21 / /proc rw,relatime - proc proc rw",
    "24 1 8:1 / / rw,relatime - ext4 /dev/vda rw",
    "40 24 0:40 / /var/lib/crusades rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,size=1g",
    "41 40 0:41 / /var/lib/crusades/runs\\040x rw,nosuid,relatime - tmpfs tmpfs rw",
    "42 24 0:42 / /var/lib/crusades rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw",
  ].join("\n");
  test("behavior: the longest mount point containing the path, the last one mounted there, per-mount flags", () => {
    expect(mountFlags("/var/lib/crusades/runs/r1", mountinfo)).toEqual({ mountPoint: "/var/lib/crusades", noexec: true, nosuid: true, nodev: true });
    expect(mountFlags("/var/lib/crusades/runs x/r1", mountinfo)).toEqual({ mountPoint: "/var/lib/crusades/runs x", noexec: false, nosuid: true, nodev: false });
    expect(mountFlags("/tmp/x", mountinfo)).toEqual({ mountPoint: "/", noexec: false, nosuid: false, nodev: false });
    expect(mountFlags("/var/lib/crusadesX", mountinfo)!.mountPoint).toBe("/");
  });
  test.skipIf(process.platform !== "linux")("behavior: reads /proc/self/mountinfo", () => {
    expect(mountFlags("/")!.mountPoint).toBe("/");
  });
});
