// A minimal WebAssembly binary encoder for the hand-written kernels (the project has no WAT
// toolchain). A function is a straight list of instructions appended through `Body`; a
// module is a list of such functions, all exported by name, importing one memory
// "env"."mem" (optionally shared, for the worker thread that splits matmuls).

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (small constants only). */
function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** A function body under construction; methods append one instruction each. */
export class Body {
  readonly code: number[] = [];
  get(i: number): this { this.code.push(0x20, ...uleb(i)); return this; }
  set(i: number): this { this.code.push(0x21, ...uleb(i)); return this; }
  i32(v: number): this { this.code.push(0x41, ...sleb(v)); return this; }
  f32(v: number): this {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    this.code.push(0x43, ...b);
    return this;
  }
  add(): this { this.code.push(0x6a); return this; }
  mul(): this { this.code.push(0x6c); return this; }
  and(): this { this.code.push(0x71); return this; }
  shl(): this { this.code.push(0x74); return this; }
  geU(): this { this.code.push(0x4f); return this; }
  eq(): this { this.code.push(0x46); return this; }
  gtS(): this { this.code.push(0x4a); return this; }
  fadd(): this { this.code.push(0x92); return this; }
  fmul(): this { this.code.push(0x94); return this; }
  fne(): this { this.code.push(0x5c); return this; }
  loadF(): this { this.code.push(0x2a, 2, 0); return this; }
  loadI(): this { this.code.push(0x28, 2, 0); return this; }
  storeI(): this { this.code.push(0x36, 2, 0); return this; }
  storeF(): this { this.code.push(0x38, 2, 0); return this; }
  loadV(offset = 0): this { this.code.push(0xfd, 0x00, 4, ...uleb(offset)); return this; }
  storeV(offset = 0): this { this.code.push(0xfd, 0x0b, 4, ...uleb(offset)); return this; }
  splat(): this { this.code.push(0xfd, 0x13); return this; }
  lane(l: number): this { this.code.push(0xfd, 0x1f, l); return this; }
  /** i32 with bit l set where lane l of the f32x4 on the stack differs from the other's (f32x4.ne; i32x4.bitmask). */
  neMask(): this { this.code.push(0xfd, 0x42, 0xfd, ...uleb(0xa4)); return this; }
  /** f32x4.gt: lanes all ones where a > b. */
  vgt(): this { this.code.push(0xfd, 0x44); return this; }
  vand(): this { this.code.push(0xfd, 0x4e); return this; }
  fgt(): this { this.code.push(0x5e); return this; }
  /** select: a if the i32 is non-zero, else b. */
  select(): this { this.code.push(0x1b); return this; }
  vadd(): this { this.code.push(0xfd, ...uleb(0xe4)); return this; }
  vmul(): this { this.code.push(0xfd, ...uleb(0xe6)); return this; }
  // f64x2 (two doubles per register), for updates that must round exactly like JavaScript.
  /** Two f32 at address+offset widened to an f64x2 (v128.load64_zero; f64x2.promote_low_f32x4). */
  loadF32x2AsF64(offset = 0): this { this.code.push(0xfd, 0x5d, 3, ...uleb(offset), 0xfd, 0x5f); return this; }
  /** The f64x2 on the stack rounded to two f32 (f32x4.demote_f64x2_zero), for storeLow64. */
  demote(): this { this.code.push(0xfd, 0x5e); return this; }
  /** Stores the low 8 bytes of a v128 (v128.store64_lane 0). */
  storeLow64(offset = 0): this { this.code.push(0xfd, 0x5b, 3, ...uleb(offset), 0); return this; }
  splatD(): this { this.code.push(0xfd, 0x14); return this; }
  dadd(): this { this.code.push(0xfd, ...uleb(0xf0)); return this; }
  dsub(): this { this.code.push(0xfd, ...uleb(0xf1)); return this; }
  dmul(): this { this.code.push(0xfd, ...uleb(0xf2)); return this; }
  ddiv(): this { this.code.push(0xfd, ...uleb(0xf3)); return this; }
  dsqrt(): this { this.code.push(0xfd, ...uleb(0xef)); return this; }
  // Integer SIMD for the simulator's MATMUL kernels (i16 pairs, i32 accumulators).
  /** 8 int8 at address+offset sign-extended to an i16x8 (i16x8.load8x8_s). */
  load8x8S(offset = 0): this { this.code.push(0xfd, 0x01, 0, ...uleb(offset)); return this; }
  /** The i32 at address+offset in all four lanes (v128.load32_splat). */
  load32Splat(offset = 0): this { this.code.push(0xfd, 0x09, 0, ...uleb(offset)); return this; }
  /** i8x16.shuffle of the two v128 on the stack by 16 byte indices (0-15 first, 16-31 second). */
  shuffle(lanes: readonly number[]): this { this.code.push(0xfd, 0x0d, ...lanes); return this; }
  /** i32x4.dot_i16x8_s: lane l = a[2l]·b[2l] + a[2l+1]·b[2l+1], wrapping. */
  dotI16(): this { this.code.push(0xfd, ...uleb(0xba)); return this; }
  addI32x4(): this { this.code.push(0xfd, ...uleb(0xae)); return this; }
  /** f32 at address+offset (f32.load) promoted to f64 (f64.promote_f32). */
  loadF32AsF64(offset = 0): this { this.code.push(0x2a, 2, ...uleb(offset), 0xbb); return this; }
  lt(): this { this.code.push(0x49); return this; }
  /** memory.copy (bulk memory): (dst, src, bytes) on the stack. */
  memoryCopy(): this { this.code.push(0xfc, 0x0a, 0x00, 0x00); return this; }
  call(f: number): this { this.code.push(0x10, ...uleb(f)); return this; }
  /** block { loop { <body>; br 0 } }; `br_if 1` inside leaves. */
  loop(body: (b: this) => void): this {
    this.code.push(0x02, 0x40, 0x03, 0x40);
    body(this);
    this.code.push(0x0c, 0, 0x0b, 0x0b);
    return this;
  }
  /** Leaves the innermost loop() when the i32 on the stack is non-zero. */
  exitIf(): this { this.code.push(0x0d, 1); return this; }
  ifElse(then: (b: this) => void, otherwise: (b: this) => void): this {
    this.code.push(0x04, 0x40);
    then(this);
    this.code.push(0x05);
    otherwise(this);
    this.code.push(0x0b);
    return this;
  }
  ifThen(body: (b: this) => void): this {
    this.code.push(0x04, 0x40);
    body(this);
    this.code.push(0x0b);
    return this;
  }
  /** local[i] += c */
  inc(i: number, c: number): this { return this.get(i).i32(c).add().set(i); }
}

export interface FuncDef {
  name: string;
  params: number[];
  results: number[];
  /** Types of the locals after the parameters. */
  locals: number[];
  body: Body;
}

export interface MemoryImport {
  /** Shared memory (for worker threads); needs `maxPages`. */
  shared: boolean;
  maxPages?: number;
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

/** The bytes of a module exporting `funcs` (function i has index i) and importing "env"."mem". */
export function assembleModule(funcs: readonly FuncDef[], memory: MemoryImport): Uint8Array {
  const typeKeys: string[] = [];
  const typeOf = funcs.map((f) => {
    const key = `${f.params.join(',')}>${f.results.join(',')}`;
    let i = typeKeys.indexOf(key);
    if (i < 0) i = typeKeys.push(key) - 1;
    return i;
  });
  const types = typeKeys.map((_, i) => {
    const f = funcs[typeOf.indexOf(i)]!;
    return [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))];
  });
  const limits = memory.shared ? [0x03, ...uleb(1), ...uleb(memory.maxPages ?? 65536)] : [0x00, ...uleb(1)];
  const imports = [[...name('env'), ...name('mem'), 0x02, ...limits]];
  const bodies = funcs.map((f) => {
    const locals = vec(f.locals.map((t) => [1, t]));
    const body = [...locals, ...f.body.code, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(typeOf.map((t) => uleb(t)))),
    ...section(7, vec(funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(bodies)),
  ]);
}

// The slice of the WebAssembly API the kernels use (the project's lib settings carry no DOM types).
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
export interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** The global WebAssembly object, or undefined where there is none. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}
