/**
 * Lease requests and SSH keys (compute.md §5.8): the schema (unknown keys, ranges, shm ≤ memory/2,
 * GPU model by catalogue), key parsing against OpenSSH's own keys and fingerprints, the host key
 * format, the capacity match and the archive writer.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  fingerprintOfLine, formatCpuset, generateSshHostKey, type LeaseRequest, leaseSshArchive, parseLeaseCreate, parseLeaseKeys, parseLeaseRenew, parseLeaseRequest,
  parseSshPublicKey, reserveResources,
} from "../../src/compute/index.js";
import { ROOT } from "./helpers.js";

const KEYS = JSON.parse(readFileSync(join(ROOT, "test", "compute", "fixtures", "ssh-public-keys.json"), "utf8")) as Record<string, { line: string; fingerprint: string }>;
const GIB = 2 ** 30;
const IMAGE = `crusades-lease-ssh@sha256:${"a".repeat(64)}`;
const base = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  gpuCount: 0, cpuCores: 1, memoryBytes: 1 * GIB, diskBytes: 4 * GIB, shmBytes: 64 << 20, durationSeconds: 3600, sshPublicKeys: [KEYS.ed25519?.line], image: IMAGE, kind: "ssh", ...over,
});
const error = (v: unknown) => parseLeaseRequest(v, "$.request")._unsafeUnwrapErr();
const hasSshKeygen = spawnSync("ssh-keygen", ["-?"]).error === undefined;

describe("SSH public keys", () => {
  it("behavior: accepts OpenSSH's ed25519, ecdsa p256/p384 and rsa-3072 keys with ssh-keygen's fingerprints", () => {
    for (const name of ["ed25519", "ecdsa256", "ecdsa384", "rsa3072"]) {
      const k = KEYS[name] as { line: string; fingerprint: string };
      const parsed = parseSshPublicKey(k.line)._unsafeUnwrap();
      expect(parsed.fingerprint).toBe(k.fingerprint);
      expect(k.line.startsWith(`${parsed.line} `)).toBe(true);
      expect(parsed.line).not.toContain("test@");
    }
    expect(parseSshPublicKey(KEYS.rsa3072?.line ?? "")._unsafeUnwrap().bits).toBe(3072);
  });

  it("error: weak RSA, p521 and other types are refused with the reason", () => {
    expect(parseSshPublicKey(KEYS.rsa2048?.line ?? "")._unsafeUnwrapErr().message).toBe("ssh-rsa keys must have at least 3072 bits, this one has 2048");
    expect(parseSshPublicKey(KEYS.ecdsa521?.line ?? "")._unsafeUnwrapErr().message).toMatch(/ecdsa-sha2-nistp521.*not accepted/);
    expect(parseSshPublicKey("ssh-dss AAAAB3NzaC1kc3MAAACBAP")._unsafeUnwrapErr().message).toMatch(/not accepted/);
  });

  it("error: options, second lines, a mismatched inner type, truncation, trailing bytes and off-curve points are refused", () => {
    const ed = KEYS.ed25519?.line ?? "";
    const [type, b64] = ed.split(" ") as [string, string];
    const blob = Buffer.from(b64, "base64");
    expect(parseSshPublicKey(`command="rm -rf /" ${ed}`).isErr()).toBe(true);
    expect(parseSshPublicKey(`${ed}\nssh-ed25519 ${b64}`).isErr()).toBe(true);
    expect(parseSshPublicKey(`ssh-rsa ${b64}`)._unsafeUnwrapErr().message).toMatch(/names another type/);
    expect(parseSshPublicKey(`${type} ${blob.subarray(0, blob.length - 1).toString("base64")}`).isErr()).toBe(true);
    expect(parseSshPublicKey(`${type} ${Buffer.concat([blob, Buffer.from([0])]).toString("base64")}`).isErr()).toBe(true);
    const ec = Buffer.from((KEYS.ecdsa256?.line ?? "").split(" ")[1] as string, "base64");
    ec[ec.length - 1] = (ec[ec.length - 1] as number) ^ 1;
    expect(parseSshPublicKey(`ecdsa-sha2-nistp256 ${ec.toString("base64")}`)._unsafeUnwrapErr().message).toMatch(/not on the curve/);
  });

  it.skipIf(!hasSshKeygen)("behavior: the generated host key is read by ssh-keygen with the same public key and fingerprint", () => {
    const dir = mkdtempSync(join(tmpdir(), "crusades-hostkey-"));
    try {
      const key = generateSshHostKey("lease-test");
      writeFileSync(join(dir, "key"), key.privateKey, { mode: 0o600 });
      expect(execFileSync("ssh-keygen", ["-y", "-f", join(dir, "key")]).toString().trim()).toBe(`${key.publicKey} lease-test`);
      expect(fingerprintOfLine(key.publicKey)).toBe(key.fingerprint);
      expect(generateSshHostKey().fingerprint).not.toBe(key.fingerprint);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("lease requests", () => {
  it("args: a valid request is re-serialised (comments dropped) and the GPU model resolved to its catalogue id", () => {
    const r = parseLeaseRequest(base({ sshPublicKeys: [KEYS.ed25519?.line, KEYS.rsa3072?.line] }))._unsafeUnwrap();
    expect(r.sshPublicKeys.every((k) => !k.includes("test@"))).toBe(true);
    expect(r.gpuModel).toBeUndefined();
    const gpu = parseLeaseRequest(base({ gpuCount: 1, gpuModel: "NVIDIA H100 80GB HBM3" }))._unsafeUnwrap();
    expect(gpu.gpuModel).toBe("H100 80GB HBM3");
  });

  it("error: unknown keys, weak keys, shm > memory/2, bad images and ranges name the field", () => {
    expect(error(base({ privileged: true }))).toMatchObject({ type: "invalid_lease_request", path: "$.request.privileged", message: "$.request.privileged is not a known field" });
    expect(error(base({ sshPublicKeys: [KEYS.rsa2048?.line] }))).toMatchObject({ path: "$.request.sshPublicKeys[0]", message: "$.request.sshPublicKeys[0] ssh-rsa keys must have at least 3072 bits, this one has 2048" });
    expect(error(base({ shmBytes: (GIB / 2) + 1 })).message).toBe(`$.request.shmBytes must be at most memoryBytes / 2 (${1 << 29}), got ${(GIB / 2) + 1}`);
    expect(error(base({ image: "crusades-lease-ssh:latest" })).path).toBe("$.request.image");
    expect(error(base({ sshPublicKeys: [] })).path).toBe("$.request.sshPublicKeys");
    expect(error(base({ sshPublicKeys: Array(9).fill(KEYS.ed25519?.line) })).path).toBe("$.request.sshPublicKeys");
    expect(error(base({ sshPublicKeys: [KEYS.ed25519?.line, KEYS.ed25519?.line] })).message).toMatch(/same key twice/);
    expect(error(base({ gpuCount: 1 })).path).toBe("$.request.gpuModel");
    expect(error(base({ gpuCount: 1, gpuModel: "H999" })).message).toMatch(/unknown GPU/);
    expect(error(base({ gpuModel: "H100 80GB HBM3" })).message).toMatch(/absent when gpuCount is 0/);
    expect(error(base({ cpuCores: 0 })).path).toBe("$.request.cpuCores");
    expect(error(base({ durationSeconds: 10 })).path).toBe("$.request.durationSeconds");
    expect(error(base({ kind: "vm" })).path).toBe("$.request.kind");
    expect(error([]).path).toBe("$.request");
  });

  it("error: the messages carry version and type, and nothing else", () => {
    expect(parseLeaseCreate({ version: 1, type: "lease.create", request: base() }).isOk()).toBe(true);
    expect(parseLeaseCreate({ version: 2, type: "lease.create", request: base() })._unsafeUnwrapErr().path).toBe("$.version");
    expect(parseLeaseCreate({ version: 1, type: "lease.create", request: base(), extra: 1 })._unsafeUnwrapErr().path).toBe("$.extra");
    expect(parseLeaseRenew({ version: 1, type: "lease.renew", durationSeconds: 5 })._unsafeUnwrapErr().path).toBe("$.durationSeconds");
    expect(parseLeaseKeys({ version: 1, type: "lease.keys", sshPublicKeys: [KEYS.ecdsa521?.line] })._unsafeUnwrapErr().path).toBe("$.sshPublicKeys[0]");
  });
});

describe("capacity and archive", () => {
  const request = parseLeaseRequest(base({ cpuCores: 2 }))._unsafeUnwrap() as LeaseRequest;
  const offer = { cpus: [0, 1, 2, 3], memoryBytes: 4 * GIB, diskBytes: 16 * GIB, gpus: [{ uuid: "GPU-a", model: "NVIDIA H100 80GB HBM3" }, { uuid: "GPU-b", model: "NVIDIA A100-SXM4-80GB" }] };

  it("behavior: cores are pinned disjointly, GPUs matched by exact model, memory and disk reserved", () => {
    const first = reserveResources(offer, [], request)._unsafeUnwrap();
    expect(first.cpuset).toBe("0-1");
    const held = [{ cpuset: first.cpuset, gpuUuids: [], request }];
    expect(reserveResources(offer, held, request)._unsafeUnwrap().cpuset).toBe("2-3");
    expect(reserveResources(offer, [...held, { cpuset: "2", gpuUuids: [], request }], request)._unsafeUnwrapErr()).toMatchObject({ type: "no_capacity", resource: "cpu" });
    expect(reserveResources(offer, [], { ...request, memoryBytes: 5 * GIB })._unsafeUnwrapErr()).toMatchObject({ resource: "memory" });
    expect(reserveResources(offer, [], { ...request, diskBytes: 17 * GIB })._unsafeUnwrapErr()).toMatchObject({ resource: "disk" });
    expect(reserveResources(offer, [], { ...request, gpuCount: 1, gpuModel: "A100-SXM4-80GB" })._unsafeUnwrap().gpuUuids).toEqual(["GPU-b"]);
    expect(reserveResources(offer, [], { ...request, gpuCount: 2, gpuModel: "H100 80GB HBM3" })._unsafeUnwrapErr()).toMatchObject({ resource: "gpu" });
    expect(formatCpuset([5, 0, 1, 2, 7, 8])).toBe("0-2,5,7-8");
  });

  it("behavior: the SSH archive is a ustar file that tar lists with root ownership and private modes", () => {
    const dir = mkdtempSync(join(tmpdir(), "crusades-archive-"));
    try {
      const key = generateSshHostKey();
      writeFileSync(join(dir, "a.tar"), leaseSshArchive(key.privateKey, key.publicKey, [KEYS.ed25519?.line ?? ""]));
      const listing = execFileSync("tar", ["-tvf", join(dir, "a.tar")]).toString();
      expect(listing).toMatch(/-rw------- root\/root .* etc\/ssh\/crusades\/ssh_host_ed25519_key/);
      expect(listing).toMatch(/-rw------- root\/root .* etc\/ssh\/crusades\/authorized_keys/);
      execFileSync("tar", ["-xf", join(dir, "a.tar"), "-C", dir]);
      expect(readFileSync(join(dir, "etc/ssh/crusades/sshd_config"), "utf8")).toMatch(/^PasswordAuthentication no$/m);
      expect(readFileSync(join(dir, "etc/ssh/crusades/ssh_host_ed25519_key"), "utf8")).toBe(key.privateKey);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
