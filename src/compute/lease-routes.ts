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
 * POST /v1/leases/:id/jobs      {version, type: "lease.job", job}          → {type: "lease.job.accepted", leaseId, jobId, jobDigest}
 * GET  /v1/leases/:id/jobs/:job                                          → {type: "lease.job.status", state, ...}
 * POST /v1/leases/:id/jobs/:job/cancel {version, type: "lease.job.cancel"} → {type: "lease.job.status", ...}
 * ```
 * @module
 */
import type { Result, ResultAsync } from "neverthrow";
import { match } from "ts-pattern";
import type { Lease, LeaseBackend, LeaseError } from "./allocation.js";
import { ENGINE_MESSAGE_VERSION, engineStatusMessage, parseEngineJobMessage } from "./engine-messages.js";
import { guardFields, isLeaseId, readEnvelope, LEASE_MESSAGE_VERSION, parseLeaseCreate, parseLeaseKeys, parseLeaseRelease, parseLeaseRenew } from "./lease-schema.js";

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
    .with({ type: "no_capacity" }, { type: "lease_not_active" }, { type: "wrong_lease_kind" }, { type: "lease_busy" }, () => 409)
    .with({ type: "job_not_found" }, () => 404)
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
  const job = /^\/v1\/leases\/([^/?]+)\/jobs(?:\/([^/?]+)(\/cancel)?)?$/.exec(path);
  if (job) return routeJob(backend, method, job[1] as string, job[2], job[3] !== undefined, body, caller);
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

const cancelBody = (body: unknown): boolean => guardFields(() => readEnvelope(body, ENGINE_MESSAGE_VERSION, "lease.job.cancel", [])).isOk();

/** The job routes of an `engine` lease. */
function routeJob(backend: LeaseBackend, method: string, id: string, jobId: string | undefined, cancel: boolean, body: unknown, caller: string): Promise<LeaseRouteAnswer> {
  const path = `/v1/leases/${id}/jobs${jobId === undefined ? "" : `/${jobId}${cancel ? "/cancel" : ""}`}`;
  if (!isLeaseId(id)) return Promise.resolve({ ok: false, status: 404, type: "lease_not_found", message: "lease ids are 32 lowercase hex digits" });
  if (jobId === undefined) {
    if (method !== "POST") return Promise.resolve(notFound(method, path));
    return parsed(parseEngineJobMessage(body), (j) => answer(backend.submitJob(id, caller, j), (a) => ({ version: ENGINE_MESSAGE_VERSION, type: "lease.job.accepted", ...a })));
  }
  if (!isLeaseId(jobId)) return Promise.resolve({ ok: false, status: 404, type: "job_not_found", message: "job ids are 32 lowercase hex digits" });
  if (!cancel) return method === "GET" ? answer(backend.getJob(id, caller, jobId), engineStatusMessage) : Promise.resolve(notFound(method, path));
  if (method !== "POST") return Promise.resolve(notFound(method, path));
  if (!cancelBody(body)) return Promise.resolve({ ok: false, status: 400, type: "invalid_lease_request", message: '$ must be {version: 1, type: "lease.job.cancel"}' });
  return answer(backend.cancelJob(id, caller, jobId), engineStatusMessage);
}
