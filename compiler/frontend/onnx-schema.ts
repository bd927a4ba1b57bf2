// ONNX protobuf access for the importer and exporter: parses onnx-proto.ts (the official field
// numbers) with protobufjs, decodes a ModelProto into plain typed objects, and reads tensor
// payloads (raw_data little-endian or the typed *_data fields).
import protobuf from 'protobufjs';
import { DlpError } from '../../isa/errors.js';
import { halfToFloat } from '../weights/safetensors.js';
import { checkFinite } from './limits.js';
import { checkedElementCount } from './onnx-tensor-size.js';
import { ONNX_PROTO } from './onnx-proto.js';

/** onnx.ModelProto, parsed from the schema text on first use (a pure cache): parsing it is a
 * few milliseconds that commands reading no ONNX file need not pay. */
let modelType: protobuf.Type | undefined;
export const modelProto = (): protobuf.Type => (modelType ??= protobuf.parse(ONNX_PROTO).root.lookupType('onnx.ModelProto'));

/** TensorProto.DataType values dlpkit reads. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, DOUBLE: 11 } as const;
/** AttributeProto.AttributeType values dlpkit reads and writes. */
export const AttrType = { FLOAT: 1, INT: 2, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export interface OnnxTensor {
  name?: string;
  dims: number[];
  dataType?: number;
  floatData: number[];
  int32Data: number[];
  int64Data: number[];
  doubleData: number[];
  rawData?: Uint8Array;
  dataLocation?: number;
  externalData: unknown[];
}

export interface OnnxAttribute {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats: number[];
  ints: number[];
}

export interface OnnxNode {
  input: string[];
  output: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute: OnnxAttribute[];
}

export interface OnnxDim {
  dimValue?: number;
  dimParam?: string;
}

export interface OnnxValueInfo {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim: OnnxDim[] } } };
}

export interface OnnxGraph {
  node: OnnxNode[];
  name?: string;
  initializer: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion?: number;
  opsetImport: { domain?: string; version?: number }[];
  producerName?: string;
  graph?: OnnxGraph;
}

/** Decodes ONNX bytes; a malformed protobuf is a DlpError, not a library exception. */
export function decodeModel(bytes: Uint8Array, file?: string): OnnxModel {
  try {
    const type = modelProto();
    return type.toObject(type.decode(bytes), { longs: Number, arrays: true }) as OnnxModel;
  } catch (e) {
    throw new DlpError(`not a valid ONNX model (protobuf decoding failed: ${(e as Error).message})`, { file });
  }
}

/** The value an ONNX float attribute was most likely written as: float32 0.1 reads back as 0.1. */
export function shortestFloat32(v: number): number {
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === Math.fround(v)) return candidate;
  }
  return v;
}

export function tensorLabel(t: OnnxTensor): string {
  return t.name ? `initializer ${t.name}` : 'an unnamed tensor';
}

/** Element values of a float tensor (FLOAT, DOUBLE or FLOAT16) as float32. */
export function readFloatTensor(t: OnnxTensor, file?: string): Float32Array {
  rejectExternal(t, file);
  const n = checkedElementCount(t, file);
  const raw = t.rawData && t.rawData.length > 0 ? new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength) : undefined;
  // Float32Array(n) is allocated only after the stored count matches the dims (checked first).
  let out = new Float32Array(0);
  const check = (have: number, unit: string): void => {
    if (have !== n) {
      throw new DlpError(`${tensorLabel(t)}: dims [${t.dims.join(', ')}] need ${n} values but ${have} ${unit} are stored`, { file });
    }
    out = new Float32Array(n);
  };
  switch (t.dataType) {
    case DataType.FLOAT:
      if (raw) {
        check(raw.byteLength / 4, 'float32 values');
        for (let i = 0; i < n; i++) out[i] = raw.getFloat32(4 * i, true);
      } else {
        check(t.floatData.length, 'float_data values');
        out.set(t.floatData);
      }
      return finiteTensor(t, out, file);
    case DataType.DOUBLE:
      if (raw) {
        check(raw.byteLength / 8, 'float64 values');
        for (let i = 0; i < n; i++) out[i] = raw.getFloat64(8 * i, true);
      } else {
        check(t.doubleData.length, 'double_data values');
        out.set(t.doubleData);
      }
      return finiteTensor(t, out, file);
    case DataType.FLOAT16: {
      if (raw) check(raw.byteLength / 2, 'float16 values');
      else check(t.int32Data.length, 'int32_data values');
      for (let i = 0; i < n; i++) out[i] = halfToFloat(raw ? raw.getUint16(2 * i, true) : (t.int32Data[i] as number));
      return finiteTensor(t, out, file);
    }
    default:
      throw new DlpError(`${tensorLabel(t)}: data type ${t.dataType ?? 0} is not a float type (FLOAT, DOUBLE or FLOAT16)`, { file });
  }
}

/** Refuses NaN or ±∞ parameters, naming the tensor. */
function finiteTensor(t: OnnxTensor, out: Float32Array, file: string | undefined): Float32Array {
  checkFinite(out, tensorLabel(t), { file });
  return out;
}

/** Element values of an integer tensor (INT64 or INT32), e.g. a Reshape target shape. */
export function readIntTensor(t: OnnxTensor, file?: string): number[] {
  rejectExternal(t, file);
  const raw = t.rawData && t.rawData.length > 0 ? new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength) : undefined;
  if (t.dataType === DataType.INT64) {
    if (!raw) return [...t.int64Data];
    const out: number[] = [];
    for (let i = 0; i + 8 <= raw.byteLength; i += 8) out.push(Number(raw.getBigInt64(i, true)));
    return out;
  }
  if (t.dataType === DataType.INT32) {
    if (!raw) return [...t.int32Data];
    const out: number[] = [];
    for (let i = 0; i + 4 <= raw.byteLength; i += 4) out.push(raw.getInt32(i, true));
    return out;
  }
  throw new DlpError(`${tensorLabel(t)}: data type ${t.dataType ?? 0} is not an integer type (INT64 or INT32)`, { file });
}

/** External tensors are resolved (onnx-external.ts) before any value is read. */
function rejectExternal(t: OnnxTensor, file?: string): void {
  if (t.dataLocation === 1 || t.externalData.length > 0) {
    throw new DlpError(`${tensorLabel(t)} keeps its data in an external file that was not read`, { file });
  }
}
