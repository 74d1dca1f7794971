import type { Matrix } from "./matrix";

/**
 * A trained linear classifier, one row of weights per class (one-vs-rest), as scikit-learn's
 * `clf.coef_`, `clf.intercept_` and `clf.classes_` — but float32, which is what the notebook calls "FP32".
 */
export interface LinearModel {
  /** Weights `[nClasses, nFeatures]`, e.g. `[10, 64]` for the digits. */
  readonly coef: Matrix<Float32Array>;
  /** Biases `[nClasses]`. */
  readonly intercept: Float32Array;
  /** The label each row predicts, ascending (`clf.classes_`), `[nClasses]`. */
  readonly classes: Int32Array;
}

/**
 * A linear classifier whose weights are quantized to int8 row by row: row `k` is
 * `(qCoef[k] - zeroPoints[k]) * scales[k]`. Biases stay float32, as in the original.
 */
export interface QuantizedLinearModel {
  /** Quantized weights `[nClasses, nFeatures]`, int8. */
  readonly qCoef: Matrix<Int8Array>;
  /** One scale per row `[nClasses]` (float32, like the original's `scales` array). */
  readonly scales: Float32Array;
  /** One zero-point per row `[nClasses]` (int32, like the original's `zps` array). */
  readonly zeroPoints: Int32Array;
  /** Biases `[nClasses]`, float32. */
  readonly intercept: Float32Array;
  /** The label each row predicts, ascending, `[nClasses]`. */
  readonly classes: Int32Array;
}
