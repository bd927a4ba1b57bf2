// The element-wise steps around the products, as WebAssembly SIMD loops in the matmul
// kernels' module (so they work on resident buffers in place): the bias add, the bias
// gradient's column sums, ReLU forward and backward, and the gather of a training batch. Each is bit-identical to its loop in
// matmul.ts / activations.ts: JavaScript adds two f32 values in double precision and rounds to
// f32, which equals the f32 add (double has more than 2·24 + 2 bits); ReLU keeps x where
// x > 0 and writes +0 elsewhere (NaN and −0 included), as `v > 0 ? v : 0` does.
// Every loop runs four floats at a time and finishes with single floats.
import { Body, I32, V128, type FuncDef } from '../../kernels/wasm-encoder.js';

/** out[i, j] += bias[j] for an m×n matrix — params (out, bias, m, n). */
function addBias(): FuncDef {
  const [out, bias, m, n, end, rowEnd, row4, bp] = [0, 1, 2, 3, 4, 5, 6, 7];
  const b = new Body();
  b.get(m).get(n).mul().i32(2).shl().get(out).add().set(end);
  b.loop((rows) => {
    rows.get(out).get(end).geU().exitIf();
    rows.get(n).i32(2).shl().get(out).add().set(rowEnd);
    rows.get(n).i32(-4).and().i32(2).shl().get(out).add().set(row4);
    rows.get(bias).set(bp);
    rows.loop((l) => {
      l.get(out).get(row4).geU().exitIf();
      l.get(out).get(out).loadV().get(bp).loadV().vadd().storeV();
      l.inc(out, 16).inc(bp, 16);
    });
    rows.loop((l) => {
      l.get(out).get(rowEnd).geU().exitIf();
      l.get(out).get(out).loadF().get(bp).loadF().fadd().storeF();
      l.inc(out, 4).inc(bp, 4);
    });
  });
  return { name: 'addBias', params: [I32, I32, I32, I32], results: [], locals: [I32, I32, I32, I32], body: b };
}

/** out[j] += Σ_i x[i, j] in row order (out zeroed by the caller when not accumulating) — params (x, out, m, n). */
function sumRows(): FuncDef {
  const [x, out, m, n, end, rowEnd, row4, op] = [0, 1, 2, 3, 4, 5, 6, 7];
  const b = new Body();
  b.get(m).get(n).mul().i32(2).shl().get(x).add().set(end);
  b.loop((rows) => {
    rows.get(x).get(end).geU().exitIf();
    rows.get(n).i32(2).shl().get(x).add().set(rowEnd);
    rows.get(n).i32(-4).and().i32(2).shl().get(x).add().set(row4);
    rows.get(out).set(op);
    rows.loop((l) => {
      l.get(x).get(row4).geU().exitIf();
      l.get(op).get(op).loadV().get(x).loadV().vadd().storeV();
      l.inc(x, 16).inc(op, 16);
    });
    rows.loop((l) => {
      l.get(x).get(rowEnd).geU().exitIf();
      l.get(op).get(op).loadF().get(x).loadF().fadd().storeF();
      l.inc(x, 4).inc(op, 4);
    });
  });
  return { name: 'sumRows', params: [I32, I32, I32, I32], results: [], locals: [I32, I32, I32, I32], body: b };
}

/**
 * y[i] = g[i] where s[i] > 0, else +0 — params (s, g, y, n). With s = g = x it is ReLU's
 * forward (y = relu(x)); with s the ReLU output and g = ∂L/∂y, its backward.
 */
function maskPositive(): FuncDef {
  const [s, g, y, n, end, end4, zero] = [0, 1, 2, 3, 4, 5, 6];
  const b = new Body();
  b.get(n).i32(2).shl().get(y).add().set(end);
  b.get(n).i32(-4).and().i32(2).shl().get(y).add().set(end4);
  b.f32(0).splat().set(zero);
  b.loop((l) => {
    l.get(y).get(end4).geU().exitIf();
    l.get(y).get(g).loadV().get(s).loadV().get(zero).vgt().vand().storeV();
    l.inc(s, 16).inc(g, 16).inc(y, 16);
  });
  b.loop((l) => {
    l.get(y).get(end).geU().exitIf();
    l.get(y).get(g).loadF().f32(0).get(s).loadF().f32(0).fgt().select().storeF();
    l.inc(s, 4).inc(g, 4).inc(y, 4);
  });
  return { name: 'maskPositive', params: [I32, I32, I32, I32], results: [], locals: [I32, I32, V128], body: b };
}

/**
 * The training batch: row i of dst = row order[i] of src, for `rows` rows of rowBytes each —
 * params (dst, src, order, rows, rowBytes); order holds int32 row numbers. Rows are whole
 * copies (memory.copy), so any split of the rows between threads gives the same bytes.
 */
function gatherRows(): FuncDef {
  const [dst, src, order, rows, rowBytes, end] = [0, 1, 2, 3, 4, 5];
  const b = new Body();
  b.get(rows).i32(2).shl().get(order).add().set(end);
  b.loop((l) => {
    l.get(order).get(end).geU().exitIf();
    l.get(dst).get(order).loadI().get(rowBytes).mul().get(src).add().get(rowBytes).memoryCopy();
    l.inc(order, 4).get(dst).get(rowBytes).add().set(dst);
  });
  return { name: 'gatherRows', params: [I32, I32, I32, I32, I32], results: [], locals: [I32], body: b };
}

export function elementwiseFunctions(): FuncDef[] {
  return [addBias(), sumRows(), maskPositive(), gatherRows()];
}
