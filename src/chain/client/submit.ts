/**
 * Signing, sending and tracking an extrinsic until it is in a block or finalized, with the
 * dispatch error decoded to its pallet and name (chain.md §10).
 * @module
 */
import type { KeyringPair } from "@polkadot/keyring/types";
import type { DispatchError, EventRecord } from "@polkadot/types/interfaces";
import type { ISubmittableResult } from "@polkadot/types/types";
import { errAsync, ResultAsync } from "neverthrow";
import { applyCall, type ChainCall, type TxDecorator } from "../calls.js";
import { causeMessage, type CodecError, type UnsupportedCallError } from "../errors.js";
import type { ClientContext } from "./context.js";
import { withTimeout, type ChainTimeoutError, type DispatchFailedError, type TransactionRejectedError } from "./errors.js";

/** How long to follow a submission. */
export interface SubmitOptions {
  /**
   * `inBlock`: resolve once included; `finalized`: once finalized (the Python SDK's default for
   * commitments).
   * @default "finalized"
   */
  readonly waitFor?: "inBlock" | "finalized";
  /**
   * Mortality in blocks (the Python SDK uses 128).
   * @default 128
   */
  readonly eraPeriod?: number;
  /**
   * Time allowed from sending to the awaited status, in ms.
   * @default 120_000
   */
  readonly timeoutMs?: number;
}

/** One event of the extrinsic, named. */
export interface OutcomeEvent {
  readonly pallet: string;
  readonly name: string;
  readonly data: unknown;
}

/** A successful extrinsic. */
export interface TransactionOutcome {
  readonly txHash: string;
  readonly blockHash: string;
  readonly status: "inBlock" | "finalized";
  /** Index of the extrinsic in its block. */
  readonly extrinsicIndex: number;
  readonly events: readonly OutcomeEvent[];
}

/** Errors of {@link submitCall}. */
export type SubmitError = UnsupportedCallError | CodecError | TransactionRejectedError | DispatchFailedError | ChainTimeoutError;

/** The pallet, name and docs of a dispatch error. */
export function describeDispatchError(ctx: ClientContext, error: DispatchError): { pallet: string | null; error: string; docs: string } {
  if (error.isModule) {
    try {
      const meta = ctx.api.registry.findMetaError(error.asModule);
      return { pallet: pascal(meta.section), error: meta.name, docs: meta.docs.join(" ").trim() };
    } catch {
      return { pallet: null, error: `Module(${error.asModule.index.toNumber()})`, docs: "" };
    }
  }
  return { pallet: null, error: error.type, docs: "" };
}

function pascal(section: string): string {
  return section.charAt(0).toUpperCase() + section.slice(1);
}

/**
 * Signs `call` with `signer` (nonce from the node, mortal era) and follows it.
 *
 * @returns The outcome, or `TransactionRejected` (pool refusal), `DispatchFailed` (with the module
 *   error's name, e.g. `Commitments.AccountNotAllowedCommit`), `ChainTimeout`, `UnsupportedCall`, `Codec`.
 */
export function submitCall(
  ctx: ClientContext,
  call: ChainCall,
  signer: KeyringPair,
  options: SubmitOptions = {},
): ResultAsync<TransactionOutcome, SubmitError> {
  const { waitFor = "finalized", eraPeriod = 128, timeoutMs = 120_000 } = options;
  type Submittable = { signAndSend(pair: KeyringPair, opts: object, cb: (r: ISubmittableResult) => void): Promise<() => void>; toHex(): string };
  const extrinsic = applyCall<Submittable>(ctx.api.tx as unknown as TxDecorator, call);
  if (extrinsic.isErr()) return errAsync(extrinsic.error);
  const name = `${call.pallet}.${call.call}`;
  let unsubscribe: (() => void) | undefined;
  let settled = false;
  const stop = () => {
    settled = true;
    unsubscribe?.();
  };
  const followed = new Promise<TransactionOutcome>((resolve, reject) => {
    extrinsic.value
      .signAndSend(signer, { nonce: -1, era: eraPeriod }, (result) => {
        const status = result.status;
        const reached = waitFor === "inBlock" ? status.isInBlock || status.isFinalized : status.isFinalized;
        if (status.isInvalid || status.isDropped || status.isUsurped) {
          reject({ type: "TransactionRejected", message: `${name} was ${status.type.toLowerCase()} by the pool`, cause: status.toJSON() } satisfies TransactionRejectedError);
          return;
        }
        if (!reached) return;
        const blockHash = (status.isInBlock ? status.asInBlock : status.asFinalized).toHex();
        const events = result.events as unknown as EventRecord[];
        const failed = result.dispatchError;
        if (failed) {
          const d = describeDispatchError(ctx, failed);
          const label = d.pallet ? `${d.pallet}.${d.error}` : d.error;
          reject({ type: "DispatchFailed", message: `${name} failed in block ${blockHash}: ${label}${d.docs ? ` (${d.docs})` : ""}`, ...d, blockHash } satisfies DispatchFailedError);
          return;
        }
        resolve({
          txHash: result.txHash.toHex(),
          blockHash,
          status: status.isFinalized ? "finalized" : "inBlock",
          extrinsicIndex: result.txIndex ?? -1,
          events: events.map(({ event }) => ({ pallet: pascal(event.section), name: event.method, data: event.data.toJSON() })),
        });
      })
      .then((u) => {
        unsubscribe = u;
        if (settled) u();
      })
      .catch((cause: unknown) => {
        reject({ type: "TransactionRejected", message: `${name} was refused: ${causeMessage(cause)}`, cause } satisfies TransactionRejectedError);
      });
  });
  return ResultAsync.fromPromise(withTimeout(followed, timeoutMs, `wait for ${name} (${waitFor})`), (e) => e as SubmitError)
    .map((outcome) => {
      stop();
      return outcome;
    })
    .mapErr((e) => {
      stop();
      return e;
    });
}
