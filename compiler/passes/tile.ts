// Pass 3: tiling — the candidate search. For each layer and each span of layers that can be
// fused, it enumerates plans (plan.ts: loop order, row block, tile sizes, residency), ranks
// them with the analytic model (cost.ts) and re-ranks the best few with a finer scorer (the
// instruction replay, predict.ts); a dynamic programme over layer boundaries picks the
// segmentation.
import type { HardwareConfig } from '../../isa/hardware.js';
import { DlpError } from '../../isa/errors.js';
import { taggedArray } from '../../isa/tagged.js';
import type { QuantLayer, QuantModel } from './quant-model.js';
import { planCoster, type PlanCoster } from './cost.js';
import { allocateSegment, segmentFits, type LayerTile, type Schedule, type SegmentPlan } from './plan.js';
import { skipsAnyTile } from './sparsity.js';

export {
  allocateSegment, auxBytesPerCol, needsFullSoftmaxRows,
  type Buffer, type LayerBuffers, type LayerTile, type Schedule, type SegmentBuffers, type SegmentPlan, type WMode, type XMode,
} from './plan.js';

// ---- Candidate search ---------------------------------------------------------------------

/** Width of the MFU along output columns and along the reduction (tile sizes snap to these). */
export function mfuShape(hw: HardwareConfig): { nUnit: number; kUnit: number } {
  if (hw.mfu.kind === 'adder-tree') return { nUnit: hw.mfu.pes, kUnit: hw.mfu.lanes };
  return { nUnit: hw.mfu.cols, kUnit: hw.mfu.rows };
}

/** Tile sizes worth trying along a dimension of length `len`: the whole, and balanced splits
 * rounded up to the hardware unit (multiples of the unit waste no MFU lanes). */
export function tileSizes(len: number, unit: number, limit = 24): number[] {
  const out = new Set<number>([len]);
  for (let parts = 2; parts <= len && out.size < limit; parts = Math.ceil(parts * 1.5)) {
    const raw = Math.ceil(len / parts);
    out.add(Math.min(len, Math.max(unit, Math.ceil(raw / unit) * unit)));
    out.add(raw);
  }
  for (let u = unit; u < len; u *= 2) out.add(u);
  return [...out].filter((v) => v >= 1 && v <= len).sort((a, b) => b - a);
}

/** Row-block sizes: powers of two balanced over the batch (no ragged last block), and the
 * whole batch (capped by the 16-bit row fields). */
export function rowSizes(batch: number): number[] {
  const cap = Math.min(batch, 65535);
  const out = new Set<number>([cap]);
  for (let p = 1; p < cap; p *= 2) out.add(Math.ceil(batch / Math.ceil(batch / p)));
  return [...out].sort((a, b) => b - a);
}

interface Scored { seg: SegmentPlan; cycles: number }

/** The tile widths (n) and depths (k) the tuned search tries for a layer; every tuned
 * candidate's tile is one of these pairs (fused plans use n = N and k = K, both included). */
export function searchedTileSizes(L: QuantLayer, hw: HardwareConfig): { ns: number[]; ks: number[] } {
  const { nUnit, kUnit } = mfuShape(hw);
  return { ns: tileSizes(L.N, nUnit), ks: tileSizes(L.K, kUnit) };
}

/** Whether any tile the tuned search can try skips an all-zero weight tile. When none does,
 * every candidate's program and costs are those of the dense model, so a dense search would
 * find the same schedule with the same cycles. */
export function searchMaySkip(q: QuantModel, hw: HardwareConfig): boolean {
  return q.layers.some((L) => {
    if (!L.zeros) return false;
    const { ns, ks } = searchedTileSizes(L, hw);
    return ns.some((n) => ks.some((k) => skipsAnyTile(L, k, n)));
  });
}

/** A search's candidate plans, in the order the search ranks ties by: `plan(i)` is the i-th
 * plan to keep; `peek(i)` may answer with a scratch object that the next peek overwrites
 * (to bound, classify or price a plan without keeping it). */
export interface CandidateList {
  readonly length: number;
  plan(i: number): SegmentPlan;
  peek(i: number): SegmentPlan;
  /** PlanCoster.lowerBound of the i-th plan, when the list has it at hand. */
  bound?(i: number): number;
  /** kindOf the i-th plan, when the list has it at hand. */
  kind?(i: number): number;
}

const listOf = (plans: SegmentPlan[]): CandidateList => ({ length: plans.length, plan: (i) => plans[i]!, peek: (i) => plans[i]! });

/** All feasible plans for one layer on its own (both loop orders, every residency mode). */
export function singleLayerCandidates(q: QuantModel, l: number, batch: number, hw: HardwareConfig): SegmentPlan[] {
  const list = singleLayerPlans(q, l, batch, hw, planCoster(q, batch, hw));
  return Array.from({ length: list.length }, (_, i) => list.plan(i));
}

const W_MODES = ['resident', 'panel', 'tile'] as const;
const X_MODES = ['block', 'tile'] as const;

/** singleLayerCandidates as a list held in flat arrays: the search builds a SegmentPlan only
 * for the few candidates it keeps (thousands are bounded and dropped). Each plan's lower
 * bound depends only on its rows and tile, so it is taken once per (m, n, k). */
export function singleLayerPlans(q: QuantModel, l: number, batch: number, hw: HardwareConfig, cost: PlanCoster): CandidateList {
  const L = q.layers[l]!;
  const { ns, ks } = searchedTileSizes(L, hw);
  const fullRows = q.softmax && l === q.layers.length - 1;
  const rs = rowSizes(batch);
  // Per candidate: rows per block, tile, and order · wMode · xMode · auxResident as one code;
  // sized for the most the loops below can add (per row size and width: two whole-depth plans
  // and four runs of depths), so nothing grows (and is copied) as ten thousand plans go in.
  const room = rs.length * ns.length * (2 + 4 * ks.length);
  const ms = new Int32Array(room);
  const tn = new Int32Array(room);
  const tk = new Int32Array(room);
  const codes = new Int32Array(room);
  const bounds = taggedArray(room, 0);
  let count = 0;
  const tile: LayerTile = { layer: l, n: 0, auxResident: true, k: 0, wMode: 'resident', xMode: 'block' };
  const scratch: SegmentPlan = { order: 'rows', m: 0, double: true, sync: false, layers: [tile] };
  const set = (code: number, m: number, n: number, k: number): SegmentPlan => {
    scratch.order = code & 8 ? 'cols' : 'rows';
    scratch.m = m;
    tile.n = n;
    tile.auxResident = (code & 1) === 0;
    tile.k = k;
    tile.wMode = W_MODES[(code >> 4) & 3]!;
    tile.xMode = X_MODES[(code >> 1) & 1]!;
    return scratch;
  };
  const push = (code: number, m: number, n: number, k: number, bound: number): void => {
    ms[count] = m;
    tn[count] = n;
    tk[count] = k;
    codes[count] = code;
    bounds[count++] = bound;
  };
  const codeOf = (order: 'rows' | 'cols', wMode: LayerTile['wMode'], xMode: 'block' | 'tile'): number =>
    (W_MODES.indexOf(wMode) << 4) | (order === 'cols' ? 8 : 0) | (X_MODES.indexOf(xMode) << 1);
  // Resident bias/slopes when they fit; per-tile otherwise.
  const add = (order: 'rows' | 'cols', m: number, n: number, k: number, wMode: LayerTile['wMode'], xMode: 'block' | 'tile', bound: number): void => {
    const code = codeOf(order, wMode, xMode);
    if (segmentFits(q, set(code, m, n, k), hw)) push(code, m, n, k, bound);
    else if (segmentFits(q, set(code | 1, m, n, k), hw)) push(code | 1, m, n, k, bound);
  };
  // Every buffer of a plan grows with its tile depth k, so of ks (largest first) the depths
  // that fit, with either bias/slope mode, are a suffix: two binary searches find where each
  // mode's suffix starts, instead of trying every depth (the same plans, in the same order).
  const lb = taggedArray(ks.length, -1);
  const firstFit = (code: number, m: number, n: number): number => {
    let lo = 0;
    let hi = ks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (segmentFits(q, set(code, m, n, ks[mid]!), hw)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const addKs = (order: 'rows' | 'cols', m: number, n: number, wMode: LayerTile['wMode'], xMode: 'block' | 'tile'): void => {
    const code = codeOf(order, wMode, xMode);
    const resident = firstFit(code, m, n);
    const from = resident === 0 ? 0 : Math.min(resident, firstFit(code | 1, m, n));
    for (let c = from; c < ks.length; c++) {
      if (lb[c]! < 0) lb[c] = cost.layerBound(l, m, ks[c]!, n);
      push(c >= resident ? code : code | 1, m, n, ks[c]!, lb[c]!);
    }
  };
  // Indexed loops: this runs cold, where for-of pays for an iterator per loop.
  for (let a = 0; a < rs.length; a++) {
    const m = rs[a]!;
    for (let b = 0; b < ns.length; b++) {
      const n = ns[b]!;
      lb.fill(-1);
      const whole = cost.layerBound(l, m, L.K, n);
      add('rows', m, n, L.K, 'resident', 'block', whole);
      addKs('rows', m, n, 'resident', 'tile');
      addKs('rows', m, n, 'tile', 'block');
      addKs('rows', m, n, 'tile', 'tile');
      if (!fullRows || n === L.N) {
        add('cols', m, n, L.K, 'panel', 'tile', whole);
        addKs('cols', m, n, 'tile', 'tile');
      }
    }
  }
  if (count > room) throw new Error(`singleLayerPlans: ${count} plans for room for ${room}`);
  const kept: SegmentPlan[] = [];
  return {
    length: count,
    peek: (i) => set(codes[i]!, ms[i]!, tn[i]!, tk[i]!),
    bound: (i) => bounds[i]!,
    // kindOf from the code's order, weight-mode and input-mode bits (one layer; W_MODES is
    // kindOf's weight-mode order, and its input modes are fused, then X_MODES).
    kind: (i) => ((2 + ((codes[i]! >> 3) & 1)) * 3 + ((codes[i]! >> 4) & 3)) * 3 + ((codes[i]! >> 1) & 1) + 1,
    plan: (i) => {
      if (!kept[i]) {
        const t = set(codes[i]!, ms[i]!, tn[i]!, tk[i]!).layers[0]!;
        kept[i] = { order: scratch.order, m: scratch.m, double: true, sync: false, layers: [{ layer: l, n: t.n, auxResident: t.auxResident, k: t.k, wMode: t.wMode, xMode: t.xMode }] };
      }
      return kept[i]!;
    },
  };
}

/** Fused plans for layers [a, b]: all weights resident, each layer whole (n = N, k = K). */
export function fusedCandidates(q: QuantModel, a: number, b: number, batch: number, hw: HardwareConfig): SegmentPlan[] {
  const out: SegmentPlan[] = [];
  for (const m of rowSizes(batch)) {
    const layers: LayerTile[] = [];
    for (let l = a; l <= b; l++) {
      const L = q.layers[l]!;
      layers.push({ layer: l, n: L.N, k: L.K, wMode: 'resident', xMode: l === a ? 'block' : 'fused', auxResident: true });
    }
    const seg: SegmentPlan = { order: 'rows', m, double: true, sync: false, layers };
    if (segmentFits(q, seg, hw)) out.push(seg);
  }
  return out;
}

/** A finer (slower) predictor of a segment's cycles, e.g. predict.ts's instruction replay;
 * undefined when it declines (too costly), and the analytic ranking stands. The search needs
 * a score only if it is less than `below` (the best so far): a scorer may answer any number
 * at least `below` (Infinity) when the score is not less. */
export type SegmentScorer = (seg: SegmentPlan, below: number) => number | undefined;

/** Candidates the fine scorer re-ranks: the analytic model's best few overall, plus the best
 * few of each loop structure (order × weight mode × input mode), since the analytic model's
 * errors differ by structure (it is optimistic about many small weight-tile loads, for one). */
const RESCORE_TOP = 6;
const RESCORE_PER_KIND = 3;
const RESCORE_MAX = 24;

interface Ranked { analytic: Scored; fine?: Scored }

/** Most layers one fused segment holds. Every fused span [a, b] is ranked on its own (its
 * replay emits all its layers), so without a bound the search costs O(layers³); with it,
 * O(layers · MAX_FUSED_LAYERS²). A longer chain splits into segments whose seams each cost one
 * STORE and one LOAD of a row block's activations, amortised over at least this many layers. */
export const MAX_FUSED_LAYERS = 32;

/** kindOf's values are below this. */
const KIND_COUNT = ((2 * MAX_FUSED_LAYERS + 1) * 3 + 2) * 3 + 3;

/** Candidate kinds: loop structure (order × weight mode × input mode × layers), as a small
 * integer (below KIND_COUNT) so the rescoring scan can count them. */
export function kindOf(seg: SegmentPlan): number {
  const t = seg.layers[0]!;
  const w = t.wMode === 'resident' ? 0 : t.wMode === 'panel' ? 1 : 2;
  const x = t.xMode === 'fused' ? 0 : t.xMode === 'block' ? 1 : 2;
  return ((seg.layers.length * 2 + (seg.order === 'rows' ? 0 : 1)) * 3 + w) * 3 + x;
}

function best(cands: CandidateList, cost: PlanCoster, rescore?: SegmentScorer): Ranked | undefined {
  if (cands.length === 0) return undefined;
  const order = new AnalyticOrder(cands, cost);
  const first = order.pop();
  const analytic: Scored = { seg: cands.plan(first), cycles: order.cycles(first) };
  if (!rescore) return { analytic };
  let top: Scored | undefined;
  const seen = new Set<string>();
  // Per kind: candidates rescored, and candidates not yet scanned. Once every kind left has its
  // RESCORE_PER_KIND (past the first RESCORE_TOP), the rest of the scan would skip everything.
  const perKind = new Int32Array(KIND_COUNT);
  const left = new Int32Array(KIND_COUNT);
  const present: number[] = [];
  const kinds = new Int32Array(cands.length);
  for (let i = 0; i < cands.length; i++) {
    const k = (kinds[i] = cands.kind ? cands.kind(i) : kindOf(cands.peek(i)));
    if (!(k >= 0 && k < KIND_COUNT)) throw new Error(`internal: candidate kind ${k} out of range`);
    if (left[k]!++ === 0) present.push(k);
  }
  const exhausted = (): boolean => {
    for (let j = 0; j < present.length; j++) if (left[present[j]!]! > 0 && perKind[present[j]!]! < RESCORE_PER_KIND) return false;
    return true;
  };
  for (let i = first; ; i = order.pop()) {
    const s = cands.plan(i);
    const kind = kinds[i]!;
    left[kind]!--;
    // Plans the analytic model cannot tell apart with the same tile shape are (nearly) the
    // same program: rescore one of them and spend the budget on distinct shapes.
    const t = s.layers[0]!;
    const key = `${order.cycles(i)}/${s.m}/${t.n}/${t.k}`;
    if (!seen.has(key) && (seen.size < RESCORE_TOP || perKind[kind]! < RESCORE_PER_KIND)) {
      seen.add(key);
      perKind[kind]!++;
      // A plan too costly to replay keeps out of the comparison (its analytic figure is not
      // comparable with replayed ones); if every one is, the analytic ranking stands.
      const fine = rescore(s, top ? top.cycles : Infinity);
      if (fine !== undefined && (!top || fine < top.cycles)) top = { seg: s, cycles: fine };
    }
    if (order.size === 0 || seen.size >= RESCORE_MAX || (seen.size >= RESCORE_TOP && exhausted())) break;
  }
  return { analytic, fine: top };
}

/** Candidate indices in analytic order (least cycles first, ties in candidate order), drawn
 * lazily: a min-heap keyed by each candidate's cheap lower bound until it reaches the top,
 * then by its exact cycles. A candidate whose exact cycles top the heap precedes every other,
 * since theirs are at least their keys; so only candidates that come near the front of the
 * order are priced in full, and the scan over them usually stops early. */
class AnalyticOrder {
  /** Tagged (isa/tagged.ts): the heap runs before V8 optimises it. */
  private readonly key: number[];
  private readonly exact: Uint8Array;
  private readonly heap: Int32Array;
  size: number;
  constructor(private readonly cands: CandidateList, private readonly cost: PlanCoster) {
    const n = cands.length;
    this.key = taggedArray(n, 0);
    this.exact = new Uint8Array(n);
    this.heap = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.key[i] = cands.bound ? cands.bound(i) : cost.lowerBound(cands.peek(i));
      this.heap[i] = i;
    }
    this.size = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.down(i);
  }
  /** Exact cycles of a candidate already popped. */
  cycles(i: number): number {
    return this.key[i]!;
  }
  pop(): number {
    const h = this.heap;
    for (;;) {
      const i = h[0]!;
      if (this.exact[i]) {
        h[0] = h[--this.size]!;
        this.down(0);
        return i;
      }
      this.key[i] = this.cost.cycles(this.cands.peek(i));
      this.exact[i] = 1;
      this.down(0);
    }
  }
  private down(i: number): void {
    const h = this.heap;
    const key = this.key;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) return;
      const r = l + 1;
      let m = l;
      if (r < this.size && (key[h[r]!]! < key[h[l]!]! || (key[h[r]!] === key[h[l]!] && h[r]! < h[l]!))) m = r;
      const a = h[m]!;
      const b = h[i]!;
      if (!(key[a]! < key[b]! || (key[a] === key[b] && a < b))) return;
      h[i] = a;
      h[m] = b;
      i = m;
    }
  }
}

/** Searches segmentations (dynamic programming over layer boundaries) and tile plans. With a
 * `rescore`r, the analytic model's top candidates of each segment are re-ranked by it. */
export function planTuned(q: QuantModel, batch: number, hw: HardwareConfig, rescore?: SegmentScorer): Schedule {
  return planTunedAlternatives(q, batch, hw, rescore)[0]!;
}

/** The tuned schedule by segment costs from the rescorer (first) and, when that differs, the
 * one by analytic costs. Summing per-segment costs ignores how consecutive segments overlap
 * (the next segment's loads start while the previous one drains), which the two models weigh
 * differently; the caller can time both whole schedules and keep the faster. */
export function planTunedAlternatives(q: QuantModel, batch: number, hw: HardwareConfig, rescore?: SegmentScorer): Schedule[] {
  const nL = q.layers.length;
  const cost = planCoster(q, batch, hw);
  const single = q.layers.map((_, l) => best(singleLayerPlans(q, l, batch, hw, cost), cost, rescore));
  const fused = new Map<string, Ranked | undefined>();
  const fusedOf = (a: number, b: number) => {
    const key = `${a}-${b}`;
    if (!fused.has(key)) fused.set(key, best(listOf(fusedCandidates(q, a, b, batch, hw)), cost, rescore));
    return fused.get(key);
  };
  const pick = (r: Ranked | undefined, fine: boolean) => (r ? (fine ? r.fine ?? r.analytic : r.analytic) : undefined);
  const solve = (fine: boolean): Schedule => {
    // cost[i] = best cycles for layers [0, i); choice[i] = segment ending at i.
    const cost = new Array<number>(nL + 1).fill(Infinity);
    const choice = new Array<SegmentPlan | undefined>(nL + 1);
    cost[0] = 0;
    for (let end = 1; end <= nL; end++) {
      const one = pick(single[end - 1], fine);
      if (one && cost[end - 1]! + one.cycles < cost[end]!) {
        cost[end] = cost[end - 1]! + one.cycles;
        choice[end] = one.seg;
      }
      for (let start = end - 2; start >= Math.max(0, end - MAX_FUSED_LAYERS); start--) {
        const f = pick(fusedOf(start, end - 1), fine);
        if (!f) break;
        if (cost[start]! + f.cycles < cost[end]!) {
          cost[end] = cost[start]! + f.cycles;
          choice[end] = f.seg;
        }
      }
      if (!Number.isFinite(cost[end]!)) throw noFit(q, end - 1, hw);
    }
    const segments: SegmentPlan[] = [];
    for (let end = nL; end > 0; ) {
      const seg = choice[end]!;
      segments.unshift(seg);
      end -= seg.layers.length;
    }
    return { kind: 'tuned', batch, segments };
  };
  const first = solve(rescore !== undefined);
  if (!rescore) return [first];
  const second = solve(false);
  return JSON.stringify(second.segments) === JSON.stringify(first.segments) ? [first] : [first, second];
}

/** The naive schedule: one MFU-sized tile at a time, single buffers, nothing resident, a SYNC
 * after every instruction. Kept for labs and as the baseline the tuned schedule must beat. */
export function planNaive(q: QuantModel, batch: number, hw: HardwareConfig): Schedule {
  const { nUnit, kUnit } = mfuShape(hw);
  const segments = q.layers.map((L, l): SegmentPlan => {
    const fullRows = q.softmax && l === q.layers.length - 1;
    for (let m = Math.min(batch, 64); m >= 1; m = m > 1 ? Math.ceil(m / 2) : 0) {
      for (let n = Math.min(L.N, nUnit); n >= 1; n = n > 1 ? Math.ceil(n / 2) : 0) {
        for (let k = Math.min(L.K, kUnit); k >= 1; k = k > 1 ? Math.ceil(k / 2) : 0) {
          const seg: SegmentPlan = {
            order: 'rows', m, double: false, sync: true,
            layers: [{ layer: l, n: fullRows ? L.N : n, k, wMode: 'tile', xMode: 'tile', auxResident: false }],
          };
          if (allocateSegment(q, seg, hw)) return seg;
          if (k === 1) break;
        }
        if (n === 1 || fullRows) break;
      }
      if (m === 1) break;
    }
    throw noFit(q, l, hw);
  });
  return { kind: 'naive', batch, segments };
}

function noFit(q: QuantModel, l: number, hw: HardwareConfig): DlpError {
  const L = q.layers[l]!;
  const why = q.softmax && l === q.layers.length - 1 ? ` (softmax needs a whole row of ${L.N} fp32 values in NRAM)` : '';
  return new DlpError(`layer '${L.name}' (${L.K}→${L.N}) does not fit hardware '${hw.name}' (NRAM ${hw.nram.bytes} B, WRAM ${hw.wram.bytes} B) even with 1-row tiles${why}`);
}
