/**
 * `crusades/verify`: a strict streaming safetensors reader and the host-side verification of a
 * run (spec crusades.md §F, §L.1.8), with the run-directory artifact format.
 * @module
 */
export { readSafetensors, MAX_HEADER_BYTES } from "./safetensors.js";
export type { FileIdentity, ReadSafetensorsOptions, SafetensorsReader } from "./safetensors.js";
export { parseSafetensorsHeader } from "./header.js";
export type { HeaderOptions, SafetensorsHeader, TensorInfo } from "./header.js";
export { decodeToFloat32, decodeToFloat64, dtypeSize, FLOAT_DTYPES, SAFETENSORS_DTYPES } from "./dtype.js";
export type { FloatDtype, SafetensorsDtype } from "./dtype.js";
export { verifyRun } from "./verify-run.js";
export type { VerifyRunOptions } from "./verify-run.js";
export { ELEMENT_THRESHOLD, LOSS_UPPER_BOUND } from "./checks.js";
export type { Comparison, VerifyCheck, VerifyCheckId, VerifyDetails, VerifyErrorCode, VerifyReport } from "./report.js";
export type { LayerFigures } from "./tensor-pass.js";
export {
  jsonFloatValue,
  parseCandidateSummary,
  parseReferenceSummary,
  parseSupervisorTiming,
  RUN_ARTIFACT_PATHS,
  RUN_ARTIFACT_SCHEMA_VERSION,
} from "./artifacts.js";
export type { CandidateSummary, JsonFloat, ReferenceSummary, SupervisorTiming } from "./artifacts.js";
export { computeTimedWall } from "./timing.js";
export type { TimedWall } from "./timing.js";
export type {
  ParseSafetensorsHeaderError,
  ReadSafetensorsError,
  ReadTensorError,
  RunArtifactError,
  SafetensorsHeaderInvalidError,
  SafetensorsHeaderTooLargeError,
  SafetensorsIoError,
  SafetensorsNoSuchTensorError,
  SafetensorsOffsetsError,
  SafetensorsSizeMismatchError,
  SafetensorsTruncatedError,
  SafetensorsUnsupportedDtypeError,
  VerifyIoError,
  VerifyRunError,
} from "./errors.js";
