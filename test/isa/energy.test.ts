// Energy constants (isa/energy.ts): the presets carry exactly the figures the stated rules derive
// from Horowitz ISSCC'14 (45 nm), and the MNIST energy split equals a hand calculation from the
// published table (constants typed here independently, not imported).
import { describe, expect, it } from 'vitest';
import { DRAM_BYTE_PJ, derivedEnergy, intMultPj, MAC_PJ, sramBytePj, VFU_OP_PJ } from '../../isa/energy.js';
import { presetNames } from '../../isa/hardware.js';
import { loadHardware } from '../../isa/hardware-file.js';
import { simulate } from '../../simulator/index.js';
import { compile } from '../../compiler/pipeline.js';
import { makeInputs, makeModel, makeWeights } from '../compiler/backend/helpers.js';
import { writeInputs } from '../../compiler/bundle.js';

describe('energy constants', () => {
  it('derive from Horowitz\'s 45 nm table by the stated rules', () => {
    expect(MAC_PJ.int8).toBeCloseTo(0.2 + 0.1, 12); // 8-bit mult + 32-bit accumulate add
    expect(intMultPj(16)).toBeCloseTo(0.8, 12); // 0.2 · (16/8)²
    expect(intMultPj(32) / 3.1).toBeCloseTo(1.03, 2); // the w² rule against the cited 32-bit 3.1 pJ
    expect(MAC_PJ.int16).toBeCloseTo(0.9, 12);
    expect(MAC_PJ.fp32).toBeCloseTo(3.7 + 0.9, 12);
    expect(VFU_OP_PJ).toBeCloseTo(0.1 + 3.1 + 0.1, 12);
    expect(DRAM_BYTE_PJ).toBe(1300 / 8);
    // SRAM: 10 pJ per 64-bit access at 8 KB; √capacity reproduces the 32 KB point (20 pJ) and
    // the 1 MB point (100 pJ) within 13 %.
    expect(sramBytePj(8192) * 8).toBeCloseTo(10, 12);
    expect(sramBytePj(32768) * 8).toBeCloseTo(20, 12);
    expect(Math.abs(sramBytePj(2 ** 20) * 8 - 100) / 100).toBeLessThan(0.14);
  });

  it.each(presetNames())('%s carries the derived figures for its NRAM and WRAM capacities', (name) => {
    const hw = loadHardware(name);
    const want = derivedEnergy(hw.nram.bytes, hw.wram.bytes);
    const { macPj, ...rest } = hw.energy;
    for (const d of ['int8', 'int16', 'fp32'] as const) expect(macPj[d]).toBeCloseTo(want.macPj[d], 4);
    for (const k of ['vfuOpPj', 'nramBytePj', 'wramBytePj', 'dramBytePj', 'staticWatts'] as const) expect(rest[k], k).toBeCloseTo(want[k], 4);
  });
});

describe('the MNIST energy split by hand', () => {
  it('784-128-64-10 int8 on dlp-s, batch 100: MAC, SRAM and DRAM energy from counts × table', () => {
    const batch = 100;
    const model = makeModel(784, [[128, { kind: 'relu' }], [64, { kind: 'relu' }], [10, { kind: 'identity' }]], true);
    const hw = loadHardware('dlp-s');
    const bundle = compile(model, makeWeights(model, 1), hw, { batch });
    const dram = bundle.image.slice();
    writeInputs(bundle, dram, makeInputs(batch, 784, 1));
    const r = simulate(bundle.program, hw, { dram, functional: false }).report;
    const ev = r.energy.events;
    // Counts: every MAC of the network once (no zero tiles with these weights); DRAM bytes
    // are the channel's burst bytes, at least the payload.
    expect(ev.macs).toEqual({ int8: batch * (784 * 128 + 128 * 64 + 64 * 10), int16: 0, fp32: 0 });
    expect(ev.dramBurstBytes).toBeGreaterThanOrEqual(r.dramReadBytes + r.dramWriteBytes);
    // Horowitz ISSCC'14, 45 nm: 8-bit mult 0.2 pJ, 32-bit add 0.1 pJ; SRAM 10 pJ per 64 bits at
    // 8 KB, × √(capacity / 8 KB): NRAM 256 KiB → × √32, WRAM 512 KiB → × 8; DRAM 1.3 nJ per 64 bits.
    const macPj = ev.macs.int8 * (0.2 + 0.1);
    const sramPj = ev.nramBytes * (10 / 8) * Math.sqrt(32) + ev.wramBytes * (10 / 8) * 8;
    const dramPj = ev.dramBurstBytes * (1300 / 8);
    const vfuPj = ev.vfuOps * (0.1 + 3.1 + 0.1);
    const b = r.energy.breakdown;
    expect(b.mac).toBeCloseTo(macPj, 3);
    // The preset stores √32 · 1.25 = 7.07107 rounded to 4 decimals (7.0711): relative error < 1e-5.
    expect(Math.abs(b.nram + b.wram - sramPj) / sramPj).toBeLessThan(1e-5);
    expect(b.dram).toBeCloseTo(dramPj, 3);
    expect(b.vfu).toBeCloseTo(vfuPj, 3);
    expect(b.static).toBe(0);
    expect(r.energy.scope).toBe('dynamic');
    const total = macPj + sramPj + dramPj + vfuPj;
    expect(Math.abs(r.energy.totalJoules * 1e12 - total) / total).toBeLessThan(1e-5);
  });
});
