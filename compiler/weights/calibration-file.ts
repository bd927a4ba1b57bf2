// Node-only: reading a calibration file (`--calibration FILE`); parsing is calibration.ts.
import { readFileSync } from 'node:fs';
import { DlpError } from '../../isa/errors.js';
import { parseCalibration } from './calibration.js';

/** Reads a calibration file (see parseCalibration). */
export function readCalibrationFile(path: string, inputSize: number): Float32Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new DlpError(`cannot read calibration file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path });
  }
  return parseCalibration(bytes, inputSize, path);
}
