// SCALE-Sim's IFMAP/FILTER buffers in CALC mode (memory/read_buffer_estimate_bw.py, the same in
// v2 and v3): reads never stall (served after the 1-cycle hit latency); the buffer only
// estimates the DRAM traffic that would keep it fed. Requested elements not already held are
// grouped, in demand order, into sets of ⌊S/100⌋ distinct elements; the buffer holds a window of
// 50 sets. Each time 50 more sets fill up it "prefetches" them retroactively, spreading them
// over the cycles since the previous prefetch (at ⌈elements/cycles⌉ words per cycle), and the
// window moves on by 50 sets. At the end the remaining sets are prefetched the same way.
// So the window always starts at the block of 50 sets that holds the set being filled: an
// element is held iff it was last added within the current block of 50·⌊S/100⌋ misses, and
// every miss is one DRAM word. The state is the miss count and each element's block; only the
// requests that fill a block need their cycle.
import type { DramSide } from './memory.js';
import { elementAt, firstRequestRow, lastRequestRow, requestPorts, rowOfRequest, type FoldBlock } from './demand.js';

const READ_PORT_LATENCY = 1;
const WINDOW_SETS = 50;

/** A fold block's requests in demand order, in runs that share a block: run r ends (exclusive)
 * at ends[r] and holds blocks[r]. */
interface Runs { ends: number[]; blocks: number[] }
/** groups: blockOf holds the fold block's elements one by one. */
const ROWS = 'rows';

export class EstimateReadBuffer {
  private readonly perSet: number;
  /** Misses per block of 50 sets. */
  private readonly blockElems: number;
  /** Block in which each address was last added (−1: never); allocated on first use (a GEMM's
   * folds usually go by runs, and need none). */
  private blockOf = new Int32Array(0);
  private block = 0;
  private misses = 0;
  /** Misses left until the current block fills up (and the window moves). */
  private leftInBlock: number;
  private firstRequest = 0;
  private firstSeen = false;
  /** The window moves so far; the first one also fetched the initial 50 sets. */
  private moves = 0;
  private lastStart = -2;
  private lastEnd = -1;
  private dramStart: number | undefined;
  private dramStop = 0;
  /** A GEMM's fold blocks are equal or disjoint, and every fold walks its block in the same
   * order, so its elements' blocks are kept as runs of that order, by the block's base element
   * (absent: all −1, as blockOf says), until a fold goes row by row (ROWS). A convolution's
   * addresses repeat across fold blocks: no runs. */
  private readonly groups?: Map<number, Runs | typeof ROWS>;

  /** `space`: addresses; `address`: operand element → address (absent: the same). */
  constructor(bytes: number, private readonly bandwidth: number, private readonly space: number, private readonly address?: Int32Array) {
    this.perSet = Math.floor(bytes / 100);
    if (this.perSet < 1) throw new Error('internal: SCALE-Sim CALC buffers need at least 100 bytes');
    this.blockElems = WINDOW_SETS * this.perSet;
    this.leftInBlock = this.blockElems;
    if (!address) this.groups = new Map();
  }

  /** blockOf, allocated now if it was not. */
  private blocks(): void {
    if (this.blockOf.length !== this.space) this.blockOf = new Int32Array(this.space).fill(-1);
  }

  /** Serves one demand row at `cycle`; never stalls (returns the hit latency). */
  serviceRow(cycle: number, row: Int32Array): number {
    this.blocks();
    const address = this.address;
    for (let i = 0; i < row.length; i++) {
      const e = row[i]!;
      if (e < 0) continue;
      if (!this.firstSeen) { this.firstRequest = cycle; this.firstSeen = true; }
      this.request(cycle, address ? address[e]! : e);
    }
    return 1;
  }

  private request(cycle: number, ad: number): void {
    if (this.blockOf[ad] === this.block) return; // held
    this.blockOf[ad] = this.block;
    this.misses++;
    if (--this.leftInBlock === 0) this.moveWindow(cycle);
  }

  /** Nothing stalls: whole folds are served at once, and only the first request and the ones
   * that fill a block need their row's cycle (serveRows's cycleAt). */
  servedUntil(_b: FoldBlock, _from: number): number {
    return Infinity;
  }

  /** Serves a fold's requests of block b (all of them: from … to − 1 covers its request rows). */
  serveRows(b: FoldBlock, from: number, to: number, cycleAt: (x: number) => number): void {
    const x0 = firstRequestRow(b), x1 = lastRequestRow(b);
    if (from > x0 || to <= x1) throw new Error('internal: CALC read buffers serve whole folds');
    if (!this.firstSeen) { this.firstRequest = cycleAt(x0); this.firstSeen = true; }
    const runs = this.groups?.get(b.base);
    if (this.groups && runs !== ROWS) { this.serveRuns(b, runs, cycleAt); return; }
    this.blocks();
    const address = this.address, block = this.block;
    if (b.count * b.width < this.leftInBlock) {
      // Fewer requests than misses left: no block fills, so any order will do.
      let misses = 0;
      for (let i = 0; i < b.count; i++) {
        const row = b.base + i * b.stride;
        for (let e = row; e < row + b.width; e++) {
          const ad = address ? address[e]! : e;
          if (this.blockOf[ad] !== block) { this.blockOf[ad] = block; misses++; }
        }
      }
      this.misses += misses;
      this.leftInBlock -= misses;
    } else {
      // Request by request in demand order.
      this.walk(b, cycleAt);
    }
    // A GEMM fold block requested within one block is all in it: runs again.
    if (this.groups && this.block === block) this.groups.set(b.base, { ends: [b.count * b.width], blocks: [block] });
  }

  private walk(b: FoldBlock, cycleAt: (x: number) => number): void {
    const x0 = firstRequestRow(b), x1 = lastRequestRow(b), ports = requestPorts(b), address = this.address;
    for (let x = x0; x <= x1; x++) {
      for (let p = 0; p < ports; p++) {
        const e = elementAt(b, x, p);
        if (e < 0) continue;
        const ad = address ? address[e]! : e;
        if (this.blockOf[ad] !== this.block) this.request(cycleAt(x), ad);
      }
    }
  }

  /** A GEMM fold block's requests, run by run: a run held in the current block is all hits;
   * any other all misses, and the one that fills the block moves the window at its row's cycle. */
  private serveRuns(b: FoldBlock, runs: Runs | undefined, cycleAt: (x: number) => number): void {
    const n = b.count * b.width;
    if (runs === undefined) runs = { ends: [n], blocks: [-1] };
    if (runs.ends.length === 1 && (runs.blocks[0] === this.block || n < this.leftInBlock)) {
      // The common case: one block before and after.
      if (runs.blocks[0] === this.block) return;
      this.misses += n;
      this.leftInBlock -= n;
      runs.blocks[0] = this.block;
      this.groups!.set(b.base, runs);
      return;
    }
    const next: Runs = { ends: [], blocks: [] };
    const add = (end: number) => {
      const last = next.blocks.length - 1;
      if (last >= 0 && next.blocks[last] === this.block) next.ends[last] = end;
      else { next.ends.push(end); next.blocks.push(this.block); }
    };
    let start = 0;
    for (let r = 0; r < runs.ends.length; r++) {
      const end = runs.ends[r]!;
      if (runs.blocks[r] !== this.block) {
        while (end - start >= this.leftInBlock) {
          const filling = start + this.leftInBlock - 1;
          add(filling + 1);
          this.misses += this.leftInBlock;
          this.moveWindow(cycleAt(rowOfRequest(b, filling)));
          start = filling + 1;
        }
        this.misses += end - start;
        this.leftInBlock -= end - start;
      }
      if (end > start) add(end);
      start = end;
    }
    this.groups!.set(b.base, next);
  }

  /** Before a fold goes row by row: its elements' blocks are written out to blockOf. */
  beginRows(b: FoldBlock): void {
    const runs = this.groups?.get(b.base);
    if (!this.groups || runs === ROWS) return;
    if (runs) {
      this.blocks();
      const x0 = firstRequestRow(b), x1 = lastRequestRow(b), ports = requestPorts(b);
      let pos = 0, r = 0;
      for (let x = x0; x <= x1; x++) {
        for (let p = 0; p < ports; p++) {
          const e = elementAt(b, x, p);
          if (e < 0) continue;
          while (pos >= runs.ends[r]!) r++;
          this.blockOf[e] = runs.blocks[r]!;
          pos++;
        }
      }
    }
    this.groups.set(b.base, ROWS);
  }

  /** 50 more sets are full: they are prefetched over the cycles since the last prefetch
   * (the first time, the initial 50 sets at the default bandwidth just before the first request). */
  private moveWindow(cycle: number): void {
    if (this.moves === 0) {
      this.lastEnd = this.firstRequest - 1 - READ_PORT_LATENCY;
      this.lastStart = this.lastEnd - Math.ceil(this.blockElems / this.bandwidth) + 1;
    }
    this.prefetch();
    this.moves++;
    this.block++;
    this.leftInBlock = this.blockElems;
    this.lastStart = this.lastEnd + 1;
    this.lastEnd = cycle;
  }

  /** complete_all_prefetches: the sets not prefetched yet, the partial one included. */
  finish(): void {
    if (this.moves === 0) {
      // Sets 0 … the last non-empty one, fetched before the first request.
      this.lastEnd = -1 - READ_PORT_LATENCY;
      this.lastStart = this.lastEnd - Math.ceil(Math.ceil(this.misses / this.perSet) * this.perSet / this.bandwidth) + 1;
    }
    this.prefetch();
  }

  /** One prefetch: a DRAM line per cycle over [lastStart, lastEnd], each answered a cycle
   * later (read_port latency). */
  private prefetch(): void {
    if (this.lastEnd - this.lastStart + 1 < 1) throw new Error('SCALE-Sim would fail here (a prefetch window of no cycles); this configuration is outside what it can run');
    this.dramStart ??= this.lastStart + READ_PORT_LATENCY;
    this.dramStop = this.lastEnd + READ_PORT_LATENCY;
  }

  dram(): DramSide {
    // Every miss is fetched once, by one prefetch or the final one.
    return { startCycle: this.dramStart ?? 0, stopCycle: this.dramStop, accesses: this.misses };
  }
}
