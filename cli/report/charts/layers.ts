// Per-layer cycle breakdown: one horizontal bar per layer with its MFU busy cycles and share,
// its span (first issue to last finish: fused layers overlap, so spans do not add up), MACs
// and DRAM traffic, so the layer worth optimising stands out.
import type { MnistReport } from '../report-data.js';
import { axisBottom, esc, fmtNum, linearScale, openSvg, PALETTE, plotArea, type Frame } from '../svg.js';

export function renderLayersChart(r: MnistReport): string {
  const rowH = 30;
  const f: Frame = { width: 640, height: 70 + rowH * Math.max(1, r.layers.length), left: 60, right: 270, top: 32, bottom: 36 };
  const { x0, x1, y1 } = plotArea(f);
  const x = linearScale(0, Math.max(1, ...r.layers.map((l) => l.mfuBusy)), x0, x1);
  const bars = r.layers.map((l, i) => {
    const y = y1 + 6 + i * rowH;
    const w = Math.max(1, x(l.mfuBusy) - x0);
    const note = `${(l.share * 100).toFixed(1)} % · span ${fmtNum(l.cycles)} · ${fmtNum(l.macs)} MACs · ${fmtNum(l.dramReadBytes + l.dramWriteBytes)} B`;
    return `<g class="layer-bar"><text x="${x0 - 6}" y="${y + 14}" class="tick" text-anchor="end">${esc(l.name)}</text>`
      + `<rect x="${x0}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 10}" fill="${PALETTE[i % PALETTE.length]}"><title>${esc(`${l.name}: MFU busy ${l.mfuBusy} cycles, span ${l.cycles} cycles`)}</title></rect>`
      + `<text x="${(x0 + w + 4).toFixed(1)}" y="${y + 14}" class="tick">${esc(note)}</text></g>`;
  }).join('');
  return openSvg('chart-layers', f, 'Per-layer cycles on the DLP (MFU busy; share of compute)') + axisBottom(f, x, 'MFU busy cycles') + bars + '</svg>';
}
