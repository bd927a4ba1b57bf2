// The timing engine's host side: the WebAssembly module built from isa/engine/replay.ts
// (scripts/build-engine.mjs), instantiated on first use, and the op records it reads. One
// engine serves the simulator, the compiler's replays, load hoisting and validation.
import { REPLAY_WASM } from './replay-wasm.js';
import { DlpError } from './errors.js';
import { compileEngine } from './engine-compile.js';
import { SPACES, QUEUES, UNITS, type Space } from './spec.js';

/** The queues and units that hold work (control instructions never enter a queue). */
export const WORK_QUEUES = QUEUES.filter((q) => q !== 'control');
export const WORK_UNITS = UNITS.filter((u) => u !== 'control');

/** The module's exports (isa/engine/replay.ts); pointers are byte offsets into `memory`. */
export interface Engine {
  memory: { readonly buffer: ArrayBuffer };
  configure(queues: number, units: number, spaces: number): void;
  reset(): void;
  keep(): void;
  release(): void;
  alloc(bytes: number): number;
  conflict(a: number, b: number): number;
  hoist(ids: number, n: number, loadQueue: number, window: number, out: number): void;
  spansMeet(aStart: number, aRows: number, aRowBytes: number, aPitch: number, bStart: number, bRows: number, bRowBytes: number, bPitch: number): number;
  stream(ids: number, n: number): number;
  state(n: number, fixed: number): number;
  fork(state: number, from: number, to: number): number;
  run(stream: number, state: number, depths: number, pauseAt: number): number;
  runBelow(stream: number, state: number, depths: number, stopAt: number): number;
  tails(stream: number): number;
  stateCycles(state: number): number;
  stateNext(state: number): number;
  statePending(state: number): number;
  stateGranted(state: number): number;
  stateArray(state: number, which: number): number;
}

/** run / runBelow results. */
export const PAUSED = 0, DONE = 1, STOPPED = 2, DEADLOCK = -1;
/** stateArray's arrays. */
export const DISPATCH = 0, ISSUE = 1, REQUEST = 2, GRANT = 3, FINISH = 4, STALLS = 5, GRANTED = 6;

/** f64 per op record: kind, queue, unit, cycles, transfer, then MAX_SPANS spans of SPAN_W
 * (written 1 / read 0 / none -1, space, start, rows, rowBytes, pitch). */
export const REC = 29;
const SPAN_AT = 5;
const SPAN_W = 6;
const MAX_SPANS = 4;
export const KINDS = { unit: 0, dma: 1, sync: 2, halt: 3 } as const;

// The slice of the WebAssembly API used here (the project's lib settings carry no DOM types).
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** The engine's memory grows to at most 1 GiB (64 KiB pages): room for the timing of about two
 * million instructions. A maximum keeps what V8 reserves small where bounds are checked in code
 * (--disable-wasm-trap-handler, under an address-space cap), which other threads then need. */
const MAX_PAGES = 16384;

let engine: Engine | undefined;

/** The engine, instantiated on first use. */
export function timingEngine(): Engine {
  return engine ?? (engine = instantiate());
}

function instantiate(): Engine {
  const text = atob(REPLAY_WASM);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  let e: Engine;
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const memory = new wasm.Memory({ initial: 1, maximum: MAX_PAGES });
    const module = compileEngine(() => new wasm.Module(bytes));
    e = { ...(new wasm.Instance(module, { env: { memory } }).exports as object), memory } as Engine;
  } catch (err) {
    // V8 reserves several GB of address space per WebAssembly memory unless bounds are checked
    // in code; under `ulimit -v` that reservation fails.
    throw new DlpError(`the timing engine (WebAssembly) could not start: ${(err as Error).message}; under an address-space limit (ulimit -v), run node with --disable-wasm-trap-handler`);
  }
  e.configure(WORK_QUEUES.length, WORK_UNITS.length, SPACES.length);
  return e;
}

/** Runs `f`, the engine's work on `instructions` instructions; the engine running out of
 * memory (MAX_PAGES) becomes a clear error. */
export function onEngine<T>(instructions: number, f: () => T): T {
  try {
    return f();
  } catch (err) {
    // The module traps with `unreachable` only where its memory cannot grow (alloc); any other
    // trap is a fault of the engine and passes through as it is.
    if ((err as Error).name === 'RuntimeError' && /unreachable/.test((err as Error).message)) throw new DlpError(`the timing of ${instructions} instructions needs more than the timing engine's ${MAX_PAGES / 16} MiB of memory`);
    throw err;
  }
}

const SPACE_INDEX = Object.fromEntries(SPACES.map((s, i) => [s, i])) as Record<(typeof SPACES)[number], number>;

/** Bytes of op records kept in the engine's memory before the region starts over. The records
 * of a compile's candidate are replayed soon after they are written; reusing one small region
 * keeps its pages mapped and cached, where fresh memory would cost a page fault per 4 KB. */
const REGION_BYTES = 512 << 10;

/** Where op records go: a region reserved at the bottom of the engine's memory (kept across
 * calls; each call's arena lies above it, so the arena's pages are the same from call to call),
 * started over (a new `generation`) when full. An op prepared in an earlier generation is
 * written again when replayed. */
const region = { generation: 0, base: 0, capacity: 0, used: 0 };

/** Room for `n` op records in the region: the generation they belong to, the index (in f64)
 * of the first, and a view of the engine's memory to write them with (RecordWriter). */
export function recordRoom(n: number): { generation: number; at: number; memory: Float64Array } {
  const e = timingEngine();
  const bytes = 8 * REC * n;
  if (region.used + bytes > region.capacity) {
    // A new generation: the region is reserved again, larger if these records need it.
    if (region.capacity > 0) region.generation++;
    e.release();
    region.capacity = Math.max(REGION_BYTES, bytes);
    region.base = e.alloc(region.capacity);
    e.keep();
    region.used = 0;
  }
  const at = (region.base + region.used) / 8;
  region.used += bytes;
  return { generation: region.generation, at, memory: new Float64Array(e.memory.buffer) };
}

/** The region's generation now (records of other generations are gone). */
export function recordGeneration(): number {
  return region.generation;
}

/** Writes op records: `begin` an op's record at f64 index `at` of `recs`, then its spans come
 * as footprint.ts's visitSpans gives them (RecordWriter is a SpanSink), then `end` marks the
 * unused span slots. */
export class RecordWriter {
  private k = 0;
  private end_ = 0;
  constructor(public recs: Float64Array) {}
  begin(at: number, kind: number, queue: number, unit: number, cycles: number, transfer: number): void {
    const recs = this.recs;
    recs[at] = kind;
    recs[at + 1] = queue;
    recs[at + 2] = unit;
    recs[at + 3] = cycles;
    recs[at + 4] = transfer;
    this.k = at + SPAN_AT;
    this.end_ = at + REC;
  }
  span(space: Space, start: number, rows: number, rowBytes: number, pitch: number, _operand: string, written: boolean): void {
    const k = this.k;
    if (k >= this.end_) throw new Error(`an instruction with more than ${MAX_SPANS} spans (the timing engine takes ${MAX_SPANS})`);
    const recs = this.recs;
    recs[k] = written ? 1 : 0;
    recs[k + 1] = SPACE_INDEX[space];
    recs[k + 2] = start;
    recs[k + 3] = rows;
    recs[k + 4] = rowBytes;
    recs[k + 5] = pitch;
    this.k = k + SPAN_W;
  }
  end(): void {
    for (let k = this.k; k < this.end_; k += SPAN_W) this.recs[k] = -1;
  }
}
