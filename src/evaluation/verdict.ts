/**
 * A run's verdict (spec crusades.md §E.8 [PROJECT] order, §E.9, §G): the host checks around
 * `verifyRun`'s checks, every one with its figure and threshold, and the first failing binding
 * check's code.
 * @module
 */
import type { MfuResult } from "../mfu/index.js";
import type { TimedWall, VerifyCheck, VerifyReport } from "../verify/index.js";

/** The host's own checks, around the verification checks. */
export type HostCheckId = "supervisor_status" | "state_delivery" | "mfu_plausible" | "harness_config" | "harness_backend" | "mfu_minimum";

/** One check of a run: a verification check of `verifyRun`, or a host check. */
export interface RunCheck {
  readonly id: HostCheckId | VerifyCheck["id"];
  readonly status: "pass" | "fail" | "skipped";
  /** Whether a failure fails the run (`false` for diagnostics, and for the MFU bounds on the CPU image). */
  readonly binding: boolean;
  readonly figure: number | null;
  readonly threshold: number | null;
  readonly comparison: string;
  /** The code a failure carries. */
  readonly code: string;
  readonly message: string;
}

/** What the harness claims about the post-run checks (§L.1.5 step 8; untrusted, advisory). */
export interface HarnessPostChecks {
  /** `false` when `model.config` changed; `null` when not reported. */
  readonly configOk: boolean | null;
  /** The reported changes (config first, then backend), one line each. */
  readonly configChanges: readonly string[];
  /** `false` when the backend settings changed; `null` when not reported. */
  readonly backendOk: boolean | null;
}

/** Inputs of {@link judgeRun}. */
export interface JudgeRunInput {
  /** The supervisor's `status` (`completed` or a code). */
  readonly supervisorStatus: string;
  readonly supervisorError: string | null;
  readonly timing: TimedWall | null;
  readonly mfu: MfuResult | null;
  /** The MFU bounds; `applyMfuBounds = false` reports them without binding (the CPU image). */
  readonly mfuBounds: { readonly max_plausible_mfu: number; readonly min_mfu: number };
  readonly applyMfuBounds: boolean;
  readonly postChecks: HarnessPostChecks;
  readonly verification: VerifyReport | null;
}

/** The verdict. */
export interface RunVerdict {
  readonly passed: boolean;
  readonly errorCode: string | null;
  readonly error: string | null;
  readonly checks: readonly RunCheck[];
}

const skipped = (id: HostCheckId, code: string, comparison: string, binding = true): RunCheck => ({
  id, status: "skipped", binding, figure: null, threshold: null, comparison, code, message: "not reached",
});

function check(id: HostCheckId, pass: boolean, code: string, comparison: string, figure: number | null, threshold: number | null, message: string, binding = true): RunCheck {
  return { id, status: pass ? "pass" : "fail", binding, figure, threshold, comparison, code, message };
}

/**
 * Orders and judges a run's checks (§E.8 project order): supervisor outcome, state-delivery bound,
 * `implausible_mfu` (whatever verification says), the harness's config and backend claims, the
 * verification checks, then `insufficient_mfu` once everything else passed.
 */
export function judgeRun(input: JudgeRunInput): RunVerdict {
  const { timing, mfu, verification, postChecks, mfuBounds, applyMfuBounds } = input;
  const checks: RunCheck[] = [];
  const completed = input.supervisorStatus === "completed";
  checks.push(
    check("supervisor_status", completed, completed ? "protocol_violation" : input.supervisorStatus, "== completed", null, null,
      completed ? "the supervisor saw the whole protocol" : `supervisor: ${input.supervisorStatus}${input.supervisorError ? `: ${input.supervisorError}` : ""}`),
  );
  checks.push(
    timing === null
      ? skipped("state_delivery", "deferred_computation", "<=")
      : check("state_delivery", timing.deliveryWithinBound, "deferred_computation", "<=", timing.deliverySeconds, timing.deliveryBoundSeconds,
          `delivery ${timing.deliverySeconds.toFixed(3)} s after the last end (bound ${timing.deliveryBoundSeconds.toFixed(3)} s)`),
  );
  checks.push(
    mfu === null
      ? skipped("mfu_plausible", "implausible_mfu", "<=", applyMfuBounds)
      : check("mfu_plausible", mfu.rawMfu <= mfuBounds.max_plausible_mfu, "implausible_mfu", "<=", mfu.rawMfu, mfuBounds.max_plausible_mfu,
          `MFU ${mfu.rawMfu.toFixed(4)}% (plausible up to ${mfuBounds.max_plausible_mfu}%)`, applyMfuBounds),
  );
  checks.push(
    !completed || postChecks.configOk === null
      ? skipped("harness_config", "config_tampering", "unchanged")
      : check("harness_config", postChecks.configOk, "config_tampering", "unchanged", postChecks.configChanges.length, 0,
          postChecks.configOk ? "model.config unchanged (harness claim)" : `model.config changed: ${postChecks.configChanges.slice(0, 5).join("; ")}`),
  );
  checks.push(
    !completed || postChecks.backendOk === null
      ? skipped("harness_backend", "execution_failed", "canonical")
      : check("harness_backend", postChecks.backendOk, "execution_failed", "canonical", null, null,
          postChecks.backendOk ? "backend settings canonical (harness claim)" : `forbidden pattern detected: backend settings changed: ${postChecks.configChanges.slice(-5).join("; ")}`),
  );
  if (verification !== null) checks.push(...verification.checks);
  const earlierOk = checks.every((c) => !c.binding || c.status !== "fail") && verification !== null && verification.verified;
  checks.push(
    mfu === null || !earlierOk
      ? skipped("mfu_minimum", "insufficient_mfu", ">=", applyMfuBounds)
      : check("mfu_minimum", mfu.rawMfu >= mfuBounds.min_mfu, "insufficient_mfu", ">=", mfu.rawMfu, mfuBounds.min_mfu,
          `MFU ${mfu.rawMfu.toFixed(4)}% (minimum ${mfuBounds.min_mfu}%)`, applyMfuBounds),
  );
  const first = checks.find((c) => c.binding && c.status === "fail");
  const incomplete = verification === null && first === undefined;
  return {
    passed: first === undefined && !incomplete,
    errorCode: first?.code ?? (incomplete ? "infrastructure_error" : null),
    error: first?.message ?? (incomplete ? "verification did not run" : null),
    checks,
  };
}

/**
 * Reads the harness's post-check claims from `supervisor/result.json` `claims.post_checks`
 * (`{"config_changes": [...], "backend_changes": [...]}`, lists of `"key: old -> new"` lines).
 * Absent or malformed means not reported (the harness shares a process with miner code: these are
 * advisory, §E.6).
 */
export function parsePostChecks(claims: unknown): HarnessPostChecks {
  const none: HarnessPostChecks = { configOk: null, configChanges: [], backendOk: null };
  if (typeof claims !== "object" || claims === null) return none;
  const post = (claims as Record<string, unknown>).post_checks;
  if (typeof post !== "object" || post === null) return none;
  const p = post as Record<string, unknown>;
  const list = (v: unknown): string[] | null => (Array.isArray(v) ? v.map((c) => String(c).slice(0, 200)).slice(0, 50) : null);
  const config = list(p.config_changes);
  const backend = list(p.backend_changes);
  return {
    configOk: config === null ? null : config.length === 0,
    configChanges: [...(config ?? []), ...(backend ?? [])].slice(0, 50),
    backendOk: backend === null ? null : backend.length === 0,
  };
}
