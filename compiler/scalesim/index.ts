// SCALE-Sim interoperability: its config and topology files, their mapping onto dlpkit
// hardware and models, and its COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and
// DETAILED_ACCESS_REPORT.csv figures (docs/scalesim.md).
export { parseScaleSimConfig, readIni, type ScaleSimConfig, type Dataflow } from './config.js';
export { isV3Config, type ScaleSimV3Options } from './config-v3.js';
export { folding, prefetchSets, demandRow, operandAddresses, type OperandAddresses, type Gemm, type SystolicArray, type Folding } from './demand.js';
export { ReadBuffer, WriteBuffer, type DramSide, type ScaleSimMemoryFigures } from './memory.js';
export { EstimateReadBuffer } from './memory-calc.js';
export { runUserMode, runCalcMode, userModeMemory, scaleSimUserFigures, type UserModeMemory, type UserModeFigures } from './user-mode.js';
export { scaleSimLayerFigures, type ScaleSimLayerFigures } from './figures.js';
export { parseTopology, lowerConv, type Topology, type TopologyLayer, type ConvShape } from './topology.js';
export { scaleSimHardware, gemmModel } from './map.js';
export {
  scaleSimFigures, computeUtilFoldCycles, formatComputeReport, formatPyFloat, COMPUTE_REPORT_COLUMNS,
  type ScaleSimFigures, type DlpFigures, type ComputeReportRow,
} from './report.js';
export { scaleSimAccess, sramCounts, demandRowSpan, type ScaleSimAccess, type SramAccess, type Operand } from './access.js';
export {
  formatBandwidthReport, formatDetailedAccessReport, BANDWIDTH_REPORT_COLUMNS, DETAILED_ACCESS_REPORT_COLUMNS,
  BANDWIDTH_REPORT_DRAM_COLUMNS, DETAILED_ACCESS_REPORT_DRAM_COLUMNS,
} from './access-report.js';
