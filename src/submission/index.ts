/**
 * `crusades/submission`: the commitment payload and code rules shared by the miner and the
 * validator (spec crusades.md §B.1-§B.5, §B.7, §C.4, §C.6, §C.7): the commitment text (parse,
 * build, size pre-check), the URL rules and gist rewrites, the code's hash and content rules, the
 * global-address test and the SSRF-safe fetch with its retry policy.
 * @module
 */
export {
  buildCommitment,
  checkCommitmentUrlFits,
  commitmentOverhead,
  MAX_CODE_BYTES,
  MAX_COMMITMENT_CHARS,
  MAX_PARSE_CHARS,
  parseCommitment,
  worstCaseCommitmentOverhead,
} from "./commitment.js";
export type { CommitmentFit, CommitmentFormatError, CommitmentSizeError, ParsedCommitment } from "./commitment.js";
export { codePointLength, firstCodePoints, pythonStrip } from "./python-text.js";
export { checkCodeContent, codeHash, codeSha256 } from "./code-rules.js";
export type { CodeContentError } from "./code-rules.js";
export { checkPort, fetchUrlOf, normalizeSubmissionUrl } from "./url-rules.js";
export type { UrlRuleError } from "./url-rules.js";
export { BLOCKED_IPV4_RANGES, BLOCKED_IPV6_RANGES, isGlobalAddress } from "./ssrf.js";
export { fetchCode, fetchCodeWithRetry, HASH_MISMATCH_MESSAGE } from "./fetch-code.js";
export type { FetchCodeError, FetchCodeOptions, FetchCodeWithRetryOptions, FetchedCode, FetchFailureReason, ResolvedAddress } from "./fetch-code.js";
