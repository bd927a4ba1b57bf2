// Every energy constant of the presets, with its source, and the rules that derive the per-event
// figures the simulator charges (isa/presets/*.json "energy"; docs/simulator.md "Energy model").
// One anchor: M. Horowitz, "Computing's energy problem (and what we can do about it)",
// ISSCC 2014, energy table for 45 nm at 0.9 V. Figures not in that table are derived from it by
// a stated rule, never guessed. The presets' numbers are these, rounded (test/isa/energy.test.ts).

/** Horowitz ISSCC'14, 45 nm, 0.9 V (pJ per operation / per 64-bit access). */
export const HOROWITZ_45NM = {
  add8: 0.03,
  add32: 0.1,
  mult8: 0.2,
  mult32: 3.1,
  fadd32: 0.9,
  fmult32: 3.7,
  /** SRAM read, 64 bits, by array capacity. */
  sram8KiB: 10,
  sram32KiB: 20,
  sram1MiB: 100,
  /** DRAM, 64 bits: 1.3–2.6 nJ. */
  dramLow: 1300,
  dramHigh: 2600,
} as const;

/** The capacity of Horowitz's 8 KB SRAM figure, the reference of the scaling rule. */
export const SRAM_REFERENCE_BYTES = 8192;

/**
 * Integer multiplier energy grows with the square of the operand width (an array multiplier has
 * w² partial-product cells); Horowitz's own pair agrees: 8 → 32 bits is 0.2 → 3.1 pJ, 15.5×
 * against (32/8)² = 16×. So a 16-bit multiply is 0.2·(16/8)² = 0.8 pJ.
 */
export function intMultPj(bits: number): number {
  return HOROWITZ_45NM.mult8 * (bits / 8) ** 2;
}

/**
 * SRAM energy per byte for an array of `capacityBytes`: Horowitz's 10 pJ per 64-bit access of an
 * 8 KB array, per byte 10/8 = 1.25 pJ, scaled by √(capacity / 8 KiB) (word- and bit-line length
 * grow with the square root of the array area). The rule reproduces Horowitz's other two points:
 * 32 KB → 2 × 10 = 20 pJ (cited 20), 1 MB → √128 × 10 = 113 pJ (cited 100). Access width: an
 * access of w bits drives w bit lines, so energy per access is linear in width and energy per
 * byte does not depend on it; the simulator charges bytes moved.
 */
export function sramBytePj(capacityBytes: number): number {
  return (HOROWITZ_45NM.sram8KiB / 8) * Math.sqrt(capacityBytes / SRAM_REFERENCE_BYTES);
}

/**
 * One multiply-accumulate: a multiply at the operand width plus an add at the accumulator width
 * (MATMUL accumulates int8 and int16 products in int32, fp32 in fp32).
 * int8 0.2 + 0.1 = 0.3 pJ; int16 0.8 + 0.1 = 0.9 pJ; fp32 3.7 + 0.9 = 4.6 pJ.
 */
export const MAC_PJ = {
  int8: HOROWITZ_45NM.mult8 + HOROWITZ_45NM.add32,
  int16: intMultPj(16) + HOROWITZ_45NM.add32,
  fp32: HOROWITZ_45NM.fmult32 + HOROWITZ_45NM.fadd32,
} as const;

/**
 * One VFU element operation, the fused ACT pass: a 32-bit bias add, a 32-bit requantisation
 * multiply (the shift is wiring) and a 32-bit compare/select for the activation:
 * 0.1 + 3.1 + 0.1 = 3.3 pJ. Softmax counts four such operations per element.
 */
export const VFU_OP_PJ = HOROWITZ_45NM.add32 + HOROWITZ_45NM.mult32 + HOROWITZ_45NM.add32;

/** DRAM per byte: the low end of Horowitz's 1.3–2.6 nJ per 64 bits, 1300 / 8 = 162.5 pJ. */
export const DRAM_BYTE_PJ = HOROWITZ_45NM.dramLow / 8;

/**
 * Static (leakage and clock) power has no figure in the cited table, so the presets model none:
 * energy is dynamic only. A hardware file may set `energy.staticWatts` > 0; the report's
 * `energy.scope` then says the total includes it.
 */
export const STATIC_WATTS = 0;

/** The energy block a preset with these buffer capacities gets from the rules above. */
export function derivedEnergy(nramBytes: number, wramBytes: number): {
  macPj: { int8: number; int16: number; fp32: number };
  vfuOpPj: number; nramBytePj: number; wramBytePj: number; dramBytePj: number; staticWatts: number;
} {
  return {
    macPj: { ...MAC_PJ }, vfuOpPj: VFU_OP_PJ, nramBytePj: sramBytePj(nramBytes), wramBytePj: sramBytePj(wramBytes),
    dramBytePj: DRAM_BYTE_PJ, staticWatts: STATIC_WATTS,
  };
}

/** What a report's energy total includes. */
export function energyScope(staticWatts: number): 'dynamic' | 'dynamic+static' {
  return staticWatts > 0 ? 'dynamic+static' : 'dynamic';
}
