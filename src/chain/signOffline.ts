/**
 * Offline signing of an extrinsic (v4) against decorated metadata, with the runtime's own
 * transaction extensions (chain.md §10, §14.1).
 * @module
 */
import type { KeyringPair } from "@polkadot/keyring/types";
import { blake2AsU8a } from "@polkadot/util-crypto";
import { u8aToHex } from "@polkadot/util";
import { err, ok, type Result } from "neverthrow";
import { checkU64, checkUint } from "./args.js";
import { applyCall, type ChainCall, type EncodedCallLike, type TxDecorator } from "./calls.js";
import { causeMessage, type ChainArgumentError, type CodecError, type UnsupportedCallError } from "./errors.js";
import type { OfflineMetadata } from "./metadata.js";

/** Everything a node would otherwise supply for signing. */
export interface SignOfflineOptions {
  /** The signer's next nonce. */
  readonly nonce: number;
  /** The chain's genesis hash. */
  readonly genesisHash: `0x${string}`;
  /**
   * Mortal era: the checkpoint block number and its hash, and the period in blocks (the Python
   * SDK uses 128 for commitments). Omit for an immortal extrinsic (then the checkpoint is genesis).
   */
  readonly mortality?: { readonly blockNumber: number; readonly blockHash: `0x${string}`; readonly period: number };
  /** @default 0n */
  readonly tip?: bigint;
}

/** A signed extrinsic and what was signed. */
export interface SignedExtrinsic {
  /** The whole extrinsic, length-prefixed, ready for `author_submitExtrinsic`. */
  readonly extrinsic: `0x${string}`;
  /** The 64-byte sr25519 signature (randomized: it differs on each signing). */
  readonly signature: `0x${string}`;
  /** The bytes the signature covers (the payload, or its blake2-256 when longer than 256 bytes). */
  readonly signedPayload: `0x${string}`;
}

interface ExtrinsicLike {
  sign(pair: KeyringPair, options: Record<string, unknown>): unknown;
  toHex(): string;
  readonly signature: { toHex(): string };
}

/**
 * Signs `call` as `signer` (sr25519) without a node: the transaction extensions and their order
 * come from the metadata, so runtimes with different extension lists sign correctly.
 *
 * @returns The signed extrinsic, or `UnsupportedCall`, `Codec`, `ChainArgument` (nonce, era).
 *
 * @example
 * ```ts
 * import { signCallOffline, setCommitmentCall } from "crusades/chain";
 * const call = setCommitmentCall(3, [{ kind: "raw", data }])._unsafeUnwrap();
 * const signed = signCallOffline(meta, call, hotkey, { nonce: 0, genesisHash });
 * ```
 */
export function signCallOffline(
  meta: OfflineMetadata,
  call: ChainCall,
  signer: KeyringPair,
  options: SignOfflineOptions,
): Result<SignedExtrinsic, UnsupportedCallError | CodecError | ChainArgumentError> {
  const { nonce, genesisHash, mortality, tip = 0n } = options;
  const checked = checkUint(nonce, "nonce", 0xffffffff).andThen(() => checkU64(tip, "tip"));
  if (checked.isErr()) return err(checked.error);
  if (mortality !== undefined && !(Number.isSafeInteger(mortality.period) && mortality.period >= 4 && mortality.period <= 65536)) {
    return err({ type: "ChainArgument", message: "mortality.period must be an integer in 4..=65536", argument: "mortality.period", received: String(mortality.period) });
  }
  return applyCall<EncodedCallLike>(meta.decorated.tx as unknown as TxDecorator, call).andThen((method) => {
    try {
      const { registry } = meta;
      const era = mortality
        ? registry.createType("ExtrinsicEra", { current: mortality.blockNumber, period: mortality.period })
        : registry.createType("ExtrinsicEra", "0x00");
      const blockHash = mortality ? mortality.blockHash : genesisHash;
      const runtimeVersion = (meta.decorated.consts as unknown as Record<string, Record<string, unknown>>)["system"]?.["version"];
      const extrinsic = registry.createType("Extrinsic", method, { version: 4 }) as unknown as ExtrinsicLike;
      extrinsic.sign(signer, { blockHash, era, genesisHash, nonce, runtimeVersion, signedExtensions: meta.signedExtensions, tip });
      const payload = registry.createType(
        "ExtrinsicPayload",
        {
          method: method.toHex(),
          blockHash,
          era,
          genesisHash,
          nonce,
          specVersion: meta.specVersion,
          transactionVersion: meta.transactionVersion,
          tip,
          version: 4,
        },
        { version: 4 },
      );
      const bytes = payload.toU8a({ method: true });
      return ok({
        extrinsic: extrinsic.toHex() as `0x${string}`,
        signature: extrinsic.signature.toHex() as `0x${string}`,
        signedPayload: u8aToHex(bytes.length > 256 ? blake2AsU8a(bytes, 256) : bytes),
      });
    } catch (cause) {
      return err({ type: "Codec", message: `could not sign ${call.pallet}.${call.call}: ${causeMessage(cause)}`, cause } as CodecError);
    }
  });
}
