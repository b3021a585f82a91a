/**
 * `crusades submit --dry-run` on the chain: every check {@link sendSubmission} makes before it pays
 * or sends (registration, the validators' rate limit, the fee's pre-checks and quote, the exact
 * commitment's size, reveal round, space budget and the pallet's rate limit), with nothing paid or
 * sent and no secret key needed: the hotkey's and coldkey's addresses are enough.
 * @module
 */
import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import type { PaymentQuote, PaymentReference, QuoteFeeError, SubtensorClient } from "../chain/index.js";
import type { Hparams } from "../config/index.js";
import type { PreparedSubmission } from "./prepare-submission.js";
import { checkRegistrationAndRateLimit, type ColdkeyRequiredError, commitmentText, feeDue, type SendSubmissionError } from "./send-submission.js";

/** Inputs of {@link planSubmission}. */
export interface PlanSubmissionParameters {
  readonly client: SubtensorClient;
  readonly hparams: Hparams;
  readonly prepared: PreparedSubmission;
  /** The hotkey's SS58 address. */
  readonly hotkey: string;
  /** The coldkey's SS58 address (`coldkeypub.txt`), for the fee's balance check; needed when a fee is due. */
  readonly coldkey?: string;
  /** @default false */
  readonly plain?: boolean;
  /** An earlier, unused payment the commitment would refer to (no fee is quoted then). */
  readonly existingPayment?: PaymentReference;
}

/** What `crusades submit` would do now. */
export interface SubmissionPlan {
  readonly hotkey: string;
  readonly uid: number;
  readonly netuid: number;
  readonly plain: boolean;
  readonly head: number;
  /** The fee that would be paid, or `null` (no fee due, or an earlier payment referred to). */
  readonly fee: PaymentQuote | null;
  /**
   * The commitment text; with a fee still to pay, its payment reference is a stand-in as long as
   * one made in the next blocks, so the size is what the real one will be (±1 digit).
   */
  readonly commitment: string;
  readonly revealRound: string | null;
  /** Space the commitment would be charged against `MaxSpace`. */
  readonly costBytes: number;
  /** When validators should see it, if sent now. */
  readonly expectedRevealBlock: number;
}

/** Errors of {@link planSubmission}: those of sending, but nothing was ever sent. */
export type PlanSubmissionError = SendSubmissionError | QuoteFeeError;

/**
 * Every pre-check of a submission, sending nothing.
 * @returns the plan, or the first check that refuses it
 */
export function planSubmission(p: PlanSubmissionParameters): ResultAsync<SubmissionPlan, PlanSubmissionError> {
  const { client, hparams, prepared, hotkey } = p;
  const plain = p.plain ?? false;
  const netuid = hparams.netuid;
  return checkRegistrationAndRateLimit(client, hparams, hotkey, plain)
    .andThen(({ uid, head }): ResultAsync<{ uid: number; head: number; fee: PaymentQuote | null; reference: PaymentReference | null }, PlanSubmissionError> => {
      if (!feeDue(hparams, uid)) return okAsync({ uid, head, fee: null, reference: null });
      if (p.existingPayment !== undefined) return okAsync({ uid, head, fee: null, reference: p.existingPayment });
      if (p.coldkey === undefined) return errAsync({ type: "ColdkeyRequired", message: "payments are enabled on this subnet: the fee's checks need the coldkey's address (coldkeypub.txt)" } satisfies ColdkeyRequiredError);
      // The real reference is (payment block, extrinsic index): stand in with digits of that length.
      const standIn: PaymentReference = { blockNumber: head + 2, extrinsicIndex: 10 };
      return client
        .quoteFee({ netuid, burnUid: hparams.burn_uid, coldkeyAddress: p.coldkey, feeRao: BigInt(hparams.payment.fee_rao), ...(hparams.payment.payment_address ? { paymentAddress: hparams.payment.payment_address } : {}) })
        .map((fee) => ({ uid, head, fee, reference: standIn }));
    })
    .andThen(({ uid, head, fee, reference }) => {
      const text = commitmentText(prepared, reference);
      if (text.isErr()) return errAsync(text.error);
      return client
        .precheckCommitment({ netuid, hotkey, text: text.value, plain, blocksUntilReveal: hparams.reveal_blocks, blockTimeSeconds: hparams.block_time })
        .map((plan): SubmissionPlan => ({
          hotkey, uid, netuid, plain, head, fee, commitment: text.value, revealRound: plan.revealRound === null ? null : plan.revealRound.toString(), costBytes: plan.costBytes,
          expectedRevealBlock: head + 1 + (plain ? 0 : hparams.reveal_blocks),
        }));
    });
}
