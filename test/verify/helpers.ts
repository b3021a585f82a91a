import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";

export type Dt = "BF16" | "F16" | "F32";
export interface T {
  readonly dtype: Dt;
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

const created: string[] = [];
// Registered at the top level of each test file that imports this module (files run isolated).
afterAll(() => {
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory, removed after the test file. */
export function tempDir(prefix = "crusades-verify-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  created.push(d);
  return d;
}

/** float -> bf16 bits, round to nearest even (as torch does). */
export function bf16Bits(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0]!;
  if (Number.isNaN(x)) return 0x7fc0;
  const lsb = (u >>> 16) & 1;
  return ((u + 0x7fff + lsb) >>> 16) & 0xffff;
}

export function bf16Value(bits: number): number {
  return new Float32Array(new Uint32Array([bits << 16]).buffer)[0]!;
}

function f16Bits(x: number): number {
  // Only used with values exactly representable in f16 (tests choose them).
  if (Number.isNaN(x)) return 0x7e00;
  if (x === Infinity) return 0x7c00;
  if (x === -Infinity) return 0xfc00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === 0) return sign;
  let e = Math.floor(Math.log2(a));
  if (e < -14) return sign | Math.round(a / 2 ** -24);
  let m = Math.round((a / 2 ** e - 1) * 1024);
  if (m === 1024) { m = 0; e++; }
  return sign | ((e + 15) << 10) | m;
}

export function encode(t: T): Uint8Array {
  const n = t.values.length;
  if (t.dtype === "F32") return new Uint8Array(new Float32Array(t.values).buffer);
  const u = new Uint16Array(n);
  for (let k = 0; k < n; k++) u[k] = t.dtype === "BF16" ? bf16Bits(t.values[k]!) : f16Bits(t.values[k]!);
  return new Uint8Array(u.buffer);
}

/** Writes a valid safetensors file (tensors in name order, header padded to 8 bytes). */
export function writeSafetensors(path: string, tensors: Record<string, T>, metadata?: Record<string, string>): void {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const blobs: Uint8Array[] = [];
  let off = 0;
  for (const name of names) {
    const t = tensors[name]!;
    const b = encode(t);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + b.byteLength] };
    off += b.byteLength;
    blobs.push(b);
  }
  writeRaw(path, JSON.stringify(header), blobs);
}

/** Writes header text and blobs as they are (for hostile files). */
export function writeRaw(path: string, headerText: string, blobs: Uint8Array[] = [], headerLen?: bigint): void {
  let h = Buffer.from(headerText, "utf8");
  const pad = (8 - (h.length % 8)) % 8;
  h = Buffer.concat([h, Buffer.alloc(pad, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(headerLen ?? BigInt(h.length));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.concat([len, h, ...blobs.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))]));
}

export const VERIFICATION = {
  max_loss_difference: 0.4,
  min_params_changed_ratio: 0.75,
  weight_relative_error_max: 0.015,
  timer_divergence_threshold: 0.005,
  per_layer_relative_error_max: null,
} as const;

export function referenceSummary(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: "crusades.reference_summary", schema_version: 1, final_loss: 2.5, batch_size: 2, sequence_length: 8, steps: 3,
    expected_tokens_per_rank: 48, vocab_size: 32, model_params: 100, dp_size: 1, tp_size: 1, num_gpus: 1, seed: "1:1:0:ab",
    state_write_seconds: 1.5, harness_hash: "00", versions: { torch: "test" }, ...over,
  };
}

export function candidateSummary(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: "crusades.candidate_summary", schema_version: 1, final_loss: 2.6, total_tokens: 48,
    final_logits_shape: [2, 7, 32], final_logits_dtype: "torch.float32", dropped_keys: [], ...over,
  };
}

/** Writes a run directory with the given states and summaries (undefined = omit the file). */
export function writeRun(
  dir: string,
  parts: {
    initial: Record<string, T>;
    reference: Record<string, T>;
    candidate?: Record<string, T> | undefined;
    referenceSummary?: Record<string, unknown>;
    candidateSummary?: Record<string, unknown> | undefined;
  },
): string {
  writeSafetensors(join(dir, "initial/state.safetensors"), parts.initial);
  writeSafetensors(join(dir, "reference/state.safetensors"), parts.reference);
  if (parts.candidate) writeSafetensors(join(dir, "candidate/state.safetensors"), parts.candidate);
  writeFileSync(join(dir, "reference/summary.json"), JSON.stringify(parts.referenceSummary ?? referenceSummary()));
  mkdirSync(join(dir, "candidate"), { recursive: true });
  if (parts.candidateSummary !== undefined || !("candidateSummary" in parts)) {
    writeFileSync(join(dir, "candidate/summary.json"), JSON.stringify(parts.candidateSummary ?? candidateSummary()));
  }
  return dir;
}
