// The canonical printer: Program → .dlps text. Every non-implicit field is printed in spec
// order (addresses in hex, f32 fields as their shortest exact decimal), regions with explicit
// addresses, so assemble(printProgram(p)) reproduces p and printing is a fixed point on text.
import { formatF32, formatFieldValue, formatHex, formatNumber } from './format.js';
import type { Program, Region } from './program.js';
import { ISA, type FieldSpec, type Instr } from './spec.js';

const MNEMONIC_WIDTH = Math.max(...Object.keys(ISA).map((m) => m.length)) + 1;
const BARE_LAYER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/;

/** One instruction in canonical form, without indentation: `LOAD   dst=nram[0x0], ...`. */
export function printInstr(i: Instr): string {
  const values = i as unknown as Record<string, number | string>;
  const operands = (ISA[i.op].fields as readonly FieldSpec[])
    .filter((f) => !f.implicit)
    .map((f) => {
      const v = values[f.name]!;
      if (f.kind !== 'addr') return `${f.name}=${formatFieldValue(f, v)}`;
      const space = f.space ?? values[f.spaceField!];
      return `${f.name}=${space}[${formatFieldValue(f, v)}]`;
    });
  return `${i.op.padEnd(MNEMONIC_WIDTH)}${operands.join(', ')}`.trimEnd();
}

function printRegion(r: Region): string {
  const parts = [`.region ${r.name} ${r.dtype} [${r.shape.join(', ')}] @ ${formatHex(r.addr)}`];
  if (r.scale !== undefined) parts.push(`scale=${formatNumber(r.scale)}`);
  const fmt = r.dtype === 'fp32' ? formatF32 : formatNumber;
  if (r.init.kind === 'data') parts.push(`= data(${r.init.values.map(fmt).join(', ')})`);
  if (r.init.kind === 'random') {
    parts.push(`= random(seed=${r.init.seed}, min=${formatNumber(r.init.min)}, max=${formatNumber(r.init.max)})`);
  }
  return parts.join(' ');
}

function printLayerName(name: string): string {
  return BARE_LAYER_NAME.test(name) ? name : JSON.stringify(name);
}

/** The whole program: layer names, constants, regions, then the instructions (indented). */
export function printProgram(p: Program): string {
  const sections: string[][] = [
    Object.entries(p.layerNames)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([tag, name]) => `.layer ${tag} ${printLayerName(name)}`),
    Object.entries(p.consts ?? {}).map(([name, v]) => `.const ${name} = ${formatNumber(v)}`),
    p.regions.map(printRegion),
    p.instrs.map((i) => `    ${printInstr(i)}`),
  ];
  return `${sections.filter((s) => s.length > 0).map((s) => s.join('\n')).join('\n\n')}\n`;
}

