/**
 * What the lease tests need from the machine: a Docker engine, the SSH lease image
 * (`environments/compute/build-lease-image.sh`) and Debian's OpenSSH client. When one is missing
 * the tests skip and say why. Also the agent + backend stack and the `ssh` helpers.
 */
import { execFile, spawnSync } from "node:child_process";
import { join } from "node:path";
import Docker from "dockerode";
import { runCompute } from "../../src/cli/compute.js";
import {
  type ComputeAgent, createComputeAgent, createComputeClient, createDockerLeaseBackend, type DockerLeaseBackend, type DockerLeaseBackendOptions, type HotkeySigner,
  LEASE_IMAGE_TAG, LEASE_LABEL, type LeaseClient, createLeaseClient, type LeaseStore, openLeaseStore, type ProverLauncher,
} from "../../src/compute/index.js";

/** Why the lease tests cannot run here, or `null`. */
export async function leaseDockerUnavailableReason(): Promise<string | null> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (e) {
    return `no Docker engine (${(e as Error).message.split("\n")[0]}); run scripts/docker.sh`;
  }
  try {
    await docker.getImage(LEASE_IMAGE_TAG).inspect();
  } catch {
    return `image ${LEASE_IMAGE_TAG} not built; run environments/compute/build-lease-image.sh (root, debootstrap)`;
  }
  for (const tool of ["ssh", "ssh-keygen", "ssh-keyscan"]) {
    if (spawnSync(tool, ["-V"]).error !== undefined) return `${tool} is missing (Debian: apt-get install openssh-client)`;
  }
  return null;
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program without a shell; never rejects. */
export function run(file: string, args: readonly string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, [...args], { timeout: timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : 255;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `ssh` with nothing from the user's configuration: key only, host key pinned by `knownHosts`. */
export function ssh(port: number, knownHosts: string, extra: readonly string[], command: string): Promise<Run> {
  return run("ssh", [
    "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${knownHosts}`, "-o", "GlobalKnownHostsFile=/dev/null",
    "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR", "-p", String(port), ...extra, "root@127.0.0.1", command,
  ]);
}

/** `ssh` with one identity file and nothing else. */
export const sshWithKey = (port: number, knownHosts: string, key: string, command: string, extra: readonly string[] = []) =>
  ssh(port, knownHosts, ["-i", key, "-o", "IdentitiesOnly=yes", "-o", "PasswordAuthentication=no", ...extra], command);

/** A fresh unencrypted ed25519 key pair (`path`, `path.pub`). */
export async function makeUserKey(dir: string, name: string): Promise<{ path: string; publicKey: string }> {
  const path = join(dir, name);
  const r = await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `${name}@test`, "-f", path]);
  if (r.code !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
  const pub = await run("cat", [`${path}.pub`]);
  return { path, publicKey: pub.stdout.trim() };
}

const NO_PROVER: ProverLauncher = () => {
  throw new Error("no prover in the lease tests");
};

/** A running agent with a Docker lease backend on a store file, and lease clients for some holders. */
export interface LeaseStack {
  readonly store: LeaseStore;
  readonly backend: DockerLeaseBackend;
  readonly agent: ComputeAgent;
  readonly url: string;
  client(holder: HotkeySigner): LeaseClient;
  /** Stops the agent and the scheduler and closes the store (containers stay). */
  stop(): Promise<void>;
}

/** Starts the stack (the backend's `start()` reconciles first). */
export async function startLeaseStack(miner: HotkeySigner, holders: readonly HotkeySigner[], dbPath: string, options: Omit<DockerLeaseBackendOptions, "store" | "minerHotkey">): Promise<LeaseStack & { reconciled: Awaited<ReturnType<DockerLeaseBackend["start"]>> }> {
  const store = openLeaseStore(dbPath)._unsafeUnwrap();
  const backend = createDockerLeaseBackend({ ...options, store, minerHotkey: miner.address });
  const reconciled = await backend.start();
  const agent = createComputeAgent({ signer: miner, policy: { allowHotkeys: holders.map((h) => h.address) }, launcher: NO_PROVER, leases: backend });
  const { port } = await agent.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}`;
  return {
    store, backend, agent, url, reconciled,
    client: (holder) => createLeaseClient(createComputeClient({ baseUrl: url, signer: holder, minerHotkey: miner.address })),
    async stop() {
      await agent.close();
      await backend.close();
      store.close();
    },
  };
}

/** Containers labelled as leases of the given agents (all states). */
export async function leaseContainers(agentIds: readonly string[], docker = new Docker()): Promise<string[]> {
  const all = await docker.listContainers({ all: true, filters: { label: [LEASE_LABEL] } });
  return all.filter((c) => agentIds.includes(c.Labels?.["crusades.lease.agent"] ?? "")).map((c) => c.Id);
}

/** `crusades compute ...` in this process, as the holder `hotkeyUri`, run in `cwd`: its exit code and output. */
export function computeCli(cwd: string, hotkeyUri = "//Alice") {
  return async (...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = "";
    let stderr = "";
    const code = await runCompute(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { CRUSADES_HOTKEY_URI: hotkeyUri }, cwd });
    return { code, stdout, stderr };
  };
}
