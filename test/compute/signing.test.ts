/**
 * Signed requests and responses (compute.md §10.1): vectors, clock skew, replay, recipient, and
 * the agent's caller filter (§4.5) over real HTTP on 127.0.0.1.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ComputeAgent, createComputeAgent, createComputeClient, createNonceStore, type HotkeySigner, HEADERS, newNonce, type ProverLauncher,
  requestSigningMessage, responseSigningMessage, signRequest, verifyRequest, verifyResponse, verifySignature,
} from "../../src/compute/index.js";
import { ROOT, signer } from "./helpers.js";

const V = JSON.parse(readFileSync(join(ROOT, "test", "compute", "vectors", "signing.json"), "utf8"));
const enc = (s: string) => new TextEncoder().encode(s);
const NO_PROVER: ProverLauncher = () => { throw new Error("no prover in these tests"); };

let alice: HotkeySigner;
let bob: HotkeySigner;
let charlie: HotkeySigner;
beforeAll(async () => {
  [alice, bob, charlie] = await Promise.all([signer("//Alice"), signer("//Bob"), signer("//Charlie")]);
});

describe("vectors", () => {
  it("behavior: the request and response messages are byte-exact and their signatures verify", () => {
    const r = V.request;
    expect(new TextDecoder().decode(requestSigningMessage({ ...r, body: enc(r.body) }))).toBe(r.message);
    expect(verifySignature(enc(r.message), r.signature, r.signer)).toBe(true);
    const s = V.response;
    expect(new TextDecoder().decode(responseSigningMessage({ ...s, body: enc(s.body) }))).toBe(s.message);
    expect(verifySignature(enc(s.message), s.signature, s.signer)).toBe(true);
  });

  it("error: any changed field breaks the signature", () => {
    const r = V.request;
    for (const change of [{ body: '{"version":1,"type":"pog.start"}' }, { path: "/v1/pog/open" }, { method: "GET" }, { timestampMs: r.timestampMs + 1 }, { nonce: "f".repeat(32) }]) {
      expect(verifySignature(requestSigningMessage({ ...r, ...change, body: enc(change.body ?? r.body) }), r.signature, r.signer)).toBe(false);
    }
    expect(verifySignature(enc(r.message), r.signature, r.recipient)).toBe(false);
    expect(verifySignature(enc(r.message), "0x1234", r.signer)).toBe(false);
  });

  it("behavior: verifyRequest accepts the vector at its own time and applies the nonce store", async () => {
    const r = V.request;
    const headers = { [HEADERS.version]: "1", [HEADERS.signer]: r.signer, [HEADERS.recipient]: r.recipient, [HEADERS.timestamp]: String(r.timestampMs), [HEADERS.nonce]: r.nonce, [HEADERS.signature]: r.signature };
    const nonces = createNonceStore();
    const ctx = { ownHotkey: r.recipient, nonces, nowMs: r.timestampMs + 29_000 };
    const req = { method: r.method, path: r.path, body: enc(r.body) };
    expect((await verifyRequest(headers, req, ctx))._unsafeUnwrap().signer).toBe(r.signer);
    expect((await verifyRequest(headers, req, ctx))._unsafeUnwrapErr().reason).toBe("replayed_nonce");
    expect((await verifyRequest(headers, req, { ...ctx, nonces: createNonceStore(), nowMs: r.timestampMs + 30_001 }))._unsafeUnwrapErr().reason).toBe("stale_timestamp");
    expect((await verifyRequest(headers, req, { ...ctx, nonces: createNonceStore(), nowMs: r.timestampMs - 30_001 }))._unsafeUnwrapErr().reason).toBe("stale_timestamp");
    expect((await verifyRequest(headers, req, { ...ctx, nonces: createNonceStore(), ownHotkey: r.signer }))._unsafeUnwrapErr().reason).toBe("wrong_recipient");
    expect((await verifyRequest({ ...headers, [HEADERS.version]: "2" }, req, { ...ctx, nonces: createNonceStore() }))._unsafeUnwrapErr().reason).toBe("unsupported_version");
  });

  it("behavior: verifyResponse binds the request nonce and the expected signer", async () => {
    const s = V.response;
    const headers = { [HEADERS.version]: "1", [HEADERS.signer]: s.signer, [HEADERS.recipient]: s.recipient, [HEADERS.timestamp]: String(s.timestampMs), [HEADERS.nonce]: s.nonce, [HEADERS.requestNonce]: s.requestNonce, [HEADERS.signature]: s.signature };
    const resp = { status: s.status, path: s.path, body: enc(s.body), requestNonce: s.requestNonce };
    const ctx = { ownHotkey: s.recipient, expectedSigner: s.signer, nowMs: s.timestampMs };
    expect((await verifyResponse(headers, resp, ctx)).isOk()).toBe(true);
    expect((await verifyResponse(headers, { ...resp, requestNonce: "a".repeat(32) }, ctx))._unsafeUnwrapErr().reason).toBe("request_nonce_mismatch");
    expect((await verifyResponse(headers, { ...resp, status: 500 }, ctx))._unsafeUnwrapErr().reason).toBe("bad_signature");
    expect((await verifyResponse(headers, resp, { ...ctx, expectedSigner: s.recipient }))._unsafeUnwrapErr().reason).toBe("wrong_signer");
  });
});

describe("the agent over HTTP", () => {
  let agent: ComputeAgent;
  let url: string;
  beforeAll(async () => {
    agent = createComputeAgent({ signer: bob, launcher: NO_PROVER, policy: { allowHotkeys: [alice.address], denyHotkeys: [] } });
    url = `http://127.0.0.1:${(await agent.listen(0)).port}`;
  });
  afterAll(() => agent.close());

  const send = (headers: Record<string, string>, path = "/v1/ping") => fetch(`${url}${path}`, { headers });
  const signed = (from: HotkeySigner, changes: Partial<{ timestampMs: number; recipient: string; nonce: string }> = {}) =>
    signRequest(from, { method: "GET", path: "/v1/ping", body: new Uint8Array(), timestampMs: Date.now(), nonce: newNonce(), recipient: bob.address, ...changes });
  const reason = async (res: Response) => ((await res.json()) as { error: { type: string } }).error.type;

  it("behavior: a signed ping from an allow-listed validator is answered and the response verifies", async () => {
    const client = createComputeClient({ baseUrl: url, signer: alice, minerHotkey: bob.address });
    const r = await client.request("GET", "/v1/ping");
    expect(r._unsafeUnwrap().body).toEqual({ version: 1, type: "pong", hotkey: bob.address });
  });

  it("error: an answer over maxResponseBytes is refused, whether its length is declared or only streamed", async () => {
    const client = createComputeClient({ baseUrl: url, signer: alice, minerHotkey: bob.address });
    const declared = await client.request("GET", "/v1/ping", undefined, { maxResponseBytes: 10 });
    expect(declared._unsafeUnwrapErr()).toMatchObject({ type: "bad_response", message: "response over 10 bytes", status: 200 });
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(8));
      },
    });
    const streaming = createComputeClient({ baseUrl: url, signer: alice, minerHotkey: bob.address, fetchFn: async () => new Response(endless) });
    const streamed = await streaming.request("GET", "/v1/ping", undefined, { maxResponseBytes: 20 });
    expect(streamed._unsafeUnwrapErr()).toMatchObject({ type: "bad_response", message: "response over 20 bytes" });
    expect(pulled).toBeLessThan(10); // read up to the bound, then abandoned
  });

  it("error: a replayed request is refused", async () => {
    const headers = signed(alice);
    expect((await send(headers)).status).toBe(200);
    const again = await send(headers);
    expect([again.status, await reason(again)]).toEqual([401, "replayed_nonce"]);
  });

  it("error: clock skew beyond 30 s either way is refused", async () => {
    for (const offset of [-31_000, 31_000]) {
      const res = await send(signed(alice, { timestampMs: Date.now() + offset }));
      expect([res.status, await reason(res)]).toEqual([401, "stale_timestamp"]);
    }
    expect((await send(signed(alice, { timestampMs: Date.now() - 20_000 }))).status).toBe(200);
  });

  it("error: a request for another recipient, a forged signature or a missing header is refused", async () => {
    const wrong = await send(signed(alice, { recipient: charlie.address }));
    expect(await reason(wrong)).toBe("wrong_recipient");
    const forged = { ...signed(charlie), [HEADERS.signer]: alice.address };
    expect(await reason(await send(forged))).toBe("bad_signature");
    const { [HEADERS.signature]: _drop, ...unsigned } = signed(alice);
    expect(await reason(await send(unsigned))).toBe("missing_header");
  });

  it("error: an unregistered, unlisted caller is rejected (the reference's inverted whitelist accepted it)", async () => {
    const res = await send(signed(charlie));
    expect([res.status, await reason(res)]).toEqual([403, "not_registered"]);
  });

  it("error: allocation routes answer not_implemented; unknown routes 404", async () => {
    const client = createComputeClient({ baseUrl: url, signer: alice, minerHotkey: bob.address });
    expect((await client.request("POST", "/v1/leases", { version: 1 }))._unsafeUnwrapErr()).toMatchObject({ type: "remote_error", status: 501, remoteType: "not_implemented" });
    expect((await client.request("GET", "/v1/nothing"))._unsafeUnwrapErr()).toMatchObject({ status: 404 });
  });

  it("error: a response signed by another hotkey than the expected miner is refused by the client", async () => {
    const client = createComputeClient({ baseUrl: url, signer: alice, minerHotkey: charlie.address });
    // The agent refuses (wrong recipient) and signs its refusal with Bob's key: the client rejects that signer.
    expect((await client.request("GET", "/v1/ping"))._unsafeUnwrapErr()).toMatchObject({ type: "auth_failed", reason: "wrong_signer" });
  });
});
