// `dlp run MODEL --hw ... --batch B [--dtype ...] [--json] [--trace F] [--explain]
//  [--sparsity-report]`: compile and simulate in one go and print the simulator report. Inputs
// are seeded uniform values in [0, 1) (the range of normalised MNIST pixels); `--explain` adds
// predicted vs simulated cycles; `--sparsity-report` compiles and simulates the model with and
// without zero-tile skipping and prints what skipping saved per layer (docs/sparsity.md).
import type { Command } from 'commander';
import { createRng } from '../../isa/rng.js';
import { writeInputs } from '../../compiler/bundle.js';
import { explainBundle } from '../../compiler/explain.js';
import { formatReport, simulate, traceToJson } from '../../simulator/index.js';
import { compareSparse, formatSparseComparison } from '../../runtime/offload/sparse-compare.js';
import { addModelOptions, compileFromCli, resolveCompileInputs, type ModelCliOptions } from './compile.js';
import { checkOutputFile, writeOutputFile } from '../output/file.js';

export function register(program: Command): void {
  addModelOptions(program.command('run').description('compile a model and run it on the cycle-level simulator'))
    .option('--json', 'print the report as JSON')
    .option('--trace <file.json>', 'write a Chrome/Perfetto trace')
    .option('--sparsity-report', 'run with and without zero-tile skipping and print cycles, DRAM bytes and energy saved')
    .action((file: string, opts: ModelCliOptions & { json?: boolean; trace?: string; sparsityReport?: boolean }) => {
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
      const result = simulate(bundle.program, hw, { dram, trace: Boolean(opts.trace) });
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
