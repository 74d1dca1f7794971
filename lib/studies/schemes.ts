/**
 * The quantization choices side by side: how many scales (one for the whole matrix, or one per row), whether
 * there is a zero-point (affine) or not (symmetric), and how many bits (8, 4, 2).
 *
 * | scheme       | scales, zero-points          | q range (b bits)                  | the original's name            |
 * | ------------ | ---------------------------- | --------------------------------- | ------------------------------ |
 * | `per-tensor` | one scale + zp for `[k, d]`  | -2^(b-1) .. 2^(b-1)-1             | (what "per-tensor" really is)  |
 * | `per-row`    | one scale + zp per row       | -2^(b-1) .. 2^(b-1)-1             | "per-tensor", applied per row  |
 * | `symmetric`  | one scale per row, zp = 0    | -(2^(b-1)-1) .. 2^(b-1)-1         | —                              |
 *
 * 8-bit `per-row` is byte for byte the original's (`quantizeRows`). Sub-byte weights are stored PACKED
 * ({@link packInts}): 2 values a byte at 4 bits, 4 at 2 bits.
 */
import { createPlot, type NotebookPlot, type PlotlyTrace } from "../display/plot";
import { matrix, type Matrix } from "../core/matrix";
import type { LinearModel, QuantizedLinearModel } from "../core/model";
import { accuracy, predictFp32, predictInt8 } from "../core/predict";
import { roundHalfToEven } from "../numerics/round";
import { dequantizeRows, type Quantized, type RowQuantized } from "../core/quantize";
import { affineQuantize, quantizeEachRow, weightRange } from "./quantize-core";

/** How the scales are shared (see the file comment). */
export type QuantScheme = "per-tensor" | "per-row" | "symmetric";

/** Bits per weight. */
export type QuantBits = 8 | 4 | 2;

/** Every scheme and bit width, in table order. */
export const QUANT_SCHEMES: readonly QuantScheme[] = ["per-tensor", "per-row", "symmetric"];
export const QUANT_BITS: readonly QuantBits[] = [8, 4, 2];

/**
 * A quantized model that says how it was quantized. Its `qCoef` holds the b-bit values unpacked, one per int8
 * (so every int8 predictor runs it: `predictInt8`, the integer kernels); `scales` and `zeroPoints` have one entry
 * per row even for `per-tensor` (all equal; stored once in a file and counted once in sizes), and the
 * zero-points are 0 for `symmetric`.
 */
export interface SchemeQuantizedModel extends QuantizedLinearModel {
  readonly scheme: QuantScheme;
  readonly bits: QuantBits;
}

/**
 * Affine quantization to `bits` bits, the original's `quantize_per_tensor` with 255 replaced by `2^bits - 1`
 * and -128 by `-2^(bits-1)` (same float32 arithmetic, same half-to-even rounding, same constant-array case):
 *
 *     scale = (max - min) / (2^b - 1);  zp = round(-min / scale) - 2^(b-1);  q = clip(rint(w/scale + zp))
 *
 * At 8 bits it is exactly `quantizePerTensor`.
 *
 * @example
 * quantizeAffine(new Float32Array([-1, 0, 0.5, 1]), 4); // q = [-7, 0, 4, 7], scale = 2/15, zp = 0
 * // (-1 / float32(2/15) = -7.4999996 in float32, so -7, as NumPy gives)
 */
export function quantizeAffine(w: Float32Array, bits: QuantBits): Quantized {
  checkBits(bits, "quantizeAffine");
  return affineQuantize(w, bits, "quantizeAffine");
}

/**
 * Symmetric quantization to `bits` bits: no zero-point, `scale = max|w| / (2^(b-1) - 1)`, `q = clip(rint(w /
 * scale))` in the restricted range ±(2^(b-1) - 1) (so -8 and -2 are unused at 4 and 2 bits; 2 bits is
 * ternary: -1, 0, 1). All-zero weights give `scale = 1`.
 *
 * @example
 * quantizeSymmetric(new Float32Array([-1, 0, 0.5, 1]), 4); // q = [-7, 0, 3, 7], scale = 1/7, zp = 0
 * // (0.5 / float32(1/7) = 3.4999998, so 3, as NumPy gives)
 */
export function quantizeSymmetric(w: Float32Array, bits: QuantBits): Quantized {
  checkBits(bits, "quantizeSymmetric");
  const { min, max } = weightRange(w, "quantizeSymmetric");
  const q = new Int8Array(w.length);
  const amax = Math.max(Math.abs(min), Math.abs(max));
  if (amax === 0) return { q, scale: 1, zp: 0 };
  const qmax = 2 ** (bits - 1) - 1;
  const scale = amax / qmax;
  const scale32 = Math.fround(scale);
  for (let i = 0; i < w.length; i++) {
    const r = roundHalfToEven(Math.fround(w[i] / scale32));
    q[i] = r < -qmax ? -qmax : r > qmax ? qmax : r;
  }
  return { q, scale, zp: 0 };
}

/**
 * Quantizes a model's weights with a scheme and bit width; biases stay float32.
 *
 * @example
 * const m = quantizeWithScheme(model, "symmetric", 4); // qCoef [10, 64] in -7..7, zeroPoints all 0
 */
export function quantizeWithScheme(model: LinearModel, scheme: QuantScheme, bits: QuantBits): SchemeQuantizedModel {
  checkBits(bits, "quantizeWithScheme");
  const { rows: k, cols: d, data } = model.coef;
  if (k === 0 || d === 0) throw new RangeError(`quantizeWithScheme: coef is [${k}, ${d}]; expected a non-empty matrix`);
  let rows: RowQuantized;
  if (scheme === "per-tensor") {
    const t = quantizeAffine(data, bits);
    rows = { q: matrix(t.q, k, d), scales: new Float32Array(k).fill(t.scale), zeroPoints: new Int32Array(k).fill(t.zp) };
  } else if (scheme === "per-row" || scheme === "symmetric") {
    const quantizeRow = scheme === "per-row" ? quantizeAffine : quantizeSymmetric;
    rows = quantizeEachRow(model.coef, "quantizeWithScheme", (row) => quantizeRow(row, bits));
  } else {
    throw new RangeError(`quantizeWithScheme: unknown scheme ${JSON.stringify(scheme)}; expected ${QUANT_SCHEMES.join(", ")}`);
  }
  const { q, scales, zeroPoints } = rows;
  return { qCoef: q, scales, zeroPoints, intercept: model.intercept, classes: model.classes, scheme, bits };
}

/**
 * The float32 weights a quantized model stands for, `(q - zp) · scale` row by row (as `dequantizeRows`).
 *
 * @example
 * dequantizeModelWeights(quantizeWithScheme(model, "per-row", 8)); // [10, 64] float32
 */
export function dequantizeModelWeights(m: QuantizedLinearModel): Matrix<Float32Array> {
  return dequantizeRows({ q: m.qCoef, scales: m.scales, zeroPoints: m.zeroPoints });
}

/** Bytes to store `count` values of `bits` bits packed: `ceil(count · bits / 8)`. */
export function packedByteLength(count: number, bits: QuantBits): number {
  return Math.ceil((count * bits) / 8);
}

/**
 * Packs b-bit signed integers, `8 / bits` to a byte, as ONNX packs INT4: two's complement, the first value in
 * the LOW bits of the byte (`byte = v0 & 0xF | (v1 & 0xF) << 4` at 4 bits; `v0 | v1 << 2 | v2 << 4 | v3 << 6`
 * at 2 bits). The last byte is zero-padded. 8 bits is a plain copy.
 *
 * @example
 * packInts(Int8Array.of(1, -2, 7, -8), 4);  // Uint8Array [0xE1, 0x87]
 * packInts(Int8Array.of(1, -1, 0, -2), 2);  // Uint8Array [0b10_00_11_01] = [0x8D]
 */
export function packInts(q: Int8Array, bits: QuantBits): Uint8Array {
  checkBits(bits, "packInts");
  if (bits === 8) return new Uint8Array(q.buffer.slice(q.byteOffset, q.byteOffset + q.byteLength));
  const lo = -(2 ** (bits - 1));
  const hi = 2 ** (bits - 1) - 1;
  const mask = (1 << bits) - 1;
  const perByte = 8 / bits;
  const out = new Uint8Array(packedByteLength(q.length, bits));
  for (let i = 0; i < q.length; i++) {
    const v = q[i];
    if (v < lo || v > hi) throw new RangeError(`packInts: value ${v} at ${i} does not fit in ${bits} bits (${lo}..${hi})`);
    out[(i / perByte) | 0] |= (v & mask) << ((i % perByte) * bits);
  }
  return out;
}

/**
 * Unpacks {@link packInts}' bytes back to `count` signed values (sign-extended from `bits` bits).
 *
 * @example
 * unpackInts(Uint8Array.of(0xE1, 0x87), 4, 4); // Int8Array [1, -2, 7, -8]
 */
export function unpackInts(packed: Uint8Array, bits: QuantBits, count: number): Int8Array {
  checkBits(bits, "unpackInts");
  const need = packedByteLength(count, bits);
  if (packed.length !== need) {
    throw new RangeError(`unpackInts: ${count} values of ${bits} bits take ${need} bytes, got ${packed.length}`);
  }
  if (bits === 8) return new Int8Array(packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.byteLength));
  const out = new Int8Array(count);
  const perByte = 8 / bits;
  const shift = 32 - bits;
  for (let i = 0; i < count; i++) {
    const field = packed[(i / perByte) | 0] >>> ((i % perByte) * bits);
    out[i] = (field << shift) >> shift; // sign-extend the low `bits` bits
  }
  return out;
}

/** What a quantized model takes, in bytes, stored as the project stores it. */
export interface QuantizedSize {
  /** The weights, packed: `ceil(k · d · bits / 8)`. */
  readonly weightBytes: number;
  /** float32 biases: `4 · k`. */
  readonly biasBytes: number;
  /**
   * Scales (float32, 4 bytes each) and zero-points (int32, 4 bytes each, as the original's `zps`): one pair for
   * `per-tensor` (8 bytes), one pair per row for `per-row` (8k), one scale per row for `symmetric` (4k).
   */
  readonly quantParamBytes: number;
  /** The sum. */
  readonly totalBytes: number;
}

/**
 * Bytes of a quantized model: packed weights + float32 biases + its scales and zero-points (see
 * {@link QuantizedSize}; the class labels are not counted, as in the original).
 *
 * @example
 * quantizedModelSize(quantizeWithScheme(model, "per-row", 4)); // { weightBytes: 320, biasBytes: 40, quantParamBytes: 80, totalBytes: 440 }
 */
export function quantizedModelSize(m: SchemeQuantizedModel): QuantizedSize {
  const k = m.qCoef.rows;
  const weightBytes = packedByteLength(m.qCoef.data.length, m.bits);
  const biasBytes = 4 * m.intercept.length;
  const quantParamBytes = m.scheme === "per-tensor" ? 8 : m.scheme === "per-row" ? 8 * k : 4 * k;
  return { weightBytes, biasBytes, quantParamBytes, totalBytes: weightBytes + biasBytes + quantParamBytes };
}

/** One row of {@link compareQuantSchemes}: plain fields, ready for a danfo.js DataFrame. */
export interface SchemeComparisonRow {
  /** `"fp32"`, `"per-tensor"`, `"per-row"` or `"symmetric"`. */
  readonly scheme: string;
  /** 32 for the float model. */
  readonly bits: number;
  /** Accuracy on the given test set (dequantize-on-the-fly predictions, as `predictInt8`). */
  readonly accuracy: number;
  /** Share of test predictions equal to the FP32 model's. */
  readonly agreementWithFp32: number;
  /** Weights + biases + scales/zero-points, bytes (see {@link QuantizedSize}). */
  readonly totalBytes: number;
  readonly weightBytes: number;
  readonly biasBytes: number;
  readonly quantParamBytes: number;
  /** FP32 bytes / these bytes. */
  readonly compressionVsFp32: number;
  /** Largest |w - dequantized w| over the weight matrix. */
  readonly maxAbsWeightError: number;
}

/**
 * Quantizes `model` with every scheme × bit width and measures each on a test set: accuracy, agreement with
 * FP32, size in bytes (sub-byte weights packed), largest weight error. The first row is FP32 itself.
 *
 * @param Xte - test samples `[n, d]` (scaled like the training data).
 * @param yte - test labels `[n]`.
 * @example
 * const rows = compareQuantSchemes(model, Xte, yte);
 * displayTable(new dfd.DataFrame(rows)); // 10 rows: fp32, then 3 schemes × 8/4/2 bits
 */
export function compareQuantSchemes(
  model: LinearModel,
  Xte: Matrix<Float32Array>,
  yte: Int32Array,
  options: { schemes?: readonly QuantScheme[]; bits?: readonly QuantBits[] } = {},
): SchemeComparisonRow[] {
  const fp32Pred = predictFp32(Xte, model);
  const fp32Bytes = model.coef.data.byteLength + model.intercept.byteLength;
  const rows: SchemeComparisonRow[] = [
    {
      scheme: "fp32",
      bits: 32,
      accuracy: accuracy(fp32Pred, yte),
      agreementWithFp32: 1,
      totalBytes: fp32Bytes,
      weightBytes: model.coef.data.byteLength,
      biasBytes: model.intercept.byteLength,
      quantParamBytes: 0,
      compressionVsFp32: 1,
      maxAbsWeightError: 0,
    },
  ];
  for (const scheme of options.schemes ?? QUANT_SCHEMES) {
    for (const bits of options.bits ?? QUANT_BITS) {
      const m = quantizeWithScheme(model, scheme, bits);
      const pred = predictInt8(Xte, m);
      const size = quantizedModelSize(m);
      const deq = dequantizeModelWeights(m).data;
      let maxErr = 0;
      for (let i = 0; i < deq.length; i++) maxErr = Math.max(maxErr, Math.abs(model.coef.data[i] - deq[i]));
      rows.push({
        scheme,
        bits,
        accuracy: accuracy(pred, yte),
        agreementWithFp32: accuracy(pred, fp32Pred),
        ...size,
        compressionVsFp32: fp32Bytes / size.totalBytes,
        maxAbsWeightError: maxErr,
      });
    }
  }
  return rows;
}

/**
 * Accuracy against size (bytes, log scale): one line per scheme through its 8/4/2-bit points, FP32 as one
 * point. A plotly-notebook-js figure, like every plot of the notebook.
 *
 * @example
 * displayPlot(schemesPlot(compareQuantSchemes(model, Xte, yte)));
 */
export function schemesPlot(rows: readonly SchemeComparisonRow[]): NotebookPlot {
  const symbols: Record<string, string> = { fp32: "star", "per-tensor": "circle", "per-row": "square", symmetric: "diamond" };
  const schemes = [...new Set(rows.map((r) => r.scheme))];
  const data: PlotlyTrace[] = schemes.map((scheme) => {
    const mine = rows.filter((r) => r.scheme === scheme).sort((a, b) => a.totalBytes - b.totalBytes);
    return {
      type: "scatter",
      mode: mine.length > 1 ? "lines+markers+text" : "markers+text",
      name: scheme,
      x: mine.map((r) => r.totalBytes),
      y: mine.map((r) => r.accuracy),
      text: mine.map((r) => `${r.bits}b`),
      textposition: "top center",
      marker: { size: scheme === "fp32" ? 14 : 9, symbol: symbols[scheme] ?? "circle" },
    };
  });
  return createPlot(data, {
    title: { text: "Accuracy vs size: scales per tensor / per row / symmetric, 8-4-2 bits" },
    xaxis: { title: { text: "model size (bytes: weights + biases + scales/zero-points)" }, type: "log" },
    yaxis: { title: { text: "test accuracy" }, range: [0, 1.05] },
    height: 450,
  });
}

function checkBits(bits: number, caller: string): void {
  if (bits !== 8 && bits !== 4 && bits !== 2) throw new RangeError(`${caller}: bits must be 8, 4 or 2, got ${bits}`);
}
