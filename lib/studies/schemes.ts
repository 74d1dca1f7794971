/**
 * Section 13: the quantization choices side by side — how many scales (one for the whole matrix, or one per row),
 * whether there is a zero-point (affine) or not (symmetric), and how many bits (8, 4, 2).
 *
 * | scheme       | scales, zero-points          | q range (b bits)            | in the notebook                     |
 * | ------------ | ---------------------------- | --------------------------- | ----------------------------------- |
 * | `per-tensor` | one scale + zp for `[k, d]`  | -2^(b-1) .. 2^(b-1)-1       | what "per-tensor" really means      |
 * | `per-row`    | one scale + zp per row       | -2^(b-1) .. 2^(b-1)-1       | section 6 (quantizePerTensor a row) |
 * | `symmetric`  | one scale per row, zp = 0    | -(2^(b-1)-1) .. 2^(b-1)-1   | —                                   |
 *
 * Each scheme picks a grid (a scale, a zero-point and a range of levels) and every weight goes to its nearest
 * level. The affine grid is section 5's `quantizePerTensor` with 255 replaced by `2^b - 1` and -128 by
 * `-2^(b-1)`; at 8 bits `per-row` is section 6's `quantizeRows`, byte for byte (a test checks it), and every
 * scheme at every width equals NumPy's (test/golden/make_quant_schemes_golden.py).
 *
 * Sub-byte weights are stored PACKED ({@link packInts}): 2 values a byte at 4 bits, 4 at 2 bits, as ONNX packs
 * INT4. In memory they stay one per int8, so every int8 predictor runs them.
 */
import type { Matrix } from "../core/matrix";
import { matrix } from "../core/matrix";
import type { LinearModel, QuantizedLinearModel } from "../core/model";
import { accuracy, predictFp32, predictInt8 } from "../core/predict";
import { addLikeNumPy, dequantizeRows, quantizeRows, weightRange, type Quantized } from "../core/quantize";
import { imageGrid, SIGNED_COLORSCALE } from "../display/figures";
import { panelDomains, panelTitle } from "../display/panels";
import { createPlot, type NotebookPlot, type PlotlyLayout, type PlotlyTrace } from "../display/plot";
import { checksFor, describeValue } from "../numerics/checks";
import { roundHalfToEven, roundTo } from "../numerics/round";
import { checkLabelledData, type LabelledData } from "./labelled";

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

// ---------------------------------------------------------------------------------------------------------------
// The grids

/** A b-bit grid: level `q` (an integer in `lo..hi`) stands for `(q - zp) · scale`. */
interface Grid {
  readonly scale: number;
  readonly zp: number;
  readonly lo: number;
  readonly hi: number;
}

/** The affine grid over `[min, max]`: `2^b` levels from `-2^(b-1)`, `min` on the first (up to rounding). */
function affineGrid(min: number, max: number, bits: QuantBits): Grid {
  const lo = -(2 ** (bits - 1));
  const hi = 2 ** (bits - 1) - 1;
  const scale = (max - min) / (hi - lo); // float64, a Python float in NumPy
  return { scale, zp: roundHalfToEven(-min / scale) + lo, lo, hi };
}

/** The symmetric grid: zero-point 0 and the levels ±(2^(b-1) - 1), the largest |w| on the last. */
function symmetricGrid(min: number, max: number, bits: QuantBits): Grid {
  const hi = 2 ** (bits - 1) - 1;
  const amax = Math.max(Math.abs(min), Math.abs(max));
  return { scale: amax / hi, zp: 0, lo: -hi, hi };
}

/** Every weight to its nearest level: `clip(round(w / scale + zp), lo, hi)`, in NumPy's float32 arithmetic. */
function toNearestLevel(w: Float32Array, grid: Grid): Quantized {
  const q = new Int8Array(w.length);
  const scale32 = Math.fround(grid.scale); // NumPy divides a float32 array by the scale rounded to float32
  for (let i = 0; i < w.length; i++) {
    const level = roundHalfToEven(addLikeNumPy(Math.fround(w[i] / scale32), grid.zp));
    q[i] = Math.min(grid.hi, Math.max(grid.lo, level));
  }
  return { q, scale: grid.scale, zp: grid.zp };
}

/**
 * Affine quantization to `bits` bits: section 5's `quantizePerTensor` with 255 replaced by `2^b - 1` and -128 by
 * `-2^(b-1)` (the same float32 arithmetic, half-to-even rounding, and constant-array case: `scale = 1, zp = 0`,
 * all zeros):
 *
 *     scale = (max - min) / (2^b - 1);  zp = round(-min / scale) - 2^(b-1);  q = clip(round(w / scale + zp))
 *
 * At 8 bits it gives exactly what `quantizePerTensor` gives.
 *
 * @param w - weights, finite, at least one.
 * @example
 * quantizeAffine(new Float32Array([-1, 0, 0.5, 1]), 4); // q = [-7, 0, 4, 7], scale = 2/15, zp = 0
 * // (-1 / float32(2/15) = -7.4999996 in float32, so -7, as NumPy gives)
 */
export function quantizeAffine(w: Float32Array, bits: QuantBits): Quantized {
  checkBits("quantizeAffine", bits);
  const { min, max } = weightRange(w, "quantizeAffine");
  if (max === min) return { q: new Int8Array(w.length), scale: 1, zp: 0 };
  return toNearestLevel(w, affineGrid(min, max, bits));
}

/**
 * Symmetric quantization to `bits` bits: no zero-point, `scale = max|w| / (2^(b-1) - 1)`, `q = clip(round(w /
 * scale))` in the restricted range ±(2^(b-1) - 1) (-8 and -2 are unused at 4 and 2 bits; 2 bits is ternary: -1,
 * 0, 1). All-zero weights give `scale = 1`.
 *
 * @example
 * quantizeSymmetric(new Float32Array([-1, 0, 0.5, 1]), 4); // q = [-7, 0, 3, 7], scale = 1/7, zp = 0
 * // (0.5 / float32(1/7) = 3.4999998, so 3, as NumPy gives)
 */
export function quantizeSymmetric(w: Float32Array, bits: QuantBits): Quantized {
  checkBits("quantizeSymmetric", bits);
  const { min, max } = weightRange(w, "quantizeSymmetric");
  if (min === 0 && max === 0) return { q: new Int8Array(w.length), scale: 1, zp: 0 };
  return toNearestLevel(w, symmetricGrid(min, max, bits));
}

/**
 * Quantizes a model's weights `[k, d]` with a scheme and bit width; biases stay float32. `per-row` and
 * `symmetric` run section 6's `quantizeRows` with their own row quantizer; `per-tensor` quantizes the whole
 * matrix at once.
 *
 * @example
 * const m = quantizeWithScheme(model, "symmetric", 4); // qCoef [10, 64] in -7..7, zeroPoints all 0
 */
export function quantizeWithScheme(model: LinearModel, scheme: QuantScheme, bits: QuantBits): SchemeQuantizedModel {
  const check = checksFor("quantizeWithScheme");
  check.oneOf("scheme", scheme, QUANT_SCHEMES);
  checkBits("quantizeWithScheme", bits);
  const { rows: k, cols: d, data } = model.coef;
  if (k === 0 || d === 0) throw check.rangeError("model.coef", "a non-empty [k, d] matrix", `[${k}, ${d}]`);
  if (scheme === "per-tensor") {
    const t = quantizeAffine(data, bits);
    if (t.zp !== (t.zp | 0)) throw check.rangeError("model.coef", "weights whose zero-point fits int32", `zero-point ${t.zp}`);
    return {
      qCoef: matrix(t.q, k, d),
      scales: new Float32Array(k).fill(t.scale),
      zeroPoints: new Int32Array(k).fill(t.zp),
      intercept: model.intercept,
      classes: model.classes,
      scheme,
      bits,
    };
  }
  const quantizeRow = scheme === "per-row" ? quantizeAffine : quantizeSymmetric;
  const { q, scales, zeroPoints } = quantizeRows(model.coef, (row) => quantizeRow(row, bits));
  return { qCoef: q, scales, zeroPoints, intercept: model.intercept, classes: model.classes, scheme, bits };
}

/**
 * The float32 weights `[k, d]` a quantized model stands for, `(q - zp) · scale` row by row (section 6's
 * `dequantizeRows`).
 *
 * @example
 * dequantizeModelWeights(quantizeWithScheme(model, "per-row", 4)); // [10, 64] float32, 16 levels per row
 */
export function dequantizeModelWeights(m: QuantizedLinearModel): Matrix<Float32Array> {
  return dequantizeRows({ q: m.qCoef, scales: m.scales, zeroPoints: m.zeroPoints });
}

// ---------------------------------------------------------------------------------------------------------------
// Packing and sizes

/** Bytes to store `count` values of `bits` bits packed: `ceil(count · bits / 8)`. */
export function packedByteLength(count: number, bits: QuantBits): number {
  checksFor("packedByteLength").integer("count", count, { min: 0 });
  checkBits("packedByteLength", bits);
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
  if (!(q instanceof Int8Array)) throw checksFor("packInts").typeError("q", "an Int8Array", q);
  checkBits("packInts", bits);
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
 * @param count - how many values, an integer ≥ 0; `packed` must be exactly {@link packedByteLength} bytes.
 * @example
 * unpackInts(Uint8Array.of(0xE1, 0x87), 4, 4); // Int8Array [1, -2, 7, -8]
 */
export function unpackInts(packed: Uint8Array, bits: QuantBits, count: number): Int8Array {
  const check = checksFor("unpackInts");
  if (!(packed instanceof Uint8Array)) throw check.typeError("packed", "a Uint8Array", packed);
  checkBits("unpackInts", bits);
  check.integer("count", count, { min: 0 });
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

/** What a quantized model takes, in bytes, counted as section 6 counts (the arrays a file must hold). */
export interface QuantizedSize {
  /** The weights, packed: `ceil(k · d · bits / 8)`. */
  readonly weightBytes: number;
  /** float32 biases: `4 · k`. */
  readonly biasBytes: number;
  /**
   * Scales (float32, 4 bytes each) and zero-points (int32, 4 bytes each, as section 6's `zeroPoints`): one pair
   * for `per-tensor` (8 bytes), one pair per row for `per-row` (8k), one scale per row for `symmetric` (4k).
   */
  readonly quantParamBytes: number;
  /** The sum. */
  readonly totalBytes: number;
}

/**
 * Bytes of a quantized model: packed weights + float32 biases + its scales and zero-points (see
 * {@link QuantizedSize}; the class labels are not counted, as section 6 does not).
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

// ---------------------------------------------------------------------------------------------------------------
// The comparison

/** One row of {@link compareQuantSchemes}: a table row (snake-case columns), numbers rounded for printing. */
export interface SchemeRow {
  /** `"fp32"`, `"per-tensor"`, `"per-row"` or `"symmetric"`. */
  readonly scheme: "fp32" | QuantScheme;
  /** 32 for the float model. */
  readonly bits: 32 | QuantBits;
  /** Test accuracy (dequantize-on-the-fly predictions, section 7's `predictInt8`), 4 decimals. */
  readonly accuracy: number;
  /** Test images whose predicted label differs from the FP32 model's. */
  readonly changed_labels: number;
  /** Weights (packed) + biases + scales and zero-points, in bytes ({@link QuantizedSize}). */
  readonly bytes: number;
  /** FP32 bytes / these bytes, 2 decimals. */
  readonly times_smaller: number;
  /** Largest |w - dequantized w| over the weight matrix, 4 decimals. */
  readonly max_weight_error: number;
}

/** Options of {@link compareQuantSchemes}: which schemes and bit widths (default all, in table order). */
export interface CompareQuantSchemesOptions {
  readonly schemes?: readonly QuantScheme[];
  readonly bits?: readonly QuantBits[];
}

/**
 * Quantizes `model` with every scheme × bit width and measures each on the test set: accuracy, labels changed
 * against FP32, bytes (sub-byte weights packed), times smaller than FP32, largest weight error. The first row is
 * FP32 itself (float32 weights and biases, as section 4 counts them).
 *
 * @param test - the test split `{ X: Xte, y: yte }` (scaled like the training data).
 * @example
 * const rows = compareQuantSchemes(model, { X: Xte, y: yte });
 * displayTable(new dfd.DataFrame(rows)); // 10 rows: fp32, then 3 schemes × 8/4/2 bits
 */
export function compareQuantSchemes(model: LinearModel, test: LabelledData, options: CompareQuantSchemesOptions = {}): SchemeRow[] {
  const check = checksFor("compareQuantSchemes");
  checkLabelledData(check, "test", test);
  const opts = check.options("options", options);
  const schemes = (opts.schemes ?? QUANT_SCHEMES).map((s, i) => check.oneOf(`options.schemes[${i}]`, s, QUANT_SCHEMES));
  const widths = (opts.bits ?? QUANT_BITS).map((b, i) => checkBits("compareQuantSchemes", b, `options.bits[${i}]`));
  const fp32 = predictFp32(test.X, model);
  const fp32Bytes = model.coef.data.byteLength + model.intercept.byteLength;
  const rows: SchemeRow[] = [
    { scheme: "fp32", bits: 32, accuracy: roundTo(accuracy(fp32, test.y), 4), changed_labels: 0, bytes: fp32Bytes, times_smaller: 1, max_weight_error: 0 },
  ];
  for (const scheme of schemes) {
    for (const bits of widths) {
      const m = quantizeWithScheme(model, scheme, bits);
      const predicted = predictInt8(test.X, m);
      const bytes = quantizedModelSize(m).totalBytes;
      const deq = dequantizeModelWeights(m).data;
      let maxErr = 0;
      for (let i = 0; i < deq.length; i++) maxErr = Math.max(maxErr, Math.abs(model.coef.data[i] - deq[i]));
      rows.push({
        scheme,
        bits,
        accuracy: roundTo(accuracy(predicted, test.y), 4),
        changed_labels: countDifferent(predicted, fp32),
        bytes,
        times_smaller: roundTo(fp32Bytes / bytes, 2),
        max_weight_error: roundTo(maxErr, 4),
      });
    }
  }
  return rows;
}

/** The test images whose label a quantized model changes: see {@link changedPredictions}. */
export interface PredictionChanges {
  readonly scheme: QuantScheme;
  readonly bits: QuantBits;
  /** Test images in all. */
  readonly total: number;
  /** Indices into the test set `[c]` of the images whose label changed, ascending. */
  readonly indices: Int32Array;
  /** The FP32 model's label of each `[c]`. */
  readonly fp32: Int32Array;
  /** The quantized model's label of each `[c]`. */
  readonly quantized: Int32Array;
  /** The true label of each `[c]`. */
  readonly truth: Int32Array;
}

/**
 * Which test images change label when `model` is quantized with `scheme` at `bits` bits (predicted as section 7
 * does), with the labels before and after and the true label.
 *
 * @example
 * const c = changedPredictions(model, { X: Xte, y: yte }, "per-row", 4);
 * c.indices.length; // 11: the test images 4-bit per-row quantization relabels
 */
export function changedPredictions(model: LinearModel, test: LabelledData, scheme: QuantScheme, bits: QuantBits): PredictionChanges {
  checkLabelledData(checksFor("changedPredictions"), "test", test);
  const fp32 = predictFp32(test.X, model);
  const quantized = predictInt8(test.X, quantizeWithScheme(model, scheme, bits));
  const indices: number[] = [];
  for (let i = 0; i < fp32.length; i++) if (fp32[i] !== quantized[i]) indices.push(i);
  const pick = (labels: Int32Array): Int32Array => Int32Array.from(indices, (i) => labels[i]);
  return {
    scheme,
    bits,
    total: fp32.length,
    indices: Int32Array.from(indices),
    fp32: pick(fp32),
    quantized: pick(quantized),
    truth: pick(test.y),
  };
}

/**
 * One sentence saying what a {@link PredictionChanges} holds, computed: how many labels change, how many become
 * right or wrong, and the label most of them go to.
 *
 * @example
 * describeChanges(changedPredictions(model, test, "per-row", 8));
 * // "per-row, 8 bits: 0 of 450 test labels change."
 */
export function describeChanges(c: PredictionChanges): string {
  const n = c.indices.length;
  const head = `${c.scheme}, ${c.bits} bits: ${n} of ${c.total} test labels change`;
  if (n === 0) return `${head}.`;
  let fixed = 0;
  let broken = 0;
  const to = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (c.quantized[i] === c.truth[i]) fixed++;
    else if (c.fp32[i] === c.truth[i]) broken++;
    to.set(c.quantized[i], (to.get(c.quantized[i]) ?? 0) + 1);
  }
  const [label, count] = [...to.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  const others = n - fixed - broken;
  return (
    `${head}: ${broken} from right to wrong, ${fixed} from wrong to right` +
    (others > 0 ? `, ${others} from one wrong label to another` : "") +
    `; the most common new label is ${label} (${count} of ${n}).`
  );
}

function countDifferent(a: Int32Array, b: Int32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// Figures

const SCHEME_COLORS: Readonly<Record<SchemeRow["scheme"], string>> = {
  fp32: "#333333",
  "per-tensor": "#1f77b4",
  "per-row": "#2ca02c",
  symmetric: "#d62728",
};
const BITS_SYMBOLS: Readonly<Record<SchemeRow["bits"], string>> = { 32: "star", 8: "circle", 4: "square", 2: "triangle-up" };

/**
 * Accuracy against size, in two panels: every scheme and width (left), and a zoom on FP32 and the 8- and 4-bit
 * models (right), where the differences are one or two test images. Colour is the scheme, the marker the bit
 * width (legend); the size axis is logarithmic with labelled ticks.
 *
 * @example
 * displayPlot(schemesPlot(compareQuantSchemes(model, { X: Xte, y: yte })));
 */
export function schemesPlot(rows: readonly SchemeRow[]): NotebookPlot {
  if (rows.length === 0) throw checksFor("schemesPlot").rangeError("rows", "the rows of compareQuantSchemes", "no rows");
  const percent = (r: SchemeRow): number => roundTo(r.accuracy * 100, 2);
  const zoomed = rows.filter((r) => r.bits !== 2);
  const traces: PlotlyTrace[] = [];
  for (const [panel, mine] of [["", rows], ["2", zoomed]] as const) {
    for (const scheme of [...new Set(mine.map((r) => r.scheme))]) {
      const points = mine.filter((r) => r.scheme === scheme).sort((a, b) => a.bytes - b.bytes);
      traces.push({
        type: "scatter",
        mode: points.length > 1 ? "lines+markers" : "markers",
        name: scheme,
        legendgroup: scheme,
        // plotly.js draws a legend entry with its trace's first marker (a 2-bit triangle): the entries below instead
        showlegend: false,
        xaxis: `x${panel}`,
        yaxis: `y${panel}`,
        x: points.map((r) => r.bytes),
        y: points.map(percent),
        text: points.map((r) => `${scheme}, ${r.bits} bits: ${r.bytes} bytes, ${percent(r)}% (${r.changed_labels} labels changed)`),
        hovertemplate: "%{text}<extra></extra>",
        line: { color: SCHEME_COLORS[scheme], width: 1.5 },
        marker: { color: SCHEME_COLORS[scheme], size: 11, symbol: points.map((r) => BITS_SYMBOLS[r.bits]), line: { color: "#ffffff", width: 1 } },
      });
    }
  }
  // The legend, from traces with no data (null): a line per scheme (FP32: its star), then a grey marker per width.
  for (const scheme of [...new Set(rows.map((r) => r.scheme))]) {
    traces.push({
      type: "scatter",
      mode: scheme === "fp32" ? "markers" : "lines",
      name: scheme,
      legendgroup: scheme,
      x: [null] as unknown as number[],
      y: [null] as unknown as number[],
      line: { color: SCHEME_COLORS[scheme], width: 2 },
      marker: { color: SCHEME_COLORS[scheme], size: 11, symbol: BITS_SYMBOLS[32] },
      hoverinfo: "skip",
    });
  }
  for (const bits of [8, 4, 2] as const) {
    traces.push({
      type: "scatter",
      mode: "markers",
      name: `${bits} bits`,
      legendgroup: `bits-${bits}`,
      // No point of its own (null), only its legend entry.
      x: [null] as unknown as number[],
      y: [null] as unknown as number[],
      marker: { color: "#888888", size: 10, symbol: BITS_SYMBOLS[bits] },
      hoverinfo: "skip",
    });
  }
  // FP32's accuracy as a dotted line across the zoom: above it, a quantized model happens to do better.
  const fp32Row = rows.find((r) => r.scheme === "fp32");
  if (fp32Row !== undefined) {
    const xs = zoomed.map((r) => r.bytes);
    traces.push({
      type: "scatter",
      mode: "lines",
      name: "FP32 accuracy",
      showlegend: false,
      xaxis: "x2",
      yaxis: "y2",
      x: [Math.min(...xs) / 1.25, Math.max(...xs) * 1.25],
      y: [percent(fp32Row), percent(fp32Row)],
      line: { color: SCHEME_COLORS.fp32, dash: "dot", width: 1 },
      hoverinfo: "skip",
    });
  }
  const bytes = rows.map((r) => r.bytes);
  const ticks = [100, 200, 300, 500, 1000, 2000, 3000, 5000, 10000].filter(
    (t) => t >= Math.min(...bytes) / 1.5 && t <= Math.max(...bytes) * 1.5,
  );
  const sizeAxis = (domain: [number, number], values: readonly number[]) => ({
    domain,
    type: "log",
    title: { text: "size (bytes: weights + biases + scales, zero-points)" },
    range: [Math.log10(Math.min(...values) / 1.25), Math.log10(Math.max(...values) * 1.25)],
    tickvals: ticks,
    ticktext: ticks.map(String),
    showgrid: true,
  });
  const span = (values: readonly number[], pad: number): [number, number] => [Math.min(...values) - pad, Math.max(...values) + pad];
  const allY = rows.map(percent);
  const zoomY = zoomed.map(percent);
  const layout: PlotlyLayout = {
    title: { text: "Accuracy against size: one scale or one per row, zero-point or not, 8, 4 or 2 bits" },
    height: 480,
    xaxis: sizeAxis([0, 0.46], bytes),
    yaxis: { title: { text: "test accuracy (%)" }, range: span(allY, 2) },
    xaxis2: sizeAxis([0.56, 1], zoomed.map((r) => r.bytes)),
    yaxis2: { anchor: "x2", range: span(zoomY, 0.3), title: { text: "test accuracy (%), zoomed" } },
    legend: { orientation: "h", y: -0.25 },
    annotations: [panelTitle("every scheme and width", [0, 0.46]), panelTitle("zoom on FP32, 8 and 4 bits", [0.56, 1])],
    margin: { t: 80 },
  };
  return createPlot(traces, layout);
}

/**
 * The weight rows as 8×8 images, FP32 then dequantized at each of `bits` with `scheme`: one row of the grid per
 * model, one column per class, all on one blue-white-red scale (white is 0). Where the levels get coarse, each
 * image shows fewer shades.
 *
 * @example
 * displayPlot(weightImagesPlot(model, "per-row", [4, 2])); // 3 rows × 10 images
 */
export function weightImagesPlot(model: LinearModel, scheme: QuantScheme, bits: readonly QuantBits[]): NotebookPlot {
  const check = checksFor("weightImagesPlot");
  check.oneOf("scheme", scheme, QUANT_SCHEMES);
  bits.forEach((b, i) => checkBits("weightImagesPlot", b, `bits[${i}]`));
  const { rows: k, cols: d } = model.coef;
  const layers = [model.coef, ...bits.map((b) => dequantizeModelWeights(quantizeWithScheme(model, scheme, b)))];
  const all = new Float32Array(layers.length * k * d);
  layers.forEach((m, i) => all.set(m.data, i * k * d));
  let amax = 0;
  for (const v of all) amax = Math.max(amax, Math.abs(v));
  const names = ["FP32", ...bits.map((b) => `${b}-bit`)];
  const titles = names.flatMap((name) => Array.from(model.classes, (c) => `${name} · ${c}`));
  return imageGrid(matrix(all, layers.length * k, d), {
    titles,
    columns: k,
    colorscale: SIGNED_COLORSCALE,
    zmin: -amax,
    zmax: amax,
    title: `The ten weight rows: FP32, then ${scheme} at ${bits.join(" and ")} bits (blue negative, red positive)`,
  });
}

/**
 * The test images of a {@link PredictionChanges} (at most `max`, in test-set order), each captioned
 * `fp32 label → quantized label (true label)`.
 *
 * @param X - the test images `[n, 64]` the changes index (scaled pixels, 0..1).
 * @example
 * displayPlot(changedImagesPlot(Xte, changedPredictions(model, { X: Xte, y: yte }, "per-row", 4)));
 */
export function changedImagesPlot(X: Matrix<Float32Array>, changes: PredictionChanges, max = 20): NotebookPlot {
  const check = checksFor("changedImagesPlot");
  check.integer("max", max, { min: 1 });
  const n = Math.min(max, changes.indices.length);
  if (n === 0) throw check.rangeError("changes", "at least one changed label to draw", `${describeChanges(changes)}`);
  const d = X.cols;
  const images = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = changes.indices[i];
    if (row >= X.rows) throw check.rangeError("X", `the test set the changes index (row ${row})`, `${X.rows} rows`);
    images.set(X.data.subarray(row * d, (row + 1) * d), i * d);
  }
  const titles = Array.from({ length: n }, (_, i) => `${changes.fp32[i]}→${changes.quantized[i]} (${changes.truth[i]})`);
  const shown = n < changes.indices.length ? `the first ${n} of ${changes.indices.length}` : `all ${n}`;
  return imageGrid(matrix(images, n, d), {
    titles,
    columns: Math.min(n, 10),
    zmin: 0,
    zmax: 1,
    title: `${changes.scheme}, ${changes.bits} bits: ${shown} relabelled test images — FP32 label → ${changes.bits}-bit label (true label)`,
  });
}

/**
 * Where the relabelled test images go: one panel per model, a `[k, k]` table of counts with the FP32 label down
 * and the quantized label across. The diagonal (unchanged labels) is printed but not coloured, so the colour
 * shows only the changes: a full column means one class takes over the others' images.
 *
 * @example
 * displayPlot(confusionPlot(model, { X: Xte, y: yte }, [["per-tensor", 2], ["per-row", 2], ["symmetric", 2]]));
 */
export function confusionPlot(model: LinearModel, test: LabelledData, models: ReadonlyArray<readonly [QuantScheme, QuantBits]>): NotebookPlot {
  const check = checksFor("confusionPlot");
  checkLabelledData(check, "test", test);
  if (models.length === 0) throw check.rangeError("models", "at least one [scheme, bits] pair", "none");
  const classes = Array.from(model.classes);
  const k = classes.length;
  const fp32 = predictFp32(test.X, model);
  const domains = panelDomains(models.length, 0.06);
  const traces: PlotlyTrace[] = [];
  const layout: PlotlyLayout = {
    title: { text: "Where the changed labels go: FP32 label (down) → quantized label (across); colour counts only the changes" },
    height: 430,
    width: Math.max(520, 330 * models.length),
    coloraxis: { colorscale: [[0, "#ffffff"], [1, "#b2182b"]], cmin: 0, colorbar: { title: { text: "images" }, thickness: 12 } },
    annotations: [],
    margin: { t: 90, l: 60, r: 40, b: 60 },
  };
  const annotations: Record<string, unknown>[] = [];
  models.forEach(([scheme, bits], p) => {
    const predicted = predictInt8(test.X, quantizeWithScheme(model, scheme, bits));
    const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let i = 0; i < fp32.length; i++) counts[classes.indexOf(fp32[i])][classes.indexOf(predicted[i])]++;
    const suffix = p === 0 ? "" : String(p + 1);
    traces.push({
      type: "heatmap",
      x: classes.map(String),
      y: classes.map(String),
      z: counts.map((row, r) => row.map((v, c) => (r === c ? null : v))),
      text: counts.map((row) => row.map((v) => (v === 0 ? "" : String(v)))),
      texttemplate: "%{text}",
      textfont: { size: 10 },
      coloraxis: "coloraxis",
      xaxis: `x${suffix}`,
      yaxis: `y${suffix}`,
      hovertemplate: `FP32 %{y} → ${bits}-bit %{x}: %{text} images<extra>${scheme}</extra>`,
      xgap: 1,
      ygap: 1,
    });
    layout[`xaxis${suffix}`] = { domain: domains[p], type: "category", title: { text: `${bits}-bit label` }, side: "bottom" };
    layout[`yaxis${suffix}`] = { anchor: `x${suffix}`, type: "category", autorange: "reversed", title: { text: p === 0 ? "FP32 label" : "" }, scaleanchor: `x${suffix}` };
    const changed = countDifferent(predicted, fp32);
    annotations.push(panelTitle(`${scheme}, ${bits} bits: ${changed} changed`, domains[p]));
  });
  layout.annotations = annotations;
  return createPlot(traces, layout);
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

function checkBits(fn: string, bits: unknown, name = "bits"): QuantBits {
  if (bits !== 8 && bits !== 4 && bits !== 2) {
    throw new RangeError(`${fn}: ${name} must be 8, 4 or 2, got ${describeValue(bits)}`);
  }
  return bits;
}
