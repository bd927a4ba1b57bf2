// What the properties run and check: compile + simulate a case, the reference outputs for it,
// the fp32 tolerance, and an access audit of the emitted program (every DMA inside a declared
// region, every on-chip operand inside its buffer) computed from the instruction fields alone.
import { compile, readOutputs, writeInputs, type Bundle } from '../../compiler/index.js';
import { DlpError, DTYPE_BYTES, type HardwareConfig, type Instr, type Program } from '../../isa/index.js';
import { simulate, type SimResult } from '../../simulator/index.js';
import { quantForward, type RefLayer } from '../reference/mlp-reference.js';
import { fp32ForwardWithBound } from '../reference/fp32-error-bound.js';
import { materialise, type Materialised, type PropCase } from './case.js';

/** fp32: |device − reference| ≤ FP32_REL·|reference| + 2·(the reference's worst-case rounding
 * bound, fp32-error-bound.ts). The factor 2 is slack on a first-order bound. */
export const FP32_REL = 1e-5;
export const FP32_BOUND_FACTOR = 2;

export interface CaseRun {
  m: Materialised;
  bundle: Bundle;
  sim: SimResult;
  /** batch × outputs, fp32. */
  out: Float32Array;
}

/** The compiler's one acceptable refusal: a layer that cannot fit, with the reason spelled out. */
const NO_FIT = /^layer '[^']+' \(\d+→\d+\) does not fit hardware '[^']+' \(NRAM \d+ B, WRAM \d+ B\) even with 1-row tiles/;

/** Compiles; returns undefined when the compiler refuses a too-small machine with a clear
 * message (any other error propagates). */
export function compileCase(m: Materialised): Bundle | undefined {
  try {
    return compile(m.model, m.weights, m.hw, m.opts);
  } catch (e) {
    if (e instanceof DlpError && NO_FIT.test(e.message)) return undefined;
    throw e;
  }
}

export function simulateBundle(bundle: Bundle, hw: HardwareConfig, x: Float32Array): { sim: SimResult; out: Float32Array } {
  const dram = bundle.image.slice();
  writeInputs(bundle, dram, x);
  const sim = simulate(bundle.program, hw, { dram });
  return { sim, out: readOutputs(bundle, sim.dram) };
}

/** Materialises, compiles and simulates a case (undefined when the hardware is too small). */
export function runCase(c: PropCase): CaseRun | undefined {
  const m = materialise(c);
  const bundle = compileCase(m);
  if (!bundle) return undefined;
  const { sim, out } = simulateBundle(bundle, m.hw, m.x);
  return { m, bundle, sim, out };
}

export function refLayersOf(m: Materialised): RefLayer[] {
  let inputs = m.model.inputSize;
  return m.model.layers.map((L, l) => {
    const w = m.weights[l]!;
    const r: RefLayer = { w: w.w, b: w.b, slopes: w.slopes, inputs, units: L.units, activation: L.activation as RefLayer['activation'] };
    inputs = L.units;
    return r;
  });
}

/** Reference outputs over all compiled rows (padding rows are zero inputs), with the scales
 * the bundle recorded, and the per-element fp32 tolerance (zero for int8/int16). */
export function referenceOf(run: Pick<CaseRun, 'm' | 'bundle'>): { want: Float32Array; tol: Float64Array } {
  const { m, bundle } = run;
  const layers = refLayersOf(m);
  const rows = bundle.batch;
  if (bundle.dtype === 'fp32') {
    const { y, bound } = fp32ForwardWithBound(layers, m.xPadded, rows, m.model.softmax);
    return { want: y, tol: bound.map((b, i) => FP32_REL * Math.abs(y[i]!) + FP32_BOUND_FACTOR * b) };
  }
  const q = bundle.layout.quant;
  const scales = { input: q.inputScale, layers: q.layers.map((L) => ({ wScale: L.wScale, outScale: L.outScale })) };
  const want = quantForward(layers, scales, bundle.dtype, m.xPadded, rows, m.model.softmax);
  return { want, tol: new Float64Array(want.length) };
}

/** The first element where `got` leaves the tolerance, as a sentence; undefined when all agree.
 * Tolerance 0 means bit-exact (Object.is, so -0 vs +0 and NaN are caught). */
export function findMismatch(got: Float32Array, want: Float32Array, tol: Float64Array, cols: number): string | undefined {
  if (got.length !== want.length) return `output has ${got.length} values, reference ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const ok = tol[i] === 0 ? Object.is(got[i], want[i]) || got[i] === want[i] : Math.abs(got[i]! - want[i]!) <= tol[i]!;
    if (!ok) {
      return `output[${Math.floor(i / cols)}][${i % cols}] = ${got[i]} but the reference gives ${want[i]}` +
        (tol[i] === 0 ? ' (bit-exact required)' : ` (tolerance ${tol[i]!.toExponential(3)})`);
    }
  }
  return undefined;
}

// ---- Access audit ------------------------------------------------------------------------

interface Range { space: 'dram' | 'nram' | 'wram'; start: number; end: number; what: string }

/** [start, end) of a rows × cols access with a row distance in bytes. */
function extent(space: Range['space'], start: number, rows: number, rowBytes: number, rowDist: number, what: string): Range {
  return { space, start, end: start + (rows - 1) * rowDist + rowBytes, what };
}

function rangesOf(i: Instr): Range[] {
  switch (i.op) {
    case 'LOAD': {
      const s = DTYPE_BYTES[i.dtype];
      return [extent('dram', i.src, i.rows, i.cols * s, i.stride, 'src'), extent(i.space, i.dst, i.rows, i.cols * s, i.pitch * s, 'dst')];
    }
    case 'STORE': {
      const s = DTYPE_BYTES[i.dtype];
      return [extent('nram', i.src, i.rows, i.cols * s, i.pitch * s, 'src'), extent('dram', i.dst, i.rows, i.cols * s, i.stride, 'dst')];
    }
    case 'MATMUL': {
      const s = DTYPE_BYTES[i.dtype];
      return [
        extent('nram', i.out, i.m, i.n * 4, i.outPitch * 4, 'out'),
        extent('nram', i.in, i.m, i.k * s, i.inPitch * s, 'in'),
        extent('wram', i.w, i.k, i.n * s, i.wPitch * s, 'w'),
      ];
    }
    case 'ACT': {
      const si = DTYPE_BYTES[i.inType];
      const so = DTYPE_BYTES[i.outType];
      const r = [extent('nram', i.src, i.rows, i.cols * si, i.srcPitch * si, 'src'), extent('nram', i.dst, i.rows, i.cols * so, i.dstPitch * so, 'dst')];
      const aux = 4 * i.cols * (i.bias + (i.func === 'prelu' ? 1 : 0));
      if (aux > 0) r.push({ space: 'nram', start: i.aux, end: i.aux + aux, what: 'aux' });
      return r;
    }
    default:
      return [];
  }
}

/**
 * Problems with a compiled program's memory use: a DMA outside every declared region (or a
 * STORE into weights), an on-chip operand beyond its buffer, overlapping regions or a layout
 * beyond DRAM. Empty when the program is clean.
 */
export function auditAccesses(program: Program, bundle: Bundle, hw: HardwareConfig): string[] {
  const problems: string[] = [];
  const regions = bundle.layout.regions.map((r) => ({ ...r, end: r.addr + r.bytes })).sort((a, b) => a.addr - b.addr);
  for (let k = 1; k < regions.length; k++) {
    if (regions[k]!.addr < regions[k - 1]!.end) problems.push(`regions ${regions[k - 1]!.name} and ${regions[k]!.name} overlap`);
  }
  const top = regions.length ? regions[regions.length - 1]!.end : 0;
  if (top > hw.dram.capacityBytes) problems.push(`regions end at ${top}, beyond DRAM (${hw.dram.capacityBytes} bytes)`);
  const cap = { nram: hw.nram.bytes, wram: hw.wram.bytes };
  program.instrs.forEach((instr, n) => {
    for (const r of rangesOf(instr)) {
      const at = `instruction ${n} (${instr.op} ${r.what})`;
      if (r.space === 'dram') {
        const region = regions.find((g) => r.start >= g.addr && r.start < g.end);
        if (!region || r.end > region.end) problems.push(`${at}: dram[${r.start}..${r.end}) is not inside one declared region`);
        else if (instr.op === 'STORE' && region.role !== 'output' && region.role !== 'activation') {
          problems.push(`${at}: stores into ${region.role} region ${region.name}`);
        }
      } else if (r.start < 0 || r.end > cap[r.space]) {
        problems.push(`${at}: ${r.space}[${r.start}..${r.end}) exceeds ${r.space} (${cap[r.space]} bytes)`);
      }
    }
  });
  return problems;
}
