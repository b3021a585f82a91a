/**
 * The Docker lease backend of the miner agent (compute.md §5.8): validates a request, reserves
 * live free resources, creates the container with every limit, delivers the SSH files through
 * the archive API, reads the limits back, waits for sshd, and keeps the state in SQLite. Only the
 * holder may read, renew, rotate keys or release; expiry and health run on the backend's own
 * scheduler, restart-safe from the store. An `engine` lease (§10.3) reserves the same resources
 * without a container of its own; its holder runs evaluation jobs on them through the engine.
 * @module
 */
import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import { err, errAsync, ok, okAsync, type Result, ResultAsync } from "neverthrow";
import { dockerCall } from "../evaluation/index.js";
import type { Lease, LeaseBackend, LeaseError, LeaseRequest } from "./allocation.js";
import type { LeaseEngine } from "./lease-engine.js";
import { authorizedKeysArchive, leaseSshArchive } from "./lease-archive.js";
import { type LeaseOffer, reserveResources } from "./lease-capacity.js";
import {
  DEFAULT_LEASE_PIDS_LIMIT, isDiskQuotaUnsupported, type LeaseContainerPlan, leaseContainerSpec, probeSshd, publishedSshPort, readBackLimits, resolvePinnedImage,
} from "./lease-docker.js";
import { backendFailed, FINAL_STATES, finishLease, LIVE_STATES, type LeaseRuntime, stored, toLease } from "./lease-runtime.js";
import { reconcileLeases, type ReconcileReport, runLeaseTick } from "./lease-scheduler.js";
import { MIN_LEASE_SECONDS, parseLeaseRequest, parseSshKeyList } from "./lease-schema.js";
import type { LeaseRecord, LeaseStore } from "./lease-store.js";
import { parseCpuset } from "./specs-parse.js";
import { generateSshHostKey } from "./ssh-keys.js";

/** Options of {@link createDockerLeaseBackend}. */
export interface DockerLeaseBackendOptions {
  /** The lease state (`openLeaseStore`); the backend does not close it. */
  readonly store: LeaseStore;
  /** The miner's SS58 hotkey, recorded in each lease. */
  readonly minerHotkey: string;
  /** The resources leases may use in total. */
  readonly offer: LeaseOffer;
  /** Pinned images (`name@sha256:...`) a request may name. */
  readonly allowedImages: readonly string[];
  /** The host name or address holders connect to. */
  readonly sshHost: string;
  /** @default a dockerode client on the local socket */
  readonly docker?: Docker;
  /** Host address the SSH ports are published on. @default "0.0.0.0" */
  readonly sshBindHost?: string;
  /** Where the agent itself reaches the published ports. @default "127.0.0.1" */
  readonly probeHost?: string;
  /** Longest lease and renewal. @default 604800 (7 days) */
  readonly maxLeaseSeconds?: number;
  /** Lease without a disk limit where the storage driver cannot apply one; otherwise `limit_unenforceable`. @default false */
  readonly allowUnenforcedDisk?: boolean;
  /** @default DEFAULT_LEASE_PIDS_LIMIT */
  readonly pidsLimit?: number;
  /** @default 60000 */
  readonly healthIntervalMs?: number;
  /** Scheduler period (expiry resolution). @default 5000 */
  readonly tickMs?: number;
  /** How long a new container's sshd may take to answer. @default 20000 */
  readonly sshdStartTimeoutMs?: number;
  /** Runs the jobs of `engine` leases (`createLeaseEngine`); without it engine leases answer `not_implemented`. */
  readonly engine?: LeaseEngine;
  /** @default Date.now */
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

/** The Docker backend: a {@link LeaseBackend} with its scheduler. */
export interface DockerLeaseBackend extends LeaseBackend {
  /** Reconciles the store with the engine, runs one scheduler pass, then starts the timer. */
  start(): ResultAsync<ReconcileReport, LeaseError>;
  /** Runs one scheduler pass now (expiry, retried releases, due health checks). */
  tick(): Promise<void>;
  /** Stops the scheduler; containers of active leases keep running. */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const lift = <T>(r: Result<T, LeaseError>): ResultAsync<T, LeaseError> => new ResultAsync(Promise.resolve(r));

/**
 * Creates the backend (call `start()` before serving).
 * @example
 * const store = openLeaseStore("leases.db")._unsafeUnwrap()
 * const leases = createDockerLeaseBackend({ store, minerHotkey, offer, allowedImages: [pinned], sshHost: "203.0.113.7" })
 * await leases.start()
 */
export function createDockerLeaseBackend(options: DockerLeaseBackendOptions): DockerLeaseBackend {
  const {
    store, minerHotkey, offer, allowedImages, sshHost, docker = new Docker(), sshBindHost = "0.0.0.0", probeHost = "127.0.0.1", maxLeaseSeconds = 604_800,
    allowUnenforcedDisk = false, pidsLimit = DEFAULT_LEASE_PIDS_LIMIT, healthIntervalMs = 60_000, tickMs = 5_000, sshdStartTimeoutMs = 20_000, engine, now = Date.now, log = () => {},
  } = options;
  const rt: LeaseRuntime = { docker, store, now, log, probeHost, healthIntervalMs, onLeaseEnded: (id) => engine?.endLease(id) };
  let diskQuotaUnsupported = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | null = null;
  let reserving: Promise<unknown> = Promise.resolve();

  const tick = () => {
    ticking ??= runLeaseTick(rt).finally(() => {
      ticking = null;
    });
    return ticking;
  };

  const durationError = (seconds: number, path: string): LeaseError | null =>
    seconds > maxLeaseSeconds || seconds < MIN_LEASE_SECONDS ? { type: "invalid_lease_request", path, message: `${path} must be between ${MIN_LEASE_SECONDS} and this miner's maxLeaseSeconds ${maxLeaseSeconds}, got ${seconds}` } : null;

  function owned(leaseId: string, holder: string): Result<LeaseRecord, LeaseError> {
    return stored(store.get(leaseId)).andThen((r) => {
      if (r === null) return err<LeaseRecord, LeaseError>({ type: "lease_not_found", leaseId, message: `no lease ${leaseId}` });
      if (r.holderHotkey !== holder) return err<LeaseRecord, LeaseError>({ type: "not_holder", leaseId, message: `lease ${leaseId} is held by another hotkey` });
      return ok(r);
    });
  }
  const activeLease = (leaseId: string, holder: string) =>
    owned(leaseId, holder).andThen((r) => (r.state === "active" ? ok(r) : err<LeaseRecord, LeaseError>({ type: "lease_not_active", leaseId, state: r.state, message: `lease ${leaseId} is ${r.state}` })));
  const ofKind = (kind: LeaseRequest["kind"]) => (r: LeaseRecord): Result<LeaseRecord, LeaseError> =>
    r.request.kind === kind ? ok(r) : err({ type: "wrong_lease_kind", leaseId: r.id, kind: r.request.kind, message: `lease ${r.id} is an ${r.request.kind} lease; this needs an ${kind} lease` });
  /** The engine's answer for an owned `engine` lease (a job of an ended lease is gone). */
  const withEngine = <T>(leaseId: string, holder: string, active: boolean, then: (e: LeaseEngine, r: LeaseRecord) => ResultAsync<T, LeaseError> | Result<T, LeaseError>): ResultAsync<T, LeaseError> => {
    const r = (active ? activeLease(leaseId, holder) : owned(leaseId, holder)).andThen(ofKind("engine"));
    if (r.isErr()) return errAsync(r.error);
    if (engine === undefined) return errAsync({ type: "not_implemented", message: "this agent runs no engine jobs" });
    const out = then(engine, r.value);
    return out instanceof ResultAsync ? out : lift(out);
  };

  /** Reserves resources and records the pending lease, one request at a time. */
  function reserve(holder: string, request: LeaseRequest): Promise<Result<LeaseRecord, LeaseError>> {
    const run = reserving.then(() =>
      stored(store.list({ states: LIVE_STATES })).andThen((held) =>
        reserveResources(offer, held, request).andThen((r) => {
          const atMs = now();
          const record: LeaseRecord = {
            id: randomBytes(16).toString("hex"), holderHotkey: holder, minerHotkey, state: "pending", request, cpuset: r.cpuset, gpuUuids: r.gpuUuids,
            createdAtMs: atMs, expiresAtMs: atMs + request.durationSeconds * 1000, hostKeyFingerprint: null, hostPublicKey: null, ssh: null,
            appliedLimits: null, health: null, failure: null, containerId: null, updatedAtMs: atMs,
          };
          return stored(store.insert(record, { atMs, kind: "created", detail: { cpuset: r.cpuset, gpuUuids: r.gpuUuids } })).map(() => record);
        }),
      ),
    );
    reserving = run.catch(() => undefined);
    return run;
  }

  /** Creates the container, with the disk quota where the engine applies one. */
  async function createContainer(plan: LeaseContainerPlan): Promise<Result<{ container: Docker.Container; plan: LeaseContainerPlan }, LeaseError>> {
    if (!diskQuotaUnsupported) {
      const created = await dockerCall("create lease container", () => docker.createContainer(leaseContainerSpec(plan)));
      if (created.isOk()) return ok({ container: created.value, plan });
      if (!isDiskQuotaUnsupported(created.error)) return err(backendFailed(created.error));
      diskQuotaUnsupported = true;
      log(`leases: the storage driver cannot limit disk (${created.error.message})`);
    }
    if (!allowUnenforcedDisk) {
      return err({ type: "limit_unenforceable", limit: "disk", message: "this Docker storage driver cannot limit a container's disk (overlay2 needs xfs with pquota); the operator has not allowed leases without a disk limit" });
    }
    const unlimited = { ...plan, diskBytes: null };
    const created = await dockerCall("create lease container", () => docker.createContainer(leaseContainerSpec(unlimited)));
    return created.isOk() ? ok({ container: created.value, plan: unlimited }) : err(backendFailed(created.error));
  }

  async function waitForSshd(port: number): Promise<boolean> {
    const until = performance.now() + sshdStartTimeoutMs;
    while (performance.now() < until) {
      if (await probeSshd(probeHost, port, 2_000)) return true;
      await sleep(200);
    }
    return false;
  }

  /** Everything after the reservation; the caller fails the lease on `Err`. */
  async function provision(record: LeaseRecord): Promise<Result<LeaseRecord, LeaseError>> {
    const { request } = record;
    const image = await resolvePinnedImage(docker, request.image);
    if (image.isErr()) return err(image.error);
    if (request.kind === "engine") {
      // No container of its own: the reservation is the lease; jobs run on it one at a time.
      const atMs = now();
      const active = stored(store.update(record.id, { state: "active", updatedAtMs: atMs }, { atMs, kind: "active", detail: { kind: "engine", imageId: image.value, sandboxProfile: engine?.sandboxProfile ?? null } }));
      if (active.isErr()) return err(active.error);
      log(`engine lease ${record.id} active for ${record.holderHotkey}: cpuset ${record.cpuset}`);
      return ok(active.value ?? record);
    }
    const base: LeaseContainerPlan = {
      leaseId: record.id, agentId: store.agentId, imageId: image.value, cpus: parseCpuset(record.cpuset) ?? [],
      cpuset: record.cpuset, cpuCores: request.cpuCores, memoryBytes: request.memoryBytes, shmBytes: request.shmBytes, diskBytes: request.diskBytes, pidsLimit,
      gpuUuids: record.gpuUuids, sshBindHost,
    };
    const created = await createContainer(base);
    if (created.isErr()) return err(created.error);
    const { container, plan } = created.value;
    const withId = stored(store.update(record.id, { containerId: container.id, updatedAtMs: now() }));
    if (withId.isErr()) return err(withId.error);
    // The host key exists only in this function and in the container: it is never stored.
    const hostKey = generateSshHostKey(`crusades-lease-${record.id}`);
    const put = await dockerCall("deliver SSH files", () => container.putArchive(Buffer.from(leaseSshArchive(hostKey.privateKey, hostKey.publicKey, request.sshPublicKeys)), { path: "/" }));
    if (put.isErr()) return err(backendFailed(put.error));
    const started = await dockerCall("start lease container", () => container.start());
    if (started.isErr()) return err(backendFailed(started.error));
    const info = await dockerCall("inspect lease container", () => container.inspect());
    if (info.isErr()) return err(backendFailed(info.error));
    const limits = readBackLimits(info.value, plan);
    if (limits.isErr()) return err(limits.error);
    const port = publishedSshPort(info.value);
    if (port === null) return err({ type: "lease_backend_failed", message: "the container's SSH port was not published", cause: null });
    if (!(await waitForSshd(port))) return err({ type: "lease_backend_failed", message: `sshd did not answer within ${sshdStartTimeoutMs} ms`, cause: null });
    const atMs = now();
    const health = { checkedAtMs: atMs, healthy: true, containerRunning: true, sshdAnswering: true, gpusUnchanged: true, consecutiveFailures: 0, problems: [] };
    const active = stored(store.update(record.id, {
      state: "active", hostKeyFingerprint: hostKey.fingerprint, hostPublicKey: hostKey.publicKey, ssh: { host: sshHost, port, user: "root" }, appliedLimits: limits.value, health, updatedAtMs: atMs,
    }, { atMs, kind: "active", detail: { containerId: container.id, appliedLimits: limits.value, hostKeyFingerprint: hostKey.fingerprint } }));
    if (active.isErr()) return err(active.error);
    log(`lease ${record.id} active for ${record.holderHotkey}: cpuset ${record.cpuset}, port ${port}`);
    return ok(active.value ?? record);
  }

  const create = (holder: string, raw: LeaseRequest): ResultAsync<Lease, LeaseError> => {
    const parsed = parseLeaseRequest(raw, "$.request");
    if (parsed.isErr()) return errAsync(parsed.error);
    const request = parsed.value;
    if (request.kind === "engine" && engine === undefined) return errAsync({ type: "not_implemented", message: "this agent offers no engine leases (the remote evaluation backend, compute.md §10.3; start it with an engine work directory)" });
    // A job's run directory lives in the engine's work directory, which has no per-lease quota.
    if (request.kind === "engine" && !allowUnenforcedDisk) {
      return errAsync({ type: "limit_unenforceable", limit: "disk", message: "engine jobs write into the agent's work directory, which has no per-lease disk quota; the operator has not allowed leases without a disk limit (--allow-unenforced-disk)" });
    }
    const tooLong = durationError(request.durationSeconds, "$.request.durationSeconds");
    if (tooLong) return errAsync(tooLong);
    if (!allowedImages.includes(request.image)) return errAsync({ type: "image_not_allowed", image: request.image, message: `${request.image} is not one of this miner's allowed images` });
    return new ResultAsync(
      (async (): Promise<Result<Lease, LeaseError>> => {
        const reserved = await reserve(holder, request);
        if (reserved.isErr()) return err(reserved.error);
        const done = await provision(reserved.value).catch((e: unknown) => err<LeaseRecord, LeaseError>({ type: "lease_backend_failed", message: String(e), cause: e }));
        if (done.isOk()) return ok(toLease(done.value));
        await finishLease(rt, reserved.value, "failed", { reason: done.error.message, error: done.error.type });
        return err(done.error);
      })(),
    );
  };

  return {
    create,
    get: (leaseId, holder) => lift(owned(leaseId, holder).map(toLease)),
    list: (holder) => lift(stored(store.list({ holderHotkey: holder })).map((l) => l.map(toLease))),
    renew(leaseId, holder, durationSeconds) {
      const tooLong = durationError(durationSeconds, "$.durationSeconds");
      if (tooLong) return errAsync(tooLong);
      const atMs = now();
      return lift(activeLease(leaseId, holder)
        .andThen(() => stored(store.update(leaseId, { expiresAtMs: atMs + durationSeconds * 1000, updatedAtMs: atMs }, { atMs, kind: "renewed", detail: { durationSeconds } })))
        .andThen((r) => (r === null ? err<LeaseRecord, LeaseError>({ type: "lease_not_found", leaseId, message: `no lease ${leaseId}` }) : ok(r)))
        .map(toLease));
    },
    leasedGpuUuids: (exceptHolder) => stored(store.list({ states: LIVE_STATES })).map((held) => held.filter((r) => r.holderHotkey !== exceptHolder).flatMap((r) => r.gpuUuids)).unwrapOr([]),
    submitJob: (leaseId, holder, job) =>
      withEngine(leaseId, holder, true, (e, r) =>
        job.image === r.request.image && allowedImages.includes(job.image)
          ? e.submit(toLease(r), store.agentId, job)
          : errAsync({ type: "image_not_allowed", image: job.image, message: `${job.image} is not this lease's image (${r.request.image})` }),
      ),
    getJob: (leaseId, holder, jobId) => withEngine(leaseId, holder, false, (e, r) => e.status(toLease(r), jobId)),
    cancelJob: (leaseId, holder, jobId) => withEngine(leaseId, holder, false, (e, r) => e.cancel(toLease(r), jobId)),
    rotateKeys(leaseId, holder, sshPublicKeys) {
      const keys = parseSshKeyList(sshPublicKeys);
      if (keys.isErr()) return errAsync(keys.error);
      const lease = activeLease(leaseId, holder).andThen(ofKind("ssh"));
      if (lease.isErr()) return errAsync(lease.error);
      const { containerId, request } = lease.value;
      return dockerCall("deliver SSH keys", () => docker.getContainer(containerId ?? "").putArchive(Buffer.from(authorizedKeysArchive(keys.value)), { path: "/" }))
        .mapErr(backendFailed)
        .andThen(() => {
          const atMs = now();
          return stored(store.update(leaseId, { request: { ...request, sshPublicKeys: keys.value }, updatedAtMs: atMs }, { atMs, kind: "keys_rotated", detail: { count: keys.value.length } }));
        })
        .map((r) => toLease(r ?? lease.value));
    },
    release(leaseId, holder) {
      const lease = owned(leaseId, holder);
      if (lease.isErr()) return errAsync(lease.error);
      const r = lease.value;
      if (FINAL_STATES.includes(r.state)) return okAsync(toLease(r));
      if (r.state === "pending") return errAsync({ type: "lease_not_active", leaseId, state: r.state, message: `lease ${leaseId} is still being created; release it once it is active` });
      const atMs = now();
      const releasing = stored(store.update(leaseId, { state: "releasing", updatedAtMs: atMs }, { atMs, kind: "releasing", detail: {} }));
      if (releasing.isErr()) return errAsync(releasing.error);
      return finishLease(rt, releasing.value ?? r, "released", { by: "holder" }).map(toLease);
    },
    start() {
      engine?.cleanup();
      return new ResultAsync(reconcileLeases(rt)).andThen((report) =>
        ResultAsync.fromSafePromise(tick()).map(() => {
          clearInterval(timer);
          timer = setInterval(() => void tick(), tickMs);
          timer.unref();
          return report;
        }),
      );
    },
    tick,
    async close() {
      clearInterval(timer);
      timer = undefined;
      await ticking;
      await engine?.close();
    },
  };
}
