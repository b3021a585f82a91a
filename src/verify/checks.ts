/**
 * Turns the figures of a run into the list of checks of spec §E.8 (project order, steps 5 to 10)
 * and §F, each with figure, threshold and code, and picks the first binding failure.
 * @module
 */
import type { VerificationHparams } from "../config/index.js";
import { jsonFloatValue, type CandidateSummary, type ReferenceSummary } from "./artifacts.js";
import type { Comparison, VerifyCheck, VerifyCheckId, VerifyErrorCode, VerifyReport } from "./report.js";
import type { SafetensorsReader } from "./safetensors.js";
import type { PassFigures } from "./tensor-pass.js";

/** What became of the candidate's state file. */
export type CandidateStateStatus =
  | { readonly kind: "ok"; readonly reader: SafetensorsReader }
  | { readonly kind: "missing" | "invalid"; readonly message: string };

/** Inputs of {@link buildChecks}. */
export interface CheckInputs {
  readonly reference: ReferenceSummary;
  /** The validated summary, or why it is unusable (`"missing"` or a message). */
  readonly candidate: CandidateSummary | string;
  readonly state: CandidateStateStatus;
  readonly initial: SafetensorsReader;
  readonly referenceState: SafetensorsReader;
  readonly pass: PassFigures | null;
  readonly verification: VerificationHparams;
  readonly handoffMaxBytesFactor: number;
  readonly seconds: number;
}

/** The float32 constant 1e-6 of §F.3. */
export const ELEMENT_THRESHOLD = Math.fround(1e-6);
/** The loss upper bound of §F.2 / §I.2. */
export const LOSS_UPPER_BOUND = 100;

type Spec = Omit<VerifyCheck, "status" | "binding"> & { readonly binding?: boolean };

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, k) => d === b[k]);
const fmt = (x: number | null) => (x === null ? "n/a" : Number.isInteger(x) ? String(x) : x.toPrecision(6));

/** Builds the report. */
export function buildChecks(inp: CheckInputs): VerifyReport {
  const v = inp.verification;
  const ref = inp.reference;
  const checks: VerifyCheck[] = [];
  const add = (s: Spec, passed: boolean | null) =>
    checks.push({ ...s, binding: s.binding ?? true, status: passed === null ? "skipped" : passed ? "pass" : "fail" });
  const skip = (id: VerifyCheckId, code: VerifyErrorCode, comparison: Comparison, threshold: number | null, why: string) =>
    add({ id, code, comparison, threshold, figure: null, message: `skipped: ${why}` }, null);

  // Return values recorded by the harness (§F.1, §F.2, §F.5).
  const cand = typeof inp.candidate === "string" ? null : inp.candidate;
  add(
    { id: "candidate_summary", code: "invalid_return_type", comparison: "present", figure: null, threshold: null,
      message: cand ? "candidate summary is valid" : `candidate/summary.json ${inp.candidate === "missing" ? "is missing" : `is invalid: ${inp.candidate as string}`}` },
    cand !== null,
  );
  const shape = cand?.final_logits_shape ?? null;
  const L1 = ref.sequence_length - 1;
  if (!cand) {
    skip("logits_present", "missing_logits", "present", null, "no candidate summary");
    skip("logits_rank", "invalid_logits_shape", "==", 3, "no candidate summary");
    skip("logits_sequence", "sequence_truncation", "==", L1, "no candidate summary");
    skip("logits_vocab", "invalid_logits_shape", "==", ref.vocab_size, "no candidate summary");
  } else {
    add({ id: "logits_present", code: "missing_logits", comparison: "present", figure: null, threshold: null, message: shape ? "final_logits present" : "final_logits is None" }, shape !== null);
    if (!shape) {
      skip("logits_rank", "invalid_logits_shape", "==", 3, "no logits");
      skip("logits_sequence", "sequence_truncation", "==", L1, "no logits");
      skip("logits_vocab", "invalid_logits_shape", "==", ref.vocab_size, "no logits");
    } else {
      add({ id: "logits_rank", code: "invalid_logits_shape", comparison: "==", figure: shape.length, threshold: 3, message: `final_logits has ${shape.length} dimensions` }, shape.length === 3);
      const s1 = shape.length === 3 ? shape[1]! : null;
      const s2 = shape.length === 3 ? shape[2]! : null;
      add({ id: "logits_sequence", code: "sequence_truncation", comparison: "==", figure: s1, threshold: L1, message: `final_logits.shape[1] = ${fmt(s1)}, expected ${L1}` }, s1 === null ? null : s1 === L1);
      add({ id: "logits_vocab", code: "invalid_logits_shape", comparison: "==", figure: s2, threshold: ref.vocab_size, message: `final_logits.shape[2] = ${fmt(s2)}, expected ${ref.vocab_size}` }, s2 === null ? null : s2 === ref.vocab_size);
    }
  }

  // The final state (§E.8 step 9, §L.1.8).
  const st = inp.state;
  const reader = st.kind === "ok" ? st.reader : null;
  add(
    { id: "final_state_file", code: st.kind === "missing" ? "missing_final_state" : "invalid_final_state", comparison: "present", figure: null, threshold: null,
      message: st.kind === "ok" ? "final state is a valid safetensors file" : st.message },
    st.kind === "ok",
  );
  const maxBytes = Math.floor(inp.handoffMaxBytesFactor * inp.referenceState.sizeBytes);
  const initialShapes = new Map(inp.initial.tensors.map((t) => [t.name, t.shape]));
  const missingKeys: string[] = [];
  const invalidShapeKeys: string[] = [];
  const extraKeys: string[] = [];
  const shapeMismatched: string[] = [];
  if (!reader) {
    skip("final_state_size", "invalid_final_state", "<=", maxBytes, "no final state");
    skip("final_state_keys", "incomplete_final_state", "==", 0, "no final state");
    skip("final_state_shapes", "invalid_final_state_shape", "==", 0, "no final state");
  } else {
    add({ id: "final_state_size", code: "invalid_final_state", comparison: "<=", figure: reader.sizeBytes, threshold: maxBytes,
      message: `final state is ${reader.sizeBytes} bytes, limit ${maxBytes}` }, reader.sizeBytes <= maxBytes);
    for (const t of inp.initial.tensors) if (!reader.tensor(t.name)) missingKeys.push(t.name);
    for (const t of reader.tensors) {
      const s0 = initialShapes.get(t.name);
      if (!s0) extraKeys.push(t.name);
      else if (!sameShape(s0, t.shape)) invalidShapeKeys.push(t.name);
      const r = inp.referenceState.tensor(t.name);
      if (r && !sameShape(r.shape, t.shape)) shapeMismatched.push(t.name);
    }
    const n0 = inp.initial.tensors.length;
    add({ id: "final_state_keys", code: "incomplete_final_state", comparison: "==", figure: missingKeys.length, threshold: 0,
      message: missingKeys.length ? `final_state missing ${missingKeys.length}/${n0} keys (e.g. ${JSON.stringify(missingKeys.slice(0, 3))})` : `all ${n0} keys present` }, missingKeys.length === 0);
    add({ id: "final_state_shapes", code: "invalid_final_state_shape", comparison: "==", figure: invalidShapeKeys.length, threshold: 0,
      message: invalidShapeKeys.length ? `${invalidShapeKeys.length} tensors differ in shape from the initial state (e.g. ${JSON.stringify(invalidShapeKeys.slice(0, 3))})` : "all shapes match the initial state" }, invalidShapeKeys.length === 0);
  }

  // Changed-parameter ratio (§F.3).
  const pass = inp.pass;
  const changedRatio = pass ? (pass.changedTotalElements > 0 ? pass.changedElements / pass.changedTotalElements : 0) : null;
  if (!pass) skip("changed_ratio", "insufficient_params_changed", ">=", v.min_params_changed_ratio, "no final state");
  else add({ id: "changed_ratio", code: "insufficient_params_changed", comparison: ">=", figure: changedRatio, threshold: v.min_params_changed_ratio,
    message: `${pass.changedElements}/${pass.changedTotalElements} elements changed (ratio ${fmt(changedRatio)}, minimum ${v.min_params_changed_ratio})` }, changedRatio! >= v.min_params_changed_ratio);

  // Token count (§F.1) and loss (§F.2).
  const expected = ref.expected_tokens_per_rank;
  const tokens = cand?.total_tokens == null ? null : jsonFloatValue(cand.total_tokens);
  const loss = cand?.final_loss == null ? null : jsonFloatValue(cand.final_loss);
  if (!cand) skip("token_count", "token_count_mismatch", "==", expected, "no candidate summary");
  else add({ id: "token_count", code: "token_count_mismatch", comparison: "==", figure: tokens, threshold: expected,
    message: `total_tokens ${fmt(tokens)}, expected ${expected}` }, tokens === expected);
  const lossValid = loss !== null && !Number.isNaN(loss) && loss > 0 && loss <= LOSS_UPPER_BOUND;
  if (!cand) skip("loss_valid", "invalid_loss", "in (0, 100]", LOSS_UPPER_BOUND, "no candidate summary");
  else add({ id: "loss_valid", code: "invalid_loss", comparison: "in (0, 100]", figure: loss, threshold: LOSS_UPPER_BOUND,
    message: loss === null ? "final_loss is missing" : Number.isNaN(loss) ? "Loss is NaN" : loss <= 0 ? "Loss must be positive (cross-entropy > 0)" : loss > LOSS_UPPER_BOUND ? "Loss unreasonable" : `final_loss ${fmt(loss)}` }, lossValid);
  const lossDiff = loss === null ? null : Math.abs(loss - ref.final_loss);
  if (!cand) skip("loss_difference", "loss_mismatch", "<=", v.max_loss_difference, "no candidate summary");
  else add({ id: "loss_difference", code: "loss_mismatch", comparison: "<=", figure: lossDiff, threshold: v.max_loss_difference,
    message: `|final_loss − reference_loss| = ${fmt(lossDiff)} (reference ${fmt(ref.final_loss)}, maximum ${v.max_loss_difference})` }, lossDiff !== null && lossDiff <= v.max_loss_difference);

  // Weights (§F.4).
  const diffNorm = pass ? Math.sqrt(pass.diffSq) : null;
  const refNorm = pass ? Math.sqrt(pass.refSq) : null;
  const relErr = pass ? (refNorm! > 0 ? diffNorm! / refNorm! : diffNorm === 0 ? 0 : Infinity) : null;
  const layerMax = v.per_layer_relative_error_max ?? v.weight_relative_error_max;
  const exceeded = pass ? pass.layers.filter((l) => l.relativeError !== null && !(l.relativeError <= layerMax)).map((l) => l.name) : [];
  if (!pass) {
    skip("weight_shapes", "shape_mismatch", "==", 0, "no final state");
    skip("weight_finite", "weight_nan_injection", "finite", null, "no final state");
    skip("nonfinite_elements", "weight_nan_injection", "==", 0, "no final state");
    skip("weight_error", "weight_mismatch", "<=", v.weight_relative_error_max, "no final state");
    skip("per_layer_error", "weight_mismatch", "==", 0, "no final state");
  } else {
    add({ id: "weight_shapes", code: "shape_mismatch", comparison: "==", figure: shapeMismatched.length, threshold: 0,
      message: shapeMismatched.length ? `${shapeMismatched.length} tensors differ in shape from the reference` : "all shapes match the reference" }, shapeMismatched.length === 0);
    add({ id: "weight_finite", code: "weight_nan_injection", comparison: "finite", figure: relErr, threshold: null,
      message: Number.isFinite(relErr) ? "relative error is finite" : `relative error is ${relErr} (${pass.nanElements} NaN, ${pass.infElements} ±Inf candidate elements)` }, Number.isFinite(relErr));
    const bad = pass.nanElements + pass.infElements;
    add({ id: "nonfinite_elements", code: "weight_nan_injection", comparison: "==", figure: bad, threshold: 0, binding: false,
      message: `${pass.nanElements} NaN and ${pass.infElements} ±Inf elements in the final state` }, bad === 0);
    add({ id: "weight_error", code: "weight_mismatch", comparison: "<=", figure: relErr, threshold: v.weight_relative_error_max,
      message: `relative L2 error ${fmt(relErr)} (maximum ${v.weight_relative_error_max})` }, relErr !== null && relErr <= v.weight_relative_error_max);
    add({ id: "per_layer_error", code: "weight_mismatch", comparison: "==", figure: exceeded.length, threshold: 0, binding: v.per_layer_relative_error_max !== null,
      message: `${exceeded.length} layers above ${layerMax}${exceeded.length ? ` (e.g. ${JSON.stringify(exceeded.slice(0, 3))})` : ""}` }, exceeded.length === 0);
  }

  const first = checks.find((c) => c.binding && c.status === "fail");
  return {
    verified: first === undefined,
    errorCode: first?.code ?? null,
    error: first?.message ?? null,
    checks,
    details: {
      relativeError: relErr, diffNorm, refNorm, weightElements: pass?.weightElements ?? 0, changedRatio,
      changedElements: pass?.changedElements ?? 0, totalElements: pass?.changedTotalElements ?? 0, elementThreshold: ELEMENT_THRESHOLD,
      referenceLoss: ref.final_loss, candidateLoss: loss, expectedTokens: expected, actualTokens: tokens,
      missingKeys, invalidShapeKeys, shapeMismatchedLayers: shapeMismatched, errorExceededLayers: exceeded, extraKeys,
      droppedKeys: cand?.dropped_keys ?? [], nanElements: pass?.nanElements ?? 0, infElements: pass?.infElements ?? 0,
      layers: pass?.layers ?? [], bytesRead: pass?.bytesRead ?? 0, seconds: inp.seconds,
    },
  };
}
