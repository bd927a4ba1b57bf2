// SCALE-Sim v2's USER bandwidth mode for one GEMM: the demand rows of every fold pass through
// its double-buffered memory (memory.ts) one at a time, as double_buffered_scratchpad.
// service_memory_requests does: row i is issued at cycle i + stalls so far; each buffer
// reports when it served the row; the row's stall is the largest wait beyond the hit latency
// (1 for reads, 0 for writes). Total Cycles is the cycle the last row's writes were served.
// Rows are generated and consumed one by one: memory stays O(operand size), not O(cycles).
import { demandRow, emptyFoldDemand, foldDemands, folding, hasRequest, operandAddresses, outputsAt, prefetchSets, requestRows, type FoldBlock, type Gemm, type SystolicArray } from './demand.js';
import type { ConvShape } from './topology.js';
import { EstimateReadBuffer } from './memory-calc.js';
import { ReadBuffer, WriteBuffer, type DramSide, type ScaleSimMemoryFigures } from './memory.js';
import { sramCounts, type ScaleSimAccess, type SramAccess } from './access.js';
import type { ScaleSimConfig } from './config.js';
import { scaleSimFigures, type ScaleSimFigures } from './report.js';

export interface UserModeMemory {
  /** SRAM sizes in bytes (SCALE-Sim's kB × 1024, 1-byte words). */
  ifmapBytes: number; filterBytes: number; ofmapBytes: number;
  /** Words per cycle between each SRAM and DRAM: v2 uses the first Bandwidth entry for all
   * three; v3 reads at [layout] IfmapSRAMBankBandwidth / FilterSRAMBankBandwidth. */
  ifmapBandwidth: number; filterBandwidth: number; ofmapBandwidth: number;
  /** Which SCALE-Sim's memory code to follow (memory.ts). */
  version: 'v2' | 'v3';
}

export interface UserModeFigures {
  totalCycles: number;
  /** v3's "Total Cycles (incl. prefetch)": last OFMAP DRAM write − first IFMAP/FILTER DRAM read. */
  totalCyclesInclPrefetch: number;
  stallCycles: number;
  /** SRAM start/stop cycles (served cycles of the first and last rows with a request) and counts. */
  sram: { ifmap: SramAccess; filter: SramAccess; ofmap: SramAccess };
  dram: { ifmap: DramSide; filter: DramSide; ofmap: DramSide };
}

interface Span { first: number; last: number }
const track = (s: Span, cycle: number) => { if (s.first < 0) s.first = cycle; s.last = cycle; };

/** A read buffer as the row loop sees it; a fold it can serve without an event (canServeFold)
 * it may take as a whole (serveFold), its rows all hits. */
interface RowReader {
  serviceRow(cycle: number, row: Int32Array): number;
  canServeFold(b: FoldBlock): boolean;
  serveFold(b: FoldBlock, cycleAt: (x: number) => number): void;
  /** Called before a fold is served row by row. */
  beginRows(b: FoldBlock): void;
  dram(): DramSide;
  finish?(): void;
}

/** `conv`: the convolution a GEMM was lowered from, whose im2col IFMAP addresses repeat. */
export function runUserMode(a: SystolicArray, g: Gemm, mem: UserModeMemory, conv?: ConvShape): UserModeFigures {
  const v3 = mem.version === 'v3';
  const addrs = operandAddresses(g, conv);
  const ifBuf = new ReadBuffer(mem.ifmapBytes, mem.ifmapBandwidth, prefetchSets(a, g, 'ifmap', Math.ceil(mem.ifmapBytes / 100), addrs), v3);
  const fiBuf = new ReadBuffer(mem.filterBytes, mem.filterBandwidth, prefetchSets(a, g, 'filter', Math.ceil(mem.filterBytes / 100), addrs), v3);
  return runRows(a, g, ifBuf, fiBuf, new WriteBuffer(mem.ofmapBytes, mem.ofmapBandwidth, v3));
}

/** CALC mode (single_layer_sim.run without USER bandwidth): the reads go through the
 * estimating buffers at 10 words per cycle, the OFMAP drains at ArrayWidth words per cycle. */
export function runCalcMode(a: SystolicArray, g: Gemm, mem: Pick<UserModeMemory, 'ifmapBytes' | 'filterBytes' | 'ofmapBytes' | 'version'>, conv?: ConvShape): UserModeFigures {
  const addrs = operandAddresses(g, conv);
  const ifBuf = new EstimateReadBuffer(mem.ifmapBytes, 10, addrs.ifmapSpace, addrs.ifmap);
  const fiBuf = new EstimateReadBuffer(mem.filterBytes, 10, addrs.filterSpace);
  return runRows(a, g, ifBuf, fiBuf, new WriteBuffer(mem.ofmapBytes, a.cols, mem.version === 'v3'));
}

/** `rowByRow`: run every fold row by row (the reference the fold shortcut is tested against). */
export function runRows(a: SystolicArray, g: Gemm, ifBuf: RowReader, fiBuf: RowReader, ofBuf: WriteBuffer, rowByRow = false): UserModeFigures {
  const f = folding(a, g);
  const row = demandRow(a, g);
  const demands = foldDemands(a, g);
  const d = emptyFoldDemand();
  const { ifmap: ifBlock, filter: fiBlock, outputs: out } = d;
  const ifRow = new Int32Array(f.ifmapWidth);
  const fiRow = new Int32Array(f.filterWidth);
  const spans = { ifmap: { first: -1, last: -1 }, filter: { first: -1, last: -1 }, ofmap: { first: -1, last: -1 } };
  let stalls = 0;
  let i = 0;
  let lastOfmapCycle = 0;
  // A fold served whole: where it starts, the stalls before it and after each of its output rows
  // (outRows = 0: none stalled).
  let foldStart = 0, foldStalls = 0, outRows = 0;
  const stallsAfter = new Int32Array(f.perFold);
  const cycleAt = (x: number) => foldStart + x + foldStalls + (outRows === 0 || x <= out.first ? 0 : stallsAfter[Math.min(x - out.first, outRows) - 1]!);
  for (let fc = 0, fold = 0; fc < f.colFolds; fc++) {
    for (let fr = 0; fr < f.rowFolds; fr++, fold++) {
      demands(fr, fc, d);
      // A fold whose reads stall nowhere (USER: all hits; CALC: any) stalls only on its writes,
      // in its output rows.
      if (!rowByRow && ifBuf.canServeFold(ifBlock) && fiBuf.canServeFold(fiBlock)) {
        // Reads do not stall here, so the writes go first; cycleAt then gives any row's cycle.
        foldStart = i;
        foldStalls = stalls;
        outRows = out.length + out.columns - 1;
        const lastOut = out.first + outRows - 1;
        if (ofBuf.takeQuiet(out.length * out.columns, i + lastOut + stalls)) {
          track(spans.ofmap, i + out.first + stalls);
          track(spans.ofmap, i + lastOut + stalls);
          outRows = 0;
        }
        for (let k = 0; k < outRows; k++) {
          const x = out.first + k;
          const cycle = i + x + stalls;
          const ofWait = ofBuf.serviceRow(cycle, outputsAt(x, out.first, out.length, out.columns));
          track(spans.ofmap, cycle + ofWait);
          stalls += ofWait;
          stallsAfter[k] = stalls - foldStalls;
        }
        ifBuf.serveFold(ifBlock, cycleAt);
        fiBuf.serveFold(fiBlock, cycleAt);
        // Reads are served a cycle after their row.
        for (const [span, b] of [[spans.ifmap, ifBlock], [spans.filter, fiBlock]] as const) {
          const [x0, x1] = requestRows(b);
          if (span.first < 0) span.first = cycleAt(x0) + 1;
          span.last = cycleAt(x1) + 1;
        }
        i += f.perFold;
        lastOfmapCycle = i - 1 + stalls;
        continue;
      }
      ifBuf.beginRows(ifBlock);
      fiBuf.beginRows(fiBlock);
      for (let x = 0; x < f.perFold; x++, i++) {
        const writes = row(fr, fc, x, ifRow, fiRow);
        const cycle = i + stalls;
        const ifOut = ifBuf.serviceRow(cycle, ifRow);
        const fiOut = fiBuf.serviceRow(cycle, fiRow);
        const ofWait = ofBuf.serviceRow(cycle, writes);
        if (hasRequest(ifRow)) track(spans.ifmap, cycle + ifOut);
        if (hasRequest(fiRow)) track(spans.filter, cycle + fiOut);
        if (writes > 0) track(spans.ofmap, cycle + ofWait);
        lastOfmapCycle = cycle + ofWait;
        stalls += Math.max(ifOut - 1, fiOut - 1, ofWait);
      }
    }
  }
  ifBuf.finish?.();
  fiBuf.finish?.();
  ofBuf.finish(lastOfmapCycle);
  // SCALE-Sim reports the compute model's counts (access.ts), not the demand rows' own.
  const reported = sramCounts(a.dataflow, a.rows, a.cols, g);
  const sram = (s: Span, count: number): SramAccess => ({ startCycle: Math.max(s.first, 0), stopCycle: Math.max(s.last, 0), count });
  const dram = { ifmap: ifBuf.dram(), filter: fiBuf.dram(), ofmap: ofBuf.dram() };
  return {
    totalCycles: lastOfmapCycle,
    totalCyclesInclPrefetch: Math.trunc(dram.ofmap.stopCycle - Math.min(dram.ifmap.startCycle, dram.filter.startCycle)),
    stallCycles: stalls,
    sram: { ifmap: sram(spans.ifmap, reported.ifmap), filter: sram(spans.filter, reported.filter), ofmap: sram(spans.ofmap, reported.ofmap) },
    dram,
  };
}


/** A config's USER-mode memory, as SCALE-Sim sets it up (single_layer_sim.run): 1-byte words,
 * kB × 1024 bytes, the first Bandwidth entry (v3: [layout] bank bandwidths for the reads). */
export function userModeMemory(cfg: ScaleSimConfig): UserModeMemory {
  // CALC mode ignores the bandwidths (runCalcMode sets its own).
  const bw = cfg.interfaceBandwidth === 'USER' ? cfg.bandwidth?.[0] : 1;
  if (bw === undefined) throw new Error('internal: USER mode without Bandwidth');
  return {
    ifmapBytes: cfg.ifmapKiB * 1024, filterBytes: cfg.filterKiB * 1024, ofmapBytes: cfg.ofmapKiB * 1024,
    ifmapBandwidth: cfg.v3 ? cfg.v3.ifmap.bankBandwidth : bw,
    filterBandwidth: cfg.v3 ? cfg.v3.filter.bankBandwidth : bw,
    ofmapBandwidth: bw,
    version: cfg.version,
  };
}

/** SCALE-Sim's figures for one GEMM from its memory run (USER mode, or CALC mode's estimating
 * buffers): its compute model's mapping efficiency, compute utilisation and SRAM counts
 * (unchanged by memory), with Total Cycles, Stall Cycles, utilisation, SRAM start/stop cycles
 * and the DRAM columns from the run. */
export function scaleSimUserFigures(mfu: SystolicArray, g: Gemm, mem: UserModeMemory, mode: 'USER' | 'CALC' = 'USER', conv?: ConvShape): { scaleSim: ScaleSimFigures; access: ScaleSimAccess; memory: ScaleSimMemoryFigures } {
  const calc = scaleSimFigures(mfu, g);
  const run = mode === 'USER' ? runUserMode(mfu, g, mem, conv) : runCalcMode(mfu, g, mem, conv);
  const total = run.totalCycles;
  const scaleSim: ScaleSimFigures = {
    ...calc,
    totalCycles: total,
    stallCycles: run.stallCycles,
    overallUtil: (calc.macs * 100) / (total * mfu.rows * mfu.cols),
  };
  const access: ScaleSimAccess = {
    ...run.sram,
    avgIfmapSramBw: run.sram.ifmap.count / total,
    avgFilterSramBw: run.sram.filter.count / total,
    avgOfmapSramBw: run.sram.ofmap.count / total,
  };
  const bwOf = (d: DramSide) => d.accesses / (d.stopCycle - d.startCycle + 1);
  return {
    scaleSim,
    access,
    memory: {
      version: mem.version,
      totalCyclesInclPrefetch: run.totalCyclesInclPrefetch,
      dram: run.dram,
      avgDramBw: { ifmap: bwOf(run.dram.ifmap), filter: bwOf(run.dram.filter), ofmap: bwOf(run.dram.ofmap) },
    },
  };
}
