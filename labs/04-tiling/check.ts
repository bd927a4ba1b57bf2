// Lab 04 checker: the student's tile sizes and loop order (tiling.json) for a 784→128 int8
// layer at batch 64 on edge-tiny (NRAM 8 KiB, WRAM 16 KiB). The plan must fit the buffers; the
// compiler's own code generator emits it, the simulator runs it, the output must equal the
// compiler's tuned program bit for bit, and the cycles are scored against the roofline and
// the compiler's choice (pass: within 1.10× of the compiler).
import type { Bundle } from '../../compiler/bundle.js';
import { randomWeights } from '../../compiler/weights/random.js';
import { loadHardware } from '../../isa/node.js';
import { labInfo } from '../lib/catalog.js';
import { compileAndRun, compileWithPlan, mlpGraph } from '../lib/device.js';
import { readStudentJson, studentDir } from '../lib/load.js';
import { runCheckerMain } from '../lib/main.js';
import { randomArray, seededRandom } from '../lib/numeric.js';
import { canReveal, CaseList, finishCheck, fmt, REVEAL_REFUSED, type CheckOptions, type CheckResult } from '../lib/result.js';
import { checkTileChoice, toSegmentPlan, type TileChoice } from './plan.js';
import { readOutputs, writeInputs } from '../../compiler/bundle.js';
import { simulate, type SimReport } from '../../simulator/index.js';

const INFO = labInfo('04');
export const LAYER = { batch: 64, K: 784, N: 128, dtype: 'int8' as const, hw: 'edge-tiny' };
/** Pass: the student's plan within this factor of the compiler's tuned schedule. */
export const TARGET = 1.1;

export async function checkLab04(opts: CheckOptions = {}): Promise<CheckResult> {
  const started = performance.now();
  const dir = studentDir(INFO.folder, opts);
  const list = new CaseList();
  const hw = loadHardware(LAYER.hw);
  const model = mlpGraph('lab04', [LAYER.K, LAYER.N]);
  const weights = randomWeights(model, 4);
  const compileOpts = { dtype: LAYER.dtype, batch: LAYER.batch };

  let choice: TileChoice | undefined;
  await list.run('tiling.json is a valid plan', () => {
    const raw = readStudentJson(dir, 'tiling.json');
    const problems = checkTileChoice(raw, { batch: LAYER.batch, K: LAYER.K, N: LAYER.N });
    if (problems.length) return { name: '', passed: false, detail: problems.join('; ') };
    choice = raw as TileChoice;
    return { name: '', passed: true, detail: JSON.stringify(raw) };
  });
  if (!choice) return finishCheck(INFO, dir, opts, list, started);
  const plan = toSegmentPlan(choice);

  let bundle: Bundle | undefined;
  await list.run(`fits NRAM ${hw.nram.bytes} B and WRAM ${hw.wram.bytes} B`, () => {
    const r = compileWithPlan(model, weights, hw, compileOpts, plan);
    Object.assign(list.metrics, { nramBytes: r.nramBytes, wramBytes: r.wramBytes });
    const usage = `NRAM ${r.nramBytes} B (${fmt((100 * r.nramBytes) / hw.nram.bytes, 3)} %), WRAM ${r.wramBytes} B (${fmt((100 * r.wramBytes) / hw.wram.bytes, 3)} %)`;
    if (!r.bundle) {
      return { name: '', passed: false, detail: 'the buffers of this plan (inputs, weights, bias, accumulators, outputs; ×2 when double-buffered) overflow', expected: `NRAM ≤ ${hw.nram.bytes} B, WRAM ≤ ${hw.wram.bytes} B`, got: usage };
    }
    bundle = r.bundle;
    return { name: '', passed: true, detail: usage };
  });
  if (!bundle) return finishCheck(INFO, dir, opts, list, started);
  const mine = bundle;

  // Same weights, same quantisation, the compiler's own search.
  const x = Float32Array.from(randomArray(seededRandom(5), LAYER.batch * LAYER.K, 0, 1));
  const tuned = compileAndRun(model, weights, hw, compileOpts, x);
  let report: SimReport | undefined;
  await list.run('runs and computes the same outputs as the compiler', () => {
    const dram = mine.image.slice();
    writeInputs(mine, dram, x);
    const sim = simulate(mine.program, hw, { dram });
    report = sim.report;
    const got = readOutputs(mine, sim.dram);
    const want = tuned.outputs!;
    for (let i = 0; i < want.length; i++) {
      if (got[i] !== want[i]) return { name: '', passed: false, detail: `output [${Math.floor(i / LAYER.N)}][${i % LAYER.N}] differs`, expected: String(want[i]), got: String(got[i]) };
    }
    return { name: '', passed: true, detail: `${mine.program.instrs.length} instructions, ${want.length} outputs bit-exact` };
  });
  if (!report) return finishCheck(INFO, dir, opts, list, started);
  const r = report;
  const compiler = tuned.report.cycles;
  Object.assign(list.metrics, {
    cycles: r.cycles, rooflineCycles: r.rooflineCycles, compilerCycles: compiler, predictedCycles: mine.estimate.cycles,
    mfuUtilization: r.mfuUtilization, dramReadBytes: r.dramReadBytes, score: Math.min(1, compiler / r.cycles),
  });
  const seg = tuned.bundle.plans.segments[0]!, t = seg.layers[0]!;
  const passed = list.passed && r.cycles <= TARGET * compiler;
  // The compiler's choice is the answer: shown once the student passes (or to teachers).
  if (passed || canReveal(opts)) {
    list.notes.push(`the compiler chose order=${seg.order}, m=${seg.m}, n=${t.n}, k=${t.k}, weights=${t.wMode}, inputs=${t.xMode}, biasResident=${t.auxResident}, doubleBuffer=${seg.double}`);
  } else if (opts.reveal) list.notes.push(REVEAL_REFUSED);
  list.notes.push(`your plan: ${r.cycles} cycles = ${fmt(r.cycles / r.rooflineCycles, 3)}× the roofline (${fmt(r.rooflineCycles, 6)}, ${r.boundBy}-bound), DRAM read ${r.dramReadBytes} B (compulsory ${r.compulsoryDramBytes} B); the cost model predicted ${mine.estimate.cycles}`);
  list.add({
    name: `cycles within ${TARGET}× of the compiler`,
    passed: r.cycles <= TARGET * compiler,
    detail: r.cycles <= TARGET * compiler
      ? `${r.cycles} cycles vs the compiler's ${compiler}`
      : `${fmt(r.cycles / compiler, 3)}× the compiler's cycles: look at DRAM read bytes (re-fetched weights or inputs?), MFU utilisation (${fmt(r.mfuUtilization * 100, 3)} %) and whether DMA overlaps compute`,
    expected: `≤ ${Math.floor(TARGET * compiler)} cycles`,
    got: `${r.cycles} cycles`,
  });
  return finishCheck(INFO, dir, opts, list, started);
}

await runCheckerMain(import.meta.url, checkLab04);
