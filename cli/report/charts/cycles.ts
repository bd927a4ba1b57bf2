// Where the cycles went: the critical-path account (simulator cycleBreakdown) as one stacked
// bar for the whole run, which spans exactly `cycles`, and one per layer on the same scale
// (the layers' bars together make up the run's), coloured by cause.
import { CYCLE_CAUSE_INFO, CYCLE_CAUSES, type CycleBreakdown } from '../../../simulator/index.js';
import type { MnistReport } from '../report-data.js';
import { axisBottom, esc, fmtNum, legend, linearScale, openSvg, PALETTE, plotArea, type Frame } from '../svg.js';

const color = (i: number): string => PALETTE[i % PALETTE.length]!;

function stackedBar(b: CycleBreakdown, x: (v: number) => number, y: number, h: number, who: string): string {
  let at = 0;
  return CYCLE_CAUSES.map((c, i) => {
    if (b[c] === 0) return '';
    const x0 = x(at);
    at += b[c];
    const w = Math.max(0.5, x(at) - x0);
    return `<rect x="${x0.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${h}" fill="${color(i)}"><title>${esc(`${who}: ${c} ${b[c]} cycles (${CYCLE_CAUSE_INFO[c].label})`)}</title></rect>`;
  }).join('');
}

export function renderCyclesChart(r: MnistReport): string {
  const rows: { name: string; b: CycleBreakdown }[] = [
    { name: 'whole run', b: r.cycleBreakdown },
    ...r.layers.map((l) => ({ name: l.name, b: l.cycleBreakdown })),
  ];
  const rowH = 26;
  const f: Frame = { width: 900, height: 96 + rowH * rows.length, left: 90, right: 20, top: 60, bottom: 36 };
  const { x0, x1, y1 } = plotArea(f);
  const x = linearScale(0, Math.max(1, r.cycles), x0, x1, 6);
  const bars = rows.map((row, i) => {
    const y = y1 + 4 + i * rowH;
    return `<g class="cycle-bar"><text x="${x0 - 6}" y="${y + 13}" class="tick" text-anchor="end">${esc(row.name)}</text>${stackedBar(row.b, x, y, rowH - 8, row.name)}</g>`;
  }).join('');
  const used = CYCLE_CAUSES.map((c, i) => [c, i] as const).filter(([c]) => r.cycleBreakdown[c] > 0);
  return openSvg('chart-cycles', f, `Where the ${fmtNum(r.cycles)} cycles went (critical path; the whole-run bar sums to cycles)`)
    + axisBottom(f, x, 'cycles') + bars
    + legend(x0, 38, used.map(([c, i]) => [`${c} ${((100 * r.cycleBreakdown[c]) / Math.max(1, r.cycles)).toFixed(1)} %`, color(i)] as [string, string]))
    + '</svg>';
}
