/**
 * `crusades/miner`: what `crusades submit` does, as functions: every check a validator will make
 * before anything is paid, then registration, the rate-limit pre-check, the fee and the commitment
 * (spec crusades.md §B.7).
 * @module
 */
export { prepareSubmission } from "./prepare-submission.js";
export type { PreparedSubmission, PrepareSubmissionError, PrepareSubmissionParameters, ScannerLoadError } from "./prepare-submission.js";
export { readRateLimitWindow, REVEAL_LAG_BLOCKS } from "./rate-limit.js";
export type { RateLimitWindow } from "./rate-limit.js";
export { sendSubmission } from "./send-submission.js";
export { planSubmission } from "./plan-submission.js";
export type { PlanSubmissionError, PlanSubmissionParameters, SubmissionPlan } from "./plan-submission.js";
export type { ColdkeyRequiredError, CommitmentTooLongError, RateLimitPrecheckError, SendSubmissionError, SendSubmissionParameters, SubmissionReceipt } from "./send-submission.js";
