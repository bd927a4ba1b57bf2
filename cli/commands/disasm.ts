// `dlp disasm FILE.dlpb [-o FILE.dlps]`: print a program in canonical assembly text.
// Accepts .dlps too (prints its canonical form), since both go through readProgramFile.
import type { Command } from 'commander';
import { printProgram, readProgramFile } from '../../isa/node.js';
import { checkOutputFile, writeOutputFile } from '../output/file.js';

export function register(program: Command): void {
  program
    .command('disasm')
    .description('print a .dlpb program as canonical assembly text')
    .argument('<file>', 'program file (.dlpb, or .dlps to canonicalise)')
    .option('-o, --output <file>', 'write the text to a file instead of stdout')
    .action((file: string, opts: { output?: string }) => {
      const target = { flag: '-o', inputs: [file] };
      if (opts.output) checkOutputFile(opts.output, target);
      const text = printProgram(readProgramFile(file));
      if (opts.output) writeOutputFile(opts.output, text, target);
      else process.stdout.write(text);
    });
}
