// The sweep as one self-contained SVG with two panels: cycles vs energy (every point, the
// Pareto front joined and highlighted) and a roofline view (MACs per cycle against MACs per
// compulsory DRAM byte, under each distinct roof min(peak, bandwidth × intensity)). Each point
// carries a <title> naming its parameters, so hovering in a browser identifies it.
import type { PointResult } from '../../../runtime/index.js';
import { esc } from '../svg.js';

interface Scale {
  map(v: number): number;
  ticks: number[];
  log: boolean;
}

const PANEL_W = 470;
const PANEL_H = 380;
const MARGIN = { left: 78, right: 18, top: 40, bottom: 52 };

/** Compact tick labels with k/M/G suffixes (1.2e6 → "1.2M"). */
function formatTick(v: number): string {
  const a = Math.abs(v);
  const fmt = (x: number) => String(Number(x.toPrecision(3)));
  if (a >= 1e9) return `${fmt(v / 1e9)}G`;
  if (a >= 1e6) return `${fmt(v / 1e6)}M`;
  if (a >= 1e3) return `${fmt(v / 1e3)}k`;
  if (a >= 1e-3 || a === 0) return fmt(v);
  return v.toExponential(1);
}

/** Linear ticks at 1/2/5 × 10^k steps. */
function linearTicks(lo: number, hi: number): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** A log scale when the data spans at least a decade (or always, for `log`; values must then
 * be positive), else linear; padded by 5 %. */
function makeScale(values: number[], from: number, to: number, mode: 'auto' | 'log' = 'auto'): Scale {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (mode === 'log' && hi === lo) { lo /= 2; hi *= 2; }
  const log = lo > 0 && (mode === 'log' || hi / lo >= 10);
  if (log) {
    const a = Math.log10(lo) - 0.05 * (Math.log10(hi) - Math.log10(lo));
    const b = Math.log10(hi) + 0.05 * (Math.log10(hi) - Math.log10(lo));
    const ticks: number[] = [];
    // Decades, plus 2× and 5× steps when the range spans too few decades to label.
    const steps = b - a < 2 ? [1, 2, 5] : [1];
    for (let e = Math.floor(a); e <= Math.ceil(b); e++) {
      for (const m of steps) if (Math.log10(m * 10 ** e) >= a && Math.log10(m * 10 ** e) <= b) ticks.push(m * 10 ** e);
    }
    return { log, ticks, map: (v) => from + ((Math.log10(v) - a) / (b - a)) * (to - from) };
  }
  if (hi === lo) { lo = lo === 0 ? -1 : lo * 0.9; hi = hi === 0 ? 1 : hi * 1.1; }
  const pad = 0.05 * (hi - lo);
  const a = lo - pad;
  const b = hi + pad;
  return { log, ticks: linearTicks(a, b), map: (v) => from + ((v - a) / (b - a)) * (to - from) };
}

function pointTitle(r: PointResult): string {
  const p = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ');
  const m = r.metrics!;
  return esc(`#${r.index} ${p} — ${m.cycles} cycles, ${(m.energyJoules * 1e3).toPrecision(4)} mJ, ${m.boundBy}-bound`);
}

/** Axes, ticks, grid and labels of one panel; returns the SVG fragment. */
function drawAxes(x0: number, xs: Scale, ys: Scale, title: string, xLabel: string, yLabel: string): string {
  const left = x0 + MARGIN.left;
  const right = x0 + PANEL_W - MARGIN.right;
  const top = MARGIN.top;
  const bottom = PANEL_H - MARGIN.bottom;
  const parts = [
    `<text x="${(left + right) / 2}" y="22" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#444"/>`,
  ];
  for (const t of xs.ticks) {
    const x = xs.map(t);
    if (x < left - 0.5 || x > right + 0.5) continue;
    parts.push(`<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="#ddd"/>`,
      `<text x="${x.toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  for (const t of ys.ticks) {
    const y = ys.map(t);
    if (y < top - 0.5 || y > bottom + 0.5) continue;
    parts.push(`<line x1="${left}" y1="${y.toFixed(1)}" x2="${right}" y2="${y.toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${formatTick(t)}</text>`);
  }
  parts.push(`<text x="${(left + right) / 2}" y="${PANEL_H - 14}" text-anchor="middle">${esc(xLabel + (xs.log ? ' (log)' : ''))}</text>`,
    `<text transform="translate(${x0 + 18},${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel + (ys.log ? ' (log)' : ''))}</text>`);
  return parts.join('\n');
}

function drawTradeoff(results: readonly PointResult[], pareto: readonly number[], ok: number[]): string {
  const xs = makeScale(ok.map((i) => results[i]!.metrics!.cycles), MARGIN.left, PANEL_W - MARGIN.right);
  const ys = makeScale(ok.map((i) => results[i]!.metrics!.energyJoules * 1e3), PANEL_H - MARGIN.bottom, MARGIN.top);
  const onFront = new Set(pareto);
  const at = (i: number) => [xs.map(results[i]!.metrics!.cycles), ys.map(results[i]!.metrics!.energyJoules * 1e3)] as const;
  const parts = [drawAxes(0, xs, ys, 'Cycles vs energy (Pareto front marked)', 'simulated cycles', 'energy (mJ)')];
  if (pareto.length > 1) {
    const path = pareto.map((i) => at(i).map((v) => v.toFixed(1)).join(',')).join(' ');
    parts.push(`<polyline class="pareto-front" points="${path}" fill="none" stroke="#d95f02" stroke-width="2"/>`);
  }
  for (const i of ok) {
    const [x, y] = at(i);
    const front = onFront.has(i);
    parts.push(`<circle class="${front ? 'point pareto' : 'point'}" cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${front ? 5 : 3.5}" ` +
      `fill="${front ? '#d95f02' : '#7570b3'}" fill-opacity="${front ? 1 : 0.6}"><title>${pointTitle(results[i]!)}</title></circle>`);
  }
  return parts.join('\n');
}

function drawRoofline(results: readonly PointResult[], pareto: readonly number[], ok: number[]): string {
  const m = ok.map((i) => results[i]!.metrics!);
  const xVals = m.map((v) => v.intensity).filter((v) => v > 0);
  // The x range also covers each roof's ridge point so the knee of every roof is visible.
  const ridges = m.map((v) => v.peakMacsPerCycle / v.dramBytesPerCycle);
  // Log-log, as rooflines are drawn: the bandwidth slope is then a straight line, and the y range
  // covers each roof's lowest point so no roof leaves the frame (a clip path guards the rest).
  const xLo = Math.min(...xVals, ...ridges) / 1.2;
  const xHi = Math.max(...xVals, ...ridges) * 1.2;
  const roofs = [...new Map(m.map((v) => [`${v.peakMacsPerCycle}/${v.dramBytesPerCycle}`, v])).values()];
  const xs = makeScale([xLo, xHi], PANEL_W + MARGIN.left, 2 * PANEL_W - MARGIN.right, 'log');
  const yVals = [...m.map((v) => v.macsPerCycle).filter((v) => v > 0), ...roofs.flatMap((r) => [r.peakMacsPerCycle, Math.min(r.peakMacsPerCycle, r.dramBytesPerCycle * xLo)])];
  const ys = makeScale(yVals, PANEL_H - MARGIN.bottom, MARGIN.top, 'log');
  const parts = [drawAxes(PANEL_W, xs, ys, 'Roofline', 'MACs per DRAM byte', 'MACs per cycle')];
  const [cl, cr, ct, cb] = [PANEL_W + MARGIN.left, 2 * PANEL_W - MARGIN.right, MARGIN.top, PANEL_H - MARGIN.bottom];
  parts.push(`<clipPath id="roofline-plot"><rect x="${cl}" y="${ct}" width="${cr - cl}" height="${cb - ct}"/></clipPath>`);
  for (const r of roofs) {
    const ridge = r.peakMacsPerCycle / r.dramBytesPerCycle;
    const pts = [xLo, Math.min(Math.max(ridge, xLo), xHi), xHi].map((x) => [x, Math.min(r.peakMacsPerCycle, r.dramBytesPerCycle * x)] as const);
    const path = pts.map(([x, y]) => `${xs.map(x).toFixed(1)},${ys.map(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline class="roof" clip-path="url(#roofline-plot)" points="${path}" fill="none" stroke="#999" stroke-dasharray="4 3">` +
      `<title>peak ${r.peakMacsPerCycle} MACs/cycle, ${r.dramBytesPerCycle} B/cycle</title></polyline>`);
  }
  const onFront = new Set(pareto);
  for (const i of ok) {
    const v = results[i]!.metrics!;
    if (v.intensity <= 0 || v.macsPerCycle <= 0) continue;
    const front = onFront.has(i);
    parts.push(`<circle class="${front ? 'point pareto' : 'point'}" cx="${xs.map(v.intensity).toFixed(1)}" cy="${ys.map(v.macsPerCycle).toFixed(1)}" ` +
      `r="${front ? 5 : 3.5}" fill="${front ? '#d95f02' : '#1b9e77'}" fill-opacity="${front ? 1 : 0.6}"><title>${pointTitle(results[i]!)}</title></circle>`);
  }
  return parts.join('\n');
}

/** The whole figure; `title` names the model and sweep. */
export function renderExploreSvg(title: string, results: readonly PointResult[], pareto: readonly number[]): string {
  const ok = results.map((r, i) => (r.metrics ? i : -1)).filter((i) => i >= 0);
  const width = 2 * PANEL_W;
  const height = PANEL_H + 30;
  const body = ok.length === 0
    ? `<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no point of the sweep could run</text>`
    : `${drawTradeoff(results, pareto, ok)}\n${drawRoofline(results, pareto, ok)}`;
  const failed = results.length - ok.length;
  const legend = `<text x="12" y="${PANEL_H + 20}" font-size="11">${esc(title)} — ${results.length} points, ` +
    `${pareto.length} on the Pareto front (orange)${failed ? `, ${failed} failed` : ''}</text>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="white"/>\n` +
    `${body}\n${legend}\n</svg>\n`;
}
