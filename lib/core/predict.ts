/**
 * Predictions (sections 4 and 7), in plain TypeScript: the scores `X · Wᵀ + b` ({@link logits}), then the best
 * class of each sample ({@link argmax}). FP32 and INT8 run the same code, so their timings compare like with
 * like; INT8 first turns its weights back into float32, as the original's `predict_int8`. The notebook shows
 * this source in section 7. (Faster kernels for the later sections are in `lib/kernels/`.)
 */
import { matrix, type Matrix } from "./matrix";
import type { LinearModel, QuantizedLinearModel } from "./model";
import { dequantizeRows } from "./quantize";
import { checksFor } from "../numerics/checks";

/**
 * Predicts class labels with a float32 model, as scikit-learn's one-vs-rest `clf.predict`: for each sample
 * the class whose score `x·w_k + b_k` is largest.
 *
 * @param X - samples `[n, d]`, finite, scaled like the training data.
 * @returns labels `[n]`, taken from `model.classes`.
 * @example
 * const yhat = predictFp32(Xte, model); // Int32Array [450]
 */
export function predictFp32(X: Matrix<Float32Array>, model: LinearModel): Int32Array {
  checkPredictArguments("predictFp32", X, model, model?.coef);
  return argmax(logits(X, model.coef, model.intercept), model.classes);
}

/**
 * Predicts with an int8 model the way the original's `predict_int8` does: dequantize every row back to
 * float32 (once per call), then the same scores and argmax as {@link predictFp32}. The size saving is real;
 * the arithmetic is still float. (Section 12 does it in integers.)
 *
 * @example
 * const yhat = predictInt8(Xte, qmodel); // Int32Array [450]
 */
export function predictInt8(X: Matrix<Float32Array>, qmodel: QuantizedLinearModel): Int32Array {
  checkPredictArguments("predictInt8", X, qmodel, qmodel?.qCoef);
  // 1. Dequantize each class's weights, once per call: row k becomes (q - zp) * scale (section 5), float32 [10, 64]
  const W = dequantizeRows({ q: qmodel.qCoef, scales: qmodel.scales, zeroPoints: qmodel.zeroPoints });
  // 2. The scores X · Wᵀ + b, the same code as FP32: [n, 64] · [64, 10] → [n, 10]
  const scores = logits(X, W, qmodel.intercept);
  // 3. The best class of each sample
  return argmax(scores, qmodel.classes);
}

/**
 * The scores `X · Wᵀ + b`, `[n, d] · [d, k] → [n, k]`, as the original's `X @ W.T + b`: one dot product per
 * sample and class, summed in float64 (as scikit-learn does with its float64 `coef_`), plus the bias.
 *
 * @example
 * logits(Xte, model.coef, model.intercept); // [450, 10] float64
 */
export function logits(X: Matrix<Float32Array>, W: Matrix<Float32Array>, b: Float32Array): Matrix<Float64Array> {
  const [n, d, k] = [X.rows, X.cols, W.rows];
  const [x, w] = [X.data, W.data];
  const scores = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += x[i * d + j] * w[c * d + j]; // row i of X · row c of W
      scores[i * k + c] = s + b[c];
    }
  }
  return matrix(scores, n, k);
}

/**
 * For each row of `scores` (`[n, k]`), the class of its largest score, the first on a tie, as
 * `classes[scores.argmax(axis=1)]` in NumPy. A NaN score is an error (NumPy would pick it as the largest).
 *
 * @example
 * argmax(matrix(Float64Array.of(0.1, 0.7, 0.2), 1, 3), Int32Array.of(4, 7, 9)); // Int32Array [7]
 */
export function argmax(scores: Matrix<Float64Array>, classes: Int32Array): Int32Array {
  const n = scores.rows;
  const k = scores.cols;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 0; c < k; c++) {
      const s = scores.data[i * k + c];
      if (Number.isNaN(s)) throw new RangeError(`argmax: the score of sample ${i} for class ${c} is NaN`);
      if (s > scores.data[i * k + best]) best = c;
    }
    labels[i] = classes[best];
  }
  return labels;
}

/**
 * Share of `yhat` equal to `y`, like `(yhat == y).mean()`.
 *
 * @example
 * accuracy(Int32Array.of(1, 2, 3), Int32Array.of(1, 2, 0)); // 0.666…
 */
export function accuracy(yhat: Int32Array, y: Int32Array): number {
  const check = checksFor("accuracy");
  if (!(yhat instanceof Int32Array)) throw check.typeError("yhat", "an Int32Array of labels", yhat);
  if (!(y instanceof Int32Array)) throw check.typeError("y", "an Int32Array of labels", y);
  if (yhat.length !== y.length) {
    throw new RangeError(`accuracy: yhat has ${yhat.length} labels but y has ${y.length}`);
  }
  if (y.length === 0) throw new RangeError("accuracy: no labels to compare");
  let hits = 0;
  for (let i = 0; i < y.length; i++) if (yhat[i] === y[i]) hits++;
  return hits / y.length;
}

/**
 * The checks of {@link predictFp32} and {@link predictInt8}, before any work: X a finite float32 matrix, the
 * model's weights, biases, classes (and scales, zero-points) of matching shapes, finite. A non-finite input
 * would give NaN scores and a meaningless label, so it is named here instead.
 */
function checkPredictArguments(
  fn: "predictFp32" | "predictInt8",
  X: Matrix<Float32Array>,
  model: LinearModel | QuantizedLinearModel,
  W: Matrix<Float32Array | Int8Array> | undefined,
): void {
  const check = checksFor(fn);
  if (!isMatrix(X, Float32Array)) throw check.typeError("X", "a float32 matrix { data: Float32Array, rows, cols } (e.g. Xte)", X);
  const int8 = fn === "predictInt8";
  if (typeof model !== "object" || model === null || !isMatrix(W, int8 ? Int8Array : Float32Array)) {
    const expected = int8 ? "a quantized model { qCoef, scales, zeroPoints, intercept, classes }" : "a model { coef, intercept, classes }";
    throw check.typeError(int8 ? "qmodel" : "model", expected, model);
  }
  const k = W.rows;
  if (k === 0) throw new RangeError(`${fn}: the model has no classes`);
  if (W.cols !== X.cols) throw new RangeError(`${fn}: X has ${X.cols} features but the model has ${W.cols}`);
  const perRow: Array<[string, unknown, { new (n: number): ArrayLike<number> }]> = [
    ["intercept", model.intercept, Float32Array],
    ["classes", model.classes, Int32Array],
  ];
  if (int8) perRow.push(["scales", (model as QuantizedLinearModel).scales, Float32Array], ["zeroPoints", (model as QuantizedLinearModel).zeroPoints, Int32Array]);
  for (const [name, v, type] of perRow) {
    if (!(v instanceof type) || v.length !== k) throw check.typeError(name, `${type === Int32Array ? "an" : "a"} ${type.name} of ${k} (one per weight row)`, v);
  }
  const bad = (data: ArrayLike<number>): number => {
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
    return -1;
  };
  let i = bad(X.data);
  if (i >= 0) throw new RangeError(`${fn}: X[${Math.floor(i / X.cols)}, ${i % X.cols}] is ${X.data[i]}; expected finite features`);
  i = bad(W.data);
  if (i >= 0) throw new RangeError(`${fn}: the weight [${Math.floor(i / W.cols)}, ${i % W.cols}] is ${W.data[i]}; expected finite weights`);
  i = bad(model.intercept);
  if (i >= 0) throw new RangeError(`${fn}: the bias [${i}] is ${model.intercept[i]}; expected finite biases`);
  if (int8) {
    const { scales } = model as QuantizedLinearModel;
    i = bad(scales);
    if (i >= 0) throw new RangeError(`${fn}: the scale of row ${i} is ${scales[i]}; expected finite scales`);
  }
}

function isMatrix(m: unknown, type: Float32ArrayConstructor | Int8ArrayConstructor): m is Matrix<Float32Array | Int8Array> {
  if (typeof m !== "object" || m === null) return false;
  const { data, rows, cols } = m as { data?: unknown; rows?: unknown; cols?: unknown };
  return data instanceof type && Number.isInteger(rows) && Number.isInteger(cols) && (rows as number) * (cols as number) === data.length;
}
