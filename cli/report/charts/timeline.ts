// Timeline of one simulated batch from its trace events: one lane per unit (load = dma-in,
// compute = MFU and VFU, store = dma-out, plus the shared DRAM channel), one rectangle per
// instruction coloured by layer, so the overlap of load, compute and store is visible.
import type { TraceEvent } from '../../../simulator/index.js';
import { axisBottom, esc, legend, linearScale, openSvg, PALETTE, plotArea, type Frame } from '../svg.js';

const LANE_LABELS: Record<string, string> = {
  'dma-in': 'load (DMA in)', mfu: 'compute: MFU', vfu: 'compute: VFU', 'dma-out': 'store (DMA out)', 'dram-channel': 'DRAM channel',
};

export function renderTimelineChart(events: readonly TraceEvent[], rows: number, clockHz: number): string {
  const lanes = events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => ({ tid: e.tid, name: String(e.args?.name ?? e.tid) }));
  const slices = events.filter((e) => e.ph === 'X');
  const laneH = 26;
  const f: Frame = { width: 900, height: 84 + laneH * lanes.length, left: 120, right: 20, top: 44, bottom: 36 };
  const { x0, x1, y1 } = plotArea(f);
  const toCycles = clockHz / 1e6;
  const end = Math.max(1, ...slices.map((e) => ((e.ts ?? 0) + (e.dur ?? 0)) * toCycles));
  const x = linearScale(0, end, x0, x1, 8);
  const layers = [...new Set(slices.filter((e) => e.cat !== 'dram').map((e) => e.cat ?? 'program'))];
  const color = (cat: string): string => PALETTE[Math.max(0, layers.indexOf(cat)) % PALETTE.length]!;
  const laneY = new Map(lanes.map((l, i) => [l.tid, y1 + 4 + i * laneH]));
  const labels = lanes.map((l) => `<text x="${x0 - 6}" y="${laneY.get(l.tid)! + 13}" class="tick" text-anchor="end">${esc(LANE_LABELS[l.name] ?? l.name)}</text>`).join('');
  const rects = slices.map((e) => {
    const ly = laneY.get(e.tid);
    if (ly === undefined) return '';
    const s = (e.ts ?? 0) * toCycles, d = (e.dur ?? 0) * toCycles;
    const w = Math.max(0.5, x(s + d) - x(s));
    const a = e.args ?? {};
    const tip = `${e.name} ${e.cat ?? ''} cycles ${String(a.startCycle ?? a.grantCycle ?? Math.round(s))}-${String(a.endCycle ?? Math.round(s + d))}`;
    const fill = e.cat === 'dram' ? '#999' : color(e.cat ?? 'program');
    return `<rect x="${x(s).toFixed(1)}" y="${ly}" width="${w.toFixed(2)}" height="${laneH - 8}" fill="${fill}"><title>${esc(tip)}</title></rect>`;
  }).join('');
  return openSvg('chart-timeline', f, `Timeline of one batch (${rows} images)`)
    + axisBottom(f, x, 'cycle') + labels + `<g class="slices">${rects}</g>`
    + legend(x0 + 260, 30, layers.map((l) => [l, color(l)] as [string, string]))
    + '</svg>';
}
