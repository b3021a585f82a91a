/**
 * Evaluation error codes and their fatality (spec crusades.md §E.9): fatal codes stop a
 * submission's remaining runs and fail it at once; `infrastructure_error` voids the run (retried);
 * everything else is an ordinary failed run.
 * @module
 */

/** The reference's codes (`EvaluationErrorCode`) plus `missing_final_state` and the project's additions. */
export const EVALUATION_ERROR_CODES = [
  // reference
  "no_code", "syntax_error", "missing_inner_steps", "invalid_return_type", "insufficient_trainable_params",
  "no_gradients_captured", "missing_logits", "invalid_logits_shape", "sequence_truncation", "insufficient_mfu",
  "implausible_mfu", "timer_tampering", "config_tampering", "deferred_computation", "functional_tampering",
  "timer_source_unavailable", "execution_failed", "missing_final_state", "incomplete_final_state",
  "invalid_final_state_shape", "insufficient_params_changed", "token_count_mismatch", "loss_mismatch",
  "shape_mismatch", "weight_nan_injection", "weight_mismatch",
  // project (§E.9)
  "scan_rejected", "strategy_invalid", "parser_mismatch", "protocol_violation", "invalid_final_state",
  "invalid_loss", "import_failed", "miner_crash", "deadline_exceeded", "infrastructure_error",
] as const;

/** A known evaluation error code. */
export type EvaluationErrorCode = (typeof EVALUATION_ERROR_CODES)[number];

/** Codes that fail the submission at once (§E.9: the reference's `is_fatal` set plus the project's). */
export const FATAL_ERROR_CODES: ReadonlySet<string> = /* @__PURE__ */ new Set<EvaluationErrorCode>([
  "no_code", "syntax_error", "missing_inner_steps", "invalid_return_type", "insufficient_trainable_params",
  "no_gradients_captured", "missing_logits", "invalid_logits_shape", "sequence_truncation", "insufficient_mfu",
  "implausible_mfu", "timer_tampering", "config_tampering", "deferred_computation", "functional_tampering",
  "scan_rejected", "strategy_invalid", "parser_mismatch", "protocol_violation", "import_failed",
]);

/** Codes that void a run instead of failing it: it is retried (`evaluation.max_void_retries`). */
export const VOID_ERROR_CODES: ReadonlySet<string> = /* @__PURE__ */ new Set<EvaluationErrorCode>(["infrastructure_error"]);

/** How a failed run's code counts. */
export type ErrorCodeClass = "fatal" | "failed" | "void";

/**
 * Classifies an error code. Unknown codes and a missing code (`null`) are ordinary failures,
 * as in the reference.
 * @example classifyErrorCode("implausible_mfu") // "fatal"
 */
export function classifyErrorCode(code: string | null): ErrorCodeClass {
  if (code === null) return "failed";
  if (FATAL_ERROR_CODES.has(code)) return "fatal";
  if (VOID_ERROR_CODES.has(code)) return "void";
  return "failed";
}

/** `true` for codes that fail the submission at once (§E.9). */
export function isFatalErrorCode(code: string | null): boolean {
  return classifyErrorCode(code) === "fatal";
}

/** `true` for codes after which the run is retried rather than counted (`infrastructure_error`). */
export function isRetryableErrorCode(code: string | null): boolean {
  return classifyErrorCode(code) === "void";
}
