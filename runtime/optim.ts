// Optimisers: the course's plain SGD (w ← w − α·∂L/∂w), SGD with momentum and Adam, plus
// the L1/L2 penalties, which are added to the gradients of weights only (never biases or
// PReLU slopes) before the step. State (velocities, moments) is kept per parameter.
// The updates run in WebAssembly (tensor/wasm-update.ts, state kept in wasm memory) when it
// is available, else in the JavaScript loops below; both give bit-identical weights.
import { DlpError } from '../isa/errors.js';
import type { Param } from './nn/layer.js';
import { createWasmUpdater, type WasmUpdater } from './tensor/wasm-update.js';

export type OptimizerKind = 'sgd' | 'momentum' | 'adam';

export interface OptimizerOptions {
  kind: OptimizerKind;
  /** Momentum coefficient (momentum only). Default 0.9. */
  momentum?: number;
  /** Nesterov look-ahead (momentum only). Default false. */
  nesterov?: boolean;
  /** Adam β1, β2, ε. Defaults 0.9, 0.999, 1e-8. */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface Optimizer {
  readonly kind: OptimizerKind;
  /** Updates every parameter from its gradient with learning rate `lr`. */
  step(params: readonly Param[], lr: number): void;
}

export function createOptimizer(opts: OptimizerOptions | OptimizerKind): Optimizer {
  return createOptimizerOn(opts, 'auto');
}

/**
 * createOptimizer with the backend chosen: 'auto' (WebAssembly when available) or 'js' (the
 * JavaScript loops). Both give the same weights bit for bit; 'js' exists for tests.
 */
export function createOptimizerOn(opts: OptimizerOptions | OptimizerKind, backend: 'auto' | 'js'): Optimizer {
  const o = typeof opts === 'string' ? { kind: opts } : opts;
  const wasm = (): WasmUpdater | undefined => (backend === 'auto' ? createWasmUpdater() : undefined);
  switch (o.kind) {
    case 'sgd': return createSgd(wasm());
    case 'momentum': return createMomentum(o.momentum ?? 0.9, o.nesterov ?? false, wasm());
    case 'adam': return createAdam(o.beta1 ?? 0.9, o.beta2 ?? 0.999, o.epsilon ?? 1e-8, wasm());
    default: throw new DlpError(`unknown optimizer '${String(o.kind)}' (expected sgd, momentum or adam)`);
  }
}

function createSgd(wasm: WasmUpdater | undefined): Optimizer {
  if (!wasm) return { kind: 'sgd', step: stepSgd };
  return {
    kind: 'sgd',
    step(params, lr) {
      for (const p of params) wasm.sgd(p, p.value, p.grad, lr);
    },
  };
}

function stepSgd(params: readonly Param[], lr: number): void {
  for (const p of params) {
    const w = p.value;
    const g = p.grad;
    for (let i = 0; i < w.length; i++) w[i] = w[i]! - lr * g[i]!;
  }
}

function createMomentum(mu: number, nesterov: boolean, wasm: WasmUpdater | undefined): Optimizer {
  if (wasm) {
    return {
      kind: 'momentum',
      step(params, lr) {
        for (const p of params) wasm.momentum(p, p.value, p.grad, mu, lr, nesterov);
      },
    };
  }
  const velocity = new Map<Param, Float32Array>();
  return {
    kind: 'momentum',
    step(params, lr) {
      for (const p of params) {
        let v = velocity.get(p);
        if (!v) velocity.set(p, (v = new Float32Array(p.value.length)));
        const w = p.value;
        const g = p.grad;
        for (let i = 0; i < w.length; i++) {
          const vi = mu * v[i]! - lr * g[i]!;
          v[i] = vi;
          w[i] = w[i]! + (nesterov ? mu * vi - lr * g[i]! : vi);
        }
      }
    },
  };
}

function createAdam(beta1: number, beta2: number, eps: number, wasm: WasmUpdater | undefined): Optimizer {
  const moments = new Map<Param, { m: Float32Array; v: Float32Array }>();
  let t = 0;
  return {
    kind: 'adam',
    step(params, lr) {
      t++;
      // Bias corrections folded into the step size, as in the Adam paper's final form.
      const a = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
      if (wasm) {
        for (const p of params) wasm.adam(p, p.value, p.grad, beta1, 1 - beta1, beta2, 1 - beta2, a, eps);
        return;
      }
      for (const p of params) {
        let s = moments.get(p);
        if (!s) moments.set(p, (s = { m: new Float32Array(p.value.length), v: new Float32Array(p.value.length) }));
        const { m, v } = s;
        const w = p.value;
        const g = p.grad;
        for (let i = 0; i < w.length; i++) {
          const gi = g[i]!;
          const mi = beta1 * m[i]! + (1 - beta1) * gi;
          const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
          m[i] = mi;
          v[i] = vi;
          w[i] = w[i]! - (a * mi) / (Math.sqrt(vi) + eps);
        }
      }
    },
  };
}

/** Adds λ2·w (L2, "weight decay") and λ1·sign(w) (L1) to the gradients of weights only. */
export function addPenaltyGradients(params: readonly Param[], l1: number, l2: number): void {
  if (l1 === 0 && l2 === 0) return;
  for (const p of params) {
    if (!p.regularize) continue;
    const w = p.value;
    const g = p.grad;
    for (let i = 0; i < w.length; i++) {
      const wi = w[i]!;
      g[i] = g[i]! + l2 * wi + (wi > 0 ? l1 : wi < 0 ? -l1 : 0);
    }
  }
}

/** The penalty term ½λ2·Σw² + λ1·Σ|w| over weights, for reporting the full objective. */
export function penaltyLoss(params: readonly Param[], l1: number, l2: number): number {
  if (l1 === 0 && l2 === 0) return 0;
  let s = 0;
  for (const p of params) {
    if (!p.regularize) continue;
    for (const w of p.value) s += 0.5 * l2 * w * w + l1 * Math.abs(w);
  }
  return s;
}
