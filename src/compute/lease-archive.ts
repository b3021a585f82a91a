/**
 * The files a lease container receives through the Docker archive API (`putArchive`), never
 * through a shell string (compute.md §5.8, §8 item 10): a minimal POSIX ustar writer, the sshd
 * configuration (key-only login) and the per-lease host key and authorized keys.
 * @module
 */

/** One archive entry: a directory (no `content`) or a regular file. Owned by root. */
export interface ArchiveEntry {
  /** Relative path, at most 100 bytes (`etc/ssh/crusades/authorized_keys`). */
  readonly path: string;
  /** Permission bits (`0o600`). */
  readonly mode: number;
  readonly content?: string;
}

const BLOCK = 512;

function octal(header: Uint8Array, offset: number, width: number, value: number): void {
  const text = value.toString(8).padStart(width - 1, "0");
  header.set(new TextEncoder().encode(text), offset);
  header[offset + width - 1] = 0;
}

/**
 * A ustar archive of `entries` (uid/gid 0, mtime `mtimeSeconds`).
 * @throws RangeError for a path longer than 100 bytes or with `..` (programmer error)
 */
export function ustarArchive(entries: readonly ArchiveEntry[], mtimeSeconds = Math.floor(Date.now() / 1000)): Uint8Array {
  const encoder = new TextEncoder();
  const blocks: Uint8Array[] = [];
  for (const entry of entries) {
    const isDir = entry.content === undefined;
    const name = encoder.encode(isDir && !entry.path.endsWith("/") ? `${entry.path}/` : entry.path);
    if (name.length > 100 || entry.path.split("/").includes("..") || entry.path.startsWith("/")) throw new RangeError(`archive path ${JSON.stringify(entry.path)} is not a short relative path`);
    const data = encoder.encode(entry.content ?? "");
    const header = new Uint8Array(BLOCK);
    header.set(name, 0);
    octal(header, 100, 8, entry.mode & 0o7777);
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    octal(header, 124, 12, data.length);
    octal(header, 136, 12, mtimeSeconds);
    header[156] = isDir ? 0x35 : 0x30;
    header.set(encoder.encode("ustar\u000000"), 257);
    header.set(encoder.encode("root"), 265);
    header.set(encoder.encode("root"), 297);
    header.fill(0x20, 148, 156);
    const sum = header.reduce((a, b) => a + b, 0);
    header.set(encoder.encode(`${sum.toString(8).padStart(6, "0")}\u0000 `), 148);
    blocks.push(header);
    if (data.length > 0) {
      const padded = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
      padded.set(data);
      blocks.push(padded);
    }
  }
  blocks.push(new Uint8Array(2 * BLOCK));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** Where the agent's SSH files live inside a lease container. */
export const LEASE_SSH_DIR = "/etc/ssh/crusades";

/**
 * The sshd configuration of every lease: key-only root login (§5.8), the per-lease host key and
 * authorized keys. PAM is off because Debian's PAM stack needs audit capabilities a container
 * lacks; with it off, a locked account still cannot log in with a password.
 */
export const LEASE_SSHD_CONFIG = [
  "Port 22",
  `HostKey ${LEASE_SSH_DIR}/ssh_host_ed25519_key`,
  `AuthorizedKeysFile ${LEASE_SSH_DIR}/authorized_keys`,
  "PermitRootLogin prohibit-password",
  "PasswordAuthentication no",
  "KbdInteractiveAuthentication no",
  "PubkeyAuthentication yes",
  "AuthenticationMethods publickey",
  "PermitEmptyPasswords no",
  "UsePAM no",
  "StrictModes yes",
  "X11Forwarding no",
  "PidFile /run/sshd.pid",
  "Subsystem sftp internal-sftp",
  "",
].join("\n");

/** The command a lease container runs (sshd in the foreground with the agent's configuration only). */
export const LEASE_SSHD_COMMAND: readonly string[] = Object.freeze(["/usr/sbin/sshd", "-D", "-e", "-f", `${LEASE_SSH_DIR}/sshd_config`]);

/** The authorized_keys file of a lease: one canonical key line each, nothing else. */
export function authorizedKeysArchive(sshPublicKeys: readonly string[]): Uint8Array {
  return ustarArchive([{ path: `${LEASE_SSH_DIR.slice(1)}/authorized_keys`, mode: 0o600, content: `${sshPublicKeys.join("\n")}\n` }]);
}

/** Everything a new lease container gets before it starts: sshd's directories, config, host key and keys. */
export function leaseSshArchive(hostPrivateKey: string, hostPublicKey: string, sshPublicKeys: readonly string[]): Uint8Array {
  const dir = LEASE_SSH_DIR.slice(1);
  return ustarArchive([
    { path: "run/sshd", mode: 0o755 },
    { path: dir, mode: 0o755 },
    { path: `${dir}/sshd_config`, mode: 0o644, content: LEASE_SSHD_CONFIG },
    { path: `${dir}/ssh_host_ed25519_key`, mode: 0o600, content: hostPrivateKey },
    { path: `${dir}/ssh_host_ed25519_key.pub`, mode: 0o644, content: `${hostPublicKey}\n` },
    { path: `${dir}/authorized_keys`, mode: 0o600, content: `${sshPublicKeys.join("\n")}\n` },
  ]);
}
