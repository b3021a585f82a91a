/**
 * The miner's chain steps (crusades.md §B.7 steps 3-8): registration, the validators' rate-limit
 * pre-check, the fee (when required), and the commitment, timelocked or plain; returns a receipt.
 * @module
 */
import type { KeyringPair } from "@polkadot/keyring/types";
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import type { CommitmentError, PayFeeError, PaymentQuote, PaymentReceipt, SubtensorClient } from "../chain/index.js";
import type { Hparams } from "../config/index.js";
import { buildCommitment, MAX_COMMITMENT_CHARS } from "../submission/index.js";
import type { PreparedSubmission } from "./prepare-submission.js";

/** Blocks the chain usually adds to a timelocked reveal (drand and pallet lag, §B.7 step 4). */
export const REVEAL_LAG_BLOCKS = 3;

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
  readonly payment: {
    readonly feeRao: string;
    readonly alphaAmount: string;
    readonly block: number;
    readonly extrinsicIndex: number;
    readonly blockHash: string;
    readonly destination: string;
  } | null;
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

/** The newest block at which this hotkey's commitment became visible to validators (revealed or plain), or `null`. */
function newestRevealBlock(client: SubtensorClient, netuid: number, hotkey: string): ResultAsync<number | null, CommitmentError> {
  const revealed = client.readRevealedCommitmentsOf(netuid, hotkey).map((list) => list.map((c) => c.revealBlock)).orElse((e) => (e.type === "UnsupportedStorage" ? okAsync<number[], CommitmentError>([]) : errAsync(e)));
  const plain = client.readCommitment(netuid, hotkey).map((c) => (c !== null && c.fields.some((f) => f.kind === "raw" || f.kind === "bigRaw") ? [c.block] : []));
  return ResultAsync.combine([revealed, plain]).map(([a, b]) => {
    const all = [...a, ...b];
    return all.length === 0 ? null : Math.max(...all);
  });
}

/**
 * Checks registration and the rate limit, pays the fee when required, then commits.
 * @returns the receipt, or the first failure (nothing is sent after a failed check)
 */
export function sendSubmission(p: SendSubmissionParameters): ResultAsync<SubmissionReceipt, SendSubmissionError> {
  const { client, hparams, prepared, hotkey } = p;
  const plain = p.plain ?? false;
  const netuid = hparams.netuid;
  return ResultAsync.combine([client.uidOf(netuid, hotkey.address), client.blockNumber(), newestRevealBlock(client, netuid, hotkey.address)])
    .andThen(([uid, head, newest]) => {
      const lag = plain ? 1 : hparams.reveal_blocks + REVEAL_LAG_BLOCKS;
      const estimate = head + lag;
      if (newest !== null && estimate - newest < hparams.min_blocks_between_commits) {
        const earliest = newest + hparams.min_blocks_between_commits - lag;
        return errAsync<never, SendSubmissionError>({
          type: "RateLimitPrecheck",
          message: `this hotkey's last commitment was seen at block ${newest}; validators accept the next one revealed ${hparams.min_blocks_between_commits} blocks later: commit at or after block ${earliest} (now ${head})`,
          lastRevealBlock: newest, earliestCommitBlock: earliest,
        });
      }
      const mustPay = hparams.payment.enabled && uid !== hparams.burn_uid;
      if (!mustPay) return okAsync({ uid, head, payment: null as PaymentReceipt | null });
      if (p.coldkey === undefined) return errAsync<never, SendSubmissionError>({ type: "ColdkeyRequired", message: "payments are enabled on this subnet: the coldkey must pay the submission fee" });
      return client
        .payFee({ netuid, burnUid: hparams.burn_uid, coldkey: p.coldkey, feeRao: BigInt(hparams.payment.fee_rao), ...(hparams.payment.payment_address ? { paymentAddress: hparams.payment.payment_address } : {}), ...(p.confirmPayment ? { confirm: p.confirmPayment } : {}) })
        .map((payment) => ({ uid, head, payment: payment as PaymentReceipt | null }));
    })
    .andThen(({ uid, head, payment }) => {
      const text = buildCommitment({
        codeHash: prepared.codeHash, url: prepared.committedUrl,
        payment: payment === null ? null : { block: payment.reference.blockNumber, extrinsicIndex: payment.reference.extrinsicIndex },
      });
      if (text.length > MAX_COMMITMENT_CHARS) {
        return errAsync<never, SendSubmissionError>({ type: "CommitmentTooLong", message: `the commitment is ${text.length} characters, over the ${MAX_COMMITMENT_CHARS}-character limit`, length: text.length });
      }
      const sent = plain
        ? client.commitPlain({ netuid, data: text, signer: hotkey })
        : client.commitTimelocked({ netuid, text, signer: hotkey, blocksUntilReveal: hparams.reveal_blocks, blockTimeSeconds: hparams.block_time });
      return sent.andThen((receipt) =>
        ResultAsync.fromSafePromise(client.api.rpc.chain.getHeader(receipt.outcome.blockHash).then((h) => h.number.toNumber(), () => head + 1)).map((inBlock): SubmissionReceipt => ({
          hotkey: hotkey.address, uid, netuid, url: prepared.committedUrl, codeHash: prepared.codeHash, commitment: text, plain,
          revealRound: receipt.revealRound === null ? null : receipt.revealRound.toString(),
          expectedRevealBlock: plain ? inBlock : inBlock + hparams.reveal_blocks,
          commitBlockHash: receipt.outcome.blockHash, txHash: receipt.outcome.txHash,
          payment: payment === null ? null : {
            feeRao: payment.feeRao.toString(), alphaAmount: payment.alphaAmount.toString(), block: payment.reference.blockNumber,
            extrinsicIndex: payment.reference.extrinsicIndex, blockHash: payment.blockHash, destination: payment.destination,
          },
          createdAt: new Date().toISOString(),
        })),
      );
    });
}
