#!/usr/bin/env python3
"""Records SCALE-Sim's own reports over a grid of configs and GEMMs, for dlpkit's exact-match tests.

Usage (SCALE-Sim's source is not part of dlpkit; check it out anywhere):
  /usr/bin/python3 scripts/scalesim/record.py --scalesim /tmp/ss/v2 --version v2 --grid user \
      --out test/fixtures/scalesim/v2-user.json
Grids: user (array shapes x dataflows x bandwidths x SRAM sizes x GEMMs, InterfaceBandwidth USER),
v3user (a smaller USER grid for v3), calc and calc1k (the shapes and GEMMs in CALC mode with 4 kB
and 1 kB SRAMs), conv (convolution topologies in USER and CALC mode), issue (the figures quoted
in issue 20), v3golden (SCALE-Sim v3's configs/scale.cfg on GEMM 256x128x256 in USER mode).
The fixtures in test/fixtures/scalesim/ were made with:
  user, issue, calc, calc1k, conv  --version v2  (scale-sim-v2 22f88b17)
  v3golden, v3user, calc1k, conv   --version v3  (scale-sim-v3 fab89b77)
Each point runs SCALE-Sim's own top level (scalesim.scale_sim.scalesim) on a config and topology
written to a temporary folder, and keeps the cells of its COMPUTE_REPORT, BANDWIDTH_REPORT and
DETAILED_ACCESS_REPORT rows as the strings it printed. Needs numpy, pandas, tqdm (Debian's
python3-numpy, python3-pandas, python3-tqdm: run with /usr/bin/python3).
"""
import argparse
import contextlib
import datetime
import io
import json
import os
import platform
import subprocess
import sys
import tempfile

SHAPES = [(4, 4), (8, 8), (4, 16), (16, 4), (16, 16)]
DATAFLOWS = ['os', 'ws', 'is']
BANDWIDTHS = [1, 4, 10]
SRAM_KB = [1, 4]
GEMMS = [(64, 48, 40), (20, 30, 50), (33, 17, 65)]
# Convolutions (IFMAP H, W, Filter H, W, Channels, Num Filter, Stride): im2col repeats IFMAP
# addresses, which SCALE-Sim's buffers hit on.
CONVS = [(8, 8, 3, 3, 2, 4, 1), (7, 7, 3, 3, 3, 5, 2), (6, 5, 2, 3, 4, 6, 1)]


def grid(name):
    if name == 'user':
        for (r, c) in SHAPES:
            for df in DATAFLOWS:
                for bw in BANDWIDTHS:
                    for kb in SRAM_KB:
                        for g in GEMMS:
                            yield dict(rows=r, cols=c, dataflow=df, bandwidth=bw, sramKB=[kb, kb, kb], mode='USER', gemm=list(g))
    elif name == 'calc':
        for (r, c) in SHAPES:
            for df in DATAFLOWS:
                for g in GEMMS:
                    yield dict(rows=r, cols=c, dataflow=df, bandwidth=10, sramKB=[4, 4, 4], mode='CALC', gemm=list(g))
    elif name == 'conv':
        for (r, c) in SHAPES[:3]:
            for df in DATAFLOWS:
                for cv in CONVS:
                    for mode, bw in [('USER', 1), ('USER', 10), ('CALC', 10)]:
                        yield dict(rows=r, cols=c, dataflow=df, bandwidth=bw, sramKB=[1, 1, 1], mode=mode, conv=list(cv))
    elif name == 'calc1k':
        # CALC with 1 kB SRAMs: SCALE-Sim's OFMAP write buffer drains at ArrayWidth words per cycle.
        for (r, c) in SHAPES:
            for df in DATAFLOWS:
                for g in GEMMS:
                    yield dict(rows=r, cols=c, dataflow=df, bandwidth=10, sramKB=[1, 1, 1], mode='CALC', gemm=list(g))
    elif name == 'issue':
        yield dict(rows=8, cols=8, dataflow='os', bandwidth=2, sramKB=[64, 64, 64], mode='USER', gemm=[100, 128, 784])
    elif name == 'v3golden':
        for df in DATAFLOWS:
            yield dict(rows=32, cols=32, dataflow=df, bandwidth=10, sramKB=[64, 64, 64], mode='USER', gemm=[256, 128, 256],
                       layout=dict(bankBandwidth=10, banks=10, ports=2))
    elif name == 'v3user':
        # A smaller v3 grid: every shape and dataflow, two bandwidths, both SRAM sizes, two GEMMs.
        for (r, c) in SHAPES:
            for df in DATAFLOWS:
                for bw in [1, 10]:
                    for kb in SRAM_KB:
                        for g in GEMMS[:2]:
                            # v3 reads IFMAP/FILTER at [layout] *SRAMBankBandwidth in USER mode; give
                            # them a different figure from Bandwidth (OFMAP) to see both used.
                            yield dict(rows=r, cols=c, dataflow=df, bandwidth=bw, sramKB=[kb, kb, kb], mode='USER', gemm=list(g),
                                       layout=dict(bankBandwidth=11 - bw, banks=1, ports=2))
    else:
        raise SystemExit(f'unknown grid {name}')


def config_text(p, version):
    lines = [
        '[general]', 'run_name = point', '',
        '[architecture_presets]',
        f"ArrayHeight: {p['rows']}", f"ArrayWidth: {p['cols']}",
        f"IfmapSramSzkB: {p['sramKB'][0]}", f"FilterSramSzkB: {p['sramKB'][1]}", f"OfmapSramSzkB: {p['sramKB'][2]}",
        'IfmapOffset: 0', 'FilterOffset: 10000000', 'OfmapOffset: 20000000',
        f"Bandwidth : {p['bandwidth']}", f"Dataflow : {p['dataflow']}", 'MemoryBanks: 1',
    ]
    if version == 'v3':
        lay = p.get('layout', dict(bankBandwidth=p['bandwidth'], banks=1, ports=2))
        lines += ['ReadRequestBuffer: 32', 'WriteRequestBuffer: 32', '',
                  '[layout]', 'IfmapCustomLayout: False', f"IfmapSRAMBankBandwidth: {lay['bankBandwidth']}",
                  f"IfmapSRAMBankNum: {lay['banks']}", f"IfmapSRAMBankPort: {lay['ports']}", 'FilterCustomLayout: False',
                  f"FilterSRAMBankBandwidth: {lay['bankBandwidth']}", f"FilterSRAMBankNum: {lay['banks']}",
                  f"FilterSRAMBankPort: {lay['ports']}", '',
                  '[sparsity]', 'SparsitySupport : false', 'SparseRep : ellpack_block', 'OptimizedMapping : false',
                  'BlockSize : 8', 'RandomNumberGeneratorSeed : 40']
    lines += ['', '[run_presets]', f"InterfaceBandwidth: {p['mode']}"]
    if version == 'v3':
        lines += ['UseRamulatorTrace: False']
    return '\n'.join(lines) + '\n'


def cells(path):
    with open(path) as f:
        rows = [r.strip() for r in f if r.strip()]
    out = [c.strip() for c in rows[1].split(',')]
    if out and out[-1] == '':
        out.pop()
    return {'header': [c.strip() for c in rows[0].split(',') if c.strip()], 'row': out}


def run_point(p, version):
    from scalesim.scale_sim import scalesim
    with tempfile.TemporaryDirectory() as d:
        cfg, topo = os.path.join(d, 'point.cfg'), os.path.join(d, 'gemm.csv')
        with open(cfg, 'w') as f:
            f.write(config_text(p, version))
        with open(topo, 'w') as f:
            if 'conv' in p:
                f.write('Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n'
                        f"conv0, {', '.join(str(x) for x in p['conv'])},\n")
            else:
                m, n, k = p['gemm']
                f.write(f'Layer, M, N, K,\nlayer0, {m}, {n}, {k},\n')
        kwargs = dict(save_disk_space=True, verbose=False, config=cfg, topology=topo, input_type_gemm='conv' not in p)
        if version == 'v3':
            # v3 always reads a layout file; with IfmapCustomLayout/FilterCustomLayout False its
            # contents are unused. This row is copied from v3's layouts/GEMM_mnk examples.
            lay = os.path.join(d, 'layout.csv')
            with open(lay, 'w') as f:
                f.write('Layer name, IFMAP Height Intraline Factor, IFMAP Width Intraline Factor, Filter Height Intraline Factor, '
                        'Filter Width Intraline Factor, Channel Intraline Factor, Num Filter Intraline Factor, IFMAP Height Intraline Order, '
                        'IFMAP Width Intraline Order, Channel Intraline Order, IFMAP Height Interline Order, IFMAP Width Interline Order, '
                        'Channel Interline Order, Num Filter Intraline Order, Channel Intraline Order, Filter Height Intraline Order, '
                        'Filter Width Intraline Order, Num Filter Interline Order, Channel Interline Order, Filter Height Interline Order, '
                        'Filter Width Interline Order,\nlayer0,128,8,1,8,1,128,2,1,0,5,4,3,3,0,1,2,7,4,5,6,\n')
            kwargs['layout'] = lay
        with contextlib.redirect_stdout(io.StringIO()):
            s = scalesim(**kwargs)
            s.run_scale(top_path=os.path.join(d, 'out'))
        out = os.path.join(d, 'out', 'point')
        return {name: cells(os.path.join(out, f'{name}.csv'))
                for name in ['COMPUTE_REPORT', 'BANDWIDTH_REPORT', 'DETAILED_ACCESS_REPORT']}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--scalesim', required=True, help='SCALE-Sim source folder (holds scalesim/)')
    ap.add_argument('--version', choices=['v2', 'v3'], required=True)
    ap.add_argument('--grid', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--commit', default='', help='SCALE-Sim commit recorded (default: git log in --scalesim)')
    a = ap.parse_args()
    sys.path.insert(0, os.path.abspath(a.scalesim))
    commit = a.commit or subprocess.run(['git', 'log', '-1', '--format=%H'], cwd=a.scalesim, capture_output=True, text=True).stdout.strip()
    points = []
    for p in grid(a.grid):
        rep = run_point(p, a.version)
        headers = {k: v['header'] for k, v in rep.items()}
        points.append({**p, **{k: v['row'] for k, v in rep.items()}})
        print(json.dumps(p), rep['COMPUTE_REPORT']['row'][1:3], file=sys.stderr, flush=True)
    import numpy
    doc = {
        'scalesim': {'version': a.version, 'commit': commit or 'unknown'},
        'grid': a.grid,
        'recorded': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
        'machine': f'{platform.node()} {platform.machine()} python {platform.python_version()} numpy {numpy.__version__}',
        'headers': headers,
        'points': points,
    }
    tmp = a.out + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    os.replace(tmp, a.out)


if __name__ == '__main__':
    main()
