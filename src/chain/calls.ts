/**
 * Calls as data: `{ pallet, call, args }` in polkadot-js naming, resolved against whichever
 * metadata is at hand (offline {@link OfflineMetadata} or a live `ApiPromise`'s `api.tx`). Byte
 * arguments are always hex strings (chain.md §13.1).
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { causeMessage, type CodecError, type UnsupportedCallError } from "./errors.js";
import type { OfflineMetadata } from "./metadata.js";

/**
 * A runtime call before encoding. `pallet` and `call` use polkadot-js names
 * (`commitments`, `setCommitment`); `args` are polkadot-js inputs with bytes as hex strings.
 */
export interface ChainCall {
  readonly pallet: string;
  readonly call: string;
  readonly args: readonly unknown[];
}

/** What a call decorator returns: a `Call` offline, a `SubmittableExtrinsic` on `api.tx`. */
export interface EncodedCallLike {
  toHex(): string;
}

/** `api.tx` or `OfflineMetadata.decorated.tx`: sections of call constructors. */
export type TxDecorator = Record<string, Record<string, unknown> | undefined>;

/**
 * The call constructor of `call` in `tx`, applied to its arguments.
 *
 * @returns What the constructor returns, `UnsupportedCall` when the runtime lacks the call, or
 *   `Codec` when polkadot-js refuses the arguments.
 */
export function applyCall<T extends EncodedCallLike>(
  tx: TxDecorator,
  call: ChainCall,
): Result<T, UnsupportedCallError | CodecError> {
  const fn = tx[call.pallet]?.[call.call];
  if (typeof fn !== "function") {
    return err({
      type: "UnsupportedCall",
      message: `the runtime has no call ${call.pallet}.${call.call}`,
      pallet: call.pallet,
      call: call.call,
    });
  }
  try {
    return ok((fn as (...args: unknown[]) => T)(...call.args));
  } catch (cause) {
    return err({ type: "Codec", message: `could not encode ${call.pallet}.${call.call}: ${causeMessage(cause)}`, cause });
  }
}

/**
 * The exact call bytes (pallet index, call index, SCALE arguments) of `call` against `meta`.
 *
 * @example
 * ```ts
 * import { encodeCall, setCommitmentCall } from "crusades/chain";
 * const call = setCommitmentCall(3, [{ kind: "raw", data: new Uint8Array([1, 2, 3, 4, 5]) }]);
 * call.andThen((c) => encodeCall(meta, c)); // Ok("0x1200030004060102030405")
 * ```
 */
export function encodeCall(meta: OfflineMetadata, call: ChainCall): Result<`0x${string}`, UnsupportedCallError | CodecError> {
  return applyCall(meta.decorated.tx as unknown as TxDecorator, call).map((c) => c.toHex() as `0x${string}`);
}
