/**
 * Submission fees on a live chain (crusades.md §C.8): the miner's payment (add_stake, then
 * transfer_stake of exactly the new alpha, with a receipt) and the validator's verification of a
 * referenced payment at its block, with the archive node first where one is given.
 * @module
 */
import type { KeyringPair } from "@polkadot/keyring/types";
import type { Codec } from "@polkadot/types/types";
import { encodeAddress } from "@polkadot/util-crypto";
import { err, ok, ResultAsync, type Result } from "neverthrow";
import { accountIdOf, checkU16, checkU64, SS58_PREFIX } from "../args.js";
import { applyCall, type ChainCall, type TxDecorator } from "../calls.js";
import type { ChainArgumentError, CodecError, InvalidAddressError, UnsupportedCallError } from "../errors.js";
import {
  addStakeCall,
  checkPaymentAge,
  DEFAULT_PAYMENT_FEE_RAO,
  DEFAULT_PAYMENT_MAX_AGE_BLOCKS,
  expectedAlpha,
  findPayment,
  minimumAlpha,
  PAYMENT_FEE_BUFFER_RAO,
  PAYMENT_LOOKBACK_BLOCKS,
  paymentBlockFromCodecs,
  paymentIdKey,
  paymentRejected,
  transferStakeCall,
  verifyPaymentFacts,
  type AcceptedPayment,
  type EventRecordLike,
  type ExtrinsicCodecLike,
  type PaymentBlock,
  type PaymentId,
  type PaymentReference,
  type PaymentRejectedError,
  type PoolState,
} from "../payment.js";
import { call, storageItem, type ClientContext } from "./context.js";
import type { ChainRpcError, ChainTimeoutError } from "./errors.js";
import { submitCall, type SubmitError, type SubmitOptions, type TransactionOutcome } from "./submit.js";

type Transient = ChainTimeoutError | ChainRpcError;

/** A pre-check of the miner's payment failed: nothing was sent. */
export interface PaymentPrecheckError {
  readonly type: "PaymentPrecheck";
  readonly message: string;
  readonly check: "burn-uid-not-found" | "destination-unresolved" | "insufficient-balance" | "declined";
}

/**
 * The payment stopped after something was sent. `stage` says where: after `add_stake` the fee is
 * staked on the burn hotkey under the miner's coldkey (not lost: it can be unstaked); after
 * `transfer_stake` the fee is paid but the extrinsic could not be located.
 */
export interface PaymentIncompleteError {
  readonly type: "PaymentIncomplete";
  readonly message: string;
  readonly stage: "add-stake" | "no-new-alpha" | "transfer-stake" | "locate";
  readonly stakeOutcome: TransactionOutcome | null;
  readonly transferOutcome: TransactionOutcome | null;
  readonly cause: unknown;
}

/**
 * A read failed after its retries (timeout or RPC error, on the archive node and the normal node):
 * the verification is undecided and should be retried (`payment_pending_retry`, §C.8 [PROJECT]).
 */
export interface PaymentTransientError {
  readonly type: "PaymentTransient";
  readonly message: string;
  readonly cause: Transient;
}

/** Errors of {@link payFee}. */
export type PayFeeError =
  | ChainArgumentError
  | InvalidAddressError
  | UnsupportedCallError
  | CodecError
  | PaymentPrecheckError
  | PaymentIncompleteError
  | SubmitError
  | Transient;

/** Errors of {@link verifyPayment}. */
export type VerifyPaymentError = ChainArgumentError | InvalidAddressError | PaymentRejectedError | PaymentTransientError;

/** What the miner is about to pay, shown before confirmation. */
export interface PaymentQuote {
  readonly netuid: number;
  readonly burnHotkey: string;
  readonly destination: string;
  readonly coldkey: string;
  readonly feeRao: bigint;
  /** The AMM quote at the current pool state. */
  readonly expectedAlpha: bigint;
  /** What validators require: `floor(0.9 × quote)`. */
  readonly minAlpha: bigint;
  readonly freeBalanceRao: bigint;
}

/** The miner's record of a payment (crusades.md §B.7 step 8 adds the commitment's fields). */
export interface PaymentReceipt extends PaymentQuote {
  /** `post − pre` stake on the burn hotkey: the alpha transferred. */
  readonly alphaAmount: bigint;
  readonly reference: PaymentReference;
  readonly blockHash: string;
  readonly paymentId: string;
  readonly stakeOutcome: TransactionOutcome;
  readonly transferOutcome: TransactionOutcome;
}

/** Inputs of {@link payFee}. */
export interface PayFeeParameters extends SubmitOptions {
  readonly netuid: number;
  /** `burn_uid`: its hotkey receives the stake; its owner is the default destination. */
  readonly burnUid: number;
  /** The miner's coldkey (it signs both calls). */
  readonly coldkey: KeyringPair;
  /** @default 50_000_000n (0.05 TAO) */
  readonly feeRao?: bigint;
  /** `payment.payment_address`; empty or absent: the owner of the burn uid's hotkey. */
  readonly paymentAddress?: string;
  /** Asked after every pre-check and before anything is sent; `false` declines. Absent: no question. */
  readonly confirm?: (quote: PaymentQuote) => boolean | Promise<boolean>;
  /**
   * Delay between the look-back tries when the transfer's index is not known, in ms.
   * @default 3000
   */
  readonly lookbackDelayMs?: number;
}

/** Inputs of {@link verifyPayment}. */
export interface VerifyPaymentParameters {
  readonly netuid: number;
  readonly burnUid: number;
  /** The committing hotkey (its owner must have signed the payment). */
  readonly hotkey: string;
  /** The commitment's uid: the burn uid is exempt. */
  readonly uid: number;
  /** `(payment_block, extrinsic_index)` of the commitment's payment form; `null` for the legacy form. */
  readonly reference: PaymentReference | null;
  /** The commitment's reveal block (recency checks). */
  readonly revealBlock: number;
  /** `payment.enabled`. @default true */
  readonly enabled?: boolean;
  /** @default 50_000_000n */
  readonly feeRao?: bigint;
  readonly paymentAddress?: string;
  /** @default 7200 */
  readonly maxAgeBlocks?: number;
  /**
   * Payments already recorded for other submissions, as {@link paymentIdKey} strings. Leave out
   * the submission being verified, so that re-verifying it is accepted (idempotent).
   */
  readonly usedPayments?: ReadonlySet<string>;
  /** Or a store look-up with the same meaning (e.g. the `verified_payments` table). */
  readonly isPaymentUsed?: (id: PaymentId) => boolean | Promise<boolean>;
  /** Archive node for reads at the payment block, tried before this client's node. */
  readonly archive?: { readonly api: ClientContext["api"] };
  /** Extra attempts of each read. @default 2 */
  readonly retries?: number;
  /** @default 1000 */
  readonly retryDelayMs?: number;
}

/** An accepted or exempt payment. */
export type PaymentVerification =
  | { readonly status: "exempt"; readonly reason: "payments-disabled" | "burn-uid" }
  | {
      readonly status: "accepted";
      readonly payment: AcceptedPayment;
      /** Which pool state the quote came from: the payment block's, or the current one when that was unavailable. */
      readonly quoteAt: "payment-block" | "current";
      /** Where the miner's coldkey was read. */
      readonly minerColdkeyAt: "payment-block" | "latest";
      readonly expectedAlpha: bigint;
    };

const ZERO_ACCOUNT = new Uint8Array(32);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function accountOrNull(codec: Codec): string | null {
  const bytes = codec.toU8a(true);
  if (bytes.length !== 32 || bytes.every((b, i) => b === ZERO_ACCOUNT[i])) return null;
  return encodeAddress(bytes, SS58_PREFIX);
}

/** Reads `pallet.item(args)` at `hash` (or the head), `null` when the runtime lacks the item. */
function readAt(ctx: ClientContext, pallet: string, item: string, args: readonly unknown[], hash?: string): ResultAsync<Codec | null, Transient> {
  return call(ctx, `read ${pallet}.${item}${hash ? ` at ${hash}` : ""}`, async () => {
    const at = hash ? await ctx.api.at(hash) : undefined;
    const fn = storageItem(ctx, pallet, item, at);
    return fn.isOk() ? fn.value(...args) : null;
  });
}

/** `Keys(netuid, uid)`: the uid's hotkey, `null` when the uid is empty. */
export function readHotkeyOfUid(ctx: ClientContext, netuid: number, uid: number, hash?: string): ResultAsync<string | null, Transient> {
  return readAt(ctx, "subtensorModule", "keys", [netuid, uid], hash).map((v) => (v ? accountOrNull(v) : null));
}

/** `Owner(hotkey)`: the coldkey that owns a hotkey, `null` when none. */
export function readOwner(ctx: ClientContext, hotkey: string, hash?: string): ResultAsync<string | null, Transient> {
  return readAt(ctx, "subtensorModule", "owner", [hotkey], hash).map((v) => (v ? accountOrNull(v) : null));
}

/** `SubnetMechanism` (1 = dynamic), `SubnetTAO`, `SubnetAlphaIn` of `netuid`. */
export function readPool(ctx: ClientContext, netuid: number, hash?: string): ResultAsync<PoolState, Transient> {
  return ResultAsync.combine([
    readAt(ctx, "subtensorModule", "subnetMechanism", [netuid], hash),
    readAt(ctx, "subtensorModule", "subnetTAO", [netuid], hash),
    readAt(ctx, "subtensorModule", "subnetAlphaIn", [netuid], hash),
  ]).map(([mechanism, tao, alpha]) => ({
    dynamic: mechanism !== null && Number(mechanism.toString()) === 1,
    taoIn: tao ? BigInt(tao.toString()) : 0n,
    alphaIn: alpha ? BigInt(alpha.toString()) : 0n,
  }));
}

/** The raw bits of a `U64F64` (`{ bits }`), or `null` for a plain integer. */
function fixedBits(codec: Codec): bigint | null {
  const json = codec.toJSON() as unknown;
  if (typeof json === "object" && json !== null && "bits" in json) return BigInt(String((json as { bits: unknown }).bits ?? 0));
  return null;
}

/**
 * The alpha `coldkey` has staked on `hotkey` in `netuid`, through the runtime API
 * `StakeInfoRuntimeApi.get_stake_info_for_hotkey_coldkey_netuid` where the chain has it. Otherwise
 * from storage: `Alpha(hotkey, coldkey, netuid)` is the amount itself on runtimes that store a
 * u64 (spec 218), and a `U64F64` share on those that store shares, worth
 * `share × TotalHotkeyAlpha / TotalHotkeyShares`. (Spec 424's `AlphaV2` float shares are not read
 * from storage: that runtime has the runtime API.)
 */
export function readStake(ctx: ClientContext, coldkey: string, hotkey: string, netuid: number): ResultAsync<bigint, Transient> {
  const api = (ctx.api.call as unknown as Record<string, Record<string, ((...a: unknown[]) => Promise<Codec>) | undefined> | undefined>)["stakeInfoRuntimeApi"];
  const runtimeCall = api?.["getStakeInfoForHotkeyColdkeyNetuid"];
  if (runtimeCall) {
    return call(ctx, "call StakeInfoRuntimeApi.get_stake_info_for_hotkey_coldkey_netuid", () => runtimeCall(hotkey, coldkey, netuid)).map((v) => {
      const json = v.toJSON() as { stake?: number | string } | null;
      return json?.stake === undefined ? 0n : BigInt(json.stake);
    });
  }
  return ResultAsync.combine([
    readAt(ctx, "subtensorModule", "alpha", [hotkey, coldkey, netuid]),
    readAt(ctx, "subtensorModule", "totalHotkeyAlpha", [hotkey, netuid]),
    readAt(ctx, "subtensorModule", "totalHotkeyShares", [hotkey, netuid]),
  ]).map(([alpha, total, totalShares]) => {
    if (!alpha) return 0n;
    const share = fixedBits(alpha);
    if (share === null) return BigInt(alpha.toString());
    const shares = totalShares ? fixedBits(totalShares) : null;
    if (!total || shares === null || shares === 0n) return 0n;
    return (share * BigInt(total.toString())) / shares;
  });
}

/**
 * The TAO value of all alpha staked on `hotkey` in `netuid` (`TotalHotkeyAlpha`), in rao: on a
 * dynamic subnet at the pool's price `SubnetTAO / SubnetAlphaIn`, on a stable one one to one. This
 * is the stake a compute miner holds a calling validator to (compute.md §4.5 step 6).
 */
export function readHotkeyStakeTaoRao(ctx: ClientContext, hotkey: string, netuid: number): ResultAsync<bigint, Transient> {
  return ResultAsync.combine([readAt(ctx, "subtensorModule", "totalHotkeyAlpha", [hotkey, netuid]), readPool(ctx, netuid)]).map(([alpha, pool]) => {
    const amount = alpha ? BigInt(alpha.toString()) : 0n;
    if (!pool.dynamic) return amount;
    return pool.alphaIn === 0n ? 0n : (amount * pool.taoIn) / pool.alphaIn;
  });
}

/** Free balance of an account, in rao. */
export function readFreeBalance(ctx: ClientContext, address: string): ResultAsync<bigint, Transient> {
  return readAt(ctx, "system", "account", [address]).map((v) => {
    const json = v?.toJSON() as { data?: { free?: number | string } } | null;
    return BigInt(json?.data?.free ?? 0);
  });
}

/** A block's extrinsics and failed indexes, `null` when the node has no block at that number. */
export function readPaymentBlock(ctx: ClientContext, blockNumber: number): ResultAsync<PaymentBlock | null, Transient> {
  return call(ctx, `read block ${blockNumber}`, async () => {
    const best = (await ctx.api.rpc.chain.getHeader()).number.toNumber();
    if (blockNumber > best) return null;
    const hash = await ctx.api.rpc.chain.getBlockHash(blockNumber);
    if (hash.isEmpty) return null;
    const [signed, at] = await Promise.all([ctx.api.rpc.chain.getBlock(hash), ctx.api.at(hash)]);
    const events = (await (at.query as unknown as { system: { events(): Promise<Iterable<EventRecordLike>> } }).system.events()) ?? [];
    return paymentBlockFromCodecs(blockNumber, hash.toHex(), signed.block.extrinsics as unknown as Iterable<ExtrinsicCodecLike>, events);
  });
}

/** Resolves the fee's destination: `paymentAddress`, or the owner of the burn uid's hotkey. */
function resolveDestination(ctx: ClientContext, burnHotkey: string, paymentAddress: string | undefined): ResultAsync<string | null, Transient | InvalidAddressError> {
  if (paymentAddress !== undefined && paymentAddress !== "") {
    const id = accountIdOf(paymentAddress);
    if (id.isErr()) return new ResultAsync(Promise.resolve(err(id.error)));
    return new ResultAsync(Promise.resolve(ok(encodeAddress(id.value, SS58_PREFIX))));
  }
  return readOwner(ctx, burnHotkey);
}

/**
 * The miner's look-back (§C.8 step 5): 5, then 10, then 20 blocks back from the head, `delayMs`
 * apart; the first matching `transfer_stake`, or `null`.
 */
export function locatePayment(
  ctx: ClientContext,
  search: { readonly coldkey: string; readonly destination: string; readonly netuid: number; readonly delayMs?: number; readonly lookbacks?: readonly number[] },
): ResultAsync<(PaymentReference & { readonly blockHash: string; readonly alphaAmount: bigint }) | null, Transient> {
  const { delayMs = 3000, lookbacks = PAYMENT_LOOKBACK_BLOCKS } = search;
  return new ResultAsync(
    (async (): Promise<Result<(PaymentReference & { blockHash: string; alphaAmount: bigint }) | null, Transient>> => {
      const seen = new Map<number, PaymentBlock>();
      for (const [attempt, back] of lookbacks.entries()) {
        if (attempt > 0) await sleep(delayMs);
        const head = await call(ctx, "read the block header", () => ctx.api.rpc.chain.getHeader());
        if (head.isErr()) return err(head.error);
        const now = head.value.number.toNumber();
        for (let n = now; n >= Math.max(0, now - back); n--) {
          if (seen.has(n)) continue;
          const block = await readPaymentBlock(ctx, n);
          if (block.isErr()) return err(block.error);
          if (block.value) seen.set(n, block.value);
        }
        const found = findPayment([...seen.values()], search);
        if (found) return ok(found);
      }
      return ok(null);
    })(),
  );
}

/** Inputs of {@link quoteFee}: {@link PayFeeParameters} with the coldkey's address instead of its key. */
export interface QuoteFeeParameters {
  readonly netuid: number;
  readonly burnUid: number;
  /** The coldkey that would pay (SS58): its free balance is checked. */
  readonly coldkeyAddress: string;
  /** @default 50_000_000n (0.05 TAO) */
  readonly feeRao?: bigint;
  readonly paymentAddress?: string;
}

/** Errors of {@link quoteFee}: pre-checks only, nothing is ever sent. */
export type QuoteFeeError = Exclude<PayFeeError, PaymentIncompleteError>;

/**
 * Every pre-check of {@link payFee} and the quote it would confirm, without sending anything and
 * without the coldkey's secret: the burn uid's hotkey, the destination, a free balance of
 * `fee + 0.1 TAO`, the runtime's `add_stake` and `transfer_stake`, the pool's quote
 * (`crusades submit --dry-run`).
 */
export function quoteFee(ctx: ClientContext, params: QuoteFeeParameters): ResultAsync<PaymentQuote, QuoteFeeError> {
  return new ResultAsync(prepareFee(ctx, params)).map((prepared) => prepared.quote);
}

async function prepareFee(ctx: ClientContext, params: QuoteFeeParameters): Promise<Result<{ readonly quote: PaymentQuote; readonly stakeCall: ChainCall }, QuoteFeeError>> {
  const { netuid, burnUid, coldkeyAddress, feeRao = DEFAULT_PAYMENT_FEE_RAO, paymentAddress } = params;
  const checked = checkU16(netuid, "netuid")
    .andThen(() => checkU16(burnUid, "burnUid"))
    .andThen(() => checkU64(feeRao, "feeRao"));
  if (checked.isErr()) return err(checked.error);
  const burnHotkey = await readHotkeyOfUid(ctx, netuid, burnUid);
  if (burnHotkey.isErr()) return err(burnHotkey.error);
  if (burnHotkey.value === null) {
    return err({ type: "PaymentPrecheck", check: "burn-uid-not-found", message: `uid ${burnUid} has no hotkey on subnet ${netuid}` });
  }
  const hotkey = burnHotkey.value;
  const destination = await resolveDestination(ctx, hotkey, paymentAddress);
  if (destination.isErr()) return err(destination.error);
  if (destination.value === null) {
    return err({ type: "PaymentPrecheck", check: "destination-unresolved", message: `the burn hotkey ${hotkey} has no owner coldkey` });
  }
  const dest = destination.value;
  const balance = await readFreeBalance(ctx, coldkeyAddress);
  if (balance.isErr()) return err(balance.error);
  const needed = feeRao + PAYMENT_FEE_BUFFER_RAO;
  if (balance.value < needed) {
    return err({
      type: "PaymentPrecheck",
      check: "insufficient-balance",
      message: `coldkey ${coldkeyAddress} has ${balance.value} rao free; the fee needs ${needed} (${feeRao} + ${PAYMENT_FEE_BUFFER_RAO} for transaction fees)`,
    });
  }
  // Both calls must exist on this runtime before the first is sent (spec 218 lacks transfer_stake).
  const stakeCall = addStakeCall(hotkey, netuid, feeRao);
  if (stakeCall.isErr()) return err(stakeCall.error);
  for (const probe of [stakeCall.value, { pallet: "subtensorModule", call: "transferStake", args: [dest, hotkey, netuid, netuid, "1"] }]) {
    const built = applyCall(ctx.api.tx as unknown as TxDecorator, probe);
    if (built.isErr()) return err(built.error);
  }
  const pool = await readPool(ctx, netuid);
  if (pool.isErr()) return err(pool.error);
  const quote: PaymentQuote = {
    netuid,
    burnHotkey: hotkey,
    destination: dest,
    coldkey: coldkeyAddress,
    feeRao,
    expectedAlpha: expectedAlpha(pool.value, feeRao),
    minAlpha: minimumAlpha(pool.value, feeRao),
    freeBalanceRao: balance.value,
  };
  return ok({ quote, stakeCall: stakeCall.value });
}

/**
 * Pays the submission fee (§C.8 miner side). Pre-checks, which send nothing ({@link quoteFee}),
 * then `confirm`. Then `add_stake(burn_hotkey, netuid, fee)` and
 * `transfer_stake(dest, burn_hotkey, netuid, netuid, post − pre)`, both signed by the coldkey, and
 * the transfer's `(block, index)` from its inclusion (or the look-back when the node did not say).
 *
 * @returns The receipt, or `PaymentPrecheck` (nothing sent), `UnsupportedCall` (the runtime lacks a
 *   call; nothing sent), `PaymentIncomplete` (something was sent; `stage` says what), or a chain error.
 */
export function payFee(ctx: ClientContext, params: PayFeeParameters): ResultAsync<PaymentReceipt, PayFeeError> {
  const { netuid, burnUid, coldkey, feeRao = DEFAULT_PAYMENT_FEE_RAO, paymentAddress, confirm, lookbackDelayMs = 3000, ...submit } = params;
  const run = async (): Promise<Result<PaymentReceipt, PayFeeError>> => {
    const coldkeyAddress = encodeAddress(coldkey.publicKey, SS58_PREFIX);
    const prepared = await prepareFee(ctx, { netuid, burnUid, coldkeyAddress, feeRao, ...(paymentAddress === undefined ? {} : { paymentAddress }) });
    if (prepared.isErr()) return err(prepared.error);
    const { quote, stakeCall } = prepared.value;
    const hotkey = quote.burnHotkey;
    const dest = quote.destination;
    if (confirm && !(await confirm(quote))) {
      return err({ type: "PaymentPrecheck", check: "declined", message: "the payment was declined at confirmation; nothing was sent" });
    }
    const pre = await readStake(ctx, coldkeyAddress, hotkey, netuid);
    if (pre.isErr()) return err(pre.error);
    const staked = await submitCall(ctx, stakeCall, coldkey, submit);
    if (staked.isErr()) {
      return err(incomplete("add-stake", `add_stake failed: ${staked.error.message}`, null, null, staked.error));
    }
    const post = await readStake(ctx, coldkeyAddress, hotkey, netuid);
    if (post.isErr()) return err(incomplete("no-new-alpha", `the stake after add_stake could not be read: ${post.error.message}`, staked.value, null, post.error));
    const newAlpha = post.value - pre.value;
    if (newAlpha <= 0n) {
      return err(incomplete("no-new-alpha", `add_stake created no alpha (stake ${pre.value} → ${post.value})`, staked.value, null, undefined));
    }
    const transfer = transferStakeCall({ destinationColdkey: dest, hotkey, originNetuid: netuid, destinationNetuid: netuid, alphaAmount: newAlpha });
    if (transfer.isErr()) return err(transfer.error);
    const sent = await submitCall(ctx, transfer.value, coldkey, submit);
    if (sent.isErr()) {
      return err(incomplete("transfer-stake", `transfer_stake failed; ${newAlpha} alpha stays staked on ${hotkey} under ${coldkeyAddress}: ${sent.error.message}`, staked.value, null, sent.error));
    }
    const located = await locateSent(ctx, sent.value, { coldkey: coldkeyAddress, destination: dest, netuid, delayMs: lookbackDelayMs });
    if (located.isErr() || located.value === null) {
      const cause = located.isErr() ? located.error : undefined;
      return err(incomplete("locate", `the fee was paid (tx ${sent.value.txHash}) but the payment could not be located; keep this receipt`, staked.value, sent.value, cause));
    }
    const { blockHash, ...reference } = located.value;
    return ok({
      ...quote,
      alphaAmount: newAlpha,
      reference: { blockNumber: reference.blockNumber, extrinsicIndex: reference.extrinsicIndex },
      blockHash,
      paymentId: paymentIdKey({ blockHash, extrinsicIndex: reference.extrinsicIndex }),
      stakeOutcome: staked.value,
      transferOutcome: sent.value,
    });
  };
  return new ResultAsync(run());
}

function incomplete(
  stage: PaymentIncompleteError["stage"],
  message: string,
  stakeOutcome: TransactionOutcome | null,
  transferOutcome: TransactionOutcome | null,
  cause: unknown,
): PaymentIncompleteError {
  return { type: "PaymentIncomplete", message, stage, stakeOutcome, transferOutcome, cause };
}

/** The transfer's `(block, index)` from its inclusion, checked against the block; else the look-back. */
function locateSent(
  ctx: ClientContext,
  outcome: TransactionOutcome,
  search: { readonly coldkey: string; readonly destination: string; readonly netuid: number; readonly delayMs: number },
): ResultAsync<(PaymentReference & { readonly blockHash: string }) | null, Transient> {
  return call(ctx, "read the payment block header", () => ctx.api.rpc.chain.getHeader(outcome.blockHash)).andThen((header) => {
    const blockNumber = header.number.toNumber();
    return readPaymentBlock(ctx, blockNumber).andThen((block) => {
      const found = block && outcome.extrinsicIndex >= 0 ? findPayment([{ ...block, extrinsics: block.extrinsics.filter((x) => x.index === outcome.extrinsicIndex) }], search) : null;
      if (found && block && block.blockHash === outcome.blockHash.toLowerCase()) return new ResultAsync(Promise.resolve(ok(found)));
      return locatePayment(ctx, search);
    });
  });
}

async function withRetries<T>(sources: readonly ClientContext[], retries: number, delayMs: number, op: (ctx: ClientContext) => ResultAsync<T, Transient>): Promise<Result<T, Transient>> {
  let last: Result<T, Transient> | undefined;
  for (const source of sources) {
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(delayMs);
      last = await op(source);
      if (last.isOk()) return last;
    }
  }
  return last as Result<T, Transient>;
}

/**
 * Verifies the payment a commitment references (§C.8 validator side, with the project's checks):
 * exempt when payments are disabled or `uid` is the burn uid; otherwise the recency checks, then
 * the block and its events, the miner's coldkey (owner of `hotkey` at the payment block, falling
 * back to the latest state), the burn hotkey at the payment block, the destination, and the
 * minimum alpha quoted at the payment block (falling back to the current pool), then
 * {@link verifyPaymentFacts} and the reuse check.
 *
 * @returns The verification, or `PaymentRejected` with its reason, `PaymentTransient` (a read kept
 *   failing: record `payment_pending_retry` and retry), `ChainArgument` or `InvalidAddress`.
 */
export function verifyPayment(ctx: ClientContext, params: VerifyPaymentParameters): ResultAsync<PaymentVerification, VerifyPaymentError> {
  const {
    netuid,
    burnUid,
    hotkey,
    uid,
    reference,
    revealBlock,
    enabled = true,
    feeRao = DEFAULT_PAYMENT_FEE_RAO,
    paymentAddress,
    maxAgeBlocks = DEFAULT_PAYMENT_MAX_AGE_BLOCKS,
    usedPayments,
    isPaymentUsed,
    archive,
    retries = 2,
    retryDelayMs = 1000,
  } = params;
  const run = async (): Promise<Result<PaymentVerification, VerifyPaymentError>> => {
    const checked = checkU16(netuid, "netuid")
      .andThen(() => checkU16(burnUid, "burnUid"))
      .andThen(() => checkU64(feeRao, "feeRao"))
      .andThen(() => accountIdOf(hotkey));
    if (checked.isErr()) return err(checked.error);
    if (!enabled) return ok({ status: "exempt", reason: "payments-disabled" });
    if (uid === burnUid) return ok({ status: "exempt", reason: "burn-uid" });
    if (reference === null) return err(paymentRejected("missing-reference", "the commitment carries no payment reference", null));
    const age = checkPaymentAge(reference, revealBlock, maxAgeBlocks);
    if (age.isErr()) return err(age.error);
    const transient = (cause: Transient): PaymentTransientError => ({ type: "PaymentTransient", message: `payment verification undecided: ${cause.message}`, cause });
    const historical = archive ? [{ api: archive.api, timeoutMs: ctx.timeoutMs }, ctx] : [ctx];
    const read = <T>(sources: readonly ClientContext[], op: (c: ClientContext) => ResultAsync<T, Transient>) => withRetries(sources, retries, retryDelayMs, op);

    const block = await read(historical, (c) => readPaymentBlock(c, reference.blockNumber));
    if (block.isErr()) return err(transient(block.error));
    if (block.value === null) return err(paymentRejected("block-not-found", `no block ${reference.blockNumber} on the chain`, reference));
    const hash = block.value.blockHash;

    // Destination as the reference resolves it (current state); the burn hotkey as of the payment block.
    const currentBurn = await read([ctx], (c) => readHotkeyOfUid(c, netuid, burnUid));
    if (currentBurn.isErr()) return err(transient(currentBurn.error));
    let destination: string | null;
    if (paymentAddress !== undefined && paymentAddress !== "") {
      const id = accountIdOf(paymentAddress);
      if (id.isErr()) return err(id.error);
      destination = encodeAddress(id.value, SS58_PREFIX);
    } else {
      if (currentBurn.value === null) return err(paymentRejected("destination-unresolved", `uid ${burnUid} has no hotkey on subnet ${netuid}`, reference));
      const owner = await read([ctx], (c) => readOwner(c, currentBurn.value as string));
      if (owner.isErr()) return err(transient(owner.error));
      destination = owner.value;
    }
    if (destination === null) return err(paymentRejected("destination-unresolved", "the burn hotkey has no owner coldkey", reference));

    const burnAtPayment = await read(historical, (c) => readHotkeyOfUid(c, netuid, burnUid, hash));
    const burnHotkey = burnAtPayment.isOk() && burnAtPayment.value !== null ? burnAtPayment.value : currentBurn.value;
    if (burnHotkey === null) return err(paymentRejected("burn-hotkey-unknown", `uid ${burnUid} has no hotkey on subnet ${netuid}`, reference));

    let minerColdkeyAt: "payment-block" | "latest" = "payment-block";
    let miner = await read(historical, (c) => readOwner(c, hotkey, hash));
    if (miner.isErr() || miner.value === null) {
      minerColdkeyAt = "latest";
      miner = await read(historical, (c) => readOwner(c, hotkey));
    }
    if (miner.isErr()) return err(transient(miner.error));
    if (miner.value === null) return err(paymentRejected("miner-coldkey-unknown", `hotkey ${hotkey} has no owner coldkey`, reference));

    let quoteAt: "payment-block" | "current" = "payment-block";
    let pool = await read(historical, (c) => readPool(c, netuid, hash));
    if (pool.isErr()) {
      quoteAt = "current";
      pool = await read([ctx], (c) => readPool(c, netuid));
    }
    if (pool.isErr()) return err(transient(pool.error));

    const id: PaymentId = { blockHash: hash, extrinsicIndex: reference.extrinsicIndex };
    let reused = usedPayments?.has(paymentIdKey(id)) ?? false;
    if (!reused && isPaymentUsed) reused = await isPaymentUsed(id);

    const verdict = verifyPaymentFacts({
      reference,
      revealBlock,
      maxAgeBlocks,
      netuid,
      block: block.value,
      minerColdkey: miner.value,
      destination,
      burnHotkey,
      minAlpha: minimumAlpha(pool.value, feeRao),
      reused,
    });
    if (verdict.isErr()) return err(verdict.error);
    return ok({ status: "accepted", payment: verdict.value, quoteAt, minerColdkeyAt, expectedAlpha: expectedAlpha(pool.value, feeRao) });
  };
  return new ResultAsync(run());
}

/** A receipt as plain JSON (amounts as decimal strings), for the file `crusades submit` writes. */
export function paymentReceiptToJson(receipt: PaymentReceipt): Record<string, unknown> {
  return {
    netuid: receipt.netuid,
    coldkey: receipt.coldkey,
    burn_hotkey: receipt.burnHotkey,
    destination: receipt.destination,
    fee_rao: receipt.feeRao.toString(),
    expected_alpha: receipt.expectedAlpha.toString(),
    min_alpha: receipt.minAlpha.toString(),
    alpha_amount: receipt.alphaAmount.toString(),
    payment_block: receipt.reference.blockNumber,
    extrinsic_index: receipt.reference.extrinsicIndex,
    block_hash: receipt.blockHash,
    add_stake_tx: receipt.stakeOutcome.txHash,
    add_stake_block: receipt.stakeOutcome.blockHash,
    transfer_stake_tx: receipt.transferOutcome.txHash,
  };
}
