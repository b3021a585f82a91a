/**
 * The lease messages (compute.md §5.8): the request schema (unknown keys rejected, SSH keys
 * parsed and re-serialised, `shmBytes ≤ memoryBytes / 2`, the GPU model resolved to its catalogue
 * id) and the versioned JSON bodies of the lease routes, read on both sides.
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { findGpu } from "../mfu/index.js";
import type { AppliedLimits, Lease, LeaseHealth, LeaseRequest, LeaseSshEndpoint, LeaseState } from "./allocation.js";
import { FieldError, read } from "./json.js";
import { parseSshPublicKey } from "./ssh-keys.js";

/** A lease message failed its schema; `path` is the JSON path of the offending field. */
export interface InvalidLeaseRequestError {
  readonly type: "invalid_lease_request";
  readonly message: string;
  readonly path: string;
}

/** Version of the lease messages. */
export const LEASE_MESSAGE_VERSION = 1;
/** Most SSH keys per lease. */
export const MAX_LEASE_SSH_KEYS = 8;
/** Shortest lease. */
export const MIN_LEASE_SECONDS = 60;
/** The smallest memory, disk and shm limits a request may ask for. */
export const MIN_LEASE_BYTES = Object.freeze({ memory: 64 << 20, disk: 64 << 20, shm: 1 << 20 });

const MAX_BYTES = Number.MAX_SAFE_INTEGER;
const LEASE_ID = /^[0-9a-f]{32}$/;
/** An image pinned by digest: `name@sha256:<64 hex>`. */
export const PINNED_IMAGE = /^[a-z0-9][a-z0-9._/:-]{0,200}@sha256:[0-9a-f]{64}$/;
const STATES: readonly LeaseState[] = ["pending", "active", "releasing", "released", "expired", "failed"];
const REQUEST_KEYS = ["gpuModel", "gpuCount", "cpuCores", "memoryBytes", "diskBytes", "shmBytes", "durationSeconds", "sshPublicKeys", "image", "kind"];

/** Runs a schema reader: a `FieldError` becomes `invalid_lease_request` naming its JSON path. */
export function guardFields<T>(fn: () => T): Result<T, InvalidLeaseRequestError> {
  try {
    return ok(fn());
  } catch (e) {
    if (e instanceof FieldError) return err({ type: "invalid_lease_request", message: e.message, path: e.message.split(" ")[0] ?? "$" });
    throw e;
  }
}

/** `true` iff `text` is a lease id (128 bits, lowercase hex). */
export const isLeaseId = (text: string): boolean => LEASE_ID.test(text);

/** Reads 1-8 SSH keys and returns their canonical lines (no duplicates). */
function sshKeys(v: unknown, path: string): string[] {
  const items = read.array(v, path, MAX_LEASE_SSH_KEYS);
  if (items.length === 0) throw new FieldError(`${path} must hold 1-${MAX_LEASE_SSH_KEYS} keys`);
  const lines = items.map((k, i) => {
    const key = parseSshPublicKey(read.string(k, `${path}[${i}]`, undefined, 8192));
    if (key.isErr()) throw new FieldError(`${path}[${i}] ${key.error.message}`);
    return key.value.line;
  });
  if (new Set(lines).size !== lines.length) throw new FieldError(`${path} lists the same key twice`);
  return lines;
}

function request(v: unknown, path: string): LeaseRequest {
  const o = read.object(v, path);
  read.keys(o, path, REQUEST_KEYS);
  const gpuCount = read.int(o.gpuCount, `${path}.gpuCount`, 0, 64);
  let gpuModel: string | undefined;
  if (gpuCount > 0) {
    const name = read.string(o.gpuModel, `${path}.gpuModel`, undefined, 128);
    const found = findGpu(name);
    if (found.isErr()) throw new FieldError(`${path}.gpuModel ${found.error.message}`);
    gpuModel = found.value.id;
  } else if (o.gpuModel !== undefined) throw new FieldError(`${path}.gpuModel must be absent when gpuCount is 0`);
  const memoryBytes = read.int(o.memoryBytes, `${path}.memoryBytes`, MIN_LEASE_BYTES.memory, MAX_BYTES);
  const shmBytes = read.int(o.shmBytes, `${path}.shmBytes`, MIN_LEASE_BYTES.shm, MAX_BYTES);
  const kind = read.literal(o.kind, `${path}.kind`, ["ssh", "engine"] as const);
  // An engine lease runs evaluation jobs only: nobody logs in.
  if (kind === "engine" && o.sshPublicKeys !== undefined && read.array(o.sshPublicKeys, `${path}.sshPublicKeys`, MAX_LEASE_SSH_KEYS).length > 0) {
    throw new FieldError(`${path}.sshPublicKeys must be empty for an engine lease (it has no SSH access)`);
  }
  if (shmBytes > memoryBytes / 2) throw new FieldError(`${path}.shmBytes must be at most memoryBytes / 2 (${Math.floor(memoryBytes / 2)}), got ${shmBytes}`);
  return {
    ...(gpuModel === undefined ? {} : { gpuModel }),
    gpuCount,
    cpuCores: read.int(o.cpuCores, `${path}.cpuCores`, 1, 1024),
    memoryBytes,
    diskBytes: read.int(o.diskBytes, `${path}.diskBytes`, MIN_LEASE_BYTES.disk, MAX_BYTES),
    shmBytes,
    durationSeconds: read.int(o.durationSeconds, `${path}.durationSeconds`, MIN_LEASE_SECONDS, 366 * 86_400),
    sshPublicKeys: kind === "engine" ? [] : sshKeys(o.sshPublicKeys, `${path}.sshPublicKeys`),
    image: read.string(o.image, `${path}.image`, PINNED_IMAGE, 300),
    kind,
  };
}

/**
 * Validates a lease request: every field present and in range, no unknown key, SSH keys parsed
 * and re-serialised, the GPU model resolved to its catalogue id.
 * @example parseLeaseRequest(JSON.parse(body).request)
 */
export function parseLeaseRequest(value: unknown, path = "$"): Result<LeaseRequest, InvalidLeaseRequestError> {
  return guardFields(() => request(value, path));
}

/**
 * Reads a message envelope `{version, type, ...keys}`: exactly those keys, the version and the
 * type as given. Shared by the lease and the engine-job messages.
 * @throws FieldError (caught by {@link guardFields})
 */
export function readEnvelope(value: unknown, version: number, type: string, keys: readonly string[]): Record<string, unknown> {
  const o = read.object(value, "$");
  read.keys(o, "$", ["version", "type", ...keys]);
  read.literal(o.version, "$.version", [version]);
  read.literal(o.type, "$.type", [type]);
  return o;
}

const message = (value: unknown, type: string, keys: readonly string[]) => readEnvelope(value, LEASE_MESSAGE_VERSION, type, keys);

/** `POST /v1/leases` body `{version, type: "lease.create", request}`. */
export function parseLeaseCreate(value: unknown): Result<{ readonly request: LeaseRequest }, InvalidLeaseRequestError> {
  return guardFields(() => ({ request: request(message(value, "lease.create", ["request"]).request, "$.request") }));
}

/** `POST /v1/leases/:id/renew` body `{version, type: "lease.renew", durationSeconds}`. */
export function parseLeaseRenew(value: unknown): Result<{ readonly durationSeconds: number }, InvalidLeaseRequestError> {
  return guardFields(() => ({ durationSeconds: read.int(message(value, "lease.renew", ["durationSeconds"]).durationSeconds, "$.durationSeconds", MIN_LEASE_SECONDS, 366 * 86_400) }));
}

/** `POST /v1/leases/:id/release` body `{version, type: "lease.release"}`. */
export function parseLeaseRelease(value: unknown): Result<Record<string, never>, InvalidLeaseRequestError> {
  return guardFields(() => (message(value, "lease.release", []), {}));
}

/** `POST /v1/leases/:id/keys` body `{version, type: "lease.keys", sshPublicKeys}`. */
export function parseLeaseKeys(value: unknown): Result<{ readonly sshPublicKeys: readonly string[] }, InvalidLeaseRequestError> {
  return guardFields(() => ({ sshPublicKeys: sshKeys(message(value, "lease.keys", ["sshPublicKeys"]).sshPublicKeys, "$.sshPublicKeys") }));
}

/** Reads SSH keys alone (the backend's key rotation). */
export function parseSshKeyList(value: unknown, path = "$.sshPublicKeys"): Result<readonly string[], InvalidLeaseRequestError> {
  return guardFields(() => sshKeys(value, path));
}

const nullable = <T>(v: unknown, f: (x: unknown) => T): T | null => (v === null ? null : f(v));
const str = (v: unknown, path: string) => read.string(v, path, undefined, 4096);
const count = (v: unknown, path: string) => read.int(v, path, -1, MAX_BYTES);
const flag = (v: unknown, path: string): boolean => {
  if (typeof v !== "boolean") throw new FieldError(`${path} must be a boolean`);
  return v;
};

function limits(v: unknown, p: string): AppliedLimits {
  const o = read.object(v, p);
  return {
    cpusetCpus: str(o.cpusetCpus, `${p}.cpusetCpus`),
    nanoCpus: count(o.nanoCpus, `${p}.nanoCpus`),
    memoryBytes: count(o.memoryBytes, `${p}.memoryBytes`),
    memorySwapBytes: count(o.memorySwapBytes, `${p}.memorySwapBytes`),
    shmBytes: count(o.shmBytes, `${p}.shmBytes`),
    pidsLimit: count(o.pidsLimit, `${p}.pidsLimit`),
    diskBytes: o.diskBytes === "unenforced" ? "unenforced" : count(o.diskBytes, `${p}.diskBytes`),
    noNewPrivileges: flag(o.noNewPrivileges, `${p}.noNewPrivileges`),
    gpuUuids: read.array(o.gpuUuids, `${p}.gpuUuids`, 64).map((u, i) => str(u, `${p}.gpuUuids[${i}]`)),
  };
}

function health(v: unknown, p: string): LeaseHealth {
  const o = read.object(v, p);
  return {
    checkedAtMs: count(o.checkedAtMs, `${p}.checkedAtMs`),
    healthy: flag(o.healthy, `${p}.healthy`),
    containerRunning: flag(o.containerRunning, `${p}.containerRunning`),
    sshdAnswering: flag(o.sshdAnswering, `${p}.sshdAnswering`),
    gpusUnchanged: flag(o.gpusUnchanged, `${p}.gpusUnchanged`),
    consecutiveFailures: count(o.consecutiveFailures, `${p}.consecutiveFailures`),
    problems: read.array(o.problems, `${p}.problems`, 32).map((x, i) => str(x, `${p}.problems[${i}]`)),
  };
}

function ssh(v: unknown, p: string): LeaseSshEndpoint {
  const o = read.object(v, p);
  // The host ends up in known_hosts lines and ssh command lines: a host name or an address only.
  return { host: read.string(o.host, `${p}.host`, /^[A-Za-z0-9.:-]{1,253}$/), port: read.int(o.port, `${p}.port`, 1, 65535), user: read.string(o.user, `${p}.user`, /^[a-z_][a-z0-9_-]{0,31}$/) };
}

function lease(v: unknown, p: string): Lease {
  const o = read.object(v, p);
  return {
    id: read.string(o.id, `${p}.id`, LEASE_ID),
    holderHotkey: str(o.holderHotkey, `${p}.holderHotkey`),
    minerHotkey: str(o.minerHotkey, `${p}.minerHotkey`),
    state: read.literal(o.state, `${p}.state`, STATES),
    request: request(o.request, `${p}.request`),
    cpuset: str(o.cpuset, `${p}.cpuset`),
    gpuUuids: read.array(o.gpuUuids, `${p}.gpuUuids`, 64).map((u, i) => str(u, `${p}.gpuUuids[${i}]`)),
    createdAtMs: count(o.createdAtMs, `${p}.createdAtMs`),
    expiresAtMs: count(o.expiresAtMs, `${p}.expiresAtMs`),
    hostKeyFingerprint: nullable(o.hostKeyFingerprint, (x) => read.string(x, `${p}.hostKeyFingerprint`, /^SHA256:[A-Za-z0-9+/]{43}$/)),
    hostPublicKey: nullable(o.hostPublicKey, (x) => {
      const key = parseSshPublicKey(str(x, `${p}.hostPublicKey`));
      if (key.isErr()) throw new FieldError(`${p}.hostPublicKey ${key.error.message}`);
      return key.value.line;
    }),
    ssh: nullable(o.ssh, (x) => ssh(x, `${p}.ssh`)),
    appliedLimits: nullable(o.appliedLimits, (x) => limits(x, `${p}.appliedLimits`)),
    health: nullable(o.health, (x) => health(x, `${p}.health`)),
    failure: nullable(o.failure, (x) => str(x, `${p}.failure`)),
  };
}

/** A lease answer `{version, type: "lease", lease}` (holder side). */
export function parseLeaseMessage(value: unknown): Result<Lease, InvalidLeaseRequestError> {
  return guardFields(() => lease(message(value, "lease", ["lease"]).lease, "$.lease"));
}

/** A list answer `{version, type: "lease.list", leases}` (holder side). */
export function parseLeaseListMessage(value: unknown): Result<readonly Lease[], InvalidLeaseRequestError> {
  return guardFields(() => read.array(message(value, "lease.list", ["leases"]).leases, "$.leases", 10_000).map((l, i) => lease(l, `$.leases[${i}]`)));
}
