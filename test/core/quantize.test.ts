import { test } from "node:test";
import assert from "node:assert/strict";
import { matrix } from "../../lib/core/matrix";
import { addLikeNumPy, dequantizePerTensor, dequantizeRows, quantizeModel, quantizePerTensor, quantizeRows } from "../../lib/core/quantize";
import { sklearnGolden } from "../helpers/golden-data";
import { loadDigits, scalePixels } from "../../lib/core/data";
import { trainTestSplit } from "../../lib/core/split";
import { trainLogisticRegression } from "../../lib/core/train";

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
  assert.throws(() => dequantizePerTensor(new Int8Array(1), NaN, 0), /dequantizePerTensor: scale must be a number, got NaN/);
  assert.throws(() => dequantizePerTensor(new Int8Array(1), 1, 0.5), /dequantizePerTensor: zp must be an integer, got 0\.5/);
});

test("a nearly constant row far from 0: NumPy's float64 switch reproduced, and a zero-point beyond int32 refused", () => {
  // NumPy 1.24 adds a Python int outside int16/uint16 to a float32 array in float64 (value-based casting).
  const r = quantizePerTensor(Float32Array.of(100, 100.00001));
  assert.equal(r.zp, -3342336128, "the original's Python int");
  assert.deepEqual(Array.from(r.q), [-128, -128], "NumPy gives [-128, -128]");
  const r2 = quantizePerTensor(Float32Array.of(1000, 1000.0001));
  assert.deepEqual([Array.from(r2.q), r2.zp], [[-128, 0], -2088960128], "NumPy gives [-128, 0], zp -2088960128");
  // dequantized in float64 like NumPy, then stored as float32: 1000 and 1000.0000612745098 → float32
  assert.deepEqual(Array.from(dequantizePerTensor(r2.q, r2.scale, r2.zp)), [1000, Math.fround(1000.0000612745098)]);
  const r3 = quantizePerTensor(Float32Array.of(0.001, 0.0010001));
  assert.deepEqual([Array.from(r3.q), r3.zp], [[-128, 127], -2550109], "NumPy gives [-128, 127], zp -2550109");
  assert.throws(
    () => quantizeRows(matrix(Float32Array.of(0, 1, 100, 100.00001), 2, 2)),
    /^RangeError: quantizeRows: row 1: the zero-point -3342336128 does not fit int32 .*cannot be stored/,
  );
  // Below that, one int32 zero-point per row holds it: row 1 of this matrix stores -2088960128.
  assert.equal(quantizeRows(matrix(Float32Array.of(0, 1, 1000, 1000.0001), 2, 2)).zeroPoints[1], -2088960128);
});

test("addLikeNumPy: float32 while the integer fits int16 or uint16, float64 beyond", () => {
  const x = Math.fround(0.1);
  assert.equal(addLikeNumPy(x, 3), Math.fround(x + 3));
  assert.equal(addLikeNumPy(x, 65535), Math.fround(x + 65535));
  assert.equal(addLikeNumPy(x, -32768), Math.fround(x - 32768));
  assert.equal(addLikeNumPy(x, 65536), x + 65536);
  assert.equal(addLikeNumPy(x, -32769), x - 32769);
});

test("arguments of the wrong type are named", () => {
  const bad = (v: unknown): never => v as never;
  assert.throws(() => quantizePerTensor(bad(undefined)), /^TypeError: quantizePerTensor: w must be a Float32Array, got undefined/);
  assert.throws(() => quantizePerTensor(bad([1, 2])), /w must be a Float32Array, got an array of 2/);
  assert.throws(() => dequantizePerTensor(bad(new Uint8Array(2)), 1, 0), /dequantizePerTensor: q must be an Int8Array, got an? Uint8Array of 2/);
  const rq = quantizeRows(matrix(Float32Array.of(0, 1, 2, 3), 2, 2));
  assert.throws(() => dequantizeRows({ ...rq, scales: rq.scales.subarray(0, 1) }), /dequantizeRows: 2 weight rows but 1 scales and 2 zero-points/);
});

test("trained here, then quantized: scikit-learn's int8 weights and zero-points, byte for byte (the notebook's introduction)", () => {
  const { X, y } = loadDigits();
  const split = trainTestSplit(scalePixels(X), y, { testSize: 0.25, randomState: 0, stratify: y });
  const { model } = trainLogisticRegression(split.Xtr, split.ytr, { maxIter: 200 });
  const rq = quantizeRows(model.coef);
  assert.deepEqual(Array.from(rq.q.data), g.qW.flat());
  assert.deepEqual(Array.from(rq.zeroPoints), g.zps);
  rq.scales.forEach((s, k) => assert.ok(Math.abs(s - g.scales[k]) <= 1e-8, `scale ${k}: ${s} vs ${g.scales[k]}`));
});
