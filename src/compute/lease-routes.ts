/**
 * The agent's lease routes (compute.md §5.8), behind its signature check and caller filter: the
 * verified signer is the holder, so only the holder can read, renew, rotate keys or release.
 *
 * ```
 * POST /v1/leases               {version, type: "lease.create", request}  → {type: "lease", lease}
 * GET  /v1/leases                                                         → {type: "lease.list", leases}
 * GET  /v1/leases/:id                                                     → {type: "lease", lease} (with health)
 * POST /v1/leases/:id/renew     {version, type: "lease.renew", durationSeconds}
 * POST /v1/leases/:id/keys      {version, type: "lease.keys", sshPublicKeys}
 * POST /v1/leases/:id/release   {version, type: "lease.release"}
 * ```
 * @module
 */
import type { Result, ResultAsync } from "neverthrow";
import { match } from "ts-pattern";
import type { Lease, LeaseBackend, LeaseError } from "./allocation.js";
import { isLeaseId, LEASE_MESSAGE_VERSION, parseLeaseCreate, parseLeaseKeys, parseLeaseRelease, parseLeaseRenew } from "./lease-schema.js";

/** A route's answer: a body for 200, or an error with its HTTP status. */
export type LeaseRouteAnswer =
  | { readonly ok: true; readonly body: unknown }
  | { readonly ok: false; readonly status: number; readonly type: string; readonly message: string };

/** The HTTP status of each lease error. */
export function leaseErrorStatus(e: LeaseError): number {
  return match(e)
    .with({ type: "invalid_lease_request" }, { type: "image_not_allowed" }, () => 400)
    .with({ type: "not_holder" }, () => 403)
    .with({ type: "lease_not_found" }, () => 404)
    .with({ type: "no_capacity" }, { type: "lease_not_active" }, () => 409)
    .with({ type: "limit_unenforceable" }, () => 422)
    .with({ type: "lease_backend_failed" }, () => 500)
    .with({ type: "not_implemented" }, () => 501)
    .exhaustive();
}

const failure = (e: LeaseError): LeaseRouteAnswer => ({ ok: false, status: leaseErrorStatus(e), type: e.type, message: e.message });
const notFound = (method: string, path: string): LeaseRouteAnswer => ({ ok: false, status: 404, type: "not_found", message: `no route ${method} ${path}` });

async function answer<T>(r: ResultAsync<T, LeaseError>, body: (v: T) => unknown): Promise<LeaseRouteAnswer> {
  const v = await r;
  return v.isOk() ? { ok: true, body: body(v.value) } : failure(v.error);
}
const one = (lease: Lease) => ({ version: LEASE_MESSAGE_VERSION, type: "lease", lease });

function parsed<T>(r: Result<T, LeaseError>, then: (v: T) => Promise<LeaseRouteAnswer>): Promise<LeaseRouteAnswer> {
  return r.isOk() ? then(r.value) : Promise.resolve(failure(r.error));
}

/**
 * Answers a request under `/v1/leases` for the verified `caller`.
 * @example const a = await routeLeaseRequest(backend, "GET", "/v1/leases", null, caller)
 */
export function routeLeaseRequest(backend: LeaseBackend, method: string, path: string, body: unknown, caller: string): Promise<LeaseRouteAnswer> {
  if (path === "/v1/leases") {
    if (method === "POST") return parsed(parseLeaseCreate(body), ({ request }) => answer(backend.create(caller, request), one));
    if (method === "GET") return answer(backend.list(caller), (leases) => ({ version: LEASE_MESSAGE_VERSION, type: "lease.list", leases }));
    return Promise.resolve(notFound(method, path));
  }
  const m = /^\/v1\/leases\/([^/?]+)(?:\/(renew|keys|release))?$/.exec(path);
  if (!m) return Promise.resolve(notFound(method, path));
  const id = m[1] as string;
  const action = m[2];
  if (!isLeaseId(id)) return Promise.resolve({ ok: false, status: 404, type: "lease_not_found", message: "lease ids are 32 lowercase hex digits" });
  if (action === undefined) return method === "GET" ? answer(backend.get(id, caller), one) : Promise.resolve(notFound(method, path));
  if (method !== "POST") return Promise.resolve(notFound(method, path));
  return match(action)
    .with("renew", () => parsed(parseLeaseRenew(body), ({ durationSeconds }) => answer(backend.renew(id, caller, durationSeconds), one)))
    .with("keys", () => parsed(parseLeaseKeys(body), ({ sshPublicKeys }) => answer(backend.rotateKeys(id, caller, sshPublicKeys), one)))
    .otherwise(() => parsed(parseLeaseRelease(body), () => answer(backend.release(id, caller), one)));
}
