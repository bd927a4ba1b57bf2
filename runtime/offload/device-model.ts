// The idiomatic offload layer: a trained host model (or any model IR plus weights) compiled
// for a DLP in one call, then `predict(x)` runs it on the cycle-level simulator and returns
// the outputs with the simulator's report. Programs are compiled per row count and cached;
// a data set larger than `batch` rows runs as full batches plus one program compiled for the
// exact remainder, so no padded rows inflate the simulated time, and the per-run reports are
// merged into one (runs execute back to back on one device).
import type { ModelGraph, ModelWeights } from '../../compiler/model.js';
import { checkShapes } from '../../compiler/passes/shapes.js';
import { compile, normalizeOptions } from '../../compiler/pipeline.js';
import { readOutputs, writeInputs, type Bundle } from '../../compiler/bundle.js';
import type { ComputeDType } from '../../compiler/passes/quantize.js';
import { DlpError } from '../../isa/errors.js';
import { type HardwareConfig } from '../../isa/hardware.js';
import { loadHardware } from '../../isa/node.js';
import { simulate, type SimReport, type TraceEvent } from '../../simulator/index.js';
import { simulatorTiles } from '../sim-threads.js';
import { Model } from '../model.js';
import { argmaxRows } from '../tensor/matmul.js';
import { mergeReports } from './merge-report.js';

/** The course grades the DLP forward at batch 10000; one program run covers that many rows. */
export const DEFAULT_DEVICE_BATCH = 10000;

export interface DeviceOptions {
  /** Hardware preset name, JSON file or config. Default 'dlp-s'. */
  hw?: string | HardwareConfig;
  /** Operand type on the device. Default int8. */
  dtype?: ComputeDType;
  /** Calibration rows (rows × inputSize) for the int8/int16 activation scales, e.g. a sample
   * of the training data. Without it the compiler's synthetic default is used. */
  calibration?: Float32Array;
  /** Most rows per program run (default 10000); larger inputs run in several programs. */
  batch?: number;
  /** Tiling schedule (default tuned). */
  schedule?: 'tuned' | 'naive';
  /** One weight scale per output column (int8/int16). */
  perChannel?: boolean;
}

/** Host-side wall-clock seconds of the last call, by phase. */
export interface DeviceTimes {
  /** Compiling programs not yet in the cache (0 when all were cached). */
  compileSeconds: number;
  /** Quantising inputs into the DRAM image and reading outputs back. */
  transferSeconds: number;
  /** Running the simulator. */
  simulateSeconds: number;
}

export interface DeviceRun {
  /** rows × outputs, fp32 (probabilities when the model ends in softmax). */
  outputs: Float32Array;
  /** The simulator's report, merged over all program runs. */
  report: SimReport;
  /** Program runs used (one per batch). */
  runs: number;
  times: DeviceTimes;
}

export interface DeviceAccuracy extends DeviceRun {
  accuracy: number;
  correct: number;
  /** Predicted class per row. */
  predictions: Uint8Array;
}

/** A model compiled for one hardware configuration and operand type. */
export class DeviceModel {
  readonly hw: HardwareConfig;
  readonly dtype: ComputeDType;
  readonly batch: number;
  readonly inputSize: number;
  readonly outputSize: number;
  private readonly bundles = new Map<number, Bundle>();

  constructor(readonly model: ModelGraph, readonly weights: ModelWeights, private readonly options: DeviceOptions = {}) {
    this.hw = typeof options.hw === 'object' ? options.hw : loadHardware(options.hw ?? 'dlp-s');
    const norm = normalizeOptions({ dtype: options.dtype, batch: options.batch ?? DEFAULT_DEVICE_BATCH, schedule: options.schedule, perChannel: options.perChannel });
    this.dtype = norm.dtype;
    this.batch = norm.batch;
    // Shape errors surface here, at conversion time, not at the first predict.
    checkShapes(model, weights);
    const cal = options.calibration;
    if (cal && (cal.length === 0 || cal.length % model.inputSize !== 0)) {
      throw new DlpError(`calibration has ${cal.length} values, expected a positive multiple of the input size ${model.inputSize}`);
    }
    this.inputSize = model.inputSize;
    this.outputSize = model.layers[model.layers.length - 1]!.units;
  }

  /** The program compiled for exactly `rows` rows (compiled on first use, then cached). */
  bundleFor(rows: number): Bundle {
    let b = this.bundles.get(rows);
    if (!b) {
      const { dtype, calibration, schedule, perChannel } = { ...this.options, dtype: this.dtype };
      b = compile(this.model, this.weights, this.hw, { dtype, batch: rows, calibration, schedule, perChannel });
      this.bundles.set(rows, b);
    }
    return b;
  }

  /** Runs `rows` rows of x (rows × inputSize) on the simulator. */
  predict(x: Float32Array, rows = x.length / this.inputSize): DeviceRun {
    checkRows(x, rows, this.inputSize);
    const out = new Float32Array(rows * this.outputSize);
    const reports: SimReport[] = [];
    const times: DeviceTimes = { compileSeconds: 0, transferSeconds: 0, simulateSeconds: 0 };
    for (let start = 0; start < rows; start += this.batch) {
      const m = Math.min(this.batch, rows - start);
      const r = this.runOnce(x.subarray(start * this.inputSize, (start + m) * this.inputSize), m, times, false);
      out.set(r.outputs, start * this.outputSize);
      reports.push(r.report);
    }
    return { outputs: out, report: mergeReports(reports), runs: reports.length, times };
  }

  /** Class accuracy on labelled rows (argmax of the outputs). */
  accuracy(x: Float32Array, labels: ArrayLike<number>): DeviceAccuracy {
    const rows = labels.length;
    const run = this.predict(x, rows);
    const predictions = new Uint8Array(rows);
    argmaxRows(run.outputs, rows, this.outputSize, predictions);
    let correct = 0;
    for (let i = 0; i < rows; i++) if (predictions[i] === labels[i]) correct++;
    return { ...run, accuracy: rows ? correct / rows : 0, correct, predictions };
  }

  /** One program run of `rows` rows (at most `batch`) with Chrome/Perfetto trace events. */
  trace(x: Float32Array, rows = x.length / this.inputSize): DeviceRun & { trace: TraceEvent[]; bundle: Bundle } {
    checkRows(x, rows, this.inputSize);
    if (rows > this.batch) throw new DlpError(`trace covers one program run: ${rows} rows exceed the batch of ${this.batch}`);
    const times: DeviceTimes = { compileSeconds: 0, transferSeconds: 0, simulateSeconds: 0 };
    const r = this.runOnce(x.subarray(0, rows * this.inputSize), rows, times, true);
    return { outputs: r.outputs, report: r.report, runs: 1, times, trace: r.trace!, bundle: this.bundleFor(rows) };
  }

  private runOnce(x: Float32Array, rows: number, times: DeviceTimes, trace: boolean): { outputs: Float32Array; report: SimReport; trace?: TraceEvent[] } {
    let t = performance.now();
    const cached = this.bundles.has(rows);
    const bundle = this.bundleFor(rows);
    if (!cached) times.compileSeconds += (performance.now() - t) / 1000;
    t = performance.now();
    const dram = bundle.image.slice();
    writeInputs(bundle, dram, x);
    times.transferSeconds += (performance.now() - t) / 1000;
    t = performance.now();
    const sim = simulate(bundle.program, this.hw, { dram, trace, tiles: simulatorTiles() });
    times.simulateSeconds += (performance.now() - t) / 1000;
    t = performance.now();
    const outputs = readOutputs(bundle, sim.dram).subarray(0, rows * this.outputSize);
    times.transferSeconds += (performance.now() - t) / 1000;
    return { outputs, report: sim.report, trace: sim.trace };
  }
}

export type DeviceSource = Model | ModelGraph | { model: ModelGraph; weights: ModelWeights };

/**
 * Compiles a trained host model (or a model IR with weights) for a DLP. With int8/int16,
 * pass `calibration` rows from the training data so activation scales fit real inputs.
 */
export function compileForDevice(source: DeviceSource, weights?: ModelWeights, options: DeviceOptions = {}): DeviceModel {
  if (source instanceof Model) {
    const g = source.toGraph();
    return new DeviceModel(g.model, weights ?? g.weights, options);
  }
  if ('model' in source && 'weights' in source) return new DeviceModel(source.model, weights ?? source.weights, options);
  if (!weights) throw new DlpError(`compileForDevice: model '${source.name}' needs weights`);
  return new DeviceModel(source, weights, options);
}

/** The first `rows` rows of a data set, as calibration input (a contiguous sample). */
export function sampleCalibration(x: Float32Array, features: number, rows = 500): Float32Array {
  const n = Math.min(rows, Math.floor(x.length / features));
  return x.subarray(0, n * features);
}

function checkRows(x: Float32Array, rows: number, features: number): void {
  if (!Number.isInteger(rows) || rows < 1) throw new DlpError(`rows must be a positive integer, got ${rows}`);
  if (x.length < rows * features) throw new DlpError(`input has ${x.length} values, expected ${rows} rows × ${features} features`);
}
