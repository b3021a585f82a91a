/**
 * `crusades/compute`: hardware specs, proof-of-GPU (prover messages, verification, identification
 * with the `src/mfu` catalogue, failure counting), the compute score, caller policy, and signed
 * HTTP between validators and miner agents, and allocation: leased containers with enforced limits
 * and key-only SSH, and engine leases that run evaluation steps for a validator (spec compute.md).
 * @module
 */
export { checkCaller, DEFAULT_MIN_STAKE_TAO, isMinerDenied } from "./access.js";
export type { CallerAcceptance, CallerPolicy, CallerRejectedError, ValidatorStanding } from "./access.js";
export { createComputeAgent } from "./agent.js";
export { createChainCallerLookup } from "./chain-lookup.js";
export type { ChainCallerLookupOptions } from "./chain-lookup.js";
export type { ComputeAgent, ComputeAgentOptions } from "./agent.js";
export { UNIMPLEMENTED_LEASE_BACKEND } from "./allocation.js";
export type { AppliedLimits, Lease, LeaseBackend, LeaseError, LeaseHealth, LeaseRequest, LeaseSshEndpoint, LeaseState } from "./allocation.js";
export { createEngineRunner, createEngineTransport, engineJobLimits } from "./engine-client.js";
export type { EngineLeaseError, EngineTransportOptions } from "./engine-client.js";
export {
  ENGINE_MESSAGE_VERSION, engineJobDigest, engineJobMessage, engineStatusMessage, MAX_ENGINE_FILES, parseEngineAccepted, parseEngineJobMessage, parseEngineStatus,
} from "./engine-messages.js";
export type { EngineFile, EngineJob, EngineJobAccepted, EngineJobLimits, EngineJobStatus, EngineOutputFile } from "./engine-messages.js";
export { ENGINE_RECORD_DOMAIN, engineRecordMessage, signEngineRecord, verifyEngineRecord } from "./engine-record.js";
export type { EngineRecord, EngineRecordFile, SignedEngineRecord } from "./engine-record.js";
export { checkLeaseGpusVerified, UNVERIFIED_GPUS_FOR_TESTS } from "./engine-verify.js";
export type { LeaseGpuEvidence, UnverifiedLeaseGpusError } from "./engine-verify.js";
export { createLeaseEngine } from "./lease-engine.js";
export type { LeaseEngine, LeaseEngineOptions } from "./lease-engine.js";
export { authorizedKeysArchive, LEASE_SSH_DIR, LEASE_SSHD_COMMAND, LEASE_SSHD_CONFIG, leaseSshArchive, ustarArchive } from "./lease-archive.js";
export type { ArchiveEntry } from "./lease-archive.js";
export { createDockerLeaseBackend } from "./lease-backend.js";
export type { DockerLeaseBackend, DockerLeaseBackendOptions } from "./lease-backend.js";
export { formatCpuset, reserveResources } from "./lease-capacity.js";
export type { HeldResources, LeaseGpu, LeaseOffer, Reservation } from "./lease-capacity.js";
export { createLeaseClient, leaseKnownHostsLine } from "./lease-client.js";
export { formatLeaseText, leaseSshCommand } from "./lease-format.js";
export type { BadLeaseAnswerError, LeaseClient, LeaseClientError } from "./lease-client.js";
export {
  DEFAULT_LEASE_PIDS_LIMIT, isDiskQuotaUnsupported, LEASE_AGENT_LABEL, LEASE_IMAGE_TAG, LEASE_LABEL, leaseContainerSpec, listLeaseContainers, pinnedImageReference,
  probeSshd, publishedSshPort, readBackLimits, resolvePinnedImage,
} from "./lease-docker.js";
export type { LeaseContainerPlan } from "./lease-docker.js";
export { leaseErrorStatus, routeLeaseRequest } from "./lease-routes.js";
export type { LeaseRouteAnswer } from "./lease-routes.js";
export type { ReconcileReport } from "./lease-scheduler.js";
export {
  isLeaseId, LEASE_MESSAGE_VERSION, MAX_LEASE_SSH_KEYS, MIN_LEASE_BYTES, MIN_LEASE_SECONDS, parseLeaseCreate, parseLeaseKeys, parseLeaseListMessage, parseLeaseMessage,
  parseLeaseRelease, parseLeaseRenew, parseLeaseRequest, parseSshKeyList,
} from "./lease-schema.js";
export type { InvalidLeaseRequestError } from "./lease-schema.js";
export { LEASE_MIGRATIONS, openLeaseStore } from "./lease-store.js";
export type { LeaseEvent, LeasePatch, LeaseRecord, LeaseStore } from "./lease-store.js";
export { calcScorePogReference, DEFAULT_BASE_SCORES, REFERENCE_GPU_SCORES } from "./base-scores.js";
export type { BaseScoreTable } from "./base-scores.js";
export { createComputeClient, redactUrl } from "./client.js";
export type { ClientError, ComputeClient, ComputeClientOptions, RequestOptions, SignedResponse } from "./client.js";
export { createNonceStore } from "./nonce-store.js";
export type { NonceClaim, NonceStore, NonceStoreOptions } from "./nonce-store.js";
export { checkRow, decodeRow, floorLog2, ulpAt } from "./pog-check-row.js";
export type { RowMismatch } from "./pog-check-row.js";
export { identifyGpuReference, identifyPogGpu, pogFigures, REFERENCE_TOLERANCE_PAIRS } from "./pog-identify.js";
export type { GpuIdentification, IdentifyOptions, MeasuredGpu, PogCalibration, PogFigures } from "./pog-identify.js";
export { equalBytes, foldPath, merkleDepth, merklePath, merkleRoot, pogLeafHash, pogNodeHash, verifyPogPath } from "./pog-merkle.js";
export { parsePogCommitted, parsePogFinish, parsePogOpen, parsePogOpened, parsePogPrepared, parsePogStart } from "./pog-messages.js";
export type { MalformedMessageError, PogCommitted, PogDevice, PogFinish, PogLeaf, PogOpen, PogOpened, PogOpening, PogPrepared, PogStart } from "./pog-messages.js";
export {
  POG_LEAF_DOMAIN, POG_MAX_STEPS, POG_MEMORY_TOLERANCE, POG_MESSAGE_VERSION, POG_NODE_DOMAIN, POG_OPEN_DEADLINE_SECONDS, POG_OPENINGS,
  POG_PRECISIONS, POG_PROBE_FRACTION, POG_TARGET_SECONDS, POG_THROUGHPUT_BAND, PRECISION_FORMATS, pogFlops, pogMatrixSize, pogStepCount,
} from "./pog-params.js";
export type { PogPrecision, PrecisionFormat } from "./pog-params.js";
export { philox4x32, pogElements, pogMatrix, pogRow, pogStream, pogValue } from "./pog-prf.js";
export type { PogMatrixTag, PogStream } from "./pog-prf.js";
export { runPog } from "./pog-run.js";
export type { PogFailure, PogGpuRecord, PogPrecisionRun, PogRecord, RunPogOptions } from "./pog-run.js";
export {
  INITIAL_POG_STATE, isPogDue, POG_INTERVAL_BLOCKS, POG_SOFT_RETRY_DELAYS_MS, POG_VALIDITY_BLOCKS, pogInterval, pogScheduleOffset, recordPogOutcome, verifiedGpus,
} from "./pog-state.js";
export type { PogClock, PogMinerState, PogOutcome } from "./pog-state.js";
export { chooseOpenings, verifyOpenings } from "./pog-verify.js";
export type { OpeningFailure, OpeningsInput } from "./pog-verify.js";
export { createProcessProverLauncher, defaultProverScript } from "./prover-process.js";
export type { ProcessProverOptions, ProverError, ProverLauncher, ProverSession } from "./prover-process.js";
export { computeScore, computeWeights, validateScoreTable } from "./score.js";
export { fingerprintOfLine, generateSshHostKey, MIN_RSA_BITS, parseSshPublicKey, sshFingerprint } from "./ssh-keys.js";
export type { InvalidSshKeyError, SshHostKey, SshKeyType, SshPublicKey } from "./ssh-keys.js";
export type { ComputeScore, ComputeScoreOptions, InvalidScoreTableError } from "./score.js";
export {
  bodyDigest, cryptoReady, HEADERS, hotkeySignerFromUri, isSs58, MAX_SKEW_MS, newNonce, requestSigningMessage, responseSigningMessage,
  SIGNING_VERSION, signRequest, signResponse, verifyRequest, verifyResponse, verifySignature,
} from "./signing.js";
export type { AuthError, HeaderBag, HotkeySigner, InvalidKeyError, RequestSigningFields, ResponseSigningFields, VerifiedRequest } from "./signing.js";
export { collectSpecs, signSpecsReport, SPECS_SCHEMA_VERSION, specsReportMessage, verifySpecsReport } from "./specs.js";
export type { CollectSpecsOptions, HardwareSpecs, RunCommand, SignedSpecsReport, SpecsError, SpecsReadError } from "./specs.js";
export {
  NVIDIA_SMI_QUERY, parseCpuinfo, parseCpuMax, parseCpuset, parseMeminfo, parseMemoryMax, parseNvidiaProcInformation, parseNvidiaSmi, parseOsRelease,
} from "./specs-parse.js";
export type { GpuFacts, SpecsParseError } from "./specs-parse.js";
