// The playground page: wires the editor, the machine controls, the worker and the panels.
// State flows one way: controls → state → URL hash + worker → result → panels.
import workerSource from 'worker-source';
import mnistMlp from '../../examples/mnist.mlp';
import courseMlp from '../../examples/course-mnist.mlp';
import denseReluDlps from '../../examples/dense-relu.dlps';
import { loadPreset, presetNames } from '../../isa/index.js';
import { breakdownBar, layerTable, roofline, summary } from './charts.js';
import { createDrawPad } from './digits.js';
import { createEditor } from './editor.js';
import { h } from './format.js';
import { formatInt, formatPercent } from '../../simulator/index.js';
import type { PlaygroundState, Request, Response, RunResult, SourceKind } from './protocol.js';
import { decodeState, encodeState } from './state.js';
import { createStepPanel } from './step.js';
import { createTimeline } from './timeline.js';

const EXAMPLES: { name: string; kind: SourceKind; text: string }[] = [
  { name: 'examples/mnist.mlp (784-128-64-10)', kind: 'mlp', text: mnistMlp },
  { name: 'examples/course-mnist.mlp (784-32-16-10)', kind: 'mlp', text: courseMlp },
  { name: 'examples/dense-relu.dlps (assembly)', kind: 'dlps', text: denseReluDlps },
];
export const DEFAULT_STATE: PlaygroundState = { kind: 'mlp', text: mnistMlp, preset: 'dlp-s', params: {}, batch: 1, dtype: 'int8', seed: 1 };

/** Hardware parameters the editor offers (dotted paths into the config); only those present
 * in the chosen preset are shown. */
const PARAMS = ['clockHz', 'dram.bytesPerCycle', 'dram.latencyCycles', 'dram.burstBytes', 'nram.bytes', 'wram.bytes',
  'mfu.pes', 'mfu.lanes', 'mfu.rows', 'mfu.cols', 'vfu.lanes', 'queues.load', 'queues.compute', 'queues.store'];

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
let state: PlaygroundState = { ...DEFAULT_STATE };
let lastResult: RunResult | undefined;

// --- worker: one request in flight; the newest state waits behind it -------------------
const worker = new Worker(URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' })));
let nextId = 1, inFlight = 0, pending = false;
let digitId = 0;
worker.onmessage = (ev: MessageEvent<Response>) => {
  const m = ev.data;
  if (m.type === 'digit') { if (m.id === digitId) showDigit(m); return; }
  if (m.id !== inFlight) return;
  inFlight = 0;
  if (m.ok) showResult(m.result); else showError(m.error.message, m.error.line, m.error.column);
  editor.showError(m.ok ? undefined : m.error);
  if (pending) { pending = false; run(); }
};
worker.onerror = (e) => showError(`worker failed: ${e.message}`);

function run(): void {
  if (inFlight) { pending = true; return; }
  inFlight = nextId++;
  $('status').textContent = 'compiling and simulating…';
  $('status').className = 'status busy';
  worker.postMessage({ type: 'run', id: inFlight, state } satisfies Request);
}

let debounce: ReturnType<typeof setTimeout> | undefined;
function changed(delay = 300): void {
  clearTimeout(debounce);
  debounce = setTimeout(() => { run(); void saveUrl(); }, delay);
}

async function saveUrl(): Promise<void> {
  const hash = await encodeState(state);
  history.replaceState(null, '', hash);
}

// --- results --------------------------------------------------------------------------
function showError(message: string, line?: number, column?: number): void {
  const where = line !== undefined ? `line ${line}${column !== undefined ? `, column ${column}` : ''}: ` : '';
  const s = $('status');
  s.textContent = `${where}${message}`;
  s.className = 'status error';
  s.setAttribute('data-testid', 'error');
}

function showResult(r: RunResult): void {
  lastResult = r;
  const s = $('status');
  s.textContent = `ok — ${formatInt(r.report.cycles)} cycles on ${r.report.hardware}`;
  s.className = 'status ok';
  s.setAttribute('data-testid', 'status');
  $('summary').replaceChildren(summary(r));
  $('breakdown').replaceChildren(breakdownBar(r));
  $('roofline').replaceChildren(roofline(r));
  $('layers').replaceChildren(layerTable(r));
  timeline.setResult(r);
  steps.setResult(r);
}

// --- controls -------------------------------------------------------------------------
let applying = false;
const editor = createEditor($('editor'), (text) => { if (applying) return; state = { ...state, text }; changed(); });
const timeline = createTimeline((i) => steps.select(i));
const steps = createStepPanel((i) => timeline.setCursor(i));
$('timeline').append(timeline.element);
$('step').append(steps.element);

const presetSel = $<HTMLSelectElement>('preset');
for (const p of presetNames()) presetSel.append(h('option', { value: p }, p));
const exampleSel = $<HTMLSelectElement>('example');
EXAMPLES.forEach((e, k) => exampleSel.append(h('option', { value: String(k) }, e.name)));

function renderParams(): void {
  const hw = loadPreset(state.preset) as unknown as Record<string, unknown>;
  const box = $('params');
  box.replaceChildren();
  for (const path of PARAMS) {
    const base = path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), hw);
    if (typeof base !== 'number') continue;
    const id = `param-${path.replace(/\./g, '-')}`;
    const input = h('input', { id, type: 'number', min: '0', step: 'any', value: String(state.params[path] ?? base), 'data-path': path });
    input.addEventListener('change', () => {
      const v = Number(input.value);
      const params = { ...state.params };
      if (!Number.isFinite(v) || v === base || input.value === '') delete params[path]; else params[path] = v;
      state = { ...state, params };
      changed(0);
    });
    box.append(h('label', { for: id }, path), input);
  }
}

function applyState(s: PlaygroundState): void {
  state = s;
  applying = true;
  editor.setText(s.text, s.kind);
  applying = false;
  presetSel.value = s.preset;
  $<HTMLInputElement>('batch').value = String(s.batch);
  $<HTMLSelectElement>('dtype').value = s.dtype;
  $<HTMLSelectElement>('kind').value = s.kind;
  renderParams();
}

presetSel.addEventListener('change', () => { state = { ...state, preset: presetSel.value, params: {} }; renderParams(); changed(0); });
$('batch').addEventListener('change', () => {
  const b = Number($<HTMLInputElement>('batch').value);
  if (Number.isInteger(b) && b >= 1) { state = { ...state, batch: b }; changed(0); } else showError('batch must be a whole number >= 1');
});
$('dtype').addEventListener('change', () => { state = { ...state, dtype: $<HTMLSelectElement>('dtype').value as PlaygroundState['dtype'] }; changed(0); });
$('kind').addEventListener('change', () => { state = { ...state, kind: $<HTMLSelectElement>('kind').value as SourceKind }; applying = true; editor.setText(state.text, state.kind); applying = false; changed(0); });
$('load-example').addEventListener('click', () => {
  const e = EXAMPLES[Number(exampleSel.value)]!;
  applyState({ ...state, kind: e.kind, text: e.text });
  changed(0);
});
$('reset-params').addEventListener('click', () => { state = { ...state, params: {} }; renderParams(); changed(0); });

function download(name: string, text: string): void {
  const a = h('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/json' })), download: name });
  document.body.append(a); a.click(); a.remove();
}
$('export-report').addEventListener('click', () => { if (lastResult) download('report.json', `${JSON.stringify(lastResult.report, null, 2)}\n`); });
$('export-trace').addEventListener('click', () => { if (lastResult) download('trace.json', lastResult.traceJson); });
$('copy-link').addEventListener('click', async () => {
  await saveUrl();
  try { await navigator.clipboard.writeText(location.href); $('link-note').textContent = 'link copied'; } catch { $('link-note').textContent = 'the address bar holds the link'; }
});

// --- MNIST corner ---------------------------------------------------------------------
const pad = createDrawPad(() => classify());
$('pad').append(pad.element);
const bars = $('probs');
for (let d = 0; d < 10; d++) bars.append(h('div', { class: 'prob' }, h('span', {}, String(d)), h('meter', { min: '0', max: '1', value: '0', 'data-testid': `prob-${d}` }), h('output', {}, '')));
$('clear-pad').addEventListener('click', () => { pad.clear(); $('digit').textContent = '–'; $('digit-cycles').textContent = ''; });
$('classify').addEventListener('click', () => classify());
function classify(): void {
  const pixels = pad.pixels();
  if (!pixels) return;
  digitId = nextId++;
  $('digit').textContent = '…';
  worker.postMessage({ type: 'digit', id: digitId, pixels } satisfies Request);
}
function showDigit(m: Extract<Response, { type: 'digit' }>): void {
  if (!m.ok) { $('digit').textContent = '?'; $('digit-cycles').textContent = m.error.message; return; }
  $('digit').textContent = String(m.result.digit);
  $('digit-cycles').textContent = `${formatInt(m.result.cycles)} cycles on dlp-s (int8)`;
  m.result.probabilities.forEach((p, d) => {
    const row = bars.children[d]!;
    (row.querySelector('meter') as HTMLMeterElement).value = p;
    row.querySelector('output')!.textContent = formatPercent(p);
  });
}

// --- start ----------------------------------------------------------------------------
void (async () => {
  const fromUrl = await decodeState(location.hash);
  const s = { ...DEFAULT_STATE, ...(fromUrl ?? {}) };
  if (!presetNames().includes(s.preset)) s.preset = DEFAULT_STATE.preset;
  applyState(s);
  run();
})();
