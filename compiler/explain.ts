// `--explain`: the chosen schedule in words — per segment its loop order, row block and
// fused layers; per layer the tile sizes, weight/input residency and buffer occupancy; and
// the cost model's predicted cycles (with the simulator's, when the caller has them).
import type { HardwareConfig } from '../isa/hardware.js';
import type { Bundle } from './bundle.js';
import type { QuantModel } from './passes/quantize.js';
import { allocateSegment } from './passes/plan.js';

const W_TEXT = { resident: 'weights resident', panel: 'K×n weight panel per column panel', tile: 'weight tiles streamed' } as const;
const X_TEXT = { fused: 'input fused from the previous layer (NRAM)', block: 'input block per row block', tile: 'input tiles streamed' } as const;

/** How the program maps the layer's MATMULs (tag = layer + 1): only swapped ones are worth a note. */
function mappingText(b: Bundle, tag: number): string {
  let all = 0;
  let swapped = 0;
  for (const i of b.program.instrs) {
    if (i.op !== 'MATMUL' || i.layer !== tag) continue;
    all++;
    swapped += i.swap;
  }
  return swapped > 0 ? `; MFU mapping swapped on ${swapped} of ${all} MATMULs (outᵀ = wᵀ·inᵀ: the input tile is held, weights stream)` : '';
}

function pct(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1)} %`;
}

/** The shape-only quantised model a bundle's layout records (enough to re-place buffers). */
export function quantShapeOf(b: Bundle): QuantModel {
  const lq = b.layout.quant;
  return {
    dtype: lq.dtype, inputScale: lq.inputScale, inputType: b.layout.input.dtype, softmax: lq.softmax, perChannel: lq.perChannel,
    layers: lq.layers.map((L) => ({
      ...L, func: L.func as QuantModel['layers'][number]['func'], dtype: lq.dtype,
      w: new Float32Array(0), bias: new Float32Array(0), slopes: L.func === 'prelu' ? new Float32Array(0) : undefined,
    })),
  };
}

/** Describes a bundle's schedule; `simulated` adds the simulator's cycles for comparison. */
export function explainBundle(b: Bundle, hw: HardwareConfig, simulated?: { cycles: number; perLayer?: Record<string, number> }): string {
  const q = quantShapeOf(b);
  const lines: string[] = [];
  lines.push(`schedule ${b.plans.kind} for ${hw.name}, ${b.dtype}, batch ${b.batch}: ${b.plans.segments.length} segment(s), ${b.program.instrs.length} instructions`);
  b.plans.segments.forEach((seg, s) => {
    const bufs = allocateSegment(q, seg, hw);
    const names = seg.layers.map((t) => q.layers[t.layer]!.name).join(' → ');
    const how = seg.order === 'rows' ? 'rows outer (each row block through every layer)' : 'columns outer (weight panel stationary)';
    lines.push(`segment ${s + 1}: ${names}; ${how}; row block m=${seg.m}${seg.double ? ', double-buffered' : ', single buffers'}${seg.sync ? ', SYNC after every instruction' : ''}`);
    if (bufs) {
      lines.push(`  NRAM ${bufs.nramBytes} / ${hw.nram.bytes} B (${pct(bufs.nramBytes, hw.nram.bytes)}), WRAM ${bufs.wramBytes} / ${hw.wram.bytes} B (${pct(bufs.wramBytes, hw.wram.bytes)})`);
    }
    seg.layers.forEach((t, i) => {
      const L = q.layers[t.layer]!;
      const pred = b.estimate.perLayer[L.name] ?? 0;
      const sim = simulated?.perLayer?.[L.name];
      lines.push(`  ${L.name} ${L.K}→${L.N} ${L.func}: tile m×k×n = ${seg.m}×${t.k}×${t.n}; ${W_TEXT[t.wMode]}; ${X_TEXT[t.xMode]}; bias ${t.auxResident ? 'resident' : 'per column tile'}${mappingText(b, t.layer + 1)}`);
      const lb = bufs?.layers[i];
      if (lb) {
        const parts = [lb.x, lb.w, lb.aux, lb.acc, lb.out, lb.full].filter((x) => x !== undefined)
          .map((x) => `${x.name.split('.').pop()} ${x.count}×${x.bytes} B @${x.space}[0x${x.addr.toString(16)}]`);
        lines.push(`    buffers: ${parts.join(', ')}`);
      }
      const tiles = b.estimate.tiles?.[L.name];
      if (tiles && tiles.skipped > 0) {
        const zb = tiles.zeroBlocks > 0 ? `; ${tiles.zeroBlocks} all-zero column block(s) zeroed by a 1-deep MATMUL` : '';
        lines.push(`    weight tiles: ${tiles.skipped} of ${tiles.tiles} all zero, LOAD and MATMUL skipped${zb}`);
      }
      lines.push(`    predicted ${pred} cycles${sim !== undefined ? `, simulated span ${sim} cycles` : ''}`);
    });
  });
  const analytic = b.estimate.analyticCycles;
  const total = `predicted ${b.estimate.cycles} cycles${analytic !== undefined ? ` (analytic model ${analytic})` : ''}`;
  if (simulated) {
    const err = (c: number): string => {
      const e = ((c - simulated.cycles) / simulated.cycles) * 100;
      return `${e >= 0 ? '+' : ''}${e.toFixed(1)} %`;
    };
    // The estimate of a tuned schedule replays its own instructions on the timing rules, so its
    // error is near zero by construction; the analytic model ranks the candidates, and its error
    // is the one that says how far the search can be trusted.
    const errs = [`estimate error ${err(b.estimate.cycles)}`, ...(analytic !== undefined ? [`analytic model error ${err(analytic)}`] : [])];
    lines.push(`total: ${total}, simulated ${simulated.cycles} cycles (${errs.join('; ')})`);
  } else {
    lines.push(`total: ${total}`);
  }
  return `${lines.join('\n')}\n`;
}
