// Seeded random weights for timing-only studies (and as a starting point for labs). Weight
// matrices are uniform in ±sqrt(6 / fan_in) (He-uniform) for the ReLU family and
// ±sqrt(6 / (fan_in + fan_out)) (Glorot-uniform) for sigmoid, tanh and identity layers; biases
// are zero and PReLU slopes 0.25, as PyTorch initialises them. One mulberry32 stream
// (isa/rng.ts) is drawn in layer order, weights row-major (in, out), so a seed fixes every value.
import { createRng } from '../../isa/rng.js';
import type { LayerWeights, ModelGraph, ModelWeights } from '../model.js';

export function randomWeights(model: ModelGraph, seed: number): ModelWeights {
  const rng = createRng(seed);
  let inputs = model.inputSize;
  return model.layers.map((layer) => {
    const out = layer.units;
    const kind = layer.activation.kind;
    const glorot = kind === 'sigmoid' || kind === 'tanh' || kind === 'identity';
    const limit = Math.sqrt(6 / (glorot ? inputs + out : inputs));
    const w = new Float32Array(inputs * out);
    for (let i = 0; i < w.length; i++) w[i] = (2 * rng() - 1) * limit;
    const lw: LayerWeights = { w, b: new Float32Array(out) };
    if (kind === 'prelu') lw.slopes = new Float32Array(out).fill(0.25);
    inputs = out;
    return lw;
  });
}
