// Pass 1: shape inference and checks. Walks the chain once, records each layer's input width
// and verifies the graph (positive sizes, unique names, finite activation parameters) and, when
// given, the weights against it. Batch size never enters: every shape here is per sample.
// Each mismatch is a DlpError naming the layer and both shapes.
import { DlpError, type ErrorLoc } from '../../isa/errors.js';
import type { DenseLayer, LayerWeights, ModelGraph, ModelWeights } from '../model.js';
import { alphaProblem, modelLimitProblem } from '../frontend/limits.js';
import { SLOPE_LIMIT } from '../../isa/act.js';

/** Returns a copy of `model` with `inputs` set on every layer; throws on any inconsistency. */
export function checkShapes(model: ModelGraph, weights?: ModelWeights): ModelGraph {
  const fileLoc: ErrorLoc = model.file === undefined ? {} : { file: model.file };
  const fail = (message: string, layer?: DenseLayer): never => {
    const loc = layer?.loc ? { ...fileLoc, ...layer.loc } : fileLoc;
    throw new DlpError(message, loc);
  };
  if (!isPositiveInt(model.inputSize)) fail(`model ${model.name}: input size ${model.inputSize} must be a positive integer`);
  if (model.layers.length === 0) fail(`model ${model.name} has no dense layers`);
  // Sizes the ISA and the simulator can hold (compiler/frontend/limits.ts), before any pass
  // allocates per-weight arrays.
  const limit = modelLimitProblem(model);
  if (limit) fail(limit.message, model.layers[limit.layer]);
  if (weights !== undefined && weights.length !== model.layers.length) {
    fail(`model ${model.name} has ${model.layers.length} layers but the weights have ${weights.length}`);
  }
  const names = new Set<string>();
  let inputs = model.inputSize;
  const layers = model.layers.map((layer, i) => {
    if (names.has(layer.name)) fail(`duplicate layer name ${layer.name}`, layer);
    names.add(layer.name);
    if (!isPositiveInt(layer.units)) fail(`layer ${layer.name}: units ${layer.units} must be a positive integer`, layer);
    const badAlpha = alphaProblem(layer.activation, layer.name);
    if (badAlpha) fail(badAlpha, layer);
    if (weights !== undefined) checkLayerWeights(layer, inputs, weights[i] as LayerWeights, (m) => fail(m, layer));
    const checked: DenseLayer = { ...layer, inputs };
    inputs = layer.units;
    return checked;
  });
  return { ...model, layers };
}

function checkLayerWeights(layer: DenseLayer, inputs: number, lw: LayerWeights, fail: (message: string) => never): void {
  const out = layer.units;
  const expected = `input ${inputs} → ${out} units`;
  if (lw.w.length !== inputs * out) {
    // Weights are flat (in, out); name the shape they would have with this layer's outputs.
    const shape = lw.w.length % out === 0 ? `[${lw.w.length / out}, ${out}]` : `of ${lw.w.length} values`;
    fail(`layer ${layer.name}: weight shape ${shape} does not match ${expected} ([${inputs}, ${out}])`);
  }
  if (lw.b.length !== out) fail(`layer ${layer.name}: bias shape [${lw.b.length}] does not match ${out} units ([${out}])`);
  if (layer.activation.kind === 'prelu') {
    if (!lw.slopes) fail(`layer ${layer.name}: prelu needs slopes [${out}], none given`);
    else if (lw.slopes.length !== out) {
      fail(`layer ${layer.name}: prelu slope shape [${lw.slopes.length}] does not match ${out} units ([${out}])`);
    }
    // Like leaky's alpha: beyond it the integer path's x·round(slope·65536) leaves 2^53.
    for (let c = 0; c < out; c++) {
      const a = lw.slopes![c]!;
      if (!(Math.abs(a) <= SLOPE_LIMIT)) fail(`layer ${layer.name}: prelu slope[${c}] = ${a} is outside [-${SLOPE_LIMIT}, ${SLOPE_LIMIT}]`);
    }
  } else if (lw.slopes) {
    fail(`layer ${layer.name}: slopes given for a ${layer.activation.kind} layer (only prelu has slopes)`);
  }
}

function isPositiveInt(n: number): boolean {
  return Number.isInteger(n) && n > 0;
}
