/**
 * Typed errors of the live client: connection, RPC, pre-checks and transaction outcomes.
 * Raw @polkadot/api exceptions are classified here and never cross `index.ts`.
 * @module
 */
import { causeMessage } from "../errors.js";

/** A network name other than `finney`, `test`, `archive`, `local`, and not a ws(s) URL. */
export interface UnknownNetworkError {
  readonly type: "UnknownNetwork";
  readonly message: string;
  readonly network: string;
}
/** No connection to the node within the timeout (URL shown without credentials). */
export interface ChainConnectionError {
  readonly type: "ChainConnection";
  readonly message: string;
  readonly url: string;
  readonly cause: unknown;
}
/** An operation (read, submission, inclusion) took longer than its timeout. */
export interface ChainTimeoutError {
  readonly type: "ChainTimeout";
  readonly message: string;
  readonly operation: string;
  readonly timeoutMs: number;
}
/** The node answered an RPC with an error, or the connection dropped during it. */
export interface ChainRpcError {
  readonly type: "ChainRpc";
  readonly message: string;
  readonly operation: string;
  readonly cause: unknown;
}
/** `netuid` is not a subnet of the connected chain. */
export interface SubnetNotFoundError {
  readonly type: "SubnetNotFound";
  readonly message: string;
  readonly netuid: number;
}
/** The hotkey has no uid on the subnet (`Uids(netuid, hotkey)` is absent). */
export interface HotkeyNotRegisteredError {
  readonly type: "HotkeyNotRegistered";
  readonly message: string;
  readonly netuid: number;
  readonly hotkey: string;
}
/**
 * A pre-check of the weights path failed (chain.md §8.1, §8.3, §8.4): nothing was sent.
 * `check` names the chain error the call would have produced.
 */
export interface WeightsPrecheckError {
  readonly type: "WeightsPrecheck";
  readonly message: string;
  readonly check:
    | "IncorrectWeightVersionKey"
    | "SettingWeightsTooFast"
    | "NeuronNoValidatorPermit"
    | "UidVecContainInvalidOne"
    | "UidsLengthExceedUidsInSubNet"
    | "WeightVecLengthIsLow"
    | "MaxWeightExceeded"
    | "NoWeights"
    | "InvalidRevealRound";
  /** For `SettingWeightsTooFast`: blocks to wait. */
  readonly blocksToWait?: number;
}
/** A commitment pre-check failed (old pallet's per-hotkey rate limit): nothing was sent. */
export interface CommitmentRateLimitedError {
  readonly type: "CommitmentRateLimited";
  readonly message: string;
  readonly blocksToWait: number;
}
/**
 * A timelocked commitment's drand round is not after `Drand.LastStoredRound`: its pulse is already
 * on chain, so the text would be revealed in the next block. Nothing was sent.
 */
export interface RevealRoundTooEarlyError {
  readonly type: "RevealRoundTooEarly";
  readonly message: string;
  readonly revealRound: bigint;
  readonly lastStoredRound: bigint;
}
/** The transaction pool refused the extrinsic (`1010: Invalid Transaction`, bad nonce, …). */
export interface TransactionRejectedError {
  readonly type: "TransactionRejected";
  readonly message: string;
  readonly cause: unknown;
}
/** The extrinsic was included but its dispatch failed; `pallet` and `error` are the module error's names. */
export interface DispatchFailedError {
  readonly type: "DispatchFailed";
  readonly message: string;
  /** e.g. `Commitments`; `null` for a non-module error (`BadOrigin`, …). */
  readonly pallet: string | null;
  /** e.g. `AccountNotAllowedCommit`, or the non-module error kind. */
  readonly error: string;
  readonly docs: string;
  readonly blockHash: string;
}

/**
 * Every error the client returns besides the offline ones ({@link ChainEncodingError}).
 *
 * @example
 * ```ts
 * const line = (e: ChainClientError) => `${e.type}: ${e.message}`;
 * ```
 */
export type ChainClientError =
  | UnknownNetworkError
  | ChainConnectionError
  | ChainTimeoutError
  | ChainRpcError
  | SubnetNotFoundError
  | HotkeyNotRegisteredError
  | WeightsPrecheckError
  | CommitmentRateLimitedError
  | RevealRoundTooEarlyError
  | TransactionRejectedError
  | DispatchFailedError;

/** Removes `user:password@` from a URL for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^/@]*@/i, "$1");
}

/** Classifies a raw @polkadot/api failure of `operation`. */
export function rpcError(operation: string, cause: unknown): ChainRpcError {
  return { type: "ChainRpc", message: `${operation} failed: ${causeMessage(cause)}`, operation, cause };
}

/** Races `promise` against `timeoutMs`; the result carries a {@link ChainTimeoutError} on expiry. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, operation: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e: ChainTimeoutError = { type: "ChainTimeout", message: `${operation} timed out after ${timeoutMs} ms`, operation, timeoutMs };
      reject(e);
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A thrown value as a client error: a timeout stays one, anything else is a {@link ChainRpcError}. */
export function classify(operation: string) {
  return (cause: unknown): ChainTimeoutError | ChainRpcError =>
    (cause as { type?: unknown })?.type === "ChainTimeout" ? (cause as ChainTimeoutError) : rpcError(operation, cause);
}
