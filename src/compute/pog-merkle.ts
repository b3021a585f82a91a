/**
 * The PoG commitment (compute.md §10.2 step 2): leaf `(t, i)` hashes the row `i` of `A_{t+1}`
 * with its exponent; a per-step Merkle root over the `n` leaves and a per-GPU root over the `T`
 * step roots. An odd node at a level is paired with itself (reference pairing, §3.4); the tree
 * shape is fixed by `n` and `T`, so that duplication cannot forge a second leaf list.
 *
 * Hash: SHA-256 with distinct domain tags for leaves and inner nodes. The spec names BLAKE3;
 * SHA-256 is used until the prover hashes on the GPU, because the Python side must run with the
 * standard library only (docs/compute.md, "Deviations").
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { POG_LEAF_DOMAIN, POG_NODE_DOMAIN } from "./pog-params.js";

const encoder = new TextEncoder();
const LEAF_TAG = encoder.encode(POG_LEAF_DOMAIN);
const NODE_TAG = encoder.encode(POG_NODE_DOMAIN);

/**
 * Leaf hash: SHA-256(`"crusades-pog-v1"` ‖ u32le(t) ‖ u32le(i) ‖ i32le(e) ‖ row bytes).
 * @param step 1-based step `t`
 * @param row row index `i`
 * @param exponent the row's normalisation exponent `e_i`
 * @param rowBytes row `i` of `A_{t+1}`, little-endian in the run's precision
 */
export function pogLeafHash(step: number, row: number, exponent: number, rowBytes: Uint8Array): Uint8Array {
  const buf = new Uint8Array(LEAF_TAG.length + 12 + rowBytes.length);
  buf.set(LEAF_TAG, 0);
  const view = new DataView(buf.buffer);
  view.setUint32(LEAF_TAG.length, step, true);
  view.setUint32(LEAF_TAG.length + 4, row, true);
  view.setInt32(LEAF_TAG.length + 8, exponent, true);
  buf.set(rowBytes, LEAF_TAG.length + 12);
  return sha256(buf);
}

/** Inner node: SHA-256(`"crusades-pog-v1-node"` ‖ left ‖ right). */
export function pogNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(NODE_TAG.length + 64);
  buf.set(NODE_TAG, 0);
  buf.set(left, NODE_TAG.length);
  buf.set(right, NODE_TAG.length + 32);
  return sha256(buf);
}

/** Number of levels above the leaves in a tree of `count` leaves (0 for one leaf). */
export function merkleDepth(count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`leaf count must be >= 1, got ${count}`);
  let depth = 0;
  for (let c = count; c > 1; c = Math.ceil(c / 2)) depth++;
  return depth;
}

/** Merkle root of a non-empty list of 32-byte nodes. */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) throw new RangeError("a Merkle tree needs at least one leaf");
  let level = [...leaves];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let k = 0; k < level.length; k += 2) {
      const left = level[k] as Uint8Array;
      next.push(pogNodeHash(left, level[k + 1] ?? left));
    }
    level = next;
  }
  return level[0] as Uint8Array;
}

/** Sibling path of leaf `index` (the node itself where the sibling is missing), leaf to root. */
export function merklePath(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) throw new RangeError(`index ${index} out of range`);
  const path: Uint8Array[] = [];
  let level = [...leaves];
  let i = index;
  while (level.length > 1) {
    const sibling = i % 2 === 0 ? (level[i + 1] ?? level[i]) : level[i - 1];
    path.push(sibling as Uint8Array);
    const next: Uint8Array[] = [];
    for (let k = 0; k < level.length; k += 2) next.push(pogNodeHash(level[k] as Uint8Array, (level[k + 1] ?? level[k]) as Uint8Array));
    level = next;
    i = Math.floor(i / 2);
  }
  return path;
}

/** Folds a node up a path (even index: node ‖ sibling). */
export function foldPath(node: Uint8Array, index: number, path: readonly Uint8Array[]): Uint8Array {
  let acc = node;
  let i = index;
  for (const sibling of path) {
    acc = i % 2 === 0 ? pogNodeHash(acc, sibling) : pogNodeHash(sibling, acc);
    i = Math.floor(i / 2);
  }
  return acc;
}

/**
 * Checks a leaf's two-level path: `depth(n)` siblings in the step tree, then `depth(T)` in the
 * GPU tree. A path of the wrong length is `false`.
 */
export function verifyPogPath(leaf: Uint8Array, step: number, row: number, path: readonly Uint8Array[], n: number, steps: number, root: Uint8Array): boolean {
  const inner = merkleDepth(n);
  if (path.length !== inner + merkleDepth(steps)) return false;
  const stepRoot = foldPath(leaf, row, path.slice(0, inner));
  const top = foldPath(stepRoot, step - 1, path.slice(inner));
  return equalBytes(top, root);
}

/** Constant-shape byte comparison. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let k = 0; k < a.length; k++) diff |= (a[k] as number) ^ (b[k] as number);
  return diff === 0;
}
