// SCALE-Sim interoperability: its config and topology files, their mapping onto dlpkit
// hardware and models, and its COMPUTE_REPORT.csv figures (docs/scalesim.md).
export { parseScaleSimConfig, readIni, type ScaleSimConfig, type Dataflow } from './config.js';
export { parseTopology, lowerConv, type Topology, type TopologyLayer, type ConvShape } from './topology.js';
export { scaleSimHardware, gemmModel } from './map.js';
export {
  scaleSimFigures, computeUtilFoldCycles, formatComputeReport, formatPyFloat, COMPUTE_REPORT_COLUMNS,
  type ScaleSimFigures, type DlpFigures, type ComputeReportRow,
} from './report.js';
