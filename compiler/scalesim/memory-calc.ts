// SCALE-Sim's IFMAP/FILTER buffers in CALC mode (memory/read_buffer_estimate_bw.py, the same in
// v2 and v3): reads never stall (served after the 1-cycle hit latency); the buffer only
// estimates the DRAM traffic that would keep it fed. Requested elements not already held are
// grouped, in demand order, into sets of ⌊S/100⌋ distinct elements; the buffer holds a window of
// 50 sets. Each time 50 more sets fill up it "prefetches" them retroactively, spreading them
// over the cycles since the previous prefetch (at ⌈elements/cycles⌉ words per cycle), and the
// window moves on by 50 sets. At the end the remaining sets are prefetched the same way.
// So the window always starts at the block of 50 sets that holds the set being filled: an
// element is held iff it was last added within the current block of 50·⌊S/100⌋ misses, and
// every miss is one DRAM word. The state is the miss count and each element's block.
import type { DramSide } from './memory.js';
import type { FoldBlock } from './demand.js';

const READ_PORT_LATENCY = 1;
const WINDOW_SETS = 50;
/** groupBlock: the fold's elements have their own blocks in blockOf. */
const ROWS = -2;

export class EstimateReadBuffer {
  private readonly perSet: number;
  /** Misses per block of 50 sets. */
  private readonly blockElems: number;
  /** Block in which each address was last added (−1: never). */
  private readonly blockOf: Int32Array;
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
  /** A GEMM's fold blocks are equal or disjoint (each element belongs to one), and all of a
   * fold's elements share one block (−1 at first, the current one after it is served whole),
   * kept here by the fold block's base element while blockOf is not written for them; ROWS once
   * rows may have split them. A convolution's addresses repeat across folds: no groups. */
  private readonly groupBlock?: Map<number, number>;
  /** For a convolution's repeated addresses: the fold that last counted each (canServeFold). */
  private readonly seen?: Int32Array;
  private foldStamp = 0;

  /** `space`: addresses; `address`: operand element → address (absent: the same). */
  constructor(bytes: number, private readonly bandwidth: number, space: number, private readonly address?: Int32Array) {
    this.perSet = Math.floor(bytes / 100);
    if (this.perSet < 1) throw new Error('internal: SCALE-Sim CALC buffers need at least 100 bytes');
    this.blockElems = WINDOW_SETS * this.perSet;
    this.leftInBlock = this.blockElems;
    this.blockOf = new Int32Array(space).fill(-1);
    if (address) this.seen = new Int32Array(space).fill(-1);
    else this.groupBlock = new Map();
  }

  /** Serves one demand row at `cycle`; never stalls (returns the hit latency). */
  serviceRow(cycle: number, row: Int32Array): number {
    const address = this.address;
    for (let i = 0; i < row.length; i++) {
      const e = row[i]!;
      if (e < 0) continue;
      if (!this.firstSeen) { this.firstRequest = cycle; this.firstSeen = true; }
      const ad = address ? address[e]! : e;
      if (this.blockOf[ad] === this.block) continue; // held
      this.blockOf[ad] = this.block;
      this.misses++;
      if (--this.leftInBlock === 0) this.moveWindow(cycle);
    }
    return 1;
  }

  /** Whether a fold's requests (after the first request) fill no block, so that they need no cycle. */
  canServeFold(b: FoldBlock): boolean {
    if (!this.firstSeen) return false;
    const lazy = this.lazyBlock(b);
    if (lazy !== ROWS) return lazy === this.block || b.count * b.width < this.leftInBlock;
    // Fewer requests than misses left: no need to look.
    if (b.count * b.width < this.leftInBlock) return true;
    const { blockOf, block, address, seen } = this;
    const stamp = ++this.foldStamp;
    let misses = 0;
    for (let i = 0; i < b.count; i++) {
      const row = b.base + i * b.stride;
      for (let e = row; e < row + b.width; e++) {
        const ad = address ? address[e]! : e;
        if (blockOf[ad] === block) continue;
        if (seen) { if (seen[ad] === stamp) continue; seen[ad] = stamp; }
        if (++misses >= this.leftInBlock) return false;
      }
    }
    return true;
  }

  /** Takes a fold that canServeFold accepted: its missing elements join the current block. */
  serveFold(b: FoldBlock): void {
    const { blockOf, block, address, groupBlock } = this;
    const lazy = this.lazyBlock(b);
    let misses = 0;
    if (lazy !== ROWS) {
      if (lazy !== block) misses = b.count * b.width;
    } else {
      for (let i = 0; i < b.count; i++) {
        const row = b.base + i * b.stride;
        for (let e = row; e < row + b.width; e++) {
          const ad = address ? address[e]! : e;
          if (blockOf[ad] !== block) { blockOf[ad] = block; misses++; }
        }
      }
    }
    groupBlock?.set(b.base, block);
    this.misses += misses;
    this.leftInBlock -= misses;
  }

  /** Before a fold goes row by row: its elements' blocks are written out again. */
  beginRows(b: FoldBlock): void {
    const lazy = this.lazyBlock(b);
    if (lazy === ROWS) return;
    // Untouched groups (−1) are written out already.
    if (lazy !== -1) for (let i = 0; i < b.count; i++) this.blockOf.fill(lazy, b.base + i * b.stride, b.base + i * b.stride + b.width);
    this.groupBlock!.set(b.base, ROWS);
  }

  /** The block all of a fold's elements share, or ROWS when blockOf holds them one by one. */
  private lazyBlock(b: FoldBlock): number {
    return this.groupBlock ? this.groupBlock.get(b.base) ?? -1 : ROWS;
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
