// The MNIST corner's drawing pad: pointer events (mouse, pen, finger) on a 280×280 canvas, then
// the MNIST preprocessing: 28×28 by 10×10 averaging, the ink's bounding box scaled into 20×20
// and its centre of mass moved to the centre, as the MNIST digits were made.
import { h } from './format.js';

export interface DrawPad { element: HTMLElement; canvas: HTMLCanvasElement; pixels(): Float32Array | undefined; clear(): void }

export function createDrawPad(onStroke: () => void): DrawPad {
  const SIZE = 280;
  const canvas = h('canvas', { width: String(SIZE), height: String(SIZE), class: 'pad', 'data-testid': 'pad', 'aria-label': 'drawing pad for a digit (mouse, pen or touch)' });
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  let last: [number, number] | undefined;
  let inked = false;
  const pos = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * SIZE, ((e.clientY - r.top) / r.height) * SIZE];
  };
  const clear = (): void => { g.fillStyle = '#000'; g.fillRect(0, 0, SIZE, SIZE); inked = false; };
  clear();
  canvas.addEventListener('pointerdown', (e) => { canvas.setPointerCapture(e.pointerId); last = pos(e); line(last, last); });
  canvas.addEventListener('pointermove', (e) => { if (!last) return; const p = pos(e); line(last, p); last = p; });
  const end = (): void => { if (last) { last = undefined; onStroke(); } };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  function line(a: [number, number], b: [number, number]): void {
    g.strokeStyle = '#fff'; g.lineWidth = 20; g.lineCap = 'round'; g.lineJoin = 'round';
    g.beginPath(); g.moveTo(a[0], a[1]); g.lineTo(b[0], b[1]); g.stroke();
    inked = true;
  }
  return { element: h('div', {}, canvas), canvas, pixels: () => (inked ? preprocess(g.getImageData(0, 0, SIZE, SIZE).data, SIZE) : undefined), clear };
}

/** RGBA canvas pixels (white ink on black) → 784 values in [0, 1], MNIST-style. */
export function preprocess(rgba: Uint8ClampedArray, size: number): Float32Array {
  const ink = new Float32Array(size * size);
  for (let i = 0; i < ink.length; i++) ink[i] = rgba[i * 4]! / 255;
  let x0 = size, y0 = size, x1 = -1, y1 = -1;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (ink[y * size + x]! > 0.1) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  const out = new Float32Array(784);
  if (x1 < 0) return out;
  // Scale the box so its longer side is 20 pixels, sampling by area into a 28×28 grid.
  const side = Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const scale = 20 / side;
  const box = new Float32Array(784);
  const ox = (28 - (x1 - x0 + 1) * scale) / 2, oy = (28 - (y1 - y0 + 1) * scale) / 2;
  const weight = new Float32Array(784);
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
    const tx = Math.floor(ox + (x - x0 + 0.5) * scale), ty = Math.floor(oy + (y - y0 + 0.5) * scale);
    if (tx < 0 || ty < 0 || tx > 27 || ty > 27) continue;
    box[ty * 28 + tx]! += ink[y * size + x]!; weight[ty * 28 + tx]! += 1;
  }
  const cell = 1 / (scale * scale);
  for (let i = 0; i < 784; i++) box[i] = Math.min(1, box[i]! / Math.max(cell, weight[i]!));
  // Shift the centre of mass to (14, 14).
  let m = 0, mx = 0, my = 0;
  for (let i = 0; i < 784; i++) { m += box[i]!; mx += (i % 28) * box[i]!; my += Math.floor(i / 28) * box[i]!; }
  const dx = Math.round(13.5 - mx / m), dy = Math.round(13.5 - my / m);
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
    const sx = x - dx, sy = y - dy;
    if (sx >= 0 && sy >= 0 && sx < 28 && sy < 28) out[y * 28 + x] = box[sy * 28 + sx]!;
  }
  return out;
}
