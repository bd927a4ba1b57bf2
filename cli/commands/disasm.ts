// `dlp disasm FILE.dlpb [-o FILE.dlps]`: print a program in canonical assembly text.
// Accepts .dlps too (prints its canonical form), since both go through readProgramFile.
import type { Command } from 'commander';
import { printProgram, writeFileAtomic, readProgramFile } from '../../isa/node.js';

export function register(program: Command): void {
  program
    .command('disasm')
    .description('print a .dlpb program as canonical assembly text')
    .argument('<file>', 'program file (.dlpb, or .dlps to canonicalise)')
    .option('-o, --output <file>', 'write the text to a file instead of stdout')
    .action((file: string, opts: { output?: string }) => {
      const text = printProgram(readProgramFile(file));
      if (opts.output) writeFileAtomic(opts.output, text);
      else process.stdout.write(text);
    });
}
