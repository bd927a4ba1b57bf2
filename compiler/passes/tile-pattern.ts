// The types of the zero-tile analysis (sparsity.ts), apart so the quantised model
// (quant-model.ts) can hold a layer's ZeroMap without importing the analysis.

/** Prefix counts of nonzero quantised weights: the nonzeros of any rectangle in O(1). */
export interface ZeroMap {
  K: number;
  N: number;
  /** (K+1)×(N+1) summed-area table. */
  sat: Int32Array;
  /** Longest run of zeros in any row / any column: no tile wider / taller can be all zero. */
  maxRowRun: number;
  maxColRun: number;
  /** Tile patterns already derived, by k·(N+1) + n for k×n tiles (the map is immutable, so
   * this is only a cache). */
  memo: Map<number, TilePattern>;
}

/** One k-tile of a column block. */
export interface KTile { k0: number; kk: number }
/** Rows [k0, k0+rows) of a column range loaded by one LOAD. */
export interface LoadRect { k0: number; rows: number; n0: number; cols: number }

/** One output column block and the k-tiles it keeps; none kept = an all-zero block. */
export interface ColumnBlock {
  n0: number;
  nn: number;
  kept: KTile[];
  /** Sparse panel loads: consecutive kept k-tiles merged; [{k0: 0, rows: 1}] for a zero block. */
  runs: { k0: number; rows: number }[];
}

/** Column blocks that cost the same (equal width and equal kept tiles), for the cost model. */
export interface BlockClass {
  nn: number;
  /** Blocks in the class. */
  count: number;
  /** Kept tiles per reduction extent, per block. */
  kept: { kk: number; count: number }[];
  runs: { k0: number; rows: number }[];
  /** Holds the block at n0 = 0 (its panel is loaded before the pipeline starts). */
  first: boolean;
}

export interface TilePattern {
  /** Present when some tile is skipped; use columnBlocks() to get them in every case. */
  blocks?: ColumnBlock[];
  classes: BlockClass[];
  /** Weight tiles in the k×n grid, those skipped (all zero), and all-zero column blocks. */
  tiles: number;
  skipped: number;
  zeroBlocks: number;
  /** Rectangles that cover what resident weights need (kept tiles + row 0 of zero blocks). */
  residentRects: LoadRect[];
}
