/**
 * What every client operation shares: the ApiPromise, the timeout, and metadata-driven storage
 * access (items looked up by name, so a runtime without one answers `UnsupportedStorage`).
 * @module
 */
import type { ApiPromise } from "@polkadot/api";
import type { Codec } from "@polkadot/types/types";
import { err, errAsync, ok, ResultAsync, type Result } from "neverthrow";
import type { UnsupportedStorageError } from "../errors.js";
import { classify, withTimeout, type ChainRpcError, type ChainTimeoutError } from "./errors.js";

/** The state of one client. */
export interface ClientContext {
  readonly api: ApiPromise;
  /** Timeout of each read or RPC, in ms. */
  readonly timeoutMs: number;
}

/** A storage item of `api.query`, untyped (subtensor is not in polkadot-js's augmentation). */
export interface StorageItem {
  (...args: unknown[]): Promise<Codec>;
  entries(...args: unknown[]): Promise<[{ args: Codec[] }, Codec][]>;
  key(...args: unknown[]): string;
}

/** `api.query[pallet][item]` or `UnsupportedStorage`. */
export function storageItem(ctx: ClientContext, pallet: string, item: string, at?: unknown): Result<StorageItem, UnsupportedStorageError> {
  const query = ((at as { query?: unknown } | undefined)?.query ?? ctx.api.query) as unknown as Record<string, Record<string, unknown> | undefined>;
  const fn = query[pallet]?.[item];
  if (typeof fn !== "function") {
    return err({ type: "UnsupportedStorage", message: `the connected runtime has no storage ${pallet}.${item}`, pallet, item });
  }
  return ok(fn as StorageItem);
}

/** `true` when the runtime has `pallet.item`. */
export function hasStorage(ctx: ClientContext, pallet: string, item: string): boolean {
  return storageItem(ctx, pallet, item).isOk();
}

/** Runs an API promise under the client's timeout, classifying failures. */
export function call<T>(ctx: ClientContext, operation: string, run: () => Promise<T>): ResultAsync<T, ChainTimeoutError | ChainRpcError> {
  return ResultAsync.fromPromise(
    (async () => withTimeout(run(), ctx.timeoutMs, operation))(),
    classify(operation),
  );
}

/** Reads `pallet.item(args)`. */
export function read(
  ctx: ClientContext,
  pallet: string,
  item: string,
  args: readonly unknown[] = [],
): ResultAsync<Codec, UnsupportedStorageError | ChainTimeoutError | ChainRpcError> {
  const fn = storageItem(ctx, pallet, item);
  if (fn.isErr()) return errAsync(fn.error);
  return call(ctx, `read ${pallet}.${item}`, () => fn.value(...args));
}

/** Reads a numeric item as a bigint, `fallback` when the runtime lacks it. */
export function readBigInt(
  ctx: ClientContext,
  pallet: string,
  item: string,
  args: readonly unknown[],
  fallback: bigint,
): ResultAsync<bigint, ChainTimeoutError | ChainRpcError> {
  if (!hasStorage(ctx, pallet, item)) return ResultAsync.fromSafePromise(Promise.resolve(fallback));
  return read(ctx, pallet, item, args)
    .map((v) => BigInt(v.toString()))
    .mapErr((e) => e as ChainTimeoutError | ChainRpcError);
}

/** Reads a bool item, `fallback` when the runtime lacks it. */
export function readBool(
  ctx: ClientContext,
  pallet: string,
  item: string,
  args: readonly unknown[],
  fallback: boolean,
): ResultAsync<boolean, ChainTimeoutError | ChainRpcError> {
  if (!hasStorage(ctx, pallet, item)) return ResultAsync.fromSafePromise(Promise.resolve(fallback));
  return read(ctx, pallet, item, args)
    .map((v) => v.toJSON() === true)
    .mapErr((e) => e as ChainTimeoutError | ChainRpcError);
}

/** `Drand.LastStoredRound`; `null` when the runtime has no Drand pallet (nothing to check a round against). */
export function readLastStoredRound(ctx: ClientContext): ResultAsync<bigint | null, ChainTimeoutError | ChainRpcError> {
  if (!hasStorage(ctx, "drand", "lastStoredRound")) return ResultAsync.fromSafePromise(Promise.resolve(null));
  return readBigInt(ctx, "drand", "lastStoredRound", [], 0n).map((round): bigint | null => round);
}

/** The current best block number. */
export function blockNumber(ctx: ClientContext): ResultAsync<number, ChainTimeoutError | ChainRpcError> {
  return call(ctx, "read the block header", () => ctx.api.rpc.chain.getHeader()).map((h) => h.number.toNumber());
}

/** The head's number and hash. */
export function readHead(ctx: ClientContext): ResultAsync<{ readonly number: number; readonly hash: string }, ChainTimeoutError | ChainRpcError> {
  return call(ctx, "read the block header", () => ctx.api.rpc.chain.getHeader()).map((h) => ({ number: h.number.toNumber(), hash: h.hash.toHex() }));
}

/** The hash of the block at `number` on the best chain, `null` when there is none (yet). */
export function blockHashAt(ctx: ClientContext, number: number): ResultAsync<string | null, ChainTimeoutError | ChainRpcError> {
  return call(ctx, `read the hash of block ${number}`, () => ctx.api.rpc.chain.getBlockHash(number)).map((h) => (h.isEmpty || /^0x0+$/.test(h.toHex()) ? null : h.toHex()));
}
