// A cache of tuned schedules across compiles: the tiling search (tile.ts, predict.ts) is most of
// a compile's time, and its result depends only on the model's shapes and quantisation (not on
// weight values, unless a tile the search can try skips zero weights) and the hardware. The
// store is injected (CompileOptions.scheduleCache): a Map, a folder (schedule-cache-dir.ts,
// Node only), browser storage. A hit is re-checked against the buffers it must fit and the layers
// it must cover, so a damaged or foreign entry is ignored (the search runs), never trusted.
// An entry also holds what the passes after the search replayed of the schedule's program (the
// load order hoist-loads kept, the estimate's replays): the program is a function of the key and
// the schedule (no tile of a cached search skips a zero tile, so no weight value reaches it), so
// those replays would give the same numbers again, and a recalled compile skips them.
import type { HardwareConfig } from '../isa/hardware.js';
import type { QuantModel } from './passes/quant-model.js';
import { allocateSegment, type LayerTile, type Schedule, type SegmentPlan } from './passes/plan.js';
import { modelShapeKey } from './passes/plan-memo.js';
import type { LoadOrder } from './passes/hoist.js';

/** Where schedules are kept: keys and values are strings (JSON), so any key-value store does. */
export interface ScheduleCache {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/** Bumped whenever the key or the stored form changes meaning. */
const FORMAT = 'dlpkit-schedule/2';

/** The key of the tuned search for `q` at `batch` on `hw`: everything the search reads. */
export function scheduleKey(q: QuantModel, batch: number, hw: HardwareConfig): string {
  return `${FORMAT}|batch=${batch}|${modelShapeKey(q)}|hw:${JSON.stringify(hw)}`;
}

/** What the passes after the search measured by replaying the schedule's program. */
export interface Replays {
  /** The load order hoist-loads kept (hoist.ts fasterLoadOrder). */
  loadOrder: LoadOrder;
  /** The whole program's replayed cycles in that order. */
  programCycles: number;
  /** Each segment's replayed cycles (predict.ts replaySegmentCycles), null where the replay
   * declined (over budget) and the estimate took the analytic model's. */
  segmentCycles: (number | null)[];
}

/** A cache entry: the searched schedule and its program's replays. */
export interface CachedSchedule { schedule: Schedule; replays: Replays }

export function encodeSchedule(s: Schedule, replays: Replays): string {
  return JSON.stringify({ batch: s.batch, segments: s.segments, replays });
}

const ORDERS = new Set(['rows', 'cols']);
const WMODES = new Set(['resident', 'panel', 'tile']);
const XMODES = new Set(['fused', 'block', 'tile']);
const isInt = (v: unknown, min: number): boolean => Number.isInteger(v) && (v as number) >= min;
/** An object with exactly these keys (in any order). */
function hasKeys(v: unknown, keys: readonly string[]): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const own = Object.keys(v);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(v, k));
}
const TILE_KEYS = ['layer', 'n', 'k', 'wMode', 'xMode', 'auxResident'] as const;
const SEGMENT_KEYS = ['order', 'm', 'layers', 'double', 'sync'] as const;
const ENTRY_KEYS = ['batch', 'segments', 'replays'] as const;
const REPLAYS_KEYS = ['loadOrder', 'programCycles', 'segmentCycles'] as const;
const LOAD_ORDERS = new Set(['emitted', 'hoisted']);
const isCycles = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

// The parsed objects are kept as they are, not rebuilt: the bundle writes its plans as JSON,
// so a recalled schedule must keep the key order the search gave it.
function isLayerTile(t: unknown): t is LayerTile {
  return hasKeys(t, TILE_KEYS) && isInt(t.layer, 0) && isInt(t.n, 1) && isInt(t.k, 1) && WMODES.has(t.wMode as string) && XMODES.has(t.xMode as string) && typeof t.auxResident === 'boolean';
}

function isSegmentPlan(s: unknown): s is SegmentPlan {
  return hasKeys(s, SEGMENT_KEYS) && ORDERS.has(s.order as string) && isInt(s.m, 1) && typeof s.double === 'boolean' && s.sync === false &&
    Array.isArray(s.layers) && s.layers.length > 0 && s.layers.every(isLayerTile);
}

/** Replays of a program of `segments` segments: a known load order, positive cycles. */
function isReplays(v: unknown, segments: number): v is Replays {
  return hasKeys(v, REPLAYS_KEYS) && LOAD_ORDERS.has(v.loadOrder as string) && isCycles(v.programCycles) &&
    Array.isArray(v.segmentCycles) && v.segmentCycles.length === segments && v.segmentCycles.every((c) => c === null || isCycles(c));
}

/** A stored entry, if its schedule is one `q` can run at `batch` on `hw` (segments cover the
 * layers in order, tiles lie within the layer shapes, every segment's buffers fit) and its
 * replays are well-formed for it. */
export function decodeSchedule(text: string, q: QuantModel, batch: number, hw: HardwareConfig): CachedSchedule | undefined {
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!hasKeys(r, ENTRY_KEYS) || r.batch !== batch || !Array.isArray(r.segments) || !isReplays(r.replays, r.segments.length)) return undefined;
  const segments: SegmentPlan[] = [];
  let next = 0;
  for (const seg of r.segments as unknown[]) {
    if (!isSegmentPlan(seg) || seg.m > batch) return undefined;
    for (const t of seg.layers) {
      const L = q.layers[t.layer];
      if (t.layer !== next++ || !L || t.n > L.N || t.k > L.K) return undefined;
    }
    if (!allocateSegment(q, seg, hw)) return undefined;
    segments.push(seg);
  }
  return next === q.layers.length ? { schedule: { kind: 'tuned', batch, segments }, replays: r.replays } : undefined;
}
