/**
 * `crusades/config`: the competition parameters (`hparams.json`), validated into a frozen object.
 * @module
 */
export { DEFAULT_HPARAMS_PATH, HPARAMS_PATH_ENV, loadHparams, parseHparams, resolveHparamsPath } from "./load.js";
export type { ParseHparamsOptions } from "./load.js";
export { parseSizeBytes } from "./hparams.js";
export type {
  AdaptiveThresholdHparams,
  ApiHparams,
  BasilicaHparams,
  CodeDisclosure,
  DockerHparams,
  DownloadHparams,
  EvaluationHparams,
  Hparams,
  HparamsError,
  HparamsInvalidError,
  HparamsReadError,
  HparamsSyntaxError,
  IngestionHparams,
  MfuHparams,
  ParseHparamsError,
  PaymentHparams,
  ReviewHparams,
  SandboxHparams,
  StorageHparams,
  TimingHparams,
  VerificationHparams,
  WeightsHparams,
} from "./types.js";
