// One fuzz case's outcome: accepted, refused with dlpkit's DlpError, crash (any other
// exception) or hang (over the per-case time limit, measured after the read returns).
import { DlpError } from '../../isa/errors.js';
import type { FuzzFormat } from './formats.js';

/** Per-case limit: the seed files are a few KB; a case taking this long has a blow-up. */
export const CASE_MS = 2_000;

export type Outcome = 'accepted' | 'refused' | 'crash' | 'hang';

/** Reads one case and classifies it; over `limitMs` is a hang (unless it crashed). */
export function classify(f: FuzzFormat, bytes: Uint8Array, limitMs = CASE_MS): { outcome: Outcome; why?: string } {
  const t0 = performance.now();
  let outcome: Outcome = 'accepted';
  let why: string | undefined;
  try {
    f.read(bytes);
  } catch (e) {
    if (e instanceof DlpError) outcome = 'refused';
    else {
      outcome = 'crash';
      why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
  }
  const ms = performance.now() - t0;
  if (ms > limitMs && outcome !== 'crash') return { outcome: 'hang', why: `${ms.toFixed(0)} ms` };
  return why === undefined ? { outcome } : { outcome, why };
}

