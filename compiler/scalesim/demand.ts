// SCALE-Sim v2's operand traffic for a GEMM, generated row by row instead of materialised.
// SCALE-Sim builds, per dataflow, (a) a prefetch matrix per read operand: the order in which
// its read buffer fetches elements from DRAM, and (b) demand matrices: one row per stall-free
// cycle, one column per array edge port, -1 where nothing is requested (compute/
// systolic_compute_{os,ws,is}.py). Its memory model only needs, for every requested element,
// the prefetch "set" that holds it, and per demand row the requested elements in column order
// (reads) or their number (OFMAP writes). Elements are named by their index in the operand
// (IFMAP m×k: i·K + j; FILTER k×n: n·K + k); SCALE-Sim's buffers work on addresses, which for
// a GEMM are these indices plus an offset, and for a convolution lowered by im2col repeat
// (operandAddresses maps one to the other).
import type { Dataflow } from './config.js';
import type { ConvShape } from './topology.js';

export interface Gemm { m: number; n: number; k: number }
export interface SystolicArray { rows: number; cols: number; dataflow: Dataflow }

/** The folding of a GEMM on the array, in SCALE-Sim's terms: Sr×Sc output (or held) block
 * spread over R×C PEs, T the streamed length. */
export interface Folding {
  R: number; C: number; sr: number; sc: number; t: number;
  rowFolds: number; colFolds: number;
  /** Demand rows per fold. */
  perFold: number;
  /** Width of the IFMAP and FILTER demand rows (array edge ports). */
  ifmapWidth: number; filterWidth: number;
}

export function folding(a: SystolicArray, g: Gemm): Folding {
  const { rows: R, cols: C, dataflow: df } = a;
  const [sr, sc, t] = df === 'os' ? [g.m, g.n, g.k] : df === 'ws' ? [g.k, g.n, g.m] : [g.k, g.m, g.n];
  return {
    R, C, sr, sc, t,
    rowFolds: Math.ceil(sr / R), colFolds: Math.ceil(sc / C),
    perFold: df === 'os' ? R + C + t - 2 : 2 * R + C + t - 2,
    ifmapWidth: df === 'is' ? C : R,
    filterWidth: df === 'is' ? R : C,
  };
}

/** A prefetch matrix: `rows` × `width` elements (−1 for padding), read row-major or, where
 * SCALE-Sim flattens it along anti-diagonals, diagonal by diagonal. It stacks `width`-wide
 * slices of an operand, `sliceRows` rows each: matrix element (r, c) is slice column
 * s = ⌊r / sliceRows⌋·width + c (valid below `columns`) at slice row q = r mod sliceRows, the
 * operand element s·K + q when `sliceMajor`, else q·K + s. */
interface PrefetchMatrix { rows: number; width: number; diagonal: boolean; sliceRows: number; columns: number; sliceMajor: boolean; k: number }

function prefetchMatrix(a: SystolicArray, g: Gemm, op: 'ifmap' | 'filter'): PrefetchMatrix {
  const { m, n, k } = g;
  const f = folding(a, g);
  const { R, C } = f;
  const matrix = (folds: number, width: number, diagonal: boolean, sliceRows: number, columns: number, sliceMajor: boolean): PrefetchMatrix =>
    ({ rows: sliceRows * folds, width, diagonal, sliceRows, columns, sliceMajor, k });
  if (a.dataflow === 'os') {
    // Folds of the transposed IFMAP (K × R) stacked over row folds; FILTER (K × C) over column folds.
    return op === 'ifmap' ? matrix(f.rowFolds, R, true, k, m, true) : matrix(f.colFolds, C, true, k, n, true);
  }
  if (a.dataflow === 'ws') {
    // IFMAP (M × R column slices) over row folds, diagonally; FILTER (K × C) over column folds, row-major.
    return op === 'ifmap' ? matrix(f.rowFolds, R, true, m, k, false) : matrix(f.colFolds, C, false, k, n, true);
  }
  // IS: transposed IFMAP (K × C) over column folds, row-major; transposed FILTER (N × R) over row folds, diagonally.
  return op === 'ifmap' ? matrix(f.colFolds, C, false, k, m, true) : matrix(f.rowFolds, R, true, n, k, false);
}

/** The addresses a prefetch matrix fetches, in order (padding skipped). */
function fetchOrder(p: PrefetchMatrix, address: Int32Array | undefined): Int32Array {
  const order = new Int32Array(p.rows * p.width);
  let pos = 0;
  const { rows, width, sliceRows, columns, sliceMajor, k } = p;
  // Cells (r, c) in order: diagonal d = r + c by diagonal, r descending; else row by row.
  const diagonals = p.diagonal ? rows + width - 1 : rows;
  for (let d = 0; d < diagonals; d++) {
    const rFirst = p.diagonal ? Math.min(d, rows - 1) : d, rLast = p.diagonal ? Math.max(0, d - width + 1) : d;
    for (let r = rFirst; r >= rLast; r--) {
      const q = r % sliceRows, slice = (r - q) / sliceRows * width;
      for (let c = p.diagonal ? d - r : 0; c < (p.diagonal ? d - r + 1 : width); c++) {
        const s = slice + c;
        if (s >= columns) continue;
        const e = sliceMajor ? s * k + q : q * k + s;
        order[pos++] = address ? address[e]! : e;
      }
    }
  }
  return order.subarray(0, pos);
}

/** SCALE-Sim's address of each operand element, as an index into a compact address space. */
export interface OperandAddresses {
  /** IFMAP element i·K + j → address, or undefined when they are the same (GEMM). */
  ifmap?: Int32Array;
  ifmapSpace: number;
  /** FILTER addresses always equal n·K + k. */
  filterSpace: number;
}

/** operand_matrix.calc_ifmap_elem_addr without its offset: im2col row i is output pixel
 * (i / Ew, i % Ew), column j is filter tap (j / (Fw·C), (j / C) % Fw) of channel j % C; the
 * address is the input pixel's ((row·W + col)·C + channel). */
export function operandAddresses(g: Gemm, conv?: ConvShape): OperandAddresses {
  if (!conv) return { ifmapSpace: g.m * g.k, filterSpace: g.k * g.n };
  const { ifmapW: W, filterW: Fw, channels: C, strideH, strideW, ofmapW: Ew } = conv;
  const ifmap = new Int32Array(g.m * g.k);
  for (let i = 0; i < g.m; i++) {
    const r0 = Math.floor(i / Ew) * strideH, c0 = (i % Ew) * strideW;
    for (let j = 0; j < g.k; j++) {
      const cr = Math.floor(j / (Fw * C)), rest = j % (Fw * C);
      ifmap[i * g.k + j] = ((r0 + cr) * W + c0 + Math.floor(rest / C)) * C + (rest % C);
    }
  }
  return { ifmap, ifmapSpace: conv.ifmapH * W * C, filterSpace: g.k * g.n };
}

/** What a read buffer learns from its prefetch matrix. */
export interface PrefetchSets {
  /** Sets (groups of `elemsPerSet` consecutive fetched elements) holding each address:
   * sets[setStart[a] .. setStart[a + 1]), ascending. One per address for a GEMM. */
  setStart: Int32Array;
  sets: Int32Array;
  /** Operand element → address (absent: the same). */
  address?: Int32Array;
  /** Sets, including the last, possibly empty one SCALE-Sim always appends. */
  numSets: number;
  /** Elements of the prefetch matrix, padding included (the fetch matrix holds them all). */
  fetchElems: number;
}

/** Walks the prefetch order and records, for each address, the sets holding it
 * (read_buffer.prepare_hashed_buffer: sets of ⌈size/100⌉ valid elements in fetch order). */
export function prefetchSets(a: SystolicArray, g: Gemm, op: 'ifmap' | 'filter', elemsPerSet: number, addrs: OperandAddresses = operandAddresses(g)): PrefetchSets {
  const p = prefetchMatrix(a, g, op);
  const address = op === 'ifmap' ? addrs.ifmap : undefined;
  const space = op === 'ifmap' ? addrs.ifmapSpace : addrs.filterSpace;
  const order = fetchOrder(p, address);
  const numSets = Math.floor(order.length / elemsPerSet) + 1, fetchElems = p.rows * p.width;
  if (!address && order.length === space) {
    // A GEMM fetches each element once (distinct matrix cells are distinct elements): one set each.
    const setStart = new Int32Array(space + 1), sets = new Int32Array(space);
    for (let pos = 0; pos < space; pos++) { setStart[pos] = pos; sets[order[pos]!] = Math.floor(pos / elemsPerSet); }
    setStart[space] = space;
    return { setStart, sets, numSets, fetchElems };
  }
  // Two passes (count, then fill) build the address → sets lists without per-address arrays;
  // an address met twice in one set is listed once, as in SCALE-Sim's Python sets.
  const last = new Int32Array(space).fill(-1);
  const count = new Int32Array(space + 1);
  for (let pos = 0; pos < order.length; pos++) {
    const ad = order[pos]!, set = Math.floor(pos / elemsPerSet);
    if (last[ad] !== set) { last[ad] = set; count[ad + 1]!++; }
  }
  const setStart = new Int32Array(space + 1);
  for (let i = 0; i < space; i++) setStart[i + 1] = setStart[i]! + count[i + 1]!;
  const sets = new Int32Array(setStart[space]!);
  const fill = setStart.slice(0, space);
  last.fill(-1);
  for (let pos = 0; pos < order.length; pos++) {
    const ad = order[pos]!, set = Math.floor(pos / elemsPerSet);
    if (last[ad] !== set) { last[ad] = set; sets[fill[ad]!++] = set; }
  }
  return { setStart, sets, ...(address ? { address } : {}), numSets, fetchElems };
}

/** Whether a demand row requests anything (some port ≥ 0). */
export function hasRequest(row: Int32Array): boolean {
  for (let i = 0; i < row.length; i++) if (row[i]! >= 0) return true;
  return false;
}

/** How a fold's demand rows walk one operand's block (below): 'skew-i': row x requests the
 * anti-diagonal i + j = x − lag, port i asking for (i, j); 'skew-j' likewise with port j;
 * 'preload': row x requests column j = lag − x, port i asking for (i, j). */
export type FoldOrder = 'skew-i' | 'skew-j' | 'preload';

/** The elements one operand's demand rows request over a fold: a block of operand element
 * indices base + i·stride + j (i < count, j < width), each once, in `order`. */
export interface FoldBlock { base: number; count: number; stride: number; width: number; order: FoldOrder; lag: number }

/** The OFMAP writes of a fold: output column j < `columns` writes one word in each of the rows
 * first + j … first + j + length − 1 (skewed one row per column). */
export interface FoldOutputs { first: number; length: number; columns: number }

/** All a fold demands: what it reads of each operand and when it writes. */
export interface FoldDemand { ifmap: FoldBlock; filter: FoldBlock; outputs: FoldOutputs }

export const emptyFoldDemand = (): FoldDemand => ({
  ifmap: { base: 0, count: 0, stride: 0, width: 0, order: 'skew-i', lag: 0 },
  filter: { base: 0, count: 0, stride: 0, width: 0, order: 'skew-i', lag: 0 },
  outputs: { first: 0, length: 0, columns: 0 },
});

/** Fills the demand of fold (fr, fc) (folds run column folds outer, row folds inner). */
export type FoldDemands = (fr: number, fc: number, into: FoldDemand) => void;

/** SCALE-Sim's demand matrices (compute/systolic_compute_{os,ws,is}.py), fold by fold. */
export function foldDemands(a: SystolicArray, g: Gemm): FoldDemands {
  const { R, C, t: T, sr, sc } = folding(a, g);
  const K = g.k;
  const set = (b: FoldBlock, base: number, count: number, width: number, order: FoldOrder, lag: number) => {
    b.base = base; b.count = count; b.stride = K; b.width = width; b.order = order; b.lag = lag;
  };
  return (fr, fc, d) => {
    // Ports in use: ru array rows, cu array columns.
    const ru = Math.min(R, sr - fr * R), cu = Math.min(C, sc - fc * C);
    d.outputs.columns = cu;
    if (a.dataflow === 'os') {
      // IFMAP rows fr·R.. stream K values, skewed one cycle per port; FILTER likewise per
      // column; outputs leave after T − 1 idle rows as the flipped ru × C block, skewed per column.
      set(d.ifmap, fr * R * K, ru, T, 'skew-i', 0);
      set(d.filter, fc * C * K, cu, T, 'skew-i', 0);
      d.outputs.first = T - 1 + R - ru; d.outputs.length = ru;
      return;
    }
    // The other operand's flipped block is preloaded in the first R rows; the streamed one
    // follows after an R-row gap, skewed; outputs stream T rows, 2R − 1 rows in.
    const preloaded = fc * C * K + fr * R;
    if (a.dataflow === 'ws') {
      set(d.ifmap, fr * R, T, ru, 'skew-j', R);
      set(d.filter, preloaded, cu, ru, 'preload', R - 1);
    } else {
      set(d.ifmap, preloaded, cu, ru, 'preload', R - 1);
      set(d.filter, fr * R, T, ru, 'skew-j', R);
    }
    d.outputs.first = 2 * R - 1; d.outputs.length = T;
  };
}

/** The element port p requests in row x of a fold, or −1. */
export function elementAt(b: FoldBlock, x: number, p: number): number {
  const i = b.order === 'skew-j' ? x - b.lag - p : p;
  const j = b.order === 'skew-i' ? x - b.lag - p : b.order === 'skew-j' ? p : b.lag - x;
  return i >= 0 && i < b.count && j >= 0 && j < b.width ? b.base + i * b.stride + j : -1;
}

/** The first and last rows of a fold that request elements of b (every row between does). */
export const firstRequestRow = (b: FoldBlock): number => b.order === 'preload' ? b.lag - b.width + 1 : b.lag;
export const lastRequestRow = (b: FoldBlock): number => b.order === 'preload' ? b.lag : b.lag + b.count + b.width - 2;

/** The ports that request elements of b: 0 … n − 1. */
export const requestPorts = (b: FoldBlock): number => b.order === 'skew-j' ? b.width : b.count;

/** The row of a fold in which element (i, j) of block b is requested (elementAt inverted). */
export const requestRowOf = (b: FoldBlock, i: number, j: number): number => b.order === 'preload' ? b.lag - j : b.lag + i + j;

/** Requests in row x of a fold. */
export function requestsAt(b: FoldBlock, x: number): number {
  if (b.order === 'preload') { const j = b.lag - x; return j >= 0 && j < b.width ? b.count : 0; }
  // An anti-diagonal of the block: the i < count with 0 ≤ x − lag − i < width.
  return outputsAt(x, b.lag, b.width, b.count);
}

/** The row of a fold holding request number `pos` (0-based, in demand order) of block b. */
export function rowOfRequest(b: FoldBlock, pos: number): number {
  if (b.order === 'preload') return firstRequestRow(b) + Math.floor(pos / b.count);
  // Anti-diagonals y = x − lag of a count × width block: 1, 2, … a − 1 requests, then a
  // (a = the shorter side) for long − a + 1 rows, then a − 1, … 1.
  const a = Math.min(b.count, b.width), long = Math.max(b.count, b.width);
  const rising = (a * (a - 1)) / 2, flat = (long - a + 1) * a;
  if (pos >= rising && pos < rising + flat) return b.lag + a - 1 + Math.floor((pos - rising) / a);
  let y = pos < rising ? 0 : long, seen = pos < rising ? 1 : rising + flat + a - 1;
  while (seen <= pos) { y++; seen += requestsAt(b, b.lag + y); }
  return b.lag + y;
}

/** Writes in row x: the columns j < `columns` with first ≤ x − j < first + length. */
export function outputsAt(x: number, first: number, length: number, columns: number): number {
  return Math.max(0, Math.min(columns - 1, x - first) - Math.max(0, x - first - length + 1) + 1);
}

/** Fills one demand row of fold (fr, fc): `ifmap` and `filter` get the element requested at
 * each port (−1 for none); returns the number of OFMAP writes in the row. `x` is the row
 * inside the fold (0 ≤ x < perFold). */
export type DemandRow = (fr: number, fc: number, x: number, ifmap: Int32Array, filter: Int32Array) => number;

export function demandRow(a: SystolicArray, g: Gemm): DemandRow {
  const demands = foldDemands(a, g);
  const d = emptyFoldDemand();
  return (fr, fc, x, ifm, fil) => {
    demands(fr, fc, d);
    for (let p = 0; p < ifm.length; p++) ifm[p] = elementAt(d.ifmap, x, p);
    for (let p = 0; p < fil.length; p++) fil[p] = elementAt(d.filter, x, p);
    return outputsAt(x, d.outputs.first, d.outputs.length, d.outputs.columns);
  };
}
