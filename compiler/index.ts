// Public API of the compiler: model IR, front ends, weights, passes. Browser-safe (no Node
// APIs); reading and writing files is in node.ts.
export * from './model.js';
export { parseMlp } from './frontend/mlp.js';
export { parseModelJson, modelToJson } from './frontend/json.js';
export { importOnnx, exportOnnx, type OnnxImport, type OnnxImportOptions, type OnnxParam } from './frontend/onnx.js';
export { checkOnnxModel, checkOnnxBytes } from './frontend/onnx-check.js';
export { type ExternalDataReader, type ExternalRef } from './frontend/onnx-external.js';
export { SUPPORTED_OPS, nearestSupported } from './frontend/onnx-ops.js';
export { mapStateDict } from './weights/state-dict.js';
export { parseNpy, writeNpy, parseCsv, writeCsv, parseRows, formatRows, type RowTensor } from './weights/tensor-files.js';
export { readSafetensors, writeSafetensors, type SafeTensor, type SafetensorsDType } from './weights/safetensors.js';
export { weightsToTensors, tensorsToWeights } from './weights/weights.js';
export { randomWeights } from './weights/random.js';
export { checkShapes } from './passes/shapes.js';
export { compile, PASSES, normalizeOptions, type CompileOptions } from './pipeline.js';
export { scheduleKey, encodeSchedule, decodeSchedule, type ScheduleCache, type CachedSchedule, type Replays } from './schedule-cache.js';
export { assembleBundle, bundleFiles, parseBundle, writeInputs, readOutputs, BUNDLE_FILES, type Bundle, type BundleLayout, type RegionInfo, type LayerQuantInfo } from './bundle.js';
export { explainBundle } from './explain.js';
export { quantizeModel, quantizeInput, deriveRequant, roundHalfAway, QMAX, type QuantModel, type QuantLayer, type Requant, type ComputeDType } from './passes/quantize.js';
export { planTuned, planNaive, allocateSegment, type Schedule, type SegmentPlan, type LayerTile } from './passes/tile.js';
export { estimateSchedule, estimatePlanCycles, type Estimate, type LayerTiles } from './passes/cost.js';
export { generateProgram } from './passes/codegen.js';
export { findZeroTiles, tilePattern, columnBlocks, type TilePattern, type ColumnBlock } from './passes/sparsity.js';
export { parseCalibration } from './weights/calibration.js';
export * from './scalesim/index.js';
