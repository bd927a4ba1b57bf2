// A property-test case as plain data: model shape, weight and input recipes (seeded), compile
// options and a hardware description. Small enough to print as a TypeScript literal and paste
// into regressions.test.ts, and materialised deterministically into the model IR, weights,
// inputs and a schema-validated hardware config.
import type { Activation, ModelGraph, ModelWeights } from '../../compiler/model.js';
import type { CompileOptions } from '../../compiler/pipeline.js';
import { parseHardware, type HardwareConfig, type MfuConfig } from '../../isa/hardware.js';
import { loadHardware } from '../../isa/node.js';
import { createRng } from '../../isa/rng.js';

/** Values: uniform in [-scale, scale], ±scale with random signs (saturating extremes), or 0. */
export type Dist = 'uniform' | 'signs' | 'zeros';

export interface WeightSpec {
  seed: number;
  dist: Dist;
  scale: number;
  /** Biases uniform in [-biasScale, biasScale]. */
  biasScale: number;
  /** Zero out blocks of rows × cols weights, each block kept with probability `keep`. */
  zeroTiles?: { rows: number; cols: number; keep: number };
}

export interface LayerSpec {
  units: number;
  activation: Activation;
  weights: WeightSpec;
}

export interface InputSpec {
  seed: number;
  dist: Dist;
  scale: number;
}

export interface HwSpec {
  /** Preset the rest of the config (energy table, clock, capacity) comes from. */
  base: string;
  mfu: MfuConfig;
  mfuRate?: { int8: number; int16: number; fp32: number };
  nramBytes: number;
  wramBytes: number;
  dram: { bytesPerCycle: number; latencyCycles: number; burstBytes: number };
  vfu?: { lanes: number; cheapCycles: number; dearCycles: number; startupCycles: number };
  queues: { load: number; compute: number; store: number };
}

export interface PropCase {
  inputSize: number;
  layers: LayerSpec[];
  softmax: boolean;
  dtype: 'int8' | 'int16' | 'fp32';
  /** Rows the program is compiled for. */
  batch: number;
  /** Rows actually written (<= batch; the rest of the input region stays zero). */
  rows: number;
  perChannel: boolean;
  schedule: 'tuned' | 'naive';
  /** Calibration rows: the inputs themselves, none (the compiler's default) or other rows. */
  calibration: 'inputs' | 'default' | (InputSpec & { rows: number });
  /** Fixed scales (small ones force saturation in hidden layers). */
  scales?: { input?: number; layers?: number[] };
  inputs: InputSpec;
  hw: HwSpec;
}

export interface Materialised {
  model: ModelGraph;
  weights: ModelWeights;
  hw: HardwareConfig;
  /** rows × inputSize. */
  x: Float32Array;
  /** batch × inputSize: x followed by zero rows, what the device actually computes on. */
  xPadded: Float32Array;
  opts: CompileOptions;
}

function fillValues(out: Float32Array, dist: Dist, scale: number, rng: () => number): void {
  for (let i = 0; i < out.length; i++) {
    const u = rng();
    out[i] = dist === 'zeros' ? 0 : dist === 'signs' ? (u < 0.5 ? -scale : scale) : (2 * u - 1) * scale;
  }
}

export function makeValues(spec: InputSpec, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  fillValues(out, spec.dist, spec.scale, createRng(spec.seed));
  return out;
}

/** Weights, bias and (PReLU) slopes of one layer from its recipe. */
export function makeLayerWeights(spec: LayerSpec, inputs: number): ModelWeights[number] {
  const { seed, dist, scale, biasScale, zeroTiles } = spec.weights;
  const rng = createRng(seed);
  const N = spec.units;
  const w = new Float32Array(inputs * N);
  fillValues(w, dist, scale, rng);
  if (zeroTiles) {
    for (let i0 = 0; i0 < inputs; i0 += zeroTiles.rows) {
      for (let j0 = 0; j0 < N; j0 += zeroTiles.cols) {
        if (rng() < zeroTiles.keep) continue;
        for (let i = i0; i < Math.min(inputs, i0 + zeroTiles.rows); i++) w.fill(0, i * N + j0, i * N + Math.min(N, j0 + zeroTiles.cols));
      }
    }
  }
  const b = new Float32Array(N);
  for (let j = 0; j < N; j++) b[j] = (2 * rng() - 1) * biasScale;
  const lw: ModelWeights[number] = { w, b };
  // Slopes in [-1, 2): negative, fractional and steeper-than-identity all occur.
  if (spec.activation.kind === 'prelu') lw.slopes = Float32Array.from({ length: N }, () => rng() * 3 - 1);
  return lw;
}

export function makeHardware(spec: HwSpec): HardwareConfig {
  const base = loadHardware(spec.base);
  return parseHardware({
    ...base,
    name: `${spec.base}-prop`,
    mfu: spec.mfu,
    mfuRate: spec.mfuRate ?? base.mfuRate,
    nram: { bytes: spec.nramBytes },
    wram: { bytes: spec.wramBytes },
    dram: { ...base.dram, ...spec.dram },
    vfu: spec.vfu ?? base.vfu,
    queues: spec.queues,
  }, 'property case');
}

export function makeModel(c: PropCase): ModelGraph {
  return {
    name: 'prop', inputSize: c.inputSize, softmax: c.softmax,
    layers: c.layers.map((L, i) => ({ kind: 'dense', name: `fc${i + 1}`, units: L.units, activation: L.activation })),
  };
}

export function makeWeights(c: PropCase): ModelWeights {
  let inputs = c.inputSize;
  return c.layers.map((L) => {
    const lw = makeLayerWeights(L, inputs);
    inputs = L.units;
    return lw;
  });
}

/** Everything a run needs, built from the recipe. */
export function materialise(c: PropCase): Materialised {
  const x = makeValues(c.inputs, c.rows, c.inputSize);
  const xPadded = new Float32Array(c.batch * c.inputSize);
  xPadded.set(x);
  const calibration = c.calibration === 'inputs' ? x
    : c.calibration === 'default' ? undefined
      : makeValues(c.calibration, c.calibration.rows, c.inputSize);
  const opts: CompileOptions = { dtype: c.dtype, batch: c.batch, schedule: c.schedule, perChannel: c.perChannel };
  if (calibration) opts.calibration = calibration;
  if (c.scales) opts.scales = c.scales;
  return { model: makeModel(c), weights: makeWeights(c), hw: makeHardware(c.hw), x, xPadded, opts };
}

/** Multiply-accumulates of the dense model at the compiled batch. */
export function denseMacs(c: PropCase): number {
  let k = c.inputSize;
  let total = 0;
  for (const L of c.layers) {
    total += k * L.units;
    k = L.units;
  }
  return total * c.batch;
}
