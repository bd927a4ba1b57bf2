// The models the benchmarks compile: MLP chains built in code (no file lookup, so the bench
// runs the same from the sources and from dist/), compiled with seeded random weights.
import type { HardwareConfig } from '../isa/hardware.js';
import type { ModelGraph } from '../compiler/model.js';
import { checkShapes } from '../compiler/passes/shapes.js';
import { compile } from '../compiler/pipeline.js';
import { randomWeights } from '../compiler/weights/random.js';
import type { Bundle } from '../compiler/bundle.js';
import type { ComputeDType } from '../compiler/passes/quantize.js';

/** The MNIST MLP of every issue: 784-128-64-10, ReLU, softmax. */
export const MNIST_WIDTHS = [784, 128, 64, 10] as const;

/** A dense chain with ReLU between layers; `softmax` closes it like the MNIST model. */
export function buildMlpGraph(name: string, widths: readonly number[], softmax: boolean, lastActivation: 'identity' | 'relu' = 'identity'): ModelGraph {
  return checkShapes({
    name,
    inputSize: widths[0]!,
    layers: widths.slice(1).map((units, i) => ({
      kind: 'dense' as const, name: `fc${i + 1}`, units,
      activation: { kind: i < widths.length - 2 ? 'relu' as const : lastActivation },
    })),
    softmax,
  });
}

export function mnistGraph(): ModelGraph {
  return buildMlpGraph('mnist', MNIST_WIDTHS, true);
}

/** A single GEMM m×k×n as one dense layer (batch m, K = k, N = n, no activation). */
export function gemmGraph(k: number, n: number): ModelGraph {
  return buildMlpGraph(`gemm-${k}x${n}`, [k, n], false);
}

export function compileBench(model: ModelGraph, hw: HardwareConfig, batch: number, dtype: ComputeDType = 'int8', schedule: 'tuned' | 'naive' = 'tuned'): Bundle {
  return compile(model, randomWeights(model, 1), hw, { batch, dtype, schedule });
}

/** MACs of one row through a chain of widths. */
export function macsPerRow(widths: readonly number[]): number {
  let m = 0;
  for (let i = 1; i < widths.length; i++) m += widths[i - 1]! * widths[i]!;
  return m;
}
