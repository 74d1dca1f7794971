/**
 * The scores of a linear classifier, `X · Wᵀ + b` in float64, for `predictFp32` and `predictInt8`: a readable
 * JavaScript reference and a WebAssembly SIMD kernel (two float64 lanes), which give the same numbers.
 *
 * Both compute each score as scikit-learn's float64 `decision_function` does in exact arithmetic, and in the
 * same order as each other: `s = 0; for j in 0..d: s += x[j]·w[j]; s += b` (float32 inputs widened exactly,
 * products and sums rounded to float64, and WebAssembly has no fused multiply-add). So the two paths are
 * bit-identical, not just close; only the work is arranged differently:
 *
 * - the kernel keeps W transposed, `Wt [d, kPad]` float64, so one load brings the weights of two classes and
 *   the scores of 2 samples × up to 10 classes sit in registers (10 f64x2 accumulators) while j runs: every
 *   weight load feeds 2 samples, every sample value feeds up to 10 classes, and no horizontal sums are needed;
 * - X is copied in as float32 (a plain memory copy) and widened inside the kernel (`f64.promote_f32`).
 *
 * The WebAssembly memory is one per process, reused by every call and grown when a larger X (or model)
 * comes; no other buffer is allocated per call. The scores it returns are a view of that memory, valid until
 * the next call.
 */
import type { Matrix } from "../core/matrix";
import { Code, OP, SIMD, VALTYPE, assembleModule, funcBody, funcType, memoryImport } from "./wasm-assembler";
import { WasmArena, lazyWasmModule, roundUp, wasmSimdRequired } from "./wasm-runtime";

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
 * @throws Error when WebAssembly SIMD is not available (`wasmSimdAvailable` of `lib/wasm-runtime.ts`), or the
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

/** Where the buffers sit in memory (bytes, 16-aligned): `Wt [d, kPad]` f64, `b [kPad]` f64, `X [nPad, d]` f32, scores `[nPad, kPad]` f64. */
function layoutBytes(n: number, k: number, d: number) {
  const kPad = roundUp(k, 2);
  const nPad = roundUp(n, ROWS);
  const wt = 0;
  const bias = roundUp(wt + d * kPad * 8, 16);
  const x = roundUp(bias + kPad * 8, 16);
  const out = roundUp(x + nPad * d * 4, 16);
  return { kPad, nPad, wt, bias, x, out, total: out + nPad * kPad * 8 };
}

/**
 * `scores_2x<2m>(x, nRows, dBytes, wt, wtStride, bias, out, outStride)` (all i32, offsets and strides in bytes),
 * for m = 1..5: for sample rows i = 0, 2, … < nRows (nRows even, X rows `dBytes` apart, d ≥ 1) and the 2m
 * classes of one block (`wt`, `bias`, `out` point at the block's first class):
 *
 *     acc[r][q] = 0  (f64x2: classes 2q, 2q+1 of sample i+r)
 *     for j in 0..d:  xr = splat(f64(x[i+r, j]));  wq = Wt[j, 2q:2q+2];  acc[r][q] += xr · wq
 *     out[i+r, 2q:2q+2] = acc[r][q] + b[2q:2q+2]
 */
function kernelBody(m: number): number[] {
  const [x, nRows, dBytes, wt, wtStride, bias, out, outStride] = [0, 1, 2, 3, 4, 5, 6, 7];
  let next = 8;
  const [i, px0, px1, pEnd, pw, po] = [next++, next++, next++, next++, next++, next++];
  const nI32 = next - 8;
  const acc = Array.from({ length: ROWS }, () => Array.from({ length: m }, () => next++));
  const xs = Array.from({ length: ROWS }, () => next++);
  const wv = next++;
  const nV128 = next - 8 - nI32;

  const k = new Code();
  k.i32(0).set(i);
  k.block().loop();
  k.get(i).get(nRows).op(OP.i32GeU).brIf(1);
  // px0, px1: x[i, 0], x[i+1, 0]; pEnd: the end of row i; pw: Wt[0, 0]
  k.get(x).get(i).get(dBytes).op(OP.i32Mul, OP.i32Add).tee(px0).get(dBytes).op(OP.i32Add).tee(px1).set(pEnd);
  k.get(wt).set(pw);
  for (const row of acc) for (const a of row) k.v128Zero().set(a);
  k.loop();
  for (let r = 0; r < ROWS; r++) {
    k.get(r === 0 ? px0 : px1).mem(OP.f32Load, 2, 0).op(OP.f64PromoteF32).simd(SIMD.f64x2Splat).set(xs[r]);
  }
  for (let q = 0; q < m; q++) {
    k.get(pw).v128Load(4, 16 * q).set(wv);
    for (let r = 0; r < ROWS; r++) {
      k.get(acc[r][q]).get(xs[r]).get(wv).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(acc[r][q]);
    }
  }
  k.get(px1).i32(4).op(OP.i32Add).set(px1);
  k.get(pw).get(wtStride).op(OP.i32Add).set(pw);
  k.get(px0).i32(4).op(OP.i32Add).tee(px0).get(pEnd).op(OP.i32LtU).brIf(0);
  k.end();
  // out[i+r, block] = acc[r] + b
  k.get(out).get(i).get(outStride).op(OP.i32Mul, OP.i32Add).set(po);
  for (let r = 0; r < ROWS; r++) {
    for (let q = 0; q < m; q++) {
      k.get(po).get(acc[r][q]).get(bias).v128Load(4, 16 * q).simd(SIMD.f64x2Add).v128Store(4, 16 * q);
    }
    if (r + 1 < ROWS) k.get(po).get(outStride).op(OP.i32Add).set(po);
  }
  k.get(i).i32(ROWS).op(OP.i32Add).set(i);
  k.br(0).end().end();
  return funcBody([[nI32, VALTYPE.i32], [nV128, VALTYPE.v128]], k);
}

/** The kernel module: `scores_2x2` … `scores_2x10`, importing `env.memory`. Assembled on first use (~2 KB). */
export function predictKernelBytes(): Uint8Array {
  const pairs = Array.from({ length: MAX_PAIRS }, (_, idx) => idx + 1);
  return assembleModule({
    types: [funcType(new Array<number>(8).fill(VALTYPE.i32))],
    imports: [memoryImport("env", "memory", 1)],
    functions: pairs.map((m) => ({ type: 0, export: `scores_2x${2 * m}`, body: kernelBody(m) })),
  });
}

type Kernel = (x: number, nRows: number, dBytes: number, wt: number, wtStride: number, bias: number, out: number, outStride: number) => void;

/** The compiled kernel module, built once; `null` when this runtime has no WebAssembly SIMD. */
const kernelModule = lazyWasmModule(predictKernelBytes);

/** The kernel's memory and instance (one per process, grown on demand): see {@link wasmScores}. */
class ScoresArena {
  private readonly arena: WasmArena<Record<string, Kernel>>;
  private readonly kernels: Kernel[];

  constructor(module: WebAssembly.Module) {
    this.arena = new WasmArena(module, 0);
    this.kernels = Array.from({ length: MAX_PAIRS }, (_, idx) => this.arena.exports[`scores_2x${2 * (idx + 1)}`]);
  }

  run(X: Matrix<Float32Array>, W: Matrix<Float32Array>, b: Float32Array): ScoresView {
    const { rows: n, cols: d } = X;
    const k = W.rows;
    const at = layoutBytes(n, k, d);
    const { kPad, nPad } = at;
    if (at.total > MAX_BYTES) throw new Error(`wasmScores: X [${n}, ${d}] and ${k} classes need over 2 GB of WebAssembly memory`);
    this.arena.ensure(at.total);
    const { f32, f64 } = this.arena;
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
    const x = at.x / 4;
    f32.set(X.data.length === n * d ? X.data : X.data.subarray(0, n * d), x);
    if (nPad > n) f32.fill(0, x + n * d, x + nPad * d);
    if (n > 0 && d > 0) {
      for (let c0 = 0; c0 < k; c0 += 2 * MAX_PAIRS) {
        const pairs = Math.min(MAX_PAIRS, Math.ceil((k - c0) / 2));
        this.kernels[pairs - 1](at.x, nPad, d * 4, at.wt + c0 * 8, kPad * 8, at.bias + c0 * 8, at.out + c0 * 8, kPad * 8);
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
