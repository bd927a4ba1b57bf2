// SCALE-Sim's IFMAP/FILTER buffers in CALC mode (memory/read_buffer_estimate_bw.py, the same in
// v2 and v3): reads never stall (served after the 1-cycle hit latency); the buffer only
// estimates the DRAM traffic that would keep it fed. Requested elements not already held are
// grouped, in demand order, into sets of ⌊S/100⌋ distinct elements; the buffer holds a window of
// 50 sets. Each time 50 more sets fill up it "prefetches" them retroactively, spreading them
// over the cycles since the previous prefetch (at ⌈elements/cycles⌉ words per cycle), and the
// window moves on by 50 sets. At the end the remaining sets are prefetched the same way.
import type { DramSide } from './memory.js';
import { hasRequest } from './demand.js';

const READ_PORT_LATENCY = 1;

export class EstimateReadBuffer {
  private readonly perSet: number;
  private readonly activeSets = 50;
  private readonly prefetchSets = 50;
  /** Latest set holding each element (−1: none). */
  private readonly lastSet: Int32Array;
  /** Elements in each completed set, then the current one. */
  private readonly setSizes: number[] = [];
  private currentSet = 0;
  private currentElems = 0;
  private readStart = 0;
  private readEnd: number;
  private prefetchStartId = -1;
  private lastStart = -2;
  private lastEnd = -1;
  private firstRequest = 0;
  private firstSeen = false;
  private activeDone = false;
  private accesses = 0;
  private dramStart: number | undefined;
  private dramStop = 0;

  /** `space`: addresses; `address`: operand element → address (absent: the same). */
  constructor(bytes: number, private readonly bandwidth: number, space: number, private readonly address?: Int32Array) {
    this.perSet = Math.floor(bytes / 100);
    if (this.perSet < 1) throw new Error('internal: SCALE-Sim CALC buffers need at least 100 bytes');
    this.readEnd = this.activeSets - 1;
    this.lastSet = new Int32Array(space).fill(-1);
  }

  /** Serves one demand row at `cycle`; never stalls (returns the hit latency). */
  serviceRow(cycle: number, row: Int32Array): number {
    if (!this.firstSeen && hasRequest(row)) { this.firstRequest = cycle; this.firstSeen = true; }
    const address = this.address;
    for (let i = 0; i < row.length; i++) {
      const e = row[i]!;
      if (e >= 0) this.request(cycle, address ? address[e]! : e);
    }
    return 1;
  }

  private request(cycle: number, e: number): void {
    const s = this.lastSet[e]!;
    const end = Math.min(this.currentSet, this.readEnd + 1);
    if (s >= this.readStart && s < end) return; // hit
    if (s === this.currentSet) return; // already in the set being filled
    this.lastSet[e] = this.currentSet;
    if (++this.currentElems < this.perSet) return;
    this.setSizes[this.currentSet] = this.currentElems;
    this.currentElems = 0;
    this.currentSet++;
    if (this.currentSet !== this.readEnd + 1) return;
    if (!this.activeDone) {
      // The active half's sets, fetched at the default bandwidth just before the first request.
      this.lastEnd = this.firstRequest - 1 - READ_PORT_LATENCY;
      const cycles = Math.ceil((this.prefetchSets * this.perSet) / this.bandwidth);
      this.lastStart = this.lastEnd - cycles + 1;
      this.prefetch(0, this.activeSets - 1);
      this.prefetchStartId = this.readEnd + 1;
      this.activeDone = true;
    } else {
      this.prefetch(this.prefetchStartId, this.prefetchStartId + this.prefetchSets - 1);
      this.prefetchStartId += this.prefetchSets;
    }
    this.readStart += this.prefetchSets;
    this.readEnd += this.prefetchSets;
    this.lastStart = this.lastEnd + 1;
    this.lastEnd = cycle;
  }

  /** complete_all_prefetches: the sets not prefetched yet, the partial one included. */
  finish(): void {
    if (this.currentElems > 0) this.setSizes[this.currentSet] = this.currentElems;
    else this.currentSet--;
    if (!this.activeDone) {
      this.lastEnd = -1 - READ_PORT_LATENCY;
      const cycles = Math.ceil(((this.currentSet + 1) * this.perSet) / this.bandwidth);
      this.lastStart = this.lastEnd - cycles + 1;
      this.prefetch(0, this.currentSet);
      this.activeDone = true;
    } else {
      this.prefetch(this.prefetchStartId, this.currentSet);
    }
  }

  /** One prefetch of sets [from, to]: a DRAM line per cycle over [lastStart, lastEnd], each
   * answered a cycle later (read_port latency). */
  private prefetch(from: number, to: number): void {
    const cycles = this.lastEnd - this.lastStart + 1;
    if (cycles < 1) throw new Error('SCALE-Sim would fail here (a prefetch window of no cycles); this configuration is outside what it can run');
    for (let s = from; s <= to; s++) this.accesses += this.setSizes[s] ?? 0;
    this.dramStart ??= this.lastStart + READ_PORT_LATENCY;
    this.dramStop = this.lastEnd + READ_PORT_LATENCY;
  }

  dram(): DramSide {
    return { startCycle: this.dramStart ?? 0, stopCycle: this.dramStop, accesses: this.accesses };
  }
}
