/**
 * The arithmetic that `lib/quantize.ts` (the original's 8-bit helpers) and `lib/quant-schemes.ts` (8, 4, 2 bits,
 * per tensor / per row / symmetric) share, written once: the weight range, affine quantization to b bits, and
 * quantizing a matrix row by row. Errors name the public function that was called (`caller`).
 */
import { matrix, type Matrix } from "../core/matrix";
import { roundHalfToEven } from "../numerics/round";
import type { Quantized, RowQuantized } from "../core/quantize";

/** The smallest and largest weight; refuses an empty array and a non-finite weight (naming its index). */
export function weightRange(w: Float32Array, caller: string): { min: number; max: number } {
  if (w.length === 0) throw new RangeError(`${caller}: w is empty; expected at least one weight`);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < w.length; i++) {
    const v = w[i];
    if (!Number.isFinite(v)) throw new RangeError(`${caller}: w[${i}] is ${v}; expected finite weights (was the model trained?)`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/**
 * Affine quantization to `bits` bits (2..8), the original's `quantize_per_tensor` with 255 replaced by
 * `2^bits - 1` and -128 by `-2^(bits-1)`:
 *
 *     scale = (max - min) / (2^b - 1)                        # float64
 *     zp    = round(-min / scale) - 2^(b-1)                  # Python round: half to even
 *     q     = clip(rint(float32(w / scale + zp)), -2^(b-1), 2^(b-1) - 1)   # float32 arithmetic, as NumPy
 *
 * A constant array gives `scale = 1, zp = 0` and all zeros. At 8 bits this is `quantizePerTensor`, byte for byte.
 */
export function affineQuantize(w: Float32Array, bits: number, caller: string): Quantized {
  const { min, max } = weightRange(w, caller);
  const q = new Int8Array(w.length);
  if (max === min) return { q, scale: 1, zp: 0 };
  const qmin = -(2 ** (bits - 1));
  const qmax = 2 ** (bits - 1) - 1;
  const scale = (max - min) / (2 ** bits - 1);
  const zp = roundHalfToEven(-min / scale) + qmin;
  // NumPy computes `w / scale + zp` in float32 (value-based casting of the Python scalars).
  const scale32 = Math.fround(scale);
  const zp32 = Math.fround(zp);
  for (let i = 0; i < w.length; i++) {
    const r = roundHalfToEven(Math.fround(Math.fround(w[i] / scale32) + zp32));
    q[i] = r < qmin ? qmin : r > qmax ? qmax : r;
  }
  return { q, scale, zp };
}

/**
 * Quantizes each row of `W` (`[rows, cols]`, not empty) with `quantizeRow`: int8 values `[rows, cols]`, one
 * scale (stored float32) and zero-point (int32) per row. An error in row k is rethrown as
 * `<caller>: row k: <the row's error>`.
 */
export function quantizeEachRow(W: Matrix<Float32Array>, caller: string, quantizeRow: (row: Float32Array) => Quantized): RowQuantized {
  const { rows, cols } = W;
  const q = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  const zeroPoints = new Int32Array(rows);
  for (let k = 0; k < rows; k++) {
    let row: Quantized;
    try {
      row = quantizeRow(W.data.subarray(k * cols, (k + 1) * cols));
    } catch (err) {
      throw new RangeError(`${caller}: row ${k}: ${(err as Error).message}`);
    }
    q.set(row.q, k * cols);
    scales[k] = row.scale;
    zeroPoints[k] = row.zp;
  }
  return { q: matrix(q, rows, cols), scales, zeroPoints };
}
