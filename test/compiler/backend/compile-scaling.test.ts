// The tuned search's work grows linearly with depth: every fused span it ranks holds at most
// MAX_FUSED_LAYERS layers, so the fine scorer (the instruction replay, which emits every layer
// of a span) is called a fixed number of times per added layer. Compile seconds are measured
// by `npm run bench -- --only compile`, not here.
import { describe, expect, it } from 'vitest';
import { loadHardware } from '../../../isa/node.js';
import { quantizeModel } from '../../../compiler/passes/quantize.js';
import { MAX_FUSED_LAYERS, planTunedAlternatives, type SegmentPlan } from '../../../compiler/passes/tile.js';
import { makeModel, makeWeights } from './helpers.js';

function rescores(layers: number) {
  const model = makeModel(4, Array.from({ length: layers }, () => [4, { kind: 'relu' }]), false);
  const q = quantizeModel(model, makeWeights(model, 1), { dtype: 'int8' });
  let calls = 0;
  let longest = 0;
  planTunedAlternatives(q, 1, loadHardware('dlp-s'), (seg: SegmentPlan) => {
    calls++;
    longest = Math.max(longest, seg.layers.length);
    return seg.layers.length;
  });
  return { calls, longest };
}

describe('tuned search scaling', () => {
  it('rescores a fixed number of spans per layer beyond MAX_FUSED_LAYERS', () => {
    const [a, b, c] = [40, 80, 120].map(rescores);
    expect(b!.calls - a!.calls).toBe(c!.calls - b!.calls);
    // Per layer: its own single-layer candidates plus one fused span ending at it for each
    // start within MAX_FUSED_LAYERS - 1 layers back.
    expect((c!.calls - b!.calls) / 40).toBeGreaterThanOrEqual(MAX_FUSED_LAYERS - 1);
    expect(c!.longest).toBe(MAX_FUSED_LAYERS);
  });
});
