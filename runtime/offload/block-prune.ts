// Block magnitude pruning for the DLP. Unstructured pruning (prune.ts) zeroes single weights,
// and at 90 % sparsity a 16×16 weight tile is still all zero with probability 0.9^256 ≈ 2e-12:
// the compiler can skip nothing. Pruning whole bk×bn blocks of the (in, out) weight matrix —
// the ones with the smallest L2 norm — makes the zeros line up with MATMUL tiles, so the
// compiler's zero-tile skipping (docs/sparsity.md) turns sparsity into saved cycles and bytes.
import { DlpError } from '../../isa/errors.js';
import type { ModelWeights } from '../../compiler/model.js';

export interface BlockPruneOptions {
  /** Fraction of each layer's blocks to zero, in [0, 1]. */
  sparsity: number;
  /** Block rows (inputs) and columns (outputs); default 16×16. */
  blockRows?: number;
  blockCols?: number;
  /** Prune the last layer too (default false: the classifier is small and sensitive). */
  includeLast?: boolean;
}

/** Returns copies of `weights` with the smallest-norm blocks of each layer set to zero.
 * `inputs[l]` is layer l's input width (the rows of its weight matrix). */
export function pruneBlocks(weights: ModelWeights, inputs: readonly number[], o: BlockPruneOptions): ModelWeights {
  const bk = o.blockRows ?? 16;
  const bn = o.blockCols ?? 16;
  if (!(o.sparsity >= 0 && o.sparsity <= 1)) throw new DlpError(`block sparsity must be in [0, 1], got ${o.sparsity}`);
  if (!Number.isInteger(bk) || !Number.isInteger(bn) || bk < 1 || bn < 1) throw new DlpError(`block size must be positive integers, got ${bk}×${bn}`);
  if (inputs.length !== weights.length) throw new DlpError(`${weights.length} weight sets but ${inputs.length} input widths`);
  return weights.map((lw, l) => {
    const w = Float32Array.from(lw.w);
    const out = { ...lw, w, b: Float32Array.from(lw.b), ...(lw.slopes ? { slopes: Float32Array.from(lw.slopes) } : {}) };
    if (l === weights.length - 1 && !o.includeLast) return out;
    const K = inputs[l]!;
    const N = w.length / K;
    const br = Math.ceil(K / bk);
    const bc = Math.ceil(N / bn);
    const norms = new Float64Array(br * bc);
    for (let i = 0; i < K; i++) for (let j = 0; j < N; j++) norms[Math.floor(i / bk) * bc + Math.floor(j / bn)] += w[i * N + j]! ** 2;
    // Smallest norms first; ties broken by block index so the result is deterministic.
    const order = Array.from(norms.keys()).sort((a, b) => norms[a]! - norms[b]! || a - b);
    const cut = Math.round(o.sparsity * order.length);
    for (let x = 0; x < cut; x++) {
      const blk = order[x]!;
      const i0 = Math.floor(blk / bc) * bk;
      const j0 = (blk % bc) * bn;
      for (let i = i0; i < Math.min(K, i0 + bk); i++) w.fill(0, i * N + j0, i * N + Math.min(N, j0 + bn));
    }
    return out;
  });
}
