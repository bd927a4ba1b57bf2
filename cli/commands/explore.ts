// `dlp explore MODEL --sweep KEY=V1,V2,... [--sweep ...] [--hw PRESET|FILE] [--dtype T]
//  [--batch B] [--workers N] [-o DIR] [--json]`: design-space exploration. Every combination
// of the swept values is compiled and simulated (timing only) on a worker pool; the results go
// to DIR/explore.csv, DIR/explore.svg (cycles vs energy with the Pareto front, and a roofline)
// and DIR/explore.json, written only once every point is done. Ctrl-C stops the workers and
// writes nothing.
import { renderExploreSvg } from '../report/charts/explore.js';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DlpError } from '../../isa/errors.js';
import { writeFileAtomic } from '../../isa/files.js';
import { loadHardware } from '../../isa/node.js';
import { alignRow, columnWidths, formatPercent } from '../../simulator/index.js';
import { loadModelFile } from '../../compiler/load-model.js';
import {
  assembleSweep, checkJobsFile, createPlan, defaultWorkerCount, formatJobs, formatMergedCsv, formatPlan, mergedJson,
  mergeSweepDir, parseShard, parseSweep, planTasks, PLAN_FILES, readPlan, runPoints, runShard,
  shardFromEnv, SWEEP_ALIASES, type Exploration, type MergedSweep, type PointResult, type SweepPlan,
} from '../../runtime/explore/index.js';
import { dlpCommand, formatSbatch, measurePoints } from './explore-slurm.js';
import { setEngineFlag } from '../engine-flags.js';
import { addExamples, parseChoice, parseDtype, parsePositiveInt, parseSeed } from '../options.js';
import { checkOutputFolder, writeOutputFolder, type OutputFolderOptions } from '../output/folder.js';

interface ExploreCliOptions {
  sweep: string[];
  plan?: string;
  run?: string;
  merge?: string;
  shard?: string;
  shardFromEnv?: boolean;
  shards?: string;
  slurm?: boolean;
  hw: string;
  dtype?: string;
  batch?: string;
  schedule?: string;
  seed?: string;
  workers?: string;
  out: string;
  json?: boolean;
  force?: boolean;
}

export const EXPLORE_FILES = { csv: 'explore.csv', svg: 'explore.svg', json: 'explore.json' } as const;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A progress bar on stderr when it is a terminal; nothing otherwise. */
function createProgress(total: number, quiet: boolean): { update(done: number): void; stop(): void } {
  if (quiet || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar({
    format: 'exploring |{bar}| {value}/{total} points | ETA {eta_formatted}', stream: process.stderr, hideCursor: false, fps: 10,
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
    return [describe(r), String(m.cycles), (m.energyJoules * 1e3).toPrecision(4), formatPercent(m.mfuUtilization, 1), m.rooflineRatio.toFixed(2), m.boundBy];
  });
  const head = ['point', 'cycles', 'energy mJ', 'MFU util', 'cyc/roof', 'bound'];
  const widths = columnWidths([head, ...rows]);
  const fmt = (row: string[]) => `  ${alignRow(row, widths)}`;
  lines.push(fmt(head), ...rows.map(fmt));
  for (const r of failed.slice(0, 5)) lines.push(`  failed: ${describe(r)}: ${r.error}`);
  if (failed.length > 5) lines.push(`  ... and ${failed.length - 5} more failures (see the CSV)`);
  lines.push(`wrote ${join(outDir, EXPLORE_FILES.csv)}, ${join(outDir, EXPLORE_FILES.svg)} and ${join(outDir, EXPLORE_FILES.json)}`);
  return `${lines.join('\n')}\n`;
}

interface LoadedSweep {
  plan: SweepPlan;
  title: (model: string) => string;
}

/** Models, hardware, axes and options from the command line, validated before any work. */
function loadSweep(files: string[], o: ExploreCliOptions): LoadedSweep {
  if (files.length === 0) throw new DlpError('give at least one model file (or --run DIR / --merge DIR for a planned sweep)');
  if (o.sweep.length === 0) {
    throw new DlpError(`give at least one --sweep KEY=V1,V2,... (keys: ${Object.keys(SWEEP_ALIASES).join(', ')}, or a dotted hardware path)`);
  }
  const axes = o.sweep.map(parseSweep);
  const hw = loadHardware(o.hw);
  const models = files.map((f) => loadModelFile(f).model);
  const options = {
    dtype: parseDtype(o.dtype),
    batch: parsePositiveInt('batch', o.batch, 256),
    schedule: parseChoice('schedule', o.schedule, ['tuned', 'naive'] as const, 'tuned'),
    seed: parseSeed('seed', o.seed, 1),
  };
  const plan = createPlan(models, hw, axes, options);
  return { plan, title: titleOf(plan) };
}

function titleOf(plan: SweepPlan): (model: string) => string {
  const { dtype, batch, schedule } = plan.options;
  return (model) => `${model} on ${plan.hardware.name} (${dtype}, batch ${batch}, ${schedule})`;
}

/** explore.csv, .json and .svg (plus explore-MODEL.svg per model of a suite): one atomic file each into a plan folder, else one owned output folder. */
function writeMerged(outDir: string, plan: SweepPlan, m: MergedSweep, folder?: OutputFolderOptions): string[] {
  const title = titleOf(plan);
  const files: Array<[string, string]> = [
    [EXPLORE_FILES.csv, formatMergedCsv(m)],
    [EXPLORE_FILES.json, `${JSON.stringify(mergedJson(plan, m), null, 2)}\n`],
  ];
  if (m.models.length === 1) files.push([EXPLORE_FILES.svg, renderExploreSvg(title(m.models[0]!.model), m.models[0]!.results, m.models[0]!.pareto)]);
  else {
    files.push([EXPLORE_FILES.svg, renderExploreSvg(title(`suite (${m.models.map((s) => s.model).join(' + ')})`), m.suite!.results, m.suite!.pareto)]);
    for (const s of m.models) files.push([`explore-${safeName(s.model)}.svg`, renderExploreSvg(title(s.model), s.results, s.pareto)]);
  }
  if (folder) writeOutputFolder(outDir, folder, (dir) => { for (const [name, text] of files) writeFileSync(join(dir, name), text); });
  else for (const [name, text] of files) writeFileAtomic(join(outDir, name), text);
  return files.map(([name]) => join(outDir, name));
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** The summary after a run or a merge: counts, then each Pareto front as a small table. */
export function formatMergedSummary(m: MergedSweep, written: string[]): string {
  const ran = m.total - m.missing.length;
  const lines: string[] = [];
  if (m.missing.length) lines.push(`${ran} of ${m.total} points finished, ${m.missing.length} missing`);
  if (m.models.length > 1) lines.push(`${m.models.length} models: ${m.models.map((s) => s.model).join(', ')}; the suite is their sum per hardware point`);
  const sections = m.models.length > 1 ? [...m.models, m.suite!] : m.models;
  for (const s of sections) {
    const x: Exploration = { keys: m.keys, results: s.results, pareto: s.pareto };
    const label = m.models.length > 1 ? `${s.model}: ` : '';
    lines.push(...formatExploreSummary(x, '').trimEnd().split('\n').slice(0, -1).map((l, i) => (i === 0 ? `${label}${l}` : l)));
  }
  for (const j of m.missing.slice(0, 5)) lines.push(`  missing: ${j.id} (${j.model} #${j.index} ${Object.entries(j.params).map(([k, v]) => `${k}=${v}`).join(' ')})`);
  if (m.missing.length > 5) lines.push(`  ... and ${m.missing.length - 5} more missing (explore.json lists them)`);
  lines.push(`wrote ${written.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

async function runExplore(files: string[], o: ExploreCliOptions): Promise<void> {
  // V8's own growth of the young generation (its default factor, 2), which the bin turns off
  // for short runs (cli/bin.ts): the pool's workers compile point after point and keep more
  // alive between collections. V8's flags are the process's, so the workers share it.
  setEngineFlag('--semi-space-growth-factor=2');
  const modes = [o.plan !== undefined, o.run !== undefined, o.merge !== undefined].filter(Boolean).length;
  if (modes > 1) throw new DlpError('--plan, --run and --merge are separate steps; give one of them');
  if (o.run !== undefined) return runShardCommand(o.run, o);
  if (o.merge !== undefined) return mergeCommand(o.merge, o);
  for (const [flag, given] of [['--shard', o.shard !== undefined], ['--shard-from-env', o.shardFromEnv], ['--slurm', o.slurm], ['--shards', o.shards !== undefined]] as const) {
    if (given && !(o.plan !== undefined && (flag === '--slurm' || flag === '--shards'))) throw new DlpError(`${flag} only goes with ${flag.startsWith('--shard') && flag !== '--shards' ? '--run DIR' : '--plan DIR'}`);
  }
  const { plan } = loadSweep(files, o);
  if (o.plan !== undefined) return planCommand(o.plan, plan, o);
  const folder = { flag: '-o', kind: 'explore-report', force: o.force === true };
  checkOutputFolder(o.out, folder);
  const tasks = planTasks(plan);
  const workers = parsePositiveInt('workers', o.workers, defaultWorkerCount());
  const progress = createProgress(tasks.length, Boolean(o.json));
  let results: PointResult[];
  try {
    // Ctrl-C is not caught: it ends the process and its workers at once, before any file is written.
    results = await runPoints(tasks.map((t) => t.task), { workers, onProgress: (done) => progress.update(done) });
  } finally {
    progress.stop();
  }
  // Every point is done: only now touch the disk, one atomic file at a time.
  const byId = new Map(tasks.map((t, i) => [t.job.id, results[i]!]));
  const merged = assembleSweep(plan, (job) => byId.get(job.id));
  const written = writeMerged(o.out, plan, merged, folder);
  process.stdout.write(o.json ? `${JSON.stringify(mergedJson(plan, merged))}\n` : formatMergedSummary(merged, written));
}

/** `--plan DIR`: plan.json + jobs.jsonl (+ sbatch.sh with --slurm); results of an identical earlier plan are kept. */
async function planCommand(dir: string, plan: SweepPlan, o: ExploreCliOptions): Promise<void> {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new DlpError(`--plan ${dir}: exists and is not a folder`);
    const entries = readdirSync(dir);
    if (entries.length > 0 && !entries.includes(PLAN_FILES.plan)) {
      throw new DlpError(`--plan ${dir}: the folder is not empty and holds no sweep plan; choose an empty or new folder`);
    }
  }
  const jobs = planTasks(plan);
  const shards = o.shards === undefined ? Math.min(jobs.length, 100) : parsePositiveInt('shards', o.shards, 1);
  if (shards > jobs.length) throw new DlpError(`--shards ${shards} is more than the ${jobs.length} points`);
  const script = o.slurm ? formatSbatch(resolve(dir), shards, jobs.length, await measurePoints(plan), dlpCommand()) : undefined;
  writeFileAtomic(join(dir, PLAN_FILES.plan), formatPlan(plan));
  writeFileAtomic(join(dir, PLAN_FILES.jobs), formatJobs(jobs.map((j) => j.job)));
  if (script) {
    writeFileAtomic(join(dir, PLAN_FILES.sbatch), script);
    // Slurm opens each task's --output file before the task runs: the folder must exist.
    mkdirSync(join(dir, PLAN_FILES.logs), { recursive: true });
  }
  const lines = [
    `${jobs.length} points (${plan.models.length} model${plan.models.length > 1 ? 's' : ''} × ${jobs.length / plan.models.length} hardware points) planned in ${dir}`,
    script
      ? `submit: sbatch ${join(dir, PLAN_FILES.sbatch)}   (a job array of ${shards} tasks)`
      : `run: dlp explore --run ${dir} --shard I/${shards}   for I = 0 … ${shards - 1} (any machines, any order)`,
    `then: dlp explore --merge ${dir}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `--run DIR`: this shard's unfinished points, one result file each. */
async function runShardCommand(dir: string, o: ExploreCliOptions): Promise<void> {
  if (o.shard !== undefined && o.shardFromEnv) throw new DlpError('give --shard I/N or --shard-from-env, not both');
  const plan = readPlan(dir);
  checkJobsFile(dir, plan);
  const shard = o.shard !== undefined ? parseShard(o.shard) : o.shardFromEnv ? shardFromEnv(process.env) : { index: 0, count: 1 };
  const quiet = Boolean(o.json);
  const r = await runShard(dir, plan, {
    ...shard,
    onPoint: (p) => {
      if (quiet || !p.last) return;
      const m = p.last.metrics;
      process.stdout.write(`${p.last.id} ${p.last.model} #${p.last.index} ${m ? `ok ${m.cycles} cycles` : `error: ${p.last.error}`}\n`);
    },
  });
  const summary = { shard: `${shard.index}/${shard.count}`, points: r.total, ran: r.done, skipped: r.skipped, failed: r.failed };
  process.stdout.write(quiet ? `${JSON.stringify(summary)}\n`
    : `shard ${summary.shard}: ${r.total} points, ${r.done} ran${r.failed ? ` (${r.failed} failed)` : ''}, ${r.skipped} already finished\n`);
}

/** `--merge DIR`: whatever has finished, into explore.csv/.json/.svg inside DIR. */
async function mergeCommand(dir: string, o: ExploreCliOptions): Promise<void> {
  const plan = readPlan(dir);
  checkJobsFile(dir, plan);
  const merged = mergeSweepDir(dir, plan);
  const written = writeMerged(dir, plan, merged);
  process.stdout.write(o.json ? `${JSON.stringify(mergedJson(plan, merged))}\n` : formatMergedSummary(merged, written));
}

export function register(program: Command): void {
  const keys = Object.entries(SWEEP_ALIASES).map(([k, a]) => `  ${k.padEnd(18)} ${a.what}`).join('\n');
  const cmd = program.command('explore')
    .description('design-space exploration: sweep hardware parameters, simulate every point in parallel, mark the Pareto front')
    .argument('[models...]', 'model files (.mlp, .json or .onnx); several make a suite')
    .option('--sweep <KEY=V1,V2,...>', 'a swept parameter and its values (repeatable; points are all combinations)', collect, [] as string[])
    .option('--hw <preset|file.json>', 'base hardware preset name or JSON file', 'dlp-s')
    .option('--dtype <type>', 'operand type: int8, int16 or fp32', 'int8')
    .option('--batch <B>', 'rows per program run', '256')
    .option('--schedule <kind>', 'tuned or naive', 'tuned')
    .option('--seed <N>', 'accepted for the scripts that pass it; changes no figure (points compile without weights, which timing does not read)', '1')
    .option('--workers <N>', `worker threads (default: all ${defaultWorkerCount()} cores)`)
    .option('-o, --out <dir>', 'output folder for explore.csv, explore.svg and explore.json (replaced only if dlpkit wrote it)', './dlp-explore')
    .option('--force', 'write into a non-empty folder dlpkit did not write (only dlpkit\'s own files are replaced)')
    .option('--json', 'print the results as one JSON object (no progress bar)')
    .option('--plan <dir>', 'write the sweep as a job list (plan.json, jobs.jsonl) into DIR instead of running it')
    .option('--slurm', 'with --plan: also write DIR/sbatch.sh, a Slurm job array with measured time and memory per task')
    .option('--shards <N>', 'with --plan: the number of shards (array tasks); default min(points, 100)')
    .option('--run <dir>', 'run the unfinished points of a planned sweep (all of them, or one shard)')
    .option('--shard <I/N>', 'with --run: only points k with k mod N = I (0 <= I < N)')
    .option('--shard-from-env', 'with --run: the shard of this Slurm array task (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT)')
    .option('--merge <dir>', 'gather the finished points of a planned sweep into DIR/explore.csv, .json and .svg')
    .addHelpText('after', `\nSweep keys (or any dotted hardware path, e.g. vfu.lanes or queues.load):\n${keys}`)
    .action((files: string[], opts: ExploreCliOptions) => runExplore(files, opts));
  addExamples(cmd, 'dlp explore examples/mnist.mlp --sweep pes=8,16,32,64 --sweep dramBytesPerCycle=8,16,32,64',
    'dlp explore examples/mnist.mlp --hw systolic-16-os --sweep rows=8,16,32 --sweep dataflow=os,ws -o sweep/',
    'dlp explore a.mlp b.mlp --sweep pes=8,16,32 --plan sweep/ --slurm && sbatch sweep/sbatch.sh && dlp explore --merge sweep/');
}
