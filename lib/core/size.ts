import type { LinearModel, QuantizedLinearModel } from "./model";

/**
 * Bytes of a float32 model: weights + biases, from the real typed arrays (`[10, 64]` + `[10]` float32 =
 * 2600 bytes), like the original's `clf.coef_.nbytes + clf.intercept_.nbytes`.
 */
export function modelSizeBytes(model: LinearModel): number {
  return model.coef.data.byteLength + model.intercept.byteLength;
}

/**
 * What the original's "FP32 size" really measured: scikit-learn keeps `coef_` and `intercept_` as float64,
 * so the same model takes 8 bytes a number (`[10, 64]` + `[10]` = 5200 bytes = 5.08 KB).
 */
export function float64SizeBytes(model: LinearModel): number {
  return (model.coef.data.length + model.intercept.length) * Float64Array.BYTES_PER_ELEMENT;
}

/**
 * Bytes of an int8 model as the original counts them: int8 weights + float32 biases (`[10, 64]` + `[10]` =
 * 680 bytes). With `includeQuantParams`, the per-row float32 scales and int32 zero-points too (+80 bytes),
 * which a real file must also store.
 */
export function quantizedSizeBytes(qmodel: QuantizedLinearModel, options: { includeQuantParams?: boolean } = {}): number {
  const base = qmodel.qCoef.data.byteLength + qmodel.intercept.byteLength;
  return options.includeQuantParams ? base + qmodel.scales.byteLength + qmodel.zeroPoints.byteLength : base;
}
