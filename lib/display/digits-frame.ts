import { DataFrame } from "danfojs-node";
import type { Matrix } from "../core/matrix";

/**
 * The first `rows` samples as a danfojs-node DataFrame: a `label` column, then one column per pixel
 * (`px0` … `px63`, row-major: `px8` is the first pixel of the image's second row), like
 * `pd.DataFrame(X).assign(label=y).head()`.
 *
 * @param rows - how many samples, from the top. Default 5.
 * @example
 * displayTable(digitsFrame(X, y)); // 5 rows × 65 columns
 */
export function digitsFrame(X: Matrix<Float32Array>, y: Int32Array, rows = 5): DataFrame {
  if (y.length !== X.rows) throw new RangeError(`digitsFrame: X has ${X.rows} rows but y has ${y.length} labels`);
  if (X.rows === 0) throw new RangeError("digitsFrame: X has no rows");
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`digitsFrame: rows must be a positive integer, got ${rows}`);
  const n = Math.min(rows, X.rows);
  const columns: Record<string, number[]> = { label: Array.from(y.subarray(0, n)) };
  for (let j = 0; j < X.cols; j++) {
    const col: number[] = new Array<number>(n);
    for (let i = 0; i < n; i++) col[i] = X.data[i * X.cols + j];
    columns[`px${j}`] = col;
  }
  return new DataFrame(columns);
}
