// The ONNX operators the importer accepts, as data: what each means for dlpkit (docs/models.md
// lists the same table; a test keeps them equal), and for operators it refuses, the nearest
// supported alternative named in the error.
export type OpRole = 'dense' | 'affine' | 'activation' | 'no-op' | 'output';

export interface OpInfo {
  role: OpRole;
  /** The exact meaning, as docs/models.md states it. */
  meaning: string;
}

export const SUPPORTED_OPS: Readonly<Record<string, OpInfo>> = {
  Gemm: { role: 'dense', meaning: 'a dense layer: Y = alpha·X·B + beta·C; transA must be 0; B is [out, in] with transB=1 (PyTorch) or [in, out] with transB=0' },
  MatMul: { role: 'dense', meaning: 'a dense layer with B = [in, out] (an initializer, or a Transpose of one); a following Add of an initializer is its bias (none: zero bias)' },
  Add: { role: 'affine', meaning: 'X + c with c an initializer of [features], [1, features] or one value: folded into the neighbouring dense layer\'s bias' },
  Sub: { role: 'affine', meaning: 'X − c (or c − X) with c a per-feature or scalar initializer: folded like Add' },
  Mul: { role: 'affine', meaning: 'X · c with c a per-feature or scalar initializer: folded into the neighbouring dense layer\'s weights and bias' },
  Div: { role: 'affine', meaning: 'X / c with c a per-feature or scalar initializer (non-zero): folded like Mul by 1/c' },
  BatchNormalization: { role: 'affine', meaning: 'inference mode (training_mode 0): (X − mean)/√(var + epsilon)·scale + B, folded into the neighbouring dense layer' },
  Relu: { role: 'activation', meaning: 'the layer\'s activation max(x, 0)' },
  LeakyRelu: { role: 'activation', meaning: 'x < 0 ? alpha·x : x (alpha default 0.01)' },
  PRelu: { role: 'activation', meaning: 'x < 0 ? slope·x : x with a per-unit or scalar slope initializer' },
  Elu: { role: 'activation', meaning: 'x < 0 ? alpha·(eˣ − 1) : x (alpha default 1)' },
  Sigmoid: { role: 'activation', meaning: '1 / (1 + e⁻ˣ)' },
  Tanh: { role: 'activation', meaning: 'tanh x' },
  Clip: { role: 'activation', meaning: 'only min = 0 without max (or max = +∞), which is Relu; ReLU6 (Clip(0, 6)) has no ACT function and is refused' },
  Softmax: { role: 'output', meaning: 'row-wise softmax over the last axis (axis −1, or 1 for 2-D); last operation; computed on the device\'s VFU in fp32' },
  LogSoftmax: { role: 'output', meaning: 'last operation over the last axis: the device computes the logits and the host returns log-softmax (x − max − ln Σ e^(x − max), in float64, rounded to fp32)' },
  Identity: { role: 'no-op', meaning: 'no-op' },
  Dropout: { role: 'no-op', meaning: 'no-op in inference mode; refused when training_mode is a true initializer; the mask output must be unused' },
  Cast: { role: 'no-op', meaning: 'no-op when to = FLOAT (the device reads fp32 inputs); other target types are refused' },
  Flatten: { role: 'no-op', meaning: 'axis 1: [N, d1, d2, …] becomes [N, d1·d2·…] (a dense layer reads rows of features)' },
  Reshape: { role: 'no-op', meaning: 'only to [N or −1 or 0, features or −1], i.e. a flatten; the target must be a constant' },
  Transpose: { role: 'no-op', meaning: 'only of a 2-D initializer with perm [1, 0] feeding Gemm/MatMul (weights stored [out, in])' },
  Constant: { role: 'no-op', meaning: 'a constant tensor (e.g. a Reshape target), used as an initializer' },
};

/** The nearest supported operator for operators users meet in MLP exports. */
const NEAREST: Readonly<Record<string, string>> = {
  Conv: 'Gemm (dlpkit runs dense layers only; flatten the input and use Linear layers)',
  ConvTranspose: 'Gemm (dlpkit runs dense layers only)',
  MaxPool: 'none (no pooling; flatten the input and use Linear layers)',
  AveragePool: 'none (no pooling; flatten the input and use Linear layers)',
  GlobalAveragePool: 'none (no pooling; flatten the input and use Linear layers)',
  HardSigmoid: 'Sigmoid',
  HardSwish: 'Relu',
  Gelu: 'Relu or Tanh',
  Selu: 'Elu',
  Celu: 'Elu',
  Softplus: 'Relu',
  Mish: 'Relu',
  ThresholdedRelu: 'Relu',
  Exp: 'none (exponentials only inside Softmax, Sigmoid, Elu and Tanh)',
  Log: 'LogSoftmax as the last operation',
  LayerNormalization: 'BatchNormalization (inference mode, folded)',
  InstanceNormalization: 'BatchNormalization (inference mode, folded)',
  Squeeze: 'Flatten',
  Unsqueeze: 'Flatten',
  Concat: 'none (only chains of layers)',
  Shape: 'a constant Reshape target or Flatten (re-export with a fixed batch dimension or torch.flatten)',
  Gather: 'Flatten',
  Sum: 'Add of an initializer',
  Pow: 'Mul of an initializer',
  Sqrt: 'Mul of an initializer',
  Reciprocal: 'Div of an initializer',
  ReduceMean: 'none (no reductions besides Softmax)',
};

/** Levenshtein distance, for naming the closest operator to an unknown one. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] as number;
}

/** The nearest supported alternative to `op`. */
export function nearestSupported(op: string): string {
  const known = NEAREST[op];
  if (known) return known;
  const names = Object.keys(SUPPORTED_OPS).filter((n) => n !== 'Constant');
  const lower = op.toLowerCase();
  return names.reduce((best, n) => (distance(lower, n.toLowerCase()) < distance(lower, best.toLowerCase()) ? n : best), names[0] as string);
}
