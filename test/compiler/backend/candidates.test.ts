// The tuned search's single-layer candidates are found by binary search over tile depths
// (every buffer grows with k, so the depths that fit are a suffix of the sizes tried). This
// compares them with the plain enumeration the search did before: every (rows, width, depth,
// loop order, weight mode, input mode), resident bias/slopes when they fit, else per tile —
// the same plans in the same order, since the order breaks the search's ties.
import { describe, expect, it } from 'vitest';
import { loadHardware } from '../../../isa/node.js';
import type { HardwareConfig } from '../../../isa/hardware.js';
import { createRng } from '../../../isa/rng.js';
import type { ModelGraph } from '../../../compiler/model.js';
import { randomWeights } from '../../../compiler/weights/random.js';
import { quantizeModel } from '../../../compiler/passes/quantize.js';
import { findZeroTiles } from '../../../compiler/passes/sparsity.js';
import { allocateSegment, kindOf, rowSizes, searchedTileSizes, singleLayerCandidates, singleLayerPlans, type LayerTile, type SegmentPlan } from '../../../compiler/passes/tile.js';
import { planCoster } from '../../../compiler/passes/cost.js';
import type { QuantModel } from '../../../compiler/passes/quantize.js';

/** The enumeration as it was: every depth tried, a = resident bias/slopes first. */
function enumerated(q: QuantModel, l: number, batch: number, hw: HardwareConfig): SegmentPlan[] {
  const L = q.layers[l]!;
  const { ns, ks } = searchedTileSizes(L, hw);
  const fullRows = q.softmax && l === q.layers.length - 1;
  const out: SegmentPlan[] = [];
  const add = (order: 'rows' | 'cols', m: number, n: number, k: number, wMode: LayerTile['wMode'], xMode: LayerTile['xMode']) => {
    for (const auxResident of [true, false]) {
      const seg: SegmentPlan = { order, m, double: true, sync: false, layers: [{ layer: l, n, auxResident, k, wMode, xMode }] };
      if (allocateSegment(q, seg, hw)) {
        out.push(seg);
        return;
      }
    }
  };
  for (const m of rowSizes(batch)) {
    for (const n of ns) {
      add('rows', m, n, L.K, 'resident', 'block');
      for (const k of ks) add('rows', m, n, k, 'resident', 'tile');
      for (const k of ks) add('rows', m, n, k, 'tile', 'block');
      for (const k of ks) add('rows', m, n, k, 'tile', 'tile');
      if (!fullRows || n === L.N) {
        add('cols', m, n, L.K, 'panel', 'tile');
        for (const k of ks) add('cols', m, n, k, 'tile', 'tile');
      }
    }
  }
  return out;
}

const PRESETS = ['dlp-s', 'edge-tiny', 'diannao', 'systolic-16-os', 'systolic-32-ws'];

describe('single-layer candidates', () => {
  it('are the plain enumeration, in its order, with their kinds, on random layers of every preset', () => {
    const rng = createRng(2323);
    const pick = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
    let compared = 0;
    let partial = 0;
    for (let trial = 0; trial < 40; trial++) {
      const hw = loadHardware(PRESETS[trial % PRESETS.length]!);
      const dims = [pick(1, 900), pick(1, 700), ...(rng() < 0.5 ? [pick(1, 300)] : [])];
      const act = (['relu', 'prelu', 'sigmoid'] as const)[pick(0, 2)];
      const model: ModelGraph = {
        name: 'm', inputSize: dims[0]!, softmax: rng() < 0.4,
        layers: dims.slice(1).map((units, i) => ({ kind: 'dense', name: `fc${i + 1}`, units, activation: { kind: act } })),
      };
      const dtype = (['int8', 'int16', 'fp32'] as const)[pick(0, 2)];
      const batch = pick(1, 600);
      const q = findZeroTiles(quantizeModel(model, randomWeights(model, trial), { dtype }), false);
      for (let l = 0; l < q.layers.length; l++) {
        const want = enumerated(q, l, batch, hw);
        expect(singleLayerCandidates(q, l, batch, hw)).toEqual(want);
        // The list's kinds (from its codes, without building plans) are kindOf's.
        const list = singleLayerPlans(q, l, batch, hw, planCoster(q, batch, hw));
        expect(Array.from({ length: list.length }, (_, i) => list.kind!(i))).toEqual(want.map(kindOf));
        compared += want.length;
        // Loop nests where some depths fit and others do not: the binary search has a
        // boundary to find there.
        const { ks } = searchedTileSizes(q.layers[l]!, hw);
        const depths = new Map<string, number>();
        for (const s of want) {
          const t = s.layers[0]!;
          if (t.k === q.layers[l]!.K && !ks.includes(t.k)) continue;
          const key = `${s.order}/${s.m}/${t.n}/${t.wMode}/${t.xMode}`;
          depths.set(key, (depths.get(key) ?? 0) + 1);
        }
        for (const d of depths.values()) if (d < ks.length) partial++;
      }
    }
    expect(compared).toBeGreaterThan(10_000);
    expect(partial).toBeGreaterThan(10);
  });
});
