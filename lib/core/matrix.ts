/**
 * A dense row-major matrix: a flat typed array plus its shape.
 *
 * Element (i, j) is `data[i * cols + j]`. The array type says the dtype: `Float32Array` for pixels and
 * weights (as NumPy's float32 in the original), `Int8Array` for quantized weights.
 *
 * @example
 * const m = matrix(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 3); // [2, 3]
 * m.data[1 * m.cols + 2]; // 6
 */
export interface Matrix<T extends Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array = Float32Array> {
  readonly data: T;
  readonly rows: number;
  readonly cols: number;
}

/** Wraps `data` as a `[rows, cols]` matrix, checking that the length fits the shape. */
export function matrix<T extends Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array>(
  data: T,
  rows: number,
  cols: number,
): Matrix<T> {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`matrix: rows and cols must be non-negative integers, got [${rows}, ${cols}]`);
  }
  if (data.length !== rows * cols) {
    throw new RangeError(`matrix: data has ${data.length} elements, expected ${rows}×${cols} = ${rows * cols}`);
  }
  return { data, rows, cols };
}

/**
 * A `[rows, cols]` pair, like NumPy's `X.shape`, for showing shapes in a cell.
 *
 * @example
 * [shape(Xtr), shape(Xte)]; // [ [ 1347, 64 ], [ 450, 64 ] ]
 */
export function shape(m: Matrix<Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array>): [number, number] {
  return [m.rows, m.cols];
}

/**
 * Row `k` of `m`, like NumPy's `W[k]`: a view (no copy) of `m.cols` values.
 *
 * @example
 * row(model.coef, 3); // Float32Array [64]: the weights of class 3
 */
export function row<T extends Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array>(m: Matrix<T>, k: number): T {
  if (!Number.isInteger(k) || k < 0 || k >= m.rows) throw new RangeError(`row: k is ${k}; expected a row index 0..${m.rows - 1}`);
  return m.data.subarray(k * m.cols, (k + 1) * m.cols) as T;
}

/**
 * Rows `start` to `end` (excluded) of `m`, like NumPy's `X[start:end]`: a view (no copy), `[end - start, cols]`.
 *
 * @example
 * sliceRows(X, 0, 10); // [10, 64]: the first ten digits
 */
export function sliceRows<T extends Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array>(m: Matrix<T>, start: number, end: number): Matrix<T> {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > m.rows || start > end) {
    throw new RangeError(`sliceRows: rows ${start}..${end} are not within 0..${m.rows}`);
  }
  return matrix(m.data.subarray(start * m.cols, end * m.cols) as T, end - start, m.cols);
}

/** The rows `indices` of `m`, in that order, as a new `[indices.length, m.cols]` matrix. */
export function takeRows(m: Matrix<Float32Array>, indices: ArrayLike<number>): Matrix<Float32Array> {
  const out = new Float32Array(indices.length * m.cols);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= m.rows) {
      throw new RangeError(`takeRows: index ${i} at position ${k} is outside 0..${m.rows - 1}`);
    }
    out.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), k * m.cols);
  }
  return { data: out, rows: indices.length, cols: m.cols };
}

/** The elements `indices` of a label vector, in that order. */
export function takeLabels(y: Int32Array, indices: ArrayLike<number>): Int32Array {
  const out = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= y.length) {
      throw new RangeError(`takeLabels: index ${i} at position ${k} is outside 0..${y.length - 1}`);
    }
    out[k] = y[i];
  }
  return out;
}
