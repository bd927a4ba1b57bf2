// Running a checker as a script: `node --import tsx labs/NN-name/check.ts [--dir D] [--quick]`
// prints the report and exits 0 on pass, 1 on fail (2 when the checker itself cannot run).
import { DlpError } from '../../isa/errors.js';
import { isMain, parseCheckArgs } from './load.js';
import { formatResult, type CheckOptions, type CheckResult } from './result.js';

export async function runCheckerMain(url: string, check: (o: CheckOptions) => Promise<CheckResult>): Promise<void> {
  if (!isMain(url)) return;
  try {
    const r = await check(parseCheckArgs(process.argv.slice(2)));
    process.stdout.write(`${formatResult(r)}\n`);
    process.exitCode = r.passed ? 0 : 1;
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exitCode = e instanceof DlpError ? 1 : 2;
  }
}
