import { test } from "node:test";
import assert from "node:assert/strict";
import { matrix } from "../../lib/core/matrix";
import type { LinearModel } from "../../lib/core/model";
import { accuracy, predictFp32, predictInt8 } from "../../lib/core/predict";
import { linearScores, referenceScores } from "../../lib/kernels/predict-kernel";
import { quantizeModel } from "../../lib/core/quantize";
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

test("the WebAssembly kernel and the JavaScript reference give the golden labels, FP32 and INT8, all 450", () => {
  const qm = quantizeModel(sklearnModel);
  for (const kernel of ["wasm", "js"] as const) {
    assert.deepEqual(Array.from(predictFp32(Xte, sklearnModel, { kernel })), g.yhat_fp32, `predictFp32 ${kernel}`);
    assert.deepEqual(Array.from(predictInt8(Xte, qm, { kernel })), g.yhat_int8, `predictInt8 ${kernel}`);
  }
});

test("on the golden set the two kernels' scores are the same float64s, bit for bit", () => {
  const wasm = linearScores(Xte, sklearnModel.coef, sklearnModel.intercept, "wasm");
  const reference = referenceScores(Xte, sklearnModel.coef, sklearnModel.intercept);
  for (let i = 0; i < Xte.rows; i++) {
    for (let c = 0; c < 10; c++) {
      assert.ok(Object.is(wasm.data[wasm.offset + i * wasm.stride + c], reference[i * 10 + c]), `sample ${i}, class ${c}`);
    }
  }
});

test("NaN or infinite inputs and weights are named, never turned into a silent label", () => {
  const model = sklearnModelOf();
  const X = matrix(new Float32Array(2 * 64), 2, 64);
  X.data[64 + 5] = NaN;
  for (const kernel of ["js", "wasm"] as const) {
    assert.throws(() => predictFp32(X, model, { kernel }), /predictFp32: X\[1, 5\] is NaN; expected finite features/);
  }
  const bad = { ...model, intercept: Float32Array.from(model.intercept, (v, c) => (c === 3 ? Infinity : v)) };
  assert.throws(() => predictFp32(matrix(new Float32Array(64), 1, 64), bad), /the bias \[3\] is Infinity/);
  const q = quantizeModel(model);
  assert.throws(() => predictInt8(Xte, { ...q, scales: q.scales.subarray(0, 2) }), /predictInt8: the model has 10 weight rows but 2 scales and 10 zero-points/);
});
