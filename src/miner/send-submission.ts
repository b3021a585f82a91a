/**
 * The miner's chain steps (crusades.md §B.7 steps 3-8): registration, the validators' rate-limit
 * pre-check, the fee (when required), and the commitment, timelocked or plain; returns a receipt.
 * @module
 */
import type { KeyringPair } from "@polkadot/keyring/types";
import { err, errAsync, ok, okAsync, type Result, ResultAsync } from "neverthrow";
import type { CommitmentError, PayFeeError, PaymentQuote, PaymentReceipt, PaymentReference, SubtensorClient } from "../chain/index.js";
import type { Hparams } from "../config/index.js";
import { buildCommitment, MAX_COMMITMENT_CHARS } from "../submission/index.js";
import type { PreparedSubmission } from "./prepare-submission.js";
import { type RateLimitWindow, readRateLimitWindow } from "./rate-limit.js";

/** Inputs of {@link sendSubmission}. */
export interface SendSubmissionParameters {
  readonly client: SubtensorClient;
  readonly hparams: Hparams;
  readonly prepared: PreparedSubmission;
  /** Signs the commitment. */
  readonly hotkey: KeyringPair;
  /** Pays the fee; required when payments are enabled and the hotkey is not the burn uid. */
  readonly coldkey?: KeyringPair;
  /** A plain (not timelocked) commitment, for validators configured to accept them. @default false */
  readonly plain?: boolean;
  /** Asked before paying; `false` stops. Absent: no question. */
  readonly confirmPayment?: (quote: PaymentQuote) => boolean | Promise<boolean>;
  /**
   * A fee already paid and not yet used by a commitment (e.g. one whose commitment failed): its
   * `(block, extrinsic index)` goes into the commitment and nothing is paid again. Validators check
   * it like any payment (§C.8: recency, fields, not used before).
   */
  readonly existingPayment?: PaymentReference;
  /** Called as soon as the fee is paid, before the commitment is sent: the miner's record survives a failed commit. */
  readonly onPaid?: (payment: PaymentReceipt) => void;
}

/** What was done, for the miner's records (§B.7 step 8). */
export interface SubmissionReceipt {
  readonly hotkey: string;
  readonly uid: number;
  readonly netuid: number;
  readonly url: string;
  readonly codeHash: string;
  readonly commitment: string;
  readonly plain: boolean;
  readonly revealRound: string | null;
  /** The block at which validators should see it (an estimate for timelocked commitments). */
  readonly expectedRevealBlock: number;
  readonly commitBlockHash: string;
  readonly txHash: string;
  /** The fee paid now, or the earlier payment the commitment refers to (`reused`), or `null`. */
  readonly payment: {
    readonly feeRao: string;
    readonly alphaAmount: string;
    readonly block: number;
    readonly extrinsicIndex: number;
    readonly blockHash: string;
    readonly destination: string;
  } | { readonly reused: true; readonly block: number; readonly extrinsicIndex: number } | null;
  readonly createdAt: string;
}

/** The validators' rate limit would refuse the commitment (§C.5); nothing was paid or sent. */
export interface RateLimitPrecheckError {
  readonly type: "RateLimitPrecheck";
  readonly message: string;
  readonly lastRevealBlock: number;
  readonly earliestCommitBlock: number;
}

/** Payments are required and no coldkey was given. */
export interface ColdkeyRequiredError {
  readonly type: "ColdkeyRequired";
  readonly message: string;
}

/** The exact commitment text is over 128 characters (after the payment reference was known). */
export interface CommitmentTooLongError {
  readonly type: "CommitmentTooLong";
  readonly message: string;
  readonly length: number;
}

/** Errors of {@link sendSubmission}. */
export type SendSubmissionError = CommitmentError | PayFeeError | RateLimitPrecheckError | ColdkeyRequiredError | CommitmentTooLongError;

/** The uid, the head and the validators' rate-limit window of `hotkey` (§B.7 steps 3-4); a refusal sends nothing. */
export function checkRegistrationAndRateLimit(client: SubtensorClient, hparams: Hparams, hotkey: string, plain: boolean): ResultAsync<{ readonly uid: number; readonly head: number; readonly window: RateLimitWindow }, SendSubmissionError> {
  return ResultAsync.combine([client.uidOf(hparams.netuid, hotkey), client.blockNumber()])
    .andThen(([uid, head]) => readRateLimitWindow(client, hparams, hotkey, head, plain).map((window) => ({ uid, head, window })))
    .andThen(({ uid, head, window }) => {
      const newest = window.newestRevealBlock;
      if (newest !== null && window.earliestCommitBlock > head) {
        return errAsync<never, SendSubmissionError>({
          type: "RateLimitPrecheck",
          message: `this hotkey's last commitment was seen at block ${newest}; validators accept the next one revealed ${hparams.min_blocks_between_commits} blocks later: commit at or after block ${window.earliestCommitBlock} (now ${head})`,
          lastRevealBlock: newest, earliestCommitBlock: window.earliestCommitBlock,
        });
      }
      return okAsync({ uid, head, window });
    });
}

/** Whether `uid` must pay the fee (payments on, not the burn uid). */
export const feeDue = (hparams: Hparams, uid: number): boolean => hparams.payment.enabled && uid !== hparams.burn_uid;

/** The exact commitment text, with the payment reference when there is one; refused over 128 characters. */
export function commitmentText(prepared: PreparedSubmission, reference: PaymentReference | null): Result<string, CommitmentTooLongError> {
  const text = buildCommitment({
    codeHash: prepared.codeHash, url: prepared.committedUrl,
    payment: reference === null ? null : { block: reference.blockNumber, extrinsicIndex: reference.extrinsicIndex },
  });
  if (text.length > MAX_COMMITMENT_CHARS) {
    return err({ type: "CommitmentTooLong", message: `the commitment is ${text.length} characters, over the ${MAX_COMMITMENT_CHARS}-character limit`, length: text.length });
  }
  return ok(text);
}

/**
 * Checks registration and the rate limit, pays the fee when required, then commits.
 * @returns the receipt, or the first failure (nothing is sent after a failed check)
 */
export function sendSubmission(p: SendSubmissionParameters): ResultAsync<SubmissionReceipt, SendSubmissionError> {
  const { client, hparams, prepared, hotkey } = p;
  const plain = p.plain ?? false;
  const netuid = hparams.netuid;
  return checkRegistrationAndRateLimit(client, hparams, hotkey.address, plain)
    .andThen(({ uid, head }) => {
      if (!feeDue(hparams, uid)) return okAsync({ uid, head, payment: null as PaymentReceipt | null, reference: null as PaymentReference | null });
      if (p.existingPayment !== undefined) return okAsync({ uid, head, payment: null as PaymentReceipt | null, reference: p.existingPayment as PaymentReference | null });
      if (p.coldkey === undefined) return errAsync<never, SendSubmissionError>({ type: "ColdkeyRequired", message: "payments are enabled on this subnet: the coldkey must pay the submission fee" });
      return client
        .payFee({ netuid, burnUid: hparams.burn_uid, coldkey: p.coldkey, feeRao: BigInt(hparams.payment.fee_rao), ...(hparams.payment.payment_address ? { paymentAddress: hparams.payment.payment_address } : {}), ...(p.confirmPayment ? { confirm: p.confirmPayment } : {}) })
        .map((payment) => {
          p.onPaid?.(payment);
          return { uid, head, payment: payment as PaymentReceipt | null, reference: payment.reference as PaymentReference | null };
        });
    })
    .andThen(({ uid, head, payment, reference }) => {
      const built = commitmentText(prepared, reference);
      if (built.isErr()) return errAsync<never, SendSubmissionError>(built.error);
      const text = built.value;
      const sent = plain
        ? client.commitPlain({ netuid, data: text, signer: hotkey })
        : client.commitTimelocked({ netuid, text, signer: hotkey, blocksUntilReveal: hparams.reveal_blocks, blockTimeSeconds: hparams.block_time });
      return sent.andThen((receipt) =>
        ResultAsync.fromSafePromise(client.api.rpc.chain.getHeader(receipt.outcome.blockHash).then((h) => h.number.toNumber(), () => head + 1)).map((inBlock): SubmissionReceipt => ({
          hotkey: hotkey.address, uid, netuid, url: prepared.committedUrl, codeHash: prepared.codeHash, commitment: text, plain,
          revealRound: receipt.revealRound === null ? null : receipt.revealRound.toString(),
          expectedRevealBlock: plain ? inBlock : inBlock + hparams.reveal_blocks,
          commitBlockHash: receipt.outcome.blockHash, txHash: receipt.outcome.txHash,
          payment: payment !== null ? {
            feeRao: payment.feeRao.toString(), alphaAmount: payment.alphaAmount.toString(), block: payment.reference.blockNumber,
            extrinsicIndex: payment.reference.extrinsicIndex, blockHash: payment.blockHash, destination: payment.destination,
          } : reference !== null ? { reused: true, block: reference.blockNumber, extrinsicIndex: reference.extrinsicIndex } : null,
          createdAt: new Date().toISOString(),
        })),
      );
    });
}
