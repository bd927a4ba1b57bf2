// `dlp lab start NN DIR`: the hand-out of a lab — its README and starter files, never
// check.ts, questions.ts or solution/ — plus a package.json ("type": "module", so the files
// load as ES modules; its name tells `dlp lab check` which lab the folder is) and a
// tsconfig.json that lets an editor resolve `dlpkit/*`. The CLI writes the folder whole with its
// output-folder helper (temp sibling, rename); a hand-out is where a student's work will live,
// so any existing non-empty folder is refused — even one dlpkit wrote — and left untouched.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DlpError } from '../../isa/errors.js';
import { labFolder, studentTsconfig } from './load.js';
import type { LabInfo } from './result.js';

/** Refuses a target that is not a new or empty folder. */
export function checkHandoutTarget(dir: string): void {
  const target = resolve(dir);
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) throw new DlpError(`${dir} exists and is not a folder`);
  if (readdirSync(target).length > 0) throw new DlpError(`${dir} is not empty: give a new or empty folder (nothing was written)`);
}

/** Writes the hand-out of `lab` into the (empty) folder `into`; returns the files written. */
export function fillHandout(lab: LabInfo, into: string): string[] {
  const written: string[] = [];
  for (const f of lab.handout) {
    mkdirSync(dirname(join(into, f)), { recursive: true });
    copyFileSync(join(labFolder(lab.folder), f), join(into, f));
    written.push(f);
  }
  const pkg = { name: `dlpkit-lab-${lab.id}`, private: true, type: 'module', description: `dlpkit lab ${lab.id}: ${lab.title}` };
  writeFileSync(join(into, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const tsconfig = {
    extends: studentTsconfig(),
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true },
    include: ['*.ts'],
  };
  writeFileSync(join(into, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  written.push('package.json', 'tsconfig.json');
  return written;
}
