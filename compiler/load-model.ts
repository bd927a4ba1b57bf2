// Loads a model file by extension: .mlp (model language), .json (JSON model) or .onnx (graph
// and weights). Unreadable files and unknown extensions are DlpErrors naming the file.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { DlpError } from '../isa/errors.js';
import { parseModelJson } from './frontend/json.js';
import { parseMlp } from './frontend/mlp.js';
import { importOnnx } from './frontend/onnx.js';
import type { ModelGraph, ModelWeights } from './model.js';
import { checkShapes } from './passes/shapes.js';

export const MODEL_EXTENSIONS = ['.mlp', '.json', '.onnx'] as const;

export function loadModelFile(path: string): { model: ModelGraph; weights?: ModelWeights } {
  const ext = extname(path).toLowerCase();
  if (!(MODEL_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new DlpError(`unknown model file type ${ext ? `"${ext}"` : '(no extension)'}; expected ${MODEL_EXTENSIONS.join(', ')}`, { file: path });
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : (err.code ?? err.message);
    throw new DlpError(`cannot read model file: ${why}`, { file: path });
  }
  if (ext === '.onnx') return importOnnx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
  const text = bytes.toString('utf8');
  const model = ext === '.mlp' ? parseMlp(text, path) : parseModelJson(text, path);
  return { model: checkShapes(model) };
}
