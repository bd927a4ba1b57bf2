#!/usr/bin/env python3
"""numpy's float32 GEMM (OpenBLAS sgemm) on an m x k x n product: the reference the simulator's
MAC rate is compared with in `npm run bench` (section ratios). Prints JSON {"seconds": [...]}.
Usage: python3 bench/reference/numpy_sgemm.py M K N RUNS"""
import json, sys, time
import numpy as np

m, k, n, runs = (int(v) for v in sys.argv[1:5])
rng = np.random.default_rng(1)
a = rng.integers(-128, 128, size=(m, k)).astype(np.float32)
w = rng.integers(-128, 128, size=(k, n)).astype(np.float32)
a @ w  # warm-up (thread pool start, page faults)
seconds = []
for _ in range(runs):
    t0 = time.perf_counter()
    a @ w
    seconds.append(time.perf_counter() - t0)
print(json.dumps({"seconds": seconds, "threads": None}))
