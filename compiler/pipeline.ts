// The compiler as one ordered list of named passes, tinygrad-style: read this file to see
// everything `compile` does, in order. Each pass is a pure function of the previous state,
// typed by what it adds (Input -> Quantized -> Tiled -> Scheduled -> Coded -> Estimated).
import type { HardwareConfig } from '../isa/hardware.js';
import { DlpError } from '../isa/errors.js';
import type { ModelGraph, ModelWeights } from './model.js';
import { checkShapes } from './passes/shapes.js';
import { quantizeModel, type ComputeDType, type QuantModel } from './passes/quantize.js';
import { planNaive, planTunedAlternatives, searchMaySkip, type Schedule, type SegmentPlan } from './passes/tile.js';
import { REPLAY_BUDGET, replayScheduleCycles, replaySegmentCycles } from './passes/predict.js';
import { generateProgram, type Generated } from './passes/codegen.js';
import { fasterLoadOrder, hoistLoads, type LoadOrder } from './passes/hoist.js';
import { findZeroTiles } from './passes/sparsity.js';
import { estimateSchedule, type Estimate } from './passes/cost.js';
import { assembleBundle, type Bundle } from './bundle.js';
import { decodeSchedule, encodeSchedule, scheduleKey, type CachedSchedule, type Replays, type ScheduleCache } from './schedule-cache.js';

export interface CompileOptions {
  /** Operand type of weights and activations (default int8). */
  dtype?: ComputeDType;
  /** Rows per program run (default 1). */
  batch?: number;
  /** `tuned` searches tile sizes, loop order and fusion; `naive` is the lab baseline. */
  schedule?: 'tuned' | 'naive';
  /** Calibration rows (rows × inputSize) for activation scales. */
  calibration?: Float32Array;
  /** One weight scale per output column. */
  perChannel?: boolean;
  /** Fixed scales: the input and each layer's output (by index). */
  scales?: { input?: number; layers?: (number | undefined)[] };
  calibrationMethod?: 'maxabs' | 'percentile';
  percentile?: number;
  /** Drop the LOAD and MATMUL of weight tiles whose stored values are all zero (default true;
   * outputs are bit-identical either way, see docs/sparsity.md). */
  skipZeroTiles?: boolean;
  /** Where tuned schedules found before are kept (schedule-cache.ts); the bundle is the same
   * with or without it, only the search is skipped on a hit. */
  scheduleCache?: ScheduleCache;
  /** Weight and bias values written into the program's regions too, so the program alone is
   * self-contained (default true; large models never are, see dram-layout.ts). A caller that
   * only simulates the bundle (with its DRAM image) and never writes the program out can skip
   * them: `dlp scalesim`'s layers. */
  inlineData?: boolean;
}

type Options = Required<Pick<CompileOptions, 'dtype' | 'batch' | 'schedule' | 'skipZeroTiles'>> & CompileOptions;

// The state after each pass: each type says what its pass adds, so no pass reads a field an
// earlier pass has not written.
/** `weights` absent: every value is zero and none is read (compile's doc). */
export interface Input { model: ModelGraph; weights?: ModelWeights; hw: HardwareConfig; opts: Options }
export interface Quantized extends Input { quant: QuantModel }
export interface Tiled extends Quantized { /** Candidate schedules, best first by the search. */ alternatives: Schedule[] }
export interface Scheduled extends Quantized {
  schedule: Schedule;
  /** What an earlier compile replayed of this schedule's program (a schedule-cache hit): the
   * passes below take these numbers instead of replaying again. */
  recalled?: Replays;
}
export interface Coded extends Scheduled {
  generated: Generated;
  /** The load order hoist-loads kept and the program's cycles in it by instruction replay
   * (tuned schedules). */
  loads?: { order: LoadOrder; cycles: number };
}
export interface Estimated extends Coded {
  estimate: Estimate;
  /** Everything the hoist-loads and estimate passes replayed (tuned schedules), as the
   * schedule cache keeps it. */
  replays?: Replays;
}

export interface Pass<In, Out> { readonly name: string; run(s: In): Out }
const pass = <In, Out>(name: string, run: (s: In) => Out): Pass<In, Out> => ({ name, run });

// 1. Shapes: every layer's input width matches the previous output; weights match the graph.
export const checkShapesPass = pass('check-shapes', (s: Input): Input => ({ ...s, model: checkShapes(s.model, s.weights) }));
// 2. Quantise: scales per tensor (or channel), integer weights/bias, requantisation mult+shift.
export const quantizePass = pass('quantize', (s: Input): Quantized => ({ ...s, quant: quantizeModel(s.model, s.weights, s.opts) }));
// 2b. Zero tiles: map where the stored weights are zero so tiling, codegen and the cost model
//     can skip all-zero weight tiles (or nothing, with skipZeroTiles: false).
export const findZeroTilesPass = pass('find-zero-tiles', (s: Quantized): Quantized => ({ ...s, quant: findZeroTiles(s.quant, s.opts.skipZeroTiles) }));
// 3. Tile: segment the chain (fusion), choose loop order, tile sizes and residency per segment;
//    candidates are ranked by replaying each segment's instructions on the timing rules.
export const tilePass = pass('tile', (s: Quantized): Tiled => ({ ...s, alternatives: tileAlternatives(s.quant, s.opts, s.hw) }));
// 3b. Replay alternatives: when the per-segment sums of the replay and of the analytic model
//     disagree on the segmentation, both whole schedules are replayed and the faster kept.
export const replayAlternativesPass = pass('replay-alternatives', ({ alternatives, ...s }: Tiled): Scheduled => ({ ...s, schedule: fasterByReplay(s.quant, alternatives, s.hw) }));
// 3c. Skip or not: a schedule that skips zero tiles is kept only if it is no slower than the
//     best dense schedule (skipping can cost extra bursts or finer tiles).
export const keepSkippingPass = pass('keep-skipping-if-faster', (s: Scheduled): Scheduled => chooseSkipping(s));
// 4. Codegen: DRAM layout + image, LOAD/MATMUL/ACT/STORE loop nests, layer tags.
export const codegenPass = pass('codegen', (s: Scheduled): Coded => ({ ...s, generated: generateProgram(s.quant, s.schedule, s.hw, s.opts.inlineData ?? true) }));
// 4b. Hoist loads: each LOAD moves up past the compute and stores it shares no bytes with,
//     so in-order dispatch does not hold the DMA back behind a full compute queue; kept
//     when the replay says it is no slower (on a schedule-cache hit, the order an earlier
//     compile's replay chose for the same program).
export const hoistLoadsPass = pass('hoist-loads', (s: Coded): Coded => {
  const program = s.generated.program;
  // The naive schedule's SYNC after every instruction leaves nothing to hoist.
  if (s.opts.schedule === 'naive') return s;
  const r = s.recalled;
  const { instrs, cycles, order } = r
    ? { instrs: r.loadOrder === 'hoisted' ? hoistLoads(program.instrs, s.hw) : program.instrs, cycles: r.programCycles, order: r.loadOrder }
    : fasterLoadOrder(program.instrs, s.hw);
  return { ...s, generated: { ...s.generated, program: { ...program, instrs } }, loads: { order, cycles } };
});
// 5. Estimate: the cost model's cycle prediction for the chosen schedule.
//    Tuned schedules are timed by replaying their instructions on the timing rules; the
//    naive one's SYNC after every instruction makes the analytic sum exact already. On a
//    schedule-cache hit the replays are the ones an earlier compile of the same program made.
export const estimatePass = pass('estimate', (s: Coded): Estimated => {
  const analytic = estimateSchedule(s.quant, s.schedule, s.hw);
  const analyticCycles = analytic.cycles;
  if (s.opts.schedule === 'naive') return { ...s, estimate: { ...analytic, analyticCycles, skipZeroTiles: s.opts.skipZeroTiles } };
  const segmentCycles = s.recalled
    ? s.recalled.segmentCycles.map((c) => c ?? undefined)
    : s.schedule.segments.map((seg: SegmentPlan) => replaySegmentCycles(s.quant, seg, s.opts.batch, s.hw));
  const est = estimateSchedule(s.quant, s.schedule, s.hw, segmentCycles);
  // Several segments: the whole program's replay (segments overlap at seams), when affordable.
  const affordable = s.generated.program.instrs.length <= 2 * REPLAY_BUDGET;
  const whole = s.schedule.segments.length > 1 && affordable ? s.loads?.cycles : undefined;
  if (whole !== undefined) {
    for (const k of Object.keys(est.perLayer)) est.perLayer[k] = Math.round((est.perLayer[k]! * whole) / est.cycles);
    est.cycles = whole;
  }
  const replays = s.loads && { loadOrder: s.loads.order, programCycles: s.loads.cycles, segmentCycles: segmentCycles.map((c) => c ?? null) };
  return { ...s, estimate: { ...est, analyticCycles, skipZeroTiles: s.opts.skipZeroTiles }, replays };
});

/** Every pass, in the order `compile` runs them. */
export const PASSES = [
  checkShapesPass, quantizePass, findZeroTilesPass, tilePass, replayAlternativesPass, keepSkippingPass, codegenPass, hoistLoadsPass, estimatePass,
] as const;

/** Candidate schedules: the naive one, or the tuned search's alternatives (best first). */
function tileAlternatives(q: QuantModel, opts: Options, hw: HardwareConfig): Schedule[] {
  if (opts.schedule === 'naive') return [planNaive(q, opts.batch, hw)];
  return tunedAlternatives(q, opts.batch, hw);
}

/** The tuned search, its candidates re-ranked by instruction replay. */
function tunedAlternatives(q: QuantModel, batch: number, hw: HardwareConfig): Schedule[] {
  return planTunedAlternatives(q, batch, hw, (seg, below) => replaySegmentCycles(q, seg, batch, hw, below));
}

/** The first alternative, or the fastest by whole-program replay when there are several. */
function fasterByReplay(q: QuantModel, alts: Schedule[], hw: HardwareConfig): Schedule {
  if (alts.length === 1) return alts[0]!;
  const timed = alts.map((sc) => ({ sc, cycles: replayScheduleCycles(q, sc, hw) }));
  if (timed.some((t) => t.cycles === undefined)) return alts[0]!;
  return timed.reduce((a, b) => (b.cycles! < a.cycles! ? b : a)).sc;
}

/** The tuned schedule for `q`: the tile and replay-alternatives passes in one call. */
function planTunedReplayed(q: QuantModel, batch: number, hw: HardwareConfig): Schedule {
  return fasterByReplay(q, tunedAlternatives(q, batch, hw), hw);
}

/** Replays the skipping schedule against the best schedule without skipping and keeps the
 * faster (ties keep skipping, which never moves more DRAM bytes per MAC kept). */
function chooseSkipping(s: Scheduled): Scheduled {
  if (!s.quant.layers.some((L) => L.zeros)) return s;
  const denseQuant = findZeroTiles(s.quant, false);
  if (s.opts.schedule === 'naive') {
    // Same tiles either way; the SYNC after every instruction makes the analytic sum exact.
    const dense = planNaive(denseQuant, s.opts.batch, s.hw);
    const faster = estimateSchedule(s.quant, s.schedule, s.hw).cycles <= estimateSchedule(denseQuant, dense, s.hw).cycles;
    return faster ? s : { ...s, quant: denseQuant, schedule: dense };
  }
  // No tile the search can try skips anything: the dense search would return this schedule
  // with the same replayed cycles, and a tie keeps skipping, so it need not run.
  if (!searchMaySkip(s.quant, s.hw)) return s;
  const dense = planTunedReplayed(denseQuant, s.opts.batch, s.hw);
  const skipCycles = replayScheduleCycles(s.quant, s.schedule, s.hw);
  const denseCycles = replayScheduleCycles(denseQuant, dense, s.hw);
  if (skipCycles === undefined || denseCycles === undefined || skipCycles <= denseCycles) return s;
  return { ...s, quant: denseQuant, schedule: dense };
}

/** Normalises options with their defaults; rejects bad values with a sentence. A compile
 * without weights (`weighted` false) skips no zero tile unless told to, and cannot be told to. */
export function normalizeOptions(opts: CompileOptions = {}, weighted = true): Options {
  const dtype = opts.dtype ?? 'int8';
  if (!['int8', 'int16', 'fp32'].includes(dtype)) throw new DlpError(`unknown dtype '${dtype}' (expected int8, int16 or fp32)`);
  const batch = opts.batch ?? 1;
  if (!Number.isInteger(batch) || batch < 1 || batch > 2 ** 24) throw new DlpError(`batch must be an integer in 1..16777216, got ${batch}`);
  const schedule = opts.schedule ?? 'tuned';
  if (schedule !== 'tuned' && schedule !== 'naive') throw new DlpError(`unknown schedule '${String(schedule)}' (expected tuned or naive)`);
  if (dtype === 'fp32' && opts.perChannel) throw new DlpError('perChannel applies to int8/int16 only, not fp32');
  const skipZeroTiles = opts.skipZeroTiles ?? weighted;
  if (typeof skipZeroTiles !== 'boolean') throw new DlpError(`skipZeroTiles must be true or false, got '${String(skipZeroTiles)}'`);
  // Every tile of a model without weights is zero: skipping them would time an empty program.
  if (skipZeroTiles && !weighted) throw new DlpError('skipZeroTiles needs the weights: a model compiled without weights has nothing but zero tiles');
  return { ...opts, dtype, batch, schedule, skipZeroTiles };
}

/** Compiles a model for a hardware configuration into a bundle. Without weights (undefined),
 * every weight, bias and slope is zero and no value is read or drawn (quantizeModel): the
 * program, its DRAM layout, its schedule and so its timing are those the same model compiles to
 * with any weights when no zero tile is skipped, for callers that simulate timing only
 * (`dlp scalesim`). Only two passes read values: quantisation, which sets the stored integers
 * and ACT's constants, and find-zero-tiles, which such a compile runs without skipping. */
export function compile(model: ModelGraph, weights: ModelWeights | undefined, hw: HardwareConfig, opts?: CompileOptions): Bundle {
  const input: Input = { model, weights, hw, opts: normalizeOptions(opts, weights !== undefined) };
  const quantized = findZeroTilesPass.run(quantizePass.run(checkShapesPass.run(input)));
  const cached = cacheEntry(quantized);
  const hit = cached?.entry;
  const scheduled = hit ? { ...quantized, schedule: hit.schedule, recalled: hit.replays } : keepSkippingPass.run(replayAlternativesPass.run(tilePass.run(quantized)));
  const s = estimatePass.run(hoistLoadsPass.run(codegenPass.run(scheduled)));
  if (cached && !hit && s.replays) cached.cache.set(cached.key, encodeSchedule(s.schedule, s.replays));
  return assembleBundle(s.quant, s.schedule, s.generated, s.estimate, hw);
}

/** Where the tile passes' schedule for `q` is kept, with what the cache holds for it (if it
 * decodes), or undefined when it is not cached. Only a search that reads no weight value is:
 * none of its tiles can skip a zero tile, so keep-skipping-if-faster keeps the model as it is,
 * and the program, hence every replay of it, is a function of the key and the schedule. */
function cacheEntry(q: Quantized): { cache: ScheduleCache; key: string; entry?: CachedSchedule } | undefined {
  const cache = q.opts.scheduleCache;
  if (!cache || q.opts.schedule !== 'tuned' || searchMaySkip(q.quant, q.hw)) return undefined;
  const key = scheduleKey(q.quant, q.opts.batch, q.hw);
  const text = cache.get(key);
  return { cache, key, entry: text === undefined ? undefined : decodeSchedule(text, q.quant, q.opts.batch, q.hw) };
}
