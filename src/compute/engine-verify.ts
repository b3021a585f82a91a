/**
 * compute.md §10.3: "only GPUs verified within the validity window, whose model matches the
 * competition's configured hardware, are used". The evidence is the validator's own proof-of-GPU
 * record of the lease's miner; every GPU of the lease must be in it, verified, of an allowed
 * model, and the record must be recent. CPU-only tests use {@link UNVERIFIED_GPUS_FOR_TESTS}.
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { findGpu } from "../mfu/index.js";
import type { Lease } from "./allocation.js";
import type { PogRecord } from "./pog-run.js";
import { POG_VALIDITY_BLOCKS } from "./pog-state.js";

/** Seconds per block assumed for the validity window (`block_time`). */
const BLOCK_SECONDS = 12;

/** What vouches for a lease's GPUs. */
export type LeaseGpuEvidence =
  | {
      readonly kind: "pog";
      /** The validator's latest proof-of-GPU record of the lease's miner (`runPog`). */
      readonly record: PogRecord;
      readonly nowMs: number;
      /** Validity window. @default POG_VALIDITY_BLOCKS × 12 s */
      readonly maxAgeMs?: number;
      /** The competition's hardware (catalogue ids or aliases, e.g. hparams `basilica.gpu_models`). */
      readonly allowedModels: readonly string[];
      /** The validator that made the record (the caller's own hotkey); checked when given. */
      readonly validatorHotkey?: string;
    }
  /** No GPU check: CPU-image tests and a miner's own code only; recorded in the run's provenance. */
  | { readonly kind: "unverified_for_tests" };

/** The override for CPU tests (no GPU, no proof): every run made with it says so in its provenance. */
export const UNVERIFIED_GPUS_FOR_TESTS: LeaseGpuEvidence = Object.freeze({ kind: "unverified_for_tests" });

/** A lease whose GPUs may not run evaluations. */
export interface UnverifiedLeaseGpusError {
  readonly type: "lease_gpus_unverified";
  readonly reason: "no_gpus" | "other_miner" | "other_validator" | "stale" | "not_verified" | "model_not_allowed";
  readonly message: string;
}

const fail = (reason: UnverifiedLeaseGpusError["reason"], message: string): Result<never, UnverifiedLeaseGpusError> => err({ type: "lease_gpus_unverified", reason, message });
const modelId = (name: string) => findGpu(name).map((g) => g.id).unwrapOr(`unknown:${name}`);

/**
 * Checks a lease's GPUs against the evidence.
 * @returns how the GPUs were verified (`pog`, or `unverified_for_tests`), for the run's provenance
 * @example checkLeaseGpusVerified(lease, { kind: "pog", record, nowMs: Date.now(), allowedModels: hparams.basilica.gpu_models })
 */
export function checkLeaseGpusVerified(lease: Lease, evidence: LeaseGpuEvidence): Result<"pog" | "unverified_for_tests", UnverifiedLeaseGpusError> {
  if (evidence.kind === "unverified_for_tests") return ok("unverified_for_tests");
  const { record } = evidence;
  if (lease.gpuUuids.length === 0 || lease.request.gpuModel === undefined) return fail("no_gpus", `lease ${lease.id} holds no GPU`);
  // One verified GPU must not vouch for several: the UUIDs are distinct and as many as leased.
  if (new Set(lease.gpuUuids).size !== lease.gpuUuids.length || lease.gpuUuids.length !== lease.request.gpuCount) {
    return fail("not_verified", `lease ${lease.id} lists ${lease.gpuUuids.length} GPU UUIDs (${new Set(lease.gpuUuids).size} distinct) for ${lease.request.gpuCount} GPUs`);
  }
  if (record.minerHotkey !== lease.minerHotkey) return fail("other_miner", `the proof-of-GPU record is of ${record.minerHotkey}, not of the lease's miner ${lease.minerHotkey}`);
  if (evidence.validatorHotkey !== undefined && record.validatorHotkey !== evidence.validatorHotkey) return fail("other_validator", `the proof-of-GPU record was made by ${record.validatorHotkey}, not by this validator`);
  const maxAgeMs = evidence.maxAgeMs ?? POG_VALIDITY_BLOCKS * BLOCK_SECONDS * 1000;
  const ageMs = evidence.nowMs - record.finishedAtMs;
  if (!(ageMs >= 0 && ageMs <= maxAgeMs)) return fail("stale", `the proof-of-GPU record is ${Math.round(ageMs / 1000)} s old; the validity window is ${Math.round(maxAgeMs / 1000)} s`);
  const model = modelId(lease.request.gpuModel);
  if (!evidence.allowedModels.map(modelId).includes(model)) return fail("model_not_allowed", `${lease.request.gpuModel} is not the competition's hardware (${evidence.allowedModels.join(", ")})`);
  for (const uuid of lease.gpuUuids) {
    const gpu = record.gpus.find((g) => g.uuid === uuid);
    if (gpu === undefined || !gpu.verified || gpu.identification?.status !== "identified" || gpu.identification.model !== model) {
      return fail("not_verified", `GPU ${uuid} of lease ${lease.id} was not verified as ${model} by proof-of-GPU${gpu?.identification ? ` (${gpu.identification.status})` : ""}`);
    }
  }
  return ok("pog");
}
