// ACT on the vector unit, bit-exactly as "ACT semantics" in docs/isa.md defines it:
// 1. x = src[r][c]; with bias, x += aux[c] (int32 wrap for integer inType, fp32 otherwise).
// 2. Integer path (integer in, integer out, identity/relu/leaky/prelu): integer activation,
//    then q = sat_out(roundShift(x·mult, shift)).
// 3. Float path (everything else): v = fround(x·scale) for integer in; y = fround(f(v));
//    integer out goes through Y = clamp_int32(roundHalfAway(y·65536)) and the same requant.
// 4. Softmax: row-wise over v, fp32 out only, sequential fp32 sum in column order.
// The scalar arithmetic is isa/act.ts (shared with the compiler); this file walks the tensors.
import { DlpError } from '../isa/errors.js';
import type { ActInstr, DType } from '../isa/spec.js';
import { DTYPE_BYTES } from '../isa/spec.js';
import { SLOPE_LIMIT, fixedSlope, floatActivation, intActivation, isIntPath, requantize, toFixed16 } from '../isa/act.js';
import type { SpaceImage } from './memory.js';

const fround = Math.fround;

function viewOf(mem: SpaceImage, t: DType): Int8Array | Int16Array | Int32Array | Float32Array {
  return t === 'int8' ? mem.i8 : t === 'int16' ? mem.i16 : t === 'int32' ? mem.i32 : mem.f32;
}

const isInt = (t: DType): boolean => t !== 'fp32';

/** Runs one validated ACT over NRAM. */
export function executeAct(nram: SpaceImage, i: ActInstr): void {
  const src = viewOf(nram, i.inType);
  const dst = viewOf(nram, i.outType);
  const s0 = i.src / DTYPE_BYTES[i.inType];
  const d0 = i.dst / DTYPE_BYTES[i.outType];
  const intIn = isInt(i.inType);
  const biasView = intIn ? nram.i32 : nram.f32;
  const b0 = i.aux >> 2;
  const slope0 = (i.aux >> 2) + i.cols * i.bias;
  const { rows, cols, func, mult, shift, scale, alpha, outType } = i;
  // The row buffer lets dst alias src exactly (reads of a row finish before its writes).
  const row = new Float64Array(cols);

  if (func === 'softmax') {
    for (let r = 0; r < rows; r++) {
      const s = s0 + r * i.srcPitch;
      let m = -Infinity;
      for (let c = 0; c < cols; c++) {
        let x = src[s + c]!;
        if (i.bias) x = intIn ? (x + biasView[b0 + c]!) | 0 : fround(x + biasView[b0 + c]!);
        const v = intIn ? fround(x * scale) : x;
        row[c] = v;
        if (v > m) m = v;
      }
      let sum = 0;
      for (let c = 0; c < cols; c++) {
        row[c] = fround(Math.exp(row[c]! - m));
        sum = fround(sum + row[c]!);
      }
      const d = d0 + r * i.dstPitch;
      for (let c = 0; c < cols; c++) dst[d + c] = fround(row[c]! / sum);
    }
    return;
  }

  const intPath = isIntPath(func, i.inType, outType);
  // Per-column fixed-point (integer path) or float slopes for leaky/prelu.
  const slopes = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    const a = func === 'prelu' ? nram.f32[slope0 + c]! : alpha;
    if (intPath && (func === 'leaky' || func === 'prelu')) {
      if (!(Math.abs(a) <= SLOPE_LIMIT)) {
        throw new DlpError(`${func} slope ${a} at column ${c} is out of range (|alpha| <= ${SLOPE_LIMIT} on the integer path)`);
      }
      slopes[c] = fixedSlope(a);
    } else {
      slopes[c] = a;
    }
  }

  for (let r = 0; r < rows; r++) {
    const s = s0 + r * i.srcPitch;
    for (let c = 0; c < cols; c++) {
      let x = src[s + c]!;
      if (i.bias) x = intIn ? (x + biasView[b0 + c]!) | 0 : fround(x + biasView[b0 + c]!);
      row[c] = x;
    }
    const d = d0 + r * i.dstPitch;
    for (let c = 0; c < cols; c++) {
      const x = row[c]!;
      if (intPath) {
        dst[d + c] = requantize(intActivation(func, x, slopes[c]!), mult, shift, outType);
      } else {
        const v = intIn ? fround(x * scale) : x;
        const y = floatActivation(func, v, slopes[c]!);
        dst[d + c] = outType === 'fp32' ? y : requantize(toFixed16(y), mult, shift, outType);
      }
    }
  }
}
