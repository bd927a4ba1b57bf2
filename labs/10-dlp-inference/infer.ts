// Lab 10 — your file: port the course's pycnnl inference program to CnnlNet, line by line.
// The Python you are porting (the course's lab, abridged):
//   net = pycnnl.CnnlNet()
//   net.setInputShape(batch, 1, 1, 784)
//   net.createMlpLayer('fc1', input_shape1, weight_shape1, output_shape1)   # [B,1,1,784] [1,1,784,h1] [B,1,1,h1]
//   net.createReLuLayer('relu1')
//   … fc2 / relu2 / fc3 …
//   net.createSoftmaxLayer('softmax', output_shape3, axis)
//   net.loadParams(layer_id, weight, bias)        # ids count every layer
//   net.setInputData(data); net.forward(); prob = net.getOutputData()
// The parameters are the ones your lab 09 program saved (fc1.weight [784, h1], fc1.bias [h1], …).
import type { ParamTensor } from 'dlpkit/labkit';
import { CnnlNet } from 'dlpkit/runtime';

/** The lab 09 network on the DLP (preset dlp-s), its parameters loaded. */
export function buildNet(batch: number, params: Record<string, ParamTensor>): CnnlNet {
  const net = new CnnlNet({ hw: 'dlp-s', dtype: 'int8' });
  // TODO: setInputShape, the six layers, loadParams for the three MLP layers
  void [batch, params];
  return net;
}

/** Class probabilities of `images` (batch × 784) on the DLP. */
export function inference(net: CnnlNet, images: Float32Array): Float32Array {
  // TODO: setInputData, forward, getOutputData
  void [net, images];
  throw new Error('TODO: inference');
}
