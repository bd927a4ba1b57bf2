// Lab 10 checker (the book's second lab): the student's port of the course's pycnnl program to
// CnnlNet (infer.ts: buildNet + inference) runs the lab 09 network on the simulated DLP. Graded
// as the course grades it: the on-device test accuracy must reach 98 %, and the DLP forward time
// (simulated cycles / clock, summed over every forward() inference makes) against the CPU
// forward time gives the points: ≤ 1/50 → 80, ≤ 1/200 → 100.
// The CPU forward is the checker's host forward pass on the portable kernels (plain TypeScript,
// one thread, no SIMD), timed as `dlp mnist` times it (cli/report/host-timing.ts: warm-ups, then
// the median process CPU time). Why not the SIMD kernels: dlp-s peaks at 1024 MACs per cycle, and
// this machine's SIMD forward runs about 1/50 of that, so against it no port could reach 1/200 and
// 1/50 would grade the machine, not the port (README, "How it is graded").
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CnnlNet } from '../../runtime/offload/cnnl-net.js';
import { createMlp } from '../../runtime/model.js';
import { loadMnist } from '../../runtime/mnist.js';
import { train } from '../../runtime/train.js';
import { loadParams, saveParams, type ParamTensor } from '../kit.js';
import { labInfo } from '../lib/catalog.js';
import { loadStudentModule, studentDir } from '../lib/load.js';
import { runCheckerMain } from '../lib/main.js';
import { CaseList, describeError, finishCheck, fmt, type CheckOptions, type CheckResult } from '../lib/result.js';
import { gradeSpeedup, HOST_TIMED_RUNS, HOST_WARMUP_RUNS, SPEEDUP_THRESHOLDS, timeHostCpu, type HostTiming } from '../../cli/report/host-timing.js';
import { hostForward, type MlpParams } from '../09-mnist-mlp/reference.js';

const INFO = labInfo('10');
/** The student's lab 09 parameters, copied into the lab 10 folder. */
export const PARAMS_FILE = 'mlp-params.safetensors';
/** The course: batch 10000 (the whole test set), accuracy ≥ 98 %. */
export const FULL = { batch: 10000, accuracy: 0.98 };
/** Quick mode (the project's tests): 1000 test images, parameters trained on 6000 images. */
export const QUICK = { batch: 1000, accuracy: 0.85, trainSubset: 6000 };
/** CPU time / DLP time needed for 80 and 100 points (the course's, shared with `dlp mnist`). */
export const SPEEDUP_TIERS = [{ speedup: SPEEDUP_THRESHOLDS[0], points: 80 }, { speedup: SPEEDUP_THRESHOLDS[1], points: 100 }];
/** The port must agree with the host forward pass of the same parameters on this share of images. */
export const AGREEMENT = 0.98;

interface Lab10Module {
  buildNet(batch: number, params: Record<string, ParamTensor>): CnnlNet;
  inference(net: CnnlNet, images: Float32Array): Float32Array;
}

/** The checker's own parameters when the student has none yet (cached in the temp folder). */
async function referenceParams(quick: boolean): Promise<{ params: Record<string, ParamTensor>; pixels: 'raw' | 'unit' }> {
  const dir = join(tmpdir(), 'dlpkit-lab10');
  const file = join(dir, `reference-${quick ? 'quick' : 'full'}-v2.safetensors`);
  if (existsSync(file)) return loadParams(file);
  const mnist = loadMnist(quick ? { subset: QUICK.trainSubset } : {});
  // lab 02's reference settings (≥ 98 % on the host in ten epochs)
  const sizes = [784, 256, 128, 10];
  const model = createMlp({ inputSize: 784, hidden: [256, 128], outputs: 10, activation: 'relu', init: 'he', dropout: 0.1, seed: 10 });
  await train(model, mnist.train, { epochs: quick ? 3 : 10, batchSize: 100, lr: 0.002, optimizer: 'adam', schedule: { kind: 'cosine' }, l2: 1e-5, seed: 10 });
  const { weights } = model.toGraph();
  const params: Record<string, ParamTensor> = {};
  weights.forEach((l, i) => {
    params[`fc${i + 1}.weight`] = { shape: [sizes[i]!, sizes[i + 1]!], data: l.w };
    params[`fc${i + 1}.bias`] = { shape: [sizes[i + 1]!], data: l.b };
  });
  mkdirSync(dir, { recursive: true });
  saveParams(file, params, 'unit');
  return { params, pixels: 'unit' };
}

function asMlp(p: Record<string, ParamTensor>): { layers: MlpParams; sizes: number[] } {
  const layers: MlpParams = [];
  const sizes = [784];
  for (const l of [1, 2, 3]) {
    const w = p[`fc${l}.weight`], b = p[`fc${l}.bias`];
    if (!w || !b || w.shape[0] !== sizes[l - 1]) throw new Error(`${PARAMS_FILE} must hold fc1..fc3 weights (in, out) and biases, as lab 09 saves them`);
    sizes.push(w.shape[1]!);
    layers.push({ w: w.data, b: b.data });
  }
  return { layers, sizes };
}


export async function checkLab10(opts: CheckOptions = {}): Promise<CheckResult> {
  const started = performance.now();
  const dir = studentDir(INFO.folder, opts);
  const list = new CaseList();
  const cfg = opts.quick ? QUICK : FULL;
  let m: Lab10Module | undefined;
  await list.run('load infer.ts', async () => {
    const mod = await loadStudentModule<Partial<Lab10Module>>(dir, 'infer.ts');
    const missing = (['buildNet', 'inference'] as const).filter((k) => typeof mod[k] !== 'function');
    if (missing.length) return { name: '', passed: false, detail: `missing exports: ${missing.join(', ')}` };
    m = mod as Lab10Module;
    return { name: '', passed: true, detail: 'buildNet and inference exported' };
  });
  if (!m) return finishCheck(INFO, dir, opts, list, started);
  const student = m;

  let saved: { params: Record<string, ParamTensor>; pixels: 'raw' | 'unit' } | undefined;
  await list.run(`parameters (${PARAMS_FILE})`, async () => {
    if (existsSync(join(dir, PARAMS_FILE))) {
      saved = loadParams(join(dir, PARAMS_FILE));
      asMlp(saved.params);
      return { name: '', passed: true, detail: `your lab 09 parameters (${saved.pixels} pixels)` };
    }
    if (!opts.quick && !opts.solution) {
      return { name: '', passed: false, detail: `no ${PARAMS_FILE} in ${dir}: copy the file your lab 09 program saved (dlp lab run mlp.ts writes it) next to infer.ts` };
    }
    saved = await referenceParams(!!opts.quick);
    return { name: '', passed: true, detail: `no ${PARAMS_FILE}: the checker's reference 784-256-128-10 network${opts.quick ? ` (trained on ${QUICK.trainSubset} images, quick mode)` : ''}` };
  });
  if (!saved) return finishCheck(INFO, dir, opts, list, started);
  const { params, pixels } = saved;
  const mlp = asMlp(params);
  const mnist = loadMnist({ pixels, subset: cfg.batch });
  const x = mnist.test.x, labels = mnist.test.y as Uint8Array, B = mnist.test.n;
  const classes = mlp.sizes[3]!;

  let net: CnnlNet | undefined;
  let probs: Float32Array | undefined;
  // The device work of inference() alone: every forward() it makes, not only the last.
  const device = { forwards: 0, cycles: 0, seconds: 0 };
  await list.run(`buildNet(${B}) and inference on the DLP`, () => {
    try {
      net = student.buildNet(B, params);
    } catch (e) {
      return { name: '', passed: false, detail: `buildNet threw: ${describeError(e)}` };
    }
    const before = { ...net.deviceTotals };
    const out = student.inference(net, x);
    device.forwards = net.deviceTotals.forwards - before.forwards;
    device.cycles = net.deviceTotals.cycles - before.cycles;
    device.seconds = net.deviceTotals.seconds - before.seconds;
    if (!(out instanceof Float32Array) || out.length !== B * classes) {
      return { name: '', passed: false, detail: `inference must return getOutputData(): ${B} × ${classes} probabilities`, got: String((out as { length?: number } | undefined)?.length) };
    }
    for (let r = 0; r < B; r++) {
      let s = 0;
      for (let k = 0; k < classes; k++) s += out[r * classes + k]!;
      if (!(Math.abs(s - 1) < 1e-3)) return { name: '', passed: false, detail: `row ${r} of the output sums to ${fmt(s)}, not 1: the last layer must be createSoftmaxLayer over the class axis` };
    }
    probs = out;
    return { name: '', passed: true, detail: `${net.size()} layers, ${B} rows of probabilities` };
  });
  if (!probs || !net) return finishCheck(INFO, dir, opts, list, started);
  const onDevice = hostForward.predictions(probs, B, classes);
  const host = hostForward.predictions(hostForward.probabilities(mlp.layers, x, B, mlp.sizes), B, classes);
  const share = (hits: (r: number) => boolean): number => {
    let n = 0;
    for (let r = 0; r < B; r++) if (hits(r)) n++;
    return n / B;
  };

  await list.run(`the port computes the lab 09 network (agrees with the host forward on ≥ ${AGREEMENT * 100} % of images)`, () => {
    const agreement = share((r) => onDevice[r] === host[r]);
    list.metrics.agreement = agreement;
    const ok = agreement >= AGREEMENT;
    return {
      name: '', passed: ok,
      detail: ok ? `${fmt(100 * agreement, 4)} % of predictions equal the host's (int8 rounding flips the rest)`
        : 'the DLP predicts differently from the same parameters on the host: check the layer order (fc1, relu1, fc2, relu2, fc3, softmax), the weight layout (in, out) as lab 09 saved it (no transpose), and that every bias is loaded',
      expected: `≥ ${AGREEMENT * 100} %`, got: `${fmt(100 * agreement, 4)} %`,
    };
  });

  let accuracyOk = false;
  await list.run(`on-device test accuracy ≥ ${cfg.accuracy * 100} %`, () => {
    const acc = share((r) => onDevice[r] === labels[r]);
    list.metrics.deviceAccuracy = acc;
    list.metrics.hostAccuracy = share((r) => host[r] === labels[r]);
    accuracyOk = acc >= cfg.accuracy;
    return {
      name: '', passed: accuracyOk,
      detail: accuracyOk ? `${fmt(acc * 100, 4)} % on ${B} test images` : `${fmt(acc * 100, 4)} % on ${B} test images (host: ${fmt(list.metrics.hostAccuracy * 100, 4)} %): train a better network in lab 09`,
      expected: `≥ ${cfg.accuracy * 100} %`, got: `${fmt(acc * 100, 4)} %`,
    };
  });

  let score: CheckResult['score'];
  const time = opts.timeHost ?? ((run: () => void): HostTiming => timeHostCpu(run).cpu);
  await list.run('speed-up: DLP forward time vs CPU forward time', () => {
    if (device.forwards === 0) return { name: '', passed: false, detail: 'no simulator report: inference must call forward()' };
    const dlp = device.seconds;
    const cpu = time(() => hostForward.probabilities(mlp.layers, x, B, mlp.sizes, 'portable'));
    const simd = time(() => hostForward.probabilities(mlp.layers, x, B, mlp.sizes, 'simd'));
    const speedup = cpu.median / dlp;
    const grade = gradeSpeedup(speedup, device.cycles / dlp);
    Object.assign(list.metrics, {
      dlpSeconds: dlp, dlpForwards: device.forwards, cycles: device.cycles, cpuSeconds: cpu.median, cpuMinSeconds: cpu.min, cpuMaxSeconds: cpu.max,
      speedup, simdCpuSeconds: simd.median, simdSpeedup: simd.median / dlp,
    });
    list.notes.push(`for comparison, the host forward on this machine's SIMD kernels takes ${fmt(simd.median * 1e3, 4)} ms: the DLP time is 1/${fmt(simd.median / dlp, 3)} of it`);
    const tier = SPEEDUP_TIERS.find((t) => t.points === grade.points); // the tier the grade met
    const points = accuracyOk ? grade.points : 0;
    const speedTier = tier ? `DLP time ≤ 1/${tier.speedup} of the CPU time` : `DLP time > 1/${SPEEDUP_TIERS[0]!.speedup} of the CPU time`;
    score = { points, of: 100, tier: accuracyOk ? speedTier : `accuracy below ${cfg.accuracy * 100} % (${speedTier})` };
    const runs = device.forwards === 1 ? 'one forward()' : `${device.forwards} forward() calls`;
    const timing = `DLP ${fmt(dlp * 1e3, 4)} ms (${device.cycles} cycles simulated, ${runs}) vs CPU ${fmt(cpu.median * 1e3, 4)} ms `
      + `(portable host forward, median of ${HOST_TIMED_RUNS} after ${HOST_WARMUP_RUNS} warm-up runs, ${fmt(cpu.min * 1e3, 3)}–${fmt(cpu.max * 1e3, 3)} ms) at batch ${B}; ${grade.basis}`;
    const slow = device.forwards > 1 ? ` — one program for the whole batch: buildNet(${B}) and a single forward()` : ' — int8 on dlp-s, one program for the whole batch';
    return {
      name: '', passed: !!tier,
      detail: tier ? `1/${fmt(speedup, 4)} of the CPU time: ${timing}` : `the DLP takes 1/${fmt(speedup, 3)} of the CPU time, more than 1/${SPEEDUP_TIERS[0]!.speedup}: ${timing}${slow}`,
      expected: SPEEDUP_TIERS.map((t) => `≤ 1/${t.speedup} → ${t.points}`).join(', '), got: `1/${fmt(speedup, 4)}`,
    };
  });
  if (opts.quick) list.notes.push(`quick mode: ${B} test images, accuracy bar ${QUICK.accuracy * 100} % (the course: batch ${FULL.batch}, ${FULL.accuracy * 100} %)`);
  return finishCheck(INFO, dir, opts, list, started, score ? { score } : {});
}

await runCheckerMain(import.meta.url, checkLab10);
