/**
 * The miner agent (`crusades compute serve`): a node:http server that accepts only signed requests
 * from permitted callers (compute.md §10.1, §4.5), relays the proof-of-GPU challenge to the prover,
 * reports hardware specs, and serves the lease routes (`lease-routes.ts`) from its lease backend,
 * including the evaluation jobs of `engine` leases, whose bodies may be larger (`maxJobBodyBytes`).
 * Every response is signed and bound to the request's nonce.
 * @module
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type CallerPolicy, checkCaller } from "./access.js";
import type { LeaseBackend } from "./allocation.js";
import { routeLeaseRequest } from "./lease-routes.js";
import { createNonceStore, type NonceStore } from "./nonce-store.js";
import { parsePogFinish, parsePogOpen, parsePogStart } from "./pog-messages.js";
import type { ProverLauncher, ProverSession } from "./prover-process.js";
import { type HotkeySigner, HEADERS, isSs58, MAX_SKEW_MS, newNonce, signResponse, verifyRequest } from "./signing.js";
import type { HardwareSpecs, SpecsError } from "./specs.js";
import type { ResultAsync } from "neverthrow";

/** Options of {@link createComputeAgent}. */
export interface ComputeAgentOptions {
  /** The miner's hotkey: requests must name it as recipient; responses are signed with it. */
  readonly signer: HotkeySigner;
  readonly policy: CallerPolicy;
  readonly launcher: ProverLauncher;
  /** @default a memory store */
  readonly nonces?: NonceStore;
  /** Hardware report for `GET /v1/specs`; without it the route answers `not_implemented`. */
  readonly specs?: () => ResultAsync<HardwareSpecs, SpecsError>;
  /** Serves `/v1/leases*`; without it those routes answer `501 not_implemented`. */
  readonly leases?: LeaseBackend;
  /**
   * Largest body of `POST /v1/leases/:id/jobs` (a job's input files, base64): allowed only once the
   * claimed signer passes the caller filter; every other body is limited to 1 MiB. @default 256 MiB
   */
  readonly maxJobBodyBytes?: number;
  /** @default MAX_SKEW_MS */
  readonly maxSkewMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** A PoG session idle this long is closed. @default 300000 */
  readonly sessionIdleMs?: number;
  /** Longest prover step (`start`). @default 600000 */
  readonly proverTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** A running agent. */
export interface ComputeAgent {
  readonly server: Server;
  /** Starts listening; resolves with the bound address. */
  listen(port: number, host?: string): Promise<{ readonly host: string; readonly port: number }>;
  /** Stops the server and any prover. */
  close(): Promise<void>;
}

interface Session {
  readonly id: string;
  readonly owner: string;
  readonly prover: ProverSession;
  readonly gpus: readonly number[];
  lastUsedMs: number;
  busy: boolean;
}

const MAX_BODY_BYTES = 1 << 20;
/** Large job bodies read at the same time. */
const MAX_BIG_BODIES = 2;
const JOB_PATH = /^\/v1\/leases\/[0-9a-f]{32}\/jobs$/;

class HttpError {
  constructor(readonly status: number, readonly type: string, readonly message: string) {}
}

function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | HttpError> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(new HttpError(413, "body_too_large", `request bodies are limited to ${limit} bytes here`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on("error", () => resolve(new HttpError(400, "bad_request", "the request body could not be read")));
    // A client gone before the end: settle, so that nothing waits on it (resolving twice is a no-op).
    req.on("close", () => resolve(new HttpError(400, "bad_request", "the connection closed before the body ended")));
  });
}

/**
 * Creates the agent (not yet listening).
 * @example
 * const agent = createComputeAgent({ signer, policy: { allowHotkeys: [validator] }, launcher: createProcessProverLauncher() })
 * await agent.listen(8091, "0.0.0.0")
 */
export function createComputeAgent(options: ComputeAgentOptions): ComputeAgent {
  const { signer, policy, launcher, nonces = createNonceStore(), specs, leases, maxJobBodyBytes = 256 << 20, maxSkewMs = MAX_SKEW_MS, now = Date.now, sessionIdleMs = 300_000, proverTimeoutMs = 600_000, log = () => {} } = options;
  let session: Session | null = null;
  let bigBodiesInFlight = 0;
  const endSession = () => {
    session?.prover.close();
    session = null;
  };
  const reaper = setInterval(() => {
    if (session && !session.busy && now() - session.lastUsedMs > sessionIdleMs) endSession();
  }, Math.min(sessionIdleMs, 10_000));
  reaper.unref();

  function ownedSession(id: string, caller: string): Session | HttpError {
    if (!session || session.id !== id) return new HttpError(404, "no_session", "no such PoG session (prepare first)");
    if (session.owner !== caller) return new HttpError(403, "not_session_owner", "the session belongs to another validator");
    if (session.busy) return new HttpError(409, "busy", "the session is already running a step");
    return session;
  }

  async function prover(s: Session, op: string, fields: Record<string, unknown>): Promise<Record<string, unknown> | HttpError> {
    s.busy = true;
    const r = await s.prover.request(op, fields, proverTimeoutMs);
    s.busy = false;
    s.lastUsedMs = now();
    if (r.isOk()) return r.value;
    return r.error.type === "prover_rejected" ? new HttpError(400, "bad_request", r.error.message) : new HttpError(502, r.error.type, r.error.message);
  }

  async function route(method: string, path: string, body: unknown, caller: string): Promise<unknown> {
    if (method === "GET" && path === "/v1/ping") return { version: 1, type: "pong", hotkey: signer.address };
    if (method === "GET" && path === "/v1/specs") {
      if (!specs) return new HttpError(501, "not_implemented", "this agent does not report specs");
      const r = await specs();
      return r.isOk() ? { version: 1, type: "specs", specs: r.value } : new HttpError(500, r.error.type, r.error.message);
    }
    if (path === "/v1/leases" || path.startsWith("/v1/leases/")) {
      if (!leases) return new HttpError(501, "not_implemented", "this agent offers no leases");
      const a = await routeLeaseRequest(leases, method, path, body, caller);
      return a.ok ? a.body : new HttpError(a.status, a.type, a.message);
    }
    if (method !== "POST") return new HttpError(404, "not_found", `no route ${method} ${path}`);
    if (path === "/v1/pog/prepare") {
      if (session && session.owner !== caller && (session.busy || now() - session.lastUsedMs <= sessionIdleMs)) return new HttpError(409, "busy", "another validator's PoG session is active");
      endSession();
      const launched = await launcher();
      if (launched.isErr()) return new HttpError(502, launched.error.type, launched.error.message);
      const s: Session = { id: randomBytes(16).toString("hex"), owner: caller, prover: launched.value, gpus: [], lastUsedMs: now(), busy: false };
      session = s;
      const inv = await prover(s, "prepare", {});
      if (inv instanceof HttpError) {
        endSession();
        return inv;
      }
      // GPUs under another's live lease are not offered: challenging them would disturb that lease
      // (§10.2). The holder itself may re-verify its leased GPUs, as §10.3's validity window needs.
      const leased = new Set(leases?.leasedGpuUuids?.(caller) ?? []);
      const gpus = (Array.isArray(inv.gpus) ? inv.gpus : []).filter((g: { uuid?: unknown }) => !leased.has(String(g.uuid)));
      session = { ...s, gpus: gpus.map((g: { index?: unknown }) => Number(g.index)) };
      return { version: 1, type: "pog.prepared", sessionId: s.id, device: inv.device, gpus };
    }
    if (path === "/v1/pog/start") {
      const m = parsePogStart(body);
      if (m.isErr()) return new HttpError(400, m.error.type, m.error.message);
      const s = ownedSession(m.value.sessionId, caller);
      if (s instanceof HttpError) return s;
      if (m.value.gpus.some((g) => !s.gpus.includes(g))) return new HttpError(400, "bad_request", "start names a GPU that was not offered");
      const r = await prover(s, "start", { seed: m.value.seed, n: m.value.n, steps: m.value.steps, precision: m.value.precision, gpus: m.value.gpus });
      return r instanceof HttpError ? r : { version: 1, type: "pog.committed", sessionId: s.id, precision: m.value.precision, roots: r.roots };
    }
    if (path === "/v1/pog/open") {
      const m = parsePogOpen(body);
      if (m.isErr()) return new HttpError(400, m.error.type, m.error.message);
      const s = ownedSession(m.value.sessionId, caller);
      if (s instanceof HttpError) return s;
      const r = await prover(s, "open", { openings: m.value.openings });
      return r instanceof HttpError ? r : { version: 1, type: "pog.opened", sessionId: s.id, precision: m.value.precision, leaves: r.leaves };
    }
    if (path === "/v1/pog/finish") {
      const m = parsePogFinish(body);
      if (m.isErr()) return new HttpError(400, m.error.type, m.error.message);
      const s = ownedSession(m.value.sessionId, caller);
      if (s instanceof HttpError) return s;
      endSession();
      return { version: 1, type: "pog.finished" };
    }
    return new HttpError(404, "not_found", `no route ${method} ${path}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const path = req.url ?? "/";
    const requestNonce = typeof req.headers[HEADERS.nonce] === "string" ? (req.headers[HEADERS.nonce] as string) : "";
    const claimedSigner = req.headers[HEADERS.signer];
    const reply = (status: number, payload: unknown) => {
      const bytes = new TextEncoder().encode(JSON.stringify(payload));
      const headers: Record<string, string> = { "content-type": "application/json" };
      // A response is signed for the claimed signer (it proves nothing to anyone else).
      if (typeof claimedSigner === "string" && isSs58(claimedSigner)) {
        Object.assign(headers, signResponse(signer, { status, path, body: bytes, timestampMs: now(), nonce: newNonce(), recipient: claimedSigner, requestNonce }));
      }
      res.writeHead(status, headers).end(bytes);
    };
    const fail = (e: HttpError) => reply(e.status, { version: 1, type: "error", error: { type: e.type, message: e.message } });

    // A large job body is read only for a fresh request from a claimed signer the caller filter
    // admits, and only a few at a time (the signature covers the body, so it can be checked only
    // after reading it; the claim alone must not let anyone make the agent hold gigabytes).
    const claimedAt = Number(req.headers[HEADERS.timestamp]);
    const bigBody = method === "POST" && leases !== undefined && JOB_PATH.test(path) && typeof claimedSigner === "string" && isSs58(claimedSigner)
      && Math.abs(now() - claimedAt) <= maxSkewMs && bigBodiesInFlight < MAX_BIG_BODIES && (await checkCaller(claimedSigner, policy)).isOk();
    if (bigBody) bigBodiesInFlight++;
    const body = await readBody(req, bigBody ? maxJobBodyBytes : MAX_BODY_BYTES).finally(() => {
      if (bigBody) bigBodiesInFlight--;
    });
    if (body instanceof HttpError) return fail(body);
    const auth = await verifyRequest(req.headers, { method, path, body }, { ownHotkey: signer.address, nonces, nowMs: now(), maxSkewMs });
    if (auth.isErr()) {
      log(`refused ${method} ${path}: ${auth.error.reason}`);
      return fail(new HttpError(401, auth.error.reason, auth.error.message));
    }
    const caller = auth.value.signer;
    const allowed = await checkCaller(caller, policy);
    if (allowed.isErr()) {
      log(`refused ${caller}: ${allowed.error.reason}`);
      return fail(new HttpError(403, allowed.error.reason, allowed.error.message));
    }
    let parsed: unknown = null;
    if (body.length > 0) {
      try {
        parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
      } catch {
        return fail(new HttpError(400, "malformed_message", "the body is not JSON"));
      }
    }
    const out = await route(method, path, parsed, caller);
    if (out instanceof HttpError) return fail(out);
    reply(200, out);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log(`internal error: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end('{"version":1,"type":"error","error":{"type":"internal","message":"internal error"}}');
    });
  });
  return {
    server,
    listen(port, host = "127.0.0.1") {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          const a = server.address() as AddressInfo;
          resolve({ host: a.address, port: a.port });
        });
      });
    },
    close() {
      clearInterval(reaper);
      endSession();
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
