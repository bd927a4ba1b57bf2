// SCALE-Sim topology files (.csv). GEMM topologies (`Layer, M, N, K,` — an m×k input times a
// k×n weight) are read as they are. Convolution topologies (`Layer name, IFMAP Height, IFMAP
// Width, Filter Height, Filter Width, Channels, Num Filter, Strides,`) are lowered to GEMM by
// im2col exactly as SCALE-Sim does internally: M = output pixels, K = filter window ×
// channels, N = filters, no padding; layers named with 'DP' are depth-wise and split into one
// layer per channel. Rows end with a trailing comma in SCALE-Sim's files; it is optional here.
import { DlpError, type ErrorLoc } from '../../isa/errors.js';
import { stripBom } from '../../isa/format.js';
import { MAX_FEATURES, MAX_GEMM_ROWS, MAX_TENSOR_ELEMENTS, MAX_TOPOLOGY_LAYERS } from '../frontend/limits.js';

export interface ConvShape {
  ifmapH: number; ifmapW: number; filterH: number; filterW: number;
  channels: number; filters: number; strideH: number; strideW: number;
  ofmapH: number; ofmapW: number;
}

export interface TopologyLayer {
  /** Layer name as written (depth-wise splits append `Channel_<c>` like SCALE-Sim). */
  name: string;
  /** GEMM shape: (m×k)·(k×n). */
  m: number;
  n: number;
  k: number;
  /** Line of the row in the topology file. */
  line: number;
  /** The convolution this GEMM was lowered from (conv topologies only). */
  conv?: ConvShape;
}

export interface Topology {
  kind: 'gemm' | 'conv';
  layers: TopologyLayer[];
}

/** Splits a CSV row into trimmed cells, dropping the one empty cell a trailing comma leaves. */
function readCells(row: string): string[] {
  const cells = row.split(',').map((c) => c.trim());
  if (cells.length > 1 && cells[cells.length - 1] === '') cells.pop();
  return cells;
}

/** Detects the topology kind from its header row. */
function detectKind(header: string[], file: string): 'gemm' | 'conv' {
  const h = header.map((c) => c.toLowerCase());
  if (h.length >= 4 && h[1] === 'm' && h[2] === 'n' && h[3] === 'k') return 'gemm';
  if (h.some((c) => c.includes('ifmap'))) return 'conv';
  throw new DlpError(`unrecognised topology header '${header.join(', ')}' (expected 'Layer, M, N, K,' for GEMM or SCALE-Sim's convolution header starting 'Layer name, IFMAP Height, ...')`, { file, line: 1 });
}

/** Parses a SCALE-Sim topology CSV into GEMM layers. */
export function parseTopology(text: string, file: string): Topology {
  const rows = stripBom(text).split(/\r?\n/);
  let headerAt = rows.findIndex((r) => r.trim() !== '');
  if (headerAt < 0) throw new DlpError('topology file is empty', { file });
  const kind = detectKind(readCells(rows[headerAt]!), file);
  const layers: TopologyLayer[] = [];
  for (let i = ++headerAt; i < rows.length; i++) {
    const s = rows[i]!.trim();
    if (s === '' || s.startsWith('#')) continue;
    const line = i + 1;
    const cells = readCells(s);
    const name = cells[0]!;
    if (name === '') throw new DlpError('layer name is empty', { file, line });
    const num = (idx: number, what: string): number => {
      const c = cells[idx]!;
      if (!/^\d+$/.test(c) || Number(c) < 1) throw new DlpError(`layer '${name}': ${what} must be a whole number >= 1, got '${c}'`, { file, line });
      return Number(c);
    };
    if (kind === 'gemm') {
      if (cells.length < 4) throw new DlpError(`layer '${name}': expected 'name, M, N, K,' but found ${cells.length} field${cells.length === 1 ? '' : 's'}`, { file, line });
      layers.push(checkGemmSize({ name, m: num(1, 'M'), n: num(2, 'N'), k: num(3, 'K'), line }, { file, line }));
      if (layers.length > MAX_TOPOLOGY_LAYERS) tooManyLayers(file, line);
      continue;
    }
    if (cells.length < 8) {
      throw new DlpError(`layer '${name}': expected 'name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,' but found ${cells.length} fields`, { file, line });
    }
    const strideH = num(7, 'stride');
    const shape = {
      ifmapH: num(1, 'IFMAP Height'), ifmapW: num(2, 'IFMAP Width'), filterH: num(3, 'Filter Height'), filterW: num(4, 'Filter Width'),
      channels: num(5, 'Channels'), filters: num(6, 'Num Filter'), strideH, strideW: cells.length > 8 ? num(8, 'stride width') : strideH,
    };
    if (shape.filterH > shape.ifmapH) throw new DlpError(`layer '${name}': Filter Height ${shape.filterH} exceeds IFMAP Height ${shape.ifmapH}`, { file, line });
    if (shape.filterW > shape.ifmapW) throw new DlpError(`layer '${name}': Filter Width ${shape.filterW} exceeds IFMAP Width ${shape.ifmapW}`, { file, line });
    // SCALE-Sim: depth-wise layers run one single-channel convolution per input channel.
    // Sizes before anything is built: a header can ask for 10^9 channels.
    const depthwise = name.includes('DP');
    if (layers.length + (depthwise ? shape.channels : 1) > MAX_TOPOLOGY_LAYERS) tooManyLayers(file, line, depthwise ? shape.channels : undefined);
    const lowered = checkGemmSize(lowerConv(name, depthwise ? { ...shape, channels: 1 } : shape, line), { file, line });
    if (depthwise) {
      for (let c = 0; c < shape.channels; c++) layers.push({ ...lowered, name: `${name}Channel_${c}`, conv: { ...lowered.conv! } });
    } else {
      layers.push(lowered);
    }
  }
  if (layers.length === 0) throw new DlpError('topology has a header but no layers', { file, line: headerAt });
  return { kind, layers };
}

function tooManyLayers(file: string, line: number, channels?: number): never {
  const why = channels === undefined ? '' : ` (a depth-wise layer of ${channels} channels is ${channels} GEMMs)`;
  throw new DlpError(`the topology expands to more than dlpkit's limit of ${MAX_TOPOLOGY_LAYERS} GEMM layers${why}`, { file, line });
}

/** Refuses a GEMM larger than the compiler and simulator can hold (compiler/frontend/limits.ts):
 * M up to the batch limit, N and K up to the features limit, each operand and the result up
 * to MAX_TENSOR_ELEMENTS elements. */
export function checkGemmSize(layer: TopologyLayer, loc: ErrorLoc): TopologyLayer {
  const { name, m, n, k } = layer;
  const fail = (why: string): never => {
    throw new DlpError(`layer '${name}': GEMM M=${m} N=${n} K=${k} ${why}`, loc);
  };
  if (m > MAX_GEMM_ROWS) fail(`has more than dlpkit's limit of ${MAX_GEMM_ROWS} rows (M)`);
  if (n > MAX_FEATURES || k > MAX_FEATURES) fail(`exceeds dlpkit's limit of ${MAX_FEATURES} for N and K`);
  for (const [what, size] of [['M×K', m * k], ['K×N', k * n], ['M×N', m * n]] as const) {
    if (size > MAX_TENSOR_ELEMENTS) fail(`has ${what} = ${size} elements, more than dlpkit's limit of ${MAX_TENSOR_ELEMENTS}`);
  }
  return layer;
}

/** im2col: each output pixel is one GEMM row of filterH·filterW·channels values (SCALE-Sim's
 * "window size"), each filter one GEMM column. Output size without padding, as SCALE-Sim:
 * ⌈(ifmap − filter + stride) / stride⌉. */
export function lowerConv(name: string, s: Omit<ConvShape, 'ofmapH' | 'ofmapW'>, line: number): TopologyLayer {
  const ofmapH = Math.ceil((s.ifmapH - s.filterH + s.strideH) / s.strideH);
  const ofmapW = Math.ceil((s.ifmapW - s.filterW + s.strideW) / s.strideW);
  return {
    name, line, m: ofmapH * ofmapW, n: s.filters, k: s.filterH * s.filterW * s.channels,
    conv: { ...s, ofmapH, ofmapW },
  };
}
