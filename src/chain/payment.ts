/**
 * Submission fees (crusades.md §C.8), the offline part: the two calls of a payment, decoding a
 * block's `transfer_stake` extrinsics and failed indexes, the AMM quote and minimum alpha, and the
 * acceptance rule as a pure function of facts read from the chain (the client reads them).
 * @module
 */
import { encodeAddress } from "@polkadot/util-crypto";
import { err, ok, type Result } from "neverthrow";
import { accountIdOf, checkU16, checkU64, SS58_PREFIX, toSs58 } from "./args.js";
import type { ChainCall } from "./calls.js";
import type { ChainArgumentError, InvalidAddressError } from "./errors.js";

/** Default fee: 0.05 TAO (crusades.md §I.1 `payment.fee_rao`). */
export const DEFAULT_PAYMENT_FEE_RAO = 50_000_000n;
/** Free balance the miner must hold beyond the fee, for the two transaction fees (0.1 TAO). */
export const PAYMENT_FEE_BUFFER_RAO = 100_000_000n;
/** Default `payment.max_age_blocks`: a payment older than this relative to its reveal is refused. */
export const DEFAULT_PAYMENT_MAX_AGE_BLOCKS = 7200;
/** The miner's look-back windows when locating its payment (§C.8 miner step 5). */
export const PAYMENT_LOOKBACK_BLOCKS: readonly number[] = Object.freeze([5, 10, 20]);

/** Where a payment is: `(payment_block, extrinsic_index)`, as the commitment's payment form carries it. */
export interface PaymentReference {
  readonly blockNumber: number;
  readonly extrinsicIndex: number;
}

/** A payment's identity for reuse checks: the block hash (not its number) and the extrinsic index. */
export interface PaymentId {
  /** `0x` hex, lower case. */
  readonly blockHash: string;
  readonly extrinsicIndex: number;
}

/** `"<blockHash>:<index>"`, the key of `verified_payments`' unique index (§C.8 step 6, §J.1). */
export function paymentIdKey(id: PaymentId): string {
  return `${id.blockHash.toLowerCase()}:${id.extrinsicIndex}`;
}

/** `SubtensorModule.add_stake(hotkey, netuid, amount_staked)`: stakes `amountRao` TAO, signed by the coldkey. */
export function addStakeCall(hotkey: string | Uint8Array, netuid: number, amountRao: bigint | number): Result<ChainCall, ChainArgumentError | InvalidAddressError> {
  return toSs58(hotkey).andThen((h) =>
    checkU16(netuid, "netuid").andThen((n) =>
      checkU64(amountRao, "amountRao").andThen((amount) =>
        amount === 0n ? err(zeroAmount("amountRao")) : ok({ pallet: "subtensorModule", call: "addStake", args: [h, n, amount.toString()] }),
      ),
    ),
  );
}

/** Inputs of {@link transferStakeCall}, in the call's argument order. */
export interface TransferStakeParameters {
  readonly destinationColdkey: string | Uint8Array;
  readonly hotkey: string | Uint8Array;
  readonly originNetuid: number;
  readonly destinationNetuid: number;
  readonly alphaAmount: bigint | number;
}

/**
 * `SubtensorModule.transfer_stake(destination_coldkey, hotkey, origin_netuid, destination_netuid,
 * alpha_amount)`: moves alpha staked on `hotkey` to another coldkey, signed by the current coldkey.
 */
export function transferStakeCall(params: TransferStakeParameters): Result<ChainCall, ChainArgumentError | InvalidAddressError> {
  return toSs58(params.destinationColdkey).andThen((dest) =>
    toSs58(params.hotkey).andThen((hotkey) =>
      checkU16(params.originNetuid, "originNetuid").andThen((origin) =>
        checkU16(params.destinationNetuid, "destinationNetuid").andThen((destination) =>
          checkU64(params.alphaAmount, "alphaAmount").andThen((alpha) =>
            alpha === 0n
              ? err(zeroAmount("alphaAmount"))
              : ok({ pallet: "subtensorModule", call: "transferStake", args: [dest, hotkey, origin, destination, alpha.toString()] }),
          ),
        ),
      ),
    ),
  );
}

function zeroAmount(argument: string): ChainArgumentError {
  return { type: "ChainArgument", message: `${argument} must be greater than 0`, argument, received: "0n" };
}

/** One extrinsic of a block as far as payments care. */
export interface BlockExtrinsic {
  readonly index: number;
  /** polkadot-js names, e.g. `subtensorModule` / `transferStake`. */
  readonly pallet: string;
  readonly call: string;
  /** SS58 (prefix 42) of the signer; `null` for an unsigned extrinsic (inherents). */
  readonly signer: string | null;
  /** The decoded `transfer_stake` arguments, `null` for any other call. */
  readonly transfer: TransferStakeArguments | null;
}

/** The arguments of a `transfer_stake` extrinsic, decoded. */
export interface TransferStakeArguments {
  readonly destinationColdkey: string;
  readonly hotkey: string;
  readonly originNetuid: number;
  readonly destinationNetuid: number;
  readonly alphaAmount: bigint;
}

/** A block's extrinsics and which of them failed (`System.ExtrinsicFailed` with `ApplyExtrinsic(i)`). */
export interface PaymentBlock {
  readonly blockNumber: number;
  readonly blockHash: string;
  readonly extrinsics: readonly BlockExtrinsic[];
  readonly failed: ReadonlySet<number>;
}

interface CodecLike {
  toU8a(bare?: boolean): Uint8Array;
  toString(): string;
  toJSON(): unknown;
}

/** The shape of a polkadot-js `GenericExtrinsic` that {@link decodeBlockExtrinsic} reads. */
export interface ExtrinsicCodecLike {
  readonly isSigned: boolean;
  readonly signer: CodecLike;
  readonly method: { readonly section: string; readonly method: string; readonly args: readonly CodecLike[]; readonly argsDef?: unknown };
}

/** The shape of a polkadot-js `EventRecord`. */
export interface EventRecordLike {
  readonly phase: { readonly isApplyExtrinsic: boolean; readonly asApplyExtrinsic: { toNumber(): number } };
  readonly event: { readonly section: string; readonly method: string };
}

/** Decodes one extrinsic of a block (any runtime: names come from its metadata). */
export function decodeBlockExtrinsic(extrinsic: ExtrinsicCodecLike, index: number): BlockExtrinsic {
  const { section, method, args } = extrinsic.method;
  const signer = extrinsic.isSigned ? encodeAddress(extrinsic.signer.toU8a(true).slice(-32), SS58_PREFIX) : null;
  let transfer: TransferStakeArguments | null = null;
  if (section === "subtensorModule" && method === "transferStake" && args.length === 5) {
    const [dest, hotkey, origin, destination, alpha] = args as [CodecLike, CodecLike, CodecLike, CodecLike, CodecLike];
    transfer = {
      destinationColdkey: encodeAddress(dest.toU8a(true), SS58_PREFIX),
      hotkey: encodeAddress(hotkey.toU8a(true), SS58_PREFIX),
      originNetuid: Number(origin.toString()),
      destinationNetuid: Number(destination.toString()),
      alphaAmount: BigInt(alpha.toString()),
    };
  }
  return { index, pallet: section, call: method, signer, transfer };
}

/** The indexes of the extrinsics for which `System.ExtrinsicFailed` was emitted. */
export function failedExtrinsicIndexes(events: Iterable<EventRecordLike>): ReadonlySet<number> {
  const failed = new Set<number>();
  for (const record of events) {
    if (record.phase.isApplyExtrinsic && record.event.section === "system" && record.event.method === "ExtrinsicFailed") {
      failed.add(record.phase.asApplyExtrinsic.toNumber());
    }
  }
  return failed;
}

/** A block from polkadot-js codecs: `SignedBlock.block.extrinsics` and `System.Events` at that block. */
export function paymentBlockFromCodecs(
  blockNumber: number,
  blockHash: string,
  extrinsics: Iterable<ExtrinsicCodecLike>,
  events: Iterable<EventRecordLike>,
): PaymentBlock {
  return { blockNumber, blockHash: blockHash.toLowerCase(), extrinsics: [...extrinsics].map(decodeBlockExtrinsic), failed: failedExtrinsicIndexes(events) };
}

/** A subnet's pool at some block: `SubnetMechanism` (1 = dynamic), `SubnetTAO`, `SubnetAlphaIn`. */
export interface PoolState {
  readonly dynamic: boolean;
  readonly taoIn: bigint;
  readonly alphaIn: bigint;
}

/**
 * The alpha that staking `feeRao` is quoted to create (§C.8 step 3): on a dynamic pool
 * `alpha_in − k / (tao_in + fee)` with `k = tao_in · alpha_in`, i.e. `alpha_in · fee / (tao_in + fee)`,
 * rounded down; 1:1 otherwise. Exact integer arithmetic (the reference uses floats; the two can
 * differ by one rao).
 */
export function expectedAlpha(pool: PoolState, feeRao: bigint): bigint {
  if (!pool.dynamic) return feeRao;
  const denominator = pool.taoIn + feeRao;
  return denominator === 0n ? 0n : (pool.alphaIn * feeRao) / denominator;
}

/** `floor(expected_alpha × 0.90)`, computed on the unrounded quote. */
export function minimumAlpha(pool: PoolState, feeRao: bigint): bigint {
  if (!pool.dynamic) return (feeRao * 9n) / 10n;
  const denominator = 10n * (pool.taoIn + feeRao);
  return denominator === 0n ? 0n : (9n * pool.alphaIn * feeRao) / denominator;
}

/** Why a payment was refused: each of §C.8's checks, named. */
export type PaymentRejectionReason =
  | "missing-reference"
  | "after-reveal"
  | "too-old"
  | "block-not-found"
  | "index-out-of-range"
  | "not-transfer-stake"
  | "unsigned"
  | "signer"
  | "destination"
  | "origin-netuid"
  | "destination-netuid"
  | "hotkey"
  | "amount-zero"
  | "amount-below-minimum"
  | "failed-extrinsic"
  | "reused"
  | "destination-unresolved"
  | "miner-coldkey-unknown"
  | "burn-hotkey-unknown";

/** A payment that does not satisfy §C.8; `reason` is the first check that failed. */
export interface PaymentRejectedError {
  readonly type: "PaymentRejected";
  readonly message: string;
  readonly reason: PaymentRejectionReason;
  readonly reference: PaymentReference | null;
}

/** Builds a {@link PaymentRejectedError}. */
export function paymentRejected(reason: PaymentRejectionReason, message: string, reference: PaymentReference | null): PaymentRejectedError {
  return { type: "PaymentRejected", message: `payment rejected (${reason}): ${message}`, reason, reference };
}

/** Everything the acceptance rule needs, read from the chain by the caller. */
export interface PaymentFacts {
  readonly reference: PaymentReference;
  /** The commitment's reveal block. */
  readonly revealBlock: number;
  /** @default 7200 */
  readonly maxAgeBlocks?: number;
  readonly netuid: number;
  /** The block at `reference.blockNumber`. */
  readonly block: PaymentBlock;
  /** Owner of the committing hotkey (as of the payment block where available), SS58. */
  readonly minerColdkey: string;
  /** The fee's destination coldkey, SS58. */
  readonly destination: string;
  /** The burn uid's hotkey as of the payment block, SS58. */
  readonly burnHotkey: string;
  /** `floor(0.9 × quote)`; 0 accepts any positive amount. */
  readonly minAlpha: bigint;
  /** `true` when `(block hash, index)` was already used by another submission. */
  readonly reused: boolean;
}

/** An accepted payment (what `verified_payments` records, plus the checks' inputs). */
export interface AcceptedPayment {
  readonly id: PaymentId;
  readonly reference: PaymentReference;
  readonly minerColdkey: string;
  readonly destination: string;
  readonly burnHotkey: string;
  readonly alphaAmount: bigint;
  readonly minAlpha: bigint;
}

/** The block-age checks that need no chain reads (§C.8 [PROJECT]). */
export function checkPaymentAge(reference: PaymentReference, revealBlock: number, maxAgeBlocks = DEFAULT_PAYMENT_MAX_AGE_BLOCKS): Result<PaymentReference, PaymentRejectedError> {
  if (reference.blockNumber > revealBlock) {
    return err(paymentRejected("after-reveal", `payment block ${reference.blockNumber} is after the reveal block ${revealBlock}`, reference));
  }
  if (revealBlock - reference.blockNumber > maxAgeBlocks) {
    return err(paymentRejected("too-old", `payment block ${reference.blockNumber} is ${revealBlock - reference.blockNumber} blocks before the reveal (max ${maxAgeBlocks})`, reference));
  }
  return ok(reference);
}

const same = (a: string, b: string): boolean => {
  const x = accountIdOf(a);
  const y = accountIdOf(b);
  return x.isOk() && y.isOk() && x.value.length === y.value.length && x.value.every((v, i) => v === y.value[i]);
};

/**
 * §C.8's acceptance rule with the project's extra checks, in the reference's order: age, block,
 * index, call, signer, destination, origin netuid, destination netuid, hotkey, amount, minimum,
 * failure, reuse.
 */
export function verifyPaymentFacts(facts: PaymentFacts): Result<AcceptedPayment, PaymentRejectedError> {
  const { reference, block, netuid } = facts;
  const reject = (reason: PaymentRejectionReason, message: string) => err(paymentRejected(reason, message, reference));
  const age = checkPaymentAge(reference, facts.revealBlock, facts.maxAgeBlocks);
  if (age.isErr()) return err(age.error);
  if (block.blockNumber !== reference.blockNumber) return reject("block-not-found", `block ${reference.blockNumber} was not read (got ${block.blockNumber})`);
  const at = `extrinsic ${reference.blockNumber}-${reference.extrinsicIndex}`;
  const extrinsic = block.extrinsics[reference.extrinsicIndex];
  if (!Number.isSafeInteger(reference.extrinsicIndex) || reference.extrinsicIndex < 0 || extrinsic === undefined) {
    return reject("index-out-of-range", `block ${reference.blockNumber} has ${block.extrinsics.length} extrinsics, no index ${reference.extrinsicIndex}`);
  }
  const transfer = extrinsic.transfer;
  if (transfer === null) return reject("not-transfer-stake", `${at} is ${extrinsic.pallet}.${extrinsic.call}, not SubtensorModule.transfer_stake`);
  if (extrinsic.signer === null) return reject("unsigned", `${at} is unsigned`);
  if (!same(extrinsic.signer, facts.minerColdkey)) return reject("signer", `${at} is signed by ${extrinsic.signer}, not the miner's coldkey ${facts.minerColdkey}`);
  if (!same(transfer.destinationColdkey, facts.destination)) return reject("destination", `${at} pays ${transfer.destinationColdkey}, not ${facts.destination}`);
  if (transfer.originNetuid !== netuid) return reject("origin-netuid", `${at} moves stake from subnet ${transfer.originNetuid}, not ${netuid}`);
  if (transfer.destinationNetuid !== netuid) return reject("destination-netuid", `${at} moves stake to subnet ${transfer.destinationNetuid}, not ${netuid}`);
  if (!same(transfer.hotkey, facts.burnHotkey)) return reject("hotkey", `${at} moves stake of hotkey ${transfer.hotkey}, not the burn hotkey ${facts.burnHotkey}`);
  if (transfer.alphaAmount <= 0n) return reject("amount-zero", `${at} moves no alpha`);
  if (transfer.alphaAmount < facts.minAlpha) return reject("amount-below-minimum", `${at} moves ${transfer.alphaAmount} alpha rao, below the minimum ${facts.minAlpha}`);
  if (block.failed.has(reference.extrinsicIndex)) return reject("failed-extrinsic", `${at} failed (System.ExtrinsicFailed)`);
  if (facts.reused) return reject("reused", `${at} (block ${block.blockHash}) already paid for another submission`);
  return ok({
    id: { blockHash: block.blockHash, extrinsicIndex: reference.extrinsicIndex },
    reference,
    minerColdkey: facts.minerColdkey,
    destination: facts.destination,
    burnHotkey: facts.burnHotkey,
    alphaAmount: transfer.alphaAmount,
    minAlpha: facts.minAlpha,
  });
}

/** What the miner looks for when locating its own payment (§C.8 miner step 5). */
export interface PaymentSearch {
  readonly coldkey: string;
  readonly destination: string;
  readonly netuid: number;
}

/**
 * The first matching `transfer_stake` in `blocks` (newest block first, each block's extrinsics in
 * order): signer, destination, origin netuid, positive amount, not failed.
 */
export function findPayment(blocks: readonly PaymentBlock[], search: PaymentSearch): (PaymentReference & { readonly blockHash: string; readonly alphaAmount: bigint }) | null {
  const sorted = [...blocks].sort((a, b) => b.blockNumber - a.blockNumber);
  for (const block of sorted) {
    for (const x of block.extrinsics) {
      const t = x.transfer;
      if (t === null || x.signer === null || block.failed.has(x.index)) continue;
      if (!same(x.signer, search.coldkey) || !same(t.destinationColdkey, search.destination)) continue;
      if (t.originNetuid !== search.netuid || t.alphaAmount <= 0n) continue;
      return { blockNumber: block.blockNumber, extrinsicIndex: x.index, blockHash: block.blockHash, alphaAmount: t.alphaAmount };
    }
  }
  return null;
}
