/**
 * The streaming pass over the three states: plan slices, run them on worker threads, and fold the
 * per-slice sums into per-tensor and global figures (spec §F.3, §F.4) in a fixed order, so the
 * result does not depend on scheduling.
 * @module
 */
import { DTYPE_CODE } from "./kernel-source.js";
import { runSlices, type SliceFile, type SliceTask } from "./pool.js";
import type { SafetensorsReader } from "./safetensors.js";
import type { TensorInfo } from "./header.js";

/** Per-tensor figures. */
export interface LayerFigures {
  readonly name: string;
  readonly numel: number;
  /** Compared with the reference (same shape)? */
  readonly comparedWithReference: boolean;
  /** Compared with the initial state (same shape)? */
  readonly comparedWithInitial: boolean;
  /** Σ (c − r)², float64. */
  readonly diffSq: number;
  /** Σ r², float64. */
  readonly refSq: number;
  /** `sqrt(diffSq) / sqrt(refSq)` when `refSq > 0`, else `null` (§F.4). */
  readonly relativeError: number | null;
  /** Elements with |c − i| > 1e-6 in float32 (§F.3). */
  readonly changedElements: number;
  readonly nanElements: number;
  readonly infElements: number;
}

/** Totals of the pass. */
export interface PassFigures {
  readonly layers: readonly LayerFigures[];
  readonly diffSq: number;
  readonly refSq: number;
  /** Elements compared with the reference. */
  readonly weightElements: number;
  readonly changedElements: number;
  /** Elements compared with the initial state. */
  readonly changedTotalElements: number;
  readonly nanElements: number;
  readonly infElements: number;
  readonly bytesRead: number;
}

/** Options of the pass. */
export interface PassOptions {
  readonly workers: number;
  readonly sliceElements: number;
  readonly onProgress?: ((p: { readonly doneBytes: number; readonly totalBytes: number }) => void) | undefined;
}

const sameShape = (a: TensorInfo, b: TensorInfo) => a.shape.length === b.shape.length && a.shape.every((d, k) => d === b.shape[k]);

function operand(reader: SafetensorsReader, t: TensorInfo, start: number, noFollow: boolean): SliceFile {
  const size = t.dtype === "F32" ? 4 : 2;
  return {
    path: reader.path, noFollow, dev: reader.identity.dev, ino: reader.identity.ino, size: reader.identity.sizeBytes,
    off: t.fileOffset + start * size, dt: DTYPE_CODE[t.dtype as "F32" | "F16" | "BF16"],
  };
}

/**
 * Runs the pass over every candidate tensor that the reference or the initial state has with the
 * same shape. All three readers must hold float dtypes only.
 */
export async function runTensorPass(
  candidate: SafetensorsReader,
  reference: SafetensorsReader,
  initial: SafetensorsReader,
  options: PassOptions,
): Promise<PassFigures> {
  const tasks: SliceTask[] = [];
  const plan: { t: TensorInfo; withRef: boolean; withInit: boolean; first: number; last: number }[] = [];
  let totalBytes = 0;
  const bytesOf = new Map<number, number>();
  for (const t of candidate.tensors) {
    const r = reference.tensor(t.name);
    const i = initial.tensor(t.name);
    const withRef = r !== undefined && sameShape(t, r);
    const withInit = i !== undefined && sameShape(t, i);
    if (!withRef && !withInit) continue;
    const first = tasks.length;
    for (let at = 0; at < t.numel; at += options.sliceElements) {
      const n = Math.min(options.sliceElements, t.numel - at);
      const task: SliceTask = {
        id: tasks.length, n,
        c: operand(candidate, t, at, true),
        r: withRef ? operand(reference, r!, at, false) : null,
        i: withInit ? operand(initial, i!, at, false) : null,
      };
      const bytes = n * ((t.dtype === "F32" ? 4 : 2) + (withRef ? (r!.dtype === "F32" ? 4 : 2) : 0) + (withInit ? (i!.dtype === "F32" ? 4 : 2) : 0));
      bytesOf.set(task.id, bytes);
      totalBytes += bytes;
      tasks.push(task);
    }
    plan.push({ t, withRef, withInit, first, last: tasks.length });
  }

  let doneBytes = 0;
  const results = await runSlices(tasks, options.workers, (task) => {
    doneBytes += bytesOf.get(task.id) ?? 0;
    options.onProgress?.({ doneBytes, totalBytes });
  });

  const layers: LayerFigures[] = [];
  let diffSq = 0, refSq = 0, weightElements = 0, changed = 0, changedTotal = 0, nan = 0, inf = 0;
  for (const p of plan) {
    let d = 0, q = 0, ch = 0, na = 0, inff = 0;
    for (let k = p.first; k < p.last; k++) {
      const s = results[k]!;
      d += s.dsq;
      q += s.rsq;
      ch += s.changed;
      na += s.nan;
      inff += s.inf;
    }
    if (p.withRef) {
      diffSq += d;
      refSq += q;
      weightElements += p.t.numel;
    }
    if (p.withInit) {
      changed += ch;
      changedTotal += p.t.numel;
    }
    nan += na;
    inf += inff;
    layers.push({
      name: p.t.name, numel: p.t.numel, comparedWithReference: p.withRef, comparedWithInitial: p.withInit,
      diffSq: p.withRef ? d : 0, refSq: p.withRef ? q : 0,
      relativeError: p.withRef && q > 0 ? Math.sqrt(d) / Math.sqrt(q) : null,
      changedElements: p.withInit ? ch : 0, nanElements: na, infElements: inff,
    });
  }
  return {
    layers, diffSq, refSq, weightElements, changedElements: changed, changedTotalElements: changedTotal,
    nanElements: nan, infElements: inf, bytesRead: totalBytes,
  };
}
