/**
 * OpenSSH keys for leases (compute.md §5.8): a strict parser for the holder's public keys
 * (ed25519, ecdsa-sha2-nistp256/384, ssh-rsa of at least 3072 bits) that re-serialises each key
 * from its decoded fields, the SHA-256 fingerprint as `ssh-keygen -l` prints it, and a fresh
 * ed25519 host key in OpenSSH's private-key format (written to the container, never stored).
 * @module
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { p256, p384 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { err, ok, type Result } from "neverthrow";

/** The key types a lease accepts. */
export type SshKeyType = "ssh-ed25519" | "ecdsa-sha2-nistp256" | "ecdsa-sha2-nistp384" | "ssh-rsa";

/** A parsed public key. */
export interface SshPublicKey {
  readonly type: SshKeyType;
  /** Key size in bits (256 for ed25519). */
  readonly bits: number;
  /** The canonical line `type base64`, re-encoded from the decoded fields (no comment, no options). */
  readonly line: string;
  /** `SHA256:` + unpadded base64 of the SHA-256 of the key blob. */
  readonly fingerprint: string;
}

/** A public key was refused; `message` says why (never echoes the key). */
export interface InvalidSshKeyError {
  readonly type: "invalid_ssh_key";
  readonly message: string;
}

/** Smallest accepted RSA modulus, in bits. */
export const MIN_RSA_BITS = 3072;
/** OpenSSH's largest RSA modulus, in bits. */
const MAX_RSA_BITS = 16384;
const MAX_LINE = 8192;

const encoder = new TextEncoder();
const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0);
  return b;
};
const concat = (parts: readonly Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
/** SSH wire `string`: u32 length then the bytes. */
const sshString = (v: Uint8Array | string) => {
  const bytes = typeof v === "string" ? encoder.encode(v) : v;
  return concat([u32(bytes.length), bytes]);
};
/** SSH wire `mpint` of a positive integer: minimal big-endian, a 0x00 before a set high bit. */
const sshMpint = (n: bigint) => {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, "hex");
  return sshString((bytes[0] ?? 0) & 0x80 ? concat([new Uint8Array([0]), bytes]) : bytes);
};

class WireReader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}
  string(): Uint8Array | null {
    if (this.at + 4 > this.bytes.length) return null;
    const n = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.at, 4).getUint32(0);
    if (this.at + 4 + n > this.bytes.length) return null;
    const out = this.bytes.subarray(this.at + 4, this.at + 4 + n);
    this.at += 4 + n;
    return out;
  }
  /** A positive mpint in minimal form, or null. */
  mpint(): bigint | null {
    const b = this.string();
    if (b === null || b.length === 0 || (b[0] ?? 0) & 0x80) return null;
    if (b[0] === 0 && (b.length === 1 || ((b[1] ?? 0) & 0x80) === 0)) return null;
    return BigInt(`0x${Buffer.from(b).toString("hex")}`);
  }
  done(): boolean {
    return this.at === this.bytes.length;
  }
}

/** SHA-256 fingerprint of a key blob, as `ssh-keygen -l -E sha256` prints it. */
export function sshFingerprint(blob: Uint8Array): string {
  return `SHA256:${Buffer.from(sha256(blob)).toString("base64").replace(/=+$/, "")}`;
}

const invalid = (message: string) => err<SshPublicKey, InvalidSshKeyError>({ type: "invalid_ssh_key", message });
const keyOf = (type: SshKeyType, bits: number, blob: Uint8Array): SshPublicKey => ({ type, bits, line: `${type} ${Buffer.from(blob).toString("base64")}`, fingerprint: sshFingerprint(blob) });

function decodeEcdsa(type: "ecdsa-sha2-nistp256" | "ecdsa-sha2-nistp384", r: WireReader): Result<SshPublicKey, InvalidSshKeyError> {
  const curve = type === "ecdsa-sha2-nistp256" ? { name: "nistp256", impl: p256, bits: 256 } : { name: "nistp384", impl: p384, bits: 384 };
  const name = r.string();
  const q = r.string();
  if (name === null || q === null || !r.done()) return invalid(`a malformed ${type} key`);
  if (Buffer.from(name).toString("latin1") !== curve.name) return invalid(`${type} key names another curve`);
  if (q.length !== 1 + 2 * (curve.bits / 8) || q[0] !== 4) return invalid(`${type} key point must be uncompressed`);
  try {
    curve.impl.Point.fromBytes(q).assertValidity();
  } catch {
    return invalid(`${type} key point is not on the curve`);
  }
  return ok(keyOf(type, curve.bits, concat([sshString(type), sshString(curve.name), sshString(q)])));
}

/**
 * Parses one OpenSSH public-key line (`type base64 [comment]`) strictly: an allowed type, the
 * blob's own type equal to the line's, every field consumed, points on their curve, minimal
 * integers, RSA of at least {@link MIN_RSA_BITS} bits. Options (`command=...`) are refused.
 * @example parseSshPublicKey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI... user@host").map((k) => k.line)
 */
export function parseSshPublicKey(text: string): Result<SshPublicKey, InvalidSshKeyError> {
  if (text.length > MAX_LINE) return invalid(`an SSH key line is limited to ${MAX_LINE} characters`);
  const m = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?: [\x20-\x7e]*)?$/.exec(text.trim());
  if (!m) return invalid("an SSH key must be one line 'type base64 [comment]' without options");
  const outer = m[1] as string;
  if (!["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ssh-rsa"].includes(outer)) {
    return invalid(`SSH key type ${JSON.stringify(outer.slice(0, 40))} is not accepted (ed25519, ecdsa-sha2-nistp256/384, ssh-rsa >= ${MIN_RSA_BITS} bits)`);
  }
  const type = outer as SshKeyType;
  const blob = new Uint8Array(Buffer.from(m[2] as string, "base64"));
  const r = new WireReader(blob);
  const inner = r.string();
  if (inner === null || Buffer.from(inner).toString("latin1") !== type) return invalid(`the ${type} key's blob names another type`);
  if (type === "ssh-ed25519") {
    const pub = r.string();
    if (pub === null || pub.length !== 32 || !r.done()) return invalid("a malformed ssh-ed25519 key");
    try {
      ed25519.Point.fromBytes(pub).assertValidity();
    } catch {
      return invalid("the ssh-ed25519 key is not a curve point");
    }
    return ok(keyOf(type, 256, concat([sshString(type), sshString(pub)])));
  }
  if (type === "ssh-rsa") {
    const e = r.mpint();
    const n = r.mpint();
    if (e === null || n === null || !r.done()) return invalid("a malformed ssh-rsa key");
    const bits = n.toString(2).length;
    if (e < 3n || e % 2n === 0n || e >= 1n << 64n || n % 2n === 0n) return invalid("the ssh-rsa key has an invalid exponent or modulus");
    if (bits < MIN_RSA_BITS) return invalid(`ssh-rsa keys must have at least ${MIN_RSA_BITS} bits, this one has ${bits}`);
    if (bits > MAX_RSA_BITS) return invalid(`ssh-rsa keys are limited to ${MAX_RSA_BITS} bits`);
    return ok(keyOf(type, bits, concat([sshString(type), sshMpint(e), sshMpint(n)])));
  }
  return decodeEcdsa(type, r);
}

/** The fingerprint of a public-key line, or `null` when it does not parse. */
export function fingerprintOfLine(line: string): string | null {
  const m = /^(\S+) ([A-Za-z0-9+/]+={0,2})/.exec(line.trim());
  return m ? sshFingerprint(new Uint8Array(Buffer.from(m[2] as string, "base64"))) : null;
}

/** A host key pair: the private half goes into the container only. */
export interface SshHostKey {
  /** OpenSSH private-key file text (`-----BEGIN OPENSSH PRIVATE KEY-----`), unencrypted. */
  readonly privateKey: string;
  /** `ssh-ed25519 base64`. */
  readonly publicKey: string;
  readonly fingerprint: string;
}

/**
 * A fresh ed25519 host key in OpenSSH's `openssh-key-v1` format (PROTOCOL.key: no cipher, no
 * KDF, one key, check integers, padding 1, 2, 3, ... to the 8-byte block).
 */
export function generateSshHostKey(comment = "crusades-lease"): SshHostKey {
  const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
  const seed = Buffer.from(jwk.d as string, "base64url");
  const pub = Buffer.from(jwk.x as string, "base64url");
  const blob = concat([sshString("ssh-ed25519"), sshString(pub)]);
  const check = randomBytes(4);
  let section = concat([check, check, sshString("ssh-ed25519"), sshString(pub), sshString(concat([seed, pub])), sshString(comment)]);
  const pad = (8 - (section.length % 8)) % 8;
  section = concat([section, Uint8Array.from({ length: pad }, (_, i) => i + 1)]);
  const body = concat([encoder.encode("openssh-key-v1\0"), sshString("none"), sshString("none"), sshString(""), u32(1), sshString(blob), sshString(section)]);
  const b64 = Buffer.from(body).toString("base64").replace(/.{1,70}/g, "$&\n");
  seed.fill(0);
  return { privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}-----END OPENSSH PRIVATE KEY-----\n`, publicKey: `ssh-ed25519 ${Buffer.from(blob).toString("base64")}`, fingerprint: sshFingerprint(blob) };
}
