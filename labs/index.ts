// The lab registry: every lab's id, folder, title, expected time and checker. Checkers are
// imported lazily so `dlp lab list` stays instant and a lab whose dependencies are missing
// cannot break the others.
import { LABS } from './lib/catalog.js';
import type { CheckOptions, CheckResult, LabInfo } from './lib/result.js';

export type { CaseResult, CheckOptions, CheckResult, LabInfo } from './lib/result.js';
export { formatResult } from './lib/result.js';
export { labsRoot } from './lib/load.js';
export { checkHandoutTarget, fillHandout } from './lib/handout.js';
export { runStudentProgram, type ProgramRun } from './lib/run.js';

export interface Lab extends LabInfo {
  check(opts?: CheckOptions): Promise<CheckResult>;
}

const CHECKERS: Record<string, (o: CheckOptions) => Promise<CheckResult>> = {
  '01': async (o) => (await import('./01-forward-backward/check.js')).checkLab01(o),
  '02': async (o) => (await import('./02-mnist-98/check.js')).checkLab02(o),
  '03': async (o) => (await import('./03-dlp-assembly/check.js')).checkLab03(o),
  '04': async (o) => (await import('./04-tiling/check.js')).checkLab04(o),
  '05': async (o) => (await import('./05-roofline/check.js')).checkLab05(o),
  '06': async (o) => (await import('./06-quantization/check.js')).checkLab06(o),
  '07': async (o) => (await import('./07-pwl-activation/check.js')).checkLab07(o),
  '08': async (o) => (await import('./08-overfitting-cv/check.js')).checkLab08(o),
  '09': async (o) => (await import('./09-mnist-mlp/check.js')).checkLab09(o),
  '10': async (o) => (await import('./10-dlp-inference/check.js')).checkLab10(o),
};

export const labs: readonly Lab[] = LABS.map((info) => ({
  ...info,
  check: (opts: CheckOptions = {}) => {
    const run = CHECKERS[info.id];
    if (!run) throw new Error(`lab ${info.id} has no checker`);
    return run(opts);
  },
}));

/** Looks a lab up by id ('3', '03') or folder name. */
export function findLab(key: string): Lab | undefined {
  const id = /^\d+$/.test(key) ? key.padStart(2, '0') : key;
  return labs.find((l) => l.id === id || l.folder === key);
}
