/**
 * Commitment entries as read from the chain, normalised for ingestion: timelocked reveals
 * (`RevealedCommitments`, SCALE-string plaintexts) and plain commitments (`CommitmentOf` raw
 * fields, the text as is), each with its identity (§C.1: hotkey, reveal block, SHA-256 of the bytes).
 * @module
 */
import { createHash } from "node:crypto";
import { decodeCommitmentPayload, type RevealedCommitment, type StoredCommitment } from "../chain/index.js";
import type { CommitmentSource } from "../store/index.js";

/** One entry to ingest. */
export interface ChainEntry {
  readonly source: CommitmentSource;
  readonly hotkey: string;
  /** The reveal block (a plain commitment's own block). */
  readonly revealBlock: number;
  readonly listIndex: number;
  readonly payloadSha256: string;
  /** The text, or `null` when the bytes did not decode. */
  readonly text: string | null;
  /** Why the bytes did not decode. */
  readonly decodeError: { readonly outcome: "rejected_not_utf8" | "rejected_format"; readonly reason: string } | null;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The entries of a `RevealedCommitments` map (every kept entry of every hotkey). */
export function revealedEntries(map: ReadonlyMap<string, readonly RevealedCommitment[]>): ChainEntry[] {
  const out: ChainEntry[] = [];
  for (const [hotkey, list] of map) {
    list.forEach((c, listIndex) => {
      const decoded = decodeCommitmentPayload(c.payload);
      const base = { source: "revealed" as const, hotkey, revealBlock: c.revealBlock, listIndex, payloadSha256: sha256Hex(c.payload) };
      if (decoded.isOk()) out.push({ ...base, text: decoded.value, decodeError: null });
      else out.push({ ...base, text: null, decodeError: { outcome: decoded.error.reason === "not-utf8" ? "rejected_not_utf8" : "rejected_format", reason: decoded.error.message } });
    });
  }
  return out;
}

/** The plain (raw-field) commitments of a `CommitmentOf` map; pending timelocked ones are skipped. */
export function plainEntries(map: ReadonlyMap<string, StoredCommitment>): ChainEntry[] {
  const out: ChainEntry[] = [];
  for (const [hotkey, c] of map) {
    c.fields.forEach((field, listIndex) => {
      if (field.kind !== "raw" && field.kind !== "bigRaw") return;
      const base = { source: "plain" as const, hotkey, revealBlock: c.block, listIndex, payloadSha256: sha256Hex(field.data) };
      try {
        out.push({ ...base, text: strictUtf8.decode(field.data), decodeError: null });
      } catch {
        out.push({ ...base, text: null, decodeError: { outcome: "rejected_not_utf8", reason: "the commitment is not valid UTF-8" } });
      }
    });
  }
  return out;
}
