// Single-file outputs (`dlp asm -o`, `--trace`, `dlp train -o`, `--output`): checked before
// the work, written through a temp file and a rename. An existing regular file is replaced
// (as `cc -o` does); a folder is never replaced by a file; an output that is one of the
// command's own inputs is refused; a device (/dev/null, /dev/stdout) is written directly.
import { statSync, writeFileSync } from 'node:fs';
import { DlpError } from '../../isa/errors.js';
import { writeFileAtomic } from '../../isa/files.js';
import { duringWrite } from './guard.js';
import { checkParent, lstatOrUndefined, realOrAbsolute } from './paths.js';

export interface OutputFileOptions {
  /** The option that named the file, for messages: '-o', '--trace'. */
  flag: string;
  /** Files the command reads: the output must not be one of them. */
  inputs?: readonly (string | undefined)[];
}

type Where = { kind: 'file'; abs: string } | { kind: 'device'; abs: string };

function resolveOutput(path: string, o: OutputFileOptions): Where {
  const abs = realOrAbsolute(path);
  for (const input of o.inputs ?? []) {
    if (input !== undefined && realOrAbsolute(input) === abs) {
      throw new DlpError(`${o.flag} ${path}: that is the input file '${input}'; writing there would overwrite its own input`);
    }
  }
  const l = lstatOrUndefined(abs);
  if (!l) {
    checkParent(abs, `${o.flag} ${path}`);
    return { kind: 'file', abs };
  }
  const st = statSync(abs);
  if (st.isDirectory()) throw new DlpError(`${o.flag} ${path}: is a folder; give a file name`);
  if (!st.isFile()) return { kind: 'device', abs };
  checkParent(abs, `${o.flag} ${path}`);
  return { kind: 'file', abs };
}

/** Fails now (before any long work) if `path` could not be written as the output file. */
export function checkOutputFile(path: string, o: OutputFileOptions): void {
  resolveOutput(path, o);
}

/** Writes `data` to the output file `path` atomically (see the file comment). */
export function writeOutputFile(path: string, data: string | Uint8Array, o: OutputFileOptions): void {
  const at = resolveOutput(path, o);
  duringWrite(() => {
    try {
      if (at.kind === 'device') writeFileSync(at.abs, data);
      else writeFileAtomic(at.abs, data);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === undefined) throw e;
      throw new DlpError(`${o.flag} ${path}: cannot write (${code})`);
    }
  });
}
