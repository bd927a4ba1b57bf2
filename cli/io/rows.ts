// File side of `--input/--output` for `dlp run` and `dlp simulate`: reads user rows (.npy, .csv,
// .safetensors), runs them through a compiled bundle in chunks of its batch, and writes the
// dequantised fp32 outputs (.npy or .csv) atomically, never over the input file.
import { readFileSync, realpathSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { DlpError } from '../../isa/errors.js';
import type { HardwareConfig } from '../../isa/hardware.js';
import { readOutputs, writeInputs, type Bundle } from '../../compiler/bundle.js';
import { formatRows, parseRows, type RowTensor } from '../../compiler/weights/tensor-files.js';
import { simulate, type SimReport } from '../../simulator/index.js';
import { simulatorTiles } from '../../runtime/sim-threads.js';
import { checkOutputFile, writeOutputFile } from '../output/file.js';

/** Reads input rows and checks their width against the model's `features`. */
export function readInputRows(path: string, features: number): RowTensor {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DlpError(`cannot read input file: ${code === 'ENOENT' ? 'no such file' : code ?? (e as Error).message}`, { file: path });
  }
  const t = parseRows(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), extname(path).toLowerCase(), path);
  if (t.cols !== features) throw new DlpError(`input rows have ${t.cols} features; the model takes ${features}`, { file: path });
  if (t.rows === 0) throw new DlpError('input holds no rows', { file: path });
  return t;
}

function sameFile(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

/** Checks `--output` before any work: known extension, not the input file. */
export function checkOutputPath(output: string, input: string): void {
  formatRows({ rows: 0, cols: 0, data: new Float32Array(0) }, extname(output).toLowerCase(), output);
  if (sameFile(output, input)) throw new DlpError('--output is the input file; refusing to overwrite it', { file: output });
  checkOutputFile(output, { flag: '--output' });
}

export function writeOutputRows(path: string, t: RowTensor): void {
  writeOutputFile(path, formatRows(t, extname(path).toLowerCase(), path), { flag: '--output' });
}

export interface RowsRun {
  output: RowTensor;
  runs: number;
  /** Simulated cycles summed over all runs. */
  cycles: number;
  /** The first run's report. */
  report: SimReport;
}

/** Runs every row through the bundle, `bundle.batch` rows per simulated run. */
export function runRows(bundle: Bundle, hw: HardwareConfig, x: RowTensor, hostOutput?: 'log-softmax'): RowsRun {
  const [batch, cols] = bundle.layout.output.shape as [number, number];
  const out = new Float32Array(x.rows * cols);
  let runs = 0;
  let cycles = 0;
  let first: SimReport | undefined;
  for (let r0 = 0; r0 < x.rows; r0 += batch) {
    const n = Math.min(batch, x.rows - r0);
    const dram = bundle.image.slice();
    writeInputs(bundle, dram, x.data.subarray(r0 * x.cols, (r0 + n) * x.cols));
    const result = simulate(bundle.program, hw, { dram, tiles: simulatorTiles() });
    out.set(readOutputs(bundle, result.dram).subarray(0, n * cols), r0 * cols);
    runs++;
    cycles += result.report.cycles;
    first ??= result.report;
  }
  if (hostOutput === 'log-softmax') logSoftmaxRows(out, cols);
  return { output: { rows: x.rows, cols, data: out }, runs, cycles, report: first as SimReport };
}

/** In place: each row becomes x − max − ln Σ exp(x − max), in float64, rounded once to fp32. */
export function logSoftmaxRows(y: Float32Array, cols: number): void {
  for (let r = 0; r < y.length / cols; r++) {
    const row = y.subarray(r * cols, (r + 1) * cols);
    let max = -Infinity;
    for (const v of row) max = Math.max(max, v);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - max);
    const log = Math.log(sum);
    for (let j = 0; j < cols; j++) row[j] = (row[j] as number) - max - log;
  }
}
