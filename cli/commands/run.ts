// `dlp run MODEL --hw ... --batch B [--dtype ...] [--json] [--trace F] [--explain]
//  [--sparsity-report]`: compile and simulate in one go and print the simulator report. Inputs
// are seeded uniform values in [0, 1) (the range of normalised MNIST pixels); `--explain` adds
// predicted vs simulated cycles; `--input X --output Y` runs the user's rows instead (.npy, .csv
// or one-tensor .safetensors in; .npy or .csv out, the dequantised fp32 outputs in row order,
// batches larger than --batch in chunks); `--sparsity-report` compiles and simulates the model with and
// without zero-tile skipping and prints what skipping saved per layer (docs/sparsity.md).
import type { Command } from 'commander';
import { createRng } from '../../isa/rng.js';
import { writeInputs } from '../../compiler/bundle.js';
import { explainBundle } from '../../compiler/explain.js';
import { formatReport, simulate, traceToJson } from '../../simulator/index.js';
import { compareSparse, formatSparseComparison } from '../../runtime/offload/sparse-compare.js';
import { simulatorTiles } from '../../runtime/sim-threads.js';
import { compile } from '../../compiler/pipeline.js';
import { addModelOptions, compileFromCli, resolveCompileInputs, type ModelCliOptions } from './compile.js';
import { checkOutputPath, readInputRows, runRows, writeOutputRows } from '../io/rows.js';
import { DlpError } from '../../isa/errors.js';
import { checkOutputFile, writeOutputFile } from '../output/file.js';

export function register(program: Command): void {
  addModelOptions(program.command('run').description('compile a model and run it on the cycle-level simulator'))
    .option('--json', 'print the report as JSON')
    .option('--trace <file.json>', 'write a Chrome/Perfetto trace')
    .option('--sparsity-report', 'run with and without zero-tile skipping and print cycles, DRAM bytes and energy saved')
    .option('--input <file>', 'rows to run: .npy (float32/float64/uint8), .csv or one-tensor .safetensors, [rows, features] or [rows, ...]')
    .option('--output <file>', 'write the outputs for --input rows: .npy (float32) or .csv')
    .action((file: string, opts: ModelCliOptions & { json?: boolean; trace?: string; sparsityReport?: boolean; input?: string; output?: string }) => {
      if (opts.input || opts.output) return runUserRows(file, opts);
      const traceOut = { flag: '--trace', inputs: [file, opts.weights, opts.calibration, opts.hw] };
      if (opts.trace) checkOutputFile(opts.trace, traceOut);
      if (opts.sparsityReport) {
        const { hw, model, weights, options } = resolveCompileInputs(file, opts);
        const c = compareSparse(model, weights, hw, { ...options, seed: Number(opts.seed ?? 1) });
        if (opts.json) {
          const { denseBundle: _d, sparseBundle: _s, ...rest } = c;
          process.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
        } else {
          process.stdout.write(formatSparseComparison(c));
        }
        return;
      }
      const { bundle, hw, model } = compileFromCli(file, opts);
      const rng = createRng(Number(opts.seed ?? 1));
      const x = new Float32Array(bundle.batch * model.inputSize);
      for (let i = 0; i < x.length; i++) x[i] = rng();
      const dram = bundle.image.slice();
      writeInputs(bundle, dram, x);
      const result = simulate(bundle.program, hw, { dram, trace: Boolean(opts.trace), tiles: simulatorTiles() });
      if (opts.trace) writeOutputFile(opts.trace, traceToJson(result.trace!), traceOut);
      const r = result.report;
      const perLayer = Object.fromEntries(r.perLayer.map((l) => [l.name, l.cycles]));
      if (opts.json) {
        const out = opts.explain ? { report: r, predicted: bundle.estimate, plans: bundle.plans } : r;
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      process.stdout.write(formatReport(r));
      if (opts.explain) process.stdout.write(`\n${explainBundle(bundle, hw, { cycles: r.cycles, perLayer })}`);
    });
}

/** Input rows used to calibrate int8/int16 scales when no --calibration file is given. */
export const CALIBRATION_ROWS = 1024;

/** `dlp run MODEL --input X --output Y`: the user's rows through the simulated DLP. */
function runUserRows(file: string, opts: ModelCliOptions & { json?: boolean; trace?: string; sparsityReport?: boolean; input?: string; output?: string }): void {
  if (!opts.input || !opts.output) throw new DlpError('--input and --output go together (rows in, outputs out)');
  if (opts.trace || opts.sparsityReport) throw new DlpError('--input/--output cannot be combined with --trace or --sparsity-report');
  checkOutputPath(opts.output, opts.input);
  const { hw, model, weights, options, hostOutput } = resolveCompileInputs(file, opts);
  const x = readInputRows(opts.input, model.inputSize);
  // Without --calibration, int8/int16 scales come from the rows being run (up to CALIBRATION_ROWS).
  const calibrated = options.dtype !== 'fp32' && !options.calibration;
  if (calibrated) options.calibration = x.data.subarray(0, Math.min(x.rows, CALIBRATION_ROWS) * x.cols);
  const bundle = compile(model, weights, hw, options);
  const r = runRows(bundle, hw, x, hostOutput);
  writeOutputRows(opts.output, r.output);
  const summary = { calibration: calibrated ? `first ${Math.min(x.rows, CALIBRATION_ROWS)} input rows` : options.calibration ? 'file' : null, rows: x.rows, features: x.cols, outputs: r.output.cols, batch: bundle.batch, runs: r.runs, cycles: r.cycles, output: opts.output, hostOutput: hostOutput ?? null };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ...summary, report: r.report }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`ran ${x.rows} rows of ${x.cols} features on ${hw.name} (${bundle.dtype}) in ${r.runs} run${r.runs === 1 ? '' : 's'} of batch ${bundle.batch}: ${r.cycles} cycles in total\n`);
  if (calibrated) process.stdout.write(`${bundle.dtype} scales calibrated on the first ${Math.min(x.rows, CALIBRATION_ROWS)} input rows (give --calibration FILE to fix them)\n`);
  if (hostOutput === 'log-softmax') process.stdout.write('LogSoftmax: the device computed the logits; the host applied log-softmax\n');
  process.stdout.write(`wrote ${opts.output}: ${x.rows} × ${r.output.cols} fp32 values\n`);
}
