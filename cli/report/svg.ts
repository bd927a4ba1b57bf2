// Hand-written SVG helpers for the report's charts: escaping, linear and log scales with
// readable ticks, axes, and number formatting. No chart library: the page must open offline.

export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function esc(s: string | number): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Formats a number for an axis or label: 1.2k, 3.4M, 0.05. */
export function fmtNum(x: number): string {
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 1e9) return `${+(x / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(x / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(x / 1e3).toPrecision(3)}k`;
  if (a >= 0.01) return `${+x.toPrecision(3)}`;
  return x.toExponential(1);
}

export interface Scale {
  (v: number): number;
  ticks: number[];
}

/** Tick step of 1, 2 or 5 × 10^k giving about `count` ticks over [lo, hi]. */
function niceStep(lo: number, hi: number, count: number): number {
  const raw = (hi - lo) / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** Linear scale from [lo, hi] to [r0, r1] with the domain widened to whole ticks. */
export function linearScale(lo: number, hi: number, r0: number, r1: number, count = 5): Scale {
  if (hi <= lo) hi = lo + 1;
  const step = niceStep(lo, hi, count);
  const a = Math.floor(lo / step) * step;
  const b = Math.ceil(hi / step) * step;
  const f = ((v: number) => r0 + ((v - a) / (b - a)) * (r1 - r0)) as Scale;
  f.ticks = [];
  for (let t = a; t <= b + step / 2; t += step) f.ticks.push(+t.toPrecision(12));
  return f;
}

/** Log10 scale from [lo, hi] (widened to whole decades) to [r0, r1]. */
export function logScale(lo: number, hi: number, r0: number, r1: number): Scale {
  const a = Math.floor(Math.log10(lo));
  let b = Math.ceil(Math.log10(hi));
  if (b <= a) b = a + 1;
  const f = ((v: number) => r0 + ((Math.log10(Math.max(v, 10 ** a)) - a) / (b - a)) * (r1 - r0)) as Scale;
  f.ticks = [];
  for (let k = a; k <= b; k++) f.ticks.push(10 ** k);
  return f;
}

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The plot area's pixel bounds inside a frame. */
export function plotArea(f: Frame): { x0: number; x1: number; y0: number; y1: number } {
  return { x0: f.left, x1: f.width - f.right, y0: f.height - f.bottom, y1: f.top };
}

/** Opens a chart: an <svg> with an id, a title for screen readers and a heading. */
export function openSvg(id: string, f: Frame, title: string): string {
  return `<svg id="${esc(id)}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${esc(title)}">`
    + `<title>${esc(title)}</title><text x="${f.left}" y="16" class="title">${esc(title)}</text>`;
}

/** Bottom axis with ticks, grid lines and a label. */
export function axisBottom(f: Frame, s: Scale, label: string, fmt: (v: number) => string = fmtNum): string {
  const { x0, x1, y0, y1 } = plotArea(f);
  const parts = [`<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}" class="axis"/>`];
  for (const t of s.ticks) {
    const x = s(t).toFixed(1);
    parts.push(`<line x1="${x}" y1="${y1}" x2="${x}" y2="${y0}" class="grid"/>`, `<text x="${x}" y="${y0 + 14}" class="tick" text-anchor="middle">${esc(fmt(t))}</text>`);
  }
  parts.push(`<text x="${(x0 + x1) / 2}" y="${f.height - 4}" class="label" text-anchor="middle">${esc(label)}</text>`);
  return parts.join('');
}

/** Left (or right) axis with ticks, grid lines and a rotated label. */
export function axisLeft(f: Frame, s: Scale, label: string, fmt: (v: number) => string = fmtNum, side: 'left' | 'right' = 'left'): string {
  const { x0, x1, y0, y1 } = plotArea(f);
  const x = side === 'left' ? x0 : x1;
  const parts = [`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y1}" class="axis"/>`];
  for (const t of s.ticks) {
    const y = s(t).toFixed(1);
    if (side === 'left') parts.push(`<line x1="${x0}" y1="${y}" x2="${x1}" y2="${y}" class="grid"/>`);
    const tx = side === 'left' ? x - 4 : x + 4;
    parts.push(`<text x="${tx}" y="${y}" dy="3" class="tick" text-anchor="${side === 'left' ? 'end' : 'start'}">${esc(fmt(t))}</text>`);
  }
  const lx = side === 'left' ? 12 : f.width - 6;
  const ly = (y0 + y1) / 2;
  parts.push(`<text x="${lx}" y="${ly}" class="label" text-anchor="middle" transform="rotate(-90 ${lx} ${ly})">${esc(label)}</text>`);
  return parts.join('');
}

/** A polyline through points plus a dot on each (so a single point still shows). */
export function series(points: [number, number][], color: string, cls: string): string {
  if (points.length === 0) return '';
  const d = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const dots = points.map(([x, y]) => `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${color}"/>`).join('');
  return `<g class="${esc(cls)}"><polyline points="${d}" fill="none" stroke="${color}" stroke-width="2"/>${dots}</g>`;
}

/** A row of coloured legend entries starting at (x, y). */
export function legend(x: number, y: number, entries: [string, string][]): string {
  let at = x;
  return entries.map(([label, color]) => {
    const s = `<rect x="${at}" y="${y - 9}" width="10" height="10" fill="${color}"/><text x="${at + 14}" y="${y}" class="tick">${esc(label)}</text>`;
    at += 24 + label.length * 6.5;
    return s;
  }).join('');
}
