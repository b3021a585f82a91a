/**
 * The holder's side of the lease routes (compute.md §5.8) on the signed {@link ComputeClient}:
 * every answer is a verified signed response, read with the lease schema, and checked to name
 * this miner, this holder, and a host key whose fingerprint matches.
 * @module
 */
import { err, errAsync, ok, type Result, type ResultAsync } from "neverthrow";
import type { Lease, LeaseRequest } from "./allocation.js";
import type { ClientError, ComputeClient, RequestOptions } from "./client.js";
import { type InvalidLeaseRequestError, isLeaseId, LEASE_MESSAGE_VERSION, parseLeaseListMessage, parseLeaseMessage } from "./lease-schema.js";
import { fingerprintOfLine } from "./ssh-keys.js";

/** A verified answer that is not a valid lease for this client. */
export interface BadLeaseAnswerError {
  readonly type: "bad_lease_answer";
  readonly message: string;
}

/** Errors of the lease client: transport and signature ({@link ClientError}, `remote_error` carries the agent's error type), or a bad answer. */
export type LeaseClientError = ClientError | BadLeaseAnswerError | InvalidLeaseRequestError;

/** Lease operations against one miner agent, signed with the holder's hotkey. */
export interface LeaseClient {
  create(request: LeaseRequest, options?: RequestOptions): ResultAsync<Lease, LeaseClientError>;
  get(leaseId: string, options?: RequestOptions): ResultAsync<Lease, LeaseClientError>;
  list(options?: RequestOptions): ResultAsync<readonly Lease[], LeaseClientError>;
  renew(leaseId: string, durationSeconds: number, options?: RequestOptions): ResultAsync<Lease, LeaseClientError>;
  rotateKeys(leaseId: string, sshPublicKeys: readonly string[], options?: RequestOptions): ResultAsync<Lease, LeaseClientError>;
  release(leaseId: string, options?: RequestOptions): ResultAsync<Lease, LeaseClientError>;
}

const bad = (message: string): BadLeaseAnswerError => ({ type: "bad_lease_answer", message });

/** Checks that an answered lease belongs to this exchange and that its host key matches its fingerprint. */
function checkLease(lease: Lease, client: ComputeClient, leaseId?: string): Result<Lease, LeaseClientError> {
  if (lease.minerHotkey !== client.minerHotkey) return err(bad(`the lease names miner ${lease.minerHotkey}, not ${client.minerHotkey}`));
  if (lease.holderHotkey !== client.validatorHotkey) return err(bad(`the lease is held by ${lease.holderHotkey}, not by this hotkey`));
  if (leaseId !== undefined && lease.id !== leaseId) return err(bad(`asked for lease ${leaseId}, got ${lease.id}`));
  if (lease.hostPublicKey !== null && fingerprintOfLine(lease.hostPublicKey) !== lease.hostKeyFingerprint) return err(bad("the lease's host key does not match its fingerprint"));
  return ok(lease);
}

/**
 * A lease client over a signed compute client.
 * @example
 * const leases = createLeaseClient(createComputeClient({ baseUrl, signer, minerHotkey }))
 * const lease = await leases.create({ gpuCount: 0, cpuCores: 2, memoryBytes: 4 << 30, ... })
 */
export function createLeaseClient(client: ComputeClient): LeaseClient {
  const leaseAt = (method: "GET" | "POST", path: string, body: unknown, options: RequestOptions | undefined, leaseId?: string) =>
    client.request(method, path, body, options).andThen((r) => parseLeaseMessage(r.body).andThen((l) => checkLease(l, client, leaseId)));
  const idPath = (leaseId: string, action = "") => (isLeaseId(leaseId) ? ok(`/v1/leases/${leaseId}${action}`) : err<string, LeaseClientError>(bad(`${JSON.stringify(leaseId)} is not a lease id (32 lowercase hex digits)`)));
  const withId = (leaseId: string, action: string, then: (path: string) => ResultAsync<Lease, LeaseClientError>) => {
    const path = idPath(leaseId, action);
    return path.isOk() ? then(path.value) : errAsync<Lease, LeaseClientError>(path.error);
  };
  return {
    create: (request, options) => leaseAt("POST", "/v1/leases", { version: LEASE_MESSAGE_VERSION, type: "lease.create", request }, options),
    get: (leaseId, options) => withId(leaseId, "", (path) => leaseAt("GET", path, undefined, options, leaseId)),
    list: (options) =>
      client.request("GET", "/v1/leases", undefined, options).andThen((r) =>
        parseLeaseListMessage(r.body).andThen((leases) => {
          const checked = leases.map((l) => checkLease(l, client));
          const failed = checked.find((c) => c.isErr());
          return failed?.isErr() ? err(failed.error) : ok(leases);
        }),
      ),
    renew: (leaseId, durationSeconds, options) => withId(leaseId, "/renew", (path) => leaseAt("POST", path, { version: LEASE_MESSAGE_VERSION, type: "lease.renew", durationSeconds }, options, leaseId)),
    rotateKeys: (leaseId, sshPublicKeys, options) => withId(leaseId, "/keys", (path) => leaseAt("POST", path, { version: LEASE_MESSAGE_VERSION, type: "lease.keys", sshPublicKeys }, options, leaseId)),
    release: (leaseId, options) => withId(leaseId, "/release", (path) => leaseAt("POST", path, { version: LEASE_MESSAGE_VERSION, type: "lease.release" }, options, leaseId)),
  };
}

/**
 * The known_hosts line that pins a lease's host key (`[host]:port ssh-ed25519 ...`), after
 * checking the key against the signed fingerprint; `null` for a lease without an endpoint.
 * @example writeFileSync("known_hosts", `${leaseKnownHostsLine(lease)}\n`)
 */
export function leaseKnownHostsLine(lease: Lease): string | null {
  if (lease.ssh === null || lease.hostPublicKey === null || fingerprintOfLine(lease.hostPublicKey) !== lease.hostKeyFingerprint) return null;
  const host = lease.ssh.port === 22 ? lease.ssh.host : `[${lease.ssh.host}]:${lease.ssh.port}`;
  return `${host} ${lease.hostPublicKey}`;
}
