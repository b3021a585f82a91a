/**
 * Signed HTTP requests and responses between validators and miners (compute.md §10.1): sr25519
 * hotkey signatures over the method (or response status), the path with its query, the SHA-256
 * of the body, the timestamp, the nonce, the signer and the recipient; responses also bind the
 * request's nonce. Keys are SS58 (prefix 42) sr25519 hotkeys.
 * @module
 */
import { randomBytes } from "node:crypto";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { Keyring } from "@polkadot/keyring";
import { cryptoWaitReady, decodeAddress, encodeAddress, sr25519Verify } from "@polkadot/util-crypto";
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import type { NonceStore } from "./nonce-store.js";

/** Protocol version carried in `X-Crusades-Version`. */
export const SIGNING_VERSION = "1";
/** Largest accepted clock difference, in milliseconds (`signing.maxSkewMs`). */
export const MAX_SKEW_MS = 30_000;
/** Header names (lower case, as node:http delivers them). */
export const HEADERS = Object.freeze({
  version: "x-crusades-version",
  signer: "x-crusades-signer",
  recipient: "x-crusades-recipient",
  timestamp: "x-crusades-timestamp",
  nonce: "x-crusades-nonce",
  signature: "x-crusades-signature",
  requestNonce: "x-crusades-request-nonce",
});

/** Anything that signs with an sr25519 hotkey: a `@polkadot/keyring` pair fits. */
export interface HotkeySigner {
  /** SS58 address (prefix 42). */
  readonly address: string;
  /** Raw sr25519 signature over the bytes as given (no `<Bytes>` wrapping). */
  sign(message: Uint8Array): Uint8Array;
}

/** Why a signed message was refused. */
export interface AuthError {
  readonly type: "auth_failed";
  readonly reason:
    | "unsupported_version" | "missing_header" | "malformed_header" | "wrong_recipient" | "wrong_signer"
    | "stale_timestamp" | "bad_signature" | "replayed_nonce" | "nonce_store_full" | "request_nonce_mismatch";
  readonly message: string;
}

/** The secret URI could not be turned into a key. */
export interface InvalidKeyError {
  readonly type: "invalid_key";
  readonly message: string;
}

/** The fields of a signed request. */
export interface RequestSigningFields {
  readonly method: string;
  readonly path: string;
  readonly body: Uint8Array;
  readonly timestampMs: number;
  readonly nonce: string;
  readonly signer: string;
  readonly recipient: string;
}

/** The fields of a signed response. */
export interface ResponseSigningFields extends Omit<RequestSigningFields, "method"> {
  readonly status: number;
  readonly requestNonce: string;
}

const encoder = new TextEncoder();
let ready: Promise<boolean> | undefined;
/** Resolves once the sr25519 WebAssembly is loaded (needed before signing or verifying). */
export function cryptoReady(): Promise<boolean> {
  ready ??= cryptoWaitReady();
  return ready;
}

/** Lowercase hex SHA-256 of a body (of the empty string when there is none). */
export function bodyDigest(body: Uint8Array): string {
  return bytesToHex(sha256(body));
}

/** The exact bytes a request signature covers (§10.1). */
export function requestSigningMessage(f: RequestSigningFields): Uint8Array {
  return encoder.encode(["crusades-compute-v1", f.method.toUpperCase(), f.path, bodyDigest(f.body), String(f.timestampMs), f.nonce, f.signer, f.recipient].join("\n"));
}

/** The exact bytes a response signature covers: status in place of the method, request nonce appended. */
export function responseSigningMessage(f: ResponseSigningFields): Uint8Array {
  return encoder.encode(["crusades-compute-v1-response", String(f.status), f.path, bodyDigest(f.body), String(f.timestampMs), f.nonce, f.signer, f.recipient, f.requestNonce].join("\n"));
}

/** A fresh nonce: 16 random bytes, lowercase hex. */
export function newNonce(): string {
  return randomBytes(16).toString("hex");
}

/**
 * A signer from a secret URI (`//Alice`, a mnemonic, a `0x` seed), as sr25519 with SS58 prefix 42.
 * @example const alice = await hotkeySignerFromUri("//Alice")
 */
export function hotkeySignerFromUri(suri: string): ResultAsync<HotkeySigner, InvalidKeyError> {
  return ResultAsync.fromSafePromise(cryptoReady()).andThen(() => {
    try {
      const pair = new Keyring({ type: "sr25519", ss58Format: 42 }).addFromUri(suri.trim());
      return okAsync<HotkeySigner, InvalidKeyError>({ address: pair.address, sign: (m) => pair.sign(m) });
    } catch {
      // The URI itself is secret: never echo it.
      return errAsync<HotkeySigner, InvalidKeyError>({ type: "invalid_key", message: "the hotkey secret URI is not a valid sr25519 key" });
    }
  });
}

/** Headers of a signed request. */
export function signRequest(signer: HotkeySigner, f: Omit<RequestSigningFields, "signer">): Record<string, string> {
  const fields = { ...f, signer: signer.address };
  return {
    [HEADERS.version]: SIGNING_VERSION,
    [HEADERS.signer]: fields.signer,
    [HEADERS.recipient]: fields.recipient,
    [HEADERS.timestamp]: String(fields.timestampMs),
    [HEADERS.nonce]: fields.nonce,
    [HEADERS.signature]: `0x${bytesToHex(signer.sign(requestSigningMessage(fields)))}`,
  };
}

/** Headers of a signed response. */
export function signResponse(signer: HotkeySigner, f: Omit<ResponseSigningFields, "signer">): Record<string, string> {
  const fields = { ...f, signer: signer.address };
  return {
    [HEADERS.version]: SIGNING_VERSION,
    [HEADERS.signer]: fields.signer,
    [HEADERS.recipient]: fields.recipient,
    [HEADERS.timestamp]: String(fields.timestampMs),
    [HEADERS.nonce]: fields.nonce,
    [HEADERS.requestNonce]: fields.requestNonce,
    [HEADERS.signature]: `0x${bytesToHex(signer.sign(responseSigningMessage(fields)))}`,
  };
}

/** `true` iff `signature` (0x + 128 hex) is a valid sr25519 signature of `message` by `address`. */
export function verifySignature(message: Uint8Array, signature: string, address: string): boolean {
  if (!/^0x[0-9a-f]{128}$/.test(signature)) return false;
  try {
    return sr25519Verify(message, signature, decodeAddress(address));
  } catch {
    return false;
  }
}

/** Header lookup over node's `IncomingHttpHeaders` or a plain record. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

function fail(reason: AuthError["reason"], message: string): AuthError {
  return { type: "auth_failed", reason, message };
}

interface Common {
  readonly signer: string;
  readonly recipient: string;
  readonly timestampMs: number;
  readonly nonce: string;
  readonly signature: string;
}

function readCommon(headers: HeaderBag, ownHotkey: string, nowMs: number, maxSkewMs: number, extra: readonly string[]): Common | AuthError {
  const get = (name: string) => {
    const v = headers[name];
    return typeof v === "string" ? v : undefined;
  };
  for (const name of [HEADERS.version, HEADERS.signer, HEADERS.recipient, HEADERS.timestamp, HEADERS.nonce, HEADERS.signature, ...extra]) {
    if (get(name) === undefined) return fail("missing_header", `missing header ${name}`);
  }
  if (get(HEADERS.version) !== SIGNING_VERSION) return fail("unsupported_version", `unsupported ${HEADERS.version} ${JSON.stringify(get(HEADERS.version))}`);
  const signer = get(HEADERS.signer) as string;
  const recipient = get(HEADERS.recipient) as string;
  const ts = get(HEADERS.timestamp) as string;
  const nonce = get(HEADERS.nonce) as string;
  if (!isSs58(signer) || !isSs58(recipient)) return fail("malformed_header", "signer and recipient must be SS58 addresses");
  if (!/^[0-9]{1,16}$/.test(ts)) return fail("malformed_header", "the timestamp must be decimal milliseconds");
  if (!/^[0-9a-f]{32}$/.test(nonce)) return fail("malformed_header", "the nonce must be 16 bytes of lowercase hex");
  if (recipient !== ownHotkey) return fail("wrong_recipient", `the message is for ${recipient}, not this hotkey`);
  const timestampMs = Number(ts);
  if (Math.abs(nowMs - timestampMs) > maxSkewMs) return fail("stale_timestamp", `timestamp ${timestampMs} is more than ${maxSkewMs} ms from now (${nowMs})`);
  return { signer, recipient, timestampMs, nonce, signature: get(HEADERS.signature) as string };
}

/** `true` iff the text is an SS58 address with prefix 42. */
export function isSs58(text: string): boolean {
  try {
    return encodeAddress(decodeAddress(text), 42) === text;
  } catch {
    return false;
  }
}

/** What a verified request tells the receiver. */
export interface VerifiedRequest {
  readonly signer: string;
  readonly nonce: string;
}

/**
 * Verifies a request in the order of §10.1: version, recipient, timestamp skew, signature,
 * then the nonce (recorded only once everything else passed).
 */
export function verifyRequest(
  headers: HeaderBag,
  request: { readonly method: string; readonly path: string; readonly body: Uint8Array },
  context: { readonly ownHotkey: string; readonly nonces: NonceStore; readonly nowMs?: number; readonly maxSkewMs?: number },
): ResultAsync<VerifiedRequest, AuthError> {
  const nowMs = context.nowMs ?? Date.now();
  const maxSkewMs = context.maxSkewMs ?? MAX_SKEW_MS;
  return ResultAsync.fromSafePromise(cryptoReady()).andThen(() => {
    const c = readCommon(headers, context.ownHotkey, nowMs, maxSkewMs, []);
    if ("type" in c) return errAsync(c);
    const message = requestSigningMessage({ ...request, timestampMs: c.timestampMs, nonce: c.nonce, signer: c.signer, recipient: c.recipient });
    if (!verifySignature(message, c.signature, c.signer)) return errAsync(fail("bad_signature", "the request signature does not verify"));
    const claim = context.nonces.claim(c.signer, c.nonce, nowMs, 2 * maxSkewMs);
    if (claim === "replayed") return errAsync(fail("replayed_nonce", "this nonce was already used by this signer"));
    if (claim === "full") return errAsync(fail("nonce_store_full", "too many recent requests; try again later"));
    return okAsync({ signer: c.signer, nonce: c.nonce });
  });
}

/**
 * Verifies a response: signed by `expectedSigner` for `ownHotkey`, fresh, and bound to the
 * request's nonce, so that a recorded response cannot answer another request.
 */
export function verifyResponse(
  headers: HeaderBag,
  response: { readonly status: number; readonly path: string; readonly body: Uint8Array; readonly requestNonce: string },
  context: { readonly ownHotkey: string; readonly expectedSigner: string; readonly nowMs?: number; readonly maxSkewMs?: number },
): ResultAsync<void, AuthError> {
  return ResultAsync.fromSafePromise(cryptoReady()).andThen(() => {
    const c = readCommon(headers, context.ownHotkey, context.nowMs ?? Date.now(), context.maxSkewMs ?? MAX_SKEW_MS, [HEADERS.requestNonce]);
    if ("type" in c) return errAsync(c);
    if (c.signer !== context.expectedSigner) return errAsync(fail("wrong_signer", `the response is signed by ${c.signer}, not by ${context.expectedSigner}`));
    if (headers[HEADERS.requestNonce] !== response.requestNonce) return errAsync(fail("request_nonce_mismatch", "the response answers another request"));
    const message = responseSigningMessage({ ...response, timestampMs: c.timestampMs, nonce: c.nonce, signer: c.signer, recipient: c.recipient });
    if (!verifySignature(message, c.signature, c.signer)) return errAsync(fail("bad_signature", "the response signature does not verify"));
    return okAsync(undefined);
  });
}
