// The playground in a real browser: playwright-core driving the system's Chromium (Debian's
// `chromium` package; .ci/run installs it). Without a Chromium these tests are skipped and say
// so. The site is built first (esbuild, a few seconds) into test-output/web, opened from
// file:// as a student would open the built folder, and a screenshot is left at
// test-output/playground.png (docs/img/playground.png is a copy of one).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../isa/index.js';
import { loadHardware, readProgramFile } from '../../isa/node.js';
import { parseMlp, writeInputs } from '../../compiler/index.js';
import { simulate } from '../../simulator/index.js';
import { compileFromCli } from '../../cli/commands/compile.js';
import { DlpError } from '../../isa/errors.js';
import { buildSite } from '../../web/build.mjs';

function findChromium(): string | undefined {
  const env = process.env.DLP_CHROMIUM;
  if (env) return existsSync(env) ? env : undefined;
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) if (existsSync(p)) return p;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const CHROMIUM = findChromium();
const SKIP_NOTE = `test/web/playground.test.ts: SKIPPED — no Chromium found (apt-get install -y chromium, or set DLP_CHROMIUM to its path${process.env.DLP_CHROMIUM ? `; DLP_CHROMIUM=${process.env.DLP_CHROMIUM} does not exist` : ''})`;
if (!CHROMIUM) console.warn(SKIP_NOTE);

const OUT = resolve('test-output');
const SITE = join(OUT, 'web');
let browser: Browser;
let pageUrl: string;

/** Opens the page, collecting console errors and uncaught exceptions. */
async function open(url = pageUrl): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

async function shownCycles(page: Page): Promise<number> {
  await page.waitForSelector('[data-testid=cycles]', { timeout: 60_000 });
  return Number((await page.textContent('[data-testid=cycles]'))!.replace(/,/g, ''));
}

async function replaceSource(page: Page, text: string): Promise<void> {
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

async function editorText(page: Page): Promise<string> {
  return page.evaluate("[...document.querySelectorAll('.cm-line')].map((l) => l.innerText.replace(/\\n$/, '')).join('\\n')") as Promise<string>;
}

describe.skipIf(!CHROMIUM)(CHROMIUM ? 'playground in Chromium' : SKIP_NOTE, () => {
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    await buildSite(SITE);
    pageUrl = pathToFileURL(join(SITE, 'index.html')).href;
    // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => { await browser?.close(); });

  it('loads from file:// with no console errors and shows the cycles `dlp run` reports', async () => {
    const { page, errors } = await open();
    const cycles = await shownCycles(page);
    // The CLI's own path (cli/commands/run.ts): compileFromCli with run's defaults, inputs
    // from the same seed, then simulate.
    const { bundle, hw, model } = compileFromCli('examples/mnist.mlp', { hw: 'dlp-s', dtype: 'int8', batch: '1', seed: '1', schedule: 'tuned' });
    const rng = createRng(1);
    const x = new Float32Array(bundle.batch * model.inputSize);
    for (let i = 0; i < x.length; i++) x[i] = rng();
    const dram = bundle.image.slice();
    writeInputs(bundle, dram, x);
    const expected = simulate(bundle.program, hw, { dram }).report.cycles;
    expect(cycles).toBe(expected);
    // The stacked bar accounts for every cycle.
    const segments = await page.$$eval('[data-testid=breakdown] [data-cycles]', (els) => els.map((e) => Number(e.getAttribute('data-cycles'))));
    expect(segments.reduce((a, b) => a + b, 0)).toBe(expected);
    expect(await page.inputValue('[data-testid=preset]')).toBe('dlp-s');
    expect(await page.inputValue('[data-testid=batch]')).toBe('1');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a syntax error at its line and column, in the status and in the editor', async () => {
    const { page, errors } = await open();
    await shownCycles(page);
    const bad = 'model m {\n  input 784\n  dense fc1: 128 relu\n  dense fc2: ten relu\n}\n';
    // Where the grammar itself puts the error (line 4, the column of "ten").
    let loc: { line?: number; column?: number } = {};
    try { parseMlp(bad, 'model.mlp'); } catch (e) { loc = (e as DlpError).loc; }
    expect(loc).toMatchObject({ line: 4, column: 14 });
    await replaceSource(page, bad);
    const status = page.locator('[data-testid=error]');
    await status.waitFor({ timeout: 30_000 });
    expect(await status.textContent()).toMatch(/^line 4, column 14: /);
    // The lint mark sits on the fourth line of the editor.
    const marked = await page.$$eval('.cm-line', (lines) => lines.findIndex((l) => l.querySelector('.cm-lintRange-error') !== null));
    expect(marked).toBe(3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('classifies a drawn vertical stroke as 1', async () => {
    const { page, errors } = await open();
    await shownCycles(page);
    await page.locator('[data-testid=pad]').scrollIntoViewIfNeeded();
    const box = (await page.locator('[data-testid=pad]').boundingBox())!;
    const x = box.x + box.width / 2;
    await page.mouse.move(x, box.y + box.height * 0.15);
    await page.mouse.down();
    for (let k = 1; k <= 20; k++) await page.mouse.move(x, box.y + box.height * (0.15 + 0.7 * (k / 20)));
    await page.mouse.up();
    await page.waitForFunction("/^[0-9]$/.test(document.querySelector('[data-testid=digit]').textContent)", undefined, { timeout: 60_000 });
    expect(await page.textContent('[data-testid=digit]')).toBe('1');
    expect(await page.textContent('[data-testid=digit-cycles]')).toMatch(/^[\d,]+ cycles on dlp-s \(int8\)$/);
    // The screenshot for people to look at: a run, the step-through mid-program and the digit.
    await page.locator('[data-testid=step-range]').fill('9');
    await page.screenshot({ path: join(OUT, 'playground.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('round-trips the state through the URL', async () => {
    const { page, errors } = await open();
    await shownCycles(page);
    const text = 'model shared {\n  input 64\n  dense a: 32 relu\n  dense b: 10\n}';
    await replaceSource(page, text);
    await page.selectOption('[data-testid=preset]', 'edge-tiny');
    await page.fill('[data-testid=batch]', '4');
    await page.press('[data-testid=batch]', 'Enter');
    await page.locator('[data-testid=batch]').blur();
    await page.waitForFunction("document.querySelector('#status').textContent.includes('edge-tiny')", undefined, { timeout: 60_000 });
    await page.waitForFunction("location.hash.startsWith('#s=')");
    await page.waitForTimeout(500); // the hash is written after the debounce
    const cycles = await shownCycles(page);
    const url = page.url();
    await page.close();

    const again = await open(url);
    expect(await shownCycles(again.page)).toBe(cycles);
    expect(await editorText(again.page)).toBe(text);
    expect(await again.page.inputValue('[data-testid=preset]')).toBe('edge-tiny');
    expect(await again.page.inputValue('[data-testid=batch]')).toBe('4');
    expect([...errors, ...again.errors]).toEqual([]);
    await again.page.close();
  });

  it('runs the assembly example as `dlp simulate` does and exports the report and the trace', async () => {
    const { page, errors } = await open();
    await shownCycles(page);
    await page.selectOption('#example', '2'); // examples/dense-relu.dlps
    await page.click('#load-example');
    const expected = simulate(readProgramFile('examples/dense-relu.dlps'), loadHardware('dlp-s')).report.cycles;
    await page.waitForFunction(`document.querySelector('[data-testid=cycles]')?.textContent.replace(/,/g, '') === '${expected}'`, undefined, { timeout: 60_000 });
    const [report] = await Promise.all([page.waitForEvent('download'), page.click('#export-report')]);
    expect(report.suggestedFilename()).toBe('report.json');
    expect(JSON.parse(readFileSync((await report.path())!, 'utf8')).cycles).toBe(expected);
    const [trace] = await Promise.all([page.waitForEvent('download'), page.click('#export-trace')]);
    const events = (JSON.parse(readFileSync((await trace.path())!, 'utf8')) as { traceEvents: { ph: string; args?: { endCycle?: number } }[] }).traceEvents;
    // Perfetto slices end by the last cycle, and the last one ends exactly there.
    expect(Math.max(...events.filter((e) => e.ph === 'X').map((e) => e.args?.endCycle ?? 0))).toBe(expected);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is keyboard usable: Tab leaves the editor, the timeline zooms with +, steps with the buttons', async () => {
    const { page, errors } = await open();
    await shownCycles(page);
    await page.click('.cm-content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate("document.activeElement.closest('.cm-editor') === null")).toBe(true);
    await page.focus('[data-testid=timeline]');
    const before = await page.textContent('.timeline .note');
    await page.keyboard.press('+');
    expect(await page.textContent('.timeline .note')).not.toBe(before);
    await page.focus('[data-testid=step-next]');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    expect(await page.textContent('[data-testid=step-instr]')).toMatch(/^#2 /);
    expect(errors).toEqual([]);
    await page.close();
  });
});
