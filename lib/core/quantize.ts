/**
 * The lesson's quantization helpers (sections 5–6): one scale and zero-point for an array, and back.
 * `quantizePerTensor` and `dequantizePerTensor` are the original's `quantize_per_tensor` and
 * `dequantize_per_tensor`, byte for byte on NumPy 1.24; the notebook shows their source in section 5.
 */
import { matrix, row, type Matrix } from "./matrix";
import type { LinearModel, QuantizedLinearModel } from "./model";
import { roundHalfToEven } from "../numerics/round";
import { checksFor } from "../numerics/checks";

/** The result of quantizing one tensor: `w ≈ (q - zp) * scale`. */
export interface Quantized {
  /** The int8 values, same length as the input. */
  readonly q: Int8Array;
  /** Step between two int8 levels, float64 like the original's Python float: `(max - min) / 255`. */
  readonly scale: number;
  /** The int8 level that stands for 0.0 (outside -128..127 when all weights share a sign). */
  readonly zp: number;
}

/**
 * Maps a float32 array to int8 with one scale and zero-point, as the original's `quantize_per_tensor`
 * (byte for byte, on NumPy 1.24):
 *
 *     scale = (max - min) / 255                           # float64, a Python float
 *     zp    = round(-min / scale) - 128                   # an integer; round: half to even
 *     q     = clip(round(w / scale + zp), -128, 127)      # as int8
 *
 * A constant array gives `scale = 1, zp = 0` and all zeros, as in the original.
 *
 * NumPy computes `w / scale + zp` in float32 (the Python numbers take the array's type), except when `zp` is
 * too large for int16/uint16 (outside -32768..65535): then in float64. Only a nearly constant array far from 0
 * (`[100, 100.00001]`: zp = -3,342,336,128) gets there; this function does the same, so it gives NumPy's
 * `[-128, -128]`.
 *
 * The name is the original's: it quantizes whatever it is given as one tensor. Section 6 gives it one ROW of
 * the weight matrix at a time, so each class gets its own scale and zero-point (per-channel quantization).
 *
 * @param w - weights, finite, at least one.
 * @example
 * const { q, scale, zp } = quantizePerTensor(new Float32Array([-1, 0, 0.5, 1]));
 * // q = [-127, 0, 64, 127], scale = 2/255, zp = 0
 * // (-1 / float32(2/255) is -127.49999 in float32, so it rounds to -127, exactly as NumPy does)
 */
export function quantizePerTensor(w: Float32Array): Quantized {
  const { min, max } = weightRange(w, "quantizePerTensor"); // w.min(), w.max(); refuses empty, NaN, ±Infinity
  if (max === min) return { q: new Int8Array(w.length), scale: 1, zp: 0 }; // edge case: a constant tensor
  const scale = (max - min) / 255;
  const zp = roundHalfToEven(-min / scale) - 128; // shift so that -128..127 covers [min, max]
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const x = Math.fround(w[i] / Math.fround(scale)); // w / scale, in float32 as NumPy computes it
    const level = roundHalfToEven(addLikeNumPy(x, zp)); // round(x + zp), half to even like np.round
    q[i] = Math.min(127, Math.max(-128, level)); // clip to -128..127
  }
  return { q, scale, zp };
}

/**
 * Maps int8 values back to float32: `(q - zp) * scale`, as the original's `dequantize_per_tensor`. NumPy
 * computes it in float32 (with the scale rounded to float32), or in float64 for a zero-point outside
 * -32768..65535 (see {@link quantizePerTensor}); the result here is float32 either way.
 *
 * @example
 * dequantizePerTensor(new Int8Array([-127, 127]), 2 / 255, 0); // ≈ [-0.99608, 0.99608]
 */
export function dequantizePerTensor(q: Int8Array, scale: number, zp: number): Float32Array {
  checkDequantizeArguments(q, scale, zp); // an Int8Array, a finite scale, an integer zero-point
  const s = fitsFloat32Arithmetic(zp) ? Math.fround(scale) : scale; // float32 arithmetic: the scale rounded first
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = (q[i] - zp) * s; // stored as float32
  return out;
}

/**
 * The smallest and largest of `w`, as the original's `float(w.min()), float(w.max())`; refuses what is not a
 * non-empty Float32Array of finite numbers, naming `caller` and the first bad index.
 *
 * @example
 * weightRange(Float32Array.of(0.5, -1, 2), "quantizePerTensor"); // { min: -1, max: 2 }
 */
export function weightRange(w: Float32Array, caller: string): { min: number; max: number } {
  if (!(w instanceof Float32Array)) throw checksFor(caller).typeError("w", "a Float32Array", w);
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
 * `x + zp` the way NumPy 1.24 adds a Python integer to a float32 array: in float32 when `zp` fits int16 or
 * uint16 (value-based casting: such an integer is exact in float32), else in float64.
 *
 * @example
 * addLikeNumPy(Math.fround(0.1), 3);          // Math.fround(3.1): float32
 * addLikeNumPy(Math.fround(0.1), 3342336000); // 3342336000.1: float64
 */
export function addLikeNumPy(x: number, zp: number): number {
  return fitsFloat32Arithmetic(zp) ? Math.fround(x + zp) : x + zp;
}

function checkDequantizeArguments(q: Int8Array, scale: number, zp: number): void {
  const check = checksFor("dequantizePerTensor");
  if (!(q instanceof Int8Array)) throw check.typeError("q", "an Int8Array", q);
  check.number("scale", scale);
  check.integer("zp", zp);
}

/** Whether NumPy keeps float32 arithmetic with this Python integer (it fits int16 or uint16). */
function fitsFloat32Arithmetic(zp: number): boolean {
  return zp >= -32768 && zp <= 65535;
}

/** Int8 weights with one scale and zero-point per row, as the original's `qW`, `scales`, `zps`. */
export interface RowQuantized {
  /** `[rows, cols]` int8. */
  readonly q: Matrix<Int8Array>;
  /** `[rows]`, stored float32 like the original's `np.array(scales, dtype=np.float32)`. */
  readonly scales: Float32Array;
  /** `[rows]`, int32 like the original's `np.array(zps, dtype=np.int32)`. */
  readonly zeroPoints: Int32Array;
}

/**
 * Quantizes each row of `W` (`[10, 64]` → ten scales and zero-points) with `quantizeRow`, by default
 * {@link quantizePerTensor}: the loop of the original's section 6. A zero-point that does not fit int32 (a
 * nearly constant row far from 0; NumPy would wrap it around silently) is an error naming the row.
 *
 * @param quantizeRow - how one row is quantized (section 13 passes its 4- and 2-bit quantizers).
 * @example
 * const { q, scales, zeroPoints } = quantizeRows(model.coef); // q: [10, 64] int8, scales [10], zeroPoints [10]
 */
export function quantizeRows(W: Matrix<Float32Array>, quantizeRow: (row: Float32Array) => Quantized = quantizePerTensor): RowQuantized {
  if (W.rows === 0 || W.cols === 0) {
    throw new RangeError(`quantizeRows: W is [${W.rows}, ${W.cols}]; expected at least one row and column`);
  }
  const q = new Int8Array(W.rows * W.cols);
  const scales = new Float32Array(W.rows);
  const zeroPoints = new Int32Array(W.rows);
  for (let k = 0; k < W.rows; k++) {
    let r: Quantized;
    try {
      r = quantizeRow(row(W, k));
    } catch (err) {
      throw new RangeError(`quantizeRows: row ${k}: ${(err as Error).message}`);
    }
    if (r.zp !== (r.zp | 0)) {
      throw new RangeError(
        `quantizeRows: row ${k}: the zero-point ${r.zp} does not fit int32 (scale ${r.scale} is too small for ` +
          `weights that far from 0); this row cannot be stored as int8 with an int32 zero-point`,
      );
    }
    q.set(r.q, k * W.cols);
    scales[k] = r.scale;
    zeroPoints[k] = r.zp;
  }
  return { q: matrix(q, W.rows, W.cols), scales, zeroPoints };
}

/**
 * The float32 weights `[rows, cols]` a {@link RowQuantized} stands for: {@link dequantizePerTensor} on each row
 * with its scale and zero-point (the first line of the original's `predict_int8`).
 *
 * @example
 * const W_deq = dequantizeRows(quantizeRows(model.coef)); // [10, 64] float32
 */
export function dequantizeRows(rq: RowQuantized): Matrix<Float32Array> {
  const { rows, cols } = rq.q;
  if (rq.scales.length !== rows || rq.zeroPoints.length !== rows) {
    throw new RangeError(
      `dequantizeRows: ${rows} weight rows but ${rq.scales.length} scales and ${rq.zeroPoints.length} zero-points; expected one each per row`,
    );
  }
  const out = new Float32Array(rows * cols);
  for (let k = 0; k < rows; k++) {
    out.set(dequantizePerTensor(row(rq.q, k), rq.scales[k], rq.zeroPoints[k]), k * cols);
  }
  return matrix(out, rows, cols);
}

/**
 * Quantizes a model's weights row by row ({@link quantizeRows}); biases stay float32, as in the original's
 * section 6 ("We keep biases as float32 (common practice)").
 *
 * @example
 * const qmodel = quantizeModel(model); // qCoef [10, 64] int8, scales [10], zeroPoints [10]
 */
export function quantizeModel(model: LinearModel): QuantizedLinearModel {
  const { q, scales, zeroPoints } = quantizeRows(model.coef);
  return { qCoef: q, scales, zeroPoints, intercept: model.intercept, classes: model.classes };
}
