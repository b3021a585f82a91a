/**
 * The bounded store of recently seen `(signer, nonce)` pairs (compute.md §10.1): a nonce is
 * remembered for twice the skew window, which covers every moment its timestamp is accepted.
 * Optionally persisted as an append-only file, so that a restart does not reopen the window.
 * @module
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

/** Outcome of claiming a nonce: accepted, seen before, or refused because the store is full. */
export type NonceClaim = "ok" | "replayed" | "full";

/** Where seen nonces live. */
export interface NonceStore {
  /** Records `(signer, nonce)` for `keepMs` from `nowMs` unless already present. */
  claim(signer: string, nonce: string, nowMs: number, keepMs: number): NonceClaim;
  /** Number of live entries. */
  size(): number;
}

/** Options of {@link createNonceStore}. */
export interface NonceStoreOptions {
  /** Most live entries; past it new claims are refused (fail closed). @default 100000 */
  readonly maxEntries?: number;
  /** File to persist entries in (one `expiresAtMs signer nonce` line each); none by default. */
  readonly persistPath?: string;
}

/**
 * A nonce store in memory, optionally persisted.
 * @example const nonces = createNonceStore({ persistPath: "/var/lib/crusades/nonces.log" })
 */
export function createNonceStore(options: NonceStoreOptions = {}): NonceStore {
  const { maxEntries = 100_000, persistPath } = options;
  const entries = new Map<string, number>();
  if (persistPath !== undefined && existsSync(persistPath)) {
    for (const line of readFileSync(persistPath, "utf8").split("\n")) {
      const [expires, signer, nonce] = line.split(" ");
      if (expires && signer && nonce && /^[0-9]+$/.test(expires)) entries.set(`${signer} ${nonce}`, Number(expires));
    }
  }
  let writes = 0;
  const prune = (nowMs: number) => {
    for (const [key, expires] of entries) if (expires <= nowMs) entries.delete(key);
    if (persistPath !== undefined && writes > maxEntries) {
      writeFileSync(persistPath, [...entries].map(([key, expires]) => `${expires} ${key}\n`).join(""));
      writes = 0;
    }
  };
  return {
    claim(signer, nonce, nowMs, keepMs) {
      const key = `${signer} ${nonce}`;
      const seen = entries.get(key);
      if (seen !== undefined && seen > nowMs) return "replayed";
      if (entries.size >= maxEntries) prune(nowMs);
      if (entries.size >= maxEntries) return "full";
      entries.set(key, nowMs + keepMs);
      if (persistPath !== undefined) {
        appendFileSync(persistPath, `${nowMs + keepMs} ${key}\n`);
        writes++;
      }
      return "ok";
    },
    size: () => entries.size,
  };
}
