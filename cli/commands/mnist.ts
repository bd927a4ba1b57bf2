// `dlp mnist`: the whole course in one command. Load MNIST, train the default MLP on the host
// (progress bar per epoch), evaluate it and time the CPU forward pass over the test set as one
// batch (warmed up, median of several runs: cli/report/host-timing.ts), quantise and compile it
// for a DLP, run the test set on the cycle-level simulator, print the comparison and write the report folder (report.json, report.html, trace.json,
// model.safetensors, bundle/) in one atomic step at the very end.
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { DlpError } from '../../isa/errors.js';
import { writeFileAtomic } from '../../isa/files.js';
import { type HardwareConfig } from '../../isa/hardware.js';
import { loadHardware } from '../../isa/node.js';
import { writeBundle } from '../../compiler/bundle-files.js';
import type { ComputeDType } from '../../compiler/passes/quantize.js';
import { traceToJson, type TraceEvent } from '../../simulator/index.js';
import {
  compileForDevice, createMlp, defaultMnistSpec, defaultTrainOptions, loadMnist, sampleCalibration, saveModel, train,
  type Mnist, type Model, type TrainResult,
} from '../../runtime/index.js';
import { addExamples, parseDtype, parseHidden, parsePositiveInt, parseSeed } from '../options.js';
import { chooseProgressMode, createEpochProgress } from '../progress.js';
import { gradeSpeedup, speedupRange, timeHostCpu } from '../report/host-timing.js';
import { renderReportHtml } from '../report/page.js';
import {
  buildLayerRows, hardwareSummary, REPORT_FILES, REPORT_FORMAT, REPORT_VERSION, reportToJson, summarise,
  type MnistReport,
} from '../report/report-data.js';
import { formatSummary } from '../report/summary.js';
import { checkOutputFolder, writeOutputFolder } from '../output/folder.js';

/** --quick: this many training and test images, one epoch. */
export const QUICK_SUBSET = 2000;
/** Training rows used to calibrate the int8/int16 activation scales. */
const CALIBRATION_ROWS = 1000;

interface MnistCliOptions {
  epochs?: string;
  hidden?: string;
  batch?: string;
  seed?: string;
  dtype?: string;
  hw: string;
  out: string;
  json?: boolean;
  quick?: boolean;
  force?: boolean;
}

interface MnistSettings {
  epochs: number;
  hidden: number[];
  batch: number;
  seed: number;
  dtype: ComputeDType;
  hw: HardwareConfig;
  out: string;
  json: boolean;
  quick: boolean;
  force: boolean;
}

function normalise(o: MnistCliOptions): MnistSettings {
  const quick = Boolean(o.quick);
  return {
    quick,
    epochs: parsePositiveInt('epochs', o.epochs, quick ? 1 : defaultTrainOptions.epochs),
    hidden: parseHidden(o.hidden, defaultMnistSpec.hidden),
    batch: parsePositiveInt('batch', o.batch, defaultTrainOptions.batchSize),
    seed: parseSeed('seed', o.seed, 1),
    dtype: parseDtype(o.dtype),
    // Loaded before training so a bad --hw fails in a second, not after minutes.
    hw: loadHardware(o.hw),
    out: o.out,
    json: Boolean(o.json),
    force: o.force === true,
  };
}

function throwIfInterrupted(signal: AbortSignal | undefined, step: string): void {
  if (signal?.aborted) throw new DlpError(`interrupted (Ctrl-C) ${step}; no report was written`);
}

async function trainHost(s: MnistSettings, data: Mnist, signal?: AbortSignal): Promise<{ model: Model; result: TrainResult }> {
  const model = createMlp({ ...defaultMnistSpec, hidden: s.hidden, seed: s.seed });
  const progress = createEpochProgress(chooseProgressMode(s.json), s.epochs);
  try {
    const result = await train(model, data.train, {
      ...defaultTrainOptions, epochs: s.epochs, batchSize: s.batch, seed: s.seed, ...(signal ? { signal } : {}),
      onBatch: (done, total) => progress.onBatch(done, total), onEpoch: (r) => progress.onEpoch(r),
    });
    if (result.aborted) throw new DlpError(`interrupted (Ctrl-C) during training epoch ${result.history.length + 1} of ${s.epochs}; no report was written`);
    return { model, result };
  } finally {
    progress.stop();
  }
}

/** Runs steps 1–5 and returns the report and the trace of one batch (nothing written yet). */
export async function runMnist(s: MnistSettings, signal?: AbortSignal): Promise<{ report: MnistReport; trace: TraceEvent[]; model: Model; write: (dir: string) => void }> {
  const data = loadMnist(s.quick ? { subset: QUICK_SUBSET } : {});
  const { model, result } = await trainHost(s, data, signal);
  const test = data.test;
  const hostAccuracy = model.evaluate(test).accuracy;
  // Host forward passes over all test rows as one batch: full-size warm-up, then timed runs.
  // The grade's basis: the process CPU time of each run (docs/report.md, "Host timing").
  const { cpu: host, wall } = timeHostCpu(() => { model.forward(test.x, test.n); });
  throwIfInterrupted(signal, 'after training');

  const calibration = sampleCalibration(data.train.x, data.train.features, CALIBRATION_ROWS);
  const device = compileForDevice(model, undefined, { hw: s.hw, dtype: s.dtype, calibration });
  const run = device.accuracy(test.x, test.y as Uint8Array);
  throwIfInterrupted(signal, 'during the DLP run');
  const traceRows = Math.min(s.batch, test.n, device.batch);
  const traced = device.trace(test.x, traceRows);

  const r = run.report;
  const bundle = device.bundleFor(Math.min(test.n, device.batch));
  const segments = bundle.plans.segments.map((seg) => seg.layers.map((t) => bundle.layout.quant.layers[t.layer]!.name));
  const architecture = [model.inputSize, ...s.hidden, model.outputSize].join('-');
  const report: MnistReport = {
    format: REPORT_FORMAT, version: REPORT_VERSION, createdAt: new Date().toISOString(),
    config: {
      architecture, hidden: s.hidden, epochs: s.epochs, batch: s.batch, seed: s.seed, dtype: s.dtype, hw: s.hw.name,
      quick: s.quick, trainSamples: data.train.n, testSamples: test.n, calibrationRows: calibration.length / data.train.features,
    },
    hostAccuracy, dlpAccuracy: run.accuracy, cpuForwardSeconds: host.median, cpuForwardSamples: host.samples, hostWallSeconds: wall.median, hostWallSamples: wall.samples,
    dlpSeconds: r.seconds, speedup: host.median / r.seconds, speedupRange: speedupRange(host, r.seconds),
    grade: s.quick ? null : gradeSpeedup(host.median / r.seconds, s.hw.clockHz),
    cycles: r.cycles, cycleBreakdown: r.cycleBreakdown, dramReadBytes: r.dramReadBytes, dramWriteBytes: r.dramWriteBytes,
    dramBytesPerSecond: r.avgDramBytesPerCycle * s.hw.clockHz, dramBandwidthFraction: r.dramBandwidthFraction,
    mfuUtilization: r.mfuUtilization, energyJoules: r.energy.totalJoules, energyScope: r.energy.scope, layers: buildLayerRows(r, segments),
    hardware: hardwareSummary(s.hw, s.dtype),
    training: {
      seconds: result.seconds,
      history: result.history.map((e) => ({ epoch: e.epoch, loss: e.loss, accuracy: e.accuracy, lr: e.lr, seconds: e.seconds })),
    },
    host: {
      compileSeconds: run.times.compileSeconds, transferSeconds: run.times.transferSeconds, simulateSeconds: run.times.simulateSeconds,
    },
    trace: { file: REPORT_FILES.trace, rows: traceRows, cycles: traced.report.cycles, instructions: traced.report.instructions },
    simulator: r,
    reportDir: s.out,
  };
  const write = (dir: string): void => {
    writeFileAtomic(join(dir, REPORT_FILES.json), reportToJson(report));
    writeFileAtomic(join(dir, REPORT_FILES.html), renderReportHtml(report, traced.trace));
    writeFileAtomic(join(dir, REPORT_FILES.trace), traceToJson(traced.trace));
    saveModel(model, join(dir, REPORT_FILES.weights));
    writeBundle(join(dir, REPORT_FILES.bundle), bundle);
  };
  return { report, trace: traced.trace, model, write };
}

export function register(program: Command): void {
  const cmd = program.command('mnist')
    .description('train an MLP on MNIST, compile it for a DLP, simulate the 10k test set and write a report')
    .option('--epochs <N>', `training epochs (default ${defaultTrainOptions.epochs}; 1 with --quick)`)
    .option('--hidden <sizes>', 'hidden layer widths, comma-separated', defaultMnistSpec.hidden.join(','))
    .option('--batch <B>', 'training batch size (and the rows of the traced batch)', String(defaultTrainOptions.batchSize))
    .option('--seed <N>', 'seed of initialisation and shuffling', '1')
    .option('--dtype <type>', 'operand type on the DLP: int8, int16 or fp32', 'int8')
    .option('--hw <preset|file.json>', 'hardware preset name or JSON file', 'dlp-s')
    .option('--out <dir>', 'report folder (replaced only if dlpkit wrote it)', './dlp-report')
    .option('--force', 'write into a non-empty folder dlpkit did not write (only dlpkit\'s own files are replaced)')
    .option('--json', 'print one JSON object (no progress bar)')
    .option('--quick', `smoke test: the first ${QUICK_SUBSET} training and test images, one epoch`)
    .action(async (opts: MnistCliOptions) => {
      const s = normalise(opts);
      const out = { flag: '--out', kind: 'mnist-report', force: s.force };
      checkOutputFolder(s.out, out);
      // Ctrl-C is not caught: it ends the process at once, before the report folder is written.
      const { report, write } = await runMnist(s);
      report.reportDir = resolve(s.out);
      writeOutputFolder(s.out, out, write);
      process.stdout.write(s.json ? reportToJson(summarise(report)) : formatSummary(report));
    });
  addExamples(cmd, 'dlp mnist', 'dlp mnist --quick --out /tmp/dlp-report', 'dlp mnist --dtype int16 --hw edge-tiny --epochs 10 --json');
}
