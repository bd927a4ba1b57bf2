// Shared fixtures of the back-end tests: small models with seeded weights and biases, a
// compile + simulate round trip, and the bridge from a bundle to the reference MLP.
import type { Activation, ModelGraph, ModelWeights } from '../../../compiler/model.js';
import { randomWeights } from '../../../compiler/weights/random.js';
import { compile, type CompileOptions } from '../../../compiler/pipeline.js';
import { readOutputs, writeInputs, type Bundle } from '../../../compiler/bundle.js';
import type { HardwareConfig } from '../../../isa/hardware.js';
import type { Instr } from '../../../isa/spec.js';
import { createRng } from '../../../isa/rng.js';
import { simulate } from '../../../simulator/index.js';
import { fp32Forward, quantForward, type RefLayer } from '../../reference/mlp-reference.js';

export function makeModel(inputSize: number, layers: [number, Activation][], softmax: boolean): ModelGraph {
  return {
    name: 'm', inputSize, softmax,
    layers: layers.map(([units, activation], i) => ({ kind: 'dense', name: `fc${i + 1}`, units, activation })),
  };
}

/** Seeded weights with nonzero biases and varied PReLU slopes. */
export function makeWeights(model: ModelGraph, seed: number): ModelWeights {
  const w = randomWeights(model, seed);
  const rng = createRng(seed + 99);
  for (const lw of w) {
    for (let i = 0; i < lw.b.length; i++) lw.b[i] = (rng() - 0.5) * 0.4;
    if (lw.slopes) for (let i = 0; i < lw.slopes.length; i++) lw.slopes[i] = rng() * 0.5 - 0.1;
  }
  return w;
}

export function makeInputs(rows: number, cols: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: rows * cols }, () => rng() * 2 - 1);
}

/** Compiles, writes the inputs, simulates and reads the fp32 outputs. */
export function runCompiled(model: ModelGraph, weights: ModelWeights, hw: HardwareConfig, x: Float32Array, opts: CompileOptions) {
  const bundle = compile(model, weights, hw, { ...opts, calibration: opts.calibration ?? x });
  const dram = bundle.image.slice();
  writeInputs(bundle, dram, x);
  const result = simulate(bundle.program, hw, { dram });
  return { bundle, out: readOutputs(bundle, result.dram), report: result.report };
}

export function refLayers(model: ModelGraph, weights: ModelWeights): RefLayer[] {
  let inputs = model.inputSize;
  return model.layers.map((L, l) => {
    const r: RefLayer = { w: weights[l]!.w, b: weights[l]!.b, slopes: weights[l]!.slopes, inputs, units: L.units, activation: L.activation as RefLayer['activation'] };
    inputs = L.units;
    return r;
  });
}

/** The reference output for a bundle's recorded scales. */
export function referenceFor(bundle: Bundle, model: ModelGraph, weights: ModelWeights, x: Float32Array, rows: number): Float32Array {
  const layers = refLayers(model, weights);
  if (bundle.dtype === 'fp32') return fp32Forward(layers, x, rows, model.softmax);
  const q = bundle.layout.quant;
  const scales = { input: q.inputScale, layers: q.layers.map((L) => ({ wScale: L.wScale, outScale: L.outScale, wQmax: L.wQmax })) };
  return quantForward(layers, scales, bundle.dtype, x, rows, model.softmax);
}

/** An instruction without the ACT fields that carry quantisation constants (mult, shift,
 * scale): what a compile without weights shares with one with weights. */
export function instrShape(i: Instr): Record<string, unknown> {
  if (i.op !== 'ACT') return { ...i };
  const { mult: _m, shift: _s, scale: _c, ...rest } = i;
  return rest;
}

/** What differs between two compiles' programs beyond ACT's quantisation constants and the
 * image's values: the first instruction whose other fields differ, the region layout, or the
 * timing-only simulation's figures; undefined when nothing does. */
export function timingDifference(a: Bundle, b: Bundle, hw: HardwareConfig): string | undefined {
  const [ia, ib] = [a.program.instrs, b.program.instrs];
  if (ia.length !== ib.length) return `${ia.length} instructions against ${ib.length}`;
  for (let i = 0; i < ia.length; i++) {
    const [x, y] = [JSON.stringify(instrShape(ia[i]!)), JSON.stringify(instrShape(ib[i]!))];
    if (x !== y) return `instruction ${i}: ${x} against ${y}`;
  }
  const layout = (r: Bundle) => JSON.stringify(r.program.regions.map(({ name, addr, shape, dtype }) => ({ name, addr, shape, dtype })));
  if (layout(a) !== layout(b)) return 'the DRAM regions differ';
  const figures = (r: Bundle) => {
    const rep = simulate(r.program, hw, { dram: r.image, functional: false }).report;
    return JSON.stringify([rep.cycles, rep.dramReadBytes, rep.dramWriteBytes, rep.energy.totalJoules, rep.cycleBreakdown]);
  };
  const [fa, fb] = [figures(a), figures(b)];
  return fa === fb ? undefined : `figures ${fa} against ${fb}`;
}
