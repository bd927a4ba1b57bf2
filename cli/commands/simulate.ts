// `dlp simulate PROGRAM(.dlps|.dlpb) --hw PRESET|FILE.json [--dram IMAGE] [--json]
//  [--trace F.json] [--dump REGION[,REGION] [-o out.json]]`: run a program on the cycle-level
// simulator, print the report, and optionally write a Perfetto trace and dump DRAM regions.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import {
  DlpError, DTYPE_BYTES, type Program, type Region, loadHardware, readProgramFile,
} from '../../isa/node.js';
import { formatReport, simulate, traceToJson } from '../../simulator/index.js';
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

interface Options { hw: string; dram?: string; json?: boolean; trace?: string; dump?: string; output?: string }

export function register(program: Command): void {
  program
    .command('simulate')
    .description('run a program on the cycle-level DLP simulator and report cycles, utilisation and energy')
    .argument('<program>', 'program file (.dlps or .dlpb)')
    .option('--hw <preset|file.json>', 'hardware preset name or JSON file', 'dlp-s')
    .option('--dram <image>', 'initial DRAM image (raw bytes; default: built from the program\'s regions)')
    .option('--json', 'print the report as JSON')
    .option('--trace <file.json>', 'write a Chrome/Perfetto trace (open in ui.perfetto.dev)')
    .option('--dump <regions>', 'comma-separated DRAM regions to dump as JSON after the run')
    .option('-o, --output <file.json>', 'write the --dump JSON to a file instead of stdout')
    .action((file: string, opts: Options) => {
      const prog = readProgramFile(file);
      const hw = loadHardware(opts.hw);
      if (opts.output && !opts.dump) throw new DlpError('-o/--output needs --dump REGION[,REGION]');
      const inputs = [file, opts.dram, opts.hw];
      const traceOut = { flag: '--trace', inputs };
      const dumpOut = { flag: '-o', inputs };
      if (opts.trace) checkOutputFile(opts.trace, traceOut);
      if (opts.output) checkOutputFile(opts.output, dumpOut);
      const result = simulate(prog, hw, { dram: opts.dram ? readImage(opts.dram) : undefined, trace: Boolean(opts.trace) });
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
