// What every lab checker returns: a list of named cases, each with its own verdict and the
// specific evidence (expected vs got), plus an optional score (tiers) and measured metrics.
// The CLI and the tests both consume this structure; printing it is one function here.
import type { HostTiming } from '../../cli/report/host-timing.js';

export interface CaseResult {
  /** Short, stable name of the case ("dense forward, batch 3", "question 4"). */
  name: string;
  passed: boolean;
  /** One or two sentences: what was checked and, on failure, what to look at. */
  detail: string;
  expected?: string;
  got?: string;
}

export interface CheckResult {
  /** Two-digit lab id, e.g. "03". */
  lab: string;
  title: string;
  /** Folder whose files were checked (starter, solution or the student's copy). */
  dir: string;
  /** 'quick' runs on subsets with explicitly lowered thresholds (used by the project's tests). */
  mode: 'full' | 'quick';
  passed: boolean;
  cases: CaseResult[];
  /** Points for tiered labs (e.g. MNIST accuracy tiers 80/90/100). */
  score?: { points: number; of: number; tier: string };
  /** Measured numbers worth showing (cycles, accuracy, ...). */
  metrics: Record<string, number>;
  notes: string[];
  seconds: number;
}

/** Options every checker accepts. */
export interface CheckOptions {
  /** Folder with the files to check; defaults to the lab folder itself (the starter files). */
  dir?: string;
  /** Check the reference solution (same as dir = <lab>/solution). */
  solution?: boolean;
  /** Labs that extend dlpkit itself (07): the checkout to check (default: the current
   * directory when it is a dlpkit checkout, else the repository the lab belongs to). */
  root?: string;
  /** Subset / fewer cases / lower thresholds, each labelled as such in the output. */
  quick?: boolean;
  /** Show the expected value of numeric answers and the compiler's choices. Honoured in
   * instructor mode only (see `instructor`); students get the direction and size of their error,
   * and labs with a reference choice (04) show it once the student passes. */
  reveal?: boolean;
  /** Instructor mode: `--solution`, or DLP_INSTRUCTOR=1 in the environment (set by the CLI). */
  instructor?: boolean;
  /** Progress lines (e.g. training epochs); silent when absent. */
  log?: (line: string) => void;
  /** Times a host computation (lab 10's CPU forward pass). Default: the process CPU time of
   * timed runs after warm-ups, as `dlp mnist` times it. Tests pass fixed timings, so a grade
   * they assert never depends on the speed of the machine running them. */
  timeHost?: (run: () => void) => HostTiming;
}

/** True when expected values may be shown: `--reveal` in instructor mode. */
export function canReveal(opts: CheckOptions): boolean {
  return !!opts.reveal && (!!opts.instructor || !!opts.solution);
}

/** The note a student gets for `--reveal` outside instructor mode. */
export const REVEAL_REFUSED = '--reveal shows expected values to teachers only (DLP_INSTRUCTOR=1); students see them once they pass';

/** Collects cases while a checker runs; a case that throws is recorded as failed with the error. */
export class CaseList {
  readonly cases: CaseResult[] = [];
  readonly notes: string[] = [];
  readonly metrics: Record<string, number> = {};

  add(c: CaseResult): CaseResult {
    this.cases.push(c);
    return c;
  }

  pass(name: string, detail: string, got?: string): void {
    this.add({ name, passed: true, detail, ...(got !== undefined ? { got } : {}) });
  }

  fail(name: string, detail: string, expected?: string, got?: string): void {
    this.add({ name, passed: false, detail, ...(expected !== undefined ? { expected } : {}), ...(got !== undefined ? { got } : {}) });
  }

  /** Runs one case body; an exception from student code becomes a failed case naming the error. */
  async run(name: string, body: () => CaseResult | Promise<CaseResult>): Promise<CaseResult> {
    try {
      const c = await body();
      return this.add({ ...c, name });
    } catch (e) {
      return this.add({ name, passed: false, detail: `threw: ${describeError(e)}` });
    }
  }

  get passed(): boolean {
    return this.cases.length > 0 && this.cases.every((c) => c.passed);
  }
}

export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0] ?? e.name;
  return String(e);
}

/** Formats a number for feedback: enough digits to see a difference, no noise. */
export function fmt(x: number | undefined | null, digits = 6): string {
  if (x === undefined || x === null) return String(x);
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  return Number(x.toPrecision(digits)).toString();
}

/** Human-readable report of a check, as `dlp lab check` prints it. */
export function formatResult(r: CheckResult): string {
  const lines: string[] = [];
  lines.push(`Lab ${r.lab} — ${r.title}${r.mode === 'quick' ? ' [quick mode: subset, lowered thresholds]' : ''}`);
  lines.push(`checking ${r.dir}`);
  for (const c of r.cases) {
    lines.push(`  ${c.passed ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
    if (!c.passed && c.expected !== undefined) lines.push(`        expected: ${c.expected}`);
    if (!c.passed && c.got !== undefined) lines.push(`        got:      ${c.got}`);
  }
  const metrics = Object.entries(r.metrics);
  if (metrics.length) lines.push(`  metrics: ${metrics.map(([k, v]) => `${k}=${fmt(v)}`).join(', ')}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  if (r.score) lines.push(`  score: ${r.score.points}/${r.score.of} (${r.score.tier})`);
  const failed = r.cases.filter((c) => !c.passed).length;
  lines.push(
    r.passed
      ? `PASSED: all ${r.cases.length} cases (${r.seconds.toFixed(1)} s)`
      : `FAILED: ${failed} of ${r.cases.length} cases (${r.seconds.toFixed(1)} s)`,
  );
  return lines.join('\n');
}

/** Static facts about a lab, shared by its checker, the registry and the CLI. */
export interface LabInfo {
  id: string;
  /** Folder name under labs/, e.g. '01-forward-backward'. */
  folder: string;
  title: string;
  /** Expected time for a student, in minutes. */
  minutes: number;
  /** Files a student gets (relative to the lab folder); nothing else of the folder is handed out. */
  handout: readonly string[];
}

/** Assembles the CheckResult at the end of a checker run. */
export function finishCheck(
  info: LabInfo,
  dir: string,
  opts: CheckOptions,
  list: CaseList,
  started: number,
  extra: { score?: CheckResult['score']; passed?: boolean } = {},
): CheckResult {
  return {
    lab: info.id,
    title: info.title,
    dir,
    mode: opts.quick ? 'quick' : 'full',
    passed: extra.passed ?? list.passed,
    cases: list.cases,
    ...(extra.score ? { score: extra.score } : {}),
    metrics: list.metrics,
    notes: list.notes,
    seconds: (performance.now() - started) / 1000,
  };
}
