/**
 * Commitments on a live chain: timelocked and plain commits with every pre-check before sending,
 * and reads of revealed and pending commitments (chain.md §3, §6, §7).
 * @module
 */
import type { KeyringPair } from "@polkadot/keyring/types";
import { hexToU8a } from "@polkadot/util";
import { encodeAddress } from "@polkadot/util-crypto";
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import { revealRound, timelockEncrypt, type RevealRoundError, type TimelockEncryptError } from "../../timelock/index.js";
import { accountIdOf, checkU16, SS58_PREFIX } from "../args.js";
import type { ChainCall } from "../calls.js";
import { checkCommitmentSpace, commitmentCost, type CommitmentUsage } from "../budget.js";
import { commitmentFieldSizes, setCommitmentCall, type CommitmentField } from "../commitmentCalls.js";
import { chainArgument, type ChainEncodingError } from "../errors.js";
import { encodeCommitmentPayload } from "../payload.js";
import { checkRevealRoundAhead } from "../revealRoundPrecheck.js";
import { revealedCommitmentsFromCodec, type RevealedCommitment } from "../storage.js";
import { blockNumber, call, hasStorage, read, readLastStoredRound, storageItem, type ClientContext } from "./context.js";
import type { ChainClientError } from "./errors.js";
import { checkSubnetAt, uidOfHotkey } from "./metagraph.js";
import { submitCall, type SubmitOptions, type TransactionOutcome } from "./submit.js";

/** Errors of the commitment operations. */
export type CommitmentError = ChainEncodingError | ChainClientError | TimelockEncryptError | RevealRoundError;

/** Inputs of {@link commitTimelocked}. */
export interface CommitTimelockedParameters extends SubmitOptions {
  readonly netuid: number;
  /** The text revealed later (SCALE-encoded before encryption, so Python validators read it whole). */
  readonly text: string;
  /** The hotkey, registered on `netuid`. */
  readonly signer: KeyringPair;
  /** @default 360 */
  readonly blocksUntilReveal?: number;
  /** @default 12 */
  readonly blockTimeSeconds?: number;
  /** Clock injection for tests; Unix seconds. */
  readonly nowSeconds?: number;
}

/** A sent commitment. */
export interface CommitmentReceipt {
  readonly outcome: TransactionOutcome;
  /** The drand round of a timelocked commitment; `null` for a plain one. */
  readonly revealRound: bigint | null;
  /** Space charged against `MaxSpace`. */
  readonly costBytes: number;
}

/** A field of a stored `CommitmentOf` entry. */
export type StoredCommitmentField = CommitmentField | { readonly kind: "other"; readonly variant: string; readonly value: unknown };

/** `CommitmentOf(netuid, hotkey)`: the current (pending or plain) commitment. */
export interface StoredCommitment {
  readonly block: number;
  readonly deposit: bigint;
  readonly fields: readonly StoredCommitmentField[];
}

function maxFieldsOf(ctx: ClientContext): number {
  const c = (ctx.api.consts as unknown as Record<string, Record<string, { toString(): string }> | undefined>)["commitments"]?.["maxFields"];
  return c ? Number(c.toString()) : 3;
}

/** Registration, field count, space budget and the old pallet's rate limit; nothing is sent. */
function precheck(ctx: ClientContext, netuid: number, fields: readonly CommitmentField[], hotkey: string): ResultAsync<{ readonly call: ChainCall; readonly costBytes: number }, CommitmentError> {
  const built = setCommitmentCall(netuid, fields, { maxFields: maxFieldsOf(ctx) });
  if (built.isErr()) return errAsync(built.error);
  const costBytes = commitmentCost(commitmentFieldSizes(fields));
  return uidOfHotkey(ctx, netuid, hotkey)
    .andThen(() => checkSpace(ctx, netuid, hotkey, costBytes))
    .andThen(() => checkRateLimit(ctx, netuid, hotkey))
    .map(() => ({ call: built.value, costBytes }));
}

/** {@link precheck}, then sends `set_commitment` signed by the hotkey. */
function precheckAndSend(
  ctx: ClientContext,
  netuid: number,
  fields: readonly CommitmentField[],
  signer: KeyringPair,
  options: SubmitOptions,
  round: bigint | null,
): ResultAsync<CommitmentReceipt, CommitmentError> {
  return precheck(ctx, netuid, fields, signer.address)
    .andThen(({ call, costBytes }) => submitCall(ctx, call, signer, options).map((outcome) => ({ outcome, revealRound: round, costBytes })));
}

function checkSpace(ctx: ClientContext, netuid: number, hotkey: string, costBytes: number): ResultAsync<unknown, CommitmentError> {
  if (!hasStorage(ctx, "commitments", "maxSpace") || !hasStorage(ctx, "commitments", "usedSpaceOf")) return okAsync(undefined);
  return ResultAsync.combine([
    read(ctx, "commitments", "maxSpace"),
    read(ctx, "commitments", "usedSpaceOf", [netuid, hotkey]),
    read(ctx, "subtensorModule", "subnetEpochIndex", [netuid]),
  ]).andThen(([max, used, epoch]) => {
    const u = used.toJSON() as { lastEpoch?: number | string; usedSpace?: number | string } | null;
    const usage: CommitmentUsage | null = u ? { lastEpoch: BigInt(u.lastEpoch ?? 0), usedSpace: BigInt(u.usedSpace ?? 0) } : null;
    return checkCommitmentSpace({ costBytes, maxSpaceBytes: Number(max.toString()), usage, currentEpoch: BigInt(epoch.toString()) });
  });
}

/** The old (spec ≤ 2xx) pallet's per-hotkey rate limit: `RateLimit` blocks since `LastCommitment`. */
function checkRateLimit(ctx: ClientContext, netuid: number, hotkey: string): ResultAsync<unknown, CommitmentError> {
  const limit = (ctx.api.consts as unknown as Record<string, Record<string, unknown> | undefined>)["commitments"]?.["rateLimit"];
  if (limit === undefined || !hasStorage(ctx, "commitments", "lastCommitment")) return okAsync(undefined);
  return ResultAsync.combine([read(ctx, "commitments", "lastCommitment", [netuid, hotkey]), blockNumber(ctx)]).andThen(([last, now]) => {
    const lastBlock = last.toJSON() as number | null;
    const wait = lastBlock === null ? 0 : lastBlock + Number(String(limit)) - now;
    // The extrinsic lands in the next block, hence `wait - 1`.
    if (wait - 1 <= 0) return okAsync(undefined);
    return errAsync({ type: "CommitmentRateLimited", message: `this hotkey committed at block ${lastBlock}; wait ${wait - 1} more blocks`, blocksToWait: wait - 1 } as const);
  });
}

/**
 * The timelocked field of `text`: SCALE-encoded, encrypted to the reveal round of the Python SDK's
 * formula. A `blocksUntilReveal` below 1 is a `ChainArgument`, a round not after
 * `Drand.LastStoredRound` (a wrong clock) is `RevealRoundTooEarly`.
 */
function timelockField(ctx: ClientContext, text: string, blocksUntilReveal: number, blockTimeSeconds: number, nowSeconds: number | undefined): ResultAsync<{ readonly field: CommitmentField; readonly round: bigint }, CommitmentError> {
  // revealRound accepts 0 (a round due now); a commitment must reveal strictly later.
  if (typeof blocksUntilReveal !== "number" || !Number.isSafeInteger(blocksUntilReveal) || blocksUntilReveal <= 0) {
    return errAsync(chainArgument("blocksUntilReveal", blocksUntilReveal, "a positive integer"));
  }
  const round = revealRound(blocksUntilReveal, blockTimeSeconds, nowSeconds);
  if (round.isErr()) return errAsync(round.error);
  // The commitments pallet reveals any round whose pulse is stored, at once (chain.md §3.6).
  return readLastStoredRound(ctx)
    .andThen((last) => checkRevealRoundAhead(BigInt(round.value), last, { allowStored: false }))
    .andThen((ahead) => timelockEncrypt(encodeCommitmentPayload(text), ahead).map((ciphertext) => ({ field: { kind: "timelock" as const, ciphertext, revealRound: ahead }, round: ahead })));
}

/**
 * Commits `text` timelocked ({@link timelockField}): checks registration, size and space budget,
 * then sends `set_commitment` signed by the hotkey. Nothing is sent when a check fails.
 */
export function commitTimelocked(ctx: ClientContext, params: CommitTimelockedParameters): ResultAsync<CommitmentReceipt, CommitmentError> {
  const { netuid, text, signer, blocksUntilReveal = 360, blockTimeSeconds = 12, nowSeconds, ...options } = params;
  return timelockField(ctx, text, blocksUntilReveal, blockTimeSeconds, nowSeconds).andThen(({ field, round }) => precheckAndSend(ctx, netuid, [field], signer, options, round));
}

/** Inputs of {@link precheckCommitment}. */
export interface PrecheckCommitmentParameters {
  readonly netuid: number;
  /** The hotkey that would sign (SS58); no secret is needed. */
  readonly hotkey: string;
  readonly text: string;
  /** A plain commitment (`RawN`) instead of a timelocked one. @default false */
  readonly plain?: boolean;
  /** @default 360 */
  readonly blocksUntilReveal?: number;
  /** @default 12 */
  readonly blockTimeSeconds?: number;
  readonly nowSeconds?: number;
}

/** What a commitment would be, had it been sent now. */
export interface CommitmentPlan {
  readonly revealRound: bigint | null;
  /** Space it would be charged against `MaxSpace`. */
  readonly costBytes: number;
}

/**
 * Every check {@link commitTimelocked} (or {@link commitPlain}) makes before sending, sending
 * nothing: the reveal round, registration, field size, the space budget and the rate limit
 * (`crusades submit --dry-run`).
 */
export function precheckCommitment(ctx: ClientContext, params: PrecheckCommitmentParameters): ResultAsync<CommitmentPlan, CommitmentError> {
  const { netuid, hotkey, text, plain = false, blocksUntilReveal = 360, blockTimeSeconds = 12, nowSeconds } = params;
  const field: ResultAsync<{ readonly field: CommitmentField; readonly round: bigint | null }, CommitmentError> =
    plain ? okAsync({ field: rawField(text), round: null }) : timelockField(ctx, text, blocksUntilReveal, blockTimeSeconds, nowSeconds);
  return field.andThen(({ field: f, round }) => precheck(ctx, netuid, [f], hotkey).map(({ costBytes }) => ({ revealRound: round, costBytes })));
}

const rawField = (data: string | Uint8Array): CommitmentField => ({ kind: "raw", data: typeof data === "string" ? new TextEncoder().encode(data) : data });

/** Commits plain bytes (a `RawN` field, at most 128 bytes; a string is sent as its UTF-8). */
export function commitPlain(
  ctx: ClientContext,
  params: { readonly netuid: number; readonly data: string | Uint8Array; readonly signer: KeyringPair } & SubmitOptions,
): ResultAsync<CommitmentReceipt, CommitmentError> {
  const { netuid, data, signer, ...options } = params;
  return precheckAndSend(ctx, netuid, [rawField(data)], signer, options, null);
}

/**
 * The `api.at` decoration of `blockHash` (`undefined` for the head) once `netuid` is known to be a
 * subnet there: an unknown netuid has no entries, which must not read as "no commitments".
 */
function pinSubnet(ctx: ClientContext, netuid: number, blockHash: string | undefined): ResultAsync<unknown, CommitmentError> {
  return call(ctx, "pin the block", async () => (blockHash ? ctx.api.at(blockHash) : undefined)).andThen((at) => checkSubnetAt(ctx, netuid, at).map(() => at));
}

/** The revealed commitments of every hotkey of `netuid`, each with every kept entry (oldest first); `SubnetNotFound` for an unknown netuid. */
export function readRevealedCommitments(
  ctx: ClientContext,
  netuid: number,
  options: { readonly blockHash?: string } = {},
): ResultAsync<ReadonlyMap<string, readonly RevealedCommitment[]>, CommitmentError> {
  const n = checkU16(netuid, "netuid");
  if (n.isErr()) return errAsync(n.error);
  return pinSubnet(ctx, netuid, options.blockHash).andThen((at) => {
    const item = storageItem(ctx, "commitments", "revealedCommitments", at);
    if (item.isErr()) return errAsync(item.error);
    return call(ctx, "read Commitments.RevealedCommitments entries", () => item.value.entries(netuid)).andThen((entries) => {
      const out = new Map<string, readonly RevealedCommitment[]>();
      for (const [key, value] of entries) {
        const decoded = revealedCommitmentsFromCodec(value);
        if (decoded.isErr()) return errAsync(decoded.error);
        out.set(encodeAddress(key.args[1]!.toU8a(), SS58_PREFIX), decoded.value);
      }
      return okAsync(out as ReadonlyMap<string, readonly RevealedCommitment[]>);
    });
  });
}

/**
 * The revealed commitments of one hotkey (empty when none), optionally at a pinned block: the
 * validator's gap recovery reads older states of one hotkey's list (crusades.md §C.1 step 5).
 */
export function readRevealedCommitmentsOf(
  ctx: ClientContext,
  netuid: number,
  hotkey: string,
  options: { readonly blockHash?: string } = {},
): ResultAsync<readonly RevealedCommitment[], CommitmentError> {
  const id = accountIdOf(hotkey);
  if (id.isErr()) return errAsync(id.error);
  if (options.blockHash === undefined) return read(ctx, "commitments", "revealedCommitments", [netuid, id.value]).andThen((v) => revealedCommitmentsFromCodec(v));
  return call(ctx, "pin the block", () => ctx.api.at(options.blockHash!)).andThen((at) => {
    const item = storageItem(ctx, "commitments", "revealedCommitments", at);
    if (item.isErr()) return errAsync(item.error);
    return call(ctx, "read Commitments.RevealedCommitments", () => item.value(netuid, id.value)).andThen((v) => revealedCommitmentsFromCodec(v));
  });
}

function storedField(field: Record<string, unknown>): StoredCommitmentField {
  const [variant, value] = Object.entries(field)[0] ?? ["none", null];
  if (/^raw\d+$/i.test(variant)) return { kind: "raw", data: hexToU8a(value as string) };
  if (variant === "bigRaw") return { kind: "bigRaw", data: hexToU8a(value as string) };
  if (variant === "timelockEncrypted") {
    const t = value as { encrypted: string; revealRound: number | string };
    return { kind: "timelock", ciphertext: hexToU8a(t.encrypted), revealRound: BigInt(t.revealRound) };
  }
  return { kind: "other", variant, value };
}

function storedCommitment(json: { block: number; deposit: number | string; info: { fields: Record<string, unknown>[] } }): StoredCommitment {
  return { block: json.block, deposit: BigInt(json.deposit), fields: json.info.fields.map(storedField) };
}

/**
 * Every hotkey's `CommitmentOf` entry on `netuid` (pending timelocked or plain), optionally at a
 * pinned block: the source of plain commitments for a validator that accepts them. An unknown
 * netuid is `SubnetNotFound`.
 */
export function readCommitments(
  ctx: ClientContext,
  netuid: number,
  options: { readonly blockHash?: string } = {},
): ResultAsync<ReadonlyMap<string, StoredCommitment>, CommitmentError> {
  const n = checkU16(netuid, "netuid");
  if (n.isErr()) return errAsync(n.error);
  return pinSubnet(ctx, netuid, options.blockHash).andThen((at) => {
    const item = storageItem(ctx, "commitments", "commitmentOf", at);
    if (item.isErr()) return errAsync(item.error);
    return call(ctx, "read Commitments.CommitmentOf entries", () => item.value.entries(netuid)).map((entries) => {
      const out = new Map<string, StoredCommitment>();
      for (const [key, value] of entries) {
        const json = value.toJSON() as Parameters<typeof storedCommitment>[0] | null;
        if (json !== null) out.set(encodeAddress(key.args[1]!.toU8a(), SS58_PREFIX), storedCommitment(json));
      }
      return out as ReadonlyMap<string, StoredCommitment>;
    });
  });
}

/** `CommitmentOf(netuid, hotkey)`: the pending (still encrypted) or plain commitment, or `null`. */
export function readCommitment(ctx: ClientContext, netuid: number, hotkey: string): ResultAsync<StoredCommitment | null, CommitmentError> {
  const id = accountIdOf(hotkey);
  if (id.isErr()) return errAsync(id.error);
  return read(ctx, "commitments", "commitmentOf", [netuid, id.value]).map((v) => {
    const json = v.toJSON() as Parameters<typeof storedCommitment>[0] | null;
    return json === null ? null : storedCommitment(json);
  });
}
