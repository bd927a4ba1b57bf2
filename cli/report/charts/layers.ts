// Per-layer cycle breakdown: one horizontal bar per layer with its share of the run's
// cycles, MACs and DRAM traffic, so the layer worth optimising stands out.
import type { MnistReport } from '../report-data.js';
import { axisBottom, esc, fmtNum, linearScale, openSvg, PALETTE, plotArea, type Frame } from '../svg.js';

export function renderLayersChart(r: MnistReport): string {
  const rowH = 30;
  const f: Frame = { width: 560, height: 70 + rowH * Math.max(1, r.layers.length), left: 80, right: 150, top: 32, bottom: 36 };
  const { x0, x1, y1 } = plotArea(f);
  const x = linearScale(0, Math.max(1, ...r.layers.map((l) => l.cycles)), x0, x1);
  const bars = r.layers.map((l, i) => {
    const y = y1 + 6 + i * rowH;
    const w = Math.max(1, x(l.cycles) - x0);
    const note = `${(l.share * 100).toFixed(1)} % · ${fmtNum(l.macs)} MACs · ${fmtNum(l.dramReadBytes + l.dramWriteBytes)} B`;
    return `<g class="layer-bar"><text x="${x0 - 6}" y="${y + 14}" class="tick" text-anchor="end">${esc(l.name)}</text>`
      + `<rect x="${x0}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 10}" fill="${PALETTE[i % PALETTE.length]}"><title>${esc(`${l.name}: ${l.cycles} cycles`)}</title></rect>`
      + `<text x="${(x0 + w + 4).toFixed(1)}" y="${y + 14}" class="tick">${esc(note)}</text></g>`;
  }).join('');
  return openSvg('chart-layers', f, 'Per-layer cycles on the DLP') + axisBottom(f, x, 'cycles (first issue to last finish)') + bars + '</svg>';
}
