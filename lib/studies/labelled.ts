/** The labelled splits the studies take: `{ X: Xtr, y: ytr }` and `{ X: Xte, y: yte }` (sections 11 and 13). */
import type { Matrix } from "../core/matrix";
import type { ArgumentChecks } from "../numerics/checks";

/** Samples `[n, d]` (scaled like the training data) and their labels `[n]`. */
export interface LabelledData {
  readonly X: Matrix<Float32Array>;
  readonly y: Int32Array;
}

/**
 * Checks that `data` is a {@link LabelledData} with one label per row, throwing `check`'s error naming `name`.
 *
 * @example
 * checkLabelledData(checksFor("compareSolvers"), "test", { X: Xte, y: ytr });
 * // RangeError: compareSolvers: test.y must be 450 labels, one per row of test.X, got an Int32Array of 1347
 */
export function checkLabelledData(check: ArgumentChecks, name: string, data: LabelledData): LabelledData {
  if (data === null || typeof data !== "object") throw check.typeError(name, "{ X, y } (a matrix and its labels)", data);
  const { X, y } = data;
  if (X === null || typeof X !== "object" || !(X.data instanceof Float32Array)) {
    throw check.typeError(`${name}.X`, "a float32 matrix { data, rows, cols }", X);
  }
  if (!(y instanceof Int32Array)) throw check.typeError(`${name}.y`, "an Int32Array of labels", y);
  if (y.length !== X.rows) throw check.rangeError(`${name}.y`, `${X.rows} labels, one per row of ${name}.X`, y);
  return data;
}
