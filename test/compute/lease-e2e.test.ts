/**
 * Leases end to end in real Docker (compute.md §5.8): a signed create through the HTTP agent, an
 * SSH login by key with the host key pinned from the signed answer, the limits read from the
 * cgroup files inside the container, password login refused, key rotation, release, expiry by
 * the backend's own timer, reconciliation after a restart, clear errors for bad requests and
 * foreign holders, the lease routes' signature, clock-skew and replay checks, and nothing left
 * behind. Skips with the reason when Docker, the lease image or the OpenSSH client is missing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fingerprintOfLine, generateSshHostKey, HEADERS, type HotkeySigner, LEASE_AGENT_LABEL, LEASE_IMAGE_TAG, LEASE_LABEL, type LeaseRequest, leaseKnownHostsLine, newNonce,
  pinnedImageReference, probeSshd, publishedSshPort, signRequest,
} from "../../src/compute/index.js";
import { signer } from "./helpers.js";
import { computeCli, leaseContainers, leaseDockerUnavailableReason, makeUserKey, run, ssh, sshWithKey, startLeaseStack } from "./lease-env.js";

const REASON = await leaseDockerUnavailableReason();
const MIB = 2 ** 20;
const docker = new Docker();
let dir: string;
let dbPath: string;
let skewMs = 0;
const clock = () => Date.now() + skewMs;

let miner: HotkeySigner;
let alice: HotkeySigner;
let bob: HotkeySigner;
let stack: Awaited<ReturnType<typeof startLeaseStack>>;
let image: string;
let key1: { path: string; publicKey: string };
let key2: { path: string; publicKey: string };
const agentIds = new Set<string>();

const options = () => ({
  offer: { cpus: [0, 1], memoryBytes: 2048 * MIB, diskBytes: 16384 * MIB, gpus: [] },
  allowedImages: [image], sshHost: "127.0.0.1", sshBindHost: "127.0.0.1", allowUnenforcedDisk: true, maxLeaseSeconds: 3600, pidsLimit: 256, tickMs: 200, now: clock,
});
const request = (over: Partial<LeaseRequest> = {}): LeaseRequest => ({
  gpuCount: 0, cpuCores: 1, memoryBytes: 512 * MIB, diskBytes: 1024 * MIB, shmBytes: 64 * MIB, durationSeconds: 600, sshPublicKeys: [key1.publicKey], image, kind: "ssh", ...over,
});
const containersOf = async (leaseId: string) => (await docker.listContainers({ all: true, filters: { label: [`${LEASE_LABEL}=${leaseId}`] } })).map((c) => c.Id);
async function waitFor(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) if (await check()) return true;
  return false;
}

// Read from inside the container: cgroup v1 or v2, whichever the host runs.
const LIMITS_SCRIPT = [
  "if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo v2; cat /sys/fs/cgroup/cpuset.cpus.effective /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory.swap.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max;",
  "else echo v1; cat /sys/fs/cgroup/cpuset/cpuset.cpus /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes /sys/fs/cgroup/pids/pids.max;",
  'echo "$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"; fi; nproc; stat -f -c "%b %S" /dev/shm; id -u',
].join(" ");

describe.skipIf(REASON !== null)(`leases in Docker${REASON ? ` (skipped: ${REASON})` : ""}`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "crusades-lease-"));
    dbPath = join(dir, "leases.db");
    [miner, alice, bob] = await Promise.all([signer("//Miner"), signer("//Alice"), signer("//Bob")]);
    image = (await pinnedImageReference(docker, LEASE_IMAGE_TAG))._unsafeUnwrap();
    [key1, key2] = await Promise.all([makeUserKey(dir, "key1"), makeUserKey(dir, "key2")]);
    stack = await startLeaseStack(miner, [alice, bob], dbPath, options());
    agentIds.add(stack.store.agentId);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    for (const id of await leaseContainers([...agentIds])) await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("behavior: a signed create gives an SSH lease with the limits applied; key login with the pinned host key; password refused; rotation; release removes the container", async () => {
    const leases = stack.client(alice);
    const lease = (await leases.create(request()))._unsafeUnwrap();
    expect(lease).toMatchObject({ state: "active", holderHotkey: alice.address, minerHotkey: miner.address, cpuset: "0", ssh: { host: "127.0.0.1", user: "root" } });
    expect(lease.appliedLimits).toMatchObject({ cpusetCpus: "0", nanoCpus: 1e9, memoryBytes: 512 * MIB, memorySwapBytes: 512 * MIB, shmBytes: 64 * MIB, pidsLimit: 256, noNewPrivileges: true, gpuUuids: [] });
    expect([1024 * MIB, "unenforced"]).toContain(lease.appliedLimits?.diskBytes);
    const port = lease.ssh?.port as number;

    // The host key the container presents is the one in the signed answer.
    const scanned = await run("ssh-keyscan", ["-t", "ed25519", "-p", String(port), "127.0.0.1"]);
    const line = scanned.stdout.split("\n").find((l) => l.includes("ssh-ed25519")) ?? "";
    expect(fingerprintOfLine(line.split(" ").slice(1).join(" "))).toBe(lease.hostKeyFingerprint);
    const knownHosts = join(dir, "known_hosts");
    writeFileSync(knownHosts, `${leaseKnownHostsLine(lease)}\n`);

    const inside = await sshWithKey(port, knownHosts, key1.path, LIMITS_SCRIPT);
    expect(inside.stderr).toBe("");
    expect(inside.code).toBe(0);
    const [version, cpus, memory, swap, pids, cpu, nproc, shm, uid] = inside.stdout.trim().split("\n");
    expect(cpus).toBe("0");
    expect(Number(memory)).toBe(512 * MIB);
    expect(Number(swap)).toBe(version === "v1" ? 512 * MIB : 0); // v1: memory+swap; v2: swap alone
    expect(pids).toBe("256");
    expect(cpu).toBe("100000 100000");
    expect(nproc).toBe("1");
    const [blocks, blockSize] = (shm ?? "").split(" ").map(Number);
    expect((blocks as number) * (blockSize as number)).toBe(64 * MIB);
    expect(uid).toBe("0");

    // Pinning: a known_hosts entry with another key refuses the connection.
    const wrong = join(dir, "known_hosts_wrong");
    writeFileSync(wrong, `[127.0.0.1]:${port} ${generateSshHostKey().publicKey}\n`);
    const spoofed = await sshWithKey(port, wrong, key1.path, "true", ["-o", "LogLevel=ERROR"]);
    expect(spoofed.code).not.toBe(0);
    expect(spoofed.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);

    // Only publickey is offered: password and keyboard-interactive are refused.
    const password = await ssh(port, knownHosts, ["-v", "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password,keyboard-interactive"], "true");
    expect(password.code).not.toBe(0);
    expect(password.stderr).toMatch(/Authentications that can continue: publickey\r?\n/);
    expect(password.stderr).toMatch(/Permission denied \(publickey\)/);

    // Key rotation: the old key is refused, the new one logs in.
    const rotated = (await leases.rotateKeys(lease.id, [key2.publicKey]))._unsafeUnwrap();
    expect(rotated.request.sshPublicKeys).toEqual([key2.publicKey.split(" ").slice(0, 2).join(" ")]);
    expect((await sshWithKey(port, knownHosts, key1.path, "true")).code).not.toBe(0);
    expect((await sshWithKey(port, knownHosts, key2.path, "echo ok")).stdout.trim()).toBe("ok");

    // Status with health, the holder's list, renewal.
    const got = (await leases.get(lease.id))._unsafeUnwrap();
    expect(got.health).toMatchObject({ healthy: true, containerRunning: true, sshdAnswering: true });
    expect((await leases.list())._unsafeUnwrap().map((l) => l.id)).toContain(lease.id);
    const renewed = (await leases.renew(lease.id, 1200))._unsafeUnwrap();
    expect(renewed.expiresAtMs).toBeGreaterThan(lease.expiresAtMs);

    // Health: a stopped container is reported; once it runs again (on a new host port) it is healthy.
    const container = docker.getContainer((await containersOf(lease.id))[0] as string);
    await container.stop({ t: 1 });
    skewMs = 61_000;
    await stack.backend.tick();
    expect((await leases.get(lease.id))._unsafeUnwrap().health).toMatchObject({ healthy: false, containerRunning: false, consecutiveFailures: 1 });
    await container.start();
    const newPort = publishedSshPort(await container.inspect()) as number;
    expect(await waitFor(() => probeSshd("127.0.0.1", newPort))).toBe(true);
    skewMs = 122_000;
    await stack.backend.tick();
    skewMs = 0;
    const healed = (await leases.get(lease.id))._unsafeUnwrap();
    expect(healed.health).toMatchObject({ healthy: true, sshdAnswering: true, consecutiveFailures: 0 });
    expect(healed.ssh?.port).toBe(newPort);

    const released = (await leases.release(lease.id))._unsafeUnwrap();
    expect(released.state).toBe("released");
    expect(await containersOf(lease.id)).toEqual([]);
    expect((await leases.release(lease.id))._unsafeUnwrap().state).toBe("released");
    expect(stack.store.events(lease.id)._unsafeUnwrap().map((e) => e.kind)).toEqual(["created", "active", "keys_rotated", "renewed", "health", "health", "releasing", "released"]);

    // No secret in the store: host keys never leave the container.
    const bytes = [dbPath, `${dbPath}-wal`].map((p) => { try { return readFileSync(p).toString("latin1"); } catch { return ""; } }).join("");
    expect(bytes).not.toContain("PRIVATE KEY");
  }, 120_000);

  it("error: bad requests and foreign holders get clear errors and create nothing", async () => {
    const leases = stack.client(alice);
    const before = (await leases.list())._unsafeUnwrap().length;
    const remote = async (r: Partial<LeaseRequest> & Record<string, unknown>) => (await leases.create({ ...request(), ...r } as LeaseRequest))._unsafeUnwrapErr();
    const rsa2048 = JSON.parse(readFileSync(join(import.meta.dirname, "fixtures", "ssh-public-keys.json"), "utf8")).rsa2048.line;
    expect(await remote({ privileged: true })).toMatchObject({ type: "remote_error", status: 400, remoteType: "invalid_lease_request" });
    expect((await remote({ privileged: true })).message).toMatch(/\$\.request\.privileged is not a known field/);
    expect((await remote({ sshPublicKeys: [rsa2048] })).message).toMatch(/ssh-rsa keys must have at least 3072 bits, this one has 2048/);
    expect((await remote({ shmBytes: 300 * MIB })).message).toMatch(/shmBytes must be at most memoryBytes \/ 2/);
    expect((await remote({ durationSeconds: 7200 })).message).toMatch(/durationSeconds must be between 60 and this miner's maxLeaseSeconds 3600/);
    expect(await remote({ image: `crusades-lease-ssh@sha256:${"0".repeat(64)}` })).toMatchObject({ status: 400, remoteType: "image_not_allowed" });
    expect(await remote({ cpuCores: 3 })).toMatchObject({ status: 409, remoteType: "no_capacity" });
    // An agent without an engine work directory offers no engine leases; an engine lease has no SSH keys.
    expect(await remote({ kind: "engine", sshPublicKeys: [] })).toMatchObject({ status: 501, remoteType: "not_implemented" });
    expect(await remote({ kind: "engine" })).toMatchObject({ status: 400, remoteType: "invalid_lease_request", message: expect.stringMatching(/sshPublicKeys must be empty for an engine lease/) });
    expect((await leases.list())._unsafeUnwrap().length).toBe(before);

    const lease = (await leases.create(request()))._unsafeUnwrap();
    const other = stack.client(bob);
    for (const attempt of [other.get(lease.id), other.renew(lease.id, 600), other.release(lease.id), other.rotateKeys(lease.id, [key2.publicKey])]) {
      expect((await attempt)._unsafeUnwrapErr()).toMatchObject({ type: "remote_error", status: 403, remoteType: "not_holder" });
    }
    expect((await other.list())._unsafeUnwrap()).toEqual([]);
    expect((await other.get("0".repeat(32)))._unsafeUnwrapErr()).toMatchObject({ status: 404, remoteType: "lease_not_found" });
    expect((await leases.get(lease.id))._unsafeUnwrap().state).toBe("active");
    expect((await leases.release(lease.id))._unsafeUnwrap().state).toBe("released");
  }, 120_000);

  it("error: a driver without a disk quota fails the lease with limit_unenforceable unless the operator allows it", async () => {
    const strict = await startLeaseStack(miner, [alice], join(dir, "strict.db"), { ...options(), allowUnenforcedDisk: false });
    agentIds.add(strict.store.agentId);
    try {
      const r = await strict.client(alice).create(request());
      if (r.isOk()) {
        expect(r.value.appliedLimits?.diskBytes).toBe(1024 * MIB); // this engine enforces StorageOpt.size
        (await strict.client(alice).release(r.value.id))._unsafeUnwrap();
      } else {
        expect(r.error).toMatchObject({ type: "remote_error", status: 422, remoteType: "limit_unenforceable" });
        expect(r.error.message).toMatch(/cannot limit a container's disk/);
        const [failed] = strict.store.list()._unsafeUnwrap();
        expect(failed).toMatchObject({ state: "failed", containerId: null });
      }
      expect(await leaseContainers([strict.store.agentId])).toEqual([]);
    } finally {
      await strict.stop();
    }
  }, 60_000);

  it("error: the lease routes check signature, clock skew, replay and the caller filter", async () => {
    const send = (signerKey: HotkeySigner, opts: { timestampMs?: number; body?: string; tamper?: string; headers?: Record<string, string> } = {}) => {
      const body = new TextEncoder().encode(opts.body ?? "");
      const headers = opts.headers ?? signRequest(signerKey, { method: opts.body ? "POST" : "GET", path: "/v1/leases", body, timestampMs: opts.timestampMs ?? Date.now(), nonce: newNonce(), recipient: miner.address });
      return fetch(`${stack.url}/v1/leases`, { method: opts.body ? "POST" : "GET", headers, body: opts.tamper ?? (opts.body ? body : undefined) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { type: string } }, headers }));
    };
    expect((await send(alice, { timestampMs: Date.now() - 60_000 })).body.error?.type).toBe("stale_timestamp");
    expect((await send(alice, { timestampMs: Date.now() + 60_000 })).body.error?.type).toBe("stale_timestamp");
    const first = await send(alice);
    expect(first.status).toBe(200);
    const replayed = await send(alice, { headers: first.headers });
    expect([replayed.status, replayed.body.error?.type]).toEqual([401, "replayed_nonce"]);
    const create = JSON.stringify({ version: 1, type: "lease.create", request: request() });
    const tampered = await send(alice, { body: create, tamper: create.replace('"cpuCores":1', '"cpuCores":2') });
    expect([tampered.status, tampered.body.error?.type]).toEqual([401, "bad_signature"]);
    const stranger = await signer("//Charlie");
    expect((await send(stranger)).body.error?.type).toBe("not_registered");
    const unsigned = await fetch(`${stack.url}/v1/leases`);
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get(HEADERS.signature)).toBeNull();
    expect((await stack.client(alice).list())._unsafeUnwrap().filter((l) => l.state === "active")).toEqual([]);
  }, 60_000);

  it("behavior: expiry removes the container on the backend's own timer", async () => {
    const leases = stack.client(alice);
    const lease = (await leases.create(request({ durationSeconds: 60 })))._unsafeUnwrap();
    expect(await containersOf(lease.id)).toHaveLength(1);
    skewMs = 61_000;
    try {
      expect(await waitFor(async () => (await containersOf(lease.id)).length === 0)).toBe(true);
      expect((await leases.get(lease.id))._unsafeUnwrap().state).toBe("expired");
    } finally {
      skewMs = 0;
    }
  }, 60_000);

  it("behavior: a restart reconciles: stray and finished-lease containers removed, a lease expired while down expired, a lease without its container failed, an intact lease kept", async () => {
    const imageId = (await docker.getImage(LEASE_IMAGE_TAG).inspect()).Id;
    const finished = stack.store.list({ states: ["released"] })._unsafeUnwrap()[0]?.id as string;
    const stray = async (leaseId: string) =>
      (await docker.createContainer({ Image: imageId, Cmd: ["sleep", "600"], Labels: { [LEASE_LABEL]: leaseId, [LEASE_AGENT_LABEL]: stack.store.agentId } })).id;
    const kept = (await stack.client(alice).create(request({ durationSeconds: 1200 })))._unsafeUnwrap();
    const short = (await stack.client(alice).create(request({ durationSeconds: 60 })))._unsafeUnwrap();
    const strays = [await stray("f".repeat(32)), await stray(finished)];
    await stack.stop();

    // Down for a minute: `short` expires meanwhile.
    skewMs = 61_000;
    stack = await startLeaseStack(miner, [alice, bob], dbPath, options());
    skewMs = 0;
    const first = stack.reconciled._unsafeUnwrap();
    expect([...first.removedContainers].sort()).toEqual([...strays].sort());
    expect(first.failedLeases).toEqual([]);
    expect((await stack.client(alice).get(short.id))._unsafeUnwrap().state).toBe("expired");
    expect(await containersOf(short.id)).toEqual([]);
    expect((await stack.client(alice).get(kept.id))._unsafeUnwrap().state).toBe("active");
    expect(await containersOf(kept.id)).toHaveLength(1);

    // Down again, and the container of `kept` disappears meanwhile.
    await stack.stop();
    await docker.getContainer((await containersOf(kept.id))[0] as string).remove({ force: true });
    stack = await startLeaseStack(miner, [alice, bob], dbPath, options());
    const second = stack.reconciled._unsafeUnwrap();
    expect(second).toEqual({ removedContainers: [], failedLeases: [kept.id] });
    expect((await stack.client(alice).get(kept.id))._unsafeUnwrap()).toMatchObject({ state: "failed", failure: "the lease's container is gone" });
  }, 120_000);

  it("behavior: crusades compute allocate | list | release, with --json and clear errors", async () => {
    const cli = computeCli(dir);
    const common = [stack.url, "--miner-hotkey", miner.address];
    const made = await cli("allocate", ...common, "--ssh-key", `${key1.path}.pub`, "--image", image, "--memory", "256m", "--shm", "32m", "--disk", "1g", "--duration", "600", "--known-hosts", "cli_known_hosts", "--json");
    expect(made.code).toBe(0);
    const { lease } = JSON.parse(made.stdout) as { lease: { id: string; ssh: { port: number }; state: string } };
    expect(lease.state).toBe("active");
    const login = await sshWithKey(lease.ssh.port, join(dir, "cli_known_hosts"), key1.path, "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max");
    expect(Number(login.stdout.trim())).toBe(256 * MIB);

    const listed = await cli("list", ...common);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`lease ${lease.id} active`);
    expect(listed.stdout).toMatch(/applied: cpuset 0, 1 CPUs, memory 256 MiB, memory\+swap 256 MiB, shm 32 MiB, pids 256/);
    const one = await cli("list", ...common, lease.id, "--json");
    expect(JSON.parse(one.stdout).lease.health.healthy).toBe(true);

    await expect(cli("allocate", ...common, "--ssh-key", `${key1.path}.pub`, "--image", image, "--memory", "256m", "--shm", "200m")).rejects.toThrow(/^--shm: request\.shmBytes must be at most memoryBytes \/ 2/);
    await expect(cli("renew", ...common)).rejects.toThrow(/renew takes <miner-url> <lease-id>/);
    const foreign = (await computeCli(dir, "//Bob")("release", ...common, lease.id)).code;
    expect(foreign).toBe(1);
    const busy = await cli("allocate", ...common, "--ssh-key", `${key1.path}.pub`, "--image", image, "--cpus", "3");
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/3 cores requested, 1 free \(no_capacity\)/);

    const released = await cli("release", ...common, lease.id, "--json");
    expect([released.code, JSON.parse(released.stdout).lease.state]).toEqual([0, "released"]);
    expect(await containersOf(lease.id)).toEqual([]);
    const down = await cli("list", "http://127.0.0.1:1", "--miner-hotkey", miner.address);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/unreachable/);
  }, 120_000);

  it("behavior: nothing is left behind", async () => {
    expect(await leaseContainers([...agentIds])).toEqual([]);
    expect(await docker.listContainers({ all: true, filters: { label: [LEASE_LABEL] } })).toEqual([]);
    expect(stack.store.list({ states: ["pending", "active", "releasing"] })._unsafeUnwrap()).toEqual([]);
  });
});
