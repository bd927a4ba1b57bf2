// The cost model: predicts the simulator's cycles for a segment plan from the shared formulas
// in isa/timing.ts and the machine's timing rules (docs/simulator.md): the load unit pays the
// DRAM latency plus its transfer per LOAD, the store unit likewise per STORE, the shared DRAM
// channel serialises transfers, and the compute queue overlaps each ACT with the next tile's
// MATMULs. With double buffering a segment is a pipeline of tile steps, so its time is the
// busiest resource plus one step of fill and drain; without it (naive) everything is serial.
import { DTYPE_BYTES, type ActFunc } from '../../isa/spec.js';
import type { HardwareConfig } from '../../isa/hardware.js';
import { actCycles, bestMatmulMapping, dmaTransferCycles } from '../../isa/timing.js';
import type { QuantModel } from './quantize.js';
import { auxBytesPerCol, needsFullSoftmaxRows, type Schedule, type SegmentPlan } from './plan.js';
import { blockClasses, columnBlocks, panelLoads, residentLoads, tilePattern, type BlockClass } from './sparsity.js';

/** Busy cycles of each resource over a run of tile steps. */
interface Tally {
  load: number;
  store: number;
  channel: number;
  mfu: number;
  vfu: number;
  /** Instructions (each takes a dispatch cycle; naive adds a SYNC after each). */
  instrs: number;
  /** Output-tile steps (the pipeline's unit of work). */
  steps: number;
  /** MATMULs: the k-tiles inside the steps, which pipeline their loads too. */
  tiles: number;
  /** VFU cycles the MFU must wait for (ACTs whose results the next MATMUL reads). */
  gate: number;
}

const zero = (): Tally => ({ load: 0, store: 0, channel: 0, mfu: 0, vfu: 0, instrs: 0, steps: 0, tiles: 0, gate: 0 });

/** `t` back to zero (a scratch tally reused per step). */
function clear(t: Tally): Tally {
  t.load = t.store = t.channel = t.mfu = t.vfu = t.instrs = t.steps = t.tiles = t.gate = 0;
  return t;
}

function addInto(a: Tally, b: Tally, times = 1): void {
  a.load += b.load * times;
  a.store += b.store * times;
  a.channel += b.channel * times;
  a.mfu += b.mfu * times;
  a.vfu += b.vfu * times;
  a.instrs += b.instrs * times;
  a.steps += b.steps * times;
  a.tiles += b.tiles * times;
  a.gate += b.gate * times;
}

function dma(t: Tally, hw: HardwareConfig, rows: number, rowBytes: number, stride: number, kind: 'load' | 'store'): void {
  const x = dmaTransferCycles(hw, rows, rowBytes, stride);
  t[kind] += hw.dram.latencyCycles + x;
  t.channel += x;
  t.instrs++;
}

/** One block class of a layer tiled k×n, at `mr` rows per block: its MATMULs and the k-tile
 * LOADs each streamed operand would need, per block of the class. A search prices ~10k plans
 * that share a few thousand (layer, mr, k, n) tilings, so a coster computes each once. */
interface ClassCost {
  cls: BlockClass;
  /** MATMULs per block (an all-zero block keeps one 1-deep MATMUL). */
  tiles: number;
  mfu: number;
  /** Input k-tile LOADs (xMode tile) and weight k-tile LOADs (wMode tile), per block. */
  x: Tally;
  w: Tally;
}

/** Prices segment plans of one model, batch and machine (estimatePlanCycles), remembering the
 * per-tiling costs that plans of the same layer share. Held by one caller (a search), never
 * global: its memo lives as long as the coster. */
export interface PlanCoster {
  /** estimatePlanCycles of the plan. */
  cycles(seg: SegmentPlan): number;
  /** A number never above cycles(seg), cheaper to get: the MFU's busy cycles, which the
   * pipelined time (busiest resource plus fill) and the serial one both include. */
  lowerBound(seg: SegmentPlan): number;
  /** lowerBound's term for one layer tiled k×n in blocks of m rows (a single-layer plan's whole bound). */
  layerBound(l: number, m: number, k: number, n: number): number;
}

export function planCoster(q: QuantModel, batch: number, hw: HardwareConfig): PlanCoster {
  const memo = q.layers.map(() => new Map<number, Tiling>());
  const tiling = (l: number, k: number, n: number): Tiling => {
    const key = k * (q.layers[l]!.N + 1) + n;
    let t = memo[l]!.get(key);
    if (!t) memo[l]!.set(key, (t = { classes: blockClasses(q.layers[l]!, k, n), byRows: new Map(), mfuByRows: new Map() }));
    return t;
  };
  const classCosts = (l: number, mr: number, k: number, n: number): ClassCost[] => {
    const t = tiling(l, k, n);
    let costs = t.byRows.get(mr);
    if (!costs) t.byRows.set(mr, (costs = t.classes.map((cls) => classCost(q, l, cls, mr, hw))));
    return costs;
  };
  /** MFU cycles of one row block of mr rows: the ClassCosts' mfu, summed over the blocks. */
  const blockMfu = (l: number, mr: number, k: number, n: number): number => {
    const t = tiling(l, k, n);
    let mfu = t.mfuByRows.get(mr);
    if (mfu === undefined) {
      // Without building the classes' LOAD terms (only candidates near the front need them).
      mfu = 0;
      for (let c = 0; c < t.classes.length; c++) mfu += classMfu(q, t.classes[c]!, mr, hw) * t.classes[c]!.count;
      t.mfuByRows.set(mr, mfu);
    }
    return mfu;
  };
  // The MFU term of planCycles' total: every block's MATMULs, full blocks and the rest.
  const layerBound = (l: number, m: number, k: number, n: number): number => {
    const full = Math.floor(batch / m);
    const rest = batch - full * m;
    return (full > 0 ? blockMfu(l, m, k, n) * full : 0) + (rest > 0 ? blockMfu(l, rest, k, n) : 0);
  };
  return {
    cycles: (seg) => planCycles(q, seg, batch, hw, classCosts),
    lowerBound: (seg) => {
      let mfu = 0;
      for (let i = 0; i < seg.layers.length; i++) mfu += layerBound(seg.layers[i]!.layer, seg.m, seg.layers[i]!.k, seg.layers[i]!.n);
      return mfu;
    },
    layerBound,
  };
}

/** A layer's k×n tiling: its block classes and, per rows per block, their costs. */
interface Tiling { classes: BlockClass[]; byRows: Map<number, ClassCost[]>; mfuByRows: Map<number, number> }

type ClassCosts = (l: number, mr: number, k: number, n: number) => ClassCost[];

/** MATMUL cycles of one block of a class at mr rows (an all-zero block keeps one 1-deep MATMUL). */
function classMfu(q: QuantModel, cls: BlockClass, mr: number, hw: HardwareConfig): number {
  // Indexed loops: this runs cold, where for-of pays for an iterator per loop.
  let mfu = 0;
  for (let j = 0; j < cls.kept.length; j++) mfu += bestMatmulMapping(hw, mr, cls.kept[j]!.kk, cls.nn, q.dtype).cycles * cls.kept[j]!.count;
  if (cls.kept.length === 0) mfu += bestMatmulMapping(hw, mr, 1, cls.nn, q.dtype).cycles;
  return mfu;
}

function classCost(q: QuantModel, l: number, cls: BlockClass, mr: number, hw: HardwareConfig): ClassCost {
  const L = q.layers[l]!;
  const wb = DTYPE_BYTES[q.dtype];
  const ib = DTYPE_BYTES[l === 0 ? q.inputType : q.layers[l - 1]!.outType];
  const c: ClassCost = { cls, tiles: 0, mfu: classMfu(q, cls, mr, hw), x: zero(), w: zero() };
  const nn = cls.nn;
  const tile = zero();
  const add = (kk: number, count: number): void => {
    dma(clear(tile), hw, mr, kk * ib, L.K * ib, 'load');
    addInto(c.x, tile, count);
    dma(clear(tile), hw, kk, nn * wb, L.N * wb, 'load');
    addInto(c.w, tile, count);
    c.tiles += count;
  };
  for (let j = 0; j < cls.kept.length; j++) add(cls.kept[j]!.kk, cls.kept[j]!.count);
  if (cls.kept.length === 0) add(1, 1);
  return c;
}

/** Tallies one row block of `mr` rows (rows order) or one row block of the column-block class
 * at index `only` (cols order). Column blocks that keep the same tiles cost the same, so each
 * class is costed once; skipped all-zero tiles cost nothing, an all-zero block costs its
 * 1-deep MATMUL. Every term is a whole number of cycles, so sums are exact in any order. */
function tallyBlock(q: QuantModel, seg: SegmentPlan, mr: number, hw: HardwareConfig, classCosts: ClassCosts, only?: number): Tally {
  const t = zero();
  const step = zero();
  const last = seg.layers.length - 1;
  for (let i = 0; i <= last; i++) {
    const lt = seg.layers[i]!;
    const L = q.layers[lt.layer]!;
    const ib = DTYPE_BYTES[lt.layer === 0 ? q.inputType : q.layers[lt.layer - 1]!.outType];
    if (lt.xMode === 'block') dma(t, hw, mr, L.K * ib, L.K * ib, 'load');
    const fullRows = needsFullSoftmaxRows(q, lt.layer, lt) && i === last;
    const fuseSoftmax = q.softmax && lt.layer === q.layers.length - 1 && !fullRows;
    const func: ActFunc = fuseSoftmax ? 'softmax' : L.func;
    const ob = DTYPE_BYTES[L.outType];
    const ap = auxBytesPerCol(L);
    const costs = classCosts(lt.layer, mr, lt.k, lt.n);
    const from = only ?? 0;
    const to = only === undefined ? costs.length : only + 1;
    for (let c = from; c < to; c++) {
      const cc = costs[c]!;
      const nn = cc.cls.nn;
      clear(step);
      if (!lt.auxResident && only === undefined) dma(step, hw, 1, nn * ap, nn * ap, 'load');
      if (lt.xMode === 'tile') addInto(step, cc.x);
      if (lt.wMode === 'tile') addInto(step, cc.w);
      step.mfu += cc.mfu;
      step.tiles += cc.tiles;
      step.instrs += cc.tiles;
      const groups = L.wScale.length === 1 ? 1 : nn;
      step.vfu += groups * actCycles(hw, mr, nn / groups, func);
      step.instrs += groups;
      if (i === last && !fullRows) dma(step, hw, mr, nn * ob, L.N * ob, 'store');
      step.steps++;
      // A cols-order caller multiplies by the class size itself.
      addInto(t, step, only === undefined ? cc.cls.count : 1);
    }
    if (fullRows) {
      t.vfu += actCycles(hw, mr, L.N, 'softmax');
      t.instrs++;
      dma(t, hw, mr, L.N * 4, L.N * 4, 'store');
    }
  }
  if (seg.layers.length > 1) t.gate = Math.max(0, fusedBlockCompute(q, seg, mr, hw) - t.mfu);
  return t;
}

/** Steady-state compute-queue time of one row block of a fused segment. The queue issues in
 * order, so each layer's MATMULs wait for the previous layer's ACTs and the VFU idles while
 * they run: the block's MATMUL/ACT chain is simulated for two blocks and differenced. */
function fusedBlockCompute(q: QuantModel, seg: SegmentPlan, mr: number, hw: HardwareConfig): number {
  const ops: { mfu: boolean; cycles: number; deps: number[] }[] = [];
  let prevActs: number[] = [];
  const last = seg.layers.length - 1;
  seg.layers.forEach((lt, i) => {
    const L = q.layers[lt.layer]!;
    const fullRows = needsFullSoftmaxRows(q, lt.layer, lt) && i === last;
    const acts: number[] = [];
    for (const { nn, kept } of columnBlocks(L, lt.k, lt.n)) {
      const mms: number[] = [];
      for (const { kk } of kept.length > 0 ? kept : [{ kk: 1 }]) {
        mms.push(ops.length);
        ops.push({ mfu: true, cycles: bestMatmulMapping(hw, mr, kk, nn, q.dtype).cycles, deps: prevActs });
      }
      const func: ActFunc = q.softmax && lt.layer === q.layers.length - 1 && !fullRows ? 'softmax' : L.func;
      const groups = L.wScale.length === 1 ? 1 : nn;
      for (let g = 0; g < groups; g++) {
        acts.push(ops.length);
        ops.push({ mfu: false, cycles: actCycles(hw, mr, nn / groups, func), deps: mms });
      }
    }
    if (fullRows) {
      const sm = ops.length;
      ops.push({ mfu: false, cycles: actCycles(hw, mr, L.N, 'softmax'), deps: acts });
      prevActs = [sm];
    } else {
      prevActs = acts;
    }
  });
  const run = (copies: number): number => {
    let issue = -1;
    let mfuFree = 0;
    let vfuFree = 0;
    let end = 0;
    for (let c = 0; c < copies; c++) {
      const finish = new Float64Array(ops.length);
      ops.forEach((op, j) => {
        let ready = Math.max(issue + 1, op.mfu ? mfuFree : vfuFree);
        for (const d of op.deps) ready = Math.max(ready, finish[d]!);
        issue = ready;
        finish[j] = ready + op.cycles;
        if (op.mfu) mfuFree = finish[j]!;
        else vfuFree = finish[j]!;
        end = Math.max(end, finish[j]!);
      });
    }
    return end;
  };
  return run(3) - run(2);
}

/** Resident weights and bias vectors loaded at the start of a segment (rows order) or per
 * panel (cols order). */
function tallyPrologue(q: QuantModel, seg: SegmentPlan, hw: HardwareConfig): Tally {
  const t = zero();
  const wb = DTYPE_BYTES[q.dtype];
  for (let i = 0; i < seg.layers.length; i++) {
    const lt = seg.layers[i]!;
    const L = q.layers[lt.layer]!;
    if (lt.wMode === 'resident') {
      const rects = residentLoads(L, lt.k, lt.n, hw);
      for (let r = 0; r < rects.length; r++) dma(t, hw, rects[r]!.rows, rects[r]!.cols * wb, L.N * wb, 'load');
    }
    if (lt.auxResident) dma(t, hw, 1, L.N * auxBytesPerCol(L), L.N * auxBytesPerCol(L), 'load');
  }
  return t;
}

/** Pipeline time of a tally: the busiest resource plus the fill and drain of one item. Loads
 * and MATMULs pipeline per k-tile (the next tile's LOAD overlaps this tile's MATMUL even inside
 * one output step), the ACT and STORE per output step; treating a step's k-tiles as one item
 * would charge a single-step plan (N ≤ C on a systolic array) all its loads serially. */
function pipelined(t: Tally, prologue: Tally): number {
  if (t.steps === 0) return prologue.load;
  const compute = Math.max(t.mfu + t.gate, t.vfu);
  const bound = Math.max(t.load, compute, t.store, t.channel, t.instrs);
  const items = Math.max(t.tiles, t.steps);
  const l = t.load / items;
  const c = (t.mfu + t.gate) / items + t.vfu / t.steps;
  const s = t.store / t.steps;
  const fill = l + c + s - Math.max(l, c, s);
  return prologue.load + bound + fill;
}

/** Fully serial time (naive schedule): every instruction waits for the previous one. */
function serial(t: Tally): number {
  return t.load + t.store + t.mfu + t.vfu + 2 * t.instrs;
}

/** Predicted cycles of one segment for a batch of `batch` rows. */
export function estimatePlanCycles(q: QuantModel, seg: SegmentPlan, batch: number, hw: HardwareConfig): number {
  return planCoster(q, batch, hw).cycles(seg);
}

function planCycles(q: QuantModel, seg: SegmentPlan, batch: number, hw: HardwareConfig, classCosts: ClassCosts): number {
  const full = Math.floor(batch / seg.m);
  const rest = batch - full * seg.m;
  const total = zero();
  const prologue = tallyPrologue(q, seg, hw);
  if (seg.order === 'rows') {
    if (full > 0) addInto(total, tallyBlock(q, seg, seg.m, hw, classCosts), full);
    if (rest > 0) addInto(total, tallyBlock(q, seg, rest, hw, classCosts));
  } else {
    const lt = seg.layers[0]!;
    const L = q.layers[lt.layer]!;
    const wb = DTYPE_BYTES[q.dtype];
    const costs = classCosts(lt.layer, seg.m, lt.k, lt.n);
    for (let c = 0; c < costs.length; c++) {
      const cls = costs[c]!.cls;
      const nn = cls.nn;
      const loads = zero();
      if (lt.wMode === 'panel') for (const r of panelLoads(L, cls, 0, hw)) dma(loads, hw, r.rows, nn * wb, L.N * wb, 'load');
      if (!lt.auxResident) dma(loads, hw, 1, nn * auxBytesPerCol(L), nn * auxBytesPerCol(L), 'load');
      // The first panel is a prologue the first MATMUL waits for; later ones are prefetched.
      if (cls.first) addInto(prologue, loads);
      addInto(total, loads, cls.first ? cls.count - 1 : cls.count);
      const blocks = zero();
      if (full > 0) addInto(blocks, tallyBlock(q, seg, seg.m, hw, classCosts, c), full);
      if (rest > 0) addInto(blocks, tallyBlock(q, seg, rest, hw, classCosts, c));
      addInto(total, blocks, cls.count);
    }
  }
  if (seg.sync) {
    addInto(total, prologue);
    return serial(total);
  }
  return pipelined(total, prologue);
}

/** Weight tiles of one layer's k×n grid: all, skipped as all-zero, and all-zero column blocks
 * (each kept as one 1-deep MATMUL). Per row block; every row block skips the same tiles. */
export interface LayerTiles { tiles: number; skipped: number; zeroBlocks: number }

export interface Estimate {
  /** The estimate: the instruction replay of tuned schedules (pipeline.ts "estimate"), else analytic. */
  cycles: number;
  /** The analytic model's cycles for the chosen schedule (estimatePlanCycles per segment,
   * summed): the model that ranks every candidate before the replay re-ranks the best few.
   * Unlike a replay of the emitted program it is not true by construction, so its error
   * against the simulator is the one worth reporting (bench, `--explain`). */
  analyticCycles?: number;
  /** Predicted cycles per layer name (fused segments split by their MFU work). */
  perLayer: Record<string, number>;
  /** Zero-tile skipping per layer name. */
  tiles: Record<string, LayerTiles>;
  /** Whether the compiler skipped all-zero weight tiles (CompileOptions.skipZeroTiles). */
  skipZeroTiles?: boolean;
}

/** Predicted cycles of a whole schedule: segments run one after another. `segmentCycles`
 * (by segment index) replaces the analytic per-segment estimate where it is defined (the
 * pipeline passes the instruction replay). */
export function estimateSchedule(q: QuantModel, sched: Schedule, hw: HardwareConfig, segmentCycles?: readonly (number | undefined)[]): Estimate {
  const perLayer: Record<string, number> = {};
  const tiles: Record<string, LayerTiles> = {};
  let cycles = 0;
  for (const [i, seg] of sched.segments.entries()) {
    const c = segmentCycles?.[i] ?? estimatePlanCycles(q, seg, sched.batch, hw);
    cycles += c;
    const work = seg.layers.map((lt) => {
      const L = q.layers[lt.layer]!;
      const p = tilePattern(L, lt.k, lt.n);
      tiles[L.name] = { tiles: p.tiles, skipped: p.skipped, zeroBlocks: p.zeroBlocks };
      return bestMatmulMapping(hw, sched.batch, L.K, L.N, q.dtype).cycles * Math.max(0.01, 1 - p.skipped / p.tiles);
    });
    const sum = work.reduce((a, b) => a + b, 0);
    seg.layers.forEach((lt, i) => { perLayer[q.layers[lt.layer]!.name] = Math.round((c * work[i]!) / sum); });
  }
  return { cycles: Math.round(cycles), perLayer, tiles };
}
