// Sweeps as job lists: `dlp explore --plan`, shards run as separate processes (one killed and
// resumed), `--merge` equal to the single-machine run byte for byte, suites of two models, the
// sbatch script, and the errors. With Slurm installed and root, a one-node cluster on localhost
// (test/cluster/slurm-local.sh) runs a 1,000-point sweep as a job array, cancelled half-way
// and resubmitted.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDlp, useTempDir } from '../helpers/cli.js';
import { formatSbatch, slurmTime } from '../../cli/commands/explore-slurm.js';
import { parseShard, shardFromEnv } from '../../runtime/explore/index.js';
import { errorOf } from '../helpers/errors.js';

const dir = useTempDir('dlp-explore-cluster-');
const modelA = join(dir, 'tiny.mlp');
const modelB = join(dir, 'small.mlp');
writeFileSync(modelA, 'model tiny {\n  input 64\n  dense h: 32 relu\n  dense out: 10\n}\n');
writeFileSync(modelB, 'model small {\n  input 40\n  dense h: 24 relu\n  dense out: 6\n}\n');
const SWEEP = ['--sweep', 'pes=8,16,32', '--sweep', 'dramBytesPerCycle=8,32', '--batch', '8'];
const OUTPUTS = ['explore.csv', 'explore.json', 'explore.svg', 'explore-small.svg', 'explore-tiny.svg'];

/** `dlp ...` as its own process, from the TypeScript sources. */
function dlpProcess(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', resolve('cli/bin.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function finish(p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  let out = '';
  let err = '';
  p.stdout!.on('data', (d) => (out += String(d)));
  p.stderr!.on('data', (d) => (err += String(d)));
  return new Promise((done) => p.on('close', (code, signal) => done({ code, signal, out, err })));
}

function read(folder: string, name: string): string {
  return readFileSync(join(folder, name), 'utf8');
}

describe('dlp explore --plan, --run, --merge', () => {
  const ref = join(dir, 'ref');
  const plan = join(dir, 'plan');
  beforeAll(async () => {
    const r = await runDlp(['explore', modelA, modelB, ...SWEEP, '--workers', '2', '-o', ref]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('a suite of two models on one machine: per-model fronts, the suite front and a model column', () => {
    expect(readdirSync(ref).sort()).toEqual(['.dlpkit.json', ...OUTPUTS].sort());
    const csv = read(ref, 'explore.csv').trimEnd().split('\n');
    expect(csv[0]!.startsWith('model,index,pes,dramBytesPerCycle,hardware,')).toBe(true);
    // 6 hardware points per model, then the suite's 6 sums.
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual([...Array(6).fill('tiny'), ...Array(6).fill('small'), ...Array(6).fill('suite')]);
    const json = JSON.parse(read(ref, 'explore.json')) as {
      perModel: Array<{ model: string; results: Array<{ metrics: { cycles: number; energyJoules: number } }> }>;
      suite: { results: Array<{ metrics: { cycles: number; energyJoules: number } }>; pareto: number[] };
    };
    const [tiny, small] = json.perModel;
    json.suite.results.forEach((s, i) => {
      expect(s.metrics.cycles).toBe(tiny!.results[i]!.metrics.cycles + small!.results[i]!.metrics.cycles);
      expect(s.metrics.energyJoules).toBeCloseTo(tiny!.results[i]!.metrics.energyJoules + small!.results[i]!.metrics.energyJoules, 15);
    });
    expect(json.suite.pareto.length).toBeGreaterThan(0);
  });

  it('--plan writes the job list with stable ids and prints the point count', async () => {
    const r = await runDlp(['explore', modelA, modelB, ...SWEEP, '--plan', plan]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe(`12 points (2 models × 6 hardware points) planned in ${plan}`);
    expect(r.out).toContain(`run: dlp explore --run ${plan} --shard I/12`);
    const jobs = read(plan, 'jobs.jsonl').trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; model: string; index: number });
    expect(jobs).toHaveLength(12);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(12);
    expect(jobs.map((j) => `${j.model}#${j.index}`).slice(5, 7)).toEqual(['tiny#5', 'small#0']);
    const again = join(dir, 'plan-again');
    await runDlp(['explore', modelA, modelB, ...SWEEP, '--plan', again]);
    expect(read(again, 'jobs.jsonl')).toBe(read(plan, 'jobs.jsonl'));
    const other = join(dir, 'plan-batch16');
    await runDlp(['explore', modelA, modelB, ...SWEEP, '--batch', '16', '--plan', other]);
    const otherIds = read(other, 'jobs.jsonl').trimEnd().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    expect(otherIds.some((id) => jobs.some((j) => j.id === id))).toBe(false);
  });

  it('three shards as processes, one killed after its first point and rerun, merge to the single-machine result', async () => {
    const shards = [0, 1, 2].map((i) => dlpProcess(['explore', '--run', plan, '--shard', `${i}/3`]));
    // Kill shard 0 once one of its own result files exists (point k belongs to shard k mod 3;
    // the other shards write into the same folder, so any file at all would be a race).
    const victim = shards[0]!;
    const results = join(plan, 'results');
    const ownIds = new Set(readFileSync(join(plan, 'jobs.jsonl'), 'utf8').trim().split('\n')
      .map((line) => (JSON.parse(line) as { id: string }).id).filter((_, k) => k % 3 === 0));
    const victimDone = finish(victim);
    const others = shards.slice(1).map(finish);
    const t0 = Date.now();
    while (Date.now() - t0 < 60_000 && victim.exitCode === null) {
      const mine = existsSync(results) ? readdirSync(results).filter((f) => f.endsWith('.json') && ownIds.has(f.slice(0, -5))) : [];
      if (mine.length > 0) {
        victim.kill('SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await victimDone;
    for (const o of await Promise.all(others)) {
      expect(o.err).toBe('');
      expect(o.code).toBe(0);
      expect(o.out).toMatch(/^shard [12]\/3: 4 points, 4 ran, 0 already finished$/m);
    }
    // No temp files are left behind by the killed shard's atomic writes.
    expect(readdirSync(results).every((f) => /^[0-9a-f]{16}\.json$/.test(f) || f.endsWith('.tmp'))).toBe(true);
    const partial = await runDlp(['explore', '--merge', plan]);
    expect(partial.code).toBe(0);
    const rerun = await finish(dlpProcess(['explore', '--run', plan, '--shard', '0/3']));
    expect(rerun.code).toBe(0);
    const m = /^shard 0\/3: 4 points, (\d) ran, (\d) already finished$/m.exec(rerun.out);
    expect(m).not.toBeNull();
    expect(Number(m![1]) + Number(m![2])).toBe(4);
    expect(Number(m![2])).toBeGreaterThanOrEqual(1);
    const merged = await runDlp(['explore', '--merge', plan]);
    expect(merged.code).toBe(0);
    expect(merged.out).not.toContain('missing');
    for (const f of OUTPUTS) expect(read(plan, f), f).toBe(read(ref, f));
    // Idempotent: merging again writes the same bytes.
    const before = OUTPUTS.map((f) => read(plan, f));
    await runDlp(['explore', '--merge', plan]);
    expect(OUTPUTS.map((f) => read(plan, f))).toEqual(before);
  }, 120_000);

  it('a partial merge says what is missing; a failing point records its error and the shard goes on', async () => {
    const p = join(dir, 'partial');
    await runDlp(['explore', modelA, '--sweep', 'nram.bytes=64,65536,131072', '--batch', '8', '--plan', p]);
    const r = await runDlp(['explore', '--run', p, '--shard', '0/2']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^[0-9a-f]{16} tiny #0 error: layer 'h' \(64→32\) does not fit hardware 'dlp-s'/m);
    expect(r.out).toMatch(/^shard 0\/2: 2 points, 2 ran \(1 failed\), 0 already finished$/m);
    const m = await runDlp(['explore', '--merge', p]);
    expect(m.out.split('\n')[0]).toBe('2 of 3 points finished, 1 missing');
    expect(m.out).toMatch(/ {2}missing: [0-9a-f]{16} \(tiny #1 nram\.bytes=65536\)/);
    const json = JSON.parse(read(p, 'explore.json')) as { missing: string[]; results: Array<{ index: number; error?: string }> };
    expect(json.missing).toHaveLength(1);
    expect(json.results.map((x) => x.index)).toEqual([0, 2]);
    expect(json.results[0]!.error).toContain('does not fit');
  });

  it.each([
    [['explore', '--run', join(dir, 'nowhere')], `${join(dir, 'nowhere', 'plan.json')}: no sweep plan here (make one with dlp explore MODEL --sweep ... --plan ${join(dir, 'nowhere')})`],
    [['explore', '--merge', join(dir, 'plan'), '--run', join(dir, 'plan')], '--plan, --run and --merge are separate steps; give one of them'],
    [['explore', modelA, '--sweep', 'pes=8', '--shard', '0/2'], '--shard only goes with --run DIR'],
    [['explore', modelA, '--sweep', 'pes=8', '--slurm'], '--slurm only goes with --plan DIR'],
    [['explore', '--run', join(dir, 'plan'), '--shard', '3/3'], "--shard must be I/N with 0 <= I < N (e.g. 0/4), got '3/3'"],
    [['explore', modelA, modelA, '--sweep', 'pes=8', '--plan', join(dir, 'dup')], "two models are named 'tiny'; a sweep needs distinct model names"],
    [['explore', modelA, '--sweep', 'pes=8', '--plan', dir], `--plan ${dir}: the folder is not empty and holds no sweep plan; choose an empty or new folder`],
  ])('%j fails with one line', async (args, message) => {
    const r = await runDlp(args);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`error: ${message}\n`);
  });

  it('parses shards and Slurm array variables', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    expect(errorOf(() => parseShard('1/0'))).toBe("--shard must be I/N with 0 <= I < N (e.g. 0/4), got '1/0'");
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '5' })).toEqual({ index: 2, count: 4 });
    expect(errorOf(() => shardFromEnv({}))).toBe('--shard-from-env needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (run it as a Slurm array task, or use --shard I/N)');
  });

  it('writes an sbatch job array with time and memory from the measured point', async () => {
    // 10 points in 4 tasks: 3 per task at most; 3 × 0.5 s × 3 + 120 s = 124.5 → 00:02:05.
    const s = formatSbatch('/data/sweep', 4, 10, { secondsPerPoint: 0.5, rssMiB: 300 }, '/usr/bin/node /opt/dlp/bin.js');
    expect(s).toContain('#SBATCH --array=0-3\n');
    expect(s).toContain('#SBATCH --time=00:02:05\n');
    expect(s).toContain('#SBATCH --mem=640M\n');
    expect(s).toContain('#SBATCH --output=/data/sweep/logs/shard-%a.out\n');
    expect(s).toContain('exec /usr/bin/node /opt/dlp/bin.js explore --run /data/sweep --shard-from-env\n');
    expect(slurmTime(90061)).toBe('1-01:01:01');
    const p = join(dir, 'slurm-plan');
    const r = await runDlp(['explore', modelA, ...SWEEP, '--plan', p, '--slurm', '--shards', '2']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`submit: sbatch ${join(p, 'sbatch.sh')}   (a job array of 2 tasks)`);
    expect(read(p, 'sbatch.sh')).toMatch(/#SBATCH --array=0-1\n#SBATCH --time=\d\d:\d\d:\d\d\n#SBATCH --mem=\d+M\n/);
    expect(existsSync(join(p, 'logs'))).toBe(true);
  });
});

const slurmReady = process.getuid?.() === 0 && ['sbatch', 'slurmctld', 'slurmd', 'munged'].every((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0);
if (!slurmReady) process.stderr.write('explore-cluster.test.ts: Slurm job-array test skipped (needs root and slurm-wlm + munge: apt-get install -y slurm-wlm munge)\n');

describe.skipIf(!slurmReady)('a 1,000-point sweep of two models as a Slurm job array on a local cluster', () => {
  const scratch = join(dir, 'slurm');
  const script = resolve('test/cluster/slurm-local.sh');
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    mkdirSync(scratch, { recursive: true });
    const out = execFileSync(script, ['start', scratch], { encoding: 'utf8' });
    env = { ...process.env, SLURM_CONF: /SLURM_CONF=(.*)/.exec(out)![1]! };
  }, 60_000);
  afterAll(() => {
    execFileSync(script, ['stop', scratch]);
  });

  const squeue = (job: string): string => execFileSync('squeue', ['-h', '-j', job, '-o', '%i %t'], { env, encoding: 'utf8' }).trim();
  const waitFor = async (cond: () => boolean, ms: number): Promise<void> => {
    const t0 = Date.now();
    while (!cond()) {
      if (Date.now() - t0 > ms) throw new Error('timed out waiting for the Slurm job');
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  it('plans, runs, is cancelled half-way, resumes and merges into the single-machine result', async () => {
    // 25 × 20 = 500 hardware points × 2 models = 1,000 points.
    const pes = Array.from({ length: 25 }, (_, i) => 4 + 4 * i).join(',');
    const bw = Array.from({ length: 20 }, (_, i) => 4 + 4 * i).join(',');
    const sweep = ['--sweep', `pes=${pes}`, '--sweep', `dramBytesPerCycle=${bw}`, '--batch', '8'];
    const ref = join(scratch, 'ref');
    const single = await runDlp(['explore', modelA, modelB, ...sweep, '-o', ref]);
    expect(single.code).toBe(0);
    const plan = join(scratch, 'sweep');
    const planned = await runDlp(['explore', modelA, modelB, ...sweep, '--plan', plan, '--slurm', '--shards', '4']);
    expect(planned.out.split('\n')[0]).toBe(`1000 points (2 models × 500 hardware points) planned in ${plan}`);
    const results = join(plan, 'results');
    const count = (): number => (existsSync(results) ? readdirSync(results).filter((f) => f.endsWith('.json')).length : 0);
    const job = execFileSync('sbatch', ['--parsable', join(plan, 'sbatch.sh')], { env, encoding: 'utf8' }).trim();
    await waitFor(() => count() >= 300, 300_000);
    execFileSync('scancel', [job], { env });
    await waitFor(() => squeue(job) === '', 60_000);
    const half = count();
    expect(half).toBeLessThan(1000);
    const partial = await runDlp(['explore', '--merge', plan]);
    expect(partial.out.split('\n')[0]).toBe(`${half} of 1000 points finished, ${1000 - half} missing`);
    const again = execFileSync('sbatch', ['--parsable', join(plan, 'sbatch.sh')], { env, encoding: 'utf8' }).trim();
    await waitFor(() => squeue(again) === '', 600_000);
    expect(count()).toBe(1000);
    const logs = readdirSync(join(plan, 'logs')).map((f) => read(join(plan, 'logs'), f)).join('');
    expect(logs).toMatch(/already finished/);
    const merged = await runDlp(['explore', '--merge', plan]);
    expect(merged.code).toBe(0);
    for (const f of OUTPUTS) expect(read(plan, f), f).toBe(read(ref, f));
  }, 900_000);
});
