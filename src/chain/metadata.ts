/**
 * Offline decoration of a runtime's metadata with `@polkadot/types` (chain.md §14.1): the same call
 * encoders, storage keys, errors and signed extensions a live `ApiPromise` derives, without a node.
 * @module
 */
import { Metadata, TypeRegistry } from "@polkadot/types";
import { expandMetadata } from "@polkadot/types/metadata";
import type { DecoratedMeta } from "@polkadot/types/metadata/decorate/types";
import { err, ok, type Result } from "neverthrow";
import { causeMessage, type MetadataDecodeError } from "./errors.js";

/**
 * A runtime's metadata decorated offline: `registry` (types, signed extensions), `decorated`
 * (`tx`, `query`, `consts`, `errors`, `events`), and the runtime version from `System.Version`.
 */
export interface OfflineMetadata {
  readonly registry: TypeRegistry;
  readonly metadata: Metadata;
  readonly decorated: DecoratedMeta;
  /** Metadata format version (16 for finney spec 424, 15 for spec 218). */
  readonly metadataVersion: number;
  /** `System.Version.spec_version` (424 for the finney fixture). */
  readonly specVersion: number;
  /** `System.Version.transaction_version`. */
  readonly transactionVersion: number;
  /** Signed (transaction) extensions in order, as the runtime declares them (chain.md §10). */
  readonly signedExtensions: readonly string[];
}

const MAGIC = [0x6d, 0x65, 0x74, 0x61]; // "meta"

/**
 * Decodes runtime metadata bytes (`meta` magic, then the version byte) and decorates them offline.
 *
 * @param bytes - SCALE metadata as returned by `state_getMetadata` (or read from a `.scale` file).
 * @returns The decorated metadata, or `MetadataDecode` when the bytes are not metadata.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { loadOfflineMetadata } from "crusades/chain";
 *
 * const meta = loadOfflineMetadata(readFileSync("finney-metadata-spec424.scale"));
 * if (meta.isOk()) console.log(meta.value.specVersion); // 424
 * ```
 */
export function loadOfflineMetadata(bytes: Uint8Array): Result<OfflineMetadata, MetadataDecodeError> {
  if (!(bytes instanceof Uint8Array) || bytes.length < 5 || MAGIC.some((b, i) => bytes[i] !== b)) {
    return err({ type: "MetadataDecode", message: "not runtime metadata: missing the 'meta' magic", cause: undefined });
  }
  try {
    const registry = new TypeRegistry();
    const metadata = new Metadata(registry, new Uint8Array(bytes));
    // polkadot-js decodes truncated input leniently (zero-filled): insist on an exact, non-empty decode.
    if (metadata.encodedLength !== bytes.length || metadata.asLatest.pallets.length === 0) {
      return err({
        type: "MetadataDecode",
        message: `metadata of ${bytes.length} bytes is truncated or malformed (decoded ${metadata.encodedLength} bytes)`,
        cause: undefined,
      });
    }
    // The fourth argument silences polkadot-js's unknown-extension warning: subtensor's custom
    // extensions carry no data, which is what polkadot-js assumes for them (chain.md §10).
    registry.setMetadata(metadata, undefined, undefined, true);
    const decorated = expandMetadata(registry, metadata);
    const version = decorated.consts["system"]?.["version"] as unknown as
      | { specVersion: { toNumber(): number }; transactionVersion: { toNumber(): number } }
      | undefined;
    return ok({
      registry,
      metadata,
      decorated,
      metadataVersion: metadata.version,
      specVersion: version?.specVersion.toNumber() ?? 0,
      transactionVersion: version?.transactionVersion.toNumber() ?? 0,
      signedExtensions: [...registry.signedExtensions],
    });
  } catch (cause) {
    return err({ type: "MetadataDecode", message: `could not decode metadata: ${causeMessage(cause)}`, cause });
  }
}
