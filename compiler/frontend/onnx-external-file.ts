// Node-only reader of ONNX external data for models loaded from disk (compiler/load-model.ts):
// the side file must sit inside the model's folder after resolving symlinks, be a regular file
// and hold the requested range. Each file is opened once per model and read by range.
import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { DlpError } from '../../isa/errors.js';
import type { ExternalDataReader, ExternalRef } from './onnx-external.js';

/** A reader for external tensors of the model at `modelPath`, plus `close()` for its files. */
export function externalDataReader(modelPath: string): { read: ExternalDataReader; close(): void } {
  const dir = dirname(modelPath);
  const open = new Map<string, { fd: number; size: number }>();
  const fail = (ref: ExternalRef, m: string): never => {
    throw new DlpError(`initializer ${ref.tensor}: side file "${ref.location}" ${m}`, { file: modelPath });
  };
  const file = (ref: ExternalRef): { fd: number; size: number } => {
    const known = open.get(ref.location);
    if (known) return known;
    let real: string;
    let root: string;
    try {
      root = realpathSync(dir);
      real = realpathSync(join(dir, ref.location));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return fail(ref, code === 'ENOENT' ? 'does not exist next to the model' : `cannot be opened (${code ?? (e as Error).message})`);
    }
    const rel = relative(root, real);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) fail(ref, 'resolves outside the model\'s folder (symlink)');
    let fd: number;
    try {
      fd = openSync(real, 'r');
    } catch (e) {
      return fail(ref, `cannot be opened (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const st = fstatSync(fd);
    if (!st.isFile()) {
      closeSync(fd);
      fail(ref, 'is not a regular file');
    }
    const entry = { fd, size: st.size };
    open.set(ref.location, entry);
    return entry;
  };
  const read: ExternalDataReader = (ref) => {
    const { fd, size } = file(ref);
    if (ref.offset + ref.length > size) {
      fail(ref, `has ${size} bytes; the tensor's bytes ${ref.offset}..${ref.offset + ref.length} run past its end`);
    }
    const out = new Uint8Array(ref.length);
    let done = 0;
    while (done < ref.length) {
      const n = readSync(fd, out, done, ref.length - done, ref.offset + done);
      if (n === 0) fail(ref, 'ended early while reading');
      done += n;
    }
    return out;
  };
  return {
    read,
    close: () => {
      for (const { fd } of open.values()) closeSync(fd);
      open.clear();
    },
  };
}
