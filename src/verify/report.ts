/**
 * The outcome of {@link verifyRun}: every check with its figure, threshold and the reference's
 * error code (spec §E.8, §E.9, §F), plus the detailed figures of §E.10.
 * @module
 */
import type { LayerFigures } from "./tensor-pass.js";

/** The codes verification can emit (the reference's codes of §E.9, plus the project's). */
export type VerifyErrorCode =
  | "invalid_return_type"
  | "missing_logits"
  | "invalid_logits_shape"
  | "sequence_truncation"
  | "missing_final_state"
  | "invalid_final_state"
  | "incomplete_final_state"
  | "invalid_final_state_shape"
  | "insufficient_params_changed"
  | "token_count_mismatch"
  | "invalid_loss"
  | "loss_mismatch"
  | "shape_mismatch"
  | "weight_nan_injection"
  | "weight_mismatch";

/** Check identifiers, in evaluation order (§E.8, project order steps 5 to 10). */
export type VerifyCheckId =
  | "candidate_summary"
  | "logits_present"
  | "logits_rank"
  | "logits_sequence"
  | "logits_vocab"
  | "final_state_file"
  | "final_state_size"
  | "final_state_keys"
  | "final_state_shapes"
  | "changed_ratio"
  | "token_count"
  | "loss_valid"
  | "loss_difference"
  | "weight_shapes"
  | "weight_finite"
  | "nonfinite_elements"
  | "weight_error"
  | "per_layer_error";

/** How `figure` relates to `threshold` when the check passes. */
export type Comparison = "==" | "<=" | ">=" | "finite" | "in (0, 100]" | "present";

/** One check. */
export interface VerifyCheck {
  readonly id: VerifyCheckId;
  /** `skipped` when its inputs were unavailable (an earlier failure made it meaningless). */
  readonly status: "pass" | "fail" | "skipped";
  /** Whether a failure fails the run (`false` for diagnostics such as the per-layer errors by default). */
  readonly binding: boolean;
  /** The measured value (`null` when there is none). */
  readonly figure: number | null;
  /** The bound it is compared with (`null` when there is none). */
  readonly threshold: number | null;
  readonly comparison: Comparison;
  /** The code a failure carries. */
  readonly code: VerifyErrorCode;
  /** One line. */
  readonly message: string;
}

/** The §E.10 verification details. */
export interface VerifyDetails {
  readonly relativeError: number | null;
  readonly diffNorm: number | null;
  readonly refNorm: number | null;
  readonly weightElements: number;
  readonly changedRatio: number | null;
  readonly changedElements: number;
  readonly totalElements: number;
  /** Float32 element threshold of §F.3. */
  readonly elementThreshold: number;
  readonly referenceLoss: number;
  readonly candidateLoss: number | null;
  readonly expectedTokens: number;
  readonly actualTokens: number | null;
  /** Keys of the initial state missing from the candidate (sorted). */
  readonly missingKeys: readonly string[];
  /** Candidate keys whose shape differs from the initial state's. */
  readonly invalidShapeKeys: readonly string[];
  /** Candidate keys whose shape differs from the reference's (§F.4 `shape_mismatched_layers`). */
  readonly shapeMismatchedLayers: readonly string[];
  /** Layers whose error is non-finite or above the per-layer threshold (§F.4 `error_exceeded_layers`). */
  readonly errorExceededLayers: readonly string[];
  /** Candidate keys not in the initial state (ignored), and those the harness already dropped. */
  readonly extraKeys: readonly string[];
  readonly droppedKeys: readonly string[];
  readonly nanElements: number;
  readonly infElements: number;
  readonly layers: readonly LayerFigures[];
  readonly bytesRead: number;
  readonly seconds: number;
}

/** The result of {@link verifyRun}. */
export interface VerifyReport {
  /** `true` exactly when no binding check failed. */
  readonly verified: boolean;
  /** The code of the first failing binding check in evaluation order, or `null`. */
  readonly errorCode: VerifyErrorCode | null;
  /** That check's message, or `null`. */
  readonly error: string | null;
  readonly checks: readonly VerifyCheck[];
  /** Figures; tensor figures are `null`/empty when the candidate state could not be read. */
  readonly details: VerifyDetails;
}
