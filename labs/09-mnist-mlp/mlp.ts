// Lab 09 — your program: the course's MNIST_MLP in TypeScript. Run it with `dlp lab run mlp.ts`;
// it trains, saves its parameters, loads them back and evaluates. The settings below are the
// course's (784-32-16-10, N(0, 0.01), raw pixels, lr 0.01, SGD); fill in the TODOs, then tune.
import { loadMnistData, loadParams, paramsPath, saveParams, shuffledIndices, type MnistData } from 'dlpkit/labkit';
import { FullyConnectedLayer, ReLULayer, SoftmaxLossLayer } from './layers.js';

export class MnistMlp {
  data!: MnistData;
  fc1!: FullyConnectedLayer;
  relu1 = new ReLULayer();
  fc2!: FullyConnectedLayer;
  relu2 = new ReLULayer();
  fc3!: FullyConnectedLayer;
  softmax = new SoftmaxLossLayer();

  constructor(readonly batchSize = 100, readonly inputSize = 784, readonly hidden1 = 32, readonly hidden2 = 16, readonly outClasses = 10, readonly lr = 0.01, readonly maxEpoch = 1) {}

  loadData(): void {
    this.data = loadMnistData({ pixels: 'raw' });
  }

  buildModel(): void {
    this.fc1 = new FullyConnectedLayer(this.inputSize, this.hidden1);
    this.fc2 = new FullyConnectedLayer(this.hidden1, this.hidden2);
    this.fc3 = new FullyConnectedLayer(this.hidden2, this.outClasses);
  }

  /** The course's initialisation: N(0, 0.01²) weights, zero biases. */
  initModel(): void {
    this.fc1.initParam(0.01, 1);
    this.fc2.initParam(0.01, 2);
    this.fc3.initParam(0.01, 3);
  }

  forward(input: Float32Array, batch: number): Float32Array {
    throw new Error('TODO: forward');
  }

  backward(): void {
    throw new Error('TODO: backward');
  }

  update(lr: number): void {
    throw new Error('TODO: update');
  }

  train(): void {
    const { trainImages, trainLabels, nTrain } = this.data;
    const batches = Math.floor(nTrain / this.batchSize);
    for (let epoch = 0; epoch < this.maxEpoch; epoch++) {
      const order = shuffledIndices(nTrain, epoch + 1);
      const lr = this.lr;
      const loss = 0;
      for (let b = 0; b < batches; b++) {
        const x = new Float32Array(this.batchSize * this.inputSize);
        const y = new Uint8Array(this.batchSize);
        for (let r = 0; r < this.batchSize; r++) {
          const i = order[b * this.batchSize + r]!;
          x.set(trainImages.subarray(i * this.inputSize, (i + 1) * this.inputSize), r * this.inputSize);
          y[r] = trainLabels[i]!;
        }
        // TODO: forward, loss (this.softmax.getLoss), backward, update
        void [x, y, lr];
      }
      console.log(`epoch ${epoch + 1}/${this.maxEpoch}: mean loss ${(loss / batches).toFixed(4)}`);
    }
  }

  evaluate(): number {
    throw new Error('TODO: evaluate');
  }

  saveModel(file: string): void {
    const p = (fc: FullyConnectedLayer) => fc.saveParam();
    const [a, b, c] = [p(this.fc1), p(this.fc2), p(this.fc3)];
    saveParams(file, {
      'fc1.weight': { shape: [this.inputSize, this.hidden1], data: a.weight }, 'fc1.bias': { shape: [this.hidden1], data: a.bias },
      'fc2.weight': { shape: [this.hidden1, this.hidden2], data: b.weight }, 'fc2.bias': { shape: [this.hidden2], data: b.bias },
      'fc3.weight': { shape: [this.hidden2, this.outClasses], data: c.weight }, 'fc3.bias': { shape: [this.outClasses], data: c.bias },
    }, this.data.pixels);
  }

  loadModel(file: string): void {
    const { params } = loadParams(file);
    this.fc1.loadParam(params['fc1.weight']!.data, params['fc1.bias']!.data);
    this.fc2.loadParam(params['fc2.weight']!.data, params['fc2.bias']!.data);
    this.fc3.loadParam(params['fc3.weight']!.data, params['fc3.bias']!.data);
  }
}

const mlp = new MnistMlp();
mlp.loadData();
mlp.buildModel();
mlp.initModel();
mlp.train();
mlp.saveModel(paramsPath());
mlp.loadModel(paramsPath());
console.log(`test accuracy ${(mlp.evaluate() * 100).toFixed(2)} %`);
