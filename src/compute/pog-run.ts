/**
 * The validator's proof-of-GPU run against one miner agent (compute.md §10.2): prepare (inventory,
 * round trip), then per precision a fresh seed, the timed commitment, post-commitment openings
 * and their verification, then identification against the catalogue. Every run returns its full
 * record (seed, parameters, inventory, roots, openings, timings, verdict) for offline re-checks.
 * @module
 */
import { randomBytes } from "node:crypto";
import { bytesToHex } from "@noble/hashes/utils.js";
import { err, ok, type Result, ResultAsync } from "neverthrow";
import { findGpu } from "../mfu/index.js";
import type { ClientError, ComputeClient } from "./client.js";
import { type GpuIdentification, type IdentifyOptions, identifyPogGpu, pogFigures } from "./pog-identify.js";
import { type PogDevice, type PogOpening, parsePogCommitted, parsePogOpened, parsePogPrepared } from "./pog-messages.js";
import { POG_OPEN_DEADLINE_SECONDS, POG_OPENINGS, POG_TARGET_SECONDS, type PogPrecision, pogFlops, pogMatrixSize, pogStepCount } from "./pog-params.js";
import { chooseOpenings, type OpeningFailure, verifyOpenings } from "./pog-verify.js";

/** One precision's run. */
export interface PogPrecisionRun {
  readonly precision: PogPrecision;
  readonly seed: string;
  readonly n: number;
  readonly steps: number;
  readonly gpus: readonly number[];
  readonly roots: readonly { readonly gpu: number; readonly root: string; readonly seconds: number }[];
  /** Validator clock, seed sent to roots received. */
  readonly elapsedMs: number;
  readonly openings: readonly PogOpening[];
}

/** One offered GPU and its outcome. */
export interface PogGpuRecord extends PogDevice {
  /** Validator-measured TFLOPS per precision. */
  readonly tflops: Partial<Record<PogPrecision, number>>;
  readonly challenged: boolean;
  readonly identification: GpuIdentification | null;
  /** Proofs verified and model identified: the GPU counts. */
  readonly verified: boolean;
}

/** The full record of a run. */
export interface PogRecord {
  readonly version: 1;
  readonly validatorHotkey: string;
  readonly minerHotkey: string;
  readonly startedAtMs: number;
  finishedAtMs: number;
  rttMs: number | null;
  device: "cuda" | "cpu" | null;
  inventory: readonly PogDevice[];
  readonly runs: PogPrecisionRun[];
  gpus: PogGpuRecord[];
  /** Verified GPUs of the most common verified model. */
  verifiedCount: number;
  model: string | null;
}

/** A failed run; `hard` revokes verified status at once, `soft` may be retried (§10.2). */
export interface PogFailure {
  readonly type: "pog_failed";
  readonly severity: "hard" | "soft";
  readonly reason: OpeningFailure["reason"] | "auth_failed" | "unreachable" | "timeout" | "remote_error" | "nothing_to_challenge";
  readonly message: string;
  readonly record: PogRecord;
}

/** Options of {@link runPog}. */
export interface RunPogOptions {
  /** @default ["fp16", "fp32"] (the two measured throughputs; "bf16" is available) */
  readonly precisions?: readonly PogPrecision[];
  /** Overrides `n` and `T` (tests, the CPU device); by default sized from memory and calibration. */
  readonly size?: (precision: PogPrecision, gpus: readonly PogDevice[]) => { readonly n: number; readonly steps: number };
  readonly identify?: IdentifyOptions;
  /** @default POG_OPENINGS (8) */
  readonly openings?: number;
  /** @default POG_TARGET_SECONDS */
  readonly targetSeconds?: number;
  /** @default POG_OPEN_DEADLINE_SECONDS·1000 */
  readonly openDeadlineMs?: number;
  /** @default (2·targetSeconds + 60) s */
  readonly startTimeoutMs?: number;
  /** CSPRNG hooks (tests). */
  readonly seedBytes?: () => Uint8Array;
  readonly random?: (max: number) => number;
  readonly now?: () => number;
}

function classify(e: ClientError): Pick<PogFailure, "severity" | "reason" | "message"> {
  if (e.type === "auth_failed") return { severity: "hard", reason: "auth_failed", message: `${e.reason}: ${e.message}` };
  if (e.type === "bad_response") return { severity: "hard", reason: "malformed_message", message: e.message };
  return { severity: "soft", reason: e.type, message: e.message };
}

/**
 * Runs proof-of-GPU against the agent behind `client`.
 * @returns the record, or `pog_failed` (with the partial record) on a hard or soft failure
 */
export function runPog(client: ComputeClient, options: RunPogOptions = {}): ResultAsync<PogRecord, PogFailure> {
  const { precisions = ["fp16", "fp32"], openings = POG_OPENINGS, targetSeconds = POG_TARGET_SECONDS, openDeadlineMs = POG_OPEN_DEADLINE_SECONDS * 1000, seedBytes = () => randomBytes(32), now = Date.now } = options;
  const startTimeoutMs = options.startTimeoutMs ?? (2 * targetSeconds + 60) * 1000;
  const lookup = options.identify?.lookup ?? findGpu;
  const record: PogRecord = { version: 1, validatorHotkey: client.validatorHotkey, minerHotkey: client.minerHotkey, startedAtMs: now(), finishedAtMs: 0, rttMs: null, device: null, inventory: [], runs: [], gpus: [], verifiedCount: 0, model: null };
  const fail = (f: Pick<PogFailure, "severity" | "reason" | "message">) => {
    record.finishedAtMs = now();
    return err<never, PogFailure>({ type: "pog_failed", ...f, record });
  };
  let sessionId = "";

  const pings = async (): Promise<Result<number, ClientError>> => {
    let best = Infinity;
    for (let k = 0; k < 3; k++) {
      const r = await client.request("GET", "/v1/ping");
      if (r.isErr()) return err(r.error);
      best = Math.min(best, r.value.elapsedMs);
    }
    return ok(best);
  };

  const flow = async (): Promise<Result<PogRecord, PogFailure>> => {
    const prepared = await client.request("POST", "/v1/pog/prepare", { version: 1, type: "pog.prepare" }, { timeoutMs: 120_000 });
    if (prepared.isErr()) return fail(classify(prepared.error));
    const inv = parsePogPrepared(prepared.value.body);
    if (inv.isErr()) return fail({ severity: "hard", reason: "malformed_message", message: inv.error.message });
    sessionId = inv.value.sessionId;
    record.device = inv.value.device;
    record.inventory = inv.value.gpus;
    const uuids = new Set(inv.value.gpus.map((g) => g.uuid));
    const indexes = new Set(inv.value.gpus.map((g) => g.index));
    if (uuids.size !== inv.value.gpus.length || indexes.size !== inv.value.gpus.length) return fail({ severity: "hard", reason: "protocol_violation", message: "the inventory repeats a GPU index or UUID" });
    const rtt = await pings();
    if (rtt.isErr()) return fail(classify(rtt.error));
    record.rttMs = rtt.value;

    const challengeable = (g: PogDevice) => {
      if (options.size) return true;
      const spec = lookup(g.name);
      return spec.isOk() && pogFigures(spec.value, options.identify?.calibration, options.identify?.referenceFallback ?? true) !== null;
    };
    const targets = inv.value.gpus.filter(challengeable);
    const tflops = new Map<number, Partial<Record<PogPrecision, number>>>(targets.map((g) => [g.index, {}]));
    if (targets.length === 0) return fail({ severity: "soft", reason: "nothing_to_challenge", message: "no offered GPU is a catalogued model with PoG figures" });

    for (const precision of precisions) {
      const { n, steps } = options.size
        ? options.size(precision, targets)
        : (() => {
            const n = pogMatrixSize(Math.min(...targets.map((g) => g.memoryMiB)));
            const slowest = Math.min(...targets.map((g) => lookup(g.name).map((s) => pogFigures(s, options.identify?.calibration)?.tflops[precision] ?? Infinity).unwrapOr(Infinity)));
            return { n, steps: pogStepCount(n, Number.isFinite(slowest) ? slowest : 1, targetSeconds) };
          })();
      const seed = seedBytes();
      const gpus = targets.map((g) => g.index);
      const started = await client.request("POST", "/v1/pog/start", { version: 1, type: "pog.start", sessionId, precision, seed: bytesToHex(seed), n, steps, gpus }, { timeoutMs: startTimeoutMs });
      if (started.isErr()) return fail(classify(started.error));
      const committed = parsePogCommitted(started.value.body);
      if (committed.isErr()) return fail({ severity: "hard", reason: "malformed_message", message: committed.error.message });
      const roots = new Map(committed.value.roots.map((r) => [r.gpu, Uint8Array.from(Buffer.from(r.root, "hex"))]));
      if (committed.value.sessionId !== sessionId || committed.value.precision !== precision || roots.size !== gpus.length || gpus.some((g) => !roots.has(g))) {
        return fail({ severity: "hard", reason: "protocol_violation", message: "the commitment does not hold exactly one root per challenged GPU" });
      }
      const elapsedMs = Math.max(started.value.elapsedMs - rtt.value, 1e-3);
      for (const g of gpus) (tflops.get(g) as Partial<Record<PogPrecision, number>>)[precision] = pogFlops(n, steps) / (elapsedMs / 1000) / 1e12;
      // The openings are drawn only now, after the roots arrived.
      const requested = chooseOpenings(gpus, n, steps, openings, options.random);
      record.runs.push({ precision, seed: bytesToHex(seed), n, steps, gpus, roots: committed.value.roots, elapsedMs, openings: requested });
      const opened = await client.request("POST", "/v1/pog/open", { version: 1, type: "pog.open", sessionId, precision, openings: requested }, { timeoutMs: openDeadlineMs, maxResponseBytes: 64 << 20 });
      if (opened.isErr()) return fail(classify(opened.error));
      const leaves = parsePogOpened(opened.value.body);
      if (leaves.isErr()) return fail({ severity: "hard", reason: "malformed_message", message: leaves.error.message });
      const failure = verifyOpenings({ seed, n, steps, precision, roots, requested, opened: leaves.value });
      if (failure) return fail({ severity: "hard", reason: failure.reason, message: failure.message });
    }

    record.gpus = inv.value.gpus.map((g) => {
      const measured = tflops.get(g.index);
      const identification = measured ? identifyPogGpu({ name: g.name, memoryMiB: g.memoryMiB, probeMiB: g.probeMiB, tflops: measured }, options.identify) : null;
      return { ...g, tflops: measured ?? {}, challenged: measured !== undefined, identification, verified: identification?.status === "identified" };
    });
    const byModel = new Map<string, number>();
    for (const g of record.gpus) if (g.verified && g.identification?.model) byModel.set(g.identification.model, (byModel.get(g.identification.model) ?? 0) + 1);
    for (const [model, count] of byModel) if (count > record.verifiedCount) [record.model, record.verifiedCount] = [model, count];
    record.finishedAtMs = now();
    return ok(record);
  };

  return new ResultAsync(flow()).andTee(finish).orTee(finish);

  function finish(): void {
    if (sessionId) void client.request("POST", "/v1/pog/finish", { version: 1, type: "pog.finish", sessionId }, { timeoutMs: 5000 });
  }
}
