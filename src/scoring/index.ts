/**
 * `crusades/scoring`: runs to a score, error-code fatality, the leader state with its adaptive
 * threshold, and the weight vector (spec crusades.md §E.9, §H).
 * @module
 */
export { classifyErrorCode, EVALUATION_ERROR_CODES, FATAL_ERROR_CODES, isFatalErrorCode, isRetryableErrorCode, VOID_ERROR_CODES } from "./codes.js";
export type { ErrorCodeClass, EvaluationErrorCode } from "./codes.js";
export { median, medianLow, scoreRuns } from "./score-runs.js";
export type { RunOutcome, ScoreRunsOptions, SubmissionScore } from "./score-runs.js";
export { decayedThreshold, EMPTY_LEADER_STATE, referenceLeaderboard, scoreToBeat, updateLeader } from "./leader.js";
export type { FinishedSubmission, LeaderChangeReason, LeaderState, LeaderUpdate, UpdateLeaderError } from "./leader.js";
export { weightVector } from "./weights.js";
export type { WeightVector, WeightVectorParameters } from "./weights.js";
