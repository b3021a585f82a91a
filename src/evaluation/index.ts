/**
 * `crusades/evaluation`: the process-isolated evaluation (spec crusades.md §E, §L.1, §L.2;
 * docs/evaluation-protocol.md): images, the container sandbox, the container lifecycle, the
 * reference and candidate steps, host-side verification and MFU, and the local runner.
 * @module
 */
export { evaluateSubmission, hparamsHash } from "./evaluate.js";
export type { EvaluateSubmissionOptions, EvaluationProgress, EvaluationReport, ScanSummary } from "./evaluate.js";
export { CPU_MFU_NOTE, formatEvaluationJson, formatEvaluationText } from "./format-report.js";
export type { ReportContext } from "./format-report.js";
export { evaluateRun } from "./evaluate-run.js";
export type { EvaluateRunInput, RunProgress } from "./evaluate-run.js";
export { containerNofile, createEvaluationRunner, hardLimit, imageHasDigest, sandboxLimits } from "./create-runner.js";
export type { CreateEvaluationRunnerOptions, PreparedRunner, SandboxLimits } from "./create-runner.js";
export { createDockerRunner } from "./docker-runner.js";
export type { DockerRunnerOptions } from "./docker-runner.js";
export { createLocalRunner, LOCAL_RUNNER_WARNING, prepareLocalHome, probeLocalPython } from "./local-runner.js";
export type { LocalHome, LocalRunnerOptions } from "./local-runner.js";
export type { EvaluationRunner, RemoteHostIdentity, RemoteStepEvidence, StepInput, StepOutcome } from "./runner.js";
export { createRemoteRunner, REMOTE_DIRS, REMOTE_FILE_NAME, REMOTE_STEP_DIRS } from "./remote-runner.js";
export type { RemoteDir, RemoteFile, RemoteOutputFile, RemoteRunnerOptions, RemoteStepAnswer, RemoteStepJob, RemoteStepTransport } from "./remote-runner.js";
export { checkRemoteHostIndependent, confirmOnSecondHost } from "./remote-policy.js";
export type { CheckRemoteHostOptions, ConfirmOnSecondHostOptions, HostedEvaluation, RemoteHostConflictError, SecondHostError, SubmissionOwner } from "./remote-policy.js";
export {
  BASE_ENV,
  buildContainerSpec,
  ENV_ALLOWLIST,
  EVALUATION_LABEL,
  OWNER_PID_LABEL,
  ROLE_LABEL,
  RUN_LABEL,
} from "./container-spec.js";
export type { BindMount, ContainerSpecParameters, GpuAssignment, TmpfsMount } from "./container-spec.js";
export { listEvaluationContainers, removeContainer, removeLeftoverContainers, runContainer } from "./lifecycle.js";
export type { ContainerEnd, ContainerOutcome, RemoveLeftoversOptions, RunContainerOptions, StartedContainer } from "./lifecycle.js";
export { createLogSink } from "./log-sink.js";
export type { LogSink, LogSinkOptions } from "./log-sink.js";
export { classifyDockerError, dockerCall } from "./docker-error.js";
export { CPU_MODEL, defaultImageTag, ensureImage, IMAGE_LABELS } from "./image.js";
export type { EnsureImageOptions, EvaluationImage, ImageChoice } from "./image.js";
export { computeHarnessHash, findEnvironmentDir, harnessVersion } from "./harness-files.js";
export { buildRunParams } from "./params.js";
export type { BuildRunParamsParameters, LocalPaths, RunDeadlines, RunParams, RunShape } from "./params.js";
export { CONTAINER_UIDS, mountFlags, prepareRunDirectory, readSupervisorResult, readSupervisorTiming, writeInputFile } from "./run-dir.js";
export type { MountFlags, PrepareRunDirectoryOptions, RunDirectory, SupervisorResult, TrustedFileProblem } from "./run-dir.js";
export { sha256File } from "./run-result.js";
export type { RemoteHostProvenance, RunProvenance, RunResult, StepRecord } from "./run-result.js";
export { judgeRun, parsePostChecks } from "./verdict.js";
export type { HarnessPostChecks, HostCheckId, JudgeRunInput, RunCheck, RunVerdict } from "./verdict.js";
export { createRunSeed, dataSeed, torchSeed } from "./seed.js";
export type { CreateRunSeedParameters } from "./seed.js";
export type {
  DockerApiError,
  DockerConflictError,
  DockerContainerMissingError,
  DockerError,
  DockerImageMissingError,
  DockerUnavailableError,
  EvaluationAbortedError,
  EvaluationError,
  EvaluationIoError,
  ImageBuildError,
  ImageError,
  LocalRunnerUnavailableError,
  RemoteStepError,
  ScannerUnavailableError,
} from "./errors.js";
