/**
 * Metagraph and weight-parameter reads (chain.md §8.6, §9), all at one pinned block: through the
 * runtime API where the runtime declares a typed one, storage otherwise.
 * @module
 */
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import { accountIdOf, checkU16, SS58_PREFIX } from "../args.js";
import type { ChainArgumentError, InvalidAddressError } from "../errors.js";
import type { Registry } from "@polkadot/types/types";
import { u8aToHex } from "@polkadot/util";
import { encodeAddress } from "@polkadot/util-crypto";
import { call, storageItem, type ClientContext } from "./context.js";
import { decodeRuntimeMetagraph, encodeRuntimeMetagraphArgs, planRuntimeMetagraph, type RuntimeMetagraphFields, type RuntimeMetagraphPlan } from "./metagraphRuntimeApi.js";
import type { ChainRpcError, ChainTimeoutError, HotkeyNotRegisteredError, SubnetNotFoundError } from "./errors.js";

/** The weight parameters of a subnet, read from storage (metadata defaults where the runtime lacks an item). */
export interface WeightParameters {
  /** `CommitRevealWeightsEnabled(netuid)`: timelocked commits instead of direct weights. */
  readonly commitRevealEnabled: boolean;
  /** `RevealPeriodEpochs(netuid)`. */
  readonly revealPeriodEpochs: number;
  /** `CommitRevealWeightsVersion`: the `commit_reveal_version` a commit must carry. */
  readonly commitRevealVersion: number;
  /** `WeightsSetRateLimit(netuid)`, in blocks. */
  readonly rateLimitBlocks: number;
  readonly minAllowedWeights: number;
  readonly maxWeightsLimit: number;
  /** `WeightsVersionKey(netuid)`: the smallest `version_key` accepted (0 = any). */
  readonly versionKey: bigint;
  readonly tempo: number;
}

/** The subnet's neurons at one block. */
export interface Metagraph {
  readonly netuid: number;
  readonly blockNumber: number;
  readonly blockHash: string;
  /** `SubnetworkN`. */
  readonly n: number;
  /** Hotkey (SS58, prefix 42) of each uid. */
  readonly hotkeys: readonly string[];
  readonly uidOfHotkey: ReadonlyMap<string, number>;
  readonly validatorPermit: readonly boolean[];
  /** `LastUpdate` of each uid (block numbers). */
  readonly lastUpdate: readonly number[];
  readonly weights: WeightParameters;
}

/** Errors of metagraph reads. */
export type MetagraphError = ChainArgumentError | SubnetNotFoundError | ChainTimeoutError | ChainRpcError;

type Reader = (pallet: string, item: string, args: readonly unknown[], fallback: unknown) => ResultAsync<unknown, ChainTimeoutError | ChainRpcError>;

/** A reader pinned at `at` (an ApiDecoration) returning JSON values, `fallback` for missing items. */
function reader(ctx: ClientContext, at: unknown): Reader {
  return (pallet, item, args, fallback) => {
    const fn = storageItem(ctx, pallet, item, at);
    if (fn.isErr()) return okAsync(fallback);
    return call(ctx, `read ${pallet}.${item}`, () => fn.value(...args)).map((v) => v.toJSON());
  };
}

const num = (v: unknown): number => Number(v ?? 0);

/** Reads the weight parameters through `read` (chain.md §8.6 defaults as fallbacks). */
function readWeightParameters(read: Reader, netuid: number): ResultAsync<WeightParameters, ChainTimeoutError | ChainRpcError> {
  return ResultAsync.combine([
    read("subtensorModule", "commitRevealWeightsEnabled", [netuid], false),
    read("subtensorModule", "revealPeriodEpochs", [netuid], 1),
    read("subtensorModule", "commitRevealWeightsVersion", [], 4),
    read("subtensorModule", "weightsSetRateLimit", [netuid], 100),
    read("subtensorModule", "minAllowedWeights", [netuid], 0),
    read("subtensorModule", "maxWeightsLimit", [netuid], 65535),
    read("subtensorModule", "weightsVersionKey", [netuid], 0),
    read("subtensorModule", "tempo", [netuid], 360),
  ]).map(([cr, period, version, rate, minW, maxW, key, tempo]) => ({
    commitRevealEnabled: cr === true,
    revealPeriodEpochs: num(period),
    commitRevealVersion: num(version),
    rateLimitBlocks: num(rate),
    minAllowedWeights: num(minW),
    maxWeightsLimit: num(maxW),
    versionKey: BigInt(String(key ?? 0)),
    tempo: num(tempo),
  }));
}

/** The pinned head: its number, hash and an `api.at` decoration. */
function pinHead(ctx: ClientContext) {
  return call(ctx, "read the block header", async () => {
    const header = await ctx.api.rpc.chain.getHeader();
    const at = await ctx.api.at(header.hash);
    return { blockNumber: header.number.toNumber(), blockHash: header.hash.toHex(), at };
  });
}

function checkSubnet(read: Reader, netuid: number): ResultAsync<number, SubnetNotFoundError | ChainTimeoutError | ChainRpcError> {
  return read("subtensorModule", "networksAdded", [netuid], true).andThen((added) =>
    added === true
      ? okAsync(netuid)
      : errAsync({ type: "SubnetNotFound", message: `subnet ${netuid} does not exist on this chain`, netuid } satisfies SubnetNotFoundError),
  );
}

/** `SubnetNotFound` unless `netuid` is a subnet (`NetworksAdded`) at `at` (an `api.at` decoration; default: the head). */
export function checkSubnetAt(ctx: ClientContext, netuid: number, at?: unknown): ResultAsync<number, SubnetNotFoundError | ChainTimeoutError | ChainRpcError> {
  return checkSubnet(reader(ctx, at), netuid);
}

/** Where `readMetagraph` reads from: `auto` prefers the runtime API, `storage` never uses it. */
export type MetagraphSource = "auto" | "storage";

/** Options of `readMetagraph`. */
export interface ReadMetagraphOptions {
  /** @default "auto" */
  readonly source?: MetagraphSource;
}

interface PinnedHead {
  readonly blockNumber: number;
  readonly blockHash: string;
  readonly at: unknown;
}

/** The metagraph from storage items (`Keys`, `ValidatorPermit`, `LastUpdate`, …) at `head`. */
function readFromStorage(ctx: ClientContext, netuid: number, head: PinnedHead): ResultAsync<Metagraph, MetagraphError> {
  const read = reader(ctx, head.at);
  const keys = storageItem(ctx, "subtensorModule", "keys", head.at);
  return checkSubnet(read, netuid).andThen(() =>
    ResultAsync.combine([
      read("subtensorModule", "subnetworkN", [netuid], 0),
      keys.isOk()
        ? call(ctx, "read SubtensorModule.Keys entries", () => keys.value.entries(netuid))
        : okAsync([] as [{ args: { toJSON(): unknown }[] }, { toU8a(): Uint8Array }][]),
      read("subtensorModule", "validatorPermit", [netuid], []),
      read("subtensorModule", "lastUpdate", [netuid], []),
      readWeightParameters(read, netuid),
    ]).map(([count, entries, permits, updates, weights]) => {
      const size = num(count);
      const hotkeys = new Array<string>(size).fill("");
      for (const [key, value] of entries) {
        const uid = num(key.args[1]?.toJSON());
        if (uid < size) hotkeys[uid] = encodeAddress(value.toU8a(), SS58_PREFIX);
      }
      return assemble(netuid, head, {
        n: size,
        hotkeys,
        validatorPermit: (permits as unknown[]).map((p) => p === true),
        lastUpdate: (updates as unknown[]).map(num),
        weights,
      });
    }),
  );
}

function assemble(
  netuid: number,
  { blockNumber, blockHash }: Pick<PinnedHead, "blockNumber" | "blockHash">,
  parts: Pick<Metagraph, "n" | "hotkeys" | "validatorPermit" | "lastUpdate" | "weights">,
): Metagraph {
  return {
    netuid,
    blockNumber,
    blockHash,
    ...parts,
    uidOfHotkey: new Map(parts.hotkeys.map((h, uid) => [h, uid] as const).filter(([h]) => h !== "")),
  };
}

/**
 * The metagraph through `plan`'s runtime call at `head`, plus `CommitRevealWeightsVersion` (no
 * runtime API field carries it); `null` when the answer does not decode, so the caller falls back
 * to storage, which holds the same values.
 */
function readFromRuntimeApi(ctx: ClientContext, netuid: number, head: PinnedHead, registry: Registry, plan: RuntimeMetagraphPlan): ResultAsync<Metagraph | null, MetagraphError> {
  const args = u8aToHex(encodeRuntimeMetagraphArgs(registry, plan, netuid));
  return ResultAsync.combine([
    call(ctx, `call ${plan.method}`, () => ctx.api.rpc.state.call(plan.method, args, head.blockHash)),
    reader(ctx, head.at)("subtensorModule", "commitRevealWeightsVersion", [], 4),
  ]).andThen(([answer, version]) => {
    const decoded = decodeRuntimeMetagraph(registry, plan, answer.toU8a(true));
    if (decoded.isErr()) return okAsync(null);
    const fields = decoded.value;
    if (fields === null) {
      return errAsync({ type: "SubnetNotFound", message: `subnet ${netuid} does not exist on this chain`, netuid } satisfies SubnetNotFoundError);
    }
    return okAsync(metagraphFromRuntimeFields(netuid, head, fields, num(version)));
  });
}

/** A `Metagraph` from the runtime API's fields and `CommitRevealWeightsVersion`. */
export function metagraphFromRuntimeFields(
  netuid: number,
  head: Pick<PinnedHead, "blockNumber" | "blockHash">,
  fields: RuntimeMetagraphFields,
  commitRevealVersion: number,
): Metagraph {
  const { n, hotkeys, validatorPermit, lastUpdate } = fields;
  const weights: WeightParameters = {
    commitRevealEnabled: fields.commitRevealEnabled,
    revealPeriodEpochs: fields.revealPeriodEpochs,
    commitRevealVersion,
    rateLimitBlocks: fields.rateLimitBlocks,
    minAllowedWeights: fields.minAllowedWeights,
    maxWeightsLimit: fields.maxWeightsLimit,
    versionKey: fields.versionKey,
    tempo: fields.tempo,
  };
  return assemble(netuid, head, { n, hotkeys, validatorPermit, lastUpdate, weights });
}

/**
 * Reads a subnet's metagraph at the current head: uid ↔ hotkey, validator permits, last updates,
 * tempo and weight parameters, all at one pinned block.
 *
 * Where the runtime's metadata declares `SubnetInfoRuntimeApi.get_selective_metagraph` (finney spec
 * 424) only the needed fields are asked for, decoded with the runtime's own types; else
 * `get_metagraph`; else (spec 218, whose metagraph APIs answer untyped `Bytes`) storage: `Keys`,
 * `ValidatorPermit`, `LastUpdate`, …. Both give the same `Metagraph`; a uid whose `Keys` is the
 * zero account has hotkey `""` either way.
 *
 * @param ctx - The client context.
 * @param netuid - The subnet (u16).
 * @param options - `source: "storage"` skips the runtime API.
 * @returns The metagraph, or `ChainArgument`, `SubnetNotFound`, `ChainTimeout`, `ChainRpc`.
 *
 * @example
 * ```ts
 * const m = await readMetagraph(ctx, 3);
 * if (m.isOk()) console.log(m.value.uidOfHotkey.get(hotkey));
 * ```
 */
export function readMetagraph(ctx: ClientContext, netuid: number, { source = "auto" }: ReadMetagraphOptions = {}): ResultAsync<Metagraph, MetagraphError> {
  const n = checkU16(netuid, "netuid");
  if (n.isErr()) return errAsync(n.error);
  return pinHead(ctx).andThen((head) => {
    const registry = (head.at as { registry: Registry }).registry;
    const plan = source === "auto" ? planRuntimeMetagraph(registry) : null;
    if (plan === null) return readFromStorage(ctx, netuid, head);
    return readFromRuntimeApi(ctx, netuid, head, registry, plan).andThen((m) => (m === null ? readFromStorage(ctx, netuid, head) : okAsync(m)));
  });
}

/** Reads a subnet's weight parameters at the current head. */
export function readSubnetWeightParameters(ctx: ClientContext, netuid: number): ResultAsync<WeightParameters, MetagraphError> {
  const n = checkU16(netuid, "netuid");
  if (n.isErr()) return errAsync(n.error);
  const read = reader(ctx, undefined);
  return checkSubnet(read, netuid).andThen(() => readWeightParameters(read, netuid));
}

/** The uid of `hotkey` on `netuid` (`Uids`), or `HotkeyNotRegistered`. */
export function uidOfHotkey(
  ctx: ClientContext,
  netuid: number,
  hotkey: string | Uint8Array,
): ResultAsync<number, MetagraphError | InvalidAddressError | HotkeyNotRegisteredError> {
  const n = checkU16(netuid, "netuid");
  if (n.isErr()) return errAsync(n.error);
  const id = accountIdOf(hotkey);
  if (id.isErr()) return errAsync(id.error);
  const address = encodeAddress(id.value, SS58_PREFIX);
  const read = reader(ctx, undefined);
  return checkSubnet(read, netuid).andThen(() =>
    read("subtensorModule", "uids", [netuid, address], null).andThen((uid) =>
      uid === null || uid === undefined
        ? errAsync({ type: "HotkeyNotRegistered", message: `hotkey ${address} is not registered on subnet ${netuid}`, netuid, hotkey: address } satisfies HotkeyNotRegisteredError)
        : okAsync(num(uid)),
    ),
  );
}
