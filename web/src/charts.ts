// The summary panels: the simulator's cycle breakdown as one stacked bar (and one per layer), the roofline (SVG) and the
// per-layer table. Each takes plain data, so a new report field only changes the data step.
import { CYCLE_CAUSES, CYCLE_CAUSE_INFO, formatBytes, formatInt, formatJoules, formatPercent, type CycleBreakdown } from '../../simulator/index.js';
import type { RunResult } from './protocol.js';
import { colour, h, svg } from './format.js';

export interface Segment { label: string; cycles: number; colour: string }

/** The simulator's cycle breakdown (critical path, cause by cause; the causes sum to the
 * cycles) as bar segments, one colour per cause in every bar. Causes with no cycles are left out. */
export function cycleSegments(b: CycleBreakdown): Segment[] {
  return CYCLE_CAUSES.map((c, k) => ({ label: CYCLE_CAUSE_INFO[c].label, cycles: b[c], colour: colour(k) })).filter((s) => s.cycles > 0);
}

function stacked(segments: Segment[], attrs: Record<string, string>): HTMLElement {
  const total = segments.reduce((a, s) => a + s.cycles, 0) || 1;
  const bar = h('div', { class: 'stacked', role: 'img', 'aria-label': segments.map((s) => `${s.label} ${formatInt(s.cycles)} cycles`).join(', '), ...attrs });
  for (const s of segments) {
    bar.append(h('span', { 'data-cycles': String(s.cycles), style: `flex-grow:${s.cycles};background:${s.colour}`, title: `${s.label}: ${formatInt(s.cycles)} cycles (${formatPercent(s.cycles / total)})` }));
  }
  return bar;
}

export function breakdownBar(r: RunResult): HTMLElement {
  const segments = cycleSegments(r.report.cycleBreakdown);
  const total = segments.reduce((a, s) => a + s.cycles, 0) || 1;
  const legend = h('ul', { class: 'legend' });
  for (const s of segments) legend.append(h('li', {}, h('span', { class: 'swatch', style: `background:${s.colour}` }), `${s.label}: ${formatInt(s.cycles)} (${formatPercent(s.cycles / total)})`));
  return h('div', {}, stacked(segments, { 'data-testid': 'breakdown' }), legend,
    h('p', { class: 'note' }, 'Each cycle of the run is charged to what the critical path was doing (docs/simulator.md).'));
}

export function summary(r: RunResult): HTMLElement {
  const rep = r.report;
  const rows: [string, string, string?][] = [
    ['cycles', formatInt(rep.cycles), 'cycles'],
    ['time', `${(rep.seconds * 1e6).toFixed(3)} µs`],
    ['instructions', formatInt(rep.instructions)],
    ['MACs', formatInt(rep.macs)],
    ['MFU utilisation', formatPercent(rep.mfuUtilization), 'mfu'],
    ['DRAM read / write', `${formatBytes(rep.dramReadBytes)} / ${formatBytes(rep.dramWriteBytes)}`, 'dram-bytes'],
    ['DRAM bandwidth', `${rep.avgDramBytesPerCycle.toFixed(2)} B/cycle (${formatPercent(rep.dramBandwidthFraction)} of peak)`, 'dram-bw'],
    ['bound by', `${rep.boundBy} (roofline ${formatInt(rep.rooflineCycles)} cycles)`],
    ['energy', formatJoules(rep.energy.totalJoules), 'energy'],
  ];
  if (r.estimatedCycles !== undefined) rows.push(['compiler estimate', `${formatInt(r.estimatedCycles)} cycles`]);
  rows.push(['worker time', `compile ${r.compileMs.toFixed(0)} ms, simulate ${r.simulateMs.toFixed(0)} ms`]);
  const dl = h('dl', { class: 'summary' });
  for (const [k, v, id] of rows) dl.append(h('dt', {}, k), h('dd', id ? { 'data-testid': id } : {}, v));
  return dl;
}

export function layerTable(r: RunResult): HTMLElement {
  const t = h('table', { class: 'layers' });
  t.append(h('thead', {}, h('tr', {}, ...['layer', 'cycles', 'where they went', 'MACs', 'DRAM read', 'DRAM write', 'MFU busy', 'energy'].map((c) => h('th', { scope: 'col' }, c)))));
  const body = h('tbody');
  for (const l of r.report.perLayer) {
    body.append(h('tr', {}, h('th', { scope: 'row' }, l.name), h('td', {}, formatInt(l.cycles)), h('td', { class: 'mini' }, stacked(cycleSegments(l.cycleBreakdown), {})), h('td', {}, formatInt(l.macs)),
      h('td', {}, formatBytes(l.dramReadBytes)), h('td', {}, formatBytes(l.dramWriteBytes)), h('td', {}, formatInt(l.mfuBusy)), h('td', {}, formatJoules(l.energyJoules))));
  }
  t.append(body);
  return t;
}

/** Roofline: attainable MACs/cycle against operational intensity (MACs per DRAM byte), log-log,
 * with one point per layer (its MACs over its cycles) and one for the whole run. */
export function roofline(r: RunResult): SVGElement {
  const W = 360, H = 240, L = 48, B = 34, T = 10, R = 10;
  const peak = r.peakMacsPerCycle, bw = r.dramBytesPerCycle;
  const pts = r.report.perLayer.filter((l) => l.macs > 0 && l.cycles > 0).map((l, k) => ({
    name: l.name, k, oi: l.macs / Math.max(1, l.dramReadBytes + l.dramWriteBytes), perf: l.macs / l.cycles,
  }));
  const rep = r.report;
  if (rep.macs > 0) pts.push({ name: 'run', k: -1, oi: rep.macs / Math.max(1, rep.dramReadBytes + rep.dramWriteBytes), perf: rep.macs / rep.cycles });
  const ridge = peak / bw;
  const xs = [ridge, ...pts.map((p) => p.oi)];
  const x0 = Math.pow(10, Math.floor(Math.log10(Math.min(...xs) / 4))), x1 = Math.pow(10, Math.ceil(Math.log10(Math.max(...xs) * 4)));
  const y1 = Math.pow(10, Math.ceil(Math.log10(peak * 1.5)));
  const y0 = Math.pow(10, Math.floor(Math.log10(Math.min(bw * x0, ...pts.map((p) => p.perf)) / 2)));
  const X = (v: number) => L + ((Math.log10(v) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0))) * (W - L - R);
  const Y = (v: number) => H - B - ((Math.log10(v) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0))) * (H - B - T);
  const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'roofline', role: 'img', 'aria-label': `Roofline: peak ${peak} MACs/cycle, ${bw} B/cycle` });
  s.append(svg('rect', { x: L, y: T, width: W - L - R, height: H - B - T, class: 'plot' }));
  for (let d = Math.log10(x0); d <= Math.log10(x1); d++) s.append(svg('text', { x: X(10 ** d), y: H - B + 14, 'text-anchor': 'middle' }, `1e${d}`));
  for (let d = Math.log10(y0); d <= Math.log10(y1); d++) s.append(svg('text', { x: L - 4, y: Y(10 ** d) + 4, 'text-anchor': 'end' }, `1e${d}`));
  s.append(svg('text', { x: (L + W) / 2, y: H - 4, 'text-anchor': 'middle' }, 'MACs per DRAM byte'));
  s.append(svg('text', { x: 12, y: (T + H - B) / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${(T + H - B) / 2})` }, 'MACs / cycle'));
  const xr = Math.min(Math.max(ridge, x0), x1);
  s.append(svg('polyline', { points: `${X(x0)},${Y(Math.max(y0, bw * x0))} ${X(xr)},${Y(peak)} ${X(x1)},${Y(peak)}`, class: 'roof' }));
  for (const p of pts) {
    const c = svg('circle', { cx: X(p.oi), cy: Y(Math.max(p.perf, y0)), r: p.k < 0 ? 6 : 4, fill: p.k < 0 ? 'none' : colour(p.k), stroke: p.k < 0 ? '#222' : 'none', 'stroke-width': 2 });
    c.append(svg('title', {}, `${p.name}: ${p.oi.toFixed(2)} MACs/B, ${p.perf.toFixed(1)} MACs/cycle`));
    // The whole-run ring's label goes below it, so it does not sit on a layer's label.
    const below = p.k < 0;
    s.append(c, svg('text', { x: X(p.oi) + (below ? -8 : 7), y: Y(Math.max(p.perf, y0)) + (below ? 16 : -5), class: 'pt', 'text-anchor': below ? 'end' : 'start' }, p.name));
  }
  return s;
}
