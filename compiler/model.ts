// The model IR every front end produces (.mlp, JSON, ONNX, the runtime's host model) and the
// compiler passes consume: a chain of dense layers, each with an activation, optionally
// closed by a row-wise softmax. Weights are stored (in, out) row-major, as in the course.
import type { SourceLoc } from '../isa/program.js';

export type Activation =
  | { kind: 'identity' }
  | { kind: 'relu' }
  | { kind: 'leaky'; alpha: number }
  /** Per-channel learned slopes live in LayerWeights.slopes. */
  | { kind: 'prelu' }
  | { kind: 'elu'; alpha: number }
  | { kind: 'sigmoid' }
  | { kind: 'tanh' };

export type ActivationKind = Activation['kind'];

export interface DenseLayer {
  kind: 'dense';
  name: string;
  /** Input features (the previous layer's units); filled in by checkShapes. */
  inputs?: number;
  /** Output features. */
  units: number;
  activation: Activation;
  /** Where the layer was declared, for error messages. */
  loc?: SourceLoc;
}

export interface ModelGraph {
  name: string;
  /** Input features per sample. */
  inputSize: number;
  layers: DenseLayer[];
  /** Row-wise softmax after the last layer (computed on the VFU in fp32). */
  softmax: boolean;
  /** The file the model came from, for error messages. */
  file?: string;
}

export interface LayerWeights {
  /** in × out, row-major: w[i * out + j] connects input i to output j. */
  w: Float32Array;
  /** out. */
  b: Float32Array;
  /** PReLU slopes (out), only for prelu layers. */
  slopes?: Float32Array;
}

/** Weights for every layer, parallel to ModelGraph.layers. */
export type ModelWeights = LayerWeights[];
