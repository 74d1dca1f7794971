/**
 * The scores of a linear classifier, `X · Wᵀ + b` in float64 — the arithmetic of `predictFp32` (`logits` in
 * `lib/core/predict.ts`) — fast: a WebAssembly SIMD kernel (two float64 lanes, `predict-kernel.as.ts.in`) beside its
 * plain TypeScript twin, {@link referenceScores}, which give the same numbers.
 *
 * Both compute each score as scikit-learn's float64 `decision_function` does in exact arithmetic, and in the
 * same order as each other: `s = 0; for j in 0..d: s += x[j]·w[j]; s += b` (float32 inputs widened exactly,
 * products and sums rounded to float64, and WebAssembly has no fused multiply-add). So the two paths are
 * bit-identical, not just close; only the work is arranged differently:
 *
 * - the kernel keeps W transposed, `Wt [d, kPad]` float64, so one load brings the weights of two classes and
 *   the scores of 2 samples × up to 10 classes sit in registers (10 f64x2 accumulators) while j runs: every
 *   weight load feeds 2 samples, every sample value feeds up to 10 classes, and no horizontal sums are needed;
 * - X is copied in widened to float64 (exact; one native `Float64Array.set`), so one `v128.load64_splat` brings a
 *   value to both lanes.
 *
 * The WebAssembly memory is one per process, reused by every call and grown when a larger X (or model)
 * comes; no other buffer is allocated per call. The scores it returns are a view of that memory, valid until
 * the next call.
 */
import type { Matrix } from "../core/matrix";
import { roundUp } from "./blocking";
import { WasmArena, loadWasmModule, wasmSimdRequired } from "./wasm-runtime";

/** Which code computes the scores: the WebAssembly SIMD kernel or the plain JavaScript reference. */
export type ScoreKernel = "wasm" | "js";

/**
 * Scores `[n, k]` in a float64 buffer: score (i, c) is `data[offset + i * stride + c]`. For the kernel's
 * results, `data` is a view of reused memory: read it before the next call.
 */
export interface ScoresView {
  readonly data: Float64Array;
  readonly offset: number;
  readonly stride: number;
  /** Which code computed them. */
  readonly kernel: ScoreKernel;
}

/**
 * The reference: `X · Wᵀ + b` `[n, k]` with plain loops, one dot product per (sample, class), summed in
 * float64 in column order, then the bias.
 *
 * @param out - where to write (default: a new `Float64Array(n · k)`); score (i, c) goes to
 *   `out[offset + i * stride + c]`.
 * @example
 * const s = referenceScores(Xte, model.coef, model.intercept); // Float64Array [450 · 10]
 */
export function referenceScores(
  X: Matrix<Float32Array>,
  W: Matrix<Float32Array>,
  b: Float32Array,
  out: Float64Array = new Float64Array(X.rows * W.rows),
  offset = 0,
  stride = W.rows,
): Float64Array {
  const { rows: n, cols: d } = X;
  const k = W.rows;
  const x = X.data;
  const w = W.data;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += x[i * d + j] * w[c * d + j];
      out[offset + i * stride + c] = s + b[c];
    }
  }
  return out;
}

/**
 * `X · Wᵀ + b` `[n, k]` by the WebAssembly SIMD kernel, bit-identical to {@link referenceScores}. The result
 * is a view of the kernel's memory, valid until the next call.
 *
 * @throws Error when WebAssembly SIMD is not available (`wasmSimdAvailable` of `lib/kernels/wasm-runtime.ts`), or the
 *   buffers would pass 2 GB.
 * @example
 * const { data, offset, stride } = wasmScores(Xte, model.coef, model.intercept);
 * data[offset + 3 * stride + 7]; // score of sample 3 for class 7
 */
export function wasmScores(X: Matrix<Float32Array>, W: Matrix<Float32Array>, b: Float32Array): ScoresView {
  return arena().run(X, W, b);
}

/**
 * The scores by `kernel` (`"auto"`: WebAssembly when available and the data fits, else JavaScript) in a buffer
 * reused from call to call: the kernel's memory, or a JavaScript scratch array grown on demand.
 */
export function linearScores(
  X: Matrix<Float32Array>,
  W: Matrix<Float32Array>,
  b: Float32Array,
  kernel: "auto" | ScoreKernel = "auto",
): ScoresView {
  const n = X.rows;
  const k = W.rows;
  if (kernel === "wasm" || (kernel === "auto" && kernelModule() !== null && layoutBytes(n, k, X.cols).total <= MAX_BYTES)) {
    return wasmScores(X, W, b);
  }
  if (jsScratch.length < n * k) jsScratch = new Float64Array(n * k);
  return { data: referenceScores(X, W, b, jsScratch, 0, k), offset: 0, stride: k, kernel: "js" };
}

let jsScratch = new Float64Array(0);

// ---------------------------------------------------------------------------------------------------------------
// The kernel

/** Samples per kernel step (rows that share each weight load). */
const ROWS = 2;
/** The widest class block: 5 f64x2 accumulators per sample, 10 in all, so they stay in the 16 SIMD registers. */
const MAX_PAIRS = 5;
const MAX_BYTES = 2 ** 31;

/**
 * Where the buffers sit in memory (bytes, 16-aligned): `Wt [d, kPad]` f64, `b [kPad]` f64, `X [nPad, d]` f64,
 * scores `[nPad, kPad]` f64, then for {@link predictFp32Wasm} the classes `[k]` and the labels `[n]`, int32.
 */
function layoutBytes(n: number, k: number, d: number) {
  const kPad = roundUp(k, 2);
  const nPad = roundUp(n, ROWS);
  const wt = 0;
  const bias = roundUp(wt + d * kPad * 8, 16);
  const x = roundUp(bias + kPad * 8, 16);
  const out = roundUp(x + nPad * d * 8, 16);
  const classes = roundUp(out + nPad * kPad * 8, 16);
  const labels = roundUp(classes + k * 4, 16);
  return { kPad, nPad, wt, bias, x, out, classes, labels, total: labels + n * 4 };
}

type Kernel = (x: number, nRows: number, dBytes: number, wt: number, wtStride: number, bias: number, out: number, outStride: number) => void;

/** The compiled kernels (`predict-kernel.as.ts.in`); `null` when this runtime has no WebAssembly SIMD. */
const kernelModule = (): WebAssembly.Module | null => loadWasmModule("predict-kernel");

/** The kernel's memory and instance (one per process, grown on demand): see {@link wasmScores}. */
type Argmax = (scores: number, scoreStride: number, n: number, k: number, classes: number, labels: number) => number;

class ScoresArena {
  private readonly arena: WasmArena<Record<string, Kernel | Argmax>>;
  private readonly kernels: Kernel[];
  private readonly argmax: Argmax;

  constructor(module: WebAssembly.Module) {
    this.arena = new WasmArena(module, 0);
    this.kernels = Array.from({ length: MAX_PAIRS }, (_, idx) => this.arena.exports[`scores_2x${2 * (idx + 1)}`] as Kernel);
    this.argmax = this.arena.exports.argmax_labels as Argmax;
  }

  /** Labels of {@link run}'s scores (see {@link predictFp32Wasm}); the first sample with a NaN score is an error. */
  labels(X: Matrix<Float32Array>, W: Matrix<Float32Array>, b: Float32Array, classes: Int32Array): Int32Array {
    const { stride } = this.run(X, W, b);
    const n = X.rows;
    const at = layoutBytes(n, W.rows, X.cols);
    this.arena.i32.set(classes, at.classes / 4);
    const nanAt = this.argmax(at.out, stride * 8, n, W.rows, at.classes, at.labels);
    if (nanAt >= 0) {
      const c = Array.from({ length: W.rows }, (_, j) => this.arena.f64[at.out / 8 + nanAt * stride + j]).findIndex(Number.isNaN);
      throw new RangeError(`predictFp32Wasm: the score of sample ${nanAt} for class ${c} is NaN`);
    }
    return this.arena.i32.slice(at.labels / 4, at.labels / 4 + n);
  }

  run(X: Matrix<Float32Array>, W: Matrix<Float32Array>, b: Float32Array): ScoresView {
    const { rows: n, cols: d } = X;
    const k = W.rows;
    const at = layoutBytes(n, k, d);
    const { kPad, nPad } = at;
    if (at.total > MAX_BYTES) throw new Error(`wasmScores: X [${n}, ${d}] and ${k} classes need over 2 GB of WebAssembly memory`);
    this.arena.ensure(at.total);
    const { f64 } = this.arena;
    // Wt [d, kPad] and b [kPad] as float64, the padding class zero. Per call: the model may have changed.
    const w = W.data;
    const wt = at.wt / 8;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) f64[wt + j * kPad + c] = w[c * d + j];
      f64[at.bias / 8 + c] = b[c];
    }
    if (kPad > k) {
      for (let j = 0; j < d; j++) f64[wt + j * kPad + k] = 0;
      f64[at.bias / 8 + k] = 0;
    }
    // X as float32 (a memory copy); an odd last row gets a zero partner, whose scores are not read.
    const x = at.x / 8;
    f64.set(X.data.length === n * d ? X.data : X.data.subarray(0, n * d), x);
    if (nPad > n) f64.fill(0, x + n * d, x + nPad * d);
    if (n > 0 && d > 0) {
      for (let c0 = 0; c0 < k; c0 += 2 * MAX_PAIRS) {
        const pairs = Math.min(MAX_PAIRS, Math.ceil((k - c0) / 2));
        this.kernels[pairs - 1](at.x, nPad, d * 8, at.wt + c0 * 8, kPad * 8, at.bias + c0 * 8, at.out + c0 * 8, kPad * 8);
      }
    } else if (d === 0) {
      // No features: every score is its bias (the kernel's loop needs d ≥ 1).
      for (let i = 0; i < n; i++) f64.copyWithin(at.out / 8 + i * kPad, at.bias / 8, at.bias / 8 + kPad);
    }
    return { data: f64, offset: at.out / 8, stride: kPad, kernel: "wasm" };
  }
}

let shared: ScoresArena | undefined;
function arena(): ScoresArena {
  if (shared === undefined) {
    const module = kernelModule();
    if (module === null) throw wasmSimdRequired("wasmScores", "use the JavaScript kernel (referenceScores, or kernel \"js\")");
    shared = new ScoresArena(module);
  }
  return shared;
}

/**
 * `predictFp32`'s labels (`lib/core/predict.ts`) by the WebAssembly kernel: the class of each sample's largest
 * float64 score, the first of equal scores (as `np.argmax`). The scores are bit-identical to `predictFp32`'s, so the
 * labels are the same; only the work is arranged for speed. Checks the shapes only (`predictFp32` checks the
 * values too); a NaN score is an error, as there.
 *
 * @throws Error when WebAssembly SIMD is not available; RangeError for mismatched shapes or a NaN score.
 * @example
 * predictFp32Wasm(Xte, model); // Int32Array [450], equal to predictFp32(Xte, model)
 */
export function predictFp32Wasm(X: Matrix<Float32Array>, model: { coef: Matrix<Float32Array>; intercept: Float32Array; classes: Int32Array }): Int32Array {
  const { coef: W, intercept: b, classes } = model;
  const k = W.rows;
  if (W.cols !== X.cols) throw new RangeError(`predictFp32Wasm: X has ${X.cols} features but the model has ${W.cols}`);
  if (b.length !== k || classes.length !== k) throw new RangeError(`predictFp32Wasm: the model has ${k} weight rows, ${b.length} biases and ${classes.length} classes`);
  if (X.data.length !== X.rows * X.cols) throw new RangeError(`predictFp32Wasm: X has ${X.data.length} values, expected ${X.rows}×${X.cols}`);
  if (k === 0) throw new RangeError("predictFp32Wasm: the model has no classes");
  return arena().labels(X, W, b, classes);
}
