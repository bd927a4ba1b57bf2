// The load/compute/store timeline: one lane per unit, one box per instruction from its start to
// its end cycle, coloured by layer. Zoom with the buttons, the mouse wheel or +/- and the arrow
// keys when the canvas has focus; the step-through's instruction is marked with a line.
import type { RunResult } from './protocol.js';
import { colour, h } from './format.js';

export interface Timeline { element: HTMLElement; setResult(r: RunResult): void; setCursor(i: number): void }

export function createTimeline(onPick: (index: number) => void): Timeline {
  const canvas = h('canvas', { tabindex: '0', 'aria-label': 'Timeline of the run: +/- zoom, arrow keys pan, 0 resets', 'data-testid': 'timeline', height: '150' });
  const label = h('span', { class: 'note', 'aria-live': 'polite' });
  const btn = (text: string, title: string, f: () => void) => { const b = h('button', { type: 'button', title }, text); b.addEventListener('click', f); return b; };
  let result: RunResult | undefined;
  let cursor = -1;
  let view = { from: 0, to: 1 };
  const LANE = 28, TOP = 18, LEFT = 64;

  function lanes(): string[] { return result ? result.units : []; }

  function draw(): void {
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 600;
    const height = TOP + LANE * Math.max(1, lanes().length) + 8;
    canvas.width = Math.round(width * dpr); canvas.height = Math.round(height * dpr);
    canvas.style.height = `${height}px`;
    const g = canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = '11px system-ui, sans-serif';
    if (!result) return;
    const span = Math.max(1e-9, view.to - view.from);
    const x = (c: number) => LEFT + ((c - view.from) / span) * (width - LEFT - 4);
    const layerIndex = new Map<string, number>();
    lanes().forEach((u, k) => {
      g.fillStyle = k % 2 ? '#f4f4f4' : '#fafafa';
      g.fillRect(LEFT, TOP + k * LANE, width - LEFT, LANE);
      g.fillStyle = '#222';
      g.fillText(u, 4, TOP + k * LANE + LANE / 2 + 4);
    });
    result.instrs.forEach((ins) => {
      const lane = lanes().indexOf(ins.unit);
      if (lane < 0 || !Number.isFinite(ins.start) || ins.end < view.from || ins.start > view.to) return;
      if (!layerIndex.has(ins.layer)) layerIndex.set(ins.layer, layerIndex.size);
      const x0 = x(ins.start), x1 = Math.max(x0 + 1, x(ins.end));
      g.fillStyle = colour(layerIndex.get(ins.layer)!);
      g.fillRect(x0, TOP + lane * LANE + 4, x1 - x0, LANE - 8);
    });
    g.fillStyle = '#222';
    g.fillText(`cycle ${Math.round(view.from).toLocaleString('en-US')}`, LEFT, 12);
    const endText = `${Math.round(view.to).toLocaleString('en-US')}`;
    g.fillText(endText, width - 4 - g.measureText(endText).width, 12);
    const at = result.instrs[cursor];
    if (at && Number.isFinite(at.start)) {
      g.strokeStyle = '#c00'; g.lineWidth = 2;
      g.beginPath(); g.moveTo(x(at.start), TOP); g.lineTo(x(at.start), height - 4); g.stroke();
    }
    label.textContent = `showing cycles ${Math.round(view.from).toLocaleString('en-US')}–${Math.round(view.to).toLocaleString('en-US')} of ${result.report.cycles.toLocaleString('en-US')}`;
  }

  function zoom(factor: number, centre?: number): void {
    if (!result) return;
    const c = centre ?? (view.from + view.to) / 2;
    const span = Math.max(4, (view.to - view.from) * factor);
    setView(c - (c - view.from) * (span / (view.to - view.from)), span);
  }
  function pan(frac: number): void { setView(view.from + (view.to - view.from) * frac, view.to - view.from); }
  function setView(from: number, span: number): void {
    const total = result?.report.cycles ?? 1;
    span = Math.min(span, total);
    from = Math.min(Math.max(0, from), total - span);
    view = { from, to: from + span };
    draw();
  }
  function reset(): void { view = { from: 0, to: result?.report.cycles ?? 1 }; draw(); }

  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    const rect = canvas.getBoundingClientRect();
    const frac = (e.clientX - rect.left - LEFT) / (rect.width - LEFT - 4);
    zoom(e.deltaY > 0 ? 1.25 : 0.8, view.from + Math.min(1, Math.max(0, frac)) * (view.to - view.from));
  }, { passive: false });
  canvas.addEventListener('keydown', (e) => {
    const k = e.key;
    if (k === '+' || k === '=') zoom(0.8); else if (k === '-') zoom(1.25);
    else if (k === 'ArrowLeft') pan(-0.2); else if (k === 'ArrowRight') pan(0.2);
    else if (k === '0') reset(); else return;
    e.preventDefault();
  });
  canvas.addEventListener('click', (e) => {
    if (!result) return;
    const rect = canvas.getBoundingClientRect();
    const lane = Math.floor((e.clientY - rect.top - TOP) / LANE);
    const cyc = view.from + ((e.clientX - rect.left - LEFT) / (rect.width - LEFT - 4)) * (view.to - view.from);
    const hit = result.instrs.findIndex((i) => i.unit === lanes()[lane] && i.start <= cyc && cyc <= i.end);
    if (hit >= 0) onPick(hit);
  });
  new ResizeObserver(() => draw()).observe(canvas);

  const element = h('div', { class: 'timeline' },
    h('div', { class: 'toolbar' }, btn('Zoom in', 'zoom in (+)', () => zoom(0.5)), btn('Zoom out', 'zoom out (-)', () => zoom(2)),
      btn('◀', 'pan left (←)', () => pan(-0.25)), btn('▶', 'pan right (→)', () => pan(0.25)), btn('Reset', 'whole run (0)', reset), label),
    canvas);
  return {
    element,
    setResult(r) { const same = result && result.report.cycles === r.report.cycles; result = r; if (!same) view = { from: 0, to: r.report.cycles }; draw(); },
    setCursor(i) { cursor = i; draw(); },
  };
}
