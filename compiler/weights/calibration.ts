// Calibration rows from a file (`dlp compile/run --calibration FILE`): a safetensors file with
// exactly one F32 tensor of shape [rows, inputSize] — what `safetensors.torch.save_file(
// {"x": batch.float()}, "calib.safetensors")` writes for a batch of flattened inputs. The rows
// size the activation scales (docs/quantization.md, "Scales").
import { DlpError } from '../../isa/errors.js';
import { fmtShape, readSafetensors } from './safetensors.js';

/** Parses calibration rows for a model with `inputSize` inputs from safetensors bytes. */
export function parseCalibration(bytes: Uint8Array, inputSize: number, file?: string): Float32Array {
  const tensors = readSafetensors(bytes, file);
  if (tensors.size !== 1) {
    throw new DlpError(`calibration file must hold exactly one tensor, found ${tensors.size}${tensors.size ? ` (${[...tensors.keys()].join(', ')})` : ''}`, { file });
  }
  const [name, t] = [...tensors][0]!;
  if (t.dtype !== 'F32') throw new DlpError(`calibration tensor '${name}' must be F32, got ${t.dtype}`, { file });
  if (t.shape.length !== 2 || t.shape[1] !== inputSize || t.shape[0]! < 1) {
    throw new DlpError(`calibration tensor '${name}' has shape ${fmtShape(t.shape)}; expected [rows, ${inputSize}] with rows >= 1`, { file });
  }
  const data = t.data as Float32Array;
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new DlpError(`calibration tensor '${name}' holds a non-finite value at row ${Math.floor(bad / inputSize)}, column ${bad % inputSize}`, { file });
  return data;
}
