// Running a student's program as its own process: `node --import tsx FILE` with the tsconfig
// that maps `dlpkit/*` to this installation (so it works from any folder), a wall-clock limit
// (the process is killed when it is exceeded) and the output kept for feedback.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { DlpError } from '../../isa/errors.js';
import { checkModuleScope, studentTsconfig } from './load.js';

export interface ProgramRun {
  code: number | null;
  /** True when the time limit killed it. */
  timedOut: boolean;
  seconds: number;
  /** The last lines of stdout and stderr (for feedback). */
  tail: string[];
}

/** Runs `file` with node + tsx in its own folder; `env` adds variables; lines go to `log`. */
export function runStudentProgram(
  file: string,
  opts: { env?: Record<string, string>; timeoutSeconds: number; args?: string[]; log?: (line: string) => void },
): Promise<ProgramRun> {
  const path = resolve(file);
  if (!existsSync(path)) throw new DlpError(`missing file ${path}`);
  checkModuleScope(dirname(path));
  // '.' of tsx is its ESM loader; resolved here because the student's folder has no node_modules
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', tsx, basename(path), ...(opts.args ?? [])], {
      cwd: dirname(path),
      env: { ...process.env, TSX_TSCONFIG_PATH: studentTsconfig(), ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const take = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        opts.log?.(`  | ${line}`);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutSeconds * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(new DlpError(`cannot start node for ${path}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, timedOut, seconds: (performance.now() - started) / 1000, tail });
    });
  });
}
