// Lab 10 — reference solution: the course's pycnnl inference program, line by line on CnnlNet.
//   net = pycnnl.CnnlNet(); net.setInputShape(batch, 1, 1, 784)
//   net.createMlpLayer('fc1', [batch,1,1,784], [1,1,784,h1], [batch,1,1,h1]); net.createReLuLayer('relu1')
//   … fc2, relu2, fc3 …; net.createSoftmaxLayer('softmax', [batch,1,1,10], 3)
//   net.loadParams(0, w1, b1); net.loadParams(2, w2, b2); net.loadParams(4, w3, b3)
//   net.setInputData(data); net.forward(); prob = net.getOutputData()
import type { ParamTensor } from 'dlpkit/labkit';
import { CnnlNet } from 'dlpkit/runtime';

/** The network of lab 09 on the DLP, its parameters loaded (layer ids count every layer). */
export function buildNet(batch: number, params: Record<string, ParamTensor>): CnnlNet {
  const w1 = params['fc1.weight']!, w2 = params['fc2.weight']!, w3 = params['fc3.weight']!;
  const [input, h1] = w1.shape as [number, number];
  const h2 = w2.shape[1]!, out = w3.shape[1]!;
  const net = new CnnlNet({ hw: 'dlp-s', dtype: 'int8' });
  net.setInputShape(batch, 1, 1, input);
  net.createMlpLayer('fc1', [batch, 1, 1, input], [1, 1, input, h1], [batch, 1, 1, h1]);
  net.createReLuLayer('relu1');
  net.createMlpLayer('fc2', [batch, 1, 1, h1], [1, 1, h1, h2], [batch, 1, 1, h2]);
  net.createReLuLayer('relu2');
  net.createMlpLayer('fc3', [batch, 1, 1, h2], [1, 1, h2, out], [batch, 1, 1, out]);
  net.createSoftmaxLayer('softmax', [batch, 1, 1, out], 3);
  net.loadParams(0, w1.data, params['fc1.bias']!.data);
  net.loadParams(2, w2.data, params['fc2.bias']!.data);
  net.loadParams(4, w3.data, params['fc3.bias']!.data);
  return net;
}

/** Class probabilities of `images` (batch × 784) on the DLP. */
export function inference(net: CnnlNet, images: Float32Array): Float32Array {
  net.setInputData(images);
  net.forward();
  return net.getOutputData();
}
