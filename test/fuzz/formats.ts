// The input formats the fuzzer feeds: a valid seed file for each, the reader a user's file goes
// through (parse plus the checks that follow, without compiling or simulating), and for the
// formats where it is certain, which truncations must be refused ("known invalid": a .dlpb or
// safetensors file shorter than its header says, JSON or .mlp text cut before its last '}',
// assembly cut before its HALT).
import { readFileSync } from 'node:fs';
import { modelToJson, exportOnnx, importOnnx, parseMlp, parseModelJson, checkShapes, readSafetensors, writeSafetensors, weightsToTensors, tensorsToWeights } from '../../compiler/index.js';
import type { ModelGraph, ModelWeights } from '../../compiler/model.js';
import { parseScaleSimConfig, parseTopology, scaleSimHardware } from '../../compiler/scalesim/index.js';
import { assemble, decodeProgram, encodeProgram, parseHardwareText } from '../../isa/index.js';
import { loadHardware } from '../../isa/node.js';

export interface FuzzFormat {
  name: string;
  /** Text formats get number and nesting edits on their characters. */
  text: boolean;
  seed: Uint8Array;
  /** Reads the bytes as dlpkit reads a user's file; throws DlpError to refuse. */
  read(bytes: Uint8Array): unknown;
  /** Prefixes shorter than this many bytes are invalid and must be refused. */
  refusePrefixBelow?: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const file = (path: string): Uint8Array => new Uint8Array(readFileSync(path));
const textOf = (b: Uint8Array): string => dec.decode(b);
const lastIndex = (b: Uint8Array, s: string): number => textOf(b).lastIndexOf(s);

const tiny: ModelGraph = {
  name: 'tiny', inputSize: 4, softmax: true,
  layers: [
    { kind: 'dense', name: 'fc1', units: 3, activation: { kind: 'prelu' } },
    { kind: 'dense', name: 'fc2', units: 2, activation: { kind: 'leaky', alpha: 0.1 } },
  ],
};
const tinyWeights: ModelWeights = [
  { w: Float32Array.from({ length: 12 }, (_, i) => i / 16 - 0.3), b: Float32Array.of(0.1, 0, -0.1), slopes: Float32Array.of(0.25, 0.5, 1) },
  { w: Float32Array.from({ length: 6 }, (_, i) => 0.2 - i / 10), b: Float32Array.of(0, 0.5) },
];

function withPrefixRule(f: FuzzFormat, below: number): FuzzFormat {
  return { ...f, refusePrefixBelow: below };
}

export function fuzzFormats(): FuzzFormat[] {
  const dlps = file('examples/dense-relu.dlps');
  const mlp = file('examples/mnist.mlp');
  const json = enc.encode(modelToJson(tiny));
  const hw = enc.encode(JSON.stringify(loadHardware('dlp-s'), null, 2));
  const dlpb = encodeProgram(assemble(textOf(dlps), 'seed.dlps'));
  const st = writeSafetensors(weightsToTensors(tiny, tinyWeights), { format: 'pt' });
  const base = loadHardware('systolic-32-ws');
  return [
    withPrefixRule({ name: '.dlps', text: true, seed: dlps, read: (b) => assemble(textOf(b), 'fuzz.dlps') }, lastIndex(dlps, 'HALT')),
    withPrefixRule({ name: '.dlpb', text: false, seed: dlpb, read: (b) => decodeProgram(b, 'fuzz.dlpb') }, dlpb.length),
    withPrefixRule({ name: '.mlp', text: true, seed: mlp, read: (b) => checkShapes(parseMlp(textOf(b), 'fuzz.mlp')) }, lastIndex(mlp, '}')),
    withPrefixRule({ name: 'JSON model', text: true, seed: json, read: (b) => checkShapes(parseModelJson(textOf(b), 'fuzz.json')) }, lastIndex(json, '}')),
    { name: 'ONNX', text: false, seed: exportOnnx(tiny, tinyWeights), read: (b) => importOnnx(b, 'fuzz.onnx') },
    withPrefixRule({ name: 'safetensors', text: false, seed: st, read: (b) => tensorsToWeights(tiny, readSafetensors(b, 'fuzz.safetensors'), 'fuzz.safetensors') }, st.length),
    withPrefixRule({ name: 'hardware JSON', text: true, seed: hw, read: (b) => parseHardwareText(textOf(b), 'fuzz.json') }, lastIndex(hw, '}')),
    { name: 'SCALE-Sim topology', text: true, seed: file('examples/scalesim/conv_tiny.csv'), read: (b) => parseTopology(textOf(b), 'fuzz.csv') },
    { name: 'SCALE-Sim config', text: true, seed: file('examples/scalesim/systolic32_ws.cfg'), read: (b) => scaleSimHardware(parseScaleSimConfig(textOf(b), 'fuzz.cfg'), base, 'fuzz.cfg') },
    { name: 'GEMM CSV', text: true, seed: file('examples/scalesim/mlp_gemm.csv'), read: (b) => parseTopology(textOf(b), 'fuzz.csv') },
  ];
}
