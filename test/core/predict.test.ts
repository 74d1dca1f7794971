import { test } from "node:test";
import assert from "node:assert/strict";
import { matrix } from "../../lib/core/matrix";
import type { LinearModel } from "../../lib/core/model";
import { accuracy, argmax, logits, predictFp32, predictInt8 } from "../../lib/core/predict";
import { dequantizeRows, quantizeModel } from "../../lib/core/quantize";
import { float64SizeBytes, modelSizeBytes, quantizedSizeBytes } from "../../lib/core/size";
import { goldenSplit, sklearnGolden, sklearnModel as sklearnModelOf } from "../helpers/golden-data";

const g = sklearnGolden;
const sklearnModel: LinearModel = sklearnModelOf();
const { Xte, yte } = goldenSplit();

test("with scikit-learn's weights, FP32 predictions are scikit-learn's clf.predict, all 450, accuracy 0.96", () => {
  const yhat = predictFp32(Xte, sklearnModel);
  assert.deepEqual(Array.from(yhat), g.yhat_fp32);
  assert.equal(accuracy(yhat, yte), g.acc_fp32);
  assert.equal(accuracy(yhat, yte), 0.96);
});

test("with scikit-learn's weights, INT8 (dequantize on the fly) predictions are the original's predict_int8", () => {
  const yhat = predictInt8(Xte, quantizeModel(sklearnModel));
  assert.deepEqual(Array.from(yhat), g.yhat_int8);
  assert.equal(accuracy(yhat, yte), g.acc_int8);
});

test("sizes from the real typed arrays: 2600 B float32, 680 B int8 (×3.82), 5200 B as scikit-learn's float64", () => {
  const qm = quantizeModel(sklearnModel);
  assert.equal(modelSizeBytes(sklearnModel), 2600);
  assert.equal(quantizedSizeBytes(qm), 680);
  assert.equal(quantizedSizeBytes(qm), g.size_int8_bytes);
  assert.equal(quantizedSizeBytes(qm, { includeQuantParams: true }), 760);
  assert.equal(float64SizeBytes(sklearnModel), g.size_fp32_bytes_float64);
});

test("argmax takes the first of equal scores, like np.argmax, and maps through classes", () => {
  const model: LinearModel = { coef: matrix(new Float32Array([1, 0, 1, 0, 0, 1]), 3, 2), intercept: new Float32Array(3), classes: Int32Array.of(4, 7, 9) };
  const yhat = predictFp32(matrix(new Float32Array([1, 0, 0, 1, 0, 0]), 3, 2), model);
  assert.deepEqual(Array.from(yhat), [4, 9, 4]);
});

test("shape mismatches and empty inputs get clear errors", () => {
  assert.throws(() => predictFp32(matrix(new Float32Array(3), 1, 3), sklearnModel), /predictFp32: X has 3 features but the model has 64/);
  assert.throws(() => accuracy(new Int32Array(2), new Int32Array(3)), /yhat has 2 labels but y has 3/);
  assert.throws(() => accuracy(new Int32Array(0), new Int32Array(0)), /no labels to compare/);
});

test("logits is X · Wᵀ + b in float64; argmax takes the first largest score and maps through classes", () => {
  const X = matrix(Float32Array.of(1, 2, 0.5, -1), 2, 2);
  const W = matrix(Float32Array.of(1, 0, 0, 1, 1, 1), 3, 2);
  const s = logits(X, W, Float32Array.of(0, 0.5, -3));
  assert.deepEqual([s.rows, s.cols], [2, 3]);
  assert.deepEqual(Array.from(s.data), [1, 2.5, 0, 0.5, -0.5, -3.5]);
  assert.deepEqual(Array.from(argmax(s, Int32Array.of(4, 7, 9))), [7, 4]);
  assert.deepEqual(Array.from(argmax(matrix(Float64Array.of(2, 2, 1), 1, 3), Int32Array.of(0, 1, 2))), [0], "a tie goes to the first");
  assert.throws(() => argmax(matrix(Float64Array.of(0, NaN), 1, 2), Int32Array.of(0, 1)), /argmax: the score of sample 0 for class 1 is NaN/);
});

test("predictInt8 is dequantize, then predictFp32's scores and argmax: the same labels as FP32 on the dequantized model", () => {
  const qm = quantizeModel(sklearnModel);
  const W = dequantizeRows({ q: qm.qCoef, scales: qm.scales, zeroPoints: qm.zeroPoints });
  const dequantized: LinearModel = { coef: W, intercept: qm.intercept, classes: qm.classes };
  assert.deepEqual(predictInt8(Xte, qm), predictFp32(Xte, dequantized));
});

test("missing or malformed arguments get the lib's error naming the argument, never a raw JavaScript error", () => {
  const qm = quantizeModel(sklearnModel);
  const bad = (v: unknown): never => v as never;
  assert.throws(() => predictFp32(bad(undefined), sklearnModel), /^TypeError: predictFp32: X must be a float32 matrix .*, got undefined$/);
  assert.throws(() => predictFp32(Xte, bad(undefined)), /^TypeError: predictFp32: model must be a model \{ coef, intercept, classes \}, got undefined$/);
  assert.throws(() => predictFp32(bad({ rows: 1, cols: 64, data: new Float64Array(64) }), sklearnModel), /X must be a float32 matrix/);
  assert.throws(() => predictFp32(Xte, bad(qm)), /predictFp32: model must be a model/, "a quantized model is not a float one");
  assert.throws(() => predictInt8(Xte, bad(sklearnModel)), /predictInt8: qmodel must be a quantized model/);
  assert.throws(() => predictInt8(bad(null), qm), /predictInt8: X must be .*, got null/);
  assert.throws(() => predictFp32(Xte, { ...sklearnModel, classes: new Int32Array(3) }), /classes must be an Int32Array of 10 \(one per weight row\), got an Int32Array of 3/);
  assert.throws(() => accuracy(bad(undefined), yte), /^TypeError: accuracy: yhat must be an Int32Array of labels, got undefined/);
});

test("NaN or infinite inputs and weights are named, never turned into a silent label", () => {
  const model = sklearnModelOf();
  const X = matrix(new Float32Array(2 * 64), 2, 64);
  X.data[64 + 5] = NaN;
  assert.throws(() => predictFp32(X, model), /predictFp32: X\[1, 5\] is NaN; expected finite features/);
  const bad = { ...model, intercept: Float32Array.from(model.intercept, (v, c) => (c === 3 ? Infinity : v)) };
  assert.throws(() => predictFp32(matrix(new Float32Array(64), 1, 64), bad), /the bias \[3\] is Infinity/);
  const q = quantizeModel(model);
  assert.throws(() => predictInt8(Xte, { ...q, scales: q.scales.subarray(0, 2) }), /predictInt8: scales must be a Float32Array of 10 \(one per weight row\), got a Float32Array of 2/);
  assert.throws(() => predictInt8(Xte, { ...q, scales: q.scales.map((s, k) => (k === 4 ? NaN : s)) }), /predictInt8: the scale of row 4 is NaN/);
});
