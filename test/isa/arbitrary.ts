// fast-check arbitraries for valid instructions and programs, built from the spec's field
// ranges (not retyped), repaired for cross-field rules and filtered by the shared validator.
import fc from 'fast-check';
import type { Program, Region, RegionInit } from '../../isa/program.js';
import { DTYPE_BYTES, DTYPES, ISA, MNEMONICS, SPACES, fieldRange, type DType, type FieldSpec, type Instr, type Mnemonic } from '../../isa/spec.js';
import { checkInstr, checkLayerName, dtypeRange, regionSize } from '../../isa/validate.js';

const f32 = fc.float({ noNaN: true, noDefaultInfinity: true });

function arbField(f: FieldSpec): fc.Arbitrary<number | string> {
  const { min, max } = fieldRange(f);
  switch (f.kind) {
    case 'enum': return fc.constantFrom(...f.values!);
    case 'flag': return fc.constantFrom(0, 1);
    case 'f32': return f32;
    // Multiples of 4 satisfy every alignment rule.
    case 'addr': return fc.integer({ min: 0, max: Math.floor(max / 4) }).map((v) => v * 4);
    default: return fc.integer({ min, max });
  }
}

export function arbInstrOf(op: Mnemonic): fc.Arbitrary<Instr> {
  const fields = ISA[op].fields as readonly FieldSpec[];
  const record: Record<string, fc.Arbitrary<number | string>> = {};
  for (const f of fields) record[f.name] = arbField(f);
  return fc.record(record).map((raw) => {
    const i: Record<string, number | string> = { op, ...raw };
    // Pitches must be at least the row length.
    for (const f of fields) if (f.minFrom && (i[f.name] as number) < (i[f.minFrom] as number)) i[f.name] = i[f.minFrom]!;
    return i as unknown as Instr;
  }).filter((i) => checkInstr(i) === undefined);
}

export const arbInstr: fc.Arbitrary<Instr> = fc.oneof(...MNEMONICS.filter((m) => m !== 'HALT').map(arbInstrOf));

const arbName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/).filter((n) => !(SPACES as readonly string[]).includes(n));

function arbInit(dtype: DType, count: number): fc.Arbitrary<RegionInit> {
  const value = dtype === 'fp32' ? f32 : fc.integer(dtypeRange(dtype));
  const bound = dtype === 'fp32' ? fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }) : value;
  return fc.oneof(
    fc.constant<RegionInit>({ kind: 'zero' }),
    fc.array(value, { minLength: count, maxLength: count }).map((values): RegionInit => ({ kind: 'data', values })),
    fc.tuple(fc.nat({ max: 2 ** 32 - 1 }), bound, bound).map(([seed, a, b]): RegionInit =>
      ({ kind: 'random', seed, min: Math.min(a, b), max: Math.max(a, b) })),
  );
}

const arbRegionBody = fc.record({
  dtype: fc.constantFrom(...DTYPES),
  shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
  gap: fc.nat({ max: 64 }),
  scale: fc.option(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), { nil: undefined }),
}).chain((r) => {
  const count = r.shape.reduce((a, b) => a * b, 1);
  return arbInit(r.dtype, count).map((init) => ({ ...r, init }));
});

/** Random valid programs: regions laid out without overlap, names unique across regions and
 * constants, instructions from the spec, HALT last. */
export const arbProgram: fc.Arbitrary<Program> = fc.record({
  names: fc.uniqueArray(arbName, { minLength: 0, maxLength: 6 }),
  bodies: fc.array(arbRegionBody, { maxLength: 4 }),
  constValues: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 6 }),
  layers: fc.uniqueArray(fc.record({ tag: fc.integer({ min: 0, max: 255 }), name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }) }), { selector: (l) => l.tag, maxLength: 3 }),
  instrs: fc.array(arbInstr, { maxLength: 6 }),
  haltLayer: fc.integer({ min: 0, max: 255 }),
}).map(({ names, bodies, constValues, layers, instrs, haltLayer }) => {
  const regions: Region[] = [];
  let cursor = 0;
  bodies.slice(0, names.length).forEach((b, k) => {
    const el = DTYPE_BYTES[b.dtype];
    const addr = Math.ceil((cursor + b.gap) / el) * el;
    const r: Region = { name: names[k]!, dtype: b.dtype, shape: b.shape, addr, init: b.init };
    if (b.scale !== undefined) r.scale = b.scale;
    regions.push(r);
    cursor = addr + regionSize(r);
  });
  const consts: Record<string, number> = {};
  names.slice(regions.length).forEach((n, k) => { if (k < constValues.length) consts[n] = constValues[k]!; });
  const layerNames: Record<number, string> = {};
  for (const l of layers) if (checkLayerName(l.name) === undefined) layerNames[l.tag] = l.name;
  return { instrs: [...instrs, { op: 'HALT', layer: haltLayer } as Instr], regions, layerNames, consts };
});

/** A program without source locations, for comparing assembled programs with generated ones. */
export function stripLocs(p: Program): Program {
  const { locs: _locs, ...rest } = p;
  return rest;
}
