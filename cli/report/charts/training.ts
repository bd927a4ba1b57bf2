// Training curves: the loss (left axis) and the training accuracy (right axis) per epoch,
// with the final host test accuracy marked, so under- and over-fitting can be read at a glance.
import type { MnistReport } from '../report-data.js';
import { axisBottom, axisLeft, esc, legend, linearScale, openSvg, PALETTE, plotArea, series, type Frame } from '../svg.js';

export function renderTrainingChart(r: MnistReport): string {
  const f: Frame = { width: 560, height: 300, left: 56, right: 56, top: 40, bottom: 40 };
  const { x0, x1, y0, y1 } = plotArea(f);
  const h = r.training.history;
  const epochs = Math.max(1, h.length);
  const x = linearScale(epochs > 1 ? 1 : 0, epochs, x0, x1, Math.min(epochs, 8));
  const maxLoss = Math.max(1e-6, ...h.map((e) => e.loss));
  const yl = linearScale(0, maxLoss, y0, y1);
  const accs = [...h.map((e) => e.accuracy), r.hostAccuracy];
  const lo = Math.max(0, Math.floor(Math.min(...accs) * 20) / 20);
  const ya = linearScale(lo, 1, y0, y1);
  const loss = series(h.map((e) => [x(e.epoch), yl(e.loss)]), PALETTE[0]!, 'loss');
  const acc = series(h.map((e) => [x(e.epoch), ya(e.accuracy)]), PALETTE[1]!, 'accuracy');
  const testY = ya(r.hostAccuracy).toFixed(1);
  const test = `<line x1="${x0}" y1="${testY}" x2="${x1}" y2="${testY}" stroke="${PALETTE[2]}" stroke-dasharray="4 3"/>`
    + `<text x="${x1 - 4}" y="${Number(testY) - 4}" class="tick" text-anchor="end">${esc(`test ${(r.hostAccuracy * 100).toFixed(2)} %`)}</text>`;
  return openSvg('chart-training', f, 'Training: loss and accuracy per epoch')
    + axisBottom(f, x, 'epoch', (v) => (Number.isInteger(v) ? String(v) : ''))
    + axisLeft(f, yl, 'training loss')
    + axisLeft(f, ya, 'accuracy', (v) => `${Math.round(v * 100)} %`, 'right')
    + loss + acc + test
    + legend(x0 + 150, 30, [['loss', PALETTE[0]!], ['train accuracy', PALETTE[1]!], ['host test accuracy', PALETTE[2]!]])
    + '</svg>';
}
