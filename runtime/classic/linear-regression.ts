// Linear regression as chapter 2 opens with it: H(x) = ŵᵀx with x₀ = 1 (so ŵ₀ is the bias),
// the loss L(ŵ) = ½Σⱼ(ŵᵀxⱼ − yⱼ)², trained by batch gradient descent ŵ ← ŵ − α·∂L/∂ŵ with
// ∂L/∂ŵ = Σⱼ(ŵᵀxⱼ − yⱼ)·xⱼ, and solved in closed form from the normal equations
// (XᵀX)ŵ = Xᵀy for comparison. Everything is float64: the data sets are tiny and the point
// is to see the two answers agree to many digits.
import { DlpError } from '../../isa/errors.js';

/** Samples as rows of features (without the constant x₀ = 1, which is added here). */
export type FeatureRows = readonly ArrayLike<number>[];

/** Per-feature centring and scaling applied before the fit; the model stores it. */
export interface Standardisation {
  mean: Float64Array;
  /** Population standard deviation; 1 for a constant feature (so it maps to 0, not NaN). */
  std: Float64Array;
}

export interface LinearModel {
  /**
   * ŵ in raw feature units: weights[0] is the bias ŵ₀ (x₀ = 1), weights[1 + i] multiplies
   * feature i. Standardised fits are mapped back, so predictions never need the scaler.
   */
  weights: Float64Array;
}

export interface GradientDescentOptions {
  /** α. Default 1/λmax(XᵀX) of the (standardised) design: the largest safe step (GD on a
   * quadratic diverges only beyond 2/λmax). */
  learningRate?: number;
  /** Upper bound on full-batch steps. Default 100 000 (microseconds each on small data). */
  epochs?: number;
  /** Stop once ‖∂L/∂ŵ‖₂ falls below this fraction of its value at the start. Default 1e-12. */
  tolerance?: number;
  /** Centre and scale the features first (Default true): raw house areas (~50) next to x₀ = 1
   * make XᵀX so ill-conditioned that plain GD needs millions of steps. */
  standardise?: boolean;
  /** Starting ŵ in the (possibly standardised) training coordinates. Default zeros. */
  initialWeights?: ArrayLike<number>;
}

export interface GradientDescentResult {
  model: LinearModel;
  /** L(ŵ) before each step, then after the last: length steps + 1. */
  lossCurve: Float64Array;
  /** Steps actually taken. */
  steps: number;
  /** True when the gradient norm fell below the tolerance before the epoch limit. */
  converged: boolean;
  learningRate: number;
  /** The scaler used during training (identity when standardise was false). */
  standardisation: Standardisation;
}

export interface ClosedFormOptions {
  /** Adds λ·I (not on the bias) to XᵀX: ridge regression, also a cure for singular data. */
  ridge?: number;
}

/** H(x) = ŵᵀ[1, x] for every row. */
export function predictLinear(model: LinearModel, x: FeatureRows): Float64Array {
  const d = model.weights.length - 1;
  const out = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) {
    const row = x[j]!;
    if (row.length !== d) throw new DlpError(`sample ${j} has ${row.length} features, the model expects ${d}`);
    let s = model.weights[0]!;
    for (let i = 0; i < d; i++) s += model.weights[1 + i]! * row[i]!;
    out[j] = s;
  }
  return out;
}

/** L = ½Σⱼ(H(xⱼ) − yⱼ)². */
export function computeSquaredLoss(model: LinearModel, x: FeatureRows, y: ArrayLike<number>): number {
  const p = predictLinear(model, x);
  let l = 0;
  for (let j = 0; j < p.length; j++) l += 0.5 * (p[j]! - y[j]!) ** 2;
  return l;
}

/** Mean and population standard deviation of each feature column. */
export function computeStandardisation(x: FeatureRows): Standardisation {
  const d = x[0]?.length ?? 0;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (const row of x) for (let i = 0; i < d; i++) mean[i]! += row[i]! / x.length;
  for (const row of x) for (let i = 0; i < d; i++) std[i]! += (row[i]! - mean[i]!) ** 2 / x.length;
  for (let i = 0; i < d; i++) std[i] = std[i]! > 0 ? Math.sqrt(std[i]!) : 1;
  return { mean, std };
}

/** Fits ŵ by full-batch gradient descent on L = ½Σ(ŵᵀxⱼ − yⱼ)² and records the loss curve. */
export function fitLinearRegressionGD(x: FeatureRows, y: ArrayLike<number>, options: GradientDescentOptions = {}): GradientDescentResult {
  const { n, d } = checkData(x, y);
  const epochs = options.epochs ?? 100_000;
  const tolerance = options.tolerance ?? 1e-12;
  if (!Number.isInteger(epochs) || epochs < 0) throw new DlpError(`epochs must be a non-negative integer, got ${epochs}`);
  const scaler = options.standardise === false ? identityScaler(d) : computeStandardisation(x);
  const design = buildDesign(x, scaler); // n × (d+1), column 0 all ones
  const k = d + 1;
  let alpha = options.learningRate;
  alpha ??= 1 / estimateLargestEigenvalue(gram(design, n, k), k);
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new DlpError(`learningRate must be a positive number, got ${alpha}`);
  const w = new Float64Array(k);
  if (options.initialWeights) {
    if (options.initialWeights.length !== k) throw new DlpError(`initialWeights has ${options.initialWeights.length} entries, expected ${k} (bias + ${d} features)`);
    for (let i = 0; i < k; i++) w[i] = options.initialWeights[i]!;
  }
  const grad = new Float64Array(k);
  const curve = new Float64Array(epochs + 1);
  let steps = 0;
  let converged = false;
  let firstNorm = -1;
  for (;;) {
    // One pass computes both the loss at ŵ and its gradient Σ rⱼ·xⱼ.
    grad.fill(0);
    let loss = 0;
    for (let j = 0; j < n; j++) {
      let r = -y[j]!;
      for (let i = 0; i < k; i++) r += w[i]! * design[j * k + i]!;
      loss += 0.5 * r * r;
      for (let i = 0; i < k; i++) grad[i]! += r * design[j * k + i]!;
    }
    curve[steps] = loss;
    if (!Number.isFinite(loss)) {
      throw new DlpError(`gradient descent diverged at step ${steps} (loss ${loss}); lower learningRate (now ${alpha}) or enable standardise`);
    }
    let norm = 0;
    for (let i = 0; i < k; i++) norm += grad[i]! * grad[i]!;
    norm = Math.sqrt(norm);
    if (firstNorm < 0) firstNorm = norm;
    if (norm <= tolerance * firstNorm) { converged = true; break; }
    if (steps === epochs) break;
    for (let i = 0; i < k; i++) w[i]! -= alpha * grad[i]!;
    steps++;
  }
  return {
    model: { weights: unscaleWeights(w, scaler) },
    lossCurve: curve.slice(0, steps + 1),
    steps,
    converged,
    learningRate: alpha,
    standardisation: scaler,
  };
}

/**
 * Solves the normal equations (XᵀX + λI')ŵ = Xᵀy. The features are standardised first (and ŵ
 * mapped back), which keeps XᵀX well conditioned; the system is then solved by Gaussian
 * elimination with partial pivoting.
 */
export function fitLinearRegressionClosedForm(x: FeatureRows, y: ArrayLike<number>, options: ClosedFormOptions = {}): LinearModel {
  const { n, d } = checkData(x, y);
  const ridge = options.ridge ?? 0;
  if (!(ridge >= 0)) throw new DlpError(`ridge must be ≥ 0, got ${ridge}`);
  const scaler = computeStandardisation(x);
  const design = buildDesign(x, scaler);
  const k = d + 1;
  const a = gram(design, n, k);
  const b = new Float64Array(k);
  for (let j = 0; j < n; j++) for (let r = 0; r < k; r++) b[r]! += design[j * k + r]! * y[j]!;
  for (let i = 1; i < k; i++) a[i * k + i]! += ridge;
  let w: Float64Array;
  try {
    w = solveLinearSystem(a, b, k);
  } catch (e) {
    if (!(e instanceof DlpError)) throw e;
    throw new DlpError(
      `the normal equations are singular: ${n} samples cannot determine ${k} weights, or some features are linear combinations of others (use ridge > 0)`,
    );
  }
  return { weights: unscaleWeights(w, scaler) };
}

/**
 * Solves A·x = b for a dense k×k row-major A by Gaussian elimination with partial pivoting
 * (row swaps bring the largest remaining pivot up, bounding the growth of rounding error).
 * A and b are not modified. Throws DlpError when A is singular to working precision.
 */
export function solveLinearSystem(a: ArrayLike<number>, b: ArrayLike<number>, k: number): Float64Array {
  if (a.length !== k * k || b.length !== k) throw new DlpError(`solveLinearSystem: A must be ${k}×${k} and b of length ${k}`);
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  let scale = 0;
  for (let t = 0; t < m.length; t++) scale = Math.max(scale, Math.abs(m[t]!));
  const tiny = scale * k * Number.EPSILON;
  for (let col = 0; col < k; col++) {
    let p = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(m[r * k + col]!) > Math.abs(m[p * k + col]!)) p = r;
    if (!(Math.abs(m[p * k + col]!) > tiny)) throw new DlpError(`the ${k}×${k} system is singular (pivot ${col} is zero)`);
    if (p !== col) {
      for (let c = 0; c < k; c++) {
        const t = m[col * k + c]!;
        m[col * k + c] = m[p * k + c]!;
        m[p * k + c] = t;
      }
      const t = x[col]!;
      x[col] = x[p]!;
      x[p] = t;
    }
    const pivot = m[col * k + col]!;
    for (let r = col + 1; r < k; r++) {
      const f = m[r * k + col]! / pivot;
      if (f === 0) continue;
      for (let c = col; c < k; c++) m[r * k + c]! -= f * m[col * k + c]!;
      x[r]! -= f * x[col]!;
    }
  }
  for (let r = k - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let c = r + 1; c < k; c++) s -= m[r * k + c]! * x[c]!;
    x[r] = s / m[r * k + r]!;
  }
  return x;
}

function checkData(x: FeatureRows, y: ArrayLike<number>): { n: number; d: number } {
  const n = x.length;
  if (n === 0) throw new DlpError('linear regression needs at least one sample');
  if (y.length !== n) throw new DlpError(`got ${n} samples but ${y.length} targets`);
  const d = x[0]!.length;
  for (let j = 0; j < n; j++) {
    const row = x[j]!;
    if (row.length !== d) throw new DlpError(`sample ${j} has ${row.length} features, sample 0 has ${d}`);
    for (let i = 0; i < d; i++) if (!Number.isFinite(row[i]!)) throw new DlpError(`sample ${j}, feature ${i} is not a finite number (${row[i]})`);
    if (!Number.isFinite(y[j]!)) throw new DlpError(`target ${j} is not a finite number (${y[j]})`);
  }
  return { n, d };
}

/** XᵀX (k×k) of an n×k row-major design. */
function gram(design: Float64Array, n: number, k: number): Float64Array {
  const a = new Float64Array(k * k);
  for (let j = 0; j < n; j++) {
    for (let r = 0; r < k; r++) {
      const xr = design[j * k + r]!;
      for (let c = 0; c < k; c++) a[r * k + c]! += xr * design[j * k + c]!;
    }
  }
  return a;
}

/**
 * λmax of a symmetric positive semi-definite k×k matrix by power iteration. The Rayleigh
 * quotient approaches λmax from below, so 1/estimate can only slightly exceed 1/λmax —
 * still far inside the stable range α < 2/λmax.
 */
function estimateLargestEigenvalue(a: Float64Array, k: number): number {
  let v = new Float64Array(k).fill(1 / Math.sqrt(k));
  let next = new Float64Array(k);
  let lambda = 0;
  for (let it = 0; it < 200; it++) {
    let norm = 0;
    for (let r = 0; r < k; r++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += a[r * k + c]! * v[c]!;
      next[r] = s;
      norm += s * s;
    }
    norm = Math.sqrt(norm);
    if (norm === 0) return 1; // all-zero design: any step is as good as another
    for (let r = 0; r < k; r++) next[r]! /= norm;
    const previous = lambda;
    lambda = norm;
    [v, next] = [next, v];
    if (Math.abs(lambda - previous) <= 1e-12 * lambda) break;
  }
  return lambda;
}

function identityScaler(d: number): Standardisation {
  return { mean: new Float64Array(d), std: new Float64Array(d).fill(1) };
}

/** The design matrix [1, (x − μ)/σ] as n × (d+1) row-major. */
function buildDesign(x: FeatureRows, s: Standardisation): Float64Array {
  const d = s.mean.length;
  const k = d + 1;
  const out = new Float64Array(x.length * k);
  for (let j = 0; j < x.length; j++) {
    out[j * k] = 1;
    for (let i = 0; i < d; i++) out[j * k + 1 + i] = (x[j]![i]! - s.mean[i]!) / s.std[i]!;
  }
  return out;
}

/** ŵ on standardised features → ŵ on raw features: wᵢ = vᵢ/σᵢ, w₀ = v₀ − Σ vᵢμᵢ/σᵢ. */
function unscaleWeights(v: Float64Array, s: Standardisation): Float64Array {
  const w = new Float64Array(v.length);
  w[0] = v[0]!;
  for (let i = 0; i < s.mean.length; i++) {
    w[1 + i] = v[1 + i]! / s.std[i]!;
    w[0]! -= w[1 + i]! * s.mean[i]!;
  }
  return w;
}
