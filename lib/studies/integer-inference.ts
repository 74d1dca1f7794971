/**
 * Real INT8 inference, the way integer runtimes do it (gemmlowp, ONNX Runtime's `MatMulInteger` /
 * `QLinearMatMul`), as a readable typed-array reference kernel:
 *
 * 1. activations are quantized to uint8 with their own scale and zero-point, `x ≈ (xq - zx) · sx`;
 * 2. weights are int8 with one scale and zero-point per row, `w[c] ≈ (q[c] - zw[c]) · sw[c]`;
 * 3. the dot products `Σ xq · q` are summed in int32;
 * 4. the zero-points are corrected with sums precomputed once per model (the row sums of `q`) and once per
 *    sample (the sum of its `xq`):
 *
 *        Σ_j (xq_j - zx)(q_cj - zw_c) = Σ xq·q  -  zw_c·Σ_j xq_j  -  zx·Σ_j q_cj  +  d·zx·zw_c
 *
 * 5. one float rescale at the end, `score = sx·sw[c] · total + b[c]` (float bias), then argmax.
 *
 * Activations are uint8 (asymmetric, like ONNX Runtime's `DynamicQuantizeLinear`); int8 activations are not
 * supported. The WebAssembly SIMD version of steps 3–5 is `lib/kernels/gemm.ts`; the TypeScript kernel here is the
 * readable reference it is tested against. Steps 4–5 (and the argmax of the predictions) are the epilogue of
 * `lib/kernels/int8-epilogue.ts`, whose float64 operations the WebAssembly kernel repeats in the same order: same
 * int32 sums, same float epilogue, the same scores bit for bit.
 */
import { matrix, type Matrix } from "../core/matrix";
import type { LinearModel, QuantizedLinearModel } from "../core/model";
import { summarize, timeCall, warmUp } from "../core/timing";
import { blockRows } from "../kernels/blocking";
import { linearFp32 } from "../kernels/fp32-kernel";
import { quantizeUint8 } from "../kernels/quantize";
import { prepareWasmFp32Layer, prepareWasmIntegerModel, wasmFp32Scores, wasmIntegerScores, wasmSimdAvailable } from "../kernels/gemm";
import { checksFor } from "../numerics/checks";
import { roundTo } from "../numerics/round";
import {
  IntegerEpilogue,
  checkActivationParams,
  checkIntegerInputs,
  outputBuffer,
  type ActivationParams,
  type IntegerModel,
  type QuantizedActivations,
} from "../kernels/int8-epilogue";

// The data the integer kernels take is defined with them (lib/kernels/int8-epilogue.ts), so that the kernels need
// nothing from this file.
export { checkActivationParams, type ActivationParams, type IntegerModel, type QuantizedActivations };

/**
 * The digits' pixels, scaled to 0..1 as in the original (`pixels / 16`), are exactly `xq / 16` for the raw
 * pixel `xq` in 0..16: with these parameters {@link quantizeActivations} is LOSSLESS on the digits.
 */
export const DIGITS_PIXEL_PARAMS: ActivationParams = Object.freeze({ scale: 1 / 16, zeroPoint: 0 });

/** 1.5 · 2⁵²: `v + ROUND_MAGIC - ROUND_MAGIC` rounds `v` (|v| < 2⁵¹) to an integer, ties to even. */
const ROUND_MAGIC = 6755399441055744;

/** Samples whose int32 sums are computed before the epilogue runs on them (a multiple of 4). */
const CHUNK_ROWS = 64;

/** The largest feature count whose int32 sums cannot overflow: 255 · 128 · d < 2³¹. */
export const MAX_INT32_SAFE_FEATURES = Math.floor((2 ** 31 - 1) / (255 * 128));

/**
 * uint8 parameters covering `[min, max]`, as ONNX Runtime's `DynamicQuantizeLinear`: the range is widened to
 * include 0 (so 0.0 is exact), `scale = (max - min) / 255`, `zeroPoint = round(-min / scale)` (half to even),
 * clamped to 0..255. A range of only zeros gives `scale = 1, zeroPoint = 0`.
 *
 * @example
 * activationParamsForRange(0, 1);    // { scale: 1/255, zeroPoint: 0 }
 * activationParamsForRange(-1, 1);   // { scale: 2/255, zeroPoint: 128 }
 */
export function activationParamsForRange(min: number, max: number): ActivationParams {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new RangeError(`activationParamsForRange: expected finite min <= max, got [${min}, ${max}]`);
  }
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  if (hi === lo) return { scale: 1, zeroPoint: 0 };
  const scale = (hi - lo) / 255;
  const zeroPoint = Math.min(255, Math.max(0, roundHalfEvenFast(-lo / scale)));
  return { scale, zeroPoint };
}

/**
 * Quantizes float activations `[n, d]` to uint8: `xq = clamp(round(x / scale) + zeroPoint, 0, 255)`, rounding
 * half to even, saturating (ONNX `QuantizeLinear`). Division is float64 (a multiplication by the inverse when
 * the scale is a power of two: the same result); for the digits with {@link DIGITS_PIXEL_PARAMS} every scaled
 * pixel `p / 16` gives back exactly `p`.
 *
 * @param X - activations `[n, d]`.
 * @param out - optional `[n · d]` buffer to write into (no allocation then).
 * @returns `[n, d]` uint8 plus `scale` and `zeroPoint`.
 * @example
 * const Xq = quantizeActivations(Xte, DIGITS_PIXEL_PARAMS); // [450, 64] uint8, values 0..16
 */
export function quantizeActivations(
  X: Matrix<Float32Array>,
  params: ActivationParams,
  out?: Uint8Array,
): QuantizedActivations {
  const { scale, zeroPoint } = checkActivationParams(params, "quantizeActivations");
  const n = X.data.length;
  const data = outputBuffer(out, (length) => new Uint8Array(length), n, "quantizeActivations", `${X.rows}×${X.cols} = ${n}`);
  // WebAssembly SIMD where available, else its plain TypeScript twin: the same levels (lib/kernels/quantize.ts).
  const nanAt = quantizeUint8(X.data, scale, zeroPoint, data);
  if (nanAt >= 0) throw new RangeError(`quantizeActivations: X.data[${nanAt}] is NaN, which has no uint8 level (±Infinity saturate to 0 / 255)`);
  return { data, rows: X.rows, cols: X.cols, scale, zeroPoint };
}

/**
 * Reads uint8 activations back as float32, `(xq - zeroPoint) · scale`.
 *
 * @example
 * dequantizeActivations(quantizeActivations(Xte, DIGITS_PIXEL_PARAMS)); // equals Xte exactly on the digits
 */
export function dequantizeActivations(Xq: QuantizedActivations): Matrix<Float32Array> {
  const { scale, zeroPoint } = checkActivationParams(Xq, "dequantizeActivations");
  const out = new Float32Array(Xq.data.length);
  for (let i = 0; i < out.length; i++) out[i] = (Xq.data[i] - zeroPoint) * scale;
  return matrix(out, Xq.rows, Xq.cols);
}

/**
 * Precomputes what the integer kernel needs from a quantized model (per-row weight sums) and checks it: any
 * per-row int8 model works, including the 4- and 2-bit ones of `lib/quant-schemes.ts` (their values fit in int8).
 *
 * @example
 * const intModel = prepareIntegerModel(quantizeModel(model)); // qCoef [10, 64], rowSums [10]
 */
export function prepareIntegerModel(qmodel: QuantizedLinearModel): IntegerModel {
  const { qCoef, scales, zeroPoints, intercept, classes } = qmodel;
  const k = qCoef.rows;
  const d = qCoef.cols;
  if (k === 0 || d === 0) throw new RangeError(`prepareIntegerModel: qCoef is [${k}, ${d}]; expected a non-empty matrix`);
  if (qCoef.data.length !== k * d) {
    throw new RangeError(`prepareIntegerModel: qCoef has ${qCoef.data.length} values, expected ${k}×${d}`);
  }
  if (d > MAX_INT32_SAFE_FEATURES) {
    throw new RangeError(`prepareIntegerModel: ${d} features could overflow int32 sums (at most ${MAX_INT32_SAFE_FEATURES})`);
  }
  for (const [label, arr] of [["scales", scales], ["zeroPoints", zeroPoints], ["intercept", intercept], ["classes", classes]] as const) {
    if (arr.length !== k) throw new RangeError(`prepareIntegerModel: ${label} has ${arr.length} entries, expected ${k} (one per row)`);
  }
  for (let c = 0; c < k; c++) {
    if (!(scales[c] > 0) || !Number.isFinite(scales[c])) {
      throw new RangeError(`prepareIntegerModel: scales[${c}] is ${scales[c]}; expected a positive finite number`);
    }
    if (!Number.isFinite(intercept[c])) throw new RangeError(`prepareIntegerModel: intercept[${c}] is ${intercept[c]}`);
  }
  const rowSums = new Int32Array(k);
  const w = qCoef.data;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = c * d; j < (c + 1) * d; j++) s += w[j];
    rowSums[c] = s;
  }
  return { nClasses: k, nFeatures: d, qCoef, rowSums, zeroPoints, scales, intercept, classes };
}

/**
 * The float scores `[n, k]` of the integer kernel: int32 dot products, zero-point corrections, one rescale
 * `sx · sw[c]` (float64) and the bias; stored float32.
 *
 * Written for the cache like `linearFp32` (`lib/fp32-kernel.ts`), so the two compare fairly: weight rows in
 * blocks of about 512 KB (int8: 4× the rows of a float32 block), every sample run against a block before the
 * next, and 4 samples × 2 rows of int32 accumulators at a time. The sums of 64 samples at a time go to a
 * scratch buffer (kept from call to call), then through the epilogue (`lib/int8-epilogue.ts`).
 *
 * @param Xq - uint8 activations `[n, d]` with their scale and zero-point.
 * @param out - optional `[n · k]` buffer (no allocation then).
 * @example
 * const scores = integerScores(quantizeActivations(Xte, DIGITS_PIXEL_PARAMS), intModel); // [450, 10]
 */
export function integerScores(Xq: QuantizedActivations, model: IntegerModel, out?: Float32Array): Matrix<Float32Array> {
  checkIntegerInputs(Xq, model, "integerScores");
  const { rows: n } = Xq;
  const k = model.nClasses;
  const y = outputBuffer(out, (length) => new Float32Array(length), n * k, "integerScores", `${n}×${k}`);
  runIntegerKernel(Xq, model, y, undefined);
  return matrix(y, n, k);
}

/**
 * Predicts labels `[n]` with the integer kernel (see the file comment): int32 accumulation, zero-point
 * corrections, one float rescale + bias per score, argmax (first of equal scores, like `np.argmax`). The same
 * sums and epilogue as {@link integerScores}; the argmax runs on the float64 scores, before they are rounded to
 * float32.
 *
 * Why it predicts exactly what `predictInt8` (dequantize on the fly) predicts: both compute the same real
 * number for every score, `Σ_j (xq_j - zx)·sx · (q_cj - zw_c)·sw_c + b_c`. Here the sum is an exact integer
 * and is rescaled once (float64); there, each weight `(q - zw)·sw` is first rounded to float32 (relative error
 * ≤ 2⁻²⁴) and the products are summed in float64. The two scores therefore differ by at most about
 * `2⁻²³ · Σ_j |x_j · w_cj|` (≈ 1e-7 relative), so the argmax can only differ when the two best classes of a
 * sample are that close — a near-tie. (An EXACT tie picks the first class on both paths.) On the digits test
 * set the smallest top-2 margin is many orders larger, so all 450 predictions are the same; the tests check it.
 * The activations must be quantized losslessly for this to hold (digits: {@link DIGITS_PIXEL_PARAMS}); with
 * lossy activations the integer kernel predicts what the float path predicts on the dequantized activations.
 *
 * @param Xq - uint8 activations `[n, d]` with their scale and zero-point.
 * @param out - optional `[n]` output (no allocation then).
 * @example
 * const Xq = quantizeActivations(Xte, DIGITS_PIXEL_PARAMS);
 * const yhat = predictInt8Integer(Xq, prepareIntegerModel(quantizeModel(model))); // Int32Array [450]
 */
export function predictInt8Integer(Xq: QuantizedActivations, model: IntegerModel, out?: Int32Array): Int32Array {
  checkIntegerInputs(Xq, model, "predictInt8Integer");
  const n = Xq.rows;
  const labels = outputBuffer(out, (length) => new Int32Array(length), n, "predictInt8Integer", `${n}`);
  runIntegerKernel(Xq, model, undefined, labels);
  return labels;
}

/** The epilogue of the TypeScript kernel, and the scratch for the int32 sums of one chunk of samples. */
const epilogue = new IntegerEpilogue();
let sums = new Int32Array(0);

/** Sums then epilogue, chunk by chunk: scores into `scores`, or labels into `labels`. */
function runIntegerKernel(Xq: QuantizedActivations, model: IntegerModel, scores?: Float32Array, labels?: Int32Array): void {
  const { rows: n } = Xq;
  const k = model.nClasses;
  const stride = k + 1;
  if (sums.length < CHUNK_ROWS * stride) sums = new Int32Array(CHUNK_ROWS * stride);
  epilogue.begin(model, Xq.scale, Xq.zeroPoint);
  for (let i0 = 0; i0 < n; i0 += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, n - i0);
    integerSums(Xq.data, model.qCoef.data, Xq.cols, k, i0, rows, sums);
    if (scores !== undefined) epilogue.scores(sums, 0, stride, rows, scores, i0 * k);
    if (labels !== undefined) epilogue.labels(sums, 0, stride, rows, labels, i0);
  }
}

/**
 * The int32 sums of samples `i0 .. i0 + rows` against every weight row, into `acc[r · (k + 1) + c]`, with each
 * sample's `Σ xq` at `c = k` (the layout of `lib/int8-epilogue.ts`). `| 0` keeps V8 on int32 arithmetic; the
 * sums cannot overflow for d ≤ {@link MAX_INT32_SAFE_FEATURES}.
 */
function integerSums(x: Uint8Array, w: Int8Array, d: number, k: number, i0: number, rows: number, acc: Int32Array): void {
  const stride = k + 1;
  for (let r = 0; r < rows; r++) acc[r * stride + k] = sumUint8(x, (i0 + r) * d, d);
  const block = blockRows(d, 2); // about 512 KB of int8 weights (lib/kernels/blocking.ts)
  const r4 = rows - (rows % 4);
  for (let c0 = 0; c0 < k; c0 += block) {
    const c1 = Math.min(k, c0 + block);
    const c2 = c1 - ((c1 - c0) % 2);
    // The same 4 samples × 2 rows skeleton as linearFp32 (lib/fp32-kernel.ts), on purpose: a fair comparison.
    for (let r = 0; r < r4; r += 4) {
      const x0 = (i0 + r) * d;
      const x1 = x0 + d;
      const x2 = x1 + d;
      const x3 = x2 + d;
      const a = r * stride;
      for (let c = c0; c < c2; c += 2) {
        const w0 = c * d;
        const w1 = w0 + d;
        let a00 = 0, a01 = 0, a10 = 0, a11 = 0, a20 = 0, a21 = 0, a30 = 0, a31 = 0;
        for (let j = 0; j < d; j++) {
          const u = w[w0 + j];
          const v = w[w1 + j];
          const p0 = x[x0 + j];
          const p1 = x[x1 + j];
          const p2 = x[x2 + j];
          const p3 = x[x3 + j];
          a00 = (a00 + p0 * u) | 0; a01 = (a01 + p0 * v) | 0;
          a10 = (a10 + p1 * u) | 0; a11 = (a11 + p1 * v) | 0;
          a20 = (a20 + p2 * u) | 0; a21 = (a21 + p2 * v) | 0;
          a30 = (a30 + p3 * u) | 0; a31 = (a31 + p3 * v) | 0;
        }
        acc[a + c] = a00; acc[a + c + 1] = a01;
        acc[a + stride + c] = a10; acc[a + stride + c + 1] = a11;
        acc[a + 2 * stride + c] = a20; acc[a + 2 * stride + c + 1] = a21;
        acc[a + 3 * stride + c] = a30; acc[a + 3 * stride + c + 1] = a31;
      }
      for (let c = c2; c < c1; c++) {
        for (let q = 0; q < 4; q++) acc[a + q * stride + c] = dotUint8Int8(x, x0 + q * d, w, c * d, d);
      }
    }
    for (let r = r4; r < rows; r++) {
      const xo = (i0 + r) * d;
      for (let c = c0; c < c1; c++) acc[r * stride + c] = dotUint8Int8(x, xo, w, c * d, d);
    }
  }
}

/**
 * `Σ_j x[xo + j] · w[wo + j]` over `d` terms, accumulated in int32. Four independent partial sums let the CPU
 * overlap the multiply-adds.
 */
function dotUint8Int8(x: Uint8Array, xo: number, w: Int8Array, wo: number, d: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let j = 0;
  for (; j + 3 < d; j += 4) {
    a0 = (a0 + x[xo + j] * w[wo + j]) | 0;
    a1 = (a1 + x[xo + j + 1] * w[wo + j + 1]) | 0;
    a2 = (a2 + x[xo + j + 2] * w[wo + j + 2]) | 0;
    a3 = (a3 + x[xo + j + 3] * w[wo + j + 3]) | 0;
  }
  for (; j < d; j++) a0 = (a0 + x[xo + j] * w[wo + j]) | 0;
  return (a0 + a1 + a2 + a3) | 0;
}

function sumUint8(x: Uint8Array, xo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s = (s + x[xo + j]) | 0;
  return s;
}

/**
 * Rounds half to even with the classic float64 trick: adding and subtracting 1.5·2⁵² leaves the nearest
 * integer, ties to even (IEEE's default rounding), for |v| < 2⁵¹. Larger values are returned as they are
 * (they are integers already) and NaN stays NaN.
 */
export function roundHalfEvenFast(v: number): number {
  return Math.abs(v) < 2251799813685248 ? v + ROUND_MAGIC - ROUND_MAGIC : v;
}

let primed = false;

/**
 * For timing only: runs the TypeScript kernel and `quantizeActivations` on a tiny input that takes every path
 * (blocks of 4 samples × 2 rows, leftover samples, leftover rows, both epilogues, both quantization paths), once
 * per process. V8 optimises a function with the type feedback of the calls it has seen; a path no call has taken
 * yet (the 4-sample blocks, when the first calls are batches of 1) deoptimises the function when it is first
 * taken, and small calls then run ~10× slower for a hundred calls or more. The timing harnesses call it before
 * they warm up ({@link timeIntegerPaths}, the scaling study); the kernels themselves do not.
 *
 * @example
 * primeIntegerKernels(); // then warm up and time predictInt8Integer
 */
export function primeIntegerKernels(): void {
  if (primed) return;
  primed = true;
  const qCoef = matrix(Int8Array.from({ length: 9 }, (_, i) => i - 4), 3, 3);
  const model = prepareIntegerModel({
    qCoef,
    scales: new Float32Array(3).fill(1),
    zeroPoints: new Int32Array(3),
    intercept: new Float32Array(3),
    classes: Int32Array.of(0, 1, 2),
  });
  const X = matrix(Float32Array.from({ length: 15 }, (_, i) => i / 16), 5, 3);
  const Xq = quantizeActivations(X, DIGITS_PIXEL_PARAMS);
  // A dozen calls: V8 allocates a function's feedback vector lazily, after about 8 calls.
  for (let t = 0; t < 12; t++) {
    integerScores(Xq, model);
    predictInt8Integer(Xq, model);
    quantizeActivations(X, { scale: 0.1, zeroPoint: 0 });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Section 12's timing: the same digits scores, float against int8, in the same kind of code

/** One row of {@link timeIntegerPaths}: a table row (snake-case columns). */
export interface IntegerPathRow {
  /** The kernel, named as in section 15: `fp32-ts`, `int8-ts`, `fp32-wasm`, `int8-wasm`. */
  readonly kernel: string;
  /** `"plain TypeScript"` or `"WebAssembly SIMD"`. */
  readonly code: string;
  /** What the kernel is given: float32 inputs, inputs it quantizes itself, or inputs quantized beforehand. */
  readonly inputs: string;
  /** Median time of one call over all the samples (ms), 4 decimals. */
  readonly median_ms: number;
  /** The middle half of the calls (first to third quartile, ms), e.g. `"0.041–0.043"`. */
  readonly middle_half_ms: string;
  /** The float kernel's median in the same code / this median: above 1, int8 is faster. 1 for the float rows. */
  readonly vs_float_same_code: number;
}

/** Options of {@link timeIntegerPaths}. */
export interface TimeIntegerPathsOptions {
  /** Timed rounds; each round calls every path once, in turn (so a slow moment hits all of them). Default 200. */
  readonly rounds?: number;
  /** Warm-up per path before the rounds, in milliseconds (V8 compiles hot code meanwhile). Default 50. */
  readonly warmupMs?: number;
}

/**
 * Times the scores of the digits test set `[n, 64] → [n, 10]` four ways, float32 and int8 in plain TypeScript
 * (`linearFp32`, `integerScores`, the same loop skeleton) and in WebAssembly SIMD (`wasmFp32Scores`,
 * `wasmIntegerScores`), each int8 kernel twice: quantizing the inputs itself (what a user pays) and given inputs
 * quantized beforehand. The paths are warmed up, then timed in interleaved rounds, so the order they run in does
 * not favour any of them. The WebAssembly rows are left out where WebAssembly SIMD is missing.
 *
 * @param X - the test images `[n, 64]`, scaled to 0..1 (quantized with {@link DIGITS_PIXEL_PARAMS}, losslessly).
 * @example
 * displayTable(new dfd.DataFrame(timeIntegerPaths(model, qmodel, Xte)));
 */
export function timeIntegerPaths(
  model: LinearModel,
  qmodel: QuantizedLinearModel,
  X: Matrix<Float32Array>,
  options: TimeIntegerPathsOptions = {},
): IntegerPathRow[] {
  const check = checksFor("timeIntegerPaths");
  const opts = check.options("options", options);
  const rounds = check.integer("options.rounds", opts.rounds ?? 200, { min: 1 });
  const warmupMs = check.nonNegative("options.warmupMs", opts.warmupMs ?? 50);
  const n = X.rows;
  const k = model.coef.rows;
  const scores = new Float32Array(n * k);
  const xq = new Uint8Array(X.data.length);
  const intModel = prepareIntegerModel(qmodel);
  const Xq = quantizeActivations(X, DIGITS_PIXEL_PARAMS);
  const paths: Array<{ kernel: string; code: string; inputs: string; run: () => unknown }> = [
    { kernel: "fp32-ts", code: "plain TypeScript", inputs: "float32", run: () => linearFp32(X, model.coef, model.intercept, scores) },
    {
      kernel: "int8-ts",
      code: "plain TypeScript",
      inputs: "quantized in the call",
      run: () => integerScores(quantizeActivations(X, DIGITS_PIXEL_PARAMS, xq), intModel, scores),
    },
    { kernel: "int8-ts", code: "plain TypeScript", inputs: "quantized before", run: () => integerScores(Xq, intModel, scores) },
  ];
  if (wasmSimdAvailable()) {
    const wasmFp32 = prepareWasmFp32Layer(model.coef, model.intercept);
    const wasmInt = prepareWasmIntegerModel(intModel);
    paths.push(
      { kernel: "fp32-wasm", code: "WebAssembly SIMD", inputs: "float32", run: () => wasmFp32Scores(X, wasmFp32, scores) },
      {
        kernel: "int8-wasm",
        code: "WebAssembly SIMD",
        inputs: "quantized in the call",
        run: () => wasmIntegerScores(quantizeActivations(X, DIGITS_PIXEL_PARAMS, xq), wasmInt, scores),
      },
      { kernel: "int8-wasm", code: "WebAssembly SIMD", inputs: "quantized before", run: () => wasmIntegerScores(Xq, wasmInt, scores) },
    );
  }
  primeIntegerKernels();
  for (const p of paths) warmUp(p.run, { warmup: 3, warmupMs });
  const samples = paths.map(() => new Float64Array(rounds));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < paths.length; i++) samples[i][r] = timeCall(paths[i].run);
  }
  const timings = samples.map((s) => summarize(s));
  const floatMedian = (code: string): number => timings[paths.findIndex((p) => p.code === code && p.inputs === "float32")].medianMs;
  const fixed = (ms: number): string => ms.toFixed(ms < 1 ? 4 : 2);
  return paths.map((p, i) => ({
    kernel: p.kernel,
    code: p.code,
    inputs: p.inputs,
    median_ms: roundTo(timings[i].medianMs, 4),
    middle_half_ms: `${fixed(timings[i].q1Ms)}–${fixed(timings[i].q3Ms)}`,
    vs_float_same_code: roundTo(floatMedian(p.code) / timings[i].medianMs, 2),
  }));
}

/**
 * What {@link timeIntegerPaths} measured, computed: for each int8 kernel, its time against the float kernel in the
 * same code, with and without quantizing the inputs, and the share of its time that quantizing took — one line
 * each, for printing under the table.
 *
 * @example
 * describeIntegerPaths(rows).forEach((line) => console.log(line));
 * // "int8-wasm (WebAssembly SIMD) runs at 0.67× the speed of fp32-wasm quantizing its inputs, 0.99× given them
 * //  quantized; quantizing took 32% of its time"
 */
export function describeIntegerPaths(rows: readonly IntegerPathRow[]): string[] {
  const lines: string[] = [];
  for (const kernel of [...new Set(rows.map((r) => r.kernel))]) {
    const inCall = rows.find((r) => r.kernel === kernel && r.inputs === "quantized in the call");
    const before = rows.find((r) => r.kernel === kernel && r.inputs === "quantized before");
    const float = rows.find((r) => r.code === inCall?.code && r.inputs === "float32");
    if (inCall === undefined || before === undefined || float === undefined) continue;
    const share = Math.round(Math.max(0, (inCall.median_ms - before.median_ms) / inCall.median_ms) * 100);
    lines.push(
      `${kernel} (${inCall.code}) runs at ${inCall.vs_float_same_code}× the speed of ${float.kernel} quantizing its inputs, ` +
        `${before.vs_float_same_code}× given them quantized; quantizing took ${share}% of its time`,
    );
  }
  return lines;
}
