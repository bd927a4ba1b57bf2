// `dlp explore MODEL --sweep KEY=V1,V2,... [--sweep ...] [--hw PRESET|FILE] [--dtype T]
//  [--batch B] [--workers N] [-o DIR] [--json]`: design-space exploration. Every combination
// of the swept values is compiled and simulated (timing only) on a worker pool; the results go
// to DIR/explore.csv, DIR/explore.svg (cycles vs energy with the Pareto front, and a roofline)
// and DIR/explore.json, written only once every point is done. Ctrl-C stops the workers and
// writes nothing.
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { join } from 'node:path';
import { DlpError } from '../../isa/errors.js';
import { writeFileAtomic } from '../../isa/files.js';
import { loadHardware } from '../../isa/hardware.js';
import { loadModelFile } from '../../compiler/load-model.js';
import {
  defaultWorkerCount, exploreDesignSpace, formatExploreCsv, parseSweep, renderExploreSvg, SWEEP_ALIASES,
  type Exploration, type PointResult,
} from '../../runtime/explore/index.js';
import { addExamples, parseChoice, parseDtype, parsePositiveInt, withInterrupt } from '../options.js';

interface ExploreCliOptions {
  sweep: string[];
  hw: string;
  dtype?: string;
  batch?: string;
  schedule?: string;
  seed?: string;
  workers?: string;
  out: string;
  json?: boolean;
}

export const EXPLORE_FILES = { csv: 'explore.csv', svg: 'explore.svg', json: 'explore.json' } as const;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A progress bar on stderr when it is a terminal; nothing otherwise. */
function createProgress(total: number, quiet: boolean): { update(done: number): void; stop(): void } {
  if (quiet || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar({
    format: 'exploring |{bar}| {value}/{total} points | ETA {eta_formatted}', stream: process.stderr, hideCursor: true, fps: 10,
  }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}

function describe(r: PointResult): string {
  return Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ');
}

/** The summary printed after a run: counts and the Pareto front as a small table. */
export function formatExploreSummary(x: Exploration, outDir: string): string {
  const failed = x.results.filter((r) => !r.metrics);
  const lines = [`${x.results.length} points, ${x.pareto.length} on the Pareto front (cycles vs energy)${failed.length ? `, ${failed.length} failed` : ''}`];
  const rows = x.pareto.map((i) => {
    const r = x.results[i]!;
    const m = r.metrics!;
    return [describe(r), String(m.cycles), (m.energyJoules * 1e3).toPrecision(4), `${(m.mfuUtilization * 100).toFixed(1)} %`, m.rooflineRatio.toFixed(2), m.boundBy];
  });
  const head = ['point', 'cycles', 'energy mJ', 'MFU util', 'cyc/roof', 'bound'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const fmt = (row: string[]) => `  ${row.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ')}`;
  lines.push(fmt(head), ...rows.map(fmt));
  for (const r of failed.slice(0, 5)) lines.push(`  failed: ${describe(r)}: ${r.error}`);
  if (failed.length > 5) lines.push(`  ... and ${failed.length - 5} more failures (see the CSV)`);
  lines.push(`wrote ${join(outDir, EXPLORE_FILES.csv)}, ${join(outDir, EXPLORE_FILES.svg)} and ${join(outDir, EXPLORE_FILES.json)}`);
  return `${lines.join('\n')}\n`;
}

async function runExplore(file: string, o: ExploreCliOptions): Promise<void> {
  if (o.sweep.length === 0) {
    throw new DlpError(`give at least one --sweep KEY=V1,V2,... (keys: ${Object.keys(SWEEP_ALIASES).join(', ')}, or a dotted hardware path)`);
  }
  const axes = o.sweep.map(parseSweep);
  const hw = loadHardware(o.hw);
  const { model } = loadModelFile(file);
  const dtype = parseDtype(o.dtype);
  const batch = parsePositiveInt('batch', o.batch, 256);
  const schedule = parseChoice('schedule', o.schedule, ['tuned', 'naive'] as const, 'tuned');
  const seed = parsePositiveInt('seed', o.seed, 1);
  const workers = parsePositiveInt('workers', o.workers, defaultWorkerCount());
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  const progress = createProgress(total, Boolean(o.json));
  let x: Exploration;
  try {
    x = await withInterrupt((signal) => exploreDesignSpace(model, hw, axes, {
      dtype, batch, schedule, seed, workers, signal, onProgress: (done) => progress.update(done),
    }).catch((e: unknown) => {
      if (signal.aborted) throw new DlpError('interrupted: the exploration was stopped and no files were written');
      throw e;
    }));
  } finally {
    progress.stop();
  }
  // Every point is done: only now touch the disk, one atomic file at a time.
  const title = `${model.name} on ${hw.name} (${dtype}, batch ${batch}, ${schedule})`;
  const json = { model: model.name, hardware: hw.name, dtype, batch, schedule, seed, keys: x.keys, pareto: x.pareto, results: x.results };
  writeFileAtomic(join(o.out, EXPLORE_FILES.csv), formatExploreCsv(x.keys, x.results, x.pareto));
  writeFileAtomic(join(o.out, EXPLORE_FILES.svg), renderExploreSvg(title, x.results, x.pareto));
  writeFileAtomic(join(o.out, EXPLORE_FILES.json), `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(o.json ? `${JSON.stringify(json)}\n` : formatExploreSummary(x, o.out));
}

export function register(program: Command): void {
  const keys = Object.entries(SWEEP_ALIASES).map(([k, a]) => `  ${k.padEnd(18)} ${a.what}`).join('\n');
  const cmd = program.command('explore')
    .description('design-space exploration: sweep hardware parameters, simulate every point in parallel, mark the Pareto front')
    .argument('<model>', 'model file (.mlp, .json or .onnx)')
    .option('--sweep <KEY=V1,V2,...>', 'a swept parameter and its values (repeatable; points are all combinations)', collect, [] as string[])
    .option('--hw <preset|file.json>', 'base hardware preset name or JSON file', 'dlp-s')
    .option('--dtype <type>', 'operand type: int8, int16 or fp32', 'int8')
    .option('--batch <B>', 'rows per program run', '256')
    .option('--schedule <kind>', 'tuned or naive', 'tuned')
    .option('--seed <N>', 'seed of the random weights (timing does not depend on them)', '1')
    .option('--workers <N>', `worker threads (default: all ${defaultWorkerCount()} cores)`)
    .option('-o, --out <dir>', 'output folder for explore.csv, explore.svg and explore.json', './dlp-explore')
    .option('--json', 'print the results as one JSON object (no progress bar)')
    .addHelpText('after', `\nSweep keys (or any dotted hardware path, e.g. vfu.lanes or queues.load):\n${keys}`)
    .action((file: string, opts: ExploreCliOptions) => runExplore(file, opts));
  addExamples(cmd, 'dlp explore examples/mnist.mlp --sweep pes=8,16,32,64 --sweep dramBytesPerCycle=8,16,32,64',
    'dlp explore examples/mnist.mlp --hw systolic-16-os --sweep rows=8,16,32 --sweep dataflow=os,ws -o sweep/');
}
