// The list of labs as data: id, folder, title, the expected time for a student and the files
// handed out (`dlp lab start` copies exactly these; everything else in the folder — check.ts,
// questions.ts, solution/ — stays with the checker). The registry (labs/index.ts) adds the
// checker of each; checkers read their own entry here.
import type { LabInfo } from './result.js';

export const LABS: readonly LabInfo[] = [
  { id: '01', folder: '01-forward-backward', title: 'Forward and backward by hand', minutes: 90, handout: ['README.md', 'layers.ts'] },
  { id: '02', folder: '02-mnist-98', title: 'Train MNIST past 98 %', minutes: 120, handout: ['README.md', 'settings.ts'] },
  { id: '03', folder: '03-dlp-assembly', title: 'Write DLP assembly for a dense layer', minutes: 90, handout: ['README.md', 'dense.dlps'] },
  { id: '04', folder: '04-tiling', title: 'Tiling and buffers', minutes: 120, handout: ['README.md', 'tiling.json'] },
  { id: '05', folder: '05-roofline', title: 'Roofline: memory-bound or compute-bound', minutes: 90, handout: ['README.md', 'sweep.ts', 'answers.json'] },
  { id: '06', folder: '06-quantization', title: 'Quantisation: fp32, int16, int8 and per-channel scales', minutes: 120, handout: ['README.md', 'quant.ts', 'compare.ts', 'answers.json'] },
  { id: '07', folder: '07-pwl-activation', title: 'Extend the ISA: a piecewise-linear GELU, end to end', minutes: 180, handout: ['README.md', 'pwl.ts'] },
  { id: '08', folder: '08-overfitting-cv', title: 'Overfitting and cross-validation', minutes: 90, handout: ['README.md', 'experiment.ts'] },
  { id: '09', folder: '09-mnist-mlp', title: 'The book\'s lab 1: a three-layer MLP for MNIST, written by hand', minutes: 240, handout: ['README.md', 'layers.ts', 'mlp.ts'] },
  { id: '10', folder: '10-dlp-inference', title: 'The book\'s lab 2: MNIST inference on the DLP through CnnlNet', minutes: 180, handout: ['README.md', 'infer.ts'] },
];

export function labInfo(id: string): LabInfo {
  const l = LABS.find((x) => x.id === id);
  if (!l) throw new Error(`no lab ${id}`);
  return l;
}
