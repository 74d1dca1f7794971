/**
 * The WebAssembly SIMD layers (`gemm.as.ts.in`, compiled by `npm run build`, loaded through
 * `lib/kernels/wasm-runtime.ts`) behind a typed API, beside the plain TypeScript twins they are tested against:
 *
 * - {@link prepareWasmIntegerModel} / {@link wasmIntegerScores} / {@link predictInt8Wasm}: the integer kernel of
 *   `lib/studies/integer-inference.ts` (its twin: `integerScores`, `predictInt8Integer`) with its int32 dot
 *   products done 8 at a time by `i32x4.dot_i16x8_s`;
 * - {@link prepareWasmFp32Layer} / {@link wasmFp32Scores}: a float32 SIMD layer (`f32x4`), the fair float
 *   baseline for the SIMD integer kernel (its twin: {@link f32GemmReference}, the same float32 operations in the
 *   same order).
 *
 * Each prepared model owns a WebAssembly memory holding its weights, laid out once: rows padded to a multiple of
 * 32 bytes / 4 floats (zeros past the real columns, which add nothing to a dot product), the row count padded to
 * a multiple of 4 (zero rows), and, for the integer model, one extra row of ones, whose "score" is each sample's
 * `Σ xq` — the sum the weight zero-points multiply — so the kernel computes it too. The memory also holds
 * scratch for the inputs and the raw int32/float32 outputs, grown to the largest batch seen.
 *
 * A call copies the batch in (the uint8 activations widened to int16 on the way, one native `Int16Array.set`),
 * runs the kernels over blocks of weight rows (`lib/kernels/blocking.ts`: a block stays in L2 while the samples
 * stream by), then, for the integer model, the zero-point corrections, rescale, bias and argmax in WebAssembly too:
 * the TypeScript epilogue's float64 operations in its order (`lib/kernels/int8-epilogue.ts`), on constants computed
 * by the same function, so the scores are the TypeScript kernel's bit for bit. The model's arrays are copied when it
 * is prepared (a later change to them is not seen). Nothing is allocated per call beyond the output (pass `out` to
 * avoid that too), except when a batch is larger than any before.
 *
 * These kernels need WebAssembly SIMD: where it is missing ({@link wasmSimdAvailable} is false), preparing a
 * model throws an error that names the TypeScript kernels to use instead.
 */
import { matrix, type Matrix } from "../core/matrix";
import { blockRows, roundUp } from "./blocking";
import { checkIntegerInputs, epilogueConstants, outputBuffer, type IntegerModel, type QuantizedActivations } from "./int8-epilogue";
import { WasmArena, loadWasmModule, wasmSimdAvailable, wasmSimdRequired } from "./wasm-runtime";

export { wasmSimdAvailable };

/** One micro-kernel of `gemm.as.ts.in`: `out[i, c] = Σ_j x[i, j]·w[c, j]`; pointers and strides in bytes. */
type Kernel = (
  x: number, xStride: number, nRows: number,
  w: number, wStride: number, kRows: number,
  depth: number, out: number, outStride: number,
) => void;

/** The integer epilogue of `gemm.as.ts.in`, in place over the raw sums: scores or labels. */
type Epilogue = (acc: number, accStride: number, n: number, k: number, consts: number) => void;

/** The exports of `gemm.as.ts.in`: micro-kernels by type and register tile (samples × weight rows), the epilogue. */
interface Kernels {
  readonly gemm_i16i8_4x2: Kernel;
  readonly gemm_i16i8_1x4: Kernel;
  readonly gemm_f32_4x2: Kernel;
  readonly gemm_f32_1x4: Kernel;
  readonly int8_scores: Epilogue;
  readonly int8_labels: Epilogue;
}

/** Columns per loop iteration of the widest kernel of each type (the padding unit of a row): 32 int8 weights, 4 floats. */
export const DEPTH_STEP = { i16i8: 32, f32: 4 } as const;

/** Row tiles of the micro-kernels: 4×2 for batches, 1×4 for the rest; weight rows are padded to 4. */
const ROW_MULTIPLE = 4;

/** The compiled kernels; `null` when this runtime has no WebAssembly SIMD. */
const kernelsModule = (): WebAssembly.Module | null => loadWasmModule("gemm");

/** A memory of at least `bytes` with the kernels instantiated on it; a clear error where SIMD is missing. */
function newArena(bytes: number, caller: string, instead: string): WasmArena<Kernels> {
  const module = kernelsModule();
  if (module === null) throw wasmSimdRequired(caller, instead);
  return new WasmArena<Kernels>(module, bytes);
}

/**
 * The memory of a prepared layer: `rows` weight rows of `rowBytes` (padded) from offset 0, then `reservedBytes` for
 * constants (at {@link reservedOff}), then scratch for a batch, grown to the largest batch seen: the inputs
 * (`xRowBytes` a sample) and the raw 4-byte outputs (`[n, rows]`).
 */
class LayerMemory {
  readonly arena: WasmArena<Kernels>;
  /** Byte offsets of the constants, the inputs and the outputs. */
  readonly reservedOff: number;
  xOff = 0;
  outOff = 0;
  private capacity = 0;
  private readonly blockRows: number;

  constructor(
    private readonly rows: number,
    private readonly rowBytes: number,
    private readonly xRowBytes: number,
    private readonly reservedBytes: number,
    caller: string,
    instead: string,
  ) {
    this.reservedOff = roundUp(rows * rowBytes, 64);
    this.arena = newArena(this.reservedOff + reservedBytes, caller, instead);
    this.blockRows = blockRows(rowBytes, ROW_MULTIPLE);
  }

  /**
   * Copies the `[n, d]` inputs `x` into `view` (which reads the memory as elements of the kernel's input type,
   * `dp` of them a sample: the padding columns are zero), growing the scratch first if `n` is the largest batch
   * so far. `view` is a getter: growing renews the views.
   */
  copyIn(view: (arena: WasmArena<Kernels>) => Int16Array | Float32Array, x: Uint8Array | Float32Array, n: number, d: number, dp: number): void {
    if (n > this.capacity) {
      this.xOff = roundUp(this.reservedOff + this.reservedBytes, 64);
      this.outOff = roundUp(this.xOff + n * this.xRowBytes, 64);
      this.arena.ensure(this.outOff + n * this.rows * 4);
      this.capacity = n;
    }
    const mem = view(this.arena);
    const xi = this.xOff / mem.BYTES_PER_ELEMENT;
    if (d === dp) {
      mem.set(x, xi);
    } else {
      for (let i = 0; i < n; i++) {
        const at = xi + i * dp;
        mem.set(x.subarray(i * d, (i + 1) * d), at);
        mem.fill(0, at + d, at + dp);
      }
    }
  }

  /**
   * Runs `X · Wᵀ` for the `n` samples copied in, over blocks of weight rows, with the two micro-kernels: 4×NR
   * for the multiple-of-4 samples of the batch, 1×NR for the rest. Outputs `[n, rows]` at {@link outOff}.
   */
  run(big: Kernel, small: Kernel, n: number, depth: number): void {
    const { xOff, xRowBytes: xStride, rowBytes: wStride, outOff, rows: kPad, blockRows } = this;
    const outStride = kPad * 4;
    const nMain = n - (n % 4);
    for (let c0 = 0; c0 < kPad; c0 += blockRows) {
      const rows = Math.min(blockRows, kPad - c0);
      const w = c0 * wStride;
      const o = outOff + c0 * 4;
      if (nMain > 0) big(xOff, xStride, nMain, w, wStride, rows, depth, o, outStride);
      if (nMain < n) small(xOff + nMain * xStride, xStride, n - nMain, w, wStride, rows, depth, o + nMain * outStride, outStride);
    }
  }
}

/** An {@link IntegerModel} laid out in WebAssembly memory for the SIMD kernel. */
export class WasmIntegerModel {
  /** The integer model it runs (sums, scales, zero-points, biases, classes). */
  readonly model: IntegerModel;
  /** Columns per padded row (`d` rounded up to 32): bytes per int8 weight row, int16 values per sample row. */
  readonly paddedFeatures: number;
  /**
   * Weight rows in memory: the `k` rows, then one row of ones (its "score" is each sample's `Σ xq`, the sum the
   * weight zero-point multiplies, so the kernel computes it too), then zero rows up to a multiple of 4.
   */
  readonly paddedClasses: number;
  private readonly memory: LayerMemory;

  /** Prefer {@link prepareWasmIntegerModel}. */
  constructor(model: IntegerModel) {
    const { nClasses: k, nFeatures: d } = model;
    this.model = model;
    this.paddedFeatures = roundUp(d, DEPTH_STEP.i16i8);
    this.paddedClasses = roundUp(k + 1, ROW_MULTIPLE);
    const dp = this.paddedFeatures;
    // The epilogue's constants (see gemm.as.ts.in): float64 [4, k] (zw, corr, mult, bias), then int32 [k] (classes).
    const constBytes = 36 * k;
    this.memory = new LayerMemory(this.paddedClasses, dp, 2 * dp, constBytes, "prepareWasmIntegerModel", "use predictInt8Integer / integerScores (TypeScript)");
    const { u8, f64, i32 } = this.memory.arena;
    const q = model.qCoef.data;
    // Int8 weights in an unsigned view: copy the bit patterns.
    const qBytes = new Uint8Array(q.buffer, q.byteOffset, q.byteLength);
    for (let c = 0; c < k; c++) u8.set(qBytes.subarray(c * d, (c + 1) * d), c * dp);
    u8.fill(1, k * dp, k * dp + d);
    // The constants that do not depend on the activations: zw, bias, classes.
    const at = this.memory.reservedOff / 8;
    for (let c = 0; c < k; c++) {
      f64[at + c] = model.zeroPoints[c];
      f64[at + 3 * k + c] = model.intercept[c];
    }
    i32.set(model.classes, (this.memory.reservedOff + 32 * k) / 4);
  }

  /** Bytes of WebAssembly memory in use (weights + scratch for the largest batch so far). */
  get memoryBytes(): number {
    return this.memory.arena.byteLength;
  }

  /** @internal The memory the results are read from (its views are renewed when it grows). */
  get arena(): WasmArena<Kernels> {
    return this.memory.arena;
  }

  /**
   * Copies `Xq` in, runs the kernels, then the epilogue `kind` in place: the raw sums `acc[i, c]` (`Σ_j xq[i, j]·
   * q[c, j]` for `c < k`, and `Σ_j xq[i, j]` for `c = k`, the row of ones) become the float32 scores `[n, k]`
   * (`"scores"`) or the int32 labels `[n]` (`"labels"`), packed from the returned byte offset.
   * @internal
   */
  run(Xq: QuantizedActivations, kind: "scores" | "labels"): number {
    const { nClasses: k } = this.model;
    const n = Xq.rows;
    // Widened to int16 on the way in (Int16Array.set converts natively): the kernel then loads 8 activations
    // with one plain load.
    this.memory.copyIn((arena) => arena.i16, Xq.data, n, Xq.cols, this.paddedFeatures);
    const { arena, outOff, reservedOff } = this.memory;
    this.memory.run(arena.exports.gemm_i16i8_4x2, arena.exports.gemm_i16i8_1x4, n, this.paddedFeatures);
    // The constants that depend on the activations (mult, corr), by the code the TypeScript epilogue uses.
    const at = reservedOff / 8;
    epilogueConstants(this.model, Xq.scale, Xq.zeroPoint, arena.f64, at + 2 * k, at + k);
    const epilogue = kind === "scores" ? arena.exports.int8_scores : arena.exports.int8_labels;
    epilogue(outOff, this.paddedClasses * 4, n, k, reservedOff);
    return outOff;
  }
}

/**
 * Lays an {@link IntegerModel} out in WebAssembly memory for {@link wasmIntegerScores} / {@link predictInt8Wasm}.
 *
 * @example
 * const wasmModel = prepareWasmIntegerModel(prepareIntegerModel(quantizeModel(model)));
 */
export function prepareWasmIntegerModel(model: IntegerModel): WasmIntegerModel {
  return new WasmIntegerModel(model);
}

/**
 * The float scores `[n, k]` of the integer kernel, dot products in WebAssembly SIMD: equal to
 * `integerScores` of `lib/studies/integer-inference.ts` (the int32 sums are exact in both, and the epilogue is the same).
 *
 * @param out - optional `[n · k]` buffer.
 * @example
 * const scores = wasmIntegerScores(Xq, wasmModel); // [450, 10]
 */
export function wasmIntegerScores(Xq: QuantizedActivations, wm: WasmIntegerModel, out?: Float32Array): Matrix<Float32Array> {
  checkIntegerInputs(Xq, wm.model, "wasmIntegerScores");
  const n = Xq.rows;
  const k = wm.model.nClasses;
  const scores = outputBuffer(out, (length) => new Float32Array(length), n * k, "wasmIntegerScores", `${n}×${k}`);
  const at = wm.run(Xq, "scores") / 4; // first: the run may grow the memory, renewing the views
  copyOut(wm.arena.f32, at, scores);
  return matrix(scores, n, k);
}

/**
 * Predicts labels `[n]` with the WebAssembly SIMD integer kernel: the same labels as `predictInt8Integer`
 * (same exact int32 sums, same float epilogue, same first-of-equals argmax).
 *
 * @param out - optional `[n]` output.
 * @example
 * const yhat = predictInt8Wasm(quantizeActivations(Xte, DIGITS_PIXEL_PARAMS), wasmModel); // Int32Array [450]
 */
export function predictInt8Wasm(Xq: QuantizedActivations, wm: WasmIntegerModel, out?: Int32Array): Int32Array {
  checkIntegerInputs(Xq, wm.model, "predictInt8Wasm");
  const n = Xq.rows;
  const labels = outputBuffer(out, (length) => new Int32Array(length), n, "predictInt8Wasm", `${n}`);
  const at = wm.run(Xq, "labels") / 4; // first: the run may grow the memory, renewing the views
  copyOut(wm.arena.i32, at, labels);
  return labels;
}

/**
 * `out.length` values of `mem` from `at` into `out`: a native copy, or for a few values a loop (which spares the
 * view `subarray` makes: measured, it costs more than copying a small batch's results).
 */
function copyOut<T extends Float32Array | Int32Array>(mem: T, at: number, out: T): void {
  if (out.length > 256) {
    out.set(mem.subarray(at, at + out.length));
  } else {
    for (let i = 0; i < out.length; i++) out[i] = mem[at + i];
  }
}

/** A float32 linear layer `[k, d]` + `[k]` laid out in WebAssembly memory for {@link wasmFp32Scores}. */
export class WasmFp32Layer {
  /** Output rows k. */
  readonly outFeatures: number;
  /** Input columns d. */
  readonly inFeatures: number;
  /** Floats per padded row (`d` rounded up to 4). */
  readonly paddedFeatures: number;
  /** Weight rows in memory (`k` rounded up to 4). */
  readonly paddedOutFeatures: number;
  private readonly bias: Float32Array;
  private readonly memory: LayerMemory;

  /** Prefer {@link prepareWasmFp32Layer}. */
  constructor(W: Matrix<Float32Array>, b: Float32Array) {
    const { rows: k, cols: d } = W;
    if (b.length !== k) throw new RangeError(`prepareWasmFp32Layer: W has ${k} rows but b has ${b.length} biases`);
    if (k === 0 || d === 0) throw new RangeError(`prepareWasmFp32Layer: W is [${k}, ${d}]; expected a non-empty matrix`);
    this.outFeatures = k;
    this.inFeatures = d;
    this.paddedFeatures = roundUp(d, DEPTH_STEP.f32);
    this.paddedOutFeatures = roundUp(k, ROW_MULTIPLE);
    const rowBytes = this.paddedFeatures * 4;
    this.bias = b;
    this.memory = new LayerMemory(this.paddedOutFeatures, rowBytes, rowBytes, 0, "prepareWasmFp32Layer", "use linearFp32 (TypeScript)");
    for (let c = 0; c < k; c++) this.memory.arena.f32.set(W.data.subarray(c * d, (c + 1) * d), c * this.paddedFeatures);
  }

  /** Bytes of WebAssembly memory in use. */
  get memoryBytes(): number {
    return this.memory.arena.byteLength;
  }

  /** @internal Runs the layer; see {@link wasmFp32Scores}. */
  run(X: Matrix<Float32Array>, y: Float32Array): void {
    const n = X.rows;
    const kp = this.paddedOutFeatures;
    const k = this.outFeatures;
    this.memory.copyIn((arena) => arena.f32, X.data, n, X.cols, this.paddedFeatures);
    const { arena, outOff } = this.memory;
    this.memory.run(arena.exports.gemm_f32_4x2, arena.exports.gemm_f32_1x4, n, this.paddedFeatures);
    const oi = outOff / 4;
    const out = arena.f32;
    const b = this.bias;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) y[i * k + c] = out[oi + i * kp + c] + b[c];
    }
  }
}

/**
 * Lays a float32 layer out in WebAssembly memory for {@link wasmFp32Scores}.
 *
 * @example
 * const layer = prepareWasmFp32Layer(model.coef, model.intercept); // [10, 64] + [10]
 */
export function prepareWasmFp32Layer(W: Matrix<Float32Array>, b: Float32Array): WasmFp32Layer {
  return new WasmFp32Layer(W, b);
}

/**
 * `X · Wᵀ + b` `[n, k]` with WebAssembly SIMD float32 (`f32x4` multiply and add; sums in float32, so the
 * last bits can differ from `linearFp32`, which sums in float64).
 *
 * @param X - inputs `[n, d]`.
 * @param out - optional `[n · k]` buffer.
 * @example
 * const scores = wasmFp32Scores(Xte, prepareWasmFp32Layer(model.coef, model.intercept)); // [450, 10]
 */
export function wasmFp32Scores(X: Matrix<Float32Array>, layer: WasmFp32Layer, out?: Float32Array): Matrix<Float32Array> {
  const { rows: n, cols: d } = X;
  const k = layer.outFeatures;
  if (d !== layer.inFeatures) throw new RangeError(`wasmFp32Scores: X has ${d} features but the layer has ${layer.inFeatures}`);
  const y = out ?? new Float32Array(n * k);
  if (y.length !== n * k) throw new RangeError(`wasmFp32Scores: out has ${y.length} elements, expected ${n}×${k}`);
  layer.run(X, y);
  return matrix(y, n, k);
}

/**
 * The plain TypeScript twin of {@link wasmFp32Scores}: `X · Wᵀ + b` `[n, k]` with the kernel's float32 operations in
 * the kernel's order, so the two agree bit for bit. Per score, four partial sums (lane l sums the columns j ≡ l
 * mod 4 in order, each product and each sum rounded to float32, the zero padding up to a multiple of 4 included),
 * added `(l0 + l2) + (l1 + l3)`, then the bias, in float32. (`linearFp32` of `lib/kernels/fp32-kernel.ts` sums in
 * float64 instead: closer to the exact value, not the same bits.)
 *
 * @example
 * f32GemmReference(Xte, model.coef, model.intercept).data; // equals wasmFp32Scores(Xte, layer).data exactly
 */
export function f32GemmReference(X: Matrix<Float32Array>, W: Matrix<Float32Array>, b: Float32Array): Matrix<Float32Array> {
  const { rows: n, cols: d } = X;
  const k = W.rows;
  if (W.cols !== d) throw new RangeError(`f32GemmReference: X has ${d} features but W has ${W.cols} columns`);
  if (b.length !== k) throw new RangeError(`f32GemmReference: W has ${k} rows but b has ${b.length} biases`);
  const f = Math.fround;
  const dp = roundUp(d, DEPTH_STEP.f32);
  const y = new Float32Array(n * k);
  const lanes = new Float32Array(4);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      lanes.fill(0);
      for (let j = 0; j < dp; j++) {
        const product = j < d ? f(X.data[i * d + j] * W.data[c * d + j]) : 0;
        lanes[j % 4] = f(lanes[j % 4] + product);
      }
      y[i * k + c] = f(f(f(lanes[0] + lanes[2]) + f(lanes[1] + lanes[3])) + b[c]);
    }
  }
  return matrix(y, n, k);
}
