/**
 * The miner's checks before anything is paid or sent (crusades.md §B.7 steps 1, 2, 5): the URL
 * rules, the fetch a validator will make (same SSRF rules, size, strict UTF-8, content rules),
 * the code hash, the validators' static scan, and the commitment's size.
 * @module
 */
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import { createScanner, type ScanReport } from "../scanner/index.js";
import {
  checkCommitmentUrlFits,
  fetchCode,
  normalizeSubmissionUrl,
  type CommitmentSizeError,
  type FetchCodeError,
  type FetchCodeOptions,
  type UrlRuleError,
} from "../submission/index.js";

/** Inputs of {@link prepareSubmission}. */
export interface PrepareSubmissionParameters {
  /** The URL as the miner gives it. */
  readonly url: string;
  /** GPUs the validators scan for (`docker.num_gpus`). */
  readonly gpus: number;
  /** Whether a payment reference will be part of the commitment (size pre-check). */
  readonly withPayment: boolean;
  /** The current block when known (exact overhead); `null` uses the worst case. */
  readonly currentBlock: number | null;
  readonly fetch?: Omit<FetchCodeOptions, "expectedHash">;
}

/** The checked submission. */
export interface PreparedSubmission {
  /** The URL that will be committed (trailing slashes removed, gist raw links shortened). */
  readonly committedUrl: string;
  readonly codeHash: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly scan: ScanReport;
  /** Characters left under the 128-character limit, and whether that margin is thin (< 5). */
  readonly margin: number;
  readonly thinMargin: boolean;
}

/** The scanner could not be loaded. */
export interface ScannerLoadError {
  readonly type: "ScannerLoad";
  readonly message: string;
}

/** Errors of {@link prepareSubmission}. */
export type PrepareSubmissionError = UrlRuleError | FetchCodeError | CommitmentSizeError | ScannerLoadError;

/**
 * Runs every check a validator will run on the code, before any payment.
 * @returns the prepared submission (its scan may still have violations: the caller decides), or the first failed check
 */
export function prepareSubmission(p: PrepareSubmissionParameters): ResultAsync<PreparedSubmission, PrepareSubmissionError> {
  const committed = normalizeSubmissionUrl(p.url);
  if (committed.isErr()) return errAsync(committed.error);
  const committedUrl = committed.value;
  const fits = checkCommitmentUrlFits(committedUrl, { currentBlock: p.currentBlock, withPayment: p.withPayment });
  if (fits.isErr()) return errAsync(fits.error);
  return fetchCode(committedUrl, p.fetch ?? {}).andThen((code) =>
    ResultAsync.fromSafePromise(createScanner()).andThen((scanner) => {
      if (scanner.isErr()) return errAsync<PreparedSubmission, PrepareSubmissionError>({ type: "ScannerLoad", message: scanner.error.message });
      const scan = scanner.value.scan(code.bytes, { gpus: p.gpus });
      return okAsync({ committedUrl, codeHash: code.codeHash, sha256: code.sha256, sizeBytes: code.bytes.length, scan, margin: fits.value.margin, thinMargin: fits.value.warn });
    }),
  );
}
