// Single-file outputs (`dlp asm -o`, `--trace`, `dlp train -o`, `--output`): checked before
// the work, written through a temp file and a rename (isa/files.ts). An existing regular file
// is replaced (as `cc -o` does); a folder is never replaced by a file; an output that is one
// of the command's own inputs is refused; a device (/dev/null) is written directly.
import { existsSync, statSync } from 'node:fs';
import { DlpError } from '../../isa/errors.js';
import { writeFileAtomic } from '../../isa/files.js';
import { duringWrite } from './guard.js';
import { checkParent, lstatOrUndefined, realOrAbsolute } from './paths.js';

export interface OutputFileOptions {
  /** The option that named the file, for messages: '-o', '--trace'. */
  flag: string;
  /** Files the command reads (undefined or missing ones, e.g. a preset name, are skipped): the output must not be one of them. */
  inputs?: readonly (string | undefined)[];
}

/** Fails now (before any long work) if `path` could not be written as the output file. */
export function checkOutputFile(path: string, o: OutputFileOptions): void {
  const abs = realOrAbsolute(path);
  for (const input of o.inputs ?? []) {
    if (input !== undefined && existsSync(input) && realOrAbsolute(input) === abs) {
      throw new DlpError(`${o.flag} ${path}: that is the input file '${input}'; writing there would overwrite its own input`);
    }
  }
  const st = lstatOrUndefined(abs) ? statSync(abs) : undefined;
  if (st?.isDirectory()) throw new DlpError(`${o.flag} ${path}: is a folder; give a file name`);
  if (st && !st.isFile()) return; // a device or pipe, written in place
  checkParent(abs, `${o.flag} ${path}`);
}

/** Writes `data` to the output file `path` atomically, with Ctrl-C held back until it is in place. */
export function writeOutputFile(path: string, data: string | Uint8Array, o: OutputFileOptions): void {
  checkOutputFile(path, o);
  duringWrite(() => {
    try {
      writeFileAtomic(path, data);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === undefined) throw e;
      throw new DlpError(`${o.flag} ${path}: cannot write (${code})`);
    }
  });
}
