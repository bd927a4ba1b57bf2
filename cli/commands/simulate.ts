// `dlp simulate PROGRAM(.dlps|.dlpb) --hw PRESET|FILE.json [--dram IMAGE] [--json]
//  [--trace F.json] [--dump REGION[,REGION] [-o out.json]]`: run a program on the cycle-level
// simulator, print the report, and optionally write a Perfetto trace and dump DRAM regions.
// `dlp simulate BUNDLE_DIR --input X --output Y` runs the user's rows through a compiled
// bundle (chunks of its batch) and writes its dequantised fp32 outputs (.npy or .csv).
import type { Command } from 'commander';
import { readFileSync, statSync } from 'node:fs';
import { readBundle } from '../../compiler/bundle-files.js';
import { checkOutputPath, readInputRows, runRows, writeOutputRows } from '../io/rows.js';
import {
  DlpError, DTYPE_BYTES, loadHardware, readProgramFile, type Program, type Region,
} from '../../isa/node.js';
import { formatReport, simulate, traceToJson } from '../../simulator/index.js';
import { simulatorTiles } from '../../runtime/sim-threads.js';
import { checkOutputFile, writeOutputFile } from '../output/file.js';

type Nested = number | Nested[];

/** A region's elements from a DRAM image, nested by its shape. */
export function readRegion(dram: Uint8Array, r: Region): Nested {
  const view = new DataView(dram.buffer, dram.byteOffset, dram.byteLength);
  const size = DTYPE_BYTES[r.dtype];
  const count = r.shape.reduce((a, b) => a * b, 1);
  if (r.addr + count * size > dram.length) throw new DlpError(`region '${r.name}' lies beyond the DRAM image`);
  const flat = new Array<number>(count);
  for (let k = 0; k < count; k++) {
    const at = r.addr + k * size;
    flat[k] = r.dtype === 'int8' ? view.getInt8(at) : r.dtype === 'int16' ? view.getInt16(at, true)
      : r.dtype === 'int32' ? view.getInt32(at, true) : view.getFloat32(at, true);
  }
  const nest = (offset: number, dims: number[]): Nested => {
    if (dims.length === 0) return flat[offset]!;
    const [d, ...rest] = dims;
    const stride = rest.reduce((a, b) => a * b, 1);
    return Array.from({ length: d! }, (_, i) => nest(offset + i * stride, rest));
  };
  return r.shape.length === 0 ? flat[0]! : nest(0, r.shape);
}

function dumpRegions(program: Program, dram: Uint8Array, names: string[]): Record<string, Nested> {
  const out: Record<string, Nested> = {};
  for (const name of names) {
    const r = program.regions.find((x) => x.name === name);
    if (!r) {
      const known = program.regions.map((x) => x.name).join(', ') || 'none';
      throw new DlpError(`--dump: no region named '${name}' (regions: ${known})`);
    }
    out[name] = readRegion(dram, r);
  }
  return out;
}

function readImage(path: string): Uint8Array {
  try {
    const buf = readFileSync(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new DlpError(`cannot read DRAM image '${path}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

interface Options { hw: string; dram?: string; json?: boolean; trace?: string; dump?: string; output?: string; input?: string }

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `--input X --output Y` on a bundle directory. */
function simulateRows(dir: string, opts: Options): void {
  if (!isDirectory(dir)) throw new DlpError('--input needs a bundle directory (from dlp compile -o DIR), not a program file', { file: dir });
  if (!opts.output) throw new DlpError('--input needs --output FILE (.npy or .csv)');
  if (opts.dump || opts.dram || opts.trace) throw new DlpError('--input/--output cannot be combined with --dump, --dram or --trace');
  checkOutputPath(opts.output, opts.input as string);
  const bundle = readBundle(dir);
  const hw = loadHardware(opts.hw ?? bundle.hwName);
  const cols = (bundle.layout.input.shape as [number, number])[1];
  const x = readInputRows(opts.input as string, cols);
  const r = runRows(bundle, hw, x);
  writeOutputRows(opts.output, r.output);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ rows: x.rows, outputs: r.output.cols, batch: bundle.batch, runs: r.runs, cycles: r.cycles, output: opts.output, report: r.report }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`ran ${x.rows} rows on ${hw.name} (${bundle.dtype}) in ${r.runs} run${r.runs === 1 ? '' : 's'} of batch ${bundle.batch}: ${r.cycles} cycles in total\n`);
  process.stdout.write(`wrote ${opts.output}: ${x.rows} × ${r.output.cols} fp32 values\n`);
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description('run a program on the cycle-level DLP simulator and report cycles, utilisation and energy')
    .argument('<program>', 'program file (.dlps or .dlpb), or a bundle directory with --input')
    .option('--hw <preset|file.json>', 'hardware preset name or JSON file (default dlp-s; for a bundle, the one it was compiled for)')
    .option('--dram <image>', 'initial DRAM image (raw bytes; default: built from the program\'s regions)')
    .option('--json', 'print the report as JSON')
    .option('--trace <file.json>', 'write a Chrome/Perfetto trace (open in ui.perfetto.dev)')
    .option('--dump <regions>', 'comma-separated DRAM regions to dump as JSON after the run')
    .option('-o, --output <file>', 'with --dump: write the JSON there instead of stdout; with --input: the outputs (.npy or .csv)')
    .option('--input <file>', 'rows to run through a bundle directory: .npy, .csv or one-tensor .safetensors')
    .action((file: string, opts: Options) => {
      if (opts.input) return simulateRows(file, opts);
      const prog = readProgramFile(file);
      const hw = loadHardware(opts.hw ?? 'dlp-s');
      if (opts.output && !opts.dump) throw new DlpError('-o/--output needs --dump REGION[,REGION]');
      const inputs = [file, opts.dram, opts.hw];
      const traceOut = { flag: '--trace', inputs };
      const dumpOut = { flag: '-o', inputs };
      if (opts.trace) checkOutputFile(opts.trace, traceOut);
      if (opts.output) checkOutputFile(opts.output, dumpOut);
      const result = simulate(prog, hw, { dram: opts.dram ? readImage(opts.dram) : undefined, trace: Boolean(opts.trace), tiles: simulatorTiles() });
      if (opts.trace) writeOutputFile(opts.trace, traceToJson(result.trace!), traceOut);
      const dump = opts.dump ? dumpRegions(prog, result.dram, opts.dump.split(',').map((s) => s.trim()).filter(Boolean)) : undefined;
      if (dump && opts.output) writeOutputFile(opts.output, `${JSON.stringify(dump)}\n`, dumpOut);
      const inline = dump && !opts.output ? dump : undefined;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(inline ? { report: result.report, regions: inline } : result.report, null, 2)}\n`);
      } else {
        process.stdout.write(`${formatReport(result.report)}\n`);
        if (inline) process.stdout.write(`${JSON.stringify(inline)}\n`);
      }
    });
}
