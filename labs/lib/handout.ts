// `dlp lab start NN DIR`: the hand-out of a lab — its README and starter files only, never
// check.ts, questions.ts or solution/ — plus a package.json ("type": "module", so the files
// load as ES modules) and a tsconfig.json that lets an editor resolve `dlpkit/*`. The folder is
// written whole into a temporary sibling and renamed into place; an existing non-empty folder
// is refused, so nobody's work is overwritten.
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DlpError } from '../../isa/errors.js';
import { labFolder, studentTsconfig } from './load.js';
import type { LabInfo } from './result.js';

/** Writes the hand-out of `lab` to `dir`; returns the files written (relative to dir). */
export function writeHandout(lab: LabInfo, dir: string): string[] {
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new DlpError(`${dir} exists and is not a folder`);
    if (readdirSync(target).length > 0) throw new DlpError(`${dir} is not empty: give a new or empty folder (nothing was written)`);
  }
  mkdirSync(dirname(target), { recursive: true });
  const tmp = mkdtempSync(join(dirname(target), `.${basename(target)}.tmp-`));
  try {
    const written: string[] = [];
    for (const f of lab.handout) {
      mkdirSync(dirname(join(tmp, f)), { recursive: true });
      copyFileSync(join(labFolder(lab.folder), f), join(tmp, f));
      written.push(f);
    }
    const pkg = { name: `dlpkit-lab-${lab.id}`, private: true, type: 'module', description: `dlpkit lab ${lab.id}: ${lab.title}` };
    writeFileSync(join(tmp, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    const tsconfig = {
      extends: studentTsconfig(),
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true },
      include: ['*.ts'],
    };
    writeFileSync(join(tmp, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
    written.push('package.json', 'tsconfig.json');
    chmodSync(tmp, 0o755); // mkdtemp makes it private; a hand-out is an ordinary folder
    if (existsSync(target)) rmdirSync(target); // empty (checked above)
    renameSync(tmp, target);
    return written;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
