// Chapter 2's first example, end to end: predict a house price from its area (and then also
// its number of floors) by linear regression, trained by batch gradient descent and checked
// against the closed-form least-squares answer from the normal equations.
//
//   npx tsx examples/house-price.ts
import {
  computeSquaredLoss, fitLinearRegressionClosedForm, fitLinearRegressionGD, predictLinear, type FeatureRows,
} from '../runtime/index.js';

const area = [50, 47, 60, 55]; // m²
const floors = [2, 1, 4, 3];
const price = [50, 42, 80, 52]; // in 10 000 ¥

// The book's query is a 65 m² house on 10 floors (both fits of the two-feature model give
// 24.0); (65, 4) is a second query inside the range of the data.
const cases: Array<{ title: string; x: FeatureRows; queries: number[][]; names: string[] }> = [
  { title: 'area alone', x: area.map((a) => [a]), queries: [[65]], names: ['area'] },
  { title: 'area and floors', x: area.map((a, j) => [a, floors[j]!]), queries: [[65, 10], [65, 4]], names: ['area', 'floors'] },
];

const fmt = (v: number): string => v.toFixed(4);

for (const c of cases) {
  console.log(`\n== ${c.title}: H(x) = w0 + ${c.names.map((n, i) => `w${i + 1}·${n}`).join(' + ')}`);
  // α = 0.05 for a visible descent. The default α = 1/λmax(XᵀX) lands on the area-only
  // minimum in one step (standardised, XᵀX = 4·I) and needs ~7 000 steps with both features,
  // which are strongly correlated (r = 0.994), so XᵀX is ill-conditioned.
  const gd = fitLinearRegressionGD(c.x, price, { learningRate: 0.05 });
  const closed = fitLinearRegressionClosedForm(c.x, price);
  // A few points of the loss curve L = ½Σ(H(xⱼ) − yⱼ)² show the descent.
  const marks = [0, 1, 2, 5, 10, 20, 50, gd.steps].filter((s, i, a) => s <= gd.steps && a.indexOf(s) === i);
  console.log(`gradient descent (standardised features, α = ${gd.learningRate.toPrecision(3)}): ${gd.steps} steps, ${gd.converged ? 'converged' : 'not converged'}`);
  console.log(`  loss: ${marks.map((s) => `step ${s}: ${fmt(gd.lossCurve[s]!)}`).join(', ')}`);
  console.log(`  ŵ (GD)          = [${Array.from(gd.model.weights, fmt).join(', ')}]`);
  console.log(`  ŵ (closed form) = [${Array.from(closed.weights, fmt).join(', ')}]`);
  console.log(`  training loss ${fmt(computeSquaredLoss(closed, c.x, price))}`);
  for (const query of c.queries) {
    const q = `(${query.join(', ')})`;
    console.log(`  predicted price for ${q}: GD ${fmt(predictLinear(gd.model, [query])[0]!)}, closed form ${fmt(predictLinear(closed, [query])[0]!)}`);
  }
}

// Why the runtime standardises by default: on raw areas (~50) the bias direction is so much
// flatter than the area direction that 100 000 safe steps leave the bias far from its optimum.
const raw = fitLinearRegressionGD(cases[0]!.x, price, { standardise: false });
console.log(`\nwithout standardisation: ${raw.steps} steps, ${raw.converged ? 'converged' : 'not converged'}, ŵ = [${Array.from(raw.model.weights, fmt).join(', ')}]`);
console.log(`  loss ${fmt(raw.lossCurve.at(-1)!)} vs the minimum ${fmt(computeSquaredLoss(fitLinearRegressionClosedForm(cases[0]!.x, price), cases[0]!.x, price))}`);
