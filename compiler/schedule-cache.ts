// A cache of tuned schedules across compiles: the tiling search (tile.ts, predict.ts) is most of
// a compile's time, and its result depends only on the model's shapes and quantisation (not on
// weight values, unless a tile the search can try skips zero weights) and the hardware. The
// store is injected (CompileOptions.scheduleCache): a Map, a folder (schedule-cache-dir.ts,
// Node only), browser storage. A hit is re-checked against the buffers it must fit and the layers
// it must cover, so a damaged or foreign entry is ignored (the search runs), never trusted.
import type { HardwareConfig } from '../isa/hardware.js';
import type { QuantModel } from './passes/quant-model.js';
import { allocateSegment, type LayerTile, type Schedule, type SegmentPlan } from './passes/plan.js';
import { modelShapeKey } from './passes/plan-memo.js';

/** Where schedules are kept: keys and values are strings (JSON), so any key-value store does. */
export interface ScheduleCache {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/** Bumped whenever the key or the stored form changes meaning. */
const FORMAT = 'dlpkit-schedule/1';

/** The key of the tuned search for `q` at `batch` on `hw`: everything the search reads. */
export function scheduleKey(q: QuantModel, batch: number, hw: HardwareConfig): string {
  return `${FORMAT}|batch=${batch}|${modelShapeKey(q)}|hw:${JSON.stringify(hw)}`;
}

export function encodeSchedule(s: Schedule): string {
  return JSON.stringify({ batch: s.batch, segments: s.segments });
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

// The parsed objects are kept as they are, not rebuilt: the bundle writes its plans as JSON,
// so a recalled schedule must keep the key order the search gave it.
function isLayerTile(t: unknown): t is LayerTile {
  return hasKeys(t, TILE_KEYS) && isInt(t.layer, 0) && isInt(t.n, 1) && isInt(t.k, 1) && WMODES.has(t.wMode as string) && XMODES.has(t.xMode as string) && typeof t.auxResident === 'boolean';
}

function isSegmentPlan(s: unknown): s is SegmentPlan {
  return hasKeys(s, SEGMENT_KEYS) && ORDERS.has(s.order as string) && isInt(s.m, 1) && typeof s.double === 'boolean' && s.sync === false &&
    Array.isArray(s.layers) && s.layers.length > 0 && s.layers.every(isLayerTile);
}

/** A stored schedule, if it is one `q` can run at `batch` on `hw`: segments cover the layers
 * in order, tiles lie within the layer shapes, every segment's buffers fit. */
export function decodeSchedule(text: string, q: QuantModel, batch: number, hw: HardwareConfig): Schedule | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (r.batch !== batch || !Array.isArray(r.segments)) return undefined;
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
  return next === q.layers.length ? { kind: 'tuned', batch, segments } : undefined;
}
