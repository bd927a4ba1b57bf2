// kernels/: compute kernels shared by the simulator and the runtime (below both layers; no
// imports from any other dlpkit folder). WebAssembly SIMD through a minimal binary encoder.
export {
  compileTileMatmulModule, copyRows, createTileMatmul,
  type MultiplyRunner, type TileMatmul, type TileMatmulMemory, type TileMultiply, type TileOperand,
} from './tile-matmul.js';
export * from './wasm-encoder.js';
