// Zero-tile analysis (pass 2b) and the tile patterns codegen and the cost model share. A
// weight tile whose *quantised* values are all zero contributes exactly 0 to its accumulator
// (integer products are exact; an fp32 dot product of zeros sums to +0 in double), so its
// LOAD and MATMUL can be dropped without changing a single output bit. The analysis runs on
// the stored integers, so tiny float weights that quantise to 0 count as zero too.
// Rules (docs/sparsity.md):
// - the first kept k-tile of a column block starts the accumulator (acc=0), later ones add;
// - a column block with no kept tile still needs its accumulator zeroed: it keeps a 1-deep
//   MATMUL (k = 1) of input column 0 against weight row 0 of the block, which is exactly 0;
// - weights stay dense in DRAM; resident weights and weight panels are loaded as rectangles
//   that cover only the kept tiles when that is cheaper than one dense LOAD, else densely.
import { DTYPE_BYTES } from '../../isa/spec.js';
import type { HardwareConfig } from '../../isa/hardware.js';
import { dmaCycles } from '../../isa/timing.js';
import type { QuantLayer, QuantModel } from './quant-model.js';

import type { BlockClass, ColumnBlock, KTile, LoadRect, TilePattern, ZeroMap } from './tile-pattern.js';

export type { BlockClass, ColumnBlock, KTile, LoadRect, TilePattern, ZeroMap } from './tile-pattern.js';

/** Builds the zero map of a layer's stored weights; undefined when no weight is zero. */
export function buildZeroMap(w: ArrayLike<number>, K: number, N: number): ZeroMap | undefined {
  // Only whether there is a zero matters here: stop at the first.
  let i = 0;
  while (i < K * N && w[i] !== 0) i++;
  if (i === K * N) return undefined;
  const W = N + 1;
  const sat = new Int32Array((K + 1) * W);
  const colRun = new Int32Array(N);
  let maxRowRun = 0;
  let maxColRun = 0;
  for (let i = 0; i < K; i++) {
    let row = 0;
    let run = 0;
    const o = (i + 1) * W;
    for (let j = 0; j < N; j++) {
      if (w[i * N + j] !== 0) {
        row++;
        run = 0;
        colRun[j] = 0;
      } else {
        if (++run > maxRowRun) maxRowRun = run;
        if (++colRun[j]! > maxColRun) maxColRun = colRun[j]!;
      }
      sat[o + j + 1] = sat[o - W + j + 1]! + row;
    }
  }
  return { K, N, sat, maxRowRun, maxColRun, memo: new Map() };
}

/** Pass 2b: attaches a zero map to every layer (or strips them when skipping is off). */
export function findZeroTiles(q: QuantModel, skip: boolean): QuantModel {
  return {
    ...q,
    layers: q.layers.map((L) => {
      const { zeros: _drop, ...rest } = L;
      const zeros = skip ? buildZeroMap(L.w, L.K, L.N) : undefined;
      return zeros ? { ...rest, zeros } : rest;
    }),
  };
}

/** Nonzero weights in rows [k0, k0+kk) × columns [n0, n0+nn). */
export function countNonzero(z: ZeroMap, k0: number, kk: number, n0: number, nn: number): number {
  const W = z.N + 1;
  const s = z.sat;
  return s[(k0 + kk) * W + n0 + nn]! - s[k0 * W + n0 + nn]! - s[(k0 + kk) * W + n0]! + s[k0 * W + n0]!;
}

/** Merges consecutive kept k-tiles into load runs. */
function runsOf(kept: KTile[]): { k0: number; rows: number }[] {
  if (kept.length === 0) return [{ k0: 0, rows: 1 }];
  const runs: { k0: number; rows: number }[] = [];
  for (const t of kept) {
    const last = runs[runs.length - 1];
    if (last && last.k0 + last.rows === t.k0) last.rows += t.kk;
    else runs.push({ k0: t.k0, rows: t.kk });
  }
  return runs;
}

/** A k×n tiling's key in ZeroMap.memo. */
const memoKey = (L: QuantLayer, k: number, n: number): number => k * (L.N + 1) + n;

/** Whether tiling k×n skips any all-zero weight tile: tilePattern(L, k, n).skipped > 0, without
 * building the pattern (the schedule cache asks this of every tile size the search tries). */
export function skipsAnyTile(L: QuantLayer, k: number, n: number): boolean {
  const hit = L.zeros?.memo.get(memoKey(L, k, n));
  return (hit ? hit.skipped : countSkipped(L, k, n)) > 0;
}

/** The all-zero tiles of the k×n grid, counted without allocating: most grids of a layer with
 * scattered zeros skip nothing, and a grid whose narrowest tile is wider (taller) than any zero
 * run cannot skip anything. */
function countSkipped(L: QuantLayer, k: number, n: number): number {
  const z = L.zeros;
  let skipped = 0;
  const narrowest = (len: number, t: number) => (len % t === 0 ? t : Math.min(t, len % t));
  if (z && narrowest(L.N, n) <= z.maxRowRun && narrowest(L.K, k) <= z.maxColRun) {
    // Likewise per tile: only blocks no wider than maxRowRun (all, or the ragged last one) and
    // bands no taller than maxColRun can hold an all-zero tile.
    const firstN = n <= z.maxRowRun ? 0 : L.N - (L.N % n);
    const firstK = k <= z.maxColRun ? 0 : L.K - (L.K % k);
    for (let n0 = firstN; n0 < L.N; n0 += n) {
      for (let k0 = firstK; k0 < L.K; k0 += k) if (countNonzero(z, k0, Math.min(k, L.K - k0), n0, Math.min(n, L.N - n0)) === 0) skipped++;
    }
  }
  return skipped;
}

/** How a layer tiled k×n skips: counts, cost classes and resident load rectangles. Blocks are
 * materialised only when some tile is skipped (a dense pattern derives them on demand). */
export function tilePattern(L: QuantLayer, k: number, n: number): TilePattern {
  const z = L.zeros;
  const key = memoKey(L, k, n);
  const hit = z?.memo.get(key);
  if (hit) return hit;
  const cols = Math.ceil(L.N / n);
  const bands = Math.ceil(L.K / k);
  const skipped = countSkipped(L, k, n);
  const p = skipped === 0
    ? { classes: blockClasses(L, k, n, true), tiles: cols * bands, skipped: 0, zeroBlocks: 0, residentRects: [{ k0: 0, rows: L.K, n0: 0, cols: L.N }] }
    : buildPattern(L, z!, k, n);
  z?.memo.set(key, p);
  return p;
}

/** The column blocks of a layer tiled k×n, with the k-tiles each keeps. */
export function columnBlocks(L: QuantLayer, k: number, n: number): ColumnBlock[] {
  const p = tilePattern(L, k, n);
  if (p.blocks) return p.blocks;
  const kept: KTile[] = [];
  for (let k0 = 0; k0 < L.K; k0 += k) kept.push({ k0, kk: Math.min(k, L.K - k0) });
  const runs = runsOf(kept);
  const blocks: ColumnBlock[] = [];
  for (let n0 = 0; n0 < L.N; n0 += n) blocks.push({ n0, nn: Math.min(n, L.N - n0), kept, runs });
  return blocks;
}

function buildPattern(L: QuantLayer, z: ZeroMap, k: number, n: number): TilePattern {
  const blocks: ColumnBlock[] = [];
  const bands = Math.ceil(L.K / k);
  const cols = Math.ceil(L.N / n);
  /** kept[band * cols + block]: what resident loads must cover. */
  const grid = new Uint8Array(bands * cols);
  let tiles = 0;
  let skipped = 0;
  let zeroBlocks = 0;
  for (let n0 = 0; n0 < L.N; n0 += n) {
    const nn = Math.min(n, L.N - n0);
    const kept: KTile[] = [];
    for (let k0 = 0; k0 < L.K; k0 += k) {
      const kk = Math.min(k, L.K - k0);
      tiles++;
      if (countNonzero(z, k0, kk, n0, nn) === 0) skipped++;
      else {
        kept.push({ k0, kk });
        grid[(k0 / k) * cols + blocks.length] = 1;
      }
    }
    if (kept.length === 0) zeroBlocks++;
    blocks.push({ n0, nn, kept, runs: runsOf(kept) });
  }
  return { blocks, classes: classify(blocks), tiles, skipped, zeroBlocks, residentRects: residentRectsOf(L, blocks, k, grid) };
}

function classify(blocks: ColumnBlock[]): BlockClass[] {
  const byKey = new Map<string, BlockClass>();
  blocks.forEach((b, i) => {
    const key = `${b.nn}:${b.kept.map((t) => `${t.k0}+${t.kk}`).join(',')}`;
    const c = byKey.get(key);
    if (c) {
      c.count++;
      return;
    }
    const kept: { kk: number; count: number }[] = [];
    for (const t of b.kept) {
      const e = kept.find((x) => x.kk === t.kk);
      if (e) e.count++;
      else kept.push({ kk: t.kk, count: 1 });
    }
    byKey.set(key, { nn: b.nn, count: 1, kept, runs: b.runs, first: i === 0 });
  });
  return [...byKey.values()];
}

/** Cost-model classes without materialising blocks when nothing can be skipped. */
export function blockClasses(L: QuantLayer, k: number, n: number, dense = false): BlockClass[] {
  if (L.zeros && !dense) return tilePattern(L, k, n).classes;
  const ks = splits(L.K, k);
  return splits(L.N, n).map(({ size, count }, i) => ({
    nn: size, count, kept: ks.map((s) => ({ kk: s.size, count: s.count })), runs: [{ k0: 0, rows: L.K }], first: i === 0,
  }));
}

/** Tile extents along a dimension: the full tile `count` times and the remainder once. */
export function splits(len: number, tile: number): { size: number; count: number }[] {
  const full = Math.floor(len / tile);
  const rest = len - full * tile;
  const out = full > 0 ? [{ size: tile, count: full }] : [];
  if (rest > 0) out.push({ size: rest, count: 1 });
  return out;
}

/** Per k-band, runs of adjacent blocks needing the same rows; full-width bands merge down. */
function residentRectsOf(L: QuantLayer, blocks: ColumnBlock[], k: number, grid: Uint8Array): LoadRect[] {
  const rects: LoadRect[] = [];
  for (let k0 = 0, bi = 0; k0 < L.K; k0 += k, bi++) {
    const kk = Math.min(k, L.K - k0);
    const row = bi * blocks.length;
    const band: LoadRect[] = [];
    blocks.forEach((b, j) => {
      const h = grid[row + j] ? kk : k0 === 0 && b.kept.length === 0 ? 1 : 0;
      if (h === 0) return;
      const prev = band[band.length - 1];
      if (prev && prev.rows === h && prev.n0 + prev.cols === b.n0) prev.cols += b.nn;
      else band.push({ k0, rows: h, n0: b.n0, cols: b.nn });
    });
    const above = rects[rects.length - 1];
    const full = band.length === 1 && band[0]!.cols === L.N && band[0]!.rows === kk;
    if (full && above && above.cols === L.N && above.k0 + above.rows === k0) above.rows += kk;
    else rects.push(...band);
  }
  return rects;
}

function loadTime(hw: HardwareConfig, rects: readonly LoadRect[], wb: number, stride: number): number {
  let c = 0;
  for (const r of rects) c += dmaCycles(hw, r.rows, r.cols * wb, stride);
  return c;
}

/** LOADs that bring a resident layer's weights on chip: only the needed rectangles when that
 * keeps the load unit busy no longer than one dense LOAD of all K×N weights. */
export function residentLoads(L: QuantLayer, k: number, n: number, hw: HardwareConfig): LoadRect[] {
  const dense = [{ k0: 0, rows: L.K, n0: 0, cols: L.N }];
  if (!L.zeros) return dense;
  const p = tilePattern(L, k, n);
  // Nothing skipped: the rectangles are the dense one (a tie, which keeps them).
  if (p.skipped === 0) return p.residentRects;
  const wb = DTYPE_BYTES[L.dtype];
  const sparse = p.residentRects;
  return loadTime(hw, sparse, wb, L.N * wb) <= loadTime(hw, dense, wb, L.N * wb) ? sparse : dense;
}

/** LOADs of one K×nn weight panel (cols order): its kept runs, or the whole panel if cheaper. */
export function panelLoads(L: QuantLayer, b: { nn: number; runs: { k0: number; rows: number }[] }, n0: number, hw: HardwareConfig): LoadRect[] {
  const dense = [{ k0: 0, rows: L.K, n0, cols: b.nn }];
  if (!L.zeros) return dense;
  // One run over all K rows is the dense panel (a tie, which keeps it).
  if (b.runs.length === 1 && b.runs[0]!.k0 === 0 && b.runs[0]!.rows === L.K) return dense;
  const wb = DTYPE_BYTES[L.dtype];
  const sparse = b.runs.map((r) => ({ k0: r.k0, rows: r.rows, n0, cols: b.nn }));
  return loadTime(hw, sparse, wb, L.N * wb) <= loadTime(hw, dense, wb, L.N * wb) ? sparse : dense;
}
