// A bundle on disk (Node only): its files written into a folder, or read back. Replacing an
// existing folder safely (temp folder, rename, ownership manifest) is the CLI's job
// (cli/output/folder.ts); writeBundle itself only ever writes the bundle's own four files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DlpError } from '../isa/errors.js';
import { writeFileAtomic } from '../isa/files.js';
import { bundleFiles, parseBundle, type Bundle } from './bundle.js';

/** Writes the bundle's files into folder `dir` (created if missing); returns their names. */
export function writeBundle(dir: string, b: Bundle): string[] {
  const files = bundleFiles(b);
  for (const [name, data] of Object.entries(files)) writeFileAtomic(join(dir, name), data);
  return Object.keys(files);
}

/** Reads a bundle folder written by writeBundle. */
export function readBundle(dir: string): Bundle {
  return parseBundle((f) => {
    try {
      const buf = readFileSync(join(dir, f));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch {
      throw new DlpError(`cannot read bundle file '${f}'`, { file: dir });
    }
  }, dir);
}
