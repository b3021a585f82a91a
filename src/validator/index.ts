/**
 * `crusades/validator`: the validator's stages (ingestion, the evaluation queue, weight setting)
 * handing over through the store, and the daemon that schedules them (spec crusades.md §A.3, §C, §H).
 * @module
 */
export { plainEntries, revealedEntries } from "./chain-entries.js";
export type { ChainEntry } from "./chain-entries.js";
export { entryKey, ingestBatch, orderEntries } from "./ingest-batch.js";
export type { IngestionBatch, IngestionRules, IngestionSummary, PaymentCheck } from "./ingest-batch.js";
export { ingestOnce, MAX_GAP_RECOVERY_READS, MAX_REVEALED_PER_HOTKEY } from "./ingest.js";
export type { IngestError, IngestOnceParameters } from "./ingest.js";
export { evaluateNext, MAX_MACHINERY_FAILURES, MAX_VOID_ATTEMPTS } from "./evaluate-next.js";
export type { EvaluateNextError, EvaluateNextOutcome, EvaluateNextParameters } from "./evaluate-next.js";
export { maybeSetWeights, winnerUid } from "./set-weights.js";
export type { MaybeSetWeightsOutcome, MaybeSetWeightsParameters } from "./set-weights.js";
export { ensureVersionStart, runValidator } from "./daemon.js";
export type { RunValidatorOptions } from "./daemon.js";
export { confirmFailure, confirmLeaderChange, hostsOfRuns, placesFor } from "./remote-hosts.js";
export type { ConfirmLeaderChangeError, ConfirmLeaderChangeInput, EvaluationPlace, HostKeys, NoEvaluationHostError, RemoteHosts } from "./remote-hosts.js";
export { createLogger } from "./logger.js";
export type { CreateLoggerOptions, Logger, LogLevel } from "./logger.js";
