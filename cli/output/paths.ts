// Checks on output paths, made before the long work so a bad -o fails in a second with one
// line instead of an EISDIR/ENOTDIR stack after minutes of training.
import { accessSync, constants, lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DlpError } from '../../isa/errors.js';

/** lstat, or undefined when nothing is there. */
export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/**
 * The folder a new output will be created in: the nearest existing ancestor of `abs` must be a
 * writable folder (missing folders in between are created later, like mkdir -p).
 */
export function checkParent(abs: string, label: string): void {
  let d = dirname(abs);
  for (;;) {
    let st: Stats | undefined;
    try {
      st = statSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new DlpError(`${label}: '${d}' is not a folder`);
      if (code !== 'ENOENT') throw new DlpError(`${label}: cannot use '${d}' (${code ?? 'error'})`);
    }
    if (st) {
      if (!st.isDirectory()) throw new DlpError(`${label}: '${d}' is not a folder`);
      try {
        accessSync(d, constants.W_OK);
      } catch {
        throw new DlpError(`${label}: cannot write in '${d}' (permission denied)`);
      }
      return;
    }
    const up = dirname(d);
    if (up === d) return;
    d = up;
  }
}

/** The real path of `path` when something exists there (following symlinks), else its absolute path. */
export function realOrAbsolute(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
