// Lab 09 — reference solution: the course's MNIST_MLP as a TypeScript program. Run it with
// `dlp lab run mlp.ts`; it trains, saves its parameters, loads them back and evaluates.
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

  // Bigger than the course's 32/16 and a learning rate for [0, 1] pixels: past 98 %.
  constructor(readonly batchSize = 100, readonly inputSize = 784, readonly hidden1 = 256, readonly hidden2 = 128, readonly outClasses = 10, readonly lr = 0.1, readonly maxEpoch = 20) {}

  loadData(): void {
    this.data = loadMnistData({ pixels: 'unit' });
  }

  buildModel(): void {
    this.fc1 = new FullyConnectedLayer(this.inputSize, this.hidden1);
    this.fc2 = new FullyConnectedLayer(this.hidden1, this.hidden2);
    this.fc3 = new FullyConnectedLayer(this.hidden2, this.outClasses);
  }

  /** He initialisation (std √(2/in)) instead of the course's 0.01: ReLU layers keep their scale. */
  initModel(): void {
    this.fc1.initParam(Math.sqrt(2 / this.inputSize), 1);
    this.fc2.initParam(Math.sqrt(2 / this.hidden1), 2);
    this.fc3.initParam(Math.sqrt(2 / this.hidden2), 3);
  }

  forward(input: Float32Array, batch: number): Float32Array {
    const h1 = this.relu1.forward(this.fc1.forward(input, batch));
    const h2 = this.relu2.forward(this.fc2.forward(h1, batch));
    return this.softmax.forward(this.fc3.forward(h2, batch), batch);
  }

  backward(): void {
    const d3 = this.fc3.backward(this.softmax.backward());
    const d2 = this.fc2.backward(this.relu2.backward(d3));
    this.fc1.backward(this.relu1.backward(d2));
  }

  update(lr: number): void {
    for (const fc of [this.fc1, this.fc2, this.fc3]) fc.updateParam(lr);
  }

  train(): void {
    const { trainImages, trainLabels, nTrain } = this.data;
    const batches = Math.floor(nTrain / this.batchSize);
    for (let epoch = 0; epoch < this.maxEpoch; epoch++) {
      const order = shuffledIndices(nTrain, epoch + 1);
      const lr = this.lr * (epoch < this.maxEpoch / 2 ? 1 : epoch < (3 * this.maxEpoch) / 4 ? 0.3 : 0.1);
      let loss = 0;
      for (let b = 0; b < batches; b++) {
        const x = new Float32Array(this.batchSize * this.inputSize);
        const y = new Uint8Array(this.batchSize);
        for (let r = 0; r < this.batchSize; r++) {
          const i = order[b * this.batchSize + r]!;
          x.set(trainImages.subarray(i * this.inputSize, (i + 1) * this.inputSize), r * this.inputSize);
          y[r] = trainLabels[i]!;
        }
        this.forward(x, this.batchSize);
        loss += this.softmax.getLoss(y);
        this.backward();
        this.update(lr);
      }
      console.log(`epoch ${epoch + 1}/${this.maxEpoch}: mean loss ${(loss / batches).toFixed(4)}`);
    }
  }

  evaluate(): number {
    const { testImages, testLabels, nTest } = this.data;
    const prob = this.forward(testImages, nTest);
    let correct = 0;
    for (let r = 0; r < nTest; r++) {
      let best = 0;
      for (let k = 1; k < this.outClasses; k++) if (prob[r * this.outClasses + k]! > prob[r * this.outClasses + best]!) best = k;
      if (best === testLabels[r]) correct++;
    }
    return correct / nTest;
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
