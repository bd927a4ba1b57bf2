// `dlp compile MODEL(.mlp|.json|.onnx) --hw PRESET|FILE [--dtype int8|int16|fp32] [--batch B]
//  [--weights FILE.safetensors] [--schedule tuned|naive] [--seed N] [--per-channel]
//  [--calibration FILE.safetensors] [--no-skip-zero-tiles] [--explain] -o OUT`:
// compiles a model into a bundle directory (docs/bundle.md). Without weights (from the ONNX
// file or --weights) it uses seeded random weights, which is fine for timing studies.
import type { Command } from 'commander';
import { DlpError } from '../../isa/errors.js';
import { type HardwareConfig } from '../../isa/hardware.js';
import { loadHardware } from '../../isa/hardware-file.js';
import { loadModelFile } from '../../compiler/load-model.js';
import { readModelWeights } from '../../compiler/weights/state-dict-file.js';
import { randomWeights } from '../../compiler/weights/random.js';
import { readCalibrationFile } from '../../compiler/weights/calibration-file.js';
import { compile, type CompileOptions } from '../../compiler/pipeline.js';
import type { Bundle } from '../../compiler/bundle.js';
import { writeBundle } from '../../compiler/bundle-files.js';
import { checkOutputFolder, writeOutputFolder } from '../output/folder.js';
import { explainBundle } from '../../compiler/explain.js';
import { simulate } from '../../simulator/index.js';
import type { ModelGraph, ModelWeights } from '../../compiler/model.js';
import { parseCount, parseSeed } from '../options.js';
import { scheduleCacheFromEnv } from '../../compiler/schedule-cache-dir.js';

export interface ModelCliOptions {
  hw: string;
  dtype?: string;
  batch?: string;
  weights?: string;
  schedule?: string;
  seed?: string;
  explain?: boolean;
  perChannel?: boolean;
  calibration?: string;
  /** Commander's negation of --no-skip-zero-tiles (true unless given). */
  skipZeroTiles?: boolean;
}

/** What a model command compiles: hardware, model, weights and the checked compile options. */
export interface CliCompileInputs {
  hw: HardwareConfig;
  model: ModelGraph;
  weights: ModelWeights;
  options: CompileOptions;
  /** ONNX imports: operators folded into dense layers (printed by --explain). */
  folds: string[];
  /** A step the host applies to the device's outputs (ONNX LogSoftmax). */
  hostOutput?: 'log-softmax';
}

/** Loads the model, weights and calibration rows and checks the options (no compiling). */
export function resolveCompileInputs(file: string, o: ModelCliOptions): CliCompileInputs {
  const hw = loadHardware(o.hw);
  const loaded = loadModelFile(file);
  const { model, weights: embedded } = loaded;
  const seed = parseSeed('seed', o.seed, 1);
  const weights = o.weights ? readModelWeights(o.weights, loaded) : embedded ?? randomWeights(model, seed);
  const dtype = (o.dtype ?? 'int8') as CompileOptions['dtype'];
  if (!['int8', 'int16', 'fp32'].includes(dtype as string)) throw new DlpError(`--dtype must be int8, int16 or fp32, got '${o.dtype}'`);
  const schedule = (o.schedule ?? 'tuned') as CompileOptions['schedule'];
  if (schedule !== 'tuned' && schedule !== 'naive') throw new DlpError(`--schedule must be tuned or naive, got '${o.schedule}'`);
  const batch = parseCount('batch', o.batch, 1);
  if (o.perChannel && dtype === 'fp32') throw new DlpError('--per-channel applies to int8 and int16, not fp32');
  const options: CompileOptions = { dtype, batch, schedule, perChannel: o.perChannel === true, skipZeroTiles: o.skipZeroTiles !== false, scheduleCache: scheduleCacheFromEnv() };
  if (o.calibration) options.calibration = readCalibrationFile(o.calibration, model.inputSize);
  const inputs: CliCompileInputs = { hw, model, weights, options, folds: loaded.folds ?? [] };
  if (loaded.hostOutput) inputs.hostOutput = loaded.hostOutput;
  return inputs;
}

/** Loads the model and its weights and compiles it: shared by `dlp compile` and `dlp run`. */
export function compileFromCli(file: string, o: ModelCliOptions): CliCompileInputs & { bundle: Bundle } {
  const inputs = resolveCompileInputs(file, o);
  const bundle = compile(inputs.model, inputs.weights, inputs.hw, inputs.options);
  return { ...inputs, bundle };
}

/** Adds the options `compile` and `run` share. */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .argument('<model>', 'model file (.mlp, .json or .onnx)')
    .option('--hw <preset|file.json>', 'hardware preset name or JSON file', 'dlp-s')
    .option('--dtype <type>', 'int8, int16 or fp32', 'int8')
    .option('--batch <B>', 'rows per program run', '1')
    .option('--weights <file.safetensors>', 'weights file (default: the ONNX initialisers, else random)')
    .option('--schedule <kind>', 'tuned (searched tiling and fusion) or naive (lab baseline)', 'tuned')
    .option('--seed <N>', 'seed of the random weights', '1')
    .option('--per-channel', 'one weight scale per output column (int8/int16)')
    .option('--calibration <file.safetensors>', 'calibration rows for activation scales: one F32 tensor [rows, inputs]')
    .option('--no-skip-zero-tiles', 'keep the LOAD and MATMUL of all-zero weight tiles (dense program, for comparison)')
    .option('--explain', 'print the chosen tiling, buffer occupancy, predicted cycles and both estimates\' errors against the simulator');
}

export function register(program: Command): void {
  addModelOptions(program.command('compile').description('compile a model into a DLP bundle (program, DRAM layout, weights image, estimate)'))
    .requiredOption('-o, --output <dir>', 'bundle folder to write (replaced only if dlpkit wrote it)')
    .option('--force', 'write into a non-empty folder dlpkit did not write (only dlpkit\'s own files are replaced)')
    .action((file: string, opts: ModelCliOptions & { output: string; force?: boolean }) => {
      const out = { flag: '-o', kind: 'bundle', force: opts.force === true };
      checkOutputFolder(opts.output, out);
      const { bundle, hw, folds, hostOutput } = compileFromCli(file, opts);
      writeOutputFolder(opts.output, out, (dir) => writeBundle(dir, bundle));
      if (opts.explain) {
        for (const f of folds) process.stdout.write(`fold: ${f}\n`);
        if (hostOutput === 'log-softmax') process.stdout.write('host: LogSoftmax is applied by the host to the device\'s logits (dlp run); the bundle outputs logits\n');
        // Timing only: the explanation compares both estimates with the simulator's cycles.
        const sim = simulate(bundle.program, hw, { dram: bundle.image, functional: false }).report;
        const perLayer = Object.fromEntries(sim.perLayer.map((l) => [l.name, l.cycles]));
        process.stdout.write(explainBundle(bundle, hw, { cycles: sim.cycles, perLayer }));
      }
      process.stdout.write(`wrote ${opts.output}: ${bundle.program.instrs.length} instructions, ${bundle.image.length} bytes of DRAM, predicted ${bundle.estimate.cycles} cycles on ${hw.name}\n`);
      const tiles = Object.values(bundle.estimate.tiles ?? {});
      const skipped = tiles.reduce((a, t) => a + t.skipped, 0);
      if (skipped > 0) process.stdout.write(`skipped ${skipped} of ${tiles.reduce((a, t) => a + t.tiles, 0)} weight tiles (all zero)\n`);
    });
}
