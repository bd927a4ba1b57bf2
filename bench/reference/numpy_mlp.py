#!/usr/bin/env python3
"""The course lab's MLP training step in numpy, the reference for dlpkit's host training in
`npm run bench` (section ratios): 784-128-64-10, ReLU, softmax cross-entropy, plain SGD
(lr 0.01), batch 100, the same MNIST rows in a shuffled order per epoch, float32 throughout.
Layers as the course writes them (FullyConnectedLayer forward x@W+b, backward x.T@dy,
dy@W.T). Prints JSON {"seconds": [per-epoch wall seconds], "cpuSeconds": [per-epoch CPU seconds
of this process, all threads], "accuracy": last epoch train acc}.
Usage: python3 bench/reference/numpy_mlp.py X.npy Y.npy EPOCHS"""
import json, sys, time
import numpy as np

x = np.load(sys.argv[1]).astype(np.float32)
y = np.load(sys.argv[2]).reshape(-1).astype(np.int64)  # class ids, stored as a float32 column
epochs = int(sys.argv[3])
rng = np.random.default_rng(1)
sizes = [784, 128, 64, 10]
W = [(rng.standard_normal((a, b)) * np.sqrt(2.0 / a)).astype(np.float32) for a, b in zip(sizes, sizes[1:])]
B = [np.zeros(b, np.float32) for b in sizes[1:]]
lr = np.float32(0.01)
batch = 100
seconds = []
cpu_seconds = []
for epoch in range(epochs):
    order = rng.permutation(len(x))
    correct = 0
    t0 = time.perf_counter()
    c0 = time.process_time()
    for s in range(0, len(x) - batch + 1, batch):
        idx = order[s:s + batch]
        h = [x[idx]]
        for i in range(3):
            z = h[-1] @ W[i] + B[i]
            h.append(np.maximum(z, 0) if i < 2 else z)
        logits = h[-1]
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        t = y[idx]
        correct += int((p.argmax(axis=1) == t).sum())
        dy = p
        dy[np.arange(batch), t] -= 1
        dy /= batch
        for i in (2, 1, 0):
            gw = h[i].T @ dy
            gb = dy.sum(axis=0)
            if i > 0:
                dy = (dy @ W[i].T) * (h[i] > 0)
            W[i] -= lr * gw
            B[i] -= lr * gb
    seconds.append(time.perf_counter() - t0)
    cpu_seconds.append(time.process_time() - c0)
print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "accuracy": correct / len(x)}))
