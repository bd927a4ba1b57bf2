// A memo of segment cycle predictions by instruction replay (predict.ts), keyed by
// a canonical string of everything the prediction reads. The tiling search asks the same
// question twice in one compile: the pass that decides whether skipping zero tiles pays plans
// the dense model again, and a layer whose tiles skip nothing emits exactly the dense program
// (sparsity.ts: a pattern with nothing skipped is the dense one). Repeated compiles of the same
// layer shape (scalesim topologies, explore sweeps, benches) hit it too.
// A pure cache: a hit returns the number the prediction would compute, so results are
// unchanged; it is bounded, and never keyed by anything a prediction does not depend on being
// left out (only weight and bias values are, which no prediction reads beyond their zero map).
import type { HardwareConfig } from '../../isa/hardware.js';
import type { QuantModel } from './quant-model.js';
import type { SegmentPlan } from './plan.js';
import { tilePattern } from './sparsity.js';

const MAX_ENTRIES = 20_000;
const cache = new Map<string, number | undefined>();
/** Long canonical strings (a model's, a machine's) stand in keys as short interned ids. */
const ids = new Map<string, number>();
/** Ids only grow, so an id held after a clear never names another string. */
let nextId = 0;
const hwKeys = new WeakMap<HardwareConfig, number>();
const modelKeys = new WeakMap<QuantModel, number>();

function intern(s: string): number {
  let id = ids.get(s);
  if (id === undefined) {
    if (ids.size >= MAX_ENTRIES) ids.clear();
    ids.set(s, (id = nextId++));
  }
  return id;
}

function hwKey(hw: HardwareConfig): number {
  let k = hwKeys.get(hw);
  if (k === undefined) hwKeys.set(hw, (k = intern(`hw:${JSON.stringify(hw)}`)));
  return k;
}

/** Everything of a quantised model but its weight and bias values and zero maps, as a string. */
export function modelShapeKey(q: QuantModel): string {
  const layers = q.layers.map(({ w: _w, bias: _b, slopes, zeros: _z, ...rest }) => ({ ...rest, slopes: slopes ? Array.from(slopes) : undefined }));
  return `q:${JSON.stringify({ dtype: q.dtype, inputScale: q.inputScale, inputType: q.inputType, softmax: q.softmax, perChannel: q.perChannel, layers })}`;
}

function modelKey(q: QuantModel): number {
  let k = modelKeys.get(q);
  if (k === undefined) {
    k = intern(modelShapeKey(q));
    modelKeys.set(q, k);
  }
  return k;
}

/** The key of a prediction over `segs`, or undefined (not memoised) when some layer of them
 * skips zero tiles at its tile size: then the program depends on where the zeros are. */
export function predictionKey(kind: string, q: QuantModel, segs: readonly SegmentPlan[], rows: number, hw: HardwareConfig): string | undefined {
  for (const seg of segs) {
    for (const t of seg.layers) {
      const L = q.layers[t.layer]!;
      if (L.zeros && tilePattern(L, t.k, t.n).skipped > 0) return undefined;
    }
  }
  let key = `${kind}|${rows}|${modelKey(q)}|${hwKey(hw)}`;
  // Every field of SegmentPlan and LayerTile, in a fixed order.
  for (const seg of segs) {
    key += `|${seg.order},${seg.m},${seg.double ? 1 : 0},${seg.sync ? 1 : 0}`;
    for (const t of seg.layers) key += `;${t.layer},${t.n},${t.k},${t.wMode},${t.xMode},${t.auxResident ? 1 : 0}`;
  }
  return key;
}

/** `compute()`, or its memoised value under `key` (no memo when key is undefined). A value
 * that `exact` rejects (a prediction cut short, only known to be large) is not memoised. */
export function memoPrediction(key: string | undefined, compute: () => number | undefined, exact?: (v: number | undefined) => boolean): number | undefined {
  if (key === undefined) return compute();
  if (cache.has(key)) return cache.get(key);
  const v = compute();
  if (exact && !exact(v)) return v;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, v);
  return v;
}
