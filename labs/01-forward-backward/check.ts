// Lab 01 checker: the student's forward passes against plain references, every backward pass
// against central finite differences (relative error < 1e-6 in double precision), a two-layer
// network's gradient end to end, and the chapter's worked back-propagation example.
import { labInfo } from '../lib/catalog.js';
import { loadStudentModule, studentDir } from '../lib/load.js';
import { runCheckerMain } from '../lib/main.js';
import { compareArrays, describeMismatch, randomArray, relativeError, seededRandom } from '../lib/numeric.js';
import { CaseList, finishCheck, fmt, type CaseResult, type CheckOptions, type CheckResult } from '../lib/result.js';

const INFO = labInfo('01');
type F64 = Float64Array;
interface Lab01Module {
  denseForward(x: F64, w: F64, b: F64, batch: number): F64;
  denseBackward(x: F64, w: F64, dy: F64, batch: number): { dx: F64; dw: F64; db: F64 };
  reluForward(x: F64): F64;
  reluBackward(x: F64, dy: F64): F64;
  sigmoidForward(x: F64): F64;
  sigmoidBackward(y: F64, dy: F64): F64;
  softmaxCrossEntropy(logits: F64, labels: Int32Array, batch: number): { loss: number; probs: F64; dLogits: F64 };
  mseLoss(pred: F64, target: F64, batch: number): { loss: number; dPred: F64 };
  sgdUpdate(param: F64, grad: F64, lr: number): void;
}
const EXPORTS: (keyof Lab01Module)[] = [
  'denseForward', 'denseBackward', 'reluForward', 'reluBackward', 'sigmoidForward',
  'sigmoidBackward', 'softmaxCrossEntropy', 'mseLoss', 'sgdUpdate',
];
const FD_STEP = 1e-5;
const FD_TOL = 1e-6;

// ---- plain references (written for clarity, not speed) -------------------------------------

function refDense(x: F64, w: F64, b: F64, batch: number): F64 {
  const inF = x.length / batch, outF = b.length;
  const y = new Float64Array(batch * outF);
  for (let n = 0; n < batch; n++)
    for (let j = 0; j < outF; j++) {
      let s = b[j]!;
      for (let i = 0; i < inF; i++) s += x[n * inF + i]! * w[i * outF + j]!;
      y[n * outF + j] = s;
    }
  return y;
}

function refSoftmaxCe(z: F64, labels: Int32Array, batch: number): { loss: number; probs: F64 } {
  const c = z.length / batch;
  const probs = new Float64Array(z.length);
  let loss = 0;
  for (let n = 0; n < batch; n++) {
    let max = -Infinity;
    for (let k = 0; k < c; k++) max = Math.max(max, z[n * c + k]!);
    let sum = 0;
    for (let k = 0; k < c; k++) sum += Math.exp(z[n * c + k]! - max);
    for (let k = 0; k < c; k++) probs[n * c + k] = Math.exp(z[n * c + k]! - max) / sum;
    loss -= z[n * c + labels[n]!]! - max - Math.log(sum);
  }
  return { loss: loss / batch, probs };
}

// ---- gradient checking ----------------------------------------------------------------------

/** Central differences of a scalar function with respect to every element of `param`. */
function numericGradient(param: F64, loss: () => number): F64 {
  const g = new Float64Array(param.length);
  for (let i = 0; i < param.length; i++) {
    const old = param[i]!;
    param[i] = old + FD_STEP;
    const up = loss();
    param[i] = old - FD_STEP;
    const down = loss();
    param[i] = old;
    g[i] = (up - down) / (2 * FD_STEP);
  }
  return g;
}

/** Compares an analytic gradient with finite differences; the case names the worst element
 * and, on failure, adds `hint` (what the gradient must be). */
function gradientCase(what: string, analytic: F64 | undefined, numeric: F64, hint = ''): CaseResult {
  if (!analytic || analytic.length !== numeric.length) {
    return { name: '', passed: false, detail: `${what} has length ${analytic?.length}, expected ${numeric.length}` };
  }
  let worst = 0, at = 0;
  for (let i = 0; i < numeric.length; i++) {
    const e = Number.isNaN(analytic[i]!) ? Infinity : relativeError(analytic[i]!, numeric[i]!);
    if (e > worst) { worst = e; at = i; }
  }
  const passed = worst < FD_TOL;
  return {
    name: '',
    passed,
    detail: passed
      ? `matches finite differences (max relative error ${worst.toExponential(1)})`
      : `${what}[${at}] disagrees with finite differences: relative error ${worst.toExponential(2)} (limit ${FD_TOL})${hint ? ` — ${hint}` : ''}`,
    expected: fmt(numeric[at]!, 8),
    got: fmt(analytic[at]!, 8),
  };
}

function sumWeighted(y: F64, r: F64): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]! * r[i]!;
  return s;
}

function arrayCase(what: string, expected: F64, got: F64 | undefined, shape?: [number, number]): CaseResult {
  const m = compareArrays(expected, got, 1e-9, 1e-9);
  return { name: '', passed: m.ok, detail: m.ok ? `${what} matches the reference` : describeMismatch(m, what, shape) };
}

// ---- the cases ------------------------------------------------------------------------------

async function checkLayers(s: Lab01Module, list: CaseList): Promise<void> {
  const rand = seededRandom(1);
  const batch = 3, inF = 5, outF = 4;
  const x = randomArray(rand, batch * inF), w = randomArray(rand, inF * outF), b = randomArray(rand, outF);
  const r = randomArray(rand, batch * outF);

  await list.run('dense forward (3×5 · 5×4 + b)', () => {
    const got = s.denseForward(x, w, b, batch);
    const c = arrayCase('y', refDense(x, w, b, batch), got, [batch, outF]);
    const noBias = compareArrays(refDense(x, w, new Float64Array(outF), batch), got, 1e-9, 1e-9).ok;
    return !c.passed && noBias ? { ...c, detail: `${c.detail} — the bias is missing: y = x·w + b` } : c;
  });
  const hints = {
    dx: 'dx = dy·wᵀ (batch × in)',
    dw: 'dw = xᵀ·dy, laid out (in, out) like w: dw[i·out + j] = Σ_rows x[n][i]·dy[n][j]',
    db: 'db = Σ over the batch rows of dy',
  };
  for (const [part, param] of [['dx', x], ['dw', w], ['db', b]] as const) {
    await list.run(`dense backward ${part}`, () => {
      const grads = s.denseBackward(x, w, r, batch);
      const numeric = numericGradient(param, () => sumWeighted(refDense(x, w, b, batch), r));
      return gradientCase(part, grads[part], numeric, hints[part]);
    });
  }

  // keep ReLU inputs away from the kink so finite differences are meaningful there
  const xr = randomArray(rand, 12).map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v));
  const rr = randomArray(rand, 12);
  await list.run('relu forward', () => arrayCase('relu(x)', xr.map((v) => Math.max(0, v)), s.reluForward(xr)));
  await list.run('relu backward', () =>
    gradientCase('dx', s.reluBackward(xr, rr), numericGradient(xr, () => sumWeighted(xr.map((v) => Math.max(0, v)), rr))));

  const sig = (v: F64) => v.map((t) => 1 / (1 + Math.exp(-t)));
  await list.run('sigmoid forward', () => arrayCase('σ(x)', sig(xr), s.sigmoidForward(xr)));
  await list.run('sigmoid backward (from the output y)', () =>
    gradientCase('dx', s.sigmoidBackward(sig(xr), rr), numericGradient(xr, () => sumWeighted(sig(xr), rr)),
      "the argument is the layer's OUTPUT y = σ(x): σ'(x) = y(1 − y), not σ(y)(1 − σ(y))"));

  const z = randomArray(rand, 4 * 5, -3, 3);
  const labels = Int32Array.from([0, 4, 2, 2]);
  await list.run('softmax-CE loss (batch 4, 5 classes)', () => {
    const ref = refSoftmaxCe(z, labels, 4);
    const got = s.softmaxCrossEntropy(z, labels, 4);
    const probs = arrayCase('probs', ref.probs, got.probs, [4, 5]);
    if (!probs.passed) return probs;
    const ok = Math.abs(ref.loss - got.loss) < 1e-9;
    return { name: '', passed: ok, detail: ok ? 'loss and probabilities match' : 'mean cross-entropy over the batch is off', expected: fmt(ref.loss, 9), got: fmt(got.loss, 9) };
  });
  await list.run('softmax-CE gradient', () =>
    gradientCase('dLogits', s.softmaxCrossEntropy(z, labels, 4).dLogits, numericGradient(z, () => refSoftmaxCe(z, labels, 4).loss)));
  await list.run('softmax-CE with logits near 1000 (stability)', () => {
    const big = Float64Array.from([1000, 999, 990, 1000.5, -1000, 0]);
    const got = s.softmaxCrossEntropy(big, Int32Array.from([1, 1]), 2);
    const ref = refSoftmaxCe(big, Int32Array.from([1, 1]), 2);
    const ok = Number.isFinite(got.loss) && Math.abs(got.loss - ref.loss) < 1e-9 && got.probs.every(Number.isFinite);
    // Row 2's label has p = e^−2000.5 / Σ, which underflows to 0 even after the max is subtracted.
    const why = !got.probs.every(Number.isFinite) || Number.isNaN(got.loss)
      ? 'overflow: exp(1000) is Infinity — subtract the row maximum before exp'
      : Number.isFinite(got.loss) ? 'the loss is finite but wrong for large logits' : 'a label probability underflows to 0 (row 2: p = e^−2000), so −log p is Infinity: compute log p[label] = z[label] − max − log Σ exp(z − max) (log-sum-exp) instead of taking the log of p';
    return { name: '', passed: ok, detail: ok ? 'finite and correct' : why, expected: fmt(ref.loss, 9), got: fmt(got.loss, 9) };
  });

  const pred = randomArray(rand, 6), target = randomArray(rand, 6);
  const refMse = () => pred.reduce((a, p, i) => a + (target[i]! - p) ** 2, 0) / (2 * 2);
  await list.run('mse loss (batch 2)', () => {
    const got = s.mseLoss(pred, target, 2).loss;
    const ok = Math.abs(got - refMse()) < 1e-12;
    return { name: '', passed: ok, detail: ok ? 'L = Σ(y − ŷ)² / (2·batch)' : 'L must be Σ(target − pred)² / (2·batch)', expected: fmt(refMse(), 9), got: fmt(got, 9) };
  });
  await list.run('mse gradient', () => gradientCase('dPred', s.mseLoss(pred, target, 2).dPred, numericGradient(pred, refMse)));

  await list.run('sgd update', () => {
    const p = Float64Array.from([1, 2, 3]);
    s.sgdUpdate(p, Float64Array.from([0.5, -1, 0]), 0.1);
    return arrayCase('param', Float64Array.from([0.95, 2.1, 3]), p);
  });
}

/** x → dense → ReLU → dense → softmax-CE with the student's own functions, checked end to end. */
async function checkNetwork(s: Lab01Module, list: CaseList): Promise<void> {
  const rand = seededRandom(7);
  const batch = 4, d0 = 6, d1 = 5, d2 = 3;
  const x = randomArray(rand, batch * d0), w1 = randomArray(rand, d0 * d1), b1 = randomArray(rand, d1);
  const w2 = randomArray(rand, d1 * d2), b2 = randomArray(rand, d2);
  const labels = Int32Array.from([0, 2, 1, 2]);
  const forward = () => {
    const v = s.denseForward(x, w1, b1, batch);
    const h = s.reluForward(v);
    const zz = s.denseForward(h, w2, b2, batch);
    return { v, h, out: s.softmaxCrossEntropy(zz, labels, batch) };
  };
  for (const [name, param] of [['W1', w1], ['b1', b1], ['W2', w2]] as const) {
    await list.run(`two-layer network: ∂L/∂${name}`, () => {
      const { v, h, out } = forward();
      const g2 = s.denseBackward(h, w2, out.dLogits, batch);
      const g1 = s.denseBackward(x, w1, s.reluBackward(v, g2.dx), batch);
      const analytic = name === 'W1' ? g1.dw : name === 'b1' ? g1.db : g2.dw;
      return gradientCase(name, analytic, numericGradient(param, () => forward().out.loss));
    });
  }
}

/** The chapter's worked example (sigmoid everywhere, MSE), to 4 decimals. */
async function checkWorkedExample(s: Lab01Module, list: CaseList): Promise<void> {
  const x = Float64Array.from([0.02, 0.04, 0.01]);
  const w1 = Float64Array.from([0.25, 0.15, 0.3, 0.25, 0.2, 0.35, 0.1, 0.25, 0.15]);
  const b1 = Float64Array.from([0.4, 0.4, 0.4]);
  const w2 = Float64Array.from([0.4, 0.25, 0.35, 0.3, 0.01, 0.35]);
  const b2 = Float64Array.from([0.7, 0.7]);
  const y = Float64Array.from([0.9, 0.5]);
  const four = (v: ArrayLike<number>) => `[${Array.from(v, (t) => t.toFixed(4)).join(', ')}]`;
  const expectValues = (what: string, expected: string, got: ArrayLike<number>): CaseResult => {
    const ok = four(got) === expected;
    return { name: '', passed: ok, detail: ok ? `${what} = ${expected}` : `${what} differs from the chapter (to 4 decimals)`, expected, got: four(got) };
  };
  await list.run('worked example: h = σ(W1ᵀx + b1)', () =>
    expectValues('h', '[0.6025, 0.6019, 0.6038]', s.sigmoidForward(s.denseForward(x, w1, b1, 1))));
  await list.run('worked example: ŷ = σ(W2ᵀh + b2)', () => {
    const h = s.sigmoidForward(s.denseForward(x, w1, b1, 1));
    return expectValues('ŷ', '[0.7609, 0.7760]', s.sigmoidForward(s.denseForward(h, w2, b2, 1)));
  });
  await list.run('worked example: L, ∂L/∂w2[2,1] and the update', () => {
    const h = s.sigmoidForward(s.denseForward(x, w1, b1, 1));
    const yHat = s.sigmoidForward(s.denseForward(h, w2, b2, 1));
    const { loss, dPred } = s.mseLoss(yHat, y, 1);
    const g = s.denseBackward(h, w2, s.sigmoidBackward(yHat, dPred), 1);
    const w2new = Float64Array.from(w2);
    s.sgdUpdate(w2new, g.dw, 1);
    // w2[2,1] in the chapter's 1-based (input, output) indexing is w2[1 * 2 + 0] here.
    const got = `L=${loss.toFixed(4)}, dw=${g.dw[2]!.toFixed(4)}, w'=${w2new[2]!.toFixed(4)}`;
    const expected = 'L=0.0478, dw=-0.0152, w\'=0.3652';
    const ok = got === expected;
    return { name: '', passed: ok, detail: ok ? 'reproduces the chapter' : 'loss, gradient or update differs from the chapter', expected, got };
  });
}

export async function checkLab01(opts: CheckOptions = {}): Promise<CheckResult> {
  const started = performance.now();
  const dir = studentDir(INFO.folder, opts);
  const list = new CaseList();
  let mod: Lab01Module | undefined;
  await list.run('load layers.ts', async () => {
    const m = await loadStudentModule<Partial<Lab01Module>>(dir, 'layers.ts');
    const missing = EXPORTS.filter((k) => typeof m[k] !== 'function');
    if (missing.length) return { name: '', passed: false, detail: `missing exports: ${missing.join(', ')}` };
    mod = m as Lab01Module;
    return { name: '', passed: true, detail: 'all nine functions exported' };
  });
  if (mod) {
    await checkLayers(mod, list);
    await checkNetwork(mod, list);
    await checkWorkedExample(mod, list);
  }
  return finishCheck(INFO, dir, opts, list, started);
}

await runCheckerMain(import.meta.url, checkLab01);
