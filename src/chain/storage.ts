/**
 * Storage keys and values against offline metadata (chain.md §3.5, §4.2, §9.1), and the decoding of
 * `Commitments.RevealedCommitments` values shared with the live client (chain.md §7).
 * @module
 */
import type { Codec } from "@polkadot/types/types";
import { compactStripLength, hexToU8a, u8aToHex } from "@polkadot/util";
import { err, ok, type Result } from "neverthrow";
import { causeMessage, type CodecError, type UnsupportedStorageError } from "./errors.js";
import type { OfflineMetadata } from "./metadata.js";

/** One revealed plaintext and the block in which the chain revealed it (not the commit block). */
export interface RevealedCommitment {
  /** The bare revealed bytes: for crusades, a SCALE string (see {@link decodeCommitmentPayload}). */
  readonly payload: Uint8Array;
  /** Block of the reveal. */
  readonly revealBlock: number;
}

interface StorageEntryLike {
  (...args: unknown[]): Uint8Array;
  readonly meta: { readonly type: { readonly isPlain: boolean; readonly asPlain: { toNumber(): number }; readonly asMap: { readonly value: { toNumber(): number } } } };
}

function entryOf(meta: OfflineMetadata, pallet: string, item: string): Result<StorageEntryLike, UnsupportedStorageError> {
  const entry = (meta.decorated.query as unknown as Record<string, Record<string, unknown> | undefined>)[pallet]?.[item];
  if (typeof entry !== "function") {
    return err({ type: "UnsupportedStorage", message: `the runtime has no storage ${pallet}.${item}`, pallet, item });
  }
  return ok(entry as StorageEntryLike);
}

/**
 * The raw storage key (no length prefix) of `pallet.item(args)`, with hashers from the metadata.
 *
 * @param meta - Offline metadata.
 * @param pallet - polkadot-js section, e.g. `commitments`.
 * @param item - polkadot-js item, e.g. `revealedCommitments`.
 * @param args - Map keys (an SS58 address or `0x` key for accounts); none for a plain item.
 *
 * @example
 * ```ts
 * import { storageKey } from "crusades/chain";
 * storageKey(meta, "commitments", "revealedCommitments", [3, alice]);
 * // Ok("0xca407206ec1ab726b2636c4b145ac2879055a2cffd4b296f38f2de8d9b333cab0300518366b5…")
 * ```
 */
export function storageKey(
  meta: OfflineMetadata,
  pallet: string,
  item: string,
  args: readonly unknown[] = [],
): Result<`0x${string}`, UnsupportedStorageError | CodecError> {
  return entryOf(meta, pallet, item).andThen((entry) => {
    try {
      // expandMetadata returns keys with a compact length prefix (chain.md §13.3).
      const prefixed = entry(...args);
      return ok(u8aToHex(compactStripLength(prefixed)[1]));
    } catch (cause) {
      return err({ type: "Codec", message: `could not build the key of ${pallet}.${item}: ${causeMessage(cause)}`, cause } as CodecError);
    }
  });
}

/**
 * Decodes a stored value of `pallet.item` (the bytes under its key; an `OptionQuery` item stores
 * the inner value) into its polkadot-js codec.
 *
 * @example
 * ```ts
 * decodeStorageValue(meta, "commitments", "maxSpace", "0x1c0c0000").map((v) => v.toString()); // Ok("3100")
 * ```
 */
export function decodeStorageValue(
  meta: OfflineMetadata,
  pallet: string,
  item: string,
  value: Uint8Array | `0x${string}`,
): Result<Codec, UnsupportedStorageError | CodecError> {
  return entryOf(meta, pallet, item).andThen((entry) => {
    const type = entry.meta.type;
    const id = type.isPlain ? type.asPlain.toNumber() : type.asMap.value.toNumber();
    try {
      // Always bytes: polkadot-js reads a hex string as a big-endian number for integer types.
      const bytes = typeof value === "string" ? hexToU8a(value) : value;
      return ok(meta.registry.createTypeUnsafe(meta.registry.createLookupType(id), [bytes], { isPedantic: true }));
    } catch (cause) {
      return err({ type: "Codec", message: `could not decode ${pallet}.${item}: ${causeMessage(cause)}`, cause } as CodecError);
    }
  });
}

interface OptionLike extends Codec {
  readonly isNone: boolean;
  unwrap(): Codec;
}

/**
 * Reads a `RevealedCommitments` value (`Option<Vec<(Bytes, u64)>>` or the bare `Vec`) into every
 * kept entry, oldest first, each with its reveal block. `None` gives an empty list.
 *
 * @example
 * ```ts
 * const value = await api.query.commitments.revealedCommitments(3, hotkey);
 * revealedCommitmentsFromCodec(value); // Ok([{ payload: Uint8Array(15), revealBlock: 7000000 }])
 * ```
 */
export function revealedCommitmentsFromCodec(value: Codec): Result<RevealedCommitment[], CodecError> {
  try {
    const option = value as OptionLike;
    const inner = typeof option.unwrap === "function" && "isNone" in option ? (option.isNone ? null : option.unwrap()) : value;
    if (inner === null) return ok([]);
    const entries = inner as unknown as readonly (readonly [Codec & { toU8a(bare: boolean): Uint8Array }, Codec & { toBigInt(): bigint }])[];
    return ok(
      entries.map(([bytes, block]) => ({
        // toU8a(true): the bare bytes; toU8a() would add polkadot-js's own length prefix (chain.md §13.2).
        payload: bytes.toU8a(true),
        revealBlock: Number(block.toBigInt()),
      })),
    );
  } catch (cause) {
    return err({ type: "Codec", message: `not a RevealedCommitments value: ${causeMessage(cause)}`, cause });
  }
}

/**
 * Decodes the stored bytes of one `Commitments.RevealedCommitments` entry offline.
 *
 * @example
 * ```ts
 * decodeRevealedCommitments(meta, "0x043c3868656c6c6f206372757361646573c0cf6a0000000000");
 * // Ok([{ payload: 0x3868656c6c6f…, revealBlock: 7000000 }])
 * ```
 */
export function decodeRevealedCommitments(
  meta: OfflineMetadata,
  value: Uint8Array | `0x${string}`,
): Result<RevealedCommitment[], UnsupportedStorageError | CodecError> {
  return decodeStorageValue(meta, "commitments", "revealedCommitments", value).andThen(revealedCommitmentsFromCodec);
}
