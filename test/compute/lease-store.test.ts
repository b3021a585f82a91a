/**
 * The lease store (compute.md §5.8) on real SQLite files: records and events survive a reopen,
 * the agent id is stable, filters work, and a newer schema is refused.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { type LeaseRecord, openLeaseStore } from "../../src/compute/index.js";

const dir = mkdtempSync(join(tmpdir(), "crusades-lease-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (id: string, over: Partial<LeaseRecord> = {}): LeaseRecord => ({
  id, holderHotkey: "holder", minerHotkey: "miner", state: "pending", cpuset: "0", gpuUuids: [], createdAtMs: 1000, expiresAtMs: 61_000, hostKeyFingerprint: null,
  hostPublicKey: null, ssh: null, appliedLimits: null, health: null, failure: null, containerId: null, updatedAtMs: 1000,
  request: { gpuCount: 0, cpuCores: 1, memoryBytes: 2 ** 30, diskBytes: 2 ** 30, shmBytes: 2 ** 20, durationSeconds: 60, sshPublicKeys: ["ssh-ed25519 AAAA"], image: "x@sha256:0", kind: "ssh" },
  ...over,
});

describe("lease store", () => {
  it("behavior: leases and events persist across a reopen with the same agent id", () => {
    const file = join(dir, "a.db");
    const store = openLeaseStore(file)._unsafeUnwrap();
    const agentId = store.agentId;
    expect(agentId).toMatch(/^[0-9a-f]{16}$/);
    store.insert(record("a".repeat(32)), { atMs: 1000, kind: "created", detail: { cpuset: "0" } })._unsafeUnwrap();
    store.insert(record("b".repeat(32), { holderHotkey: "other", createdAtMs: 2000 }), { atMs: 2000, kind: "created", detail: {} })._unsafeUnwrap();
    const ssh = { host: "127.0.0.1", port: 2222, user: "root" };
    expect(store.update("a".repeat(32), { state: "active", ssh, containerId: "c1" }, { atMs: 3000, kind: "active", detail: { containerId: "c1" } })._unsafeUnwrap()?.state).toBe("active");
    expect(store.update("0".repeat(32), { state: "active" })._unsafeUnwrap()).toBeNull();
    store.close();

    const again = openLeaseStore(file)._unsafeUnwrap();
    expect(again.agentId).toBe(agentId);
    expect(again.get("a".repeat(32))._unsafeUnwrap()).toMatchObject({ state: "active", ssh, containerId: "c1", request: { sshPublicKeys: ["ssh-ed25519 AAAA"] } });
    expect(again.list()._unsafeUnwrap().map((l) => l.id)).toEqual(["b".repeat(32), "a".repeat(32)]);
    expect(again.list({ holderHotkey: "holder" })._unsafeUnwrap()).toHaveLength(1);
    expect(again.list({ states: ["pending"] })._unsafeUnwrap().map((l) => l.id)).toEqual(["b".repeat(32)]);
    expect(again.list({ states: [] })._unsafeUnwrap()).toEqual([]);
    expect(again.events("a".repeat(32))._unsafeUnwrap().map((e) => [e.kind, e.detail])).toEqual([["created", { cpuset: "0" }], ["active", { containerId: "c1" }]]);
    expect(again.get("f".repeat(32))._unsafeUnwrap()).toBeNull();
    again.close();
  });

  it("error: a store written by a newer schema and a file that is not a database are refused", () => {
    const newer = join(dir, "newer.db");
    const db = new Database(newer);
    db.pragma("user_version = 99");
    db.close();
    expect(openLeaseStore(newer)._unsafeUnwrapErr().type).toBe("StoreSchemaTooNew");
    expect(openLeaseStore(dir)._unsafeUnwrapErr().type).toBe("StoreIo");
  });
});
