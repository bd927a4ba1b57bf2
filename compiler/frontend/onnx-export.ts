// ONNX export in the shape PyTorch's torch.onnx.export gives an nn.Sequential MLP: one Gemm
// per layer with transB=1 and the weight stored [out, in] as `<layer>.weight`, the bias as
// `<layer>.bias`, then the activation node, and Softmax(axis=-1) at the end. Opset 17.
import { DlpError } from '../../isa/errors.js';
import type { Activation, LayerWeights, ModelGraph, ModelWeights } from '../model.js';
import { transpose } from '../weights/weights.js';
import { AttrType, DataType, modelProto } from './onnx-schema.js';

export const EXPORT_OPSET = 17;
const IR_VERSION = 8;

interface Attr {
  name: string;
  type: number;
  f?: number;
  i?: number;
}
interface Node {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: Attr[];
}
interface Tensor {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

export function exportOnnx(model: ModelGraph, weights: ModelWeights): Uint8Array {
  if (weights.length !== model.layers.length) {
    throw new DlpError(`model ${model.name} has ${model.layers.length} layers but ${weights.length} weight sets were given`);
  }
  const nodes: Node[] = [];
  const initializers: Tensor[] = [];
  let current = 'input';
  let inputs = model.inputSize;
  model.layers.forEach((layer, i) => {
    const lw = weights[i] as LayerWeights;
    const out = layer.units;
    const gemmOut = `/${layer.name}/Gemm_output_0`;
    initializers.push(floatTensor(`${layer.name}.weight`, [out, inputs], transpose(lw.w, inputs, out)));
    initializers.push(floatTensor(`${layer.name}.bias`, [out], lw.b));
    nodes.push({
      name: `/${layer.name}/Gemm`,
      opType: 'Gemm',
      input: [current, `${layer.name}.weight`, `${layer.name}.bias`],
      output: [gemmOut],
      attribute: [floatAttr('alpha', 1), floatAttr('beta', 1), intAttr('transB', 1)],
    });
    current = gemmOut;
    const act = activationNode(layer.name, layer.activation, current);
    if (act) {
      if (layer.activation.kind === 'prelu') {
        if (!lw.slopes) throw new DlpError(`layer ${layer.name}: prelu layer has no slopes`);
        initializers.push(floatTensor(`${layer.name}.slope`, [out], lw.slopes));
        act.input.push(`${layer.name}.slope`);
      }
      nodes.push(act);
      current = act.output[0] as string;
    }
    inputs = out;
  });
  if (model.softmax) {
    nodes.push({ name: '/softmax/Softmax', opType: 'Softmax', input: [current], output: ['/softmax/Softmax_output_0'], attribute: [intAttr('axis', -1)] });
    current = '/softmax/Softmax_output_0';
  }
  // Name the final tensor "output", as torch.onnx.export(output_names=["output"]) does.
  (nodes.at(-1) as Node).output[0] = 'output';
  const graph = {
    name: 'main_graph',
    node: nodes,
    initializer: initializers,
    input: [valueInfo('input', model.inputSize)],
    output: [valueInfo('output', inputs)],
  };
  const type = modelProto();
  const message = type.fromObject({
    irVersion: IR_VERSION,
    producerName: 'dlpkit',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: EXPORT_OPSET }],
    graph,
  });
  const bytes = type.encode(message).finish();
  // protobufjs hands back a Buffer under Node; return a plain view of the same memory.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function activationNode(layer: string, act: Activation, input: string): Node | undefined {
  const op: Record<Activation['kind'], string | undefined> = {
    identity: undefined, relu: 'Relu', leaky: 'LeakyRelu', prelu: 'PRelu', elu: 'Elu', sigmoid: 'Sigmoid', tanh: 'Tanh',
  };
  const opType = op[act.kind];
  if (!opType) return undefined;
  const attribute = act.kind === 'leaky' || act.kind === 'elu' ? [floatAttr('alpha', act.alpha)] : [];
  return { name: `/${layer}/${opType}`, opType, input: [input], output: [`/${layer}/${opType}_output_0`], attribute };
}

function floatTensor(name: string, dims: number[], values: Float32Array): Tensor {
  const rawData = new Uint8Array(values.length * 4);
  const view = new DataView(rawData.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i] as number, true);
  return { name, dims, dataType: DataType.FLOAT, rawData };
}

function valueInfo(name: string, features: number) {
  return {
    name,
    type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: features }] } } },
  };
}

function floatAttr(name: string, f: number): Attr {
  return { name, type: AttrType.FLOAT, f };
}

function intAttr(name: string, i: number): Attr {
  return { name, type: AttrType.INT, i };
}
