// Running a property with fast-check and reporting a failure so it can be replayed and kept:
// the seed and path (DLP_SEED / DLP_PATH replay exactly that run), the reason, and the shrunk
// counterexample printed as a TypeScript literal ready to paste into regressions.test.ts.
// Case counts scale by 20 under DLP_DEEP=1 (`npm run test:deep`).
import fc from 'fast-check';

/** `npm run test:deep` sets DLP_DEEP=1: 20× the cases, for releases. */
export const DEEP = Boolean(process.env.DLP_DEEP) && process.env.DLP_DEEP !== '0';
export const DEEP_FACTOR = 20;

/** Cases for a property: `n` by default, 20·n in deep mode. */
export function runsOf(n: number): number {
  return DEEP ? n * DEEP_FACTOR : n;
}

/** Vitest timeout for a property test (deep runs take 20× longer). */
export const PROPERTY_TIMEOUT = DEEP ? 3_600_000 : 120_000;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const WIDTH = 100;

function formatNumber(v: number): string {
  if (Object.is(v, -0)) return '-0';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return String(v);
}

/** A value as TypeScript source: one line when it fits, else one member per line. */
export function toTsLiteral(v: unknown, indent = ''): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return `'${JSON.stringify(v).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const name = v.constructor.name;
    return `${name}.of(${Array.from(v as unknown as ArrayLike<number>, formatNumber).join(', ')})`;
  }
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    const items = v.map((x) => toTsLiteral(x, inner));
    const flat = `[${items.join(', ')}]`;
    if (!flat.includes('\n') && indent.length + flat.length <= WIDTH) return flat;
    return `[\n${items.map((s) => `${inner}${s},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  const parts = entries.map(([k, x]) => `${IDENT.test(k) ? k : `'${k}'`}: ${toTsLiteral(x, inner)}`);
  const flat = `{ ${parts.join(', ')} }`;
  if (parts.length === 0) return '{}';
  if (!flat.includes('\n') && indent.length + flat.length <= WIDTH) return flat;
  return `{\n${parts.map((s) => `${inner}${s},`).join('\n')}\n${indent}}`;
}

/** Seed used under CI (CI=true) so a submission's check is reproducible; local runs draw a
 * fresh seed each time to keep finding new cases. DLP_SEED always wins. */
export const CI_SEED = 20261126;

function replaySettings(): { seed?: number; path?: string } {
  const seed = process.env.DLP_SEED ?? (process.env.CI && !process.env.DLP_DEEP ? String(CI_SEED) : undefined);
  const path = process.env.DLP_PATH;
  return { ...(seed !== undefined ? { seed: Number(seed) } : {}), ...(path ? { path } : {}) };
}

/** The failure report: how to replay it, why it failed, and the case to paste. */
export function formatFailure<T>(property: string, d: fc.RunDetails<[T]>): string {
  const reason = d.errorInstance instanceof Error ? d.errorInstance.message : String(d.errorInstance);
  const example = d.counterexample ? toTsLiteral(d.counterexample[0], '  ') : '(none)';
  return [
    `property '${property}' failed after ${d.numRuns} case(s), shrunk ${d.numShrinks} time(s); seed ${d.seed}, path '${d.counterexamplePath}'`,
    `replay: DLP_SEED=${d.seed} DLP_PATH='${d.counterexamplePath}' npx vitest run test/properties`,
    `reason: ${reason}`,
    'regression (paste into REGRESSIONS in test/properties/regressions.test.ts):',
    `  { property: '${property}', note: 'TODO: what went wrong', case: ${example} },`,
  ].join('\n');
}

/** Checks a property (synchronous check) on `numRuns` cases; throws the formatted report. */
export function assertProperty<T>(property: string, arb: fc.Arbitrary<T>, check: (v: T) => void, numRuns: number): void {
  const d = fc.check(fc.property(arb, check), { numRuns, ...replaySettings() });
  if (d.failed) throw new Error(formatFailure(property, d));
}

/** The same for an asynchronous check. */
export async function assertAsyncProperty<T>(property: string, arb: fc.Arbitrary<T>, check: (v: T) => Promise<void>, numRuns: number): Promise<void> {
  const d = await fc.check(fc.asyncProperty(arb, check), { numRuns, ...replaySettings() });
  if (d.failed) throw new Error(formatFailure(property, d));
}
