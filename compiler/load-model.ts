// Loads a model file by extension: .mlp (model language), .json (JSON model) or .onnx (graph
// and weights). Unreadable files and unknown extensions are DlpErrors naming the file.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { DlpError } from '../isa/errors.js';
import { parseModelJson } from './frontend/json.js';
import { parseMlp } from './frontend/mlp.js';
import { importOnnx, type OnnxImport } from './frontend/onnx.js';
import { externalDataReader } from './frontend/onnx-external-file.js';
import type { ModelGraph, ModelWeights } from './model.js';
import { checkShapes } from './passes/shapes.js';

export const MODEL_EXTENSIONS = ['.mlp', '.json', '.onnx'] as const;

/** A loaded model; ONNX files add their weights, the folds made on import and any host output step. */
export interface LoadedModel {
  model: ModelGraph;
  weights?: ModelWeights;
  folds?: string[];
  hostOutput?: OnnxImport['hostOutput'];
  /** ONNX only: re-imports the graph with initializers replaced by name (a mapped state_dict). */
  onnx?: { bytes: Uint8Array; params: OnnxImport['params']; reimport(overrides: Map<string, Float32Array>): OnnxImport };
}

export function loadModelFile(path: string): LoadedModel {
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
  if (ext === '.onnx') {
    const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const load = (overrides?: Map<string, Float32Array>): OnnxImport => {
      // Side files (ONNX external data) are read relative to the model's folder, with checks.
      const external = externalDataReader(path);
      try {
        return importOnnx(data, path, { readExternal: external.read, ...(overrides ? { overrides } : {}) });
      } finally {
        external.close();
      }
    };
    const r = load();
    const out: LoadedModel = { model: r.model, weights: r.weights, folds: r.folds, onnx: { bytes: data, params: r.params, reimport: load } };
    if (r.hostOutput) out.hostOutput = r.hostOutput;
    return out;
  }
  const text = bytes.toString('utf8');
  const model = ext === '.mlp' ? parseMlp(text, path) : parseModelJson(text, path);
  return { model: checkShapes(model) };
}
