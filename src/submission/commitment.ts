/**
 * The commitment text (crusades.md §B.1, §B.3): `hash:payment_block:extrinsic_index:url` or the
 * legacy `hash:url`, parsed exactly as the reference validator does (with the project's stricter
 * ASCII digits), built by the miner, and the size pre-check before payment.
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { codePointLength, pythonStrip } from "./python-text.js";

/** The self-imposed limit of a commitment string, in characters (§B.3 [COMPAT]). */
export const MAX_COMMITMENT_CHARS = 128;
/** The validator's parse guard, in characters (§B.3 [COMPAT]). */
export const MAX_PARSE_CHARS = 4096;
/** Code size limit in bytes, on both sides (§B.3 [PROJECT]). */
export const MAX_CODE_BYTES = 500_000;

/** A parsed commitment. */
export interface ParsedCommitment {
  /** 32 lowercase hex characters: the first half of the code's SHA-256 (§B.2). */
  readonly codeHash: string;
  /** Everything after the prefix, not normalised (§B.1 rule 7). */
  readonly url: string;
  /** The payment reference: present only in the payment form (§B.1 rule 8). */
  readonly payment: { readonly block: number; readonly extrinsicIndex: number } | null;
}

/** The text is not a commitment. */
export interface CommitmentFormatError {
  readonly type: "CommitmentFormat";
  /** One line naming the rule that failed. */
  readonly message: string;
  readonly reason: "empty" | "too_long" | "no_match";
}

// Anchored; Python's `.` excludes only "\n" (JavaScript's also excludes \r, U+2028, U+2029), hence
// [^\n]. Digits are ASCII only: the reference's `\d` also takes other Unicode digits (§B.1 [PROJECT]).
const PAYMENT_FORM = /^([0-9a-f]{32}):([0-9]{1,10}):([0-9]{1,5}):(https?:\/\/[^\n]+)$/;
const LEGACY_FORM = /^([0-9a-f]{32}):(https?:\/\/[^\n]+)$/;

function formatError(reason: CommitmentFormatError["reason"], message: string): CommitmentFormatError {
  return { type: "CommitmentFormat", message, reason };
}

/** Names the first broken rule of a text that matched neither form (for the stored outcome). */
function whyNoMatch(text: string): string {
  if (/^[0-9a-fA-F]{32}:/.test(text) && !/^[0-9a-f]{32}:/.test(text)) return "the code hash must be lowercase hex";
  if (!/^[0-9a-f]{32}:/.test(text)) return "the commitment must start with a 32-character lowercase hex code hash and ':'";
  const rest = text.slice(33);
  if (/^\p{Nd}+:\p{Nd}+:/u.test(rest) && !/^[0-9]+:[0-9]+:/.test(rest)) return "the payment block and extrinsic index must be ASCII digits";
  if (/^[0-9]+:[0-9]+:/.test(rest) && !/^[0-9]{1,10}:[0-9]{1,5}:/.test(rest)) return "the payment block has at most 10 digits and the extrinsic index at most 5";
  const url = rest.replace(/^[0-9]{1,10}:[0-9]{1,5}:/, "");
  if (!/^https?:\/\//.test(url)) return "the URL must start with http:// or https:// (lowercase)";
  if (url.includes("\n")) return "the URL contains a line break";
  return "expected hash:block:index:url or hash:url";
}

/**
 * Parses a revealed commitment's text (§B.1): strip Python's whitespace set, reject empty or
 * over 4096 characters, then try the payment form and the legacy form.
 * @param text - the decoded plaintext (strict UTF-8: `decodeCommitmentPayload` of `crusades/chain`)
 * @example
 * ```ts
 * import { parseCommitment } from "crusades/submission";
 * parseCommitment("7acd895296756fe962cc31318ad5f68a:7876092:3:https://gist.github.com/u/1");
 * // Ok({ codeHash: "7acd…", url: "https://gist.github.com/u/1", payment: { block: 7876092, extrinsicIndex: 3 } })
 * ```
 */
export function parseCommitment(text: string): Result<ParsedCommitment, CommitmentFormatError> {
  const stripped = pythonStrip(text);
  if (stripped === "") return err(formatError("empty", "the commitment is empty"));
  const chars = codePointLength(stripped);
  if (chars > MAX_PARSE_CHARS) return err(formatError("too_long", `the commitment is ${chars} characters, over the ${MAX_PARSE_CHARS}-character guard`));
  const paid = PAYMENT_FORM.exec(stripped);
  if (paid) return ok({ codeHash: paid[1]!, url: paid[4]!, payment: { block: Number(paid[2]), extrinsicIndex: Number(paid[3]) } });
  const legacy = LEGACY_FORM.exec(stripped);
  if (legacy) return ok({ codeHash: legacy[1]!, url: legacy[2]!, payment: null });
  return err(formatError("no_match", `not a commitment: ${whyNoMatch(stripped)}`));
}

/**
 * The commitment text (§B.1, miner side): the payment form when a payment was made, the legacy
 * form otherwise; fields joined by single colons, nothing added.
 * @throws RangeError when the text would not parse back to the same fields (an uppercase hash,
 *   a URL with whitespace at its ends or a line break, numbers out of range): a programmer error
 */
export function buildCommitment(c: ParsedCommitment): string {
  const text = c.payment === null ? `${c.codeHash}:${c.url}` : `${c.codeHash}:${c.payment.block}:${c.payment.extrinsicIndex}:${c.url}`;
  const back = parseCommitment(text);
  const same = back.isOk() && back.value.codeHash === c.codeHash && back.value.url === c.url
    && (c.payment === null ? back.value.payment === null : back.value.payment?.block === c.payment.block && back.value.payment.extrinsicIndex === c.payment.extrinsicIndex);
  if (!same) throw new RangeError(`buildCommitment: the fields do not form a valid commitment (${back.isErr() ? back.error.message : "it parses to other fields"})`);
  return text;
}

/**
 * Characters around the URL, as the reference miner counts them (§B.3 [COMPAT]):
 * `32 + 1 + (digits(block) + 1) + 1 + 3 + 1` with payment (3 digits allowed for the extrinsic
 * index), 33 without.
 * @example commitmentOverhead(7_876_092, true) // 46
 */
export function commitmentOverhead(currentBlock: number, withPayment: boolean): number {
  return withPayment ? 32 + 1 + (String(currentBlock).length + 1) + 1 + 3 + 1 : 33;
}

/** The overhead in the worst case (§B.3 [PROJECT]): a 10-digit block and a 5-digit extrinsic index. */
export function worstCaseCommitmentOverhead(withPayment: boolean): number {
  return withPayment ? 32 + 1 + 10 + 1 + 5 + 1 : 33;
}

/** The URL cannot fit in a 128-character commitment. */
export interface CommitmentSizeError {
  readonly type: "CommitmentSize";
  readonly message: string;
  readonly urlChars: number;
  /** The most URL characters that fit under the check that failed. */
  readonly maxUrlChars: number;
  /** Whether the worst-case check failed (the current block's check passed). */
  readonly worstCase: boolean;
}

/** The room left by {@link checkCommitmentUrlFits}. */
export interface CommitmentFit {
  /** Characters left under 128 at the current block (the worst case when the block is unknown). */
  readonly margin: number;
  /** Characters left under 128 with a 10-digit block and a 5-digit extrinsic index. */
  readonly worstCaseMargin: number;
  /** The margin is under 5 characters (§B.3 [PROJECT]: warn). */
  readonly warn: boolean;
}

/**
 * The size pre-check before payment (§B.3): `len(url) + overhead ≤ 128` at the current block, and
 * (project) also in the worst case, so that a commitment paid for always fits.
 * @param url - the committed URL (after `normalizeSubmissionUrl`); counted in code points, like `len`
 * @param o.currentBlock - the chain head; `null` checks the worst case only
 */
export function checkCommitmentUrlFits(url: string, o: { readonly currentBlock: number | null; readonly withPayment: boolean }): Result<CommitmentFit, CommitmentSizeError> {
  const urlChars = codePointLength(url);
  const worst = worstCaseCommitmentOverhead(o.withPayment);
  const current = o.currentBlock === null ? worst : commitmentOverhead(o.currentBlock, o.withPayment);
  for (const [overhead, worstCase] of [[current, false], [worst, true]] as const) {
    if (urlChars + overhead > MAX_COMMITMENT_CHARS) {
      const maxUrlChars = MAX_COMMITMENT_CHARS - overhead;
      const when = worstCase ? " in the worst case (10-digit block, 5-digit extrinsic index)" : o.withPayment ? " with a payment reference" : "";
      return err({ type: "CommitmentSize", message: `the URL is ${urlChars} characters; at most ${maxUrlChars} fit in a ${MAX_COMMITMENT_CHARS}-character commitment${when}`, urlChars, maxUrlChars, worstCase });
    }
  }
  const margin = MAX_COMMITMENT_CHARS - urlChars - current;
  return ok({ margin, worstCaseMargin: MAX_COMMITMENT_CHARS - urlChars - worst, warn: margin < 5 });
}
