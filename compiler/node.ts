// Node-only face of the compiler: everything in index.ts (browser-safe) plus reading models,
// weights and calibration files, writing/reading bundle folders, the schedule cache's folder.
export * from './index.js';
export { loadModelFile, MODEL_EXTENSIONS } from './load-model.js';
export { writeBundle, readBundle } from './bundle-files.js';
export { readWeightsFile, readWeightsFileWithMetadata, readWeightsMetadata, writeWeightsFile } from './weights/weights-file.js';
export { readCalibrationFile } from './weights/calibration-file.js';
export { readModelWeights } from './weights/state-dict-file.js';
export { externalDataReader } from './frontend/onnx-external-file.js';
export { scheduleCacheDir, scheduleCacheFromEnv } from './schedule-cache-dir.js';
