// SCALE-Sim v2's double-buffered scratchpad in USER bandwidth mode (scalesim/memory/), as it
// is written, including its quirks, so that stall cycles and DRAM figures match exactly:
// - read_buffer: an SRAM of `bytes` 1-byte words split into an active half and a prefetch
//   half. The prefetch order is cut into sets of ⌈bytes/100⌉ elements; the active half holds
//   a window of sets. A request outside the window triggers a prefetch, which slides the
//   window by the prefetch half's sets and makes DRAM busy for ⌈half/Bandwidth⌉ + 1 more
//   cycles; the request is served when that prefetch lands (read_port latency 1). Hits take
//   1 cycle. The first request triggers the fill of the active half, ending the cycle before.
// - write_buffer: OFMAP words collect in lines of Bandwidth words. Once the active half is
//   full, the pending lines (up to the drain half) go to DRAM, one line per cycle; a write
//   that finds the buffer full while a drain is under way waits for the drain to end.
// SCALE-Sim v3 (without Ramulator traces, custom layouts or sparsity) runs the same model with
// two changes kept here behind `v3`: a read that waits for a prefetch adds the wait twice, and a
// prefetch that lands early (wait ≤ 0) pulls the row's serve cycle earlier by that much
// (read_buffer.service_reads: `offset += p` then `if p > 0: offset += p`); DRAM start/stop
// cycles are the minimum/maximum of its traces rather than their first/last rows.
import { elementAt, firstRequestRow, lastRequestRow, requestPorts, requestRowOf, type FoldBlock, type PrefetchSets } from './demand.js';

/** A read operand's DRAM-side figures (DETAILED_ACCESS_REPORT's DRAM columns). */
export interface DramSide { startCycle: number; stopCycle: number; accesses: number }

/** SCALE-Sim's DRAM-side report figures of a USER-mode run. */
export interface ScaleSimMemoryFigures {
  version: 'v2' | 'v3';
  totalCyclesInclPrefetch: number;
  dram: { ifmap: DramSide; filter: DramSide; ofmap: DramSide };
  /** "Avg … DRAM BW": accesses / (stop − start + 1), words per cycle. */
  avgDramBw: { ifmap: number; filter: number; ofmap: number };
}

export class ReadBuffer {
  private readonly activeSize: number;
  private readonly prefetchSize: number;
  private readonly activeSets: number;
  private readonly prefetchSets: number;
  private activeStart = 0;
  private started = false;
  private lastPrefetchCycle = -1;
  private accesses = 0;
  private dramStart = 0;
  /** Fold block (by its base element) → the sets holding its requests. */
  private readonly rowSpans = new Map<number, RequestSpans>();

  constructor(bytes: number, private readonly bandwidth: number, private readonly sets: PrefetchSets, private readonly v3 = false) {
    this.activeSize = Math.ceil(bytes * 0.5);
    this.prefetchSize = bytes - this.activeSize;
    const elemsPerSet = Math.ceil(bytes / 100);
    this.activeSets = Math.min(Math.ceil(this.activeSize / elemsPerSet), sets.numSets);
    this.prefetchSets = Math.min(Math.ceil(this.prefetchSize / elemsPerSet), sets.numSets - this.activeSets);
  }

  /** Serves one demand row arriving at `cycle`; returns the cycles until it is served
   * (1 on hits, more when it waited for prefetches). */
  serviceRow(cycle: number, row: Int32Array): number {
    if (!this.started) this.fillActive(cycle);
    const { setStart, sets, address } = this.sets;
    let offset = 1;
    for (let i = 0; i < row.length; i++) {
      const e = row[i]!;
      if (e < 0) continue;
      const ad = address ? address[e]! : e;
      const from = setStart[ad]!, to = setStart[ad + 1]!;
      if (from === to) throw new Error('internal: SCALE-Sim read buffer asked for an address it never fetches');
      let guard = 0;
      while (!this.holds(sets, from, to)) {
        if (++guard > this.sets.numSets + 1) throw new Error('internal: SCALE-Sim read buffer never holds the requested element');
        this.prefetch();
        const wait = this.lastPrefetchCycle - (cycle + offset);
        if (this.v3) offset += wait;
        if (wait > 0) offset += wait;
      }
    }
    return offset;
  }

  /** The first row ≥ `from` of the fold reading b with a request not held (Infinity: none). */
  servedUntil(b: FoldBlock, from: number): number {
    if (!this.started) return from;
    const { setStart, sets, address } = this.sets;
    // Fold blocks are equal or disjoint: the sets holding a block's requests, row by row, are
    // worked out once; where the window covers them, the rows are held without a closer look.
    let spans = this.rowSpans.get(b.base);
    if (!spans) {
      spans = requestSpans(b, this.sets);
      this.rowSpans.set(b.base, spans);
    }
    const x0 = firstRequestRow(b), x1 = lastRequestRow(b), ports = requestPorts(b);
    let x = Math.max(from, x0);
    if (x > x1 || this.covers(spans.restLo[x - x0]!, spans.restHi[x - x0]!)) return Infinity;
    for (; x <= x1; x++) {
      if (this.covers(spans.lo[x - x0]!, spans.hi[x - x0]!)) continue;
      for (let p = 0; p < ports; p++) {
        const e = elementAt(b, x, p);
        if (e < 0) continue;
        const ad = address ? address[e]! : e;
        if (!this.holds(sets, setStart[ad]!, setStart[ad + 1]!)) return x;
      }
    }
    return Infinity;
  }

  /** Whether the active window holds every set lo … hi (none: lo > hi). */
  private covers(lo: number, hi: number): boolean {
    const n = this.sets.numSets;
    return lo <= hi && (this.activeSets >= n || (((lo - this.activeStart) % n) + n) % n + hi - lo < this.activeSets);
  }

  /** Hits change nothing. */
  serveRows(_b: FoldBlock, _from: number, _to: number, _cycleAt: (x: number) => number): void {}
  beginRows(_b: FoldBlock): void {}

  /** Whether the active window (sets activeStart … + activeSets − 1, wrapping) holds one of
   * the address's sets (read_buffer.active_buffer_hit). */
  private holds(sets: Int32Array, from: number, to: number): boolean {
    const n = this.sets.numSets;
    for (let k = from; k < to; k++) if ((((sets[k]! - this.activeStart) % n) + n) % n < this.activeSets) return true;
    return false;
  }

  /** read_buffer.prefetch_active_buffer: ⌈active/Bandwidth⌉ lines (at most the whole fetch
   * matrix), issued so the last lands the cycle before the first request. */
  private fillActive(startCycle: number): void {
    const fetchRows = Math.ceil(this.sets.fetchElems / this.bandwidth);
    const lines = Math.min(Math.ceil(this.activeSize / this.bandwidth), fetchRows);
    this.accesses += lines * this.bandwidth;
    this.dramStart = startCycle - lines;
    this.lastPrefetchCycle = startCycle - 1;
    this.started = true;
  }

  /** read_buffer.new_prefetch: ⌈prefetch/Bandwidth⌉ lines, one per cycle after the last. */
  private prefetch(): void {
    this.activeStart = (this.activeStart + this.prefetchSets) % this.sets.numSets;
    const lines = Math.ceil(this.prefetchSize / this.bandwidth);
    this.accesses += lines * this.bandwidth;
    this.lastPrefetchCycle += lines + 1;
  }

  dram(): DramSide {
    return { startCycle: this.dramStart, stopCycle: this.lastPrefetchCycle, accesses: this.accesses };
  }
}

/** The sets holding a fold block's requests: lo[k] … hi[k] span those of its request row
 * firstRequestRow + k, restLo[k] … restHi[k] those of that row and all after it; none (lo > hi)
 * where a request is never fetched (or lies outside the address space). */
interface RequestSpans { lo: Int32Array; hi: Int32Array; restLo: Int32Array; restHi: Int32Array }

function requestSpans(b: FoldBlock, p: PrefetchSets): RequestSpans {
  const { setStart, sets, address } = p;
  const x0 = firstRequestRow(b), rows = lastRequestRow(b) - x0 + 1;
  const lo = new Int32Array(rows).fill(p.numSets), hi = new Int32Array(rows).fill(-1), none = new Uint8Array(rows);
  for (let i = 0; i < b.count; i++) {
    const row = b.base + i * b.stride;
    for (let j = 0; j < b.width; j++) {
      const ad = address ? address[row + j]! : row + j, k = requestRowOf(b, i, j) - x0;
      const from = setStart[ad], to = setStart[ad + 1];
      if (from === undefined || to === undefined || from >= to) none[k] = 1;
      else for (let s = from; s < to; s++) { const set = sets[s]!; if (set < lo[k]!) lo[k] = set; if (set > hi[k]!) hi[k] = set; }
    }
  }
  for (let k = 0; k < rows; k++) if (none[k]) { lo[k] = 1; hi[k] = 0; }
  const restLo = lo.slice(), restHi = hi.slice();
  for (let k = rows - 2; k >= 0; k--) {
    // A row without a span leaves none for the rows up to it.
    if (restLo[k]! > restHi[k]! || restLo[k + 1]! > restHi[k + 1]!) { restLo[k] = 1; restHi[k] = 0; continue; }
    restLo[k] = Math.min(restLo[k]!, restLo[k + 1]!);
    restHi[k] = Math.max(restHi[k]!, restHi[k + 1]!);
  }
  return { lo, hi, restLo, restHi };
}

export class WriteBuffer {
  private readonly total: number;
  private readonly activeSize: number;
  private readonly drainSize: number;
  private free: number;
  /** Lines handed to the DRAM side, and of those drained; all full but the partial ones, kept
   * (line number → valid words) until drained. */
  private queued = 0;
  private drained = 0;
  private readonly partial = new Map<number, number>();
  private lineFill = 0;
  private drainEnd = 0;
  private accesses = 0;
  private dramStart: number | undefined;
  private dramStop = 0;

  constructor(bytes: number, private readonly bandwidth: number, private readonly v3 = false) {
    this.total = bytes;
    this.activeSize = Math.ceil(bytes * 0.5);
    this.drainSize = bytes - this.activeSize;
    this.free = bytes;
  }

  /** Serves `count` writes arriving at `cycle`; returns the cycles they waited. */
  serviceRow(cycle: number, count: number): number {
    if (this.takeQuiet(count, cycle)) return 0;
    let current = cycle;
    for (let i = 0; i < count; i++) {
      this.free--;
      if (++this.lineFill === this.bandwidth) { this.queued++; this.lineFill = 0; }
      if (current < this.drainEnd) {
        if (this.free <= 0) current = this.drainEnd;
      } else if (this.free < this.total - this.drainSize) {
        this.flushLine();
        this.drainEnd = this.drain(current);
      }
    }
    return current - cycle;
  }

  /** Takes `count` writes arriving by `lastCycle` at once if none of them waits or starts a
   * drain: they never fill the buffer while a drain is under way, nor, after it, the active half. */
  takeQuiet(count: number, lastCycle: number): boolean {
    if (this.free - count < (lastCycle < this.drainEnd ? 1 : this.activeSize)) return false;
    this.free -= count;
    this.lineFill += count;
    const lines = Math.floor(this.lineFill / this.bandwidth);
    this.queued += lines;
    this.lineFill -= lines * this.bandwidth;
    return true;
  }

  /** write_buffer.empty_all_buffers: drains what is left, back to back, from `cycle`. */
  finish(cycle: number): void {
    this.flushLine();
    while (this.drained < this.queued) {
      this.drainEnd = this.drain(cycle);
      cycle = this.drainEnd + 1;
    }
  }

  /** A partial line goes out as a line of its own (append_to_trace_mat(force=True)). */
  private flushLine(): void {
    if (this.lineFill !== 0) { this.partial.set(this.queued++, this.lineFill); this.lineFill = 0; }
  }

  /** write_buffer.empty_drain_buf: up to ⌈drain/Bandwidth⌉ lines, one per cycle. It counts
   * every line as full except for the padding of the last one, as SCALE-Sim does. */
  private drain(start: number): number {
    const last = Math.min(this.drained + Math.ceil(this.drainSize / this.bandwidth), this.queued);
    const n = last - this.drained;
    if (n <= 0) throw new Error('SCALE-Sim would fail here (write buffer drain with no pending line); this configuration is outside what it can run');
    const words = n * this.bandwidth - (this.bandwidth - (this.partial.get(last - 1) ?? this.bandwidth));
    this.accesses += words;
    this.free += words;
    for (const line of this.partial.keys()) if (line < last) this.partial.delete(line);
    this.drained = last;
    this.dramStart ??= start;
    const end = start + n - 1;
    this.dramStop = this.v3 ? Math.max(this.dramStop, end) : end;
    return end;
  }

  dram(): DramSide {
    return { startCycle: this.dramStart ?? 0, stopCycle: this.dramStop, accesses: this.accesses };
  }
}
