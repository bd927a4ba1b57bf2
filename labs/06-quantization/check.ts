// Lab 06 checker: the student's quantisers against the spec (exact integers and scales on
// random and edge-case matrices, plus the property that per-channel error never exceeds
// per-tensor error), then the numeric answers about fp32 / int16 / int8 on the simulated DLP
// and the 4-bit per-channel gain, recomputed from the provided experiment.
import fc from 'fast-check';
import { labInfo } from '../lib/catalog.js';
import { loadStudentModule, readStudentAnswers, studentDir } from '../lib/load.js';
import { runCheckerMain } from '../lib/main.js';
import { seededRandom } from '../lib/numeric.js';
import { canReveal, CaseList, finishCheck, REVEAL_REFUSED, fmt, type CaseResult, type CheckOptions, type CheckResult } from '../lib/result.js';
import { trainModel } from './experiment.js';
import { createContext, mse, QUESTIONS, specFakeQuant } from './questions.js';

const INFO = labInfo('06');

interface Quantized { q: Int32Array; scales: Float64Array }
interface Lab06Module {
  quantizePerTensor(w: Float32Array, bits: number): Quantized;
  quantizePerChannel(w: Float32Array, inF: number, outF: number, bits: number): Quantized;
  dequantize(qw: Quantized, outF: number): Float32Array;
}

/** Compares the student's fake-quantised weights with the spec's, naming the first element off. */
function quantCase(s: Lab06Module, w: Float32Array, inF: number, outF: number, bits: number, perChannel: boolean): CaseResult {
  const qw = perChannel ? s.quantizePerChannel(w, inF, outF, bits) : s.quantizePerTensor(w, bits);
  const wantScales = perChannel ? outF : 1;
  if (qw?.scales?.length !== wantScales) return { name: '', passed: false, detail: `expected ${wantScales} scale(s)`, expected: String(wantScales), got: String(qw?.scales?.length) };
  const want = specFakeQuant(w, outF, bits, perChannel);
  const qmax = 2 ** (bits - 1) - 1;
  for (let i = 0; i < w.length; i++) {
    const got = qw.q[i]! * qw.scales[perChannel ? i % outF : 0]!;
    if (Math.abs(qw.q[i]!) > qmax || Math.abs(got - want[i]!) > 1e-6 * Math.max(1, Math.abs(want[i]!))) {
      const r = Math.floor(i / outF), c = i % outF;
      const tie = isTie(w, outF, bits, perChannel, i);
      const why = tie
        ? `w[${r}][${c}] = ${w[i]} lies exactly halfway between two levels: round half away from zero (Math.round rounds −2.5 to −2, banker's rounding 2.5 to 2)`
        : `w[${r}][${c}] = ${w[i]} quantises wrongly (q·scale must be the spec's; |q| ≤ ${qmax}; scale = max|w| / ${qmax}${perChannel ? ' of its column' : ''})`;
      return { name: '', passed: false, detail: why, expected: fmt(want[i]!, 8), got: `q=${qw.q[i]}, q·scale=${fmt(got, 8)}` };
    }
  }
  const back = s.dequantize(qw, outF);
  for (let i = 0; i < w.length; i++) {
    if (Math.abs(back[i]! - want[i]!) > 1e-6 * Math.max(1, Math.abs(want[i]!))) return { name: '', passed: false, detail: `dequantize: element ${i}`, expected: fmt(want[i]!, 8), got: fmt(back[i]!, 8) };
  }
  return { name: '', passed: true, detail: `${inF}×${outF}, ${bits} bits: integers and scales as specified` };
}

/** True when w[i] / scale is exactly k + 0.5 (the scale as the spec computes it). */
function isTie(w: Float32Array, outF: number, bits: number, perChannel: boolean, i: number): boolean {
  const qmax = 2 ** (bits - 1) - 1;
  let max = 0;
  for (let j = 0; j < w.length; j++) if (!perChannel || j % outF === i % outF) max = Math.max(max, Math.abs(w[j]!));
  const v = Math.abs(w[i]! / (max === 0 ? 1 : max / qmax));
  return v - Math.floor(v) === 0.5;
}

/** Columns whose scales are powers of two (max|w| = 127·2^-e) holding exact ties ±(k + ½)·scale:
 * where round-half-away-from-zero, Math.round and round-half-even disagree. */
export function tieMatrix(): { w: Float32Array; inF: number; outF: number } {
  const scales = [0.25, 0.5, 0.125];
  const levels = [127, -2.5, -0.5, 0.5, 2.5, -3.5, 1.5];
  const outF = scales.length, inF = levels.length;
  return { w: Float32Array.from({ length: inF * outF }, (_, i) => levels[Math.floor(i / outF)]! * scales[i % outF]!), inF, outF };
}

function matrix(seed: number, inF: number, outF: number, zeroCol = -1): Float32Array {
  const r = seededRandom(seed);
  // columns with very different ranges: where per-channel scales pay off
  return Float32Array.from({ length: inF * outF }, (_, i) => (i % outF === zeroCol ? 0 : (2 * r() - 1) * (1 + (i % outF) * 3)));
}

/** The provided experiment is deterministic (seeded training, same compiler): one context per
 * process serves every check (the tests run several). */
let context: Promise<ReturnType<typeof createContext>> | undefined;
function sharedContext(): Promise<ReturnType<typeof createContext>> {
  context ??= trainModel().then(createContext);
  return context;
}

export async function checkLab06(opts: CheckOptions = {}): Promise<CheckResult> {
  const started = performance.now();
  const dir = studentDir(INFO.folder, opts);
  const list = new CaseList();
  let s: Lab06Module | undefined;
  await list.run('load quant.ts', async () => {
    const m = await loadStudentModule<Partial<Lab06Module>>(dir, 'quant.ts');
    const missing = (['quantizePerTensor', 'quantizePerChannel', 'dequantize'] as const).filter((k) => typeof m[k] !== 'function');
    if (missing.length) return { name: '', passed: false, detail: `missing exports: ${missing.join(', ')}` };
    s = m as Lab06Module;
    return { name: '', passed: true, detail: 'three functions exported' };
  });
  if (s) {
    const st = s;
    for (const [inF, outF, bits, zeroCol] of [[7, 5, 8, -1], [16, 9, 4, 3], [3, 4, 2, 0]] as const) {
      for (const perChannel of [false, true]) {
        await list.run(`${perChannel ? 'per-channel' : 'per-tensor'} ${inF}×${outF} at ${bits} bits${zeroCol >= 0 ? ' (one all-zero column)' : ''}`, () => quantCase(st, matrix(inF * 31 + bits, inF, outF, zeroCol), inF, outF, bits, perChannel));
      }
    }
    const ties = tieMatrix();
    for (const perChannel of [false, true]) {
      await list.run(`${perChannel ? 'per-channel' : 'per-tensor'} ${ties.inF}×${ties.outF} at 8 bits, values exactly halfway between levels`, () => quantCase(st, ties.w, ties.inF, ties.outF, 8, perChannel));
    }
    await list.run('property: per-channel MSE ≤ per-tensor MSE', () => {
      const r = fc.check(fc.property(
        fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (inF, outF, bits, seed) => {
          const w = matrix(seed, inF, outF);
          const pt = mse(w, st.dequantize(st.quantizePerTensor(w, bits), outF));
          const pc = mse(w, st.dequantize(st.quantizePerChannel(w, inF, outF, bits), outF));
          return pc <= pt * (1 + 1e-9) + 1e-12;
        }), { numRuns: opts.quick ? 50 : 300, seed: 606 });
      if (!r.failed) return { name: '', passed: true, detail: `${r.numRuns} random matrices` };
      return { name: '', passed: false, detail: `fails for (inF, outF, bits, seed) = ${JSON.stringify(r.counterexample)} (fast-check seed ${r.seed}, shrunk)` };
    });
  }

  let answers: Record<string, unknown> | undefined;
  await list.run('answers', async () => {
    const { file, answers: raw } = await readStudentAnswers(dir, opts);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { name: '', passed: false, detail: `${file} must give an object {"q1": number, …}` };
    answers = raw as Record<string, unknown>;
    return { name: '', passed: true, detail: `${Object.keys(answers).length} answers from ${file}` };
  });
  if (answers) {
    const given = answers;
    const ctx = await sharedContext();
    for (const q of QUESTIONS) {
      await list.run(`${q.id}: ${q.text}`, () => {
        const want = q.answer(ctx);
        const got = given[q.id];
        const tol = q.kind === 'rel' ? `±${fmt(q.tolerance * 100, 3)} %` : `±${q.tolerance}`;
        const expected = canReveal(opts) ? `${fmt(want, 6)} (${tol})` : `hidden (${tol})`;
        if (typeof got !== 'number' || !Number.isFinite(got)) return { name: '', passed: false, detail: 'no numeric answer yet', expected, got: JSON.stringify(got) };
        const err = q.kind === 'rel' ? (got - want) / Math.abs(want || 1) : got - want;
        const ok = Math.abs(err) <= q.tolerance + 1e-12;
        const off = q.kind === 'rel' ? `${fmt(Math.abs(err) * 100, 3)} %` : fmt(Math.abs(err), 3);
        return { name: '', passed: ok, detail: ok ? `${fmt(got, 6)} is right` : `${fmt(got, 6)} is too ${err < 0 ? 'small' : 'large'} by ${off}`, expected, got: fmt(got, 6) };
      });
    }
    for (const v of ['fp32', 'int16', 'int8', 'int8-per-channel'] as const) {
      const d = ctx.device(v);
      list.metrics[`${v}.accuracy`] = d.accuracy;
      list.metrics[`${v}.cycles`] = d.cycles;
    }
  }
  if (opts.reveal && !canReveal(opts)) list.notes.push(REVEAL_REFUSED);
  return finishCheck(INFO, dir, opts, list, started);
}

await runCheckerMain(import.meta.url, checkLab06);
