// Checkers are tested like code: for every lab, known-wrong solutions (the typical mistakes)
// must fail with a message that points at the mistake, and a correct solution written
// differently from the reference must pass. Every copy lives outside the repository (as a
// student's would) and imports dlpkit by package name. Checks whose correct run trains for
// a minute or more are in `npm run test:deep` (DLP_DEEP=1).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labs, type CheckResult } from '../../labs/index.js';
import { labFolder } from '../../labs/lib/load.js';
import { memoMeasure, QUESTIONS } from '../../labs/05-roofline/questions.js';
import { fixedHostTiming, LAB10_CPU_SECONDS } from './fixed-timing.js';
import { mutant, removeMutants, type Edits } from './mutants.js';

const deep = process.env['DLP_DEEP'] === '1';
const lab = (id: string) => labs.find((l) => l.id === id)!;
const timeHost = fixedHostTiming(LAB10_CPU_SECONDS);
const check = (id: string, dir: string) => lab(id).check({ dir, quick: true, timeHost });

afterAll(removeMutants);

function failures(r: CheckResult): string[] {
  return r.cases.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);
}

/** The check fails, and a failed case matching `name` says `says`. */
function expectMistake(r: CheckResult, name: RegExp, says: RegExp): void {
  expect(r.passed).toBe(false);
  const hit = r.cases.find((c) => !c.passed && name.test(c.name));
  expect(hit, failures(r).join('\n')).toBeDefined();
  expect(hit!.detail).toMatch(says);
}

function expectPass(r: CheckResult): void {
  expect(failures(r)).toEqual([]);
  expect(r.passed).toBe(true);
}

async function wrong(id: string, edits: Edits, name: RegExp, says: RegExp, opts: Parameters<typeof mutant>[2] = {}): Promise<void> {
  expectMistake(await check(id, mutant(lab(id).folder, edits, opts)), name, says);
}

describe('lab 01: wrong solutions fail, a different correct one passes', () => {
  const L = 'layers.ts';
  it('forgetting the bias', () => wrong('01', { [L]: [['    row.set(b);\n', '']] }, /dense forward/, /the bias is missing/));
  it('the weight gradient transposed', () => wrong('01', { [L]: [['dw[i * outF + j]! += xi * g;', 'dw[j * inF + i]! += xi * g;']] }, /dense backward dw/, /dw = xᵀ·dy, laid out \(in, out\)/));
  it("sigmoid's derivative taken at the output as if it were the input", () =>
    wrong('01', { [L]: [['g * y[i]! * (1 - y[i]!)', 'g * (1 / (1 + Math.exp(-y[i]!))) * (1 - 1 / (1 + Math.exp(-y[i]!)))']] }, /sigmoid backward/, /OUTPUT y = σ\(x\)/));
  it('−log p after subtracting the maximum underflows: the hint is log-sum-exp', () =>
    wrong('01', { [L]: [['loss -= row[labels[n]!]! - max - Math.log(sum);', 'loss -= Math.log(probs[n * classes + labels[n]!]!);']] }, /stability/, /log-sum-exp/));
  it('a correct solution written differently passes', async () => {
    const dir = mutant('01-forward-backward', {
      [L]: [
        ['      if (xi === 0) continue; // MNIST pixels and ReLU outputs are mostly zero\n', ''],
        ['for (let i = 0; i < param.length; i++) param[i]! -= lr * grad[i]!;', 'param.forEach((p, i) => { param[i] = p - lr * grad[i]!; });'],
      ],
    });
    expectPass(await check('01', dir));
  });
});

describe('lab 02: wrong settings fail before training', () => {
  const S = 'settings.ts';
  it('a loss other than softmax cross-entropy', () => wrong('02', { [S]: [["  activation: 'relu',", "  activation: 'relu',\n  loss: 'mse',"]] }, /settings/, /loss must be softmax-ce/));
  it('validating on the test set', () => wrong('02', { [S]: [['  l2: 1e-5,\n', '  l2: 1e-5,\n  validation: { x: new Float32Array(0), y: new Uint8Array(0), n: 0 } as never,\n']] }, /settings/, /never the test set/));
  it('a correct solution written differently passes (quick tiers)', async () => {
    const dir = mutant('02-mnist-98', { [S]: [['hidden: [256, 128]', 'hidden: [128, 64]'], ["  schedule: { kind: 'cosine' },\n", '']] });
    expectPass(await check('02', dir));
  });
});

describe('lab 03: wrong programs fail naming the mistake', () => {
  const D = 'dense.dlps';
  it('forgetting the bias', () => wrong('03', { [D]: [['bias=1', 'bias=0']] }, /simulate: random/, /the bias is missing/));
  it('forgetting the ReLU', () => wrong('03', { [D]: [['func=relu', 'func=identity']] }, /simulate: random/, /ReLU is missing/));
  it('forgetting to requantise', () => wrong('03', { [D]: [['mult=MULT, shift=SHIFT', 'mult=1, shift=0']] }, /simulate: small/, /not requantised/));
  it('a correct program written differently (loads in another order) passes', async () => {
    const src = readFileSync(join(labFolder('03-dlp-assembly'), 'solution', D), 'utf8');
    const lines = src.split('\n');
    const loadB = lines.findIndex((l) => l.includes('LOAD   dst=nram[BN]'));
    const [b] = lines.splice(loadB, 1);
    lines.splice(lines.findIndex((l) => l.includes('LOAD   dst=nram[XN]')), 0, b!);
    const dir = mutant('03-dlp-assembly', {}, { write: { [D]: lines.join('\n') } });
    expectPass(await check('03', dir));
  });
});

describe('lab 04: the plan given is the plan graded', () => {
  const plan = (p: object) => ({ write: { 'tiling.json': JSON.stringify(p) } });
  const base = { order: 'rows', m: 16, n: 32, k: 112, weights: 'tile', inputs: 'tile', biasResident: true, doubleBuffer: true };
  it('a 41× slower plan fails on cycles (not the compiler\'s schedule swapped in)', async () => {
    const r = await check('04', mutant('04-tiling', {}, plan({ ...base, m: 1, n: 8, biasResident: false, doubleBuffer: false })));
    expectMistake(r, /cycles within/, /× the compiler's cycles: look at DRAM read bytes/);
    expect(r.metrics['cycles']! / r.metrics['compilerCycles']!).toBeGreaterThan(30);
    // the answer is not shown before a pass
    expect(r.notes.join('\n')).not.toMatch(/the compiler chose/);
  });
  it('a plan that overflows the buffers', () => wrong('04', {}, /fits NRAM/, /overflow/, plan({ ...base, order: 'cols', weights: 'panel', k: 784, n: 16 })));
  it('weight panels in row order', () => wrong('04', {}, /valid plan/, /weights "panel" needs order "cols"/, plan({ ...base, weights: 'panel' })));
  it('a different plan within 1.10× passes, and then the compiler\'s choice is shown', async () => {
    const r = await check('04', mutant('04-tiling', {}, plan({ ...base, k: 56 })));
    expectPass(r);
    expect(r.notes.join('\n')).toMatch(/the compiler chose order=rows/);
  });
});

describe('lab 05: answers are data', () => {
  let cached: Record<string, number> | undefined;
  /** The right answers (the checker's own questions; measured once, memoised per process). */
  const rightAnswers = () => (cached ??= Object.fromEntries(QUESTIONS.map((q) => [q.id, q.answer(memoMeasure())])));
  const answers = (a: object) => ({ drop: ['answers.ts', 'sweep.ts'], write: { 'answers.json': JSON.stringify(a) } });
  it('the ridge point inverted (bytes per MAC)', async () => {
    const right = rightAnswers();
    const r = await check('05', mutant('05-roofline', {}, answers({ ...right, q4: 1 / right['q4']! })));
    expectMistake(r, /^q4:/, /is too small by/);
    expect(r.cases.find((c) => c.name.startsWith('q4'))!.expected).toMatch(/^hidden/);
  });
  it('an answers.ts (code that could import the checker) is not read', () =>
    wrong('05', {}, /answers/, /answers are handed in as data/, { drop: ['sweep.ts'] }));
  it('--reveal is refused to students', async () => {
    const right = rightAnswers();
    const r = await lab('05').check({ dir: mutant('05-roofline', {}, answers({ ...right, q1: 1 })), quick: true, reveal: true });
    expect(r.cases.find((c) => c.name.startsWith('q1'))!.expected).toMatch(/^hidden/);
    expect(r.notes.join('\n')).toMatch(/teachers only/);
  });
  it('answers within tolerance but not equal pass', async () => {
    const right = rightAnswers();
    const near = Object.fromEntries(QUESTIONS.map((q) => [q.id, right[q.id]! * (1 + q.tolerance / 2)]));
    expectPass(await check('05', mutant('05-roofline', {}, answers(near))));
  });
});

describe('lab 06: the quantisers are graded on ties and columns', () => {
  const Q = 'quant.ts';
  const noAnswers = { drop: ['answers.ts', 'compare.ts'] };
  it('Math.round instead of round half away from zero', () =>
    wrong('06', { [Q]: [['return Math.sign(v) * Math.floor(Math.abs(v) + 0.5);', 'return Math.round(v);']] }, /halfway between levels/, /exactly halfway between two levels: round half away from zero/, noAnswers));
  it('per-channel scales taken over rows instead of output columns', () =>
    wrong('06', { [Q]: [['max[j] = Math.max(max[j]!, Math.abs(w[i * outF + j]!))', 'max[j] = Math.max(max[j]!, Math.abs(w[j * inF + i]!))']] }, /per-channel 7×5/, /quantises wrongly .*scale = max\|w\| \/ 127 of its column/, noAnswers));
  it('importing the checker\'s spec quantiser is refused', () =>
    wrong('06', {}, /load quant.ts/, /questions\.ts, which belongs to the checker/, {
      ...noAnswers,
      write: { [Q]: `export { specFakeQuant } from '${join(labFolder('06-quantization'), 'questions.js')}';\n` },
    }));
  it.runIf(deep)('a correct solution written differently passes (deep: trains the experiment)', async () => {
    const { answers } = (await import('../../labs/06-quantization/solution/answers.js')) as { answers: () => Promise<object> };
    const dir = mutant('06-quantization', { [Q]: [['return Math.sign(v) * Math.floor(Math.abs(v) + 0.5);', 'return v < 0 ? -Math.round(-v) : Math.round(v);']] }, {
      drop: ['answers.ts', 'compare.ts'], write: { 'answers.json': JSON.stringify(await answers()) },
    });
    expectPass(await check('06', dir));
  }, 300_000);
});

describe('lab 08: k-fold mistakes are caught before cross-validating', () => {
  const E = 'experiment.ts';
  it('the last fold takes the remainder (kFold(11, 4) = 2, 2, 2, 5)', () =>
    wrong('08', {
      [E]: [
        ['const lo = Math.floor((f * n) / k);', 'const lo = f * Math.floor(n / k);'],
        ['const hi = Math.floor(((f + 1) * n) / k);', 'const hi = f === k - 1 ? n : (f + 1) * Math.floor(n / k);'],
      ],
    }, /kFold\(11, 4\)/, /spread the remainder/));
  it('data leakage: every fold also trains on its validation samples', () =>
    wrong('08', { [E]: [['splits.push({ train: rest, val: order.slice(lo, hi) });', 'splits.push({ train: order.slice(), val: order.slice(lo, hi) });']] }, /kFold\(10, 3\)/, /data leakage/));
  it.runIf(deep)('a correct solution written differently passes (deep: trains 20 folds)', async () => {
    const dir = mutant('08-overfitting-cv', {
      [E]: [[/export function kFold[\s\S]*?\n}\n/, `export function kFold(n: number, k: number, seed: number): Split[] {
  // round-robin over a shuffled order: fold f validates on positions f, f + k, f + 2k, …
  const order = createRng(seed).shuffle(Uint32Array.from({ length: n }, (_, i) => i));
  return Array.from({ length: k }, (_, f) => ({
    val: order.filter((_, p) => p % k === f),
    train: order.filter((_, p) => p % k !== f),
  }));
}
`]],
    });
    expectPass(await check('08', dir));
  }, 600_000);
});

describe('lab 09: the layers are checked before the program trains', () => {
  const L = 'layers.ts';
  it('forgetting the bias', () => wrong('09', { [L]: [['y[r * this.numOutput + j]! += this.bias[j]!;', 'void j;']] }, /FullyConnectedLayer.forward/, /the bias is missing/));
  it('the weight gradient transposed (topDiffᵀ·input)', () =>
    wrong('09', { [L]: [['matmulTransA(this.input, topDiff, numInput, batch, numOutput)', 'matmulTransA(topDiff, this.input, numOutput, batch, numInput)']] }, /backward/, /inputᵀ·topDiff, shape \(in, out\)/));
  it('the softmax gradient not divided by the batch', () => wrong('09', { [L]: [['for (let i = 0; i < d.length; i++) d[i]! /= this.batch;', '']] }, /SoftmaxLossLayer forward/, /divide by the batch size/));
  it('a program that saves nothing', async () => {
    const r = await check('09', mutant('09-mnist-mlp', { 'mlp.ts': [['mlp.saveModel(paramsPath());\nmlp.loadModel(paramsPath());\n', ''], ['readonly maxEpoch = 20', 'readonly maxEpoch = 1']] }));
    expectMistake(r, /trains and saves/, /no parameter file/);
  }, 120_000);
  it("a program that trains with the reference solution's layers is refused", () =>
    wrong('09', { 'mlp.ts': [["from './layers.js';", `from '${join(labFolder('09-mnist-mlp'), 'solution', 'layers.js')}';`]] }, /trains and saves/, /solution\/layers\.ts, which belongs to the checker/));
  it('a correct program written differently passes (plain loops, a smaller network)', async () => {
    const dir = mutant('09-mnist-mlp', {
      [L]: [['const y = matmul(input, this.weight, batch, this.numInput, this.numOutput);', `const y = new Float32Array(batch * this.numOutput);
    for (let r = 0; r < batch; r++) for (let i = 0; i < this.numInput; i++) {
      const v = input[r * this.numInput + i]!;
      if (v !== 0) for (let j = 0; j < this.numOutput; j++) y[r * this.numOutput + j]! += v * this.weight[i * this.numOutput + j]!;
    }`]],
      'mlp.ts': [['readonly hidden1 = 256, readonly hidden2 = 128', 'readonly hidden1 = 64, readonly hidden2 = 32'], ['readonly maxEpoch = 20', 'readonly maxEpoch = 6']],
    });
    const r = await check('09', dir);
    expectPass(r);
    expect(r.score!.points).toBeGreaterThanOrEqual(80);
  }, 300_000);
});

describe('lab 10: the port is graded on the device', () => {
  const I = 'infer.ts';
  it('loadParams with the FC layers counted alone (ids 1, 3, 5)', () =>
    wrong('10', { [I]: [['net.loadParams(0, w1.data', 'net.loadParams(1, w1.data'], ['net.loadParams(2, w2.data', 'net.loadParams(3, w2.data'], ['net.loadParams(4, w3.data', 'net.loadParams(5, w3.data']] }, /buildNet/, /layer has no parameters \(the MLP layers are 0, 2, 4\)/), 120_000);
  it('the weights transposed to (out, in)', () =>
    wrong('10', {
      [I]: [['net.loadParams(0, w1.data,', 'net.loadParams(0, Float32Array.from(w1.data, (_, i) => w1.data[(i % h1) * input + Math.floor(i / h1)]!),']],
    }, /the port computes/, /the weight layout \(in, out\)/), 120_000);
  it('softmax over the batch axis', () => wrong('10', { [I]: [["net.createSoftmaxLayer('softmax', [batch, 1, 1, out], 3);", "net.createSoftmaxLayer('softmax', [batch, 1, 1, out], 0);"]] }, /buildNet/, /axis 0 \(the batch\)/), 120_000);
  it('a correct port written differently passes (pycnnl-style weight shapes, a 2-D softmax shape)', async () => {
    const dir = mutant('10-dlp-inference', {
      [I]: [
        ['[1, 1, input, h1]', '[batch, 1, input, h1]'],
        ["net.createSoftmaxLayer('softmax', [batch, 1, 1, out], 3);", "net.createSoftmaxLayer('softmax', [batch, out], 1);"],
      ],
    });
    const r = await check('10', dir);
    expectPass(r);
    expect(r.metrics['speedup']).toBe(LAB10_CPU_SECONDS / r.metrics['dlpSeconds']!);
    expect(r.score!.points).toBe(100);
  }, 300_000);
  // One forward per image: each reloads all 235 KB of weights at 32 B/cycle, so 1000 images take
  // ≥ 1000 × 7.3 k cycles = 7.3 ms at 1 GHz, more than 1/50 of the 100 ms CPU forward. The last
  // forward alone (what lastReport shows) would look 1000 times faster.
  it('one forward() per image on a batch-1 net is timed by all its forwards and misses 1/50', () =>
    wrong('10', {
      [I]: [
        ['export function buildNet(batch: number, params', 'export function buildNet(_rows: number, params'],
        ['  const w1 = params', '  const batch = 1;\n  const w1 = params'],
        ['  net.setInputData(images);\n  net.forward();\n  return net.getOutputData();',
          '  const rows = images.length / 784, out = new Float32Array(rows * 10);\n'
          + '  for (let r = 0; r < rows; r++) {\n    net.setInputData(images.subarray(r * 784, (r + 1) * 784));\n    net.forward();\n    out.set(net.getOutputData(), r * 10);\n  }\n  return out;'],
      ],
    }, /speed-up/, /1000 forward\(\) calls.*one program for the whole batch: buildNet\(1000\) and a single forward\(\)/), 300_000);
  it('without injected timings the checker measures the host forward on this machine', async () => {
    const r = await lab('10').check({ dir: mutant('10-dlp-inference', {}), quick: true });
    const m = r.metrics;
    for (const k of ['cpuSeconds', 'simdCpuSeconds', 'dlpSeconds']) expect(m[k]).toBeGreaterThan(0);
    expect(m['cpuMinSeconds']).toBeLessThanOrEqual(m['cpuSeconds']!);
    expect(m['cpuMaxSeconds']).toBeGreaterThanOrEqual(m['cpuSeconds']!);
    expect(m['speedup']).toBe(m['cpuSeconds']! / m['dlpSeconds']!);
    expect(m['dlpForwards']).toBe(1);
    expect(r.notes.join('\n')).toMatch(/SIMD kernels takes [\d.]+ ms/);
  }, 300_000);
});
