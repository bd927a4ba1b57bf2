// ONNX external data (TensorProto.data_location = EXTERNAL): the bytes of an initializer live in
// a side file named by its `location` entry, at `offset` for `length` bytes. This module stays
// browser-safe: it checks the entries and the tensor's size, and asks an injected reader for
// the bytes (the Node reader, which also guards against symlinks and short files, is in
// onnx-external-file.ts). Everything is checked before anything is allocated.
import { DlpError } from '../../isa/errors.js';
import type { OnnxModel, OnnxTensor } from './onnx-schema.js';
import { checkedElementCount } from './onnx-tensor-size.js';

export { MAX_TENSOR_ELEMENTS, checkedElementCount } from './onnx-tensor-size.js';

/** Where a tensor's bytes are: a relative path (already checked), offset and byte count. */
export interface ExternalRef {
  location: string;
  offset: number;
  length: number;
  /** The tensor's name, for the reader's error messages. */
  tensor: string;
}

/** Returns exactly `ref.length` bytes or throws a DlpError naming `ref.tensor`. */
export type ExternalDataReader = (ref: ExternalRef) => Uint8Array;

/** Bytes per element of the tensor types dlpkit reads, by TensorProto.DataType (FLOAT 1,
 * INT32 6, INT64 7, BOOL 9, FLOAT16 10, DOUBLE 11). */
const ELEMENT_BYTES: Record<number, number> = { 1: 4, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8 };

/** Whether a tensor's bytes live in a side file. */
export function isExternal(t: OnnxTensor): boolean {
  return t.dataLocation === 1 || (t.externalData?.length ?? 0) > 0;
}

/** Why `location` is unsafe, or undefined: it must be a plain relative path below the model's folder. */
export function unsafeLocation(location: string): string | undefined {
  if (location === '') return 'is empty';
  if (location.includes('\0')) return 'contains a NUL byte';
  if (/^[/\\]/.test(location) || /^[A-Za-z]:/.test(location)) return 'is an absolute path';
  if (location.split(/[/\\]/).includes('..')) return 'contains ".." (it must stay inside the model\'s folder)';
  return undefined;
}

/** The checked external reference of `t`. */
export function externalRef(t: OnnxTensor, file?: string): ExternalRef {
  const name = t.name ?? '(unnamed)';
  const fail = (m: string): never => {
    throw new DlpError(`initializer ${name}: external data ${m}`, { file });
  };
  const entries = new Map<string, string>();
  for (const e of t.externalData as { key?: string; value?: string }[]) entries.set(e.key ?? '', e.value ?? '');
  const location = entries.get('location');
  if (location === undefined) fail('has no "location" entry');
  const why = unsafeLocation(location as string);
  if (why) fail(`location "${location}" ${why}`);
  const int = (key: string): number | undefined => {
    const v = entries.get(key);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) fail(`${key} "${v}" is not a non-negative integer`);
    return Number(v);
  };
  const unit = ELEMENT_BYTES[t.dataType ?? 0];
  if (unit === undefined) fail(`has data type ${t.dataType ?? 0}, which dlpkit does not read (FLOAT, DOUBLE, FLOAT16, INT32, INT64, BOOL)`);
  const expected = checkedElementCount(t, file) * (unit as number);
  const offset = int('offset') ?? 0;
  const length = int('length') ?? expected;
  if (length !== expected) {
    fail(`length ${length} does not match dims [${t.dims.join(', ')}] (${expected} bytes)`);
  }
  return { location: location as string, offset, length, tensor: name };
}

/** Replaces every external tensor of `model` (initializers and Constant values) by its bytes. */
export function resolveExternalData(model: OnnxModel, read: ExternalDataReader | undefined, file?: string): void {
  const g = model.graph;
  if (!g) return;
  const tensors = [...g.initializer];
  for (const n of g.node) for (const a of n.attribute) if (a.t) tensors.push(a.t);
  for (const t of tensors) {
    if (!isExternal(t)) continue;
    const ref = externalRef(t, file);
    if (!read) {
      throw new DlpError(
        `initializer ${ref.tensor} keeps its data in the side file "${ref.location}"; load the model from its file so the side file can be read`,
        { file },
      );
    }
    const bytes = read(ref);
    if (bytes.length !== ref.length) {
      throw new DlpError(`initializer ${ref.tensor}: read ${bytes.length} bytes from "${ref.location}", expected ${ref.length}`, { file });
    }
    t.rawData = bytes;
    t.dataLocation = 0;
    t.externalData = [];
  }
}
