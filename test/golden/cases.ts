// The fixed set of compilations the golden test pins: models × presets × dtypes × schedules
// chosen to reach every pass (fusion into several segments, zero-tile skipping, per-channel
// scales, every activation, softmax, both MFU kinds, both schedules). Each case's bundle bytes
// (program.dlpb, program.dlps, image.bin, bundle.json) and simulated cycles were recorded by
// scripts/record-golden.ts before the timing engine and ACT arithmetic were unified, so a
// refactor that changes any output byte or cycle fails test/golden/golden.test.ts.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activation, ModelGraph, ModelWeights } from '../../compiler/model.js';
import { checkShapes } from '../../compiler/passes/shapes.js';
import { compile, type CompileOptions } from '../../compiler/pipeline.js';
import { BUNDLE_FILES, type Bundle } from '../../compiler/bundle.js';
import { writeBundle } from '../../compiler/bundle-files.js';
import { randomWeights } from '../../compiler/weights/random.js';
import { loadHardware } from '../../isa/node.js';
import { createRng } from '../../isa/rng.js';
import { simulate } from '../../simulator/index.js';

export interface GoldenCase {
  name: string;
  model: () => ModelGraph;
  /** Seeded weights; `prune` zeroes 16×16 blocks of the hidden layers. */
  prune?: number;
  hw: string;
  opts: CompileOptions;
  /** Calibration rows drawn from this seed (default: the compiler's default rows). */
  calibrate?: number;
}

export interface GoldenRecord {
  sha256: string;
  cycles: number;
  estimate: number;
}

function chain(name: string, inputSize: number, layers: [number, Activation][], softmax: boolean): ModelGraph {
  return checkShapes({
    name, inputSize, softmax,
    layers: layers.map(([units, activation], i) => ({ kind: 'dense' as const, name: `fc${i + 1}`, units, activation })),
  });
}

const relu: Activation = { kind: 'relu' };
const identity: Activation = { kind: 'identity' };
const mnist = () => chain('mnist', 784, [[128, relu], [64, relu], [10, identity]], true);
const allActs = () => chain('acts', 40, [
  [48, { kind: 'leaky', alpha: 0.1 }], [40, { kind: 'prelu' }], [24, { kind: 'elu', alpha: 1 }],
  [20, { kind: 'sigmoid' }], [16, { kind: 'tanh' }], [12, relu], [10, identity],
], false);
const deep = (layers: number) => () => chain(`deep${layers}`, 4, Array.from({ length: layers }, (_, i): [number, Activation] => [4, i === layers - 1 ? identity : relu]), false);
const sparse = () => chain('sparse', 256, [[256, relu], [192, relu], [10, identity]], true);
const gemm = () => chain('gemm', 512, [[384, identity]], false);

export const GOLDEN_CASES: GoldenCase[] = [
  { name: 'mnist/dlp-s/int8/tuned/b1', model: mnist, hw: 'dlp-s', opts: { dtype: 'int8' } },
  { name: 'mnist/dlp-s/int8/tuned/b8/perchannel', model: mnist, hw: 'dlp-s', opts: { dtype: 'int8', batch: 8, perChannel: true }, calibrate: 3 },
  { name: 'mnist/dlp-s/int16/tuned/b4', model: mnist, hw: 'dlp-s', opts: { dtype: 'int16', batch: 4 } },
  { name: 'mnist/dlp-s/fp32/tuned/b2', model: mnist, hw: 'dlp-s', opts: { dtype: 'fp32', batch: 2 } },
  { name: 'mnist/dlp-s/int8/naive/b1', model: mnist, hw: 'dlp-s', opts: { dtype: 'int8', schedule: 'naive' } },
  { name: 'mnist/edge-tiny/int8/tuned/b1', model: mnist, hw: 'edge-tiny', opts: { dtype: 'int8' } },
  { name: 'mnist/edge-tiny/int16/naive/b2', model: mnist, hw: 'edge-tiny', opts: { dtype: 'int16', batch: 2, schedule: 'naive' } },
  { name: 'mnist/systolic-32-ws/int8/tuned/b16', model: mnist, hw: 'systolic-32-ws', opts: { dtype: 'int8', batch: 16 } },
  { name: 'mnist/systolic-16-os/int8/tuned/b4', model: mnist, hw: 'systolic-16-os', opts: { dtype: 'int8', batch: 4 } },
  { name: 'mnist/diannao/int16/tuned/b1', model: mnist, hw: 'diannao', opts: { dtype: 'int16' } },
  { name: 'acts/dlp-s/int8/tuned/b4', model: allActs, hw: 'dlp-s', opts: { dtype: 'int8', batch: 4 }, calibrate: 5 },
  { name: 'acts/dlp-s/int16/tuned/b1', model: allActs, hw: 'dlp-s', opts: { dtype: 'int16' } },
  { name: 'acts/dlp-s/fp32/naive/b2', model: allActs, hw: 'dlp-s', opts: { dtype: 'fp32', batch: 2, schedule: 'naive' } },
  { name: 'acts/systolic-16-os/int8/naive/b1/perchannel', model: allActs, hw: 'systolic-16-os', opts: { dtype: 'int8', perChannel: true, schedule: 'naive' } },
  { name: 'acts/edge-tiny/fp32/tuned/b3', model: allActs, hw: 'edge-tiny', opts: { dtype: 'fp32', batch: 3 } },
  { name: 'deep24/dlp-s/int8/tuned/b1', model: deep(24), hw: 'dlp-s', opts: { dtype: 'int8' } },
  { name: 'deep24/edge-tiny/int8/tuned/b4', model: deep(24), hw: 'edge-tiny', opts: { dtype: 'int8', batch: 4 } },
  { name: 'deep24/systolic-32-ws/int16/tuned/b2', model: deep(24), hw: 'systolic-32-ws', opts: { dtype: 'int16', batch: 2 } },
  { name: 'deep12/dlp-s/fp32/naive/b1', model: deep(12), hw: 'dlp-s', opts: { dtype: 'fp32', schedule: 'naive' } },
  { name: 'sparse/dlp-s/int8/tuned/b1', model: sparse, prune: 0.9, hw: 'dlp-s', opts: { dtype: 'int8' } },
  { name: 'sparse/dlp-s/int8/tuned/b8', model: sparse, prune: 0.9, hw: 'dlp-s', opts: { dtype: 'int8', batch: 8 } },
  { name: 'sparse/dlp-s/int8/naive/b1', model: sparse, prune: 0.9, hw: 'dlp-s', opts: { dtype: 'int8', schedule: 'naive' } },
  { name: 'sparse/systolic-32-ws/int16/tuned/b4', model: sparse, prune: 0.75, hw: 'systolic-32-ws', opts: { dtype: 'int16', batch: 4 } },
  { name: 'sparse/edge-tiny/int8/tuned/b2/dense', model: sparse, prune: 0.9, hw: 'edge-tiny', opts: { dtype: 'int8', batch: 2, skipZeroTiles: false } },
  { name: 'gemm/dlp-s/int8/tuned/b16', model: gemm, hw: 'dlp-s', opts: { dtype: 'int8', batch: 16 } },
  { name: 'gemm/systolic-32-ws/int8/tuned/b32', model: gemm, hw: 'systolic-32-ws', opts: { dtype: 'int8', batch: 32 } },
  { name: 'gemm/systolic-16-os/fp32/tuned/b8', model: gemm, hw: 'systolic-16-os', opts: { dtype: 'fp32', batch: 8 } },
  { name: 'gemm/diannao/int8/naive/b4', model: gemm, hw: 'diannao', opts: { dtype: 'int8', batch: 4, schedule: 'naive' } },
];

/** Seeded weights with nonzero biases and PReLU slopes; `prune` zeroes that fraction of the
 * 16×16 blocks of every layer but the last (every other block first, then the rest in order). */
function caseWeights(model: ModelGraph, prune?: number): ModelWeights {
  const w = randomWeights(model, 7);
  const rng = createRng(11);
  for (const lw of w) {
    for (let i = 0; i < lw.b.length; i++) lw.b[i] = (rng() - 0.5) * 0.4;
    if (lw.slopes) for (let i = 0; i < lw.slopes.length; i++) lw.slopes[i] = rng() * 0.5 - 0.1;
  }
  if (prune === undefined) return w;
  let inputs = model.inputSize;
  model.layers.forEach((L, l) => {
    const rows = inputs;
    inputs = L.units;
    if (l === model.layers.length - 1) return;
    const br = Math.ceil(rows / 16);
    const bc = Math.ceil(L.units / 16);
    const blocks = br * bc;
    for (let b = 0; b < blocks; b++) {
      // A block is zeroed when its rank in a fixed scrambled order falls below the fraction.
      if (((b * 7919) % blocks) / blocks >= prune) continue;
      const r0 = Math.floor(b / bc) * 16;
      const c0 = (b % bc) * 16;
      for (let r = r0; r < Math.min(rows, r0 + 16); r++) for (let c = c0; c < Math.min(L.units, c0 + 16); c++) w[l]!.w[r * L.units + c] = 0;
    }
  });
  return w;
}

/** Compiles a case. */
export function compileGoldenCase(c: GoldenCase): Bundle {
  const model = c.model();
  const weights = caseWeights(model, c.prune);
  const opts: CompileOptions = { ...c.opts };
  if (c.calibrate !== undefined) {
    const rng = createRng(c.calibrate);
    opts.calibration = Float32Array.from({ length: 16 * model.inputSize }, () => rng() * 2 - 1);
  }
  return compile(model, weights, loadHardware(c.hw), opts);
}

/** Compiles a case, hashes its bundle files and simulates it (timing only). */
export function runGoldenCase(c: GoldenCase): GoldenRecord {
  const hw = loadHardware(c.hw);
  const bundle = compileGoldenCase(c);
  const dir = mkdtempSync(join(tmpdir(), 'dlp-golden-'));
  const hash = createHash('sha256');
  try {
    const out = join(dir, 'b');
    writeBundle(out, bundle);
    for (const f of [BUNDLE_FILES.binary, BUNDLE_FILES.text, BUNDLE_FILES.image, BUNDLE_FILES.meta]) hash.update(readFileSync(join(out, f)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const cycles = simulate(bundle.program, hw, { functional: false }).report.cycles;
  return { sha256: hash.digest('hex'), cycles, estimate: bundle.estimate.cycles };
}
