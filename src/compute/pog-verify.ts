/**
 * Verifying a prover's openings against its commitment (compute.md §10.2 steps 3-4): the
 * openings are drawn after the roots arrived; each opened row is checked against its Merkle path
 * and recomputed from its committed predecessor (or the generated `A_1` row) and the regenerated
 * `B_t`.
 * @module
 */
import { randomInt } from "node:crypto";
import { checkRow, decodeRow } from "./pog-check-row.js";
import { pogLeafHash, verifyPogPath } from "./pog-merkle.js";
import type { PogLeaf, PogOpened, PogOpening } from "./pog-messages.js";
import { type PogPrecision, PRECISION_FORMATS } from "./pog-params.js";
import { pogMatrix, pogRow, pogStream } from "./pog-prf.js";

/** Why a set of openings failed; every reason is a hard failure (§10.2 "Failures"). */
export interface OpeningFailure {
  readonly reason: "protocol_violation" | "malformed_message" | "bad_path" | "row_mismatch";
  readonly message: string;
  readonly gpu?: number;
  readonly step?: number;
  readonly row?: number;
}

/**
 * Draws `q` openings per GPU with distinct steps and uniform rows, from a CSPRNG.
 * @param random integer in `[0, max)`; defaults to `crypto.randomInt`
 */
export function chooseOpenings(gpus: readonly number[], n: number, steps: number, q: number, random: (max: number) => number = randomInt): PogOpening[] {
  const out: PogOpening[] = [];
  for (const gpu of gpus) {
    const picked = new Set<number>();
    const want = Math.min(q, steps);
    while (picked.size < want) picked.add(1 + random(steps));
    for (const step of [...picked].sort((a, b) => a - b)) out.push({ gpu, step, row: random(n) });
  }
  return out;
}

/** What the verifier needs about one precision's run. */
export interface OpeningsInput {
  readonly seed: Uint8Array;
  readonly n: number;
  readonly steps: number;
  readonly precision: PogPrecision;
  /** Committed root per GPU index. */
  readonly roots: ReadonlyMap<number, Uint8Array>;
  readonly requested: readonly PogOpening[];
  readonly opened: PogOpened;
}

const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));

function leafBytes(leaf: PogLeaf, precision: PogPrecision, n: number): Uint8Array | null {
  const bytes = Uint8Array.from(Buffer.from(leaf.data, "base64"));
  return bytes.length === n * PRECISION_FORMATS[precision].bytes ? bytes : null;
}

/**
 * Checks every opened leaf: the answer matches the request, paths lead to the committed roots,
 * rows decode, and each row equals `A_t[i,:]·B_t` normalised, within the tolerance.
 * @returns `null` when all openings verify
 */
export function verifyOpenings(input: OpeningsInput): OpeningFailure | null {
  const { seed, n, steps, precision, roots, requested, opened } = input;
  if (opened.precision !== precision || opened.leaves.length !== requested.length) {
    return { reason: "protocol_violation", message: `expected ${requested.length} ${precision} leaves, got ${opened.leaves.length} (${opened.precision})` };
  }
  for (let k = 0; k < requested.length; k++) {
    const want = requested[k] as PogOpening;
    const leaf = opened.leaves[k] as PogOpened["leaves"][number];
    const at = { gpu: want.gpu, step: want.step, row: want.row };
    if (leaf.gpu !== want.gpu || leaf.step !== want.step || leaf.row !== want.row) return { reason: "protocol_violation", message: `leaf ${k} answers another opening`, ...at };
    if ((leaf.previous === null) !== (want.step === 1)) return { reason: "protocol_violation", message: "the previous leaf must be present exactly when t > 1", ...at };
    const root = roots.get(want.gpu);
    if (!root) return { reason: "protocol_violation", message: `no root for GPU ${want.gpu}`, ...at };
    const bytes = leafBytes(leaf, precision, n);
    const row = bytes && decodeRow(bytes, precision, n);
    if (!bytes || !row) return { reason: "malformed_message", message: "the opened row does not decode to n finite values", ...at };
    const path = (l: PogLeaf) => l.path.map(fromHex);
    if (!verifyPogPath(pogLeafHash(want.step, want.row, leaf.exponent, bytes), want.step, want.row, path(leaf), n, steps, root)) {
      return { reason: "bad_path", message: "the leaf's Merkle path does not lead to the committed root", ...at };
    }
    let a: Float64Array;
    if (leaf.previous === null) a = pogRow(pogStream(seed, want.gpu, 1, "A"), n, want.row);
    else {
      const prevBytes = leafBytes(leaf.previous, precision, n);
      const prev = prevBytes && decodeRow(prevBytes, precision, n);
      if (!prevBytes || !prev) return { reason: "malformed_message", message: "the previous row does not decode to n finite values", ...at };
      if (!verifyPogPath(pogLeafHash(want.step - 1, want.row, leaf.previous.exponent, prevBytes), want.step - 1, want.row, path(leaf.previous), n, steps, root)) {
        return { reason: "bad_path", message: "the previous leaf's Merkle path does not lead to the committed root", ...at };
      }
      a = prev;
    }
    const mismatch = checkRow(a, pogMatrix(pogStream(seed, want.gpu, want.step, "B"), n), n, precision, leaf.exponent, row);
    if (mismatch) {
      const detail = mismatch.reason === "exponent"
        ? `exponent ${mismatch.claimed}, expected ${mismatch.expected}`
        : `column ${mismatch.column}: ${mismatch.claimed} vs ${mismatch.expected} (allowed ±${mismatch.allowed.toExponential(2)})`;
      return { reason: "row_mismatch", message: `row ${want.row} of step ${want.step} is wrong: ${detail}`, ...at };
    }
  }
  return null;
}
