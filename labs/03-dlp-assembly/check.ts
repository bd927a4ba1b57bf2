// Lab 03 checker: assembles the student's dense.dlps, checks the declared regions, runs it on
// the simulator (preset dlp-s) with three sets of test data written into x, W and b, compares
// y with a plain integer reference, and reports cycles against the compiler's program for the
// same layer (performance target: within 1.5× of the compiler).
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../../isa/assemble.js';
import { loadHardware } from '../../isa/node.js';
import { materializeDram } from '../../isa/image.js';
import type { Program, Region } from '../../isa/program.js';
import { simulate, type SimReport } from '../../simulator/index.js';
import { labInfo } from '../lib/catalog.js';
import { compileAndRun, mlpGraph, readRegion, writeRegion } from '../lib/device.js';
import { studentDir } from '../lib/load.js';
import { runCheckerMain } from '../lib/main.js';
import { seededRandom } from '../lib/numeric.js';
import { CaseList, describeError, finishCheck, fmt, type CaseResult, type CheckOptions, type CheckResult } from '../lib/result.js';

const INFO = labInfo('03');
export const LAYER = { B: 16, K: 128, N: 64, mult: 21, shift: 14, hw: 'dlp-s' } as const;
/** Performance target: the hand-written program within this factor of the compiler's cycles. */
export const PERF_FACTOR = 1.5;

const REGIONS: Record<string, { dtype: string; shape: number[] }> = {
  x: { dtype: 'int8', shape: [LAYER.B, LAYER.K] },
  w: { dtype: 'int8', shape: [LAYER.K, LAYER.N] },
  b: { dtype: 'int32', shape: [LAYER.N] },
  y: { dtype: 'int8', shape: [LAYER.B, LAYER.N] },
};

/** roundShift from docs/isa.md ("ACT semantics"): round half away from zero after >> s. */
function roundShift(p: number, s: number): number {
  if (s === 0) return p;
  const q = Math.floor((Math.abs(p) + 2 ** (s - 1)) / 2 ** s);
  return p < 0 ? -q : q;
}

/** The layer's variants: the right one and the typical mistakes, so feedback can name the mistake. */
interface Variant { bias: boolean; relu: boolean; mult: number; shift: number }
const RIGHT: Variant = { bias: true, relu: true, mult: LAYER.mult, shift: LAYER.shift };
const MISTAKES: { variant: Variant; says: string }[] = [
  { variant: { ...RIGHT, bias: false }, says: 'the bias is missing: load b into NRAM and give ACT aux=… bias=1' },
  { variant: { ...RIGHT, relu: false }, says: 'ReLU is missing: ACT needs func=relu' },
  { variant: { ...RIGHT, mult: 1, shift: 0 }, says: 'the accumulators are not requantised: ACT needs mult=MULT, shift=SHIFT' },
];

/** y = sat_int8(roundShift(max(x·W + b, 0) · mult, shift)), written from the ISA document. */
function referenceDense(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>, v: Variant = RIGHT): Int8Array {
  const { B, K, N } = LAYER;
  const y = new Int8Array(B * N);
  for (let r = 0; r < B; r++)
    for (let c = 0; c < N; c++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += x[r * K + k]! * w[k * N + c]!;
      const sum = (acc + (v.bias ? b[c]! : 0)) | 0;
      const a = v.relu ? Math.max(sum, 0) : sum;
      y[r * N + c] = Math.max(-128, Math.min(127, roundShift(a * v.mult, v.shift)));
    }
  return y;
}

/** The sentence for the mistake whose output equals `got`, if one does. */
function diagnose(t: { x: ArrayLike<number>; w: ArrayLike<number>; b: ArrayLike<number> }, got: ArrayLike<number>): string | undefined {
  for (const m of MISTAKES) {
    const y = referenceDense(t.x, t.w, t.b, m.variant);
    if (y.every((v, i) => v === got[i])) return m.says;
  }
  return undefined;
}

interface TestData { name: string; x: Int8Array; w: Int8Array; b: Int32Array }

function testData(): TestData[] {
  const { B, K, N } = LAYER;
  const ints = (seed: number, n: number, lo: number, hi: number) => {
    const r = seededRandom(seed);
    return Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));
  };
  return [
    { name: 'random int8 data', x: Int8Array.from(ints(11, B * K, -128, 127)), w: Int8Array.from(ints(12, K * N, -128, 127)), b: Int32Array.from(ints(13, N, -5000, 5000)) },
    { name: 'small values (no saturation)', x: Int8Array.from(ints(21, B * K, -8, 8)), w: Int8Array.from(ints(22, K * N, -8, 8)), b: Int32Array.from(ints(23, N, -300, 300)) },
    { name: 'extremes (saturation, negative bias)', x: Int8Array.from({ length: B * K }, (_, i) => (i % 3 === 0 ? -128 : 127)), w: Int8Array.from({ length: K * N }, (_, i) => (i % 5 === 0 ? -128 : 127)), b: Int32Array.from({ length: N }, (_, c) => (c % 2 ? -(2 ** 30) : 2 ** 20)) },
  ];
}

function checkRegions(p: Program): string | undefined {
  for (const [name, want] of Object.entries(REGIONS)) {
    const r = p.regions.find((q) => q.name === name);
    if (!r) return `region '${name}' is missing (keep the four .region lines of the starter)`;
    if (r.dtype !== want.dtype || r.shape.join(',') !== want.shape.join(',')) {
      return `region '${name}' must be ${want.dtype} [${want.shape.join(', ')}], got ${r.dtype} [${r.shape.join(', ')}]`;
    }
  }
  return undefined;
}

function runCase(p: Program, t: TestData): { case: CaseResult; report?: SimReport } {
  const hw = loadHardware(LAYER.hw);
  const region = (n: string) => p.regions.find((r) => r.name === n) as Region;
  const dram = materializeDram(p);
  writeRegion(dram, region('x'), t.x);
  writeRegion(dram, region('w'), t.w);
  writeRegion(dram, region('b'), t.b);
  const sim = simulate(p, hw, { dram });
  const got = readRegion(sim.dram, region('y'));
  const want = referenceDense(t.x, t.w, t.b);
  let wrong = 0, first = -1;
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) { wrong++; if (first < 0) first = i; }
  if (wrong === 0) return { case: { name: '', passed: true, detail: `all ${want.length} outputs exact (${sim.report.cycles} cycles)` }, report: sim.report };
  const r = Math.floor(first / LAYER.N), c = first % LAYER.N;
  return {
    case: { name: '', passed: false, detail: `${wrong} of ${want.length} outputs wrong; first at y[${r}][${c}]${((d) => (d ? `: ${d}` : ''))(diagnose(t, got))}`, expected: String(want[first]), got: String(got[first]) },
    report: sim.report,
  };
}

export async function checkLab03(opts: CheckOptions = {}): Promise<CheckResult> {
  const started = performance.now();
  const dir = studentDir(INFO.folder, opts);
  const list = new CaseList();
  const file = join(dir, 'dense.dlps');
  let program: Program | undefined;
  await list.run('assemble dense.dlps', () => {
    if (!existsSync(file)) return { name: '', passed: false, detail: `missing file ${file}` };
    try {
      program = assemble(readFileSync(file, 'utf8'), file);
    } catch (e) {
      return { name: '', passed: false, detail: describeError(e) };
    }
    const problem = checkRegions(program);
    if (problem) { program = undefined; return { name: '', passed: false, detail: problem }; }
    return { name: '', passed: true, detail: `${program.instrs.length} instructions, regions x, w, b, y as declared` };
  });
  if (!program) return finishCheck(INFO, dir, opts, list, started);
  const p = program;

  let report: SimReport | undefined;
  for (const t of testData()) {
    await list.run(`simulate: ${t.name}`, () => {
      const r = runCase(p, t);
      report ??= r.report;
      return r.case;
    });
  }
  if (report && list.passed) {
    await list.run(`performance: within ${PERF_FACTOR}× of the compiler`, () => {
      const hw = loadHardware(LAYER.hw);
      const ref = compileAndRun(mlpGraph('lab03', [LAYER.K, LAYER.N]), 1, hw, { dtype: 'int8', batch: LAYER.B });
      const mine = report!;
      Object.assign(list.metrics, {
        cycles: mine.cycles, compilerCycles: ref.report.cycles, rooflineCycles: mine.rooflineCycles,
        mfuUtilization: mine.mfuUtilization, dramBytes: mine.dramReadBytes + mine.dramWriteBytes,
      });
      list.notes.push(`the compiler's program stores fp32 logits (its last layer), so it moves ${ref.report.dramWriteBytes} bytes out where yours moves ${mine.dramWriteBytes}`);
      const ok = mine.cycles <= PERF_FACTOR * ref.report.cycles;
      return {
        name: '', passed: ok,
        detail: `${mine.cycles} cycles vs the compiler's ${ref.report.cycles} (roofline ${fmt(mine.rooflineCycles, 5)}, ${fmt(mine.cycles / mine.rooflineCycles, 3)}× of it)${ok ? '' : ': look at the trace (dlp simulate --trace) for serialised DMA and compute'}`,
        expected: `≤ ${Math.floor(PERF_FACTOR * ref.report.cycles)} cycles`,
        got: `${mine.cycles} cycles`,
      };
    });
  } else {
    list.notes.push('performance is compared with the compiler once every output is correct');
  }
  return finishCheck(INFO, dir, opts, list, started);
}

await runCheckerMain(import.meta.url, checkLab03);
