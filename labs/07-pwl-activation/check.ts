// Lab 07 checker: the student's PWL activation unit against the spec. Tables must equal the
// spec's entry for entry (for GELU, Swish and a second geometry); the evaluator must equal the
// spec's integer model bit for bit (fast-check, shrinking to the smallest failing input) and
// stay within the stated error of the float GELU on every int16 input (exhaustive).
import fc from 'fast-check';
import { labInfo } from '../lib/catalog.js';
import { loadStudentModule, studentDir } from '../lib/load.js';
import { runCheckerMain } from '../lib/main.js';
import { CaseList, describeError, finishCheck, fmt, type CaseResult, type CheckOptions, type CheckResult } from '../lib/result.js';

const INFO = labInfo('07');
/** Stated error bound of the 32-segment GELU table over the whole int16 range (README). */
export const GELU_MAX_ERROR = 0.03;

interface PwlSpec { inFrac: number; slopeFrac: number; lo: number; hi: number; segments: number }
interface PwlTable { spec: PwlSpec; slopes: Int16Array; intercepts: Int32Array }
interface Lab07Module {
  PWL_SPEC: PwlSpec;
  gelu(x: number): number;
  buildPwlTable(f: (x: number) => number, spec?: PwlSpec): PwlTable;
  evalPwl(table: PwlTable, x: number): number;
  actPwl(table: PwlTable, src: Int16Array, dst: Int16Array): void;
}

// ---- the spec, as the checker's own model ---------------------------------------------------

const SPEC: PwlSpec = { inFrac: 10, slopeFrac: 14, lo: -8, hi: 8, segments: 32 };
const refGelu = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
const refSwish = (x: number) => x / (1 + Math.exp(-x));
const roundAway = (v: number) => Math.sign(v) * Math.round(Math.abs(v));

function specTable(f: (x: number) => number, spec: PwlSpec): PwlTable {
  const width = (spec.hi - spec.lo) / spec.segments;
  const slopes = new Int16Array(spec.segments), intercepts = new Int32Array(spec.segments);
  for (let i = 0; i < spec.segments; i++) {
    const xl = spec.lo + i * width;
    const a = (f(xl + width) - f(xl)) / width;
    slopes[i] = roundAway(a * 2 ** spec.slopeFrac);
    intercepts[i] = roundAway((f(xl) - a * xl) * 2 ** spec.inFrac);
  }
  return { spec, slopes, intercepts };
}

function specEval(t: PwlTable, x: number): number {
  const s = t.spec, lo = s.lo * 2 ** s.inFrac, hi = s.hi * 2 ** s.inFrac;
  if (x < lo) return 0;
  if (x >= hi) return x;
  const i = Math.floor((x - lo) / ((hi - lo) / s.segments));
  const y = Math.floor((t.slopes[i]! * x + 2 ** (s.slopeFrac - 1)) / 2 ** s.slopeFrac) + t.intercepts[i]!;
  return Math.max(-32768, Math.min(32767, y));
}

// ---- cases ----------------------------------------------------------------------------------

function tableCase(what: string, expected: PwlTable, got: PwlTable): CaseResult {
  if (got?.slopes?.length !== expected.slopes.length || got?.intercepts?.length !== expected.intercepts.length) {
    return { name: '', passed: false, detail: `${what}: table must have ${expected.slopes.length} slopes and intercepts`, expected: String(expected.slopes.length), got: `${got?.slopes?.length} slopes, ${got?.intercepts?.length} intercepts` };
  }
  for (let i = 0; i < expected.slopes.length; i++) {
    if (got.slopes[i] !== expected.slopes[i] || got.intercepts[i] !== expected.intercepts[i]) {
      const xl = expected.spec.lo + (i * (expected.spec.hi - expected.spec.lo)) / expected.spec.segments;
      return {
        name: '', passed: false,
        detail: `${what}: segment ${i} (x from ${xl}) differs from the spec (chord slope and intercept, rounded half away from zero)`,
        expected: `slope ${expected.slopes[i]}, intercept ${expected.intercepts[i]}`,
        got: `slope ${got.slopes[i]}, intercept ${got.intercepts[i]}`,
      };
    }
  }
  return { name: '', passed: true, detail: `${what}: all ${expected.slopes.length} segments equal the spec` };
}

/** fast-check property: evalPwl equals the spec model; reports the shrunk counterexample. */
function bitExactCase(s: Lab07Module, table: PwlTable, what: string, numRuns: number): CaseResult {
  const r = fc.check(
    fc.property(fc.integer({ min: -32768, max: 32767 }), (x) => s.evalPwl(table, x) === specEval(table, x)),
    { numRuns, seed: 20240807 },
  );
  if (!r.failed) return { name: '', passed: true, detail: `${what}: equal to the spec on ${r.numRuns} random inputs` };
  const x = r.counterexample?.[0] as number | undefined;
  if (x === undefined) return { name: '', passed: false, detail: `${what}: evaluator threw: ${describeError(r.errorInstance)}` };
  let got: string;
  try { got = String(s.evalPwl(table, x)); } catch (e) { got = `threw ${describeError(e)}`; }
  return { name: '', passed: false, detail: `${what}: differs from the spec at x = ${x} (${x / 1024} real; fast-check seed ${r.seed}, shrunk)`, expected: String(specEval(table, x)), got };
}

export async function checkLab07(opts: CheckOptions = {}): Promise<CheckResult> {
  const started = performance.now();
  const dir = studentDir(INFO.folder, opts);
  const list = new CaseList();
  let s: Lab07Module | undefined;
  await list.run('load pwl.ts', async () => {
    const m = await loadStudentModule<Partial<Lab07Module>>(dir, 'pwl.ts');
    const missing = (['gelu', 'buildPwlTable', 'evalPwl', 'actPwl'] as const).filter((k) => typeof m[k] !== 'function');
    if (missing.length) return { name: '', passed: false, detail: `missing exports: ${missing.join(', ')}` };
    s = m as Lab07Module;
    return { name: '', passed: true, detail: 'gelu, buildPwlTable, evalPwl and actPwl exported' };
  });
  if (!s) return finishCheck(INFO, dir, opts, list, started);
  const st = s;

  await list.run('gelu (float reference)', () => {
    for (const x of [-8, -3, -1, -0.5, 0, 0.25, 1, 2.5, 7.9]) {
      const got = st.gelu(x);
      if (!(Math.abs(got - refGelu(x)) <= 1e-12)) return { name: '', passed: false, detail: `gelu(${x}) is off (tanh form)`, expected: fmt(refGelu(x), 12), got: fmt(got, 12) };
    }
    return { name: '', passed: true, detail: 'matches 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³)))' };
  });

  const geluSpec = specTable(refGelu, SPEC);
  await list.run('table: GELU, 32 segments on [−8, 8)', () => tableCase('GELU', geluSpec, st.buildPwlTable(refGelu, SPEC)));
  await list.run('table: Swish, 32 segments on [−8, 8)', () => tableCase('Swish', specTable(refSwish, SPEC), st.buildPwlTable(refSwish, SPEC)));
  const fine: PwlSpec = { inFrac: 10, slopeFrac: 14, lo: -4, hi: 4, segments: 64 };
  await list.run('table: GELU, 64 segments on [−4, 4)', () => tableCase('GELU/64', specTable(refGelu, fine), st.buildPwlTable(refGelu, fine)));

  // The evaluator is checked on the spec's own tables, so a table bug is not counted twice.
  const runs = opts.quick ? 2000 : 20000;
  await list.run('evaluator bit-exact: GELU table', () => bitExactCase(st, geluSpec, 'GELU', runs));
  await list.run('evaluator bit-exact: Swish table', () => bitExactCase(st, specTable(refSwish, SPEC), 'Swish', runs));
  await list.run('evaluator bit-exact: 64-segment table', () => bitExactCase(st, specTable(refGelu, fine), 'GELU/64', runs));

  await list.run('edges: saturation and outside the table', () => {
    const cases: [number, number][] = [[-32768, 0], [-8193, 0], [-8192, specEval(geluSpec, -8192)], [8191, specEval(geluSpec, 8191)], [8192, 8192], [32767, 32767], [0, specEval(geluSpec, 0)], [-1, specEval(geluSpec, -1)]];
    for (const [x, want] of cases) {
      const got = st.evalPwl(geluSpec, x);
      if (got !== want) return { name: '', passed: false, detail: `evalPwl(${x}) (below lo → 0, at or above hi → x, segment boundaries by arithmetic shift)`, expected: String(want), got: String(got) };
    }
    return { name: '', passed: true, detail: 'inputs below, at and above the table behave as specified' };
  });

  await list.run(`error bound: |PWL − GELU| ≤ ${GELU_MAX_ERROR} on all 65536 inputs`, () => {
    const table = st.buildPwlTable(refGelu, SPEC);
    let worst = 0, at = 0;
    for (let x = -32768; x <= 32767; x++) {
      const e = Math.abs(st.evalPwl(table, x) / 1024 - refGelu(x / 1024));
      if (!(e <= worst)) { worst = e; at = x; }
    }
    list.metrics.maxAbsError = worst;
    const ok = worst <= GELU_MAX_ERROR;
    return { name: '', passed: ok, detail: ok ? `max error ${fmt(worst, 4)} at x = ${at / 1024}` : `error too large at x = ${at / 1024} (input ${at})`, expected: `≤ ${GELU_MAX_ERROR}`, got: fmt(worst, 6) };
  });

  await list.run('property: continuity at breakpoints (≤ 3 LSB step)', () => {
    const r = fc.check(fc.property(fc.integer({ min: 1, max: SPEC.segments - 1 }), (i) => {
      const xb = SPEC.lo * 1024 + i * 512;
      return Math.abs(st.evalPwl(geluSpec, xb) - st.evalPwl(geluSpec, xb - 1)) <= 3;
    }), { numRuns: 200, seed: 7 });
    if (!r.failed) return { name: '', passed: true, detail: 'adjacent chords meet within rounding' };
    const i = r.counterexample?.[0] as number;
    const xb = SPEC.lo * 1024 + i * 512;
    return { name: '', passed: false, detail: `jump at breakpoint ${i} (x = ${xb}): chords must share their end points`, expected: `|y(${xb}) − y(${xb - 1})| ≤ 3`, got: `${st.evalPwl(geluSpec, xb)} vs ${st.evalPwl(geluSpec, xb - 1)}` };
  });

  await list.run('ACT-PWL over a region (and in place)', () => {
    const src = Int16Array.from({ length: 257 }, (_, k) => (k * 251 - 32768) | 0);
    const dst = new Int16Array(src.length);
    st.actPwl(geluSpec, src, dst);
    const inPlace = Int16Array.from(src);
    st.actPwl(geluSpec, inPlace, inPlace);
    for (let k = 0; k < src.length; k++) {
      const want = specEval(geluSpec, src[k]!);
      if (dst[k] !== want || inPlace[k] !== want) return { name: '', passed: false, detail: `element ${k} (x = ${src[k]})`, expected: String(want), got: `${dst[k]} (separate), ${inPlace[k]} (in place)` };
    }
    return { name: '', passed: true, detail: '257 elements, separate and in place' };
  });

  return finishCheck(INFO, dir, opts, list, started);
}

await runCheckerMain(import.meta.url, checkLab07);
