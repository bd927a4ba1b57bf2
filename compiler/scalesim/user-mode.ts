// SCALE-Sim v2's USER bandwidth mode for one GEMM: the demand rows of every fold pass through
// its double-buffered memory (memory.ts) one at a time, as double_buffered_scratchpad.
// service_memory_requests does: row i is issued at cycle i + stalls so far; each buffer
// reports when it served the row; the row's stall is the largest wait beyond the hit latency
// (1 for reads, 0 for writes). Total Cycles is the cycle the last row's writes were served.
// Rows are generated and consumed one by one: memory stays O(operand size), not O(cycles).
// Most rows need no such work: where no read can stall (a USER fold whose requests the window
// holds; any CALC fold, whose buffers only estimate), rows only stall on their writes, so a
// range of rows is served at once (serveRange): its output rows first, then its reads, which
// get any row's cycle from those writes' stalls. Row by row stays the definition, used where a
// read may stall and, for tests, everywhere (rowByRow).
import { demandRow, emptyFoldDemand, foldDemands, folding, hasRequest, operandAddresses, outputsAt, prefetchSets, firstRequestRow, lastRequestRow, type FoldBlock, type Gemm, type SystolicArray } from './demand.js';
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

/** A read buffer as the run sees it: row by row (serviceRow), or whole rows of a fold at once
 * (serveRows) up to the first row where it may stall (servedUntil). */
interface RowReader {
  serviceRow(cycle: number, row: Int32Array): number;
  /** The first row ≥ `from` of the fold reading block b that this buffer cannot serve without
   * stalling (Infinity: none); serveRows takes the rows before it. */
  servedUntil(b: FoldBlock, from: number): number;
  /** Serves the requests of b in rows from … to − 1 of a fold, `cycleAt(x)` the cycle of row x. */
  serveRows(b: FoldBlock, from: number, to: number, cycleAt: (x: number) => number): void;
  /** Called before a row of the fold reading b is served by serviceRow. */
  beginRows(b: FoldBlock): void;
  dram(): DramSide;
  finish?(): void;
}

/** `conv`: the convolution a GEMM was lowered from, whose im2col IFMAP addresses repeat.
 * `rowByRow`: serve every demand row by itself (the reference for the served ranges). */
export function runUserMode(a: SystolicArray, g: Gemm, mem: UserModeMemory, conv?: ConvShape, rowByRow = false): UserModeFigures {
  const v3 = mem.version === 'v3';
  const addrs = operandAddresses(g, conv);
  const ifBuf = new ReadBuffer(mem.ifmapBytes, mem.ifmapBandwidth, prefetchSets(a, g, 'ifmap', Math.ceil(mem.ifmapBytes / 100), addrs), v3);
  const fiBuf = new ReadBuffer(mem.filterBytes, mem.filterBandwidth, prefetchSets(a, g, 'filter', Math.ceil(mem.filterBytes / 100), addrs), v3);
  return runRows(a, g, ifBuf, fiBuf, new WriteBuffer(mem.ofmapBytes, mem.ofmapBandwidth, v3), rowByRow);
}

/** CALC mode (single_layer_sim.run without USER bandwidth): the reads go through the
 * estimating buffers at 10 words per cycle, the OFMAP drains at ArrayWidth words per cycle. */
export function runCalcMode(a: SystolicArray, g: Gemm, mem: Pick<UserModeMemory, 'ifmapBytes' | 'filterBytes' | 'ofmapBytes' | 'version'>, conv?: ConvShape, rowByRow = false): UserModeFigures {
  const addrs = operandAddresses(g, conv);
  const ifBuf = new EstimateReadBuffer(mem.ifmapBytes, 10, addrs.ifmapSpace, addrs.ifmap);
  const fiBuf = new EstimateReadBuffer(mem.filterBytes, 10, addrs.filterSpace);
  return runRows(a, g, ifBuf, fiBuf, new WriteBuffer(mem.ofmapBytes, a.cols, mem.version === 'v3'), rowByRow);
}

function runRows(a: SystolicArray, g: Gemm, ifBuf: RowReader, fiBuf: RowReader, ofBuf: WriteBuffer, rowByRow = false): UserModeFigures {
  const f = folding(a, g);
  const row = demandRow(a, g);
  const demands = foldDemands(a, g);
  const d = emptyFoldDemand();
  const { ifmap: ifBlock, filter: fiBlock, outputs: out } = d;
  const outEnd = () => out.first + out.length + out.columns - 1;
  const ifRow = new Int32Array(f.ifmapWidth);
  const fiRow = new Int32Array(f.filterWidth);
  const spans = { ifmap: { first: -1, last: -1 }, filter: { first: -1, last: -1 }, ofmap: { first: -1, last: -1 } };
  let stalls = 0;
  let lastOfmapCycle = 0;
  // The current fold's first row, and for a range of its rows served at once: the stalls
  // before it and, within it, after each output row x (stallsAfter[x], for outFrom ≤ x < outTo).
  let foldStart = 0, rangeStalls = 0, outFrom = 0, outTo = 0;
  const stallsAfter = new Int32Array(f.perFold);
  const cycleAt = (x: number) => foldStart + x + rangeStalls + (x > outFrom && outTo > outFrom ? stallsAfter[Math.min(x, outTo) - 1]! : 0);

  /** Rows from … to − 1 of the fold, whose reads stall nowhere: only output rows can stall, so
   * the writes go first, and cycleAt then gives any row's cycle. */
  const serveRange = (from: number, to: number) => {
    rangeStalls = stalls;
    outFrom = Math.max(from, out.first);
    const outLast = Math.min(to, outEnd()) - 1;
    outTo = outFrom;
    if (outLast >= outFrom) {
      // Every output row writes; when none of the writes waits or drains, they go at once.
      let words = 0;
      if (from <= out.first && outLast === outEnd() - 1) words = out.length * out.columns;
      else for (let x = outFrom; x <= outLast; x++) words += outputsAt(x, out.first, out.length, out.columns);
      if (ofBuf.takeQuiet(words, foldStart + outLast + stalls)) {
        track(spans.ofmap, foldStart + outFrom + stalls);
        track(spans.ofmap, foldStart + outLast + stalls);
      } else {
        for (let x = outFrom; x <= outLast; x++) {
          const cycle = foldStart + x + stalls;
          const ofWait = ofBuf.serviceRow(cycle, outputsAt(x, out.first, out.length, out.columns));
          track(spans.ofmap, cycle + ofWait);
          stalls += ofWait;
          stallsAfter[x] = stalls - rangeStalls;
        }
        outTo = outLast + 1;
      }
    }
    ifBuf.serveRows(ifBlock, from, to, cycleAt);
    fiBuf.serveRows(fiBlock, from, to, cycleAt);
    trackReads(spans.ifmap, ifBlock, from, to);
    trackReads(spans.filter, fiBlock, from, to);
    if (to === f.perFold) lastOfmapCycle = foldStart + to - 1 + stalls;
  };

  /** Reads are served a cycle after their row; every row between a block's first and last
   * request rows requests some of it. */
  const trackReads = (span: Span, b: FoldBlock, from: number, to: number) => {
    const r0 = Math.max(from, firstRequestRow(b)), r1 = Math.min(to - 1, lastRequestRow(b));
    if (r0 > r1) return;
    if (span.first < 0) span.first = cycleAt(r0) + 1;
    span.last = cycleAt(r1) + 1;
  };

  for (let fc = 0; fc < f.colFolds; fc++) {
    for (let fr = 0; fr < f.rowFolds; fr++, foldStart += f.perFold) {
      demands(fr, fc, d);
      for (let x = 0; x < f.perFold;) {
        const to = rowByRow ? x : Math.min(f.perFold, ifBuf.servedUntil(ifBlock, x), fiBuf.servedUntil(fiBlock, x));
        if (to > x) { serveRange(x, to); x = to; continue; }
        ifBuf.beginRows(ifBlock);
        fiBuf.beginRows(fiBlock);
        const writes = row(fr, fc, x, ifRow, fiRow);
        const cycle = foldStart + x + stalls;
        const ifOut = ifBuf.serviceRow(cycle, ifRow);
        const fiOut = fiBuf.serviceRow(cycle, fiRow);
        const ofWait = ofBuf.serviceRow(cycle, writes);
        if (hasRequest(ifRow)) track(spans.ifmap, cycle + ifOut);
        if (hasRequest(fiRow)) track(spans.filter, cycle + fiOut);
        if (writes > 0) track(spans.ofmap, cycle + ofWait);
        lastOfmapCycle = cycle + ofWait;
        stalls += Math.max(ifOut - 1, fiOut - 1, ofWait);
        x++;
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
