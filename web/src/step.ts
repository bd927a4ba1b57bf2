// Step-through: instruction by instruction in program order. At the cycle the selected
// instruction starts, show each unit's queue (dispatched, not started) and what it is running,
// and the NRAM/WRAM bytes that hold data (written by this or an earlier instruction).
import { MAP_CELLS } from './occupancy.js';
import type { RunResult } from './protocol.js';
import { h } from './format.js';
import { formatBytes, formatInt, formatPercent } from '../../simulator/index.js';

export interface StepPanel { element: HTMLElement; setResult(r: RunResult): void; select(i: number): void; index(): number }

export function createStepPanel(onSelect: (i: number) => void): StepPanel {
  let result: RunResult | undefined;
  let current = 0;
  const range = h('input', { type: 'range', min: '0', max: '0', value: '0', 'aria-label': 'instruction index', 'data-testid': 'step-range' });
  const prev = h('button', { type: 'button', 'aria-label': 'previous instruction' }, '◀ Prev');
  const next = h('button', { type: 'button', 'aria-label': 'next instruction', 'data-testid': 'step-next' }, 'Next ▶');
  const title = h('div', { class: 'step-instr', 'data-testid': 'step-instr', 'aria-live': 'polite' });
  const mem = h('div', { class: 'mem' });
  const queues = h('div', { class: 'queues' });
  prev.addEventListener('click', () => select(current - 1));
  next.addEventListener('click', () => select(current + 1));
  range.addEventListener('input', () => select(Number(range.value)));

  function timeOf(i: number): number {
    const r = result!;
    if (Number.isFinite(r.instrs[i]!.start)) return r.instrs[i]!.start;
    let t = 0;
    for (let k = 0; k < i; k++) if (Number.isFinite(r.instrs[k]!.end)) t = Math.max(t, r.instrs[k]!.end);
    return t;
  }

  function memBar(name: string, used: number, cap: number, map: Uint8Array): HTMLElement {
    const strip = h('div', { class: 'strip', role: 'img', 'aria-label': `${name} map` });
    for (const v of map) strip.append(h('span', { style: `opacity:${(0.08 + 0.92 * (v / 255)).toFixed(2)}` }));
    return h('div', { class: 'membar' }, h('div', {}, `${name}: ${formatBytes(used)} of ${formatBytes(cap)} hold data (${formatPercent(used / cap)})`), strip);
  }

  function select(i: number): void {
    if (!result) return;
    const occ = result.occupancy;
    current = Math.min(Math.max(0, i), result.instrs.length - 1);
    range.value = String(current);
    const ins = result.instrs[current]!;
    const t = timeOf(current);
    title.textContent = `#${current} ${ins.text}  —  ${ins.unit}${Number.isFinite(ins.start) ? `, cycles ${formatInt(ins.start)}–${formatInt(ins.end)} (dispatched ${formatInt(ins.dispatch)})` : ''}${ins.layer ? `, layer ${ins.layer}` : ''}`;
    const row = (m: Uint8Array) => m.subarray(current * MAP_CELLS, (current + 1) * MAP_CELLS);
    mem.replaceChildren(memBar('NRAM', occ.nram[current]!, result.nramBytes, row(occ.nramMap)), memBar('WRAM', occ.wram[current]!, result.wramBytes, row(occ.wramMap)));
    queues.replaceChildren(h('p', { class: 'note' }, `At cycle ${formatInt(t)}:`));
    for (const u of result.units) {
      const waiting = result.instrs.map((x, k) => ({ x, k })).filter(({ x }) => x.unit === u && x.dispatch <= t && t < x.start);
      const running = result.instrs.map((x, k) => ({ x, k })).filter(({ x }) => x.unit === u && x.start <= t && t < x.end);
      const list = h('ol', { class: 'queue' });
      for (const { x, k } of running) list.append(h('li', { class: 'running' }, `▶ #${k} ${x.text.split(/\s+/)[0]}`));
      for (const { x, k } of waiting) list.append(h('li', {}, `#${k} ${x.text.split(/\s+/)[0]}`));
      if (!list.childElementCount) list.append(h('li', { class: 'empty' }, 'idle'));
      queues.append(h('div', { class: 'unitq' }, h('strong', {}, u), list));
    }
    onSelect(current);
  }

  const element = h('div', { class: 'step' }, h('div', { class: 'toolbar' }, prev, range, next), title, mem, queues);
  return {
    element,
    setResult(r) {
      result = r;
      range.max = String(r.instrs.length - 1);
      select(Math.min(current, r.instrs.length - 1));
    },
    select,
    index: () => current,
  };
}
