// Reading a program from disk by extension: .dlps is assembled, .dlpb is decoded.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { assemble } from './assemble.js';
import { decodeProgram } from './encode.js';
import { DlpError } from './errors.js';
import type { Program } from './program.js';

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DlpError(code === 'ENOENT' ? `no such file '${path}'` : `cannot read '${path}' (${code ?? (e as Error).message})`);
  }
}

/** Loads a .dlps (assembly) or .dlpb (binary) program file. */
export function readProgramFile(path: string): Program {
  const ext = extname(path).toLowerCase();
  if (ext === '.dlps') return assemble(readBytes(path).toString('utf8'), path);
  if (ext === '.dlpb') {
    const buf = readBytes(path);
    return decodeProgram(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), path);
  }
  throw new DlpError(`cannot tell the format of '${path}': expected a .dlps (assembly) or .dlpb (binary) file`);
}
