// `dlp asm FILE.dlps [-o FILE.dlpb]`: assemble a program into the binary program format.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { assemble, encodeProgram, DlpError } from '../../isa/node.js';
import { checkOutputFile, writeOutputFile } from '../output/file.js';

function readSource(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DlpError(code === 'ENOENT' ? `no such file '${path}'` : `cannot read '${path}' (${code ?? 'error'})`);
  }
}

/** FILE.dlps → FILE.dlpb (any other name gets .dlpb appended). */
export function defaultBinaryPath(source: string): string {
  return source.endsWith('.dlps') ? `${source.slice(0, -5)}.dlpb` : `${source}.dlpb`;
}

export function register(program: Command): void {
  program
    .command('asm')
    .description('assemble a .dlps program into a .dlpb binary')
    .argument('<file>', 'assembly source (.dlps)')
    .option('-o, --output <file>', 'output binary (default: FILE with .dlpb)')
    .action((file: string, opts: { output?: string }) => {
      const out = opts.output ?? defaultBinaryPath(file);
      const target = { flag: opts.output ? '-o' : 'output', inputs: [file] };
      checkOutputFile(out, target);
      const p = assemble(readSource(file), file);
      const bytes = encodeProgram(p);
      writeOutputFile(out, bytes, target);
      process.stdout.write(`${out}: ${p.instrs.length} instructions, ${p.regions.length} regions, ${bytes.length} bytes\n`);
    });
}
