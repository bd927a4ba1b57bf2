// Size checks on ONNX tensor dims, shared by the schema reader and the external-data reader:
// every dim a non-negative safe integer and the product bounded, checked before allocating.
import { DlpError } from '../../isa/errors.js';

import { MAX_TENSOR_ELEMENTS } from './limits.js';

/** Largest tensor dlpkit imports: the front ends' one limit (limits.ts, 2^26 elements). */
export { MAX_TENSOR_ELEMENTS };

/** The element count of `t` from its dims, after checking every dim and the product. */
export function checkedElementCount(t: { name?: string; dims: number[] }, file?: string): number {
  let n = 1;
  for (const d of t.dims) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new DlpError(`initializer ${t.name ?? '(unnamed)'}: dims [${t.dims.join(', ')}] hold an invalid dimension ${d}`, { file });
    }
    n *= d;
    if (n > MAX_TENSOR_ELEMENTS) {
      throw new DlpError(`initializer ${t.name ?? '(unnamed)'}: dims [${t.dims.join(', ')}] exceed ${MAX_TENSOR_ELEMENTS} elements`, { file });
    }
  }
  return n;
}
