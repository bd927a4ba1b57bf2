// `npm run bench [-- --quick] [--only LIST] [--out FILE] [--workers N]`: the benchmark suite of
// issue #9. Runs, in order (single-threaded measurements first, while the machine is
// quietest): 1 simulator speed, 2 scaling, 3 schedule quality, 4 host training, 5 `dlp mnist`
// end to end, 6 assembler speed, 7 ratios, 8 compile time against depth. Prints tables on stdout and writes every figure with the machine description to
// bench/results/latest.json (plus a dated copy for full runs). A failing section is recorded
// in `errors` and the others still run. Nothing here is asserted by `npm test`.
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../isa/files.js';
import { loadHardware } from '../isa/node.js';
import { benchAssembler, type AssemblerBench } from './assembler.js';
import { benchCompileTime, type CompileTimeBench } from './compile-time.js';
import { benchEndToEnd, findRepoRoot, type EndToEndResult } from './end-to-end.js';
import { benchMnistTraining, type MnistTrainingBench } from './mnist-train.js';
import { benchRatios, type RatiosResult } from './ratios.js';
import { benchScaling, type ScalingSeries } from './scaling.js';
import { benchSchedule, type ScheduleResult } from './schedule.js';
import { benchSimSpeed, type SimSpeedResult } from './sim-speed.js';
import { formatCount, formatFixed, formatPercent, formatRange, formatSeconds, formatTable } from './table.js';

export const SECTIONS = ['sim', 'scaling', 'schedule', 'training', 'e2e', 'asm', 'ratios', 'compile'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  quick: boolean;
  only: Section[];
  /** JSON output path (default bench/results/latest.json). */
  out?: string;
  workers?: number;
  log: (s: string) => void;
}

export interface BenchResults {
  format: 'dlpkit-bench';
  version: 1;
  quick: boolean;
  /** Which suite and sections produced this file (a quick file is not comparable with a full one). */
  note: string;
  date: string;
  machine: { cpu: string; cores: number; availableParallelism: number; node: string; platform: string; arch: string; totalMemGiB: number; loadAverage: number[] };
  durationSeconds: number;
  simulator?: { hardware: string; dtype: 'int8'; cases: SimSpeedResult[] };
  scaling?: ScalingSeries[];
  schedule?: ScheduleResult;
  training?: MnistTrainingBench & { hidden: number[]; batch: number };
  endToEnd?: EndToEndResult;
  assembler?: AssemblerBench;
  /** Issue #23's ratios, each against its reference measured in the same run. */
  ratios?: RatiosResult;
  compile?: CompileTimeBench;
  /** Wall seconds each section took. */
  sectionSeconds: Partial<Record<Section, number>>;
  errors: Partial<Record<Section, string>>;
}

function describeMachine(): BenchResults['machine'] {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown', cores: c.length, availableParallelism: availableParallelism(), node: process.version,
    platform: process.platform, arch: process.arch, totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function suiteNote(o: Pick<BenchOptions, 'quick' | 'only'>): string {
  const which = o.quick
    ? 'quick suite (npm run bench -- --quick): fewer presets, sizes and runs; figures are not comparable with a full run'
    : 'full suite (npm run bench)';
  const all = SECTIONS.every((s) => o.only.includes(s));
  return `${which}; sections: ${all ? 'all' : o.only.join(', ')}`;
}

/** Runs the selected sections; never throws for a section's failure. */
export async function runBench(o: BenchOptions): Promise<BenchResults> {
  const t0 = performance.now();
  const r: BenchResults = {
    format: 'dlpkit-bench', version: 1, quick: o.quick, note: suiteNote(o), date: new Date().toISOString(), machine: describeMachine(), durationSeconds: 0, sectionSeconds: {}, errors: {},
  };
  const hw = loadHardware('dlp-s');
  const steps: Record<Section, () => Promise<void>> = {
    sim: async () => { r.simulator = { hardware: hw.name, dtype: 'int8', cases: benchSimSpeed(hw, o.quick, o.log) }; },
    scaling: async () => { r.scaling = benchScaling(hw, o.quick, o.log); },
    schedule: async () => { r.schedule = await benchSchedule(o.quick, o.workers, o.log); },
    training: async () => {
      const epochs = o.quick ? 1 : 5;
      o.log(`  host training: 784-128-64-10, batch 100, ${epochs} epoch${epochs > 1 ? 's' : ''}`);
      r.training = { ...(await benchMnistTraining(epochs)), hidden: [128, 64], batch: 100 };
    },
    e2e: async () => {
      o.log(`  end to end: dlp mnist${o.quick ? ' --quick' : ''}`);
      const e = await benchEndToEnd(o.quick);
      r.endToEnd = e;
      if (e.error) r.errors.e2e = e.error;
    },
    asm: async () => { r.assembler = benchAssembler(hw, o.quick, o.log); },
    ratios: async () => { r.ratios = await benchRatios(hw, o.quick, o.log); },
    compile: async () => { r.compile = benchCompileTime(hw, o.quick, o.log); },
  };
  for (const s of SECTIONS) {
    if (!o.only.includes(s)) continue;
    o.log(`[${s}]`);
    const ts = performance.now();
    try {
      await steps[s]();
    } catch (e) {
      r.errors[s] = (e as Error).message;
      o.log(`  failed: ${(e as Error).message}`);
    }
    r.sectionSeconds[s] = (performance.now() - ts) / 1000;
  }
  r.durationSeconds = (performance.now() - t0) / 1000;
  return r;
}

/** The stdout report: one table per section that ran. */
export function formatBench(r: BenchResults): string {
  const m = r.machine;
  const out = [`dlpkit bench${r.quick ? ' (quick)' : ''} — ${r.date}\n${m.cpu}, ${m.cores} cores, Node ${m.node}, load ${m.loadAverage.join(' ')}`];
  if (r.simulator) {
    out.push(formatTable(`1. Simulator speed (${r.simulator.hardware}, int8; median (min–max))`,
      ['case', 'MACs', 'instrs', 'simulate', 'timing only', 'reference', 'MAC/s', 'instr/s', 'sim/ref', 'func/ref', 'timing ovh'],
      r.simulator.cases.map((c) => [c.name, formatCount(c.macs), formatCount(c.instructions), formatRange(c.simulate), formatRange(c.timingOnly),
        formatRange(c.reference), formatCount(c.macsPerSecond), formatCount(c.instructionsPerSecond), formatFixed(c.ratioToReference),
        formatFixed(c.functionalRatioToReference), formatPercent(c.timingOverhead, 0)])));
  }
  if (r.scaling) {
    for (const s of r.scaling) {
      out.push(formatTable(`2. Scaling: ${s.name} — slope of host time vs MACs ${formatFixed(s.slopeHostVsMacs)}, vs instructions ` +
        `${formatFixed(s.slopeHostVsInstructions)}; cycles/MAC vs MACs ${formatFixed(s.slopeCyclesPerMacVsMacs)}`,
      ['widths', 'batch', 'MACs', 'instrs', 'cycles', 'cycles/MAC', 'host'],
      s.points.map((p) => [p.widths.join('-'), String(p.batch), formatCount(p.macs), formatCount(p.instructions), formatCount(p.cycles),
        p.cyclesPerMac.toPrecision(3), formatRange(p.host)])));
    }
  }
  if (r.schedule) {
    const s = r.schedule;
    out.push(formatTable('3. Schedule quality: MNIST MLP (int8); replay err = replayed estimate (consistency), analytic err = the ranking model',
      ['preset', 'batch', 'tuned cycles', 'cycles/roofline', 'naive cycles', 'naive/tuned', 'replay err', 'analytic err'],
      s.mnist.map((x) => [x.preset, String(x.batch), formatCount(x.tunedCycles), formatFixed(x.rooflineRatio, 3), formatCount(x.naiveCycles),
        formatFixed(x.naiveSpeedup), formatPercent(x.predictionError, 2), formatPercent(x.analyticError, 2)])));
    out.push(formatTable(`   Dense-layer suite (K, N ∈ {${s.suite.sizes.join(', ')}}, batch ${s.suite.batches.join('/')}; ` +
      `${s.suite.skipped} runs over the work caps skipped, ${s.overall.failed} failed)`,
    ['preset', 'points', 'median cyc/roof', 'median naive/tuned', 'median replay err', 'median analytic err', 'max analytic err'],
    [...s.perPreset, { preset: 'all', ...s.overall }].map((p) => [p.preset, String(p.points), formatFixed(p.medianRooflineRatio, 3),
      formatFixed(p.medianNaiveSpeedup), formatPercent(p.medianPredictionError, 2), formatPercent(p.medianAnalyticError, 2), formatPercent(p.maxAnalyticError, 1)])));
  }
  if (r.training) {
    const t = r.training;
    out.push(formatTable('4. Host training (784-128-64-10, batch 100)', ['epochs', 's/epoch (median)', 'cpu s/epoch', 'test accuracy', 'MNIST load'],
      [[String(t.epochs), formatSeconds(t.secondsPerEpoch), formatSeconds(t.cpuSecondsPerEpoch), formatPercent(t.testAccuracy, 2), formatSeconds(t.loadSeconds)]]));
  }
  if (r.endToEnd) {
    const e = r.endToEnd;
    const s = e.summary ?? {};
    const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
    out.push(formatTable('5. End to end', ['command', 'wall', 'host acc', 'DLP acc', 'speed-up'],
      [[`dlp mnist${e.quick ? ' --quick' : ''}`, e.error ? `failed: ${e.error}` : formatSeconds(e.wallSeconds),
        formatPercent(num('hostAccuracy'), 2), formatPercent(num('dlpAccuracy'), 2), formatFixed(num('speedup'), 1)]]));
  }
  if (r.assembler) {
    const a = r.assembler;
    out.push(formatTable(`6. Assembler: ${a.program}, ${formatCount(a.textBytes)} bytes of text; median (min–max) of warm runs`,
      ['instrs', 'data values', 'first run', 'warm', 'KB/s', 'instr/s', 'values/s'],
      [[formatCount(a.instructions), formatCount(a.dataValues), formatSeconds(a.firstRunSeconds), formatRange(a.warm),
        formatCount(a.kbPerSecond), formatCount(a.instructionsPerSecond), formatCount(a.dataValuesPerSecond)]]));
  }
  if (r.ratios) {
    const q = r.ratios;
    const ratio = (v: number | undefined, goal: string): string => (v === undefined ? 'n/a' : `${formatFixed(v)} (goal ${goal})`);
    // A paired comparison's rounds (the ratio is their median).
    const rounds = (xs: number[] | undefined): string => (xs && xs.length > 1 ? `; rounds ${xs.map((x) => formatFixed(x)).join(' / ')}` : '');
    const sim = q.simulator;
    // SCALE-Sim's 256³ CPU seconds ÷ 100: what a whole `dlp scalesim` run may cost for the goal.
    const ref256 = q.scalesim.find((c) => c.name.includes('256'))?.reference;
    const budget256 = ref256 ? ref256.seconds.median / 100 : undefined;
    out.push(formatTable('7. Ratios (issue #23): each against its reference in the same run; median (min–max)', ['figure', 'dlpkit', 'reference', 'ratio'], [
      [`simulate int8 ${sim.gemm.join('×')} on ${sim.hardware} vs numpy sgemm`, `${formatRange(sim.dlpkit)} (${formatCount(sim.dlpkitMacsPerSecond)} MAC/s)`,
        sim.numpy ? `${formatRange(sim.numpy.seconds)} (${formatCount(sim.numpyMacsPerSecond!)} MAC/s)` : 'n/a', ratio(sim.ratio, '≤ 20, numpy ÷ dlpkit')],
      ...(sim.twoThreads ? [[`  same, two threads (big steps split ${sim.twoThreads.steps.split}, alone ${sim.twoThreads.steps.solo})`, `${formatRange(sim.twoThreads.wall)} (${formatCount(sim.twoThreads.macsPerSecond)} MAC/s)`, '', ratio(sim.twoThreads.ratio, '≤ 20')]] : []),
      [`  CPU seconds, one thread${sim.twoThreads ? ' / two' : ''}`, `${formatRange(sim.dlpkitCpu)}${sim.twoThreads ? ` / ${formatRange(sim.twoThreads.cpu)}` : ''}`, '', ''],
      [`simulate MNIST MLP batch ${sim.mnist.batch}, one thread${sim.mnist.twoThreads ? ' / two' : ''}`,
        [sim.mnist.oneThread, sim.mnist.twoThreads].filter((x) => x !== undefined).map((x) => `${formatRange(x.wall)} (${formatCount(x.macsPerSecond)} MAC/s)`).join(' / '), '', ''],
      [`host training epoch (SGD, batch 100, ${q.training.threads} thread${q.training.threads > 1 ? 's' : ''}) vs numpy`, formatRange(q.training.dlpkit), q.training.numpy ? formatRange(q.training.numpy.seconds) : 'n/a',
        `${ratio(q.training.ratio, '≤ 1.5, dlpkit ÷ numpy')}${rounds(q.training.rounds)}`],
      [`  same on one thread, CPU seconds vs numpy with one BLAS thread`, formatRange(q.training.oneThread?.cpuSeconds ?? q.training.dlpkitCpu),
        q.training.numpySingleThread ? formatRange(q.training.numpySingleThread.cpuSeconds) : 'n/a',
        `${ratio(q.training.cpuRatioSingleThread, '≤ 1.5')}${rounds(q.training.cpuRounds)}`],
      ...q.scalesim.map((c) => [`dlp scalesim ${c.name}, ${c.caches === 'off' ? 'cold (caches off)' : c.caches === 'code' ? 'new layer (code cache warm, schedule cache off)' : 'caches warm'}${c.cpu ? ' (CPU s)' : ''}`, formatRange(c.cpu ?? c.wall), c.reference ? formatRange(c.reference.seconds) : 'n/a',
        `${ratio(c.ratio, c.name.includes('256') ? '≥ 100, SCALE-Sim ÷ dlpkit' : '≥ 20, SCALE-Sim ÷ dlpkit')}${rounds(c.rounds)}${c.recordedRatio === undefined ? '' : `; ${formatFixed(c.recordedRatio)} against the recorded quiet-machine time`}`]),
      ...(q.searchFloor ?? []).map((f) => {
        // What the goal leaves a search: SCALE-Sim's CPU seconds ÷ the goal, less a run of
        // the same GEMM with its schedule recalled (everything but the search).
        const goal = f.name.includes('256') ? 100 : 20;
        const ref = q.scalesim.find((c) => c.name === f.name && c.caches === 'warm');
        const left = ref?.reference && ref.cpu ? ref.reference.seconds.median / goal - ref.cpu.median : undefined;
        return [`  tuned search alone, ${f.name}, V8's code optimised (in process)`, formatRange(f.seconds), '',
          left === undefined ? '' : left > 0 ? `${goal}× leaves a search ${formatSeconds(left)} CPU` : `${goal}× leaves no search time: the warm run is ${formatSeconds(-left)} over`];
      }),
      ...q.fixedCosts.map((c) => [c.args[0] === '-e' ? c.name : `${c.name}, caches ${c.caches}`, `${formatRange(c.wall)}${c.cpu ? `, CPU ${formatRange(c.cpu)}` : ''}`, '',
        c.name.startsWith('dlp run') ? 'goal ≤ 0.5 s wall' : budget256 !== undefined && c.name.startsWith('dlp scalesim') ? `floor; 100× on 256³ needs ≤ ${formatFixed(budget256)} CPU s` : '']),
    ]));
    for (const n of q.notes) out.push(`  note: ${n}`);
  }
  if (r.compile) {
    const c = r.compile;
    out.push(formatTable(`8. Compile time: width-${c.width} chains on ${c.hardware}, int8, batch 1, tuned; slope of CPU time vs layers ${formatFixed(c.slope)}`,
      ['layers', 'segments', 'instrs', 'cpu', 'wall'],
      c.points.map((p) => [String(p.layers), String(p.segments), formatCount(p.instructions), formatSeconds(p.cpuSeconds), formatSeconds(p.wallSeconds)])));
  }
  for (const [s, msg] of Object.entries(r.errors)) out.push(`\n${s}: failed: ${msg}`);
  const per = Object.entries(r.sectionSeconds).map(([k, v]) => `${k} ${formatSeconds(v)}`).join(', ');
  out.push(`\nbench took ${formatSeconds(r.durationSeconds)} (${per})`);
  return `${out.join('\n')}\n`;
}

/** Writes latest.json (or `out`) and, for a full run to the default place, a dated copy. */
export function saveBench(r: BenchResults, out?: string): string[] {
  const text = `${JSON.stringify(r, null, 2)}\n`;
  if (out) {
    writeFileAtomic(out, text);
    return [out];
  }
  const dir = join(findRepoRoot(), 'bench', 'results');
  const written = [join(dir, 'latest.json')];
  if (!r.quick) written.push(join(dir, `${r.date.slice(0, 10)}-node${process.versions.node.split('.')[0]}.json`));
  for (const f of written) writeFileAtomic(f, text);
  return written;
}

function usage(): string {
  return 'usage: npm run bench -- [--quick] [--only sim,scaling,schedule,training,e2e,asm,ratios,compile] [--out FILE.json] [--workers N]\n';
}

/** Parses the bench's arguments; bad ones are one line. */
export function parseBenchArgs(argv: string[]): Omit<BenchOptions, 'log'> | string {
  const o: Omit<BenchOptions, 'log'> = { quick: false, only: [...SECTIONS] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '--quick') o.quick = true;
      else if (a === '--out') o.out = resolve(value());
      else if (a === '--workers') {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1) return `--workers must be a positive integer, got '${v}'`;
        o.workers = Number(v);
      } else if (a === '--only') {
        const list = value().split(',');
        const bad = list.find((s) => !(SECTIONS as readonly string[]).includes(s));
        if (bad !== undefined) return `--only: unknown section '${bad}' (sections: ${SECTIONS.join(', ')})`;
        o.only = list as Section[];
      } else if (a === '--help' || a === '-h') return usage();
      else return `unknown option '${a}'`;
    } catch (e) {
      return (e as Error).message;
    }
  }
  return o;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const parsed = parseBenchArgs(process.argv.slice(2));
  if (typeof parsed === 'string') {
    process.stderr.write(parsed.startsWith('usage') ? parsed : `error: ${parsed}\n${usage()}`);
    process.exitCode = parsed.startsWith('usage') ? 0 : 1;
  } else {
    const results = await runBench({ ...parsed, log: (s) => process.stderr.write(`${s}\n`) });
    process.stdout.write(formatBench(results));
    for (const f of saveBench(results, parsed.out)) process.stdout.write(`wrote ${f}\n`);
  }
}
