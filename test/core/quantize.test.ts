import { test } from "node:test";
import assert from "node:assert/strict";
import { matrix } from "../../lib/core/matrix";
import { dequantizePerTensor, dequantizeRows, quantizeModel, quantizePerTensor, quantizeRows } from "../../lib/core/quantize";
import { sklearnGolden } from "../helpers/golden-data";

const g = sklearnGolden;

test("quantizePerTensor = the original's quantize_per_tensor, byte for byte, on NumPy's edge cases", () => {
  assert.ok(g.quant_cases.length >= 9);
  for (const c of g.quant_cases) {
    const r = quantizePerTensor(Float32Array.from(c.w));
    assert.deepEqual(Array.from(r.q), c.q, `q of ${c.w.length} weights`);
    assert.equal(r.scale, c.scale);
    assert.equal(r.zp, c.zp);
    assert.deepEqual(Array.from(dequantizePerTensor(r.q, Math.fround(r.scale), r.zp)), c.deq.map(Math.fround));
  }
});

test("a constant tensor gives scale 1, zero-point 0 and zeros, as in the original", () => {
  const r = quantizePerTensor(new Float32Array([0.25, 0.25, 0.25]));
  assert.deepEqual(r, { q: new Int8Array(3), scale: 1, zp: 0 });
});

test("a worked example: [-1, 0, 0.5, 1] → [-127, 0, 64, 127] with zp 0 (float32: -1/scale = -127.49999)", () => {
  const r = quantizePerTensor(new Float32Array([-1, 0, 0.5, 1]));
  assert.deepEqual(Array.from(r.q), [-127, 0, 64, 127]); // NumPy gives the same
  assert.equal(r.scale, 2 / 255);
  assert.equal(r.zp, 0);
});

test("quantizing scikit-learn's own weights row by row gives the original's qW, scales and zps exactly", () => {
  const W = matrix(Float32Array.from(g.coef_float32.flat()), 10, 64);
  const rq = quantizeRows(W);
  assert.deepEqual(Array.from(rq.q.data), g.qW.flat());
  assert.deepEqual(Array.from(rq.zeroPoints), g.zps);
  assert.deepEqual(Array.from(rq.scales), g.scales.map(Math.fround));
  for (let k = 0; k < 10; k++) assert.equal(quantizePerTensor(W.data.subarray(k * 64, (k + 1) * 64)).scale, g.scales_float64[k]);
  assert.deepEqual(Array.from(dequantizeRows(rq).data), g.W_deq.flat().map(Math.fround));
  const qm = quantizeModel({ coef: W, intercept: Float32Array.from(g.intercept_float32), classes: Int32Array.from(g.classes) });
  assert.deepEqual(qm.qCoef, rq.q);
  assert.deepEqual(Array.from(qm.intercept), g.intercept_float32.map(Math.fround));
});

test("bad weights get a clear error: empty, NaN, Infinity, and the row that has them", () => {
  assert.throws(() => quantizePerTensor(new Float32Array(0)), /w is empty; expected at least one weight/);
  assert.throws(() => quantizePerTensor(new Float32Array([1, NaN])), /w\[1\] is NaN; expected finite weights/);
  assert.throws(() => quantizePerTensor(new Float32Array([Infinity])), /w\[0\] is Infinity/);
  const W = matrix(new Float32Array([1, 2, 3, NaN]), 2, 2);
  assert.throws(() => quantizeRows(W), /quantizeRows: row 1: quantizePerTensor: w\[1\] is NaN/);
  assert.throws(() => quantizeRows(matrix(new Float32Array(0), 0, 4)), /W is \[0, 4\]; expected at least one row/);
  assert.throws(() => dequantizePerTensor(new Int8Array(1), NaN, 0), /scale is NaN/);
  assert.throws(() => dequantizePerTensor(new Int8Array(1), 1, 0.5), /zp is 0\.5; expected an integer/);
});
