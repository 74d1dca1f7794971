/**
 * The two products of the L-BFGS training (lib/kernels/logistic-kernels.ts): the WebAssembly kernels against the
 * order of operations their source documents (emulated here in float64, tolerance 0), and against the JavaScript
 * twins, which sum in another order (so: equal within rounding, 1e-13 relative to the sum of magnitudes).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeLogisticKernels, type LogisticKernels } from "../../lib/kernels/logistic-kernels";
import { seededUniform } from "../../lib/studies/scaling";

/** A heap laid out as the training lays it: X [n, stride] at 0, w [stride], r [n], and two outputs. */
function fill(k: LogisticKernels, n: number, stride: number, next: () => number) {
  const at = { x: 0, w: n * stride, r: n * stride + stride, scores: n * stride + stride + n, xtr: n * stride + stride + 2 * n };
  for (let i = 0; i < n * stride + stride + n; i++) k.heap[i] = (next() - 0.5) * (i % 7 === 0 ? 1e3 : 1);
  return at;
}

/** scores as the WebAssembly kernel orders it: 8 partial sums (j mod 8), (a0 + a1) + (a2 + a3) per lane, lanes, + b. */
function scoresOrder(H: Float64Array, x: number, n: number, stride: number, w: number, b: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = new Float64Array(8);
    for (let j = 0; j < stride; j++) a[j % 8] += H[x + i * stride + j] * H[w + j];
    const lane0 = a[0] + a[2] + (a[4] + a[6]);
    const lane1 = a[1] + a[3] + (a[5] + a[7]);
    out[i] = lane0 + lane1 + b;
  }
  return out;
}

/** xtr as the WebAssembly kernel orders it: rows four at a time, out += (r0·x0 + r1·x1) + (r2·x2 + r3·x3). */
function xtrOrder(H: Float64Array, x: number, n: number, stride: number, r: number): Float64Array {
  const out = new Float64Array(stride);
  for (let i = 0; i < n; i += 4) {
    for (let j = 0; j < stride; j++) {
      const row = (q: number): number => H[r + i + q] * H[x + (i + q) * stride + j];
      out[j] += row(0) + row(1) + (row(2) + row(3));
    }
  }
  return out;
}

test("WebAssembly products: exactly the order of logistic-kernels.as.ts.in; the JavaScript twins agree within rounding", () => {
  const next = seededUniform(41);
  for (const [n, stride] of [[4, 8], [8, 64], [36, 16], [1348, 72]] as const) {
    const wasm = makeLogisticKernels(n * stride + stride + 2 * n + stride, "wasm");
    const js = makeLogisticKernels(wasm.heap.length, "js");
    assert.equal(wasm.kind, "wasm");
    const at = fill(wasm, n, stride, next);
    js.heap.set(wasm.heap);
    const b = 0.25;
    wasm.scores(at.x, n, stride, at.w, b, at.scores);
    js.scores(at.x, n, stride, at.w, b, at.scores);
    wasm.xtr(at.x, n, stride, at.r, at.xtr);
    js.xtr(at.x, n, stride, at.r, at.xtr);
    const label = `[${n}, ${stride}]`;
    assert.deepEqual(wasm.heap.subarray(at.scores, at.scores + n), scoresOrder(wasm.heap, at.x, n, stride, at.w, b), `${label} scores`);
    assert.deepEqual(wasm.heap.subarray(at.xtr, at.xtr + stride), xtrOrder(wasm.heap, at.x, n, stride, at.r), `${label} xtr`);
    for (const [name, off, len] of [["scores", at.scores, n], ["xtr", at.xtr, stride]] as const) {
      for (let i = 0; i < len; i++) {
        const a = wasm.heap[off + i];
        const e = js.heap[off + i];
        assert.ok(Math.abs(a - e) <= 1e-13 * (1e3 * 72 * 1348), `${label} ${name}[${i}]: ${a} vs ${e}`);
      }
    }
  }
});
