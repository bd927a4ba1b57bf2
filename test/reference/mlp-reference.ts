// The reference MLP: plain loops that follow docs/quantization.md step by step, written
// without any compiler code, so compiled + simulated outputs can be checked against it.
// quantForward: quantised input, int8/int16 products, int32 accumulation (wrapping), int32 bias,
// activation and requantisation by mult/shift, fp32 dequantised last layer, fp32 softmax.
// fp32Forward: the same chain in fp32.
// Companion (property tests, issue #7): fp32-error-bound.ts bounds fp32Forward's rounding.

export type RefActivation = { kind: 'identity' | 'relu' | 'sigmoid' | 'tanh' | 'prelu' } | { kind: 'leaky' | 'elu'; alpha: number };

export interface RefLayer {
  /** in × out, row-major. */
  w: Float32Array;
  b: Float32Array;
  slopes?: Float32Array;
  inputs: number;
  units: number;
  activation: RefActivation;
}

/** The scales a compiled bundle records (calibration is not re-done here). */
export interface RefScales {
  input: number;
  /** Per layer: weight scales (1 or per column), the output scale (hidden layers) and the
   * weight qmax per weight scale (docs/quantization.md, "Accumulator headroom"; default the
   * type's qmax). */
  layers: { wScale: number[]; outScale: number; wQmax?: number[] }[];
}

const f = Math.fround;

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

/** sign(p)·floor((|p| + 2^(s-1)) / 2^s). */
function roundShift(p: number, s: number): number {
  if (s === 0) return p;
  const d = Math.pow(2, s);
  const m = Math.floor((Math.abs(p) + d / 2) / d);
  return p < 0 ? -m : m;
}

function sat(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** The documented multiplier/shift: the largest shift <= 47 keeping mult below 2^15. */
export function refRequant(r: number): { mult: number; shift: number } {
  let shift = 0;
  // Scale r up by powers of two until it reaches [2^14, 2^15) (or shift hits 47).
  let scaled = r;
  while (scaled < 16384 && shift < 47) {
    scaled *= 2;
    shift++;
  }
  while (scaled >= 32768 && shift > 0) {
    scaled /= 2;
    shift--;
  }
  let mult = Math.round(scaled);
  if (mult >= 32768 && shift > 0) {
    mult = Math.round(scaled / 2);
    shift--;
  }
  return { mult: Math.min(mult, 32767), shift };
}

function floatAct(a: RefActivation, v: number, slope: number): number {
  switch (a.kind) {
    case 'identity': return v;
    case 'relu': return Math.max(v, 0);
    case 'leaky': return v < 0 ? f(a.alpha) * v : v;
    case 'prelu': return v < 0 ? slope * v : v;
    case 'elu': return v < 0 ? f(a.alpha) * (Math.exp(v) - 1) : v;
    case 'sigmoid': return 1 / (1 + Math.exp(-v));
    case 'tanh': return Math.tanh(v);
  }
}

function softmaxRows(y: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let c = 0; c < cols; c++) m = Math.max(m, y[r * cols + c]!);
    const e = new Float32Array(cols);
    let s = 0;
    for (let c = 0; c < cols; c++) {
      e[c] = f(Math.exp(y[r * cols + c]! - m));
      s = f(s + e[c]!);
    }
    for (let c = 0; c < cols; c++) y[r * cols + c] = f(e[c]! / s);
  }
}

/** Integer forward pass, bit-exact with the DLP for int8/int16. */
export function quantForward(layers: RefLayer[], scales: RefScales, dtype: 'int8' | 'int16', x: Float32Array, rows: number, softmax: boolean): Float32Array {
  const qmax = dtype === 'int8' ? 127 : 32767;
  const lo = dtype === 'int8' ? -128 : -32768;
  // Step 1: quantise the input.
  let cur: number[] = Array.from(x, (v) => sat(roundHalfAway(v / scales.input), -qmax, qmax));
  let inScale = scales.input;
  let result = new Float32Array(0);
  layers.forEach((L, l) => {
    const { wScale, outScale, wQmax } = scales.layers[l]!;
    const sw = (c: number) => (wScale.length === 1 ? wScale[0]! : wScale[c]!);
    const wqMax = (c: number) => (wQmax === undefined ? qmax : wQmax.length === 1 ? wQmax[0]! : wQmax[c]!);
    const isLast = l === layers.length - 1;
    // Step 2: quantise weights and bias.
    const wq = new Array<number>(L.inputs * L.units);
    for (let i = 0; i < L.inputs; i++) {
      for (let c = 0; c < L.units; c++) wq[i * L.units + c] = sat(roundHalfAway(L.w[i * L.units + c]! / sw(c)), -wqMax(c), wqMax(c));
    }
    const bq = Array.from({ length: L.units }, (_, c) => sat(roundHalfAway(L.b[c]! / (inScale * sw(c))), -2147483648, 2147483647));
    const next: number[] = new Array(rows * L.units);
    const out = new Float32Array(rows * L.units);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < L.units; c++) {
        // Step 3: int32 accumulation of exact products, then the int32 bias (both wrap).
        let acc = 0;
        for (let i = 0; i < L.inputs; i++) acc += cur[r * L.inputs + i]! * wq[i * L.units + c]!;
        const xv = ((acc | 0) + bq[c]!) | 0;
        const accScale = f(inScale * sw(c));
        const slope = L.slopes ? f(L.slopes[c]!) : 0;
        if (isLast) {
          // Step 5: the last layer leaves the chip dequantised in fp32.
          out[r * L.units + c] = f(floatAct(L.activation, f(xv * accScale), slope));
          continue;
        }
        const kind = L.activation.kind;
        let q: number;
        if (kind === 'identity' || kind === 'relu' || kind === 'leaky' || kind === 'prelu') {
          // Step 4a: integer activation, then requantise by mult/shift.
          let v = xv;
          if (kind === 'relu') v = Math.max(v, 0);
          if ((kind === 'leaky' || kind === 'prelu') && v < 0) {
            const a = kind === 'leaky' ? f(L.activation.kind === 'leaky' ? L.activation.alpha : 0) : slope;
            v = roundShift(v * Math.round(a * 65536), 16);
          }
          const { mult, shift } = refRequant((inScale * sw(c)) / outScale);
          q = roundShift(v * mult, shift);
        } else {
          // Step 4b: float activation, to 16.16 fixed point, then requantise.
          const y = f(floatAct(L.activation, f(xv * accScale), slope));
          const Y = sat(roundHalfAway(y * 65536), -2147483648, 2147483647);
          const { mult, shift } = refRequant(1 / (outScale * 65536));
          q = roundShift(Y * mult, shift);
        }
        next[r * L.units + c] = sat(q, lo, qmax);
      }
    }
    cur = next;
    inScale = outScale;
    result = out;
  });
  if (softmax) softmaxRows(result, rows, layers[layers.length - 1]!.units);
  return result;
}

/** fp32 forward pass: fp32 products summed in double and rounded, fp32 bias and activation. */
export function fp32Forward(layers: RefLayer[], x: Float32Array, rows: number, softmax: boolean): Float32Array {
  let cur = Float32Array.from(x);
  for (const L of layers) {
    const out = new Float32Array(rows * L.units);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < L.units; c++) {
        let acc = 0;
        for (let i = 0; i < L.inputs; i++) acc += cur[r * L.inputs + i]! * L.w[i * L.units + c]!;
        const v = f(f(acc) + L.b[c]!);
        out[r * L.units + c] = f(floatAct(L.activation, v, L.slopes ? f(L.slopes[c]!) : 0));
      }
    }
    cur = out;
  }
  if (softmax) softmaxRows(cur, rows, layers[layers.length - 1]!.units);
  return cur;
}
