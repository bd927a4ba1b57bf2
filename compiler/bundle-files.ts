// Node-only: a bundle on disk (docs/bundle.md) — program.dlps, program.dlpb, image.bin and
// bundle.json in one folder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DlpError } from '../isa/errors.js';
import { writeFileAtomic } from '../isa/files.js';
import { encodeProgram, decodeProgram } from '../isa/encode.js';
import { printProgram } from '../isa/print.js';
import { BUNDLE_FILES, BUNDLE_FORMAT, BUNDLE_VERSION, type Bundle, type BundleLayout } from './bundle.js';
import type { Estimate } from './passes/cost.js';
import type { ComputeDType } from './passes/quantize.js';
import type { Schedule } from './passes/tile.js';

/**
 * Writes the bundle's four files into folder `dir` (created if missing), each atomically, and
 * returns their names. Nothing else in `dir` is touched: replacing a whole folder safely (temp
 * folder, rename, ownership manifest) is the CLI's job (cli/output/folder.ts).
 */
export function writeBundle(dir: string, b: Bundle): string[] {
  const meta = {
    format: BUNDLE_FORMAT, version: BUNDLE_VERSION, hwName: b.hwName, dtype: b.dtype, batch: b.batch,
    layout: b.layout, estimate: b.estimate, plans: b.plans,
  };
  const files: Array<[string, string | Uint8Array]> = [
    [BUNDLE_FILES.text, printProgram(b.program)],
    [BUNDLE_FILES.binary, encodeProgram(b.program)],
    [BUNDLE_FILES.image, b.image],
    [BUNDLE_FILES.meta, `${JSON.stringify(meta, null, 2)}\n`],
  ];
  for (const [name, data] of files) writeFileAtomic(join(dir, name), data);
  return files.map(([name]) => name);
}

/** Reads a bundle directory written by writeBundle. */
export function readBundle(dir: string): Bundle {
  const read = (f: string): Buffer => {
    try {
      return readFileSync(join(dir, f));
    } catch {
      throw new DlpError(`cannot read bundle file '${f}'`, { file: dir });
    }
  };
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(read(BUNDLE_FILES.meta).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof DlpError) throw e;
    throw new DlpError(`${BUNDLE_FILES.meta} is not valid JSON`, { file: dir });
  }
  if (meta.format !== BUNDLE_FORMAT) throw new DlpError(`not a dlpkit bundle: ${BUNDLE_FILES.meta} has format '${String(meta.format)}'`, { file: dir });
  if (meta.version !== BUNDLE_VERSION) throw new DlpError(`unsupported bundle version ${String(meta.version)} (this dlpkit reads ${BUNDLE_VERSION})`, { file: dir });
  const program = decodeProgram(new Uint8Array(read(BUNDLE_FILES.binary)), join(dir, BUNDLE_FILES.binary));
  const image = new Uint8Array(read(BUNDLE_FILES.image));
  const layout = meta.layout as BundleLayout;
  if (image.length !== layout.dramBytes) {
    throw new DlpError(`${BUNDLE_FILES.image} has ${image.length} bytes but the layout expects ${layout.dramBytes}`, { file: dir });
  }
  return {
    program, layout, image, estimate: meta.estimate as Estimate, plans: meta.plans as Schedule,
    hwName: String(meta.hwName), dtype: meta.dtype as ComputeDType, batch: Number(meta.batch),
  };
}
