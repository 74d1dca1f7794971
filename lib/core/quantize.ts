import { matrix, type Matrix } from "./matrix";
import type { LinearModel, QuantizedLinearModel } from "./model";
import { affineQuantize, quantizeEachRow } from "../studies/quantize-core";

/** The result of quantizing one tensor: `w ≈ (q - zp) * scale`. */
export interface Quantized {
  /** The int8 values, same length as the input. */
  readonly q: Int8Array;
  /** Step between two int8 levels, float64 like the original's Python float: `(max - min) / 255`. */
  readonly scale: number;
  /** The int8 level that stands for 0.0 (it may fall outside -128..127 when all weights share a sign). */
  readonly zp: number;
}

/**
 * Maps a float32 array to int8 with one scale and zero-point, exactly as the original's
 * `quantize_per_tensor` (byte for byte, on NumPy 1.24):
 *
 *     scale = (max - min) / 255                      # float64
 *     zp    = round(-min / scale) - 128              # Python round: half to even
 *     q     = clip(rint(float32(w / scale + zp)), -128, 127)   # float32 arithmetic, rint half to even
 *
 * A constant array gives `scale = 1, zp = 0` and all zeros, as in the original.
 *
 * The name is the original's: it quantizes whatever array it is given as one tensor. The notebook calls it
 * once per ROW of the weight matrix (see {@link quantizeRows}), which is really per-channel quantization.
 *
 * @param w - weights, finite, at least one.
 * @example
 * const { q, scale, zp } = quantizePerTensor(new Float32Array([-1, 0, 0.5, 1]));
 * // q = [-127, 0, 64, 127], scale = 2/255, zp = 0
 * // (-1 / float32(2/255) is -127.49999 in float32, so it rounds to -127, exactly as NumPy does)
 */
export function quantizePerTensor(w: Float32Array): Quantized {
  // The 8-bit case of the one affine quantizer (lib/quantize-core.ts), which `quantizeAffine` runs at 4 and 2 bits.
  return affineQuantize(w, 8, "quantizePerTensor");
}

/**
 * Maps int8 values back to float32: `(q - zp) * scale` in float32, as the original's `dequantize_per_tensor`.
 *
 * @example
 * dequantizePerTensor(new Int8Array([-127, 127]), 2 / 255, 0); // ≈ [-0.99608, 0.99608]
 */
export function dequantizePerTensor(q: Int8Array, scale: number, zp: number): Float32Array {
  if (!Number.isFinite(scale)) throw new RangeError(`dequantizePerTensor: scale is ${scale}; expected a finite number`);
  if (!Number.isInteger(zp)) throw new RangeError(`dequantizePerTensor: zp is ${zp}; expected an integer`);
  const out = new Float32Array(q.length);
  const scale32 = Math.fround(scale);
  for (let i = 0; i < q.length; i++) out[i] = Math.fround(q[i] - zp) * scale32;
  return out;
}

/** Int8 weights with one scale and zero-point per row, as the original's `qW`, `scales`, `zps`. */
export interface RowQuantized {
  /** `[rows, cols]` int8. */
  readonly q: Matrix<Int8Array>;
  /** `[rows]`, stored float32 like the original's `np.array(scales, dtype=np.float32)`. */
  readonly scales: Float32Array;
  /** `[rows]`, int32 like the original's `zps`. */
  readonly zeroPoints: Int32Array;
}

/**
 * Applies {@link quantizePerTensor} to each row of `W` (`[10, 64]` → ten scales and zero-points), as the
 * original's section 6 loop does.
 *
 * @example
 * const { q, scales, zeroPoints } = quantizeRows(model.coef); // q: [10, 64] int8
 */
export function quantizeRows(W: Matrix<Float32Array>): RowQuantized {
  if (W.rows === 0 || W.cols === 0) {
    throw new RangeError(`quantizeRows: W is [${W.rows}, ${W.cols}]; expected at least one row and column`);
  }
  return quantizeEachRow(W, "quantizeRows", quantizePerTensor);
}

/** Dequantizes every row of a {@link RowQuantized} back to a float32 `[rows, cols]` matrix. */
export function dequantizeRows(rq: RowQuantized): Matrix<Float32Array> {
  const { q } = rq;
  const out = new Float32Array(q.rows * q.cols);
  for (let k = 0; k < q.rows; k++) {
    out.set(dequantizePerTensor(q.data.subarray(k * q.cols, (k + 1) * q.cols), rq.scales[k], rq.zeroPoints[k]), k * q.cols);
  }
  return matrix(out, q.rows, q.cols);
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
