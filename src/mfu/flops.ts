/**
 * The FLOPs model. The reference's (spec crusades.md §G.1) is `6 · N` per token: 2 FLOPs forward
 * and 4 backward per parameter, embeddings counted as matmuls, no attention term, no recomputation.
 * The optional attention term is PaLM's (Chowdhery et al. 2022, appendix B): `12 · layers ·
 * sequenceLength · hiddenSize` per token for the score and value matmuls, forward and backward.
 * @module
 */

/** The attention term's inputs. */
export interface AttentionShape {
  /** Transformer layers. */
  readonly layers: number;
  /** Context length the attention spans. */
  readonly sequenceLength: number;
  /** Model width (heads × head dimension). */
  readonly hiddenSize: number;
}

/**
 * Training FLOPs per token: `6 · modelParams`, plus `12 · layers · sequenceLength · hiddenSize`
 * when `attention` is given.
 * @example flopsPerToken(8_404_669_952) // 50428019712
 */
export function flopsPerToken(modelParams: number, attention?: AttentionShape): number {
  const dense = 6 * modelParams;
  return attention ? dense + 12 * attention.layers * attention.sequenceLength * attention.hiddenSize : dense;
}
