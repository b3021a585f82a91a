/**
 * The miner agent's lease state in SQLite (compute.md §5.8): `leases` (one row per lease, its
 * reservation, container, endpoint, applied limits and latest health) and `lease_events` (an
 * append-only history). Opened through `src/store`'s `openStore` (WAL, numbered migrations) with
 * this file's own migrations. No secret is stored: SSH keys are public and host keys never leave
 * the container.
 * @module
 */
import { randomBytes } from "node:crypto";
import { err, ok, type Result } from "neverthrow";
import { classifySqliteError, type Migration, openStore, type Store, type StoreError } from "../store/index.js";
import type { Lease, LeaseState } from "./allocation.js";

/** A lease as the agent keeps it: the holder's view plus the container id. */
export interface LeaseRecord extends Lease {
  readonly containerId: string | null;
  readonly updatedAtMs: number;
}

/** One entry of a lease's history. */
export interface LeaseEvent {
  readonly leaseId: string;
  readonly atMs: number;
  /** `created`, `active`, `renewed`, `keys_rotated`, `releasing`, `released`, `expired`, `failed`, `health`, `reconciled`. */
  readonly kind: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** The fields a state change may set. */
export type LeasePatch = Partial<Omit<LeaseRecord, "id" | "holderHotkey" | "minerHotkey" | "createdAtMs">>;

/** The lease store (synchronous, each change with its event in one transaction). */
export interface LeaseStore {
  readonly path: string;
  /** Random id of this store, labelled on its containers so that reconciliation only touches its own. */
  readonly agentId: string;
  insert(lease: LeaseRecord, event: Omit<LeaseEvent, "leaseId">): Result<void, StoreError>;
  /** Applies `patch` and appends `event`; `Ok(null)` when there is no such lease. */
  update(id: string, patch: LeasePatch, event?: Omit<LeaseEvent, "leaseId">): Result<LeaseRecord | null, StoreError>;
  get(id: string): Result<LeaseRecord | null, StoreError>;
  /** Leases, newest first, optionally of one holder and/or in some states. */
  list(filter?: { readonly holderHotkey?: string; readonly states?: readonly LeaseState[] }): Result<LeaseRecord[], StoreError>;
  events(id: string): Result<LeaseEvent[], StoreError>;
  close(): void;
}

/** The lease store's schema (its own file, its own `user_version`). */
export const LEASE_MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: "leases",
    sql: `
      CREATE TABLE lease_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE leases (
        id TEXT PRIMARY KEY,
        holder_hotkey TEXT NOT NULL,
        miner_hotkey TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending','active','releasing','released','expired','failed')),
        request_json TEXT NOT NULL,
        cpuset TEXT NOT NULL,
        gpu_uuids_json TEXT NOT NULL,
        container_id TEXT,
        created_at_ms INTEGER NOT NULL,
        expires_at_ms INTEGER NOT NULL,
        host_key_fingerprint TEXT,
        host_public_key TEXT,
        ssh_json TEXT,
        applied_limits_json TEXT,
        health_json TEXT,
        failure TEXT,
        updated_at_ms INTEGER NOT NULL
      );
      CREATE INDEX leases_state ON leases (state);
      CREATE INDEX leases_holder ON leases (holder_hotkey);
      CREATE TABLE lease_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        lease_id TEXT NOT NULL REFERENCES leases (id),
        at_ms INTEGER NOT NULL,
        kind TEXT NOT NULL,
        detail_json TEXT NOT NULL
      );
      CREATE INDEX lease_events_lease ON lease_events (lease_id, id);`,
  },
]);

interface Row {
  id: string; holder_hotkey: string; miner_hotkey: string; state: LeaseState; request_json: string; cpuset: string; gpu_uuids_json: string;
  container_id: string | null; created_at_ms: number; expires_at_ms: number; host_key_fingerprint: string | null; host_public_key: string | null;
  ssh_json: string | null; applied_limits_json: string | null; health_json: string | null; failure: string | null; updated_at_ms: number;
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
const parsed = <T>(v: string | null): T | null => (v === null ? null : (JSON.parse(v) as T));

function toRecord(r: Row): LeaseRecord {
  return {
    id: r.id, holderHotkey: r.holder_hotkey, minerHotkey: r.miner_hotkey, state: r.state, request: JSON.parse(r.request_json), cpuset: r.cpuset,
    gpuUuids: JSON.parse(r.gpu_uuids_json), containerId: r.container_id, createdAtMs: r.created_at_ms, expiresAtMs: r.expires_at_ms,
    hostKeyFingerprint: r.host_key_fingerprint, hostPublicKey: r.host_public_key, ssh: parsed(r.ssh_json), appliedLimits: parsed(r.applied_limits_json),
    health: parsed(r.health_json), failure: r.failure, updatedAtMs: r.updated_at_ms,
  };
}

function toRow(l: LeaseRecord): Row {
  return {
    id: l.id, holder_hotkey: l.holderHotkey, miner_hotkey: l.minerHotkey, state: l.state, request_json: JSON.stringify(l.request), cpuset: l.cpuset,
    gpu_uuids_json: JSON.stringify(l.gpuUuids), container_id: l.containerId, created_at_ms: l.createdAtMs, expires_at_ms: l.expiresAtMs,
    host_key_fingerprint: l.hostKeyFingerprint, host_public_key: l.hostPublicKey, ssh_json: json(l.ssh), applied_limits_json: json(l.appliedLimits),
    health_json: json(l.health), failure: l.failure, updated_at_ms: l.updatedAtMs,
  };
}

const COLUMNS: readonly (keyof Row)[] = [
  "id", "holder_hotkey", "miner_hotkey", "state", "request_json", "cpuset", "gpu_uuids_json", "container_id", "created_at_ms", "expires_at_ms",
  "host_key_fingerprint", "host_public_key", "ssh_json", "applied_limits_json", "health_json", "failure", "updated_at_ms",
];

function attempt<T>(doing: string, fn: () => T): Result<T, StoreError> {
  try {
    return ok(fn());
  } catch (cause) {
    return err(classifySqliteError(cause, doing));
  }
}

/**
 * Opens (creating it if needed) the lease store at `file` (`:memory:` for tests).
 * @example const store = openLeaseStore("/var/lib/crusades/leases.db")
 */
export function openLeaseStore(file: string): Result<LeaseStore, StoreError> {
  return openStore(file, { migrations: LEASE_MIGRATIONS }).andThen((store) => attempt("read the lease store's agent id", () => leaseStore(store)));
}

function leaseStore(store: Store): LeaseStore {
  const { db } = store;
  db.prepare("INSERT OR IGNORE INTO lease_meta (key, value) VALUES ('agent_id', ?)").run(randomBytes(8).toString("hex"));
  const agentId = (db.prepare("SELECT value FROM lease_meta WHERE key = 'agent_id'").get() as { value: string }).value;
  const insertLease = db.prepare(`INSERT INTO leases (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((c) => `@${c}`).join(", ")})`);
  const updateLease = db.prepare(`UPDATE leases SET ${COLUMNS.filter((c) => c !== "id").map((c) => `${c} = @${c}`).join(", ")} WHERE id = @id`);
  const selectLease = db.prepare("SELECT * FROM leases WHERE id = ?");
  const insertEvent = db.prepare("INSERT INTO lease_events (lease_id, at_ms, kind, detail_json) VALUES (?, ?, ?, ?)");
  const get = (id: string) => {
    const row = selectLease.get(id) as Row | undefined;
    return row === undefined ? null : toRecord(row);
  };
  return {
    path: store.path,
    agentId,
    insert: (lease, event) =>
      attempt(`insert lease ${lease.id}`, () =>
        store.transaction(() => {
          insertLease.run(toRow(lease));
          insertEvent.run(lease.id, event.atMs, event.kind, JSON.stringify(event.detail));
        }),
      ),
    update: (id, patch, event) =>
      attempt(`update lease ${id}`, () =>
        store.transaction(() => {
          const current = get(id);
          if (current === null) return null;
          const next: LeaseRecord = { ...current, ...patch };
          updateLease.run(toRow(next));
          if (event) insertEvent.run(id, event.atMs, event.kind, JSON.stringify(event.detail));
          return next;
        }),
      ),
    get: (id) => attempt(`read lease ${id}`, () => get(id)),
    list: (filter = {}) =>
      attempt("list leases", () => {
        const where: string[] = [];
        const args: unknown[] = [];
        if (filter.holderHotkey !== undefined) {
          where.push("holder_hotkey = ?");
          args.push(filter.holderHotkey);
        }
        if (filter.states !== undefined) {
          where.push(`state IN (${filter.states.map(() => "?").join(", ") || "NULL"})`);
          args.push(...filter.states);
        }
        const sql = `SELECT * FROM leases ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at_ms DESC, id`;
        return (db.prepare(sql).all(...args) as Row[]).map(toRecord);
      }),
    events: (id) =>
      attempt(`read the events of lease ${id}`, () =>
        (db.prepare("SELECT lease_id, at_ms, kind, detail_json FROM lease_events WHERE lease_id = ? ORDER BY id").all(id) as { lease_id: string; at_ms: number; kind: string; detail_json: string }[]).map((e) => ({
          leaseId: e.lease_id, atMs: e.at_ms, kind: e.kind, detail: JSON.parse(e.detail_json) as Record<string, unknown>,
        })),
      ),
    close: () => store.close(),
  };
}
