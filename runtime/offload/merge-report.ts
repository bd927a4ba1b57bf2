// Reports of consecutive program runs on one device, combined into one: when a data set is
// larger than a compiled batch, the device runs the program several times back to back, so
// times, work, traffic and energy add up and every ratio is re-derived from the sums
// (cycle-weighted where the per-run numerator is not kept in the report).
import { DlpError } from '../../isa/errors.js';
import { CYCLE_CAUSES, type CycleBreakdown, type LayerStats, type SimReport, type UnitStats } from '../../simulator/index.js';

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

function sumUnit(rs: readonly SimReport[], pick: (r: SimReport) => UnitStats, cycles: number): UnitStats {
  const busyCycles = rs.reduce((a, r) => a + pick(r).busyCycles, 0);
  return { busyCycles, utilization: ratio(busyCycles, cycles) };
}

function sumLayers(rs: readonly SimReport[]): LayerStats[] {
  const byLayer = new Map<number, LayerStats>();
  for (const r of rs) {
    for (const l of r.perLayer) {
      const acc = byLayer.get(l.layer);
      if (!acc) {
        byLayer.set(l.layer, { ...l, cycleBreakdown: { ...l.cycleBreakdown } });
        continue;
      }
      addBreakdown(acc.cycleBreakdown, l.cycleBreakdown);
      acc.cycles += l.cycles;
      acc.macs += l.macs;
      acc.dramReadBytes += l.dramReadBytes;
      acc.dramWriteBytes += l.dramWriteBytes;
      acc.mfuBusy += l.mfuBusy;
      acc.energyJoules += l.energyJoules;
    }
  }
  return [...byLayer.values()].sort((a, b) => a.layer - b.layer);
}

/** Adds b into a, cause by cause (runs back to back: their critical paths add up). */
function addBreakdown(a: CycleBreakdown, b: CycleBreakdown): void {
  for (const c of CYCLE_CAUSES) a[c] += b[c];
}

/** One report for runs executed one after the other on the same hardware. */
export function mergeReports(rs: readonly SimReport[]): SimReport {
  if (rs.length === 0) throw new DlpError('mergeReports needs at least one report');
  if (rs.length === 1) return rs[0]!;
  const sum = (f: (r: SimReport) => number): number => rs.reduce((a, r) => a + f(r), 0);
  // Σ ratio_i · cycles_i recovers the numerator of a per-run ratio over cycles.
  const weighted = (f: (r: SimReport) => number): number => sum((r) => f(r) * r.cycles);
  const first = rs[0]!;
  const cycles = sum((r) => r.cycles);
  const rooflineCycles = sum((r) => r.rooflineCycles);
  const dramReadBytes = sum((r) => r.dramReadBytes);
  const dramWriteBytes = sum((r) => r.dramWriteBytes);
  const breakdown = { ...first.energy.breakdown };
  for (const r of rs.slice(1)) {
    for (const k of Object.keys(breakdown) as (keyof typeof breakdown)[]) breakdown[k] += r.energy.breakdown[k];
  }
  const stalls = { ...first.queueStallCycles };
  for (const r of rs.slice(1)) for (const k of Object.keys(stalls) as (keyof typeof stalls)[]) stalls[k] += r.queueStallCycles[k];
  const computeCycles = weighted((r) => r.mfuUtilization);
  const folds = first.systolic ? sum((r) => r.systolic!.folds) : 0;
  return {
    hardware: first.hardware,
    cycles,
    seconds: sum((r) => r.seconds),
    macs: sum((r) => r.macs),
    instructions: sum((r) => r.instructions),
    mfuUtilization: ratio(computeCycles, cycles),
    units: {
      dmaIn: sumUnit(rs, (r) => r.units.dmaIn, cycles),
      mfu: sumUnit(rs, (r) => r.units.mfu, cycles),
      vfu: sumUnit(rs, (r) => r.units.vfu, cycles),
      dmaOut: sumUnit(rs, (r) => r.units.dmaOut, cycles),
    },
    queueStallCycles: stalls,
    cycleBreakdown: rs.slice(1).reduce((acc, r) => { addBreakdown(acc, r.cycleBreakdown); return acc; }, { ...first.cycleBreakdown }),
    dramReadBytes,
    dramWriteBytes,
    dramBurstBytes: sum((r) => r.dramBurstBytes),
    avgDramBytesPerCycle: ratio(dramReadBytes + dramWriteBytes, cycles),
    dramBandwidthFraction: ratio(weighted((r) => r.dramBandwidthFraction), cycles),
    dramChannelUtilization: ratio(weighted((r) => r.dramChannelUtilization), cycles),
    compulsoryDramBytes: sum((r) => r.compulsoryDramBytes),
    rooflineCycles,
    rooflineRatio: ratio(cycles, rooflineCycles),
    // The runs differ at most in their row count; the longest one speaks for the whole.
    boundBy: rs.reduce((a, r) => (r.cycles > a.cycles ? r : a)).boundBy,
    energy: {
      totalJoules: sum((r) => r.energy.totalJoules), scope: first.energy.scope, breakdown,
      events: {
        macs: { int8: sum((r) => r.energy.events.macs.int8), int16: sum((r) => r.energy.events.macs.int16), fp32: sum((r) => r.energy.events.macs.fp32) },
        vfuOps: sum((r) => r.energy.events.vfuOps), nramBytes: sum((r) => r.energy.events.nramBytes),
        wramBytes: sum((r) => r.energy.events.wramBytes), dramBurstBytes: sum((r) => r.energy.events.dramBurstBytes),
      },
    },
    systolic: first.systolic
      ? {
        folds,
        mappingEfficiency: ratio(sum((r) => r.systolic!.mappingEfficiency * r.systolic!.folds), folds),
        scaleSimCycles: sum((r) => r.systolic!.scaleSimCycles),
      }
      : undefined,
    perLayer: sumLayers(rs),
  };
}
