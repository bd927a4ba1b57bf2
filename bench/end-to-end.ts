// Benchmark 5 — end to end: wall time of `dlp mnist` with its defaults (or `--quick` in a
// quick bench), spawned as a user would run it, with its --json summary kept. Uses the built
// CLI (dist/dlp/bin.cjs, the bundle) when it has the mnist command, else the TypeScript sources via tsx.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EndToEndResult {
  command: string;
  quick: boolean;
  wallSeconds?: number;
  exitCode: number;
  /** The fields of `dlp mnist --json` the bench reports. */
  summary?: Record<string, unknown>;
  error?: string;
}

/** The repository root, from bench/ (sources) or dist/bench/ (built). */
export function findRepoRoot(): string {
  for (const up of ['..', '../..']) {
    const dir = fileURLToPath(new URL(`${up}/`, import.meta.url));
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return process.cwd();
}

function cliCommand(root: string): string[] {
  if (existsSync(join(root, 'dist/cli/commands/mnist.js'))) return ['dist/dlp/bin.cjs'];
  return ['--import', 'tsx', 'cli/bin.ts'];
}

const KEPT = ['hostAccuracy', 'dlpAccuracy', 'cpuForwardSeconds', 'dlpSeconds', 'speedup', 'cycles', 'mfuUtilization', 'energyJoules'];

/** The --json object (pretty-printed or one line), reduced to the KEPT fields. */
function parseSummary(stdout: string): Record<string, unknown> | undefined {
  const candidates = [stdout, stdout.trim().split('\n').filter((l) => l.startsWith('{')).slice(-1)[0] ?? ''];
  for (const text of candidates) {
    try {
      const all = JSON.parse(text) as Record<string, unknown>;
      return Object.fromEntries(KEPT.filter((k) => k in all).map((k) => [k, all[k]]));
    } catch {
      // try the next form
    }
  }
  return undefined;
}

export async function benchEndToEnd(quick: boolean): Promise<EndToEndResult> {
  const root = findRepoRoot();
  const out = mkdtempSync(join(tmpdir(), 'dlp-bench-mnist-'));
  const args = [...cliCommand(root), 'mnist', '--json', '--out', join(out, 'report'), ...(quick ? ['--quick'] : [])];
  const command = `node ${args.join(' ')}`;
  const t0 = performance.now();
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let so = '';
      let se = '';
      child.stdout.on('data', (d: Buffer) => (so += d.toString()));
      child.stderr.on('data', (d: Buffer) => (se += d.toString()));
      child.on('close', (c) => resolve({ code: c ?? 1, stdout: so, stderr: se }));
      child.on('error', (e) => resolve({ code: 1, stdout: so, stderr: e.message }));
    });
    const wallSeconds = (performance.now() - t0) / 1000;
    if (code !== 0) return { command, quick, exitCode: code, error: stderr.trim().split('\n').slice(-1)[0] ?? 'failed' };
    const summary = parseSummary(stdout);
    return { command, quick, wallSeconds, exitCode: 0, summary };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
