// Row tensors in the formats users bring (browser-safe; file I/O is the CLI's job):
// NumPy .npy (float32, float64, uint8; little-endian, C order), CSV (one row per line) and
// one-tensor safetensors. Inputs become a rows × features Float32Array (trailing dimensions
// flattened); outputs are written as .npy float32 or CSV with every float32 value printed so
// that it reads back bit-exactly. Headers and sizes are checked before anything is allocated.
import { DlpError } from '../../isa/errors.js';
import { MAX_TENSOR_ELEMENTS } from '../frontend/onnx-tensor-size.js';
import { readSafetensors } from './safetensors.js';

export interface RowTensor {
  rows: number;
  /** Features per row: the product of the dimensions after the first. */
  cols: number;
  /** rows × cols, row-major. */
  data: Float32Array;
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const NPY_TYPES: Record<string, { bytes: number; read: (v: DataView, at: number) => number }> = {
  '<f4': { bytes: 4, read: (v, at) => v.getFloat32(at, true) },
  '<f8': { bytes: 8, read: (v, at) => v.getFloat64(at, true) },
  '|u1': { bytes: 1, read: (v, at) => v.getUint8(at) },
  '<u1': { bytes: 1, read: (v, at) => v.getUint8(at) },
};

/** Rows × features from a shape: [rows] is rows × 1; [rows, a, b, ...] is rows × (a·b·...). */
function rowsOf(shape: number[], fail: (m: string) => never): { rows: number; cols: number } {
  if (shape.length === 0) fail('holds a scalar; expected [rows, features]');
  let total = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) fail(`shape (${shape.join(', ')}) has an invalid dimension`);
    total *= d;
    if (total > MAX_TENSOR_ELEMENTS) fail(`shape (${shape.join(', ')}) exceeds ${MAX_TENSOR_ELEMENTS} elements`);
  }
  const rows = shape[0] as number;
  return { rows, cols: shape.length === 1 ? 1 : shape.slice(1).reduce((a, b) => a * b, 1) };
}

/** Parses a .npy file (format versions 1 to 3). */
export function parseNpy(bytes: Uint8Array, file?: string): RowTensor {
  const fail = (m: string): never => {
    throw new DlpError(`not a usable .npy file: ${m}`, { file });
  };
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b)) fail('missing the \\x93NUMPY magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6] as number;
  if (major < 1 || major > 3) fail(`format version ${major} is not 1, 2 or 3`);
  const headerLen = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : fail('truncated header');
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) fail(`header length ${headerLen} runs past the end of the file (${bytes.length} bytes)`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(`header ${JSON.stringify(header.trim())} lacks descr, fortran_order or shape`);
  const type = NPY_TYPES[descr as string];
  if (!type) fail(`dtype '${descr}' is not supported (float32 '<f4', float64 '<f8' or uint8 '|u1')`);
  if (fortran === 'True') fail('fortran_order arrays are not supported (save with np.ascontiguousarray)');
  const parts = (shapeText as string).split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.some((p) => !/^\d+L?$/.test(p))) fail(`shape (${shapeText}) is not a tuple of non-negative integers`);
  const shape = parts.map((p) => Number(p.replace('L', '')));
  const { rows, cols } = rowsOf(shape, fail);
  const t = type as (typeof NPY_TYPES)[string];
  const dataStart = start + headerLen;
  const need = rows * cols * t.bytes;
  if (bytes.length - dataStart !== need) fail(`shape (${shape.join(', ')}) of '${descr}' needs ${need} data bytes but the file holds ${bytes.length - dataStart}`);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = t.read(view, dataStart + i * t.bytes);
  return { rows, cols, data };
}

/** A float32 .npy file (format 1.0) of shape [rows, cols]. */
export function writeNpy(t: RowTensor): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${t.rows}, ${t.cols}), }`;
  // Pad with spaces so magic + version + length + header + '\n' is a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + 4 * t.data.length);
  out.set(NPY_MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const at = 10 + header.length;
  t.data.forEach((v, i) => view.setFloat32(at + 4 * i, v, true));
  return out;
}

/** CSV: one row per line, comma-separated numbers; a first line of which no field is a number is a header. */
export function parseCsv(text: string, file?: string): RowTensor {
  const lines = text.split(/\r?\n/);
  const values: number[] = [];
  let cols = -1;
  let rows = 0;
  lines.forEach((line, li) => {
    if (line.trim() === '') return;
    const fields = line.split(',');
    if (rows === 0 && cols < 0 && fields.every((f) => f.trim() !== '' && !Number.isFinite(Number(f.trim())))) return; // header
    if (cols >= 0 && fields.length !== cols) {
      throw new DlpError(`row has ${fields.length} values, earlier rows have ${cols}`, { file, line: li + 1 });
    }
    cols = fields.length;
    let column = 1;
    for (const f of fields) {
      const v = f.trim();
      const x = Number(v);
      if (v === '' || !Number.isFinite(x)) {
        throw new DlpError(`'${v}' is not a finite number`, { file, line: li + 1, column });
      }
      values.push(x);
      column += f.length + 1;
    }
    rows++;
  });
  if (rows === 0) throw new DlpError('CSV file holds no rows', { file });
  return { rows, cols, data: Float32Array.from(values) };
}

/** The shortest decimal that reads back as the same float32. */
export function float32Text(v: number): string {
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

export function writeCsv(t: RowTensor): string {
  const lines: string[] = [];
  for (let r = 0; r < t.rows; r++) lines.push(Array.from(t.data.subarray(r * t.cols, (r + 1) * t.cols), float32Text).join(','));
  return `${lines.join('\n')}\n`;
}

/** The one tensor of a safetensors file as rows. */
export function parseSafetensorsRows(bytes: Uint8Array, file?: string): RowTensor {
  const tensors = readSafetensors(bytes, file);
  if (tensors.size !== 1) {
    throw new DlpError(`expected exactly one tensor in the safetensors file, found ${tensors.size}${tensors.size ? ` (${[...tensors.keys()].join(', ')})` : ''}`, { file });
  }
  const [name, t] = [...tensors][0] as [string, { shape: number[]; data: ArrayLike<number> }];
  const { rows, cols } = rowsOf(t.shape, (m) => {
    throw new DlpError(`tensor ${name} ${m}`, { file });
  });
  return { rows, cols, data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data) };
}

/** Parses input rows by file extension (.npy, .csv, .safetensors). */
export function parseRows(bytes: Uint8Array, ext: string, file?: string): RowTensor {
  switch (ext) {
    case '.npy':
      return parseNpy(bytes, file);
    case '.csv':
      return parseCsv(new TextDecoder().decode(bytes), file);
    case '.safetensors':
      return parseSafetensorsRows(bytes, file);
    default:
      throw new DlpError(`unknown input file type ${ext ? `"${ext}"` : '(no extension)'}; expected .npy, .csv or .safetensors`, { file });
  }
}

/** Serialises output rows by extension (.npy or .csv). */
export function formatRows(t: RowTensor, ext: string, file?: string): Uint8Array | string {
  if (ext === '.npy') return writeNpy(t);
  if (ext === '.csv') return writeCsv(t);
  throw new DlpError(`unknown output file type ${ext ? `"${ext}"` : '(no extension)'}; expected .npy or .csv`, { file });
}
