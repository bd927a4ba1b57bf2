// Step-through: instruction by instruction in program order. At the cycle the selected
// instruction starts, show each unit's queue (dispatched, not started) and what it is running,
// and the NRAM/WRAM bytes that hold data (written by this or an earlier instruction).
import type { InstrInfo, RunResult } from './protocol.js';
import { bytes, h, int, pct } from './format.js';

export interface StepPanel { element: HTMLElement; setResult(r: RunResult): void; select(i: number): void; index(): number }

/** Bytes of each on-chip memory written by instructions 0..i, for every i (exact, byte by byte). */
export function occupancy(instrs: readonly InstrInfo[], nramBytes: number, wramBytes: number): { nram: Int32Array; wram: Int32Array; maps: { nram: Uint8Array; wram: Uint8Array }[] } {
  const used = { nram: new Uint8Array(nramBytes), wram: new Uint8Array(wramBytes) };
  const count = { nram: 0, wram: 0 };
  const nram = new Int32Array(instrs.length), wram = new Int32Array(instrs.length);
  const maps: { nram: Uint8Array; wram: Uint8Array }[] = [];
  const CELLS = 128;
  const snapshot = (m: Uint8Array): Uint8Array => {
    const out = new Uint8Array(CELLS);
    const per = m.length / CELLS;
    for (let c = 0; c < CELLS; c++) {
      let n = 0;
      const a = Math.floor(c * per), b = Math.floor((c + 1) * per);
      for (let k = a; k < b; k++) n += m[k]!;
      out[c] = Math.round((255 * n) / Math.max(1, b - a));
    }
    return out;
  };
  instrs.forEach((ins, i) => {
    for (const [space, start, rows, rowBytes, pitch] of ins.writes) {
      const m = used[space];
      for (let r = 0; r < rows; r++) {
        const a = start + r * pitch;
        for (let k = a; k < Math.min(a + rowBytes, m.length); k++) if (!m[k]) { m[k] = 1; count[space]++; }
      }
    }
    nram[i] = count.nram; wram[i] = count.wram;
    maps.push(ins.writes.length || i === 0 ? { nram: snapshot(used.nram), wram: snapshot(used.wram) } : maps[i - 1]!);
  });
  return { nram, wram, maps };
}

export function createStepPanel(onSelect: (i: number) => void): StepPanel {
  let result: RunResult | undefined;
  let occ: ReturnType<typeof occupancy> | undefined;
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
    return h('div', { class: 'membar' }, h('div', {}, `${name}: ${bytes(used)} of ${bytes(cap)} hold data (${pct(used / cap)})`), strip);
  }

  function select(i: number): void {
    if (!result || !occ) return;
    current = Math.min(Math.max(0, i), result.instrs.length - 1);
    range.value = String(current);
    const ins = result.instrs[current]!;
    const t = timeOf(current);
    title.textContent = `#${current} ${ins.text}  —  ${ins.unit}${Number.isFinite(ins.start) ? `, cycles ${int(ins.start)}–${int(ins.end)} (dispatched ${int(ins.dispatch)})` : ''}${ins.layer ? `, layer ${ins.layer}` : ''}`;
    mem.replaceChildren(memBar('NRAM', occ.nram[current]!, result.nramBytes, occ.maps[current]!.nram), memBar('WRAM', occ.wram[current]!, result.wramBytes, occ.maps[current]!.wram));
    queues.replaceChildren(h('p', { class: 'note' }, `At cycle ${int(t)}:`));
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
      occ = occupancy(r.instrs, r.nramBytes, r.wramBytes);
      range.max = String(r.instrs.length - 1);
      select(Math.min(current, r.instrs.length - 1));
    },
    select,
    index: () => current,
  };
}
