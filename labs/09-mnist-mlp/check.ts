// Lab 09 checker (the book's first lab): the student's layer classes (layers.ts) against plain
// references — forward, backward, update, softmax loss — and then the student's whole training
// program (mlp.ts) run as its own process under a time limit. The program saves its parameters;
// the checker loads them and measures the test accuracy with its own forward pass, graded in the
// course's tiers: > 92 % → 80, > 95 % → 90, > 98 % → 100 points (passes at 92 %).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMnist } from '../../runtime/mnist.js';
import { LAB_ENV, loadParams, type ParamTensor } from '../kit.js';
import { labInfo } from '../lib/catalog.js';
import { loadStudentModule, refusedStaticImport, studentDir } from '../lib/load.js';
import { runCheckerMain } from '../lib/main.js';
import { randomArray, seededRandom } from '../lib/numeric.js';
import { CaseList, finishCheck, fmt, type CaseResult, type CheckOptions, type CheckResult } from '../lib/result.js';
import { runStudentProgram } from '../lib/run.js';
import { hostForward, type MlpParams } from './reference.js';

const INFO = labInfo('09');

export interface Tier { accuracy: number; points: number }
/** The course's grading, as its lab handout prints it. */
export const FULL_TIERS: Tier[] = [{ accuracy: 0.92, points: 80 }, { accuracy: 0.95, points: 90 }, { accuracy: 0.98, points: 100 }];
/** Quick mode (the project's tests): 3000 training and test images, so the bar is lowered and labelled. */
export const QUICK_TIERS: Tier[] = [{ accuracy: 0.8, points: 80 }, { accuracy: 0.85, points: 90 }, { accuracy: 0.9, points: 100 }];
export const QUICK_SUBSET = 3000;
/** Wall-clock limit for the student's program (seconds). */
export const TIME_LIMIT_S = { full: 1800, quick: 300 };

type F32 = Float32Array;
interface FcLike {
  weight: F32; bias: F32; dWeight: F32; dBias: F32;
  forward(x: F32, batch: number): F32; backward(dy: F32): F32; updateParam(lr: number): void; loadParam(w: F32, b: F32): void;
}
interface Lab09Layers {
  FullyConnectedLayer: new (i: number, o: number) => FcLike;
  ReLULayer: new () => { forward(x: F32): F32; backward(dy: F32): F32 };
  SoftmaxLossLayer: new () => { forward(x: F32, batch: number): F32; getLoss(label: Uint8Array): number; backward(): F32 };
}

const f32 = (v: ArrayLike<number>) => Float32Array.from(v);

/** First element where got and want differ by more than tol·(1 + |want|), or undefined. */
function firstOff(want: ArrayLike<number>, got: ArrayLike<number> | undefined, tol = 1e-4): { i: number; want: number; got: number } | undefined {
  if (!got || got.length !== want.length) return { i: -1, want: want.length, got: got ? got.length : NaN };
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) return { i, want: want[i]!, got: got[i]! };
  }
  return undefined;
}

function compareCase(what: string, want: ArrayLike<number>, got: ArrayLike<number> | undefined, hint: string, cols?: number): CaseResult {
  const off = firstOff(want, got);
  if (!off) return { name: '', passed: true, detail: `${what} matches the reference` };
  if (off.i < 0) return { name: '', passed: false, detail: `${what} has ${off.got} values, expected ${off.want} — ${hint}` };
  const at = cols ? `[${Math.floor(off.i / cols)}][${off.i % cols}]` : `[${off.i}]`;
  return { name: '', passed: false, detail: `${what}${at} is off — ${hint}`, expected: fmt(off.want, 7), got: fmt(off.got, 7) };
}

async function checkLayers(m: Lab09Layers, list: CaseList): Promise<void> {
  const rand = seededRandom(9);
  const B = 3, I = 5, O = 4;
  const x = f32(randomArray(rand, B * I)), w = f32(randomArray(rand, I * O)), b = f32(randomArray(rand, O, 0.5, 1.5));
  const dy = f32(randomArray(rand, B * O));
  const ref = hostForward.dense(x, w, b, B, I, O);
  const fcOf = () => {
    const fc = new m.FullyConnectedLayer(I, O);
    fc.loadParam(f32(w), f32(b));
    return fc;
  };
  await list.run('FullyConnectedLayer.forward (3×5 · 5×4 + b)', () => {
    const got = fcOf().forward(x, B);
    const noBias = hostForward.dense(x, w, new Float32Array(O), B, I, O);
    const hint = firstOff(noBias, got) ? 'y = x·W + b with W stored (in, out)' : 'the bias is missing: y = x·W + b';
    return compareCase('y', ref, got, hint, O);
  });
  // Reference gradients of L = Σ y·dy: dW = xᵀ·dy (in × out), db = Σ_rows dy, dx = dy·Wᵀ.
  const dW = new Float32Array(I * O), db = new Float32Array(O), dx = new Float32Array(B * I);
  for (let r = 0; r < B; r++) {
    for (let j = 0; j < O; j++) {
      db[j]! += dy[r * O + j]!;
      for (let i = 0; i < I; i++) {
        dW[i * O + j]! += x[r * I + i]! * dy[r * O + j]!;
        dx[r * I + i]! += dy[r * O + j]! * w[i * O + j]!;
      }
    }
  }
  await list.run('FullyConnectedLayer.backward: dWeight, dBias, bottom diff', () => {
    const fc = fcOf();
    fc.forward(x, B);
    const bottom = fc.backward(dy);
    const cw = compareCase('dWeight', dW, fc.dWeight, 'dWeight = inputᵀ·topDiff, shape (in, out) like the weights (not topDiffᵀ·input)', O);
    if (!cw.passed) return cw;
    const cb = compareCase('dBias', db, fc.dBias, 'dBias = the sum of topDiff over the batch rows');
    if (!cb.passed) return cb;
    return compareCase('bottom diff', dx, bottom, 'bottom diff = topDiff·Wᵀ, shape (batch, in)', I);
  });
  await list.run('FullyConnectedLayer.updateParam (lr 0.1)', () => {
    const fc = fcOf();
    fc.forward(x, B);
    fc.backward(dy);
    fc.updateParam(0.1);
    const cw = compareCase('weight', w.map((v, i) => v - 0.1 * dW[i]!), fc.weight, 'plain SGD: W −= lr·dWeight', O);
    return cw.passed ? compareCase('bias', b.map((v, j) => v - 0.1 * db[j]!), fc.bias, 'plain SGD: b −= lr·dBias') : cw;
  });
  const xr = f32(randomArray(rand, 12).map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v)));
  const dr = f32(randomArray(rand, 12));
  await list.run('ReLULayer forward and backward', () => {
    const relu = new m.ReLULayer();
    const y = relu.forward(xr);
    const cf = compareCase('relu(x)', xr.map((v) => Math.max(0, v)), y, 'max(0, x)');
    if (!cf.passed) return cf;
    return compareCase('bottom diff', dr.map((d, i) => (xr[i]! > 0 ? d : 0)), relu.backward(dr), 'pass topDiff where the input was positive, 0 elsewhere');
  });
  const z = f32(randomArray(rand, 4 * 5, -3, 3));
  const labels = Uint8Array.from([0, 4, 2, 2]);
  const p = hostForward.softmax(z, 4, 5);
  await list.run('SoftmaxLossLayer forward, loss and backward (batch 4)', () => {
    const sm = new m.SoftmaxLossLayer();
    const cp = compareCase('prob', p, sm.forward(z, 4), 'softmax of each row', 5);
    if (!cp.passed) return cp;
    let want = 0;
    for (let r = 0; r < 4; r++) want -= Math.log(p[r * 5 + labels[r]!]!) / 4;
    const loss = sm.getLoss(labels);
    if (!(Math.abs(loss - want) <= 1e-4 * (1 + want))) return { name: '', passed: false, detail: 'the loss is the mean cross-entropy over the batch: −(1/batch) Σ log p[label]', expected: fmt(want, 7), got: fmt(loss, 7) };
    const grad = Float32Array.from(p, (v, i) => (v - (labels[Math.floor(i / 5)] === i % 5 ? 1 : 0)) / 4);
    const got = sm.backward();
    const undivided = firstOff(grad.map((v) => v * 4), got) === undefined;
    return compareCase('bottom diff', grad, got, undivided ? 'divide by the batch size: the loss is a mean, so ∂loss/∂z = (prob − onehot) / batch' : '(prob − onehot(label)) / batch', 5);
  });
  await list.run('SoftmaxLossLayer with scores near 1000 (stability)', () => {
    const big = Float32Array.from([1000, 999, 990, 980, 1000.5, 0]);
    const got = new m.SoftmaxLossLayer().forward(big, 2);
    return compareCase('prob', hostForward.softmax(big, 2, 3), got, got?.every(Number.isFinite) ? 'softmax of each row' : 'exp(1000) overflows: subtract the row maximum before exp', 3);
  });
}

/** Names and shapes of the saved parameters: fc1..fc3 weights (in, out) and biases. */
function readSaved(file: string): { params: MlpParams; pixels: 'raw' | 'unit'; sizes: number[] } {
  const { params, pixels } = loadParams(file);
  const need = (name: string): ParamTensor => {
    const t = params[name];
    if (!t) throw new Error(`the saved parameters have no '${name}' (names: ${Object.keys(params).join(', ') || 'none'}; save fc1.weight, fc1.bias, …, fc3.bias)`);
    return t;
  };
  const sizes = [784];
  const layers: MlpParams = [];
  for (const l of [1, 2, 3]) {
    const w = need(`fc${l}.weight`), b = need(`fc${l}.bias`);
    if (w.shape.length !== 2 || w.shape[0] !== sizes[l - 1]) throw new Error(`fc${l}.weight has shape [${w.shape.join(', ')}], expected [${sizes[l - 1]}, out] (weights are stored (in, out))`);
    if (b.shape.length !== 1 || b.shape[0] !== w.shape[1]) throw new Error(`fc${l}.bias has shape [${b.shape.join(', ')}], expected [${w.shape[1]}]`);
    sizes.push(w.shape[1]!);
    layers.push({ w: w.data, b: b.data });
  }
  if (sizes[3] !== 10) throw new Error(`fc3 must have 10 outputs, got ${sizes[3]}`);
  return { params: layers, pixels, sizes };
}

export function gradeAccuracy(acc: number, tiers: Tier[]): { points: number; tier: string } {
  const met = tiers.filter((t) => acc > t.accuracy);
  const top = met[met.length - 1];
  return top
    ? { points: top.points, tier: `test accuracy > ${fmt(top.accuracy * 100)} %` }
    : { points: 0, tier: `test accuracy ≤ ${fmt(tiers[0]!.accuracy * 100)} %` };
}

export async function checkLab09(opts: CheckOptions = {}): Promise<CheckResult> {
  const started = performance.now();
  const dir = studentDir(INFO.folder, opts);
  const list = new CaseList();
  const tiers = opts.quick ? QUICK_TIERS : FULL_TIERS;
  let layers: Lab09Layers | undefined;
  await list.run('load layers.ts', async () => {
    const m = await loadStudentModule<Partial<Lab09Layers>>(dir, 'layers.ts');
    const missing = (['FullyConnectedLayer', 'ReLULayer', 'SoftmaxLossLayer'] as const).filter((k) => typeof m[k] !== 'function');
    if (missing.length) return { name: '', passed: false, detail: `missing exported classes: ${missing.join(', ')}` };
    layers = m as Lab09Layers;
    return { name: '', passed: true, detail: 'three layer classes exported' };
  });
  if (!layers) return finishCheck(INFO, dir, opts, list, started);
  await checkLayers(layers, list);
  if (!list.passed) {
    list.fail('mlp.ts: train and evaluate', 'not run yet: fix the layer cases above first (training on wrong gradients only wastes your time)');
    return finishCheck(INFO, dir, opts, list, started);
  }

  const tmp = mkdtempSync(join(tmpdir(), 'dlpkit-lab09-'));
  let score: CheckResult['score'];
  try {
    const file = join(tmp, 'params.safetensors');
    const limit = opts.quick ? TIME_LIMIT_S.quick : TIME_LIMIT_S.full;
    if (opts.quick) list.notes.push(`quick mode: your program gets ${QUICK_SUBSET} training and test images (DLP_LAB_SUBSET) and the tiers are lowered to ${QUICK_TIERS.map((t) => `${t.accuracy * 100} %`).join(' / ')}`);
    let saved: ReturnType<typeof readSaved> | undefined;
    await list.run(`mlp.ts trains and saves its parameters within ${limit} s`, async () => {
      const refused = refusedStaticImport(dir, 'mlp.ts');
      if (refused) return { name: '', passed: false, detail: refused };
      const env: Record<string, string> = { [LAB_ENV.params]: file, ...(opts.quick ? { [LAB_ENV.subset]: String(QUICK_SUBSET) } : {}) };
      const run = await runStudentProgram(join(dir, 'mlp.ts'), { env, timeoutSeconds: limit, ...(opts.log ? { log: opts.log } : {}) });
      list.metrics.programSeconds = run.seconds;
      const last = run.tail.slice(-3).join(' / ');
      if (run.timedOut) return { name: '', passed: false, detail: `stopped after ${limit} s: train for fewer epochs or use the kit's matmul kernels`, got: last };
      if (run.code !== 0) return { name: '', passed: false, detail: `mlp.ts exited with code ${run.code}`, got: last };
      try {
        saved = readSaved(file);
      } catch (e) {
        return { name: '', passed: false, detail: `${(e as Error).message} — saveModel must call saveParams(paramsPath(), …)` };
      }
      return { name: '', passed: true, detail: `784-${saved.sizes.slice(1, 3).join('-')}-10 trained in ${fmt(run.seconds, 3)} s` };
    });
    if (saved) {
      const s = saved;
      await list.run('test accuracy of the saved parameters (the checker\'s own forward pass)', () => {
        const mnist = loadMnist({ pixels: s.pixels, ...(opts.quick ? { subset: QUICK_SUBSET } : {}) });
        const acc = hostForward.accuracy(s.params, mnist.test.x, mnist.test.y as Uint8Array, mnist.test.n, s.sizes);
        list.metrics.testAccuracy = acc;
        const g = gradeAccuracy(acc, tiers);
        score = { points: g.points, of: 100, tier: g.tier };
        const table = tiers.map((t) => `> ${t.accuracy * 100} %: ${t.points}`).join(', ');
        const ok = g.points > 0;
        return {
          name: '', passed: ok,
          detail: ok ? `${fmt(acc * 100, 4)} % on ${mnist.test.n} test images: ${g.points} points (${table})` : `${fmt(acc * 100, 4)} % is below the first tier (${table}): more epochs, more hidden units, a better learning rate or initialisation`,
          expected: `> ${tiers[0]!.accuracy * 100} %`, got: `${fmt(acc * 100, 4)} %`,
        };
      });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return finishCheck(INFO, dir, opts, list, started, score ? { score } : {});
}

await runCheckerMain(import.meta.url, checkLab09);
