import type { Matrix } from "./matrix";
import type { LinearModel, QuantizedLinearModel } from "./model";
import { linearScores, type ScoreKernel } from "../kernels/predict-kernel";
import { dequantizeRows } from "./quantize";

/** Options of {@link predictFp32} and {@link predictInt8}. */
export interface PredictOptions {
  /**
   * Which code computes the scores: `"wasm"`, the WebAssembly SIMD kernel of `lib/predict-kernel.ts`, `"js"`,
   * the plain JavaScript reference, or `"auto"` (default), WebAssembly when the runtime has it. Both give
   * bit-identical scores, so the same labels; `"wasm"` is about 10× faster on the digits.
   */
  readonly kernel?: "auto" | ScoreKernel;
}

/**
 * Predicts class labels with a float32 model: for each sample the class whose score `x·w_k + b_k` is largest
 * (the first on a tie, like `np.argmax`), as scikit-learn's one-vs-rest `clf.predict`. Scores are accumulated
 * in float64, as scikit-learn does with its float64 `coef_`, by WebAssembly SIMD when available (see
 * {@link PredictOptions}); no buffer is allocated per call but the labels.
 *
 * @param X - samples `[n, d]`, scaled like the training data.
 * @returns labels `[n]`, taken from `model.classes`.
 * @example
 * const yhat = predictFp32(Xte, model); // Int32Array [450]
 */
export function predictFp32(X: Matrix<Float32Array>, model: LinearModel, options: PredictOptions = {}): Int32Array {
  return argmaxLinear(X, model.coef, model.intercept, model.classes, "predictFp32", options);
}

/**
 * Predicts with an int8 model the way the original's `predict_int8` does: dequantize every row back to float32
 * (once per call), then the same scores and argmax as {@link predictFp32}, by the same kernel, so the two
 * timings differ only by the dequantization. Simple and portable; the size saving is real, the arithmetic is
 * still float. (An integer kernel is a separate step.)
 *
 * @example
 * const yhat = predictInt8(Xte, quantizeModel(model)); // Int32Array [450]
 */
export function predictInt8(X: Matrix<Float32Array>, qmodel: QuantizedLinearModel, options: PredictOptions = {}): Int32Array {
  const k = qmodel.qCoef.rows;
  if (qmodel.scales.length !== k || qmodel.zeroPoints.length !== k) {
    throw new RangeError(
      `predictInt8: the model has ${k} weight rows but ${qmodel.scales.length} scales and ${qmodel.zeroPoints.length} zero-points (one each per row expected)`,
    );
  }
  const W = dequantizeRows({ q: qmodel.qCoef, scales: qmodel.scales, zeroPoints: qmodel.zeroPoints });
  return argmaxLinear(X, W, qmodel.intercept, qmodel.classes, "predictInt8", options);
}

/**
 * Share of `yhat` equal to `y`, like `(yhat == y).mean()`.
 *
 * @example
 * accuracy(Int32Array.of(1, 2, 3), Int32Array.of(1, 2, 0)); // 0.666…
 */
export function accuracy(yhat: Int32Array, y: Int32Array): number {
  if (yhat.length !== y.length) {
    throw new RangeError(`accuracy: yhat has ${yhat.length} labels but y has ${y.length}`);
  }
  if (y.length === 0) throw new RangeError("accuracy: no labels to compare");
  let hits = 0;
  for (let i = 0; i < y.length; i++) if (yhat[i] === y[i]) hits++;
  return hits / y.length;
}

/** Checks the shapes, computes the scores ({@link linearScores}) and takes each row's first argmax. */
function argmaxLinear(
  X: Matrix<Float32Array>,
  W: Matrix<Float32Array>,
  b: Float32Array,
  classes: Int32Array,
  caller: string,
  options: PredictOptions,
): Int32Array {
  const { rows: n, cols: d } = X;
  const k = W.rows;
  if (W.cols !== d) throw new RangeError(`${caller}: X has ${d} features but the model has ${W.cols}`);
  if (b.length !== k || classes.length !== k) {
    throw new RangeError(`${caller}: the model has ${k} weight rows, ${b.length} biases and ${classes.length} classes`);
  }
  if (k === 0) throw new RangeError(`${caller}: the model has no classes`);
  const kernel = options.kernel ?? "auto";
  if (kernel !== "auto" && kernel !== "wasm" && kernel !== "js") {
    throw new RangeError(`${caller}: options.kernel must be "auto", "wasm" or "js", got ${JSON.stringify(kernel)}`);
  }
  const { data: scores, offset, stride } = linearScores(X, W, b, kernel);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = offset + i * stride;
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < k; c++) {
      const s = scores[row + c];
      // A NaN or infinite score has no meaningful argmax: say where it comes from (checked here, not up front,
      // so the normal path costs nothing).
      if (!Number.isFinite(s)) throw new RangeError(`${caller}: ${nonFiniteSource(X, W, b, i, c)}`);
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    out[i] = classes[best];
  }
  return out;
}

/** Names the input or weight that made score (i, c) non-finite. */
function nonFiniteSource(X: Matrix<Float32Array>, W: Matrix<Float32Array>, b: Float32Array, i: number, c: number): string {
  for (let j = 0; j < X.cols; j++) {
    const v = X.data[i * X.cols + j];
    if (!Number.isFinite(v)) return `X[${i}, ${j}] is ${v}; expected finite features`;
  }
  for (let j = 0; j < W.cols; j++) {
    const v = W.data[c * W.cols + j];
    if (!Number.isFinite(v)) return `the weight [${c}, ${j}] is ${v}; expected finite weights`;
  }
  if (!Number.isFinite(b[c])) return `the bias [${c}] is ${b[c]}; expected finite biases`;
  return `the score of sample ${i} for class ${c} is not finite; the features or weights are too large`;
}
