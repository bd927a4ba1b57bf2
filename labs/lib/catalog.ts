// The list of labs as data: id, folder, title and the expected time for a student. The
// registry (labs/index.ts) adds the checker of each; checkers read their own entry here.
import type { LabInfo } from './result.js';

export const LABS: readonly LabInfo[] = [
  { id: '01', folder: '01-forward-backward', title: 'Forward and backward by hand', minutes: 90 },
  { id: '02', folder: '02-mnist-98', title: 'Train MNIST past 98 %', minutes: 120 },
  { id: '03', folder: '03-dlp-assembly', title: 'Write DLP assembly for a dense layer', minutes: 90 },
  { id: '04', folder: '04-tiling', title: 'Tiling and buffers', minutes: 120 },
  { id: '05', folder: '05-roofline', title: 'Roofline: memory-bound or compute-bound', minutes: 90 },
  { id: '06', folder: '06-quantization', title: 'Quantisation: fp32, int16, int8 and per-channel scales', minutes: 120 },
  { id: '07', folder: '07-pwl-activation', title: 'Extend the ISA: a piecewise-linear GELU, end to end', minutes: 180 },
  { id: '08', folder: '08-overfitting-cv', title: 'Overfitting and cross-validation', minutes: 90 },
];

export function labInfo(id: string): LabInfo {
  const l = LABS.find((x) => x.id === id);
  if (!l) throw new Error(`no lab ${id}`);
  return l;
}
