/**
 * What the two integer kernels — TypeScript (`lib/studies/integer-inference.ts`) and WebAssembly SIMD
 * (`lib/kernels/gemm.ts`) — share around their int32 sums: the data they take ({@link QuantizedActivations},
 * {@link IntegerModel}), the input check, the epilogue that turns the sums into scores (zero-point corrections,
 * one rescale, the bias) and the argmax that turns scores into labels. Both kernels leave their sums in the same
 * layout; {@link IntegerEpilogue} is the TypeScript epilogue, and the WebAssembly kernel runs its twin
 * (`int8_scores` / `int8_labels` of `gemm.as.ts.in`: the same float64 operations in the same order, on the same
 * {@link epilogueConstants}), so their scores agree to the bit:
 *
 *     acc[at + i·stride + c] = Σ_j xq[i, j] · q[c, j]    for c < k   (int32, exact)
 *     acc[at + i·stride + k] = Σ_j xq[i, j]                           (the sum the weight zero-point multiplies)
 *
 * This module imports nothing of the lib but the matrix type: the lesson's integer inference
 * (`lib/studies/integer-inference.ts`) builds on it, not the other way round.
 */
import type { Matrix } from "../core/matrix";

/** How a float activation maps to uint8: `x ≈ (xq - zeroPoint) · scale`, `xq` in 0..255. */
export interface ActivationParams {
  /** Step between two uint8 levels, positive and finite. */
  readonly scale: number;
  /** The uint8 level that stands for 0.0, an integer 0..255. */
  readonly zeroPoint: number;
}

/** Activations quantized to uint8: a `[n, d]` matrix plus the {@link ActivationParams} that read it back. */
export interface QuantizedActivations extends Matrix<Uint8Array>, ActivationParams {}

/**
 * A quantized linear model laid out for the integer kernels: the int8 weights plus what the zero-point
 * corrections need, precomputed once (`prepareIntegerModel` of `lib/studies/integer-inference.ts`).
 */
export interface IntegerModel {
  /** Classes (output rows) k. */
  readonly nClasses: number;
  /** Features (input columns) d. */
  readonly nFeatures: number;
  /** int8 weights `[k, d]` (shared with the quantized model, not copied). */
  readonly qCoef: Matrix<Int8Array>;
  /** `Σ_j qCoef[c, j]` per row `[k]`: the weight sums the activation zero-point multiplies. */
  readonly rowSums: Int32Array;
  /** Weight zero-points `[k]`. */
  readonly zeroPoints: Int32Array;
  /** Weight scales `[k]`, float32. */
  readonly scales: Float32Array;
  /** Biases `[k]`, float32. */
  readonly intercept: Float32Array;
  /** Label of each row `[k]`. */
  readonly classes: Int32Array;
}

/** Checks activation parameters (scale positive and finite, zero-point an integer 0..255); returns them. */
export function checkActivationParams(params: ActivationParams, caller: string): ActivationParams {
  const { scale, zeroPoint } = params;
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`${caller}: activation scale is ${scale}; expected a positive finite number`);
  }
  if (!Number.isInteger(zeroPoint) || zeroPoint < 0 || zeroPoint > 255) {
    throw new RangeError(`${caller}: activation zero-point is ${zeroPoint}; expected an integer 0..255`);
  }
  return params;
}

/** Checks that `Xq` can run through `model`: its parameters, its feature count and its length. */
export function checkIntegerInputs(Xq: QuantizedActivations, model: IntegerModel, caller: string): void {
  checkActivationParams(Xq, caller);
  if (Xq.cols !== model.nFeatures) {
    throw new RangeError(`${caller}: Xq has ${Xq.cols} features but the model has ${model.nFeatures}`);
  }
  if (Xq.data.length !== Xq.rows * Xq.cols) {
    throw new RangeError(`${caller}: Xq has ${Xq.data.length} values, expected ${Xq.rows}×${Xq.cols}`);
  }
}

/**
 * `out` when given (its length checked), else a new array of `length`: the optional output buffers of the
 * kernels, so a caller that passes them allocates nothing per call.
 */
export function outputBuffer<T extends Float32Array | Int32Array | Uint8Array>(
  out: T | undefined,
  make: (length: number) => T,
  length: number,
  caller: string,
  shape: string,
): T {
  const buffer = out ?? make(length);
  if (buffer.length !== length) throw new RangeError(`${caller}: out has ${buffer.length} elements, expected ${shape}`);
  return buffer;
}

/**
 * The per-call constants of the epilogue, `mult[c] = sx · sw[c]` and `corr[c] = zx · Σ_j q[c, j] - d · zx · zw[c]`
 * (float64, see {@link IntegerEpilogue}), into `out[multAt + c]` and `out[corrAt + c]`: computed here for both
 * kernels, so that their scores agree to the bit (the WebAssembly epilogue of `gemm.as.ts.in` reads them from its
 * memory).
 */
export function epilogueConstants(model: IntegerModel, sx: number, zx: number, out: Float64Array, multAt: number, corrAt: number): void {
  const { nClasses: k, nFeatures: d, rowSums, zeroPoints, scales } = model;
  for (let c = 0; c < k; c++) {
    out[multAt + c] = sx * scales[c];
    out[corrAt + c] = zx * rowSums[c] - d * zx * zeroPoints[c];
  }
}

/**
 * The epilogue of the integer kernels. {@link begin} sets the per-call constants of each row c (float64):
 *
 *     mult[c] = sx · sw[c]
 *     corr[c] = zx · Σ_j q[c, j] - d · zx · zw[c]           (an exact integer)
 *
 * and then `score = (acc - zw[c] · Σxq - corr[c]) · mult[c] + b[c]`, expanding `Σ_j (xq - zx)(q - zw)`: float64
 * holds every term exactly, so the only roundings are the rescale and the bias. {@link scores} stores them
 * float32; {@link labels} takes the argmax of the float64 scores. Its buffers grow to the largest model seen;
 * nothing is allocated per call.
 */
export class IntegerEpilogue {
  private model: IntegerModel | undefined;
  private zw = new Int32Array(0);
  private bias = new Float32Array(0);
  /** `mult[c]` at `c`, `corr[c]` at `k + c`. */
  private consts = new Float64Array(0);

  /** Sets the constants for `model` and activations read as `(xq - zx) · sx`; returns `this`. */
  begin(model: IntegerModel, sx: number, zx: number): this {
    const { nClasses: k, zeroPoints } = model;
    if (this.consts.length < 2 * k) this.consts = new Float64Array(2 * k);
    epilogueConstants(model, sx, zx, this.consts, 0, k);
    this.model = model;
    this.zw = zeroPoints;
    this.bias = model.intercept;
    return this;
  }

  /** Scores of `n` samples (sums laid out as in the file comment) into `out[outAt + i·k + c]`, float32. */
  scores(acc: Int32Array, at: number, stride: number, n: number, out: Float32Array, outAt: number): void {
    const k = this.current().nClasses;
    for (let i = 0; i < n; i++) {
      const a = at + i * stride;
      const sumX = acc[a + k];
      for (let c = 0; c < k; c++) out[outAt + i * k + c] = this.score(acc[a + c], sumX, c);
    }
  }

  /** Labels of `n` samples into `out[outAt + i]`: the class of each sample's {@link bestClass}. */
  labels(acc: Int32Array, at: number, stride: number, n: number, out: Int32Array, outAt: number): void {
    const { classes } = this.current();
    for (let i = 0; i < n; i++) out[outAt + i] = classes[this.bestClass(acc, at + i * stride)];
  }

  /**
   * The argmax of the integer kernels: the row whose float64 score is largest, the FIRST of equal scores (as
   * `np.argmax`); row 0 when none is larger than -Infinity.
   */
  private bestClass(acc: Int32Array, a: number): number {
    const k = this.current().nClasses;
    const sumX = acc[a + k];
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < k; c++) {
      const score = this.score(acc[a + c], sumX, c);
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    return best;
  }

  /** The float64 score of row `c` from its int32 sum `dot` and the sample's `Σ xq`. */
  private score(dot: number, sumX: number, c: number): number {
    const k = this.zw.length;
    return (dot - this.zw[c] * sumX - this.consts[k + c]) * this.consts[c] + this.bias[c];
  }

  private current(): IntegerModel {
    if (this.model === undefined) throw new Error("IntegerEpilogue: begin() was not called");
    return this.model;
  }
}
