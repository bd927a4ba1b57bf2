// Lab 04: the student's tile choice (tiling.json) as a compiler SegmentPlan. Every rule the
// compiler's code generator relies on is checked here with a sentence naming the field, so a
// bad choice is explained instead of failing deep inside codegen.
import type { LayerTile, SegmentPlan } from '../../compiler/passes/tile.js';

export interface TileChoice {
  /** 'rows': row blocks outermost (weights re-fetched per block unless resident);
   *  'cols': column panels outermost (each weight panel fetched once, inputs re-fetched per panel). */
  order: 'rows' | 'cols';
  /** Batch rows per block. */
  m: number;
  /** Output columns per tile. */
  n: number;
  /** Reduction length per tile. */
  k: number;
  /** 'resident': all of W in WRAM once; 'panel': a K×n panel (cols order); 'tile': a k×n tile per use. */
  weights: 'resident' | 'panel' | 'tile';
  /** 'block': a whole m×K block of inputs per row block; 'tile': an m×k tile per use. */
  inputs: 'block' | 'tile';
  /** Bias for all N columns loaded once (else per column tile). */
  biasResident: boolean;
  /** Two buffers per streamed operand, so DMA overlaps compute. */
  doubleBuffer: boolean;
}

const FIELDS = ['order', 'm', 'n', 'k', 'weights', 'inputs', 'biasResident', 'doubleBuffer'] as const;

/** Validates the raw JSON; returns the problems (empty when the choice is well-formed). */
export function checkTileChoice(raw: unknown, dims: { batch: number; K: number; N: number }): string[] {
  const problems: string[] = [];
  if (typeof raw !== 'object' || raw === null) return ['tiling.json must hold one JSON object'];
  const c = raw as Record<string, unknown>;
  for (const f of FIELDS) if (!(f in c)) problems.push(`field '${f}' is missing`);
  for (const f of Object.keys(c)) if (!(FIELDS as readonly string[]).includes(f)) problems.push(`unknown field '${f}' (fields: ${FIELDS.join(', ')})`);
  if (problems.length) return problems;
  const intIn = (f: 'm' | 'n' | 'k', max: number) => {
    const v = c[f];
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > max) problems.push(`${f} must be an integer in 1..${max}, got ${JSON.stringify(v)}`);
  };
  intIn('m', dims.batch);
  intIn('n', dims.N);
  intIn('k', dims.K);
  if (c.order !== 'rows' && c.order !== 'cols') problems.push(`order must be "rows" or "cols", got ${JSON.stringify(c.order)}`);
  if (!['resident', 'panel', 'tile'].includes(c.weights as string)) problems.push(`weights must be "resident", "panel" or "tile", got ${JSON.stringify(c.weights)}`);
  if (!['block', 'tile'].includes(c.inputs as string)) problems.push(`inputs must be "block" or "tile", got ${JSON.stringify(c.inputs)}`);
  for (const f of ['biasResident', 'doubleBuffer'] as const) if (typeof c[f] !== 'boolean') problems.push(`${f} must be true or false`);
  if (problems.length) return problems;
  // The loop nests the code generator implements:
  if (c.order === 'cols') {
    if (c.inputs !== 'tile') problems.push('order "cols" streams inputs tile by tile: use inputs "tile"');
    if (c.weights === 'resident') problems.push('order "cols" keeps one weight panel at a time: use weights "panel" or "tile"');
    if (c.weights === 'panel' && c.k !== dims.K) problems.push(`weights "panel" holds the whole reduction: k must be K = ${dims.K}`);
  } else {
    if (c.weights === 'panel') problems.push('weights "panel" needs order "cols"');
    if (c.weights === 'resident' && c.inputs === 'block' && c.k !== dims.K) problems.push(`weights "resident" with inputs "block" multiplies whole rows: k must be K = ${dims.K}`);
  }
  return problems;
}

/** The compiler's plan for the (validated) choice. */
export function toSegmentPlan(c: TileChoice): SegmentPlan {
  const layer: LayerTile = {
    layer: 0, n: c.n, k: c.k,
    wMode: c.weights, xMode: c.inputs, auxResident: c.biasResident,
  };
  return { order: c.order, m: c.m, layers: [layer], double: c.doubleBuffer, sync: false };
}
