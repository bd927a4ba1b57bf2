// The simulation report: time, work, utilisation, stalls by cause, DRAM traffic, the roofline
// bound, an energy estimate from the hardware's per-event table, and a per-layer breakdown.
// Every figure is defined in docs/simulator.md ("Report fields").
import type { HardwareConfig } from '../isa/hardware.js';
import { peakMacsPerCycle } from '../isa/hardware.js';
import type { Program } from '../isa/program.js';
import { actOpsPerElement, dmaBurstBytes, systolicFolds, type MatmulDType } from '../isa/timing.js';
import { DTYPE_BYTES } from '../isa/spec.js';
import { energyScope } from '../isa/energy.js';
import type { Footprint, Span } from '../isa/footprint.js';
import { WORK_QUEUES, type Schedule, type Stalls, type TimedOp } from '../isa/schedule.js';
import { cycleAccount, emptyBreakdown, type CycleBreakdown } from './cycle-breakdown.js';

export interface UnitStats { busyCycles: number; utilization: number }

/** Energy per component in picojoules. */
export interface EnergyBreakdown { mac: number; vfu: number; nram: number; wram: number; dram: number; static: number }

/** The event counts the energy is charged for (breakdown = counts × the hardware's pJ per event). */
export interface EnergyEvents {
  /** MACs per MATMUL operand type. */
  macs: { int8: number; int16: number; fp32: number };
  vfuOps: number;
  /** Bytes read plus written in each buffer. */
  nramBytes: number;
  wramBytes: number;
  /** Bytes on the DRAM channel after burst rounding. */
  dramBurstBytes: number;
}

export interface LayerStats {
  layer: number;
  name: string;
  /** First issue to last finish of the layer's instructions. */
  cycles: number;
  macs: number;
  dramReadBytes: number;
  dramWriteBytes: number;
  mfuBusy: number;
  /** Dynamic energy of the layer's instructions (static energy is reported for the run only). */
  energyJoules: number;
  /** The critical-path cycles charged to this layer's instructions; over all layers they sum to `cycles`. */
  cycleBreakdown: CycleBreakdown;
}

export interface SimReport {
  hardware: string;
  cycles: number;
  seconds: number;
  macs: number;
  instructions: number;
  /** MACs / Σ_dtype(cycles · peak MACs per cycle of that dtype), i.e. MACs/(cycles·peak) for one dtype. */
  mfuUtilization: number;
  units: { dmaIn: UnitStats; mfu: UnitStats; vfu: UnitStats; dmaOut: UnitStats };
  /**
   * Waiting cycles counted per queue head, per DMA request and at dispatch, then SUMMED over
   * queues and requests: several can wait in the same cycle, so the sum may exceed `cycles`.
   * (Named so since report version 2; it was `stalls`.) For where the run's cycles went, read
   * `cycleBreakdown`, which sums to `cycles`.
   */
  queueStallCycles: Stalls;
  /** Every cycle of [0, cycles) charged to one cause along the critical path (cycle-breakdown.ts);
   * the values sum to `cycles`. */
  cycleBreakdown: CycleBreakdown;
  dramReadBytes: number;
  dramWriteBytes: number;
  /** Bytes moved on the channel after rounding rows up to bursts. */
  dramBurstBytes: number;
  avgDramBytesPerCycle: number;
  /** avgDramBytesPerCycle / peak bytes per cycle. */
  dramBandwidthFraction: number;
  /** Fraction of cycles the shared DRAM channel was transferring. */
  dramChannelUtilization: number;
  /** Distinct DRAM bytes read plus distinct DRAM bytes written. */
  compulsoryDramBytes: number;
  rooflineCycles: number;
  rooflineRatio: number;
  boundBy: 'compute' | 'memory';
  /**
   * `scope`: what the total includes — 'dynamic' (the presets: no sourced static figure) or
   * 'dynamic+static' when the hardware sets staticWatts. Constants and sources: isa/energy.ts.
   */
  energy: { totalJoules: number; scope: 'dynamic' | 'dynamic+static'; breakdown: EnergyBreakdown; events: EnergyEvents };
  /** SCALE-Sim figures when the MFU is systolic. */
  systolic?: { folds: number; mappingEfficiency: number; scaleSimCycles: number };
  perLayer: LayerStats[];
}

/** Per-instruction event counts the report and the energy model share. */
interface InstrCounts { macs: number; macPj: number; dramRead: number; dramWrite: number; burst: number; nram: number; wram: number; vfuOps: number; pj: number }

function spanBytes(s: Span): number {
  return s.rows * s.rowBytes;
}

function countInstr(program: Program, hw: HardwareConfig, footprints: readonly Footprint[], i: number): InstrCounts {
  const instr = program.instrs[i]!;
  const fp = footprints[i]!;
  const c: InstrCounts = { macs: 0, macPj: 0, dramRead: 0, dramWrite: 0, burst: 0, nram: 0, wram: 0, vfuOps: 0, pj: 0 };
  // Reads, then writes; indexed loops: this runs once per instruction, cold, where for-of pays
  // for an iterator.
  for (let side = 0; side < 2; side++) {
    const spans = side === 0 ? fp.reads : fp.writes;
    for (let k = 0; k < spans.length; k++) {
      const s = spans[k]!;
      if (s.space === 'nram') c.nram += spanBytes(s);
      else if (s.space === 'wram') c.wram += spanBytes(s);
      else if (side === 0) c.dramRead += spanBytes(s);
      else c.dramWrite += spanBytes(s);
    }
  }
  const e = hw.energy;
  if (instr.op === 'LOAD' || instr.op === 'STORE') {
    c.burst = dmaBurstBytes(hw, instr.rows, instr.cols * DTYPE_BYTES[instr.dtype], instr.stride);
  } else if (instr.op === 'MATMUL') {
    c.macs = instr.m * instr.k * instr.n;
    c.macPj = c.macs * e.macPj[instr.dtype as MatmulDType];
  } else if (instr.op === 'ACT') {
    c.vfuOps = instr.rows * instr.cols * actOpsPerElement(instr.func);
  }
  c.pj = c.macPj + c.vfuOps * e.vfuOpPj + c.nram * e.nramBytePj + c.wram * e.wramBytePj + c.burst * e.dramBytePj;
  return c;
}

/** Total length of the union of the runs of `spans`. */
export function unionBytes(spans: readonly Span[]): number {
  // A tile reloaded for every block of rows repeats its span exactly: a union counts it once.
  // Spans are found by their start (a number, not a string key: this runs once per simulated
  // program, cold), then by shape among the few that share it.
  const byStart = new Map<number, Span[]>();
  const unique: Span[] = [];
  for (let k = 0; k < spans.length; k++) {
    const s = spans[k]!;
    const same = byStart.get(s.start);
    if (same === undefined) byStart.set(s.start, [s]);
    else if (same.some((f) => f.pitch === s.pitch && f.rows === s.rows && f.rowBytes === s.rowBytes)) continue;
    else same.push(s);
    unique.push(s);
  }
  let n = 0;
  for (let k = 0; k < unique.length; k++) n += unique[k]!.rows;
  // Run starts and ends sorted apart (native numeric sorts, no pair objects): between two
  // consecutive coordinates, the runs open are the starts passed minus the ends passed.
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  let k = 0;
  for (let j = 0; j < unique.length; j++) {
    const s = unique[j]!;
    for (let r = 0; r < s.rows; r++, k++) {
      starts[k] = s.start + r * s.pitch;
      ends[k] = starts[k]! + s.rowBytes;
    }
  }
  starts.sort();
  ends.sort();
  let total = 0, open = 0, at = 0;
  for (let i = 0, j = 0; j < n;) {
    const opening = i < n && starts[i]! <= ends[j]!;
    const x = opening ? starts[i++]! : ends[j++]!;
    if (open > 0) total += x - at;
    at = x;
    open += opening ? 1 : -1;
  }
  return total;
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

export function buildReport(program: Program, hw: HardwareConfig, ops: readonly TimedOp[], sched: Schedule, footprints: readonly Footprint[]): SimReport {
  const { cycles } = sched;
  const seconds = cycles / hw.clockHz;
  const counts = program.instrs.map((_, i) => countInstr(program, hw, footprints, i));
  const sum = (f: (c: InstrCounts) => number): number => counts.reduce((a, c) => a + f(c), 0);
  const macs = sum((c) => c.macs);

  // MFU cycles if every MAC ran at its dtype's peak rate: the compute roof.
  let mfuMinCycles = 0;
  const folds = { folds: 0, mapped: 0, slots: 0, scaleSimCycles: 0 };
  program.instrs.forEach((instr) => {
    if (instr.op !== 'MATMUL') return;
    mfuMinCycles += (instr.m * instr.k * instr.n) / peakMacsPerCycle(hw, instr.dtype as MatmulDType);
    if (hw.mfu.kind === 'systolic') {
      const f = systolicFolds(hw.mfu, instr.m, instr.k, instr.n, instr.swap === 1);
      folds.folds += f.folds;
      folds.mapped += f.sr * f.sc;
      folds.slots += f.folds * hw.mfu.rows * hw.mfu.cols;
      folds.scaleSimCycles += f.scaleSimCycles;
    }
  });
  const dramRead = sum((c) => c.dramRead), dramWrite = sum((c) => c.dramWrite), burst = sum((c) => c.burst);
  const dramReads: Span[] = [], dramWrites: Span[] = [];
  for (let i = 0; i < footprints.length; i++) {
    const { reads, writes } = footprints[i]!;
    for (let k = 0; k < reads.length; k++) if (reads[k]!.space === 'dram') dramReads.push(reads[k]!);
    for (let k = 0; k < writes.length; k++) if (writes[k]!.space === 'dram') dramWrites.push(writes[k]!);
  }
  const compulsory = unionBytes(dramReads) + unionBytes(dramWrites);
  const memCycles = compulsory / hw.dram.bytesPerCycle;
  const rooflineCycles = Math.max(mfuMinCycles, memCycles);
  const channelBusy = ops.reduce((a, op) => a + op.transfer, 0);

  const e = hw.energy;
  const breakdown: EnergyBreakdown = {
    mac: sum((c) => c.macPj),
    vfu: sum((c) => c.vfuOps) * e.vfuOpPj,
    nram: sum((c) => c.nram) * e.nramBytePj,
    wram: sum((c) => c.wram) * e.wramBytePj,
    dram: burst * e.dramBytePj,
    static: e.staticWatts * seconds * 1e12,
  };
  const totalPj = Object.values(breakdown).reduce((a, b) => a + b, 0);
  const macsOf = (d: MatmulDType): number => program.instrs.reduce((a, ins, i) => a + (ins.op === 'MATMUL' && ins.dtype === d ? counts[i]!.macs : 0), 0);
  const events: EnergyEvents = {
    macs: { int8: macsOf('int8'), int16: macsOf('int16'), fp32: macsOf('fp32') },
    vfuOps: sum((c) => c.vfuOps), nramBytes: sum((c) => c.nram), wramBytes: sum((c) => c.wram), dramBurstBytes: burst,
  };
  const depths = WORK_QUEUES.map((q) => hw.queues[q]);
  const account = cycleAccount(ops, sched, depths, (i) => program.instrs[i]!.layer, (i) => program.instrs[i]!.op === 'STORE');
  const unit = (u: number): UnitStats => ({ busyCycles: sched.unitBusy[u]!, utilization: ratio(sched.unitBusy[u]!, cycles) });

  return {
    hardware: hw.name,
    cycles,
    seconds,
    macs,
    instructions: program.instrs.length,
    mfuUtilization: ratio(mfuMinCycles, cycles),
    units: { dmaIn: unit(0), mfu: unit(1), vfu: unit(2), dmaOut: unit(3) },
    queueStallCycles: sched.stalls,
    dramReadBytes: dramRead,
    dramWriteBytes: dramWrite,
    dramBurstBytes: burst,
    avgDramBytesPerCycle: ratio(dramRead + dramWrite, cycles),
    dramBandwidthFraction: ratio(dramRead + dramWrite, cycles * hw.dram.bytesPerCycle),
    dramChannelUtilization: ratio(channelBusy, cycles),
    compulsoryDramBytes: compulsory,
    rooflineCycles,
    rooflineRatio: ratio(cycles, rooflineCycles),
    boundBy: mfuMinCycles >= memCycles ? 'compute' : 'memory',
    energy: { totalJoules: totalPj * 1e-12, scope: energyScope(e.staticWatts), breakdown, events },
    systolic: hw.mfu.kind === 'systolic'
      ? { folds: folds.folds, mappingEfficiency: ratio(folds.mapped, folds.slots), scaleSimCycles: folds.scaleSimCycles }
      : undefined,
    cycleBreakdown: account.total,
    perLayer: buildLayers(program, ops, sched, counts, account.perLayer),
  };
}

function buildLayers(program: Program, ops: readonly TimedOp[], sched: Schedule, counts: InstrCounts[], account: Map<number, CycleBreakdown>): LayerStats[] {
  const byLayer = new Map<number, { first: number; last: number; stats: LayerStats }>();
  program.instrs.forEach((instr, i) => {
    if (ops[i]!.unit < 0) return;
    const tag = instr.layer;
    let entry = byLayer.get(tag);
    if (!entry) {
      const name = program.layerNames[tag] ?? (tag === 0 ? '(untagged)' : `layer ${tag}`);
      entry = {
        first: Infinity, last: 0,
        stats: { layer: tag, name, cycles: 0, macs: 0, dramReadBytes: 0, dramWriteBytes: 0, mfuBusy: 0, energyJoules: 0, cycleBreakdown: account.get(tag) ?? emptyBreakdown() },
      };
      byLayer.set(tag, entry);
    }
    const c = counts[i]!;
    entry.first = Math.min(entry.first, sched.issue[i]!);
    entry.last = Math.max(entry.last, sched.finish[i]!);
    entry.stats.macs += c.macs;
    entry.stats.dramReadBytes += c.dramRead;
    entry.stats.dramWriteBytes += c.dramWrite;
    if (instr.op === 'MATMUL') entry.stats.mfuBusy += sched.finish[i]! - sched.issue[i]!;
    entry.stats.energyJoules += c.pj * 1e-12;
  });
  // A layer tag charged on the critical path by a SYNC/HALT only still gets its row, so the
  // per-layer breakdowns sum to `cycles`.
  for (const [tag, b] of account) {
    if (byLayer.has(tag)) continue;
    const name = program.layerNames[tag] ?? (tag === 0 ? '(untagged)' : `layer ${tag}`);
    byLayer.set(tag, { first: 0, last: 0, stats: { layer: tag, name, cycles: 0, macs: 0, dramReadBytes: 0, dramWriteBytes: 0, mfuBusy: 0, energyJoules: 0, cycleBreakdown: b } });
  }
  return [...byLayer.values()]
    .map(({ first, last, stats }) => ({ ...stats, cycles: last - first }))
    .sort((a, b) => a.layer - b.layer);
}
