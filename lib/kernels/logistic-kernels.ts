/**
 * The two products that cost nearly all of the L-BFGS training time of `lib/train.ts`, over one float64 "heap"
 * (a WebAssembly memory, or a plain Float64Array for the JavaScript kernels):
 *
 *     scores(X, n, stride, w, b, out): out[i] = X[i, :]·w + b          (X row by row)
 *     xtr(X, n, stride, r, out):       out[:] = Σᵢ r[i]·X[i, :] = Xᵀ·r  (rows accumulated, four at a time)
 *
 * Arguments are offsets into the heap (float64 elements); n is a multiple of 4 and stride of 8. The WebAssembly
 * version runs two float64 lanes at a time (SIMD) without bounds checks: about 5× faster than the JavaScript one
 * on the digits, whose speed also depends on how V8 happens to compile the loops. Both sum in a fixed order, so a
 * run is reproducible; they differ from each other (and from NumPy's BLAS) only in rounding.
 *
 * The module is assembled on first use with `lib/wasm-assembler.ts` and loaded through `lib/wasm-runtime.ts`,
 * like every WebAssembly module of the project.
 */
import { Code, OP, SIMD, VALTYPE, assembleModule, funcBody, funcType, memoryImport } from "./wasm-assembler";
import { WasmArena, lazyWasmModule, wasmSimdRequired } from "./wasm-runtime";

/** The two products over a heap of float64s; see the file comment. */
export interface LogisticKernels {
  /** `"wasm"` (WebAssembly SIMD) or `"js"` (plain loops). */
  readonly kind: "wasm" | "js";
  /** Where X, w, the scores, the residuals and Xᵀ·r live; offsets are indices into it. */
  readonly heap: Float64Array;
  scores(x: number, n: number, stride: number, w: number, b: number, out: number): void;
  xtr(x: number, n: number, stride: number, r: number, out: number): void;
}

/**
 * Kernels over a fresh heap of `size` float64s: WebAssembly when asked for (`"wasm"`) or available (`"auto"`),
 * else JavaScript.
 *
 * @throws Error for `"wasm"` when WebAssembly SIMD is not available, or the heap would pass 1 GB.
 * @example
 * const k = makeLogisticKernels(1024, "auto"); // k.kind: "wasm" on Node 20
 */
export function makeLogisticKernels(size: number, kind: "auto" | "wasm" | "js"): LogisticKernels {
  if (kind !== "js") {
    const module = logisticKernelModule();
    if (module !== null && size * 8 <= 2 ** 30) {
      const { exports, memory } = new WasmArena<WasmKernelExports>(module, size * 8);
      const heap = new Float64Array(memory.buffer, 0, size);
      return {
        kind: "wasm",
        heap,
        scores: (x, n, stride, w, b, out) => exports.scores(x * 8, n, stride, w * 8, b, out * 8),
        xtr: (x, n, stride, r, out) => exports.xtr(x * 8, n, stride, r * 8, out * 8),
      };
    }
    if (kind === "wasm") {
      throw module === null
        ? wasmSimdRequired('trainLogisticRegression: kernels "wasm"', 'use "js"')
        : new Error('trainLogisticRegression: kernels "wasm": X is over 1 GB, more than the WebAssembly kernels take; use "js"');
    }
  }
  const heap = new Float64Array(size);
  return {
    kind: "js",
    heap,
    scores: (x, n, stride, w, b, out) => scoresJs(heap, x, n, stride, w, b, out),
    xtr: (x, n, stride, r, out) => xtrJs(heap, x, n, stride, r, out),
  };
}

function scoresJs(H: Float64Array, x: number, n: number, stride: number, w: number, b: number, out: number): void {
  for (let i = 0, o = x; i < n; i++, o += stride) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < stride; j += 4) {
      s0 += H[o + j] * H[w + j];
      s1 += H[o + j + 1] * H[w + j + 1];
      s2 += H[o + j + 2] * H[w + j + 2];
      s3 += H[o + j + 3] * H[w + j + 3];
    }
    H[out + i] = s0 + s2 + (s1 + s3) + b;
  }
}

function xtrJs(H: Float64Array, x: number, n: number, stride: number, r: number, out: number): void {
  for (let j = 0; j < stride; j++) H[out + j] = 0;
  for (let i = 0, o = x; i < n; i += 4, o += 4 * stride) {
    const o1 = o + stride;
    const o2 = o1 + stride;
    const o3 = o2 + stride;
    const r0 = H[r + i];
    const r1 = H[r + i + 1];
    const r2 = H[r + i + 2];
    const r3 = H[r + i + 3];
    for (let j = 0; j < stride; j++) {
      H[out + j] += r0 * H[o + j] + r1 * H[o1 + j] + (r2 * H[o2 + j] + r3 * H[o3 + j]);
    }
  }
}

interface WasmKernelExports {
  scores(x: number, n: number, stride: number, w: number, b: number, out: number): void;
  xtr(x: number, n: number, stride: number, r: number, out: number): void;
}

/** The compiled kernel module, built once; `null` when this runtime has no WebAssembly SIMD. */
const logisticKernelModule = lazyWasmModule(logisticKernelBytes);

/**
 * The WebAssembly module, assembled from its instructions with `lib/wasm-assembler.ts` (no toolchain needed). In
 * text format:
 *
 *     (import "env" "memory" (memory 0))
 *     (func (export "scores") (param $x i32) (param $n i32) (param $stride i32) (param $w i32) (param $b f64)
 *                             (param $out i32)           ;; byte offsets; n rows, stride float64s a row
 *       for i in 0..n:  a0..a3 = 0 (f64x2)
 *         for j in 0..stride step 8:  a0 += X[i,j:j+2]·w[j:j+2]; a1 += …[j+2:j+4]; a2 += …; a3 += …[j+6:j+8]
 *         out[i] = sum of the lanes of (a0 + a1) + (a2 + a3), + b
 *     (func (export "xtr") (param $x i32) (param $n i32) (param $stride i32) (param $r i32) (param $out i32)
 *       out[:] = 0
 *       for i in 0..n step 4:  for j in 0..stride step 2:
 *         out[j:j+2] += (r[i]·X[i,j:j+2] + r[i+1]·X[i+1,j:j+2]) + (r[i+2]·X[i+2,j:j+2] + r[i+3]·X[i+3,j:j+2])
 */
export function logisticKernelBytes(): Uint8Array {
  const { i32: I32, f64: F64, v128: V128 } = VALTYPE;
  const rowBytesOf = (stride: number, rowBytes: number): Code => new Code().get(stride).i32(3).op(OP.i32Shl).set(rowBytes);

  // scores: params 0 x, 1 n, 2 stride, 3 w, 4 b, 5 out; locals 6 i, 7 row, 8 j, 9 rowBytes, 10..13 a0..a3
  const [x, n, stride, w, b, out, i, row, j, rowBytes] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const scores = rowBytesOf(stride, rowBytes);
  scores.get(x).set(row).i32(0).set(i);
  scores.block().loop();
  scores.get(i).get(n).op(OP.i32GeU).brIf(1);
  for (const acc of [10, 11, 12, 13]) scores.v128Zero().set(acc);
  scores.i32(0).set(j);
  scores.loop();
  for (const [acc, offset] of [[10, 0], [11, 16], [12, 32], [13, 48]]) {
    scores.get(acc).get(row).get(j).op(OP.i32Add).v128Load(3, offset).get(w).get(j).op(OP.i32Add).v128Load(3, offset);
    scores.simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(acc);
  }
  scores.get(j).i32(64).op(OP.i32Add).tee(j).get(rowBytes).op(OP.i32LtU).brIf(0);
  scores.end();
  scores.get(10).get(11).simd(SIMD.f64x2Add).get(12).get(13).simd(SIMD.f64x2Add).simd(SIMD.f64x2Add).set(10);
  scores.get(out).get(i).i32(3).op(OP.i32Shl, OP.i32Add);
  scores.get(10).simd(SIMD.f64x2ExtractLane, 0).get(10).simd(SIMD.f64x2ExtractLane, 1).op(OP.f64Add).get(b).op(OP.f64Add);
  scores.mem(OP.f64Store, 3, 0);
  scores.get(row).get(rowBytes).op(OP.i32Add).set(row);
  scores.get(i).i32(1).op(OP.i32Add).set(i);
  scores.br(0).end().end();

  // xtr: params 0 x, 1 n, 2 stride, 3 r, 4 out; locals 5 i, 6 row, 7 j, 8 rowBytes, 9 p, 10..13 r0..r3
  const [xr, nr, strider, rr, outr, ir, rowr, jr, rb, p] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const xtr = rowBytesOf(strider, rb);
  const nextPair = (): Code => xtr.get(jr).i32(16).op(OP.i32Add).tee(jr).get(rb).op(OP.i32LtU).brIf(0);
  xtr.i32(0).set(jr);
  xtr.loop();
  xtr.get(outr).get(jr).op(OP.i32Add).v128Zero().v128Store(3, 0);
  nextPair().end();
  xtr.get(xr).set(rowr).i32(0).set(ir);
  xtr.block().loop();
  xtr.get(ir).get(nr).op(OP.i32GeU).brIf(1);
  xtr.get(rr).get(ir).i32(3).op(OP.i32Shl, OP.i32Add).set(p);
  for (let q = 0; q < 4; q++) xtr.get(p).mem(OP.f64Load, 3, 8 * q).simd(SIMD.f64x2Splat).set(10 + q);
  xtr.i32(0).set(jr);
  xtr.loop();
  xtr.get(outr).get(jr).op(OP.i32Add); // where the sum goes
  xtr.get(outr).get(jr).op(OP.i32Add).v128Load(3, 0);
  xtr.get(rowr).get(jr).op(OP.i32Add).set(p);
  // r_q · X[i+q, j:j+2]: row i+q is at p + q·rowBytes
  const term = (q: number): Code => {
    xtr.get(10 + q).get(p);
    for (let t = 0; t < q; t++) xtr.get(rb).op(OP.i32Add);
    return xtr.v128Load(3, 0).simd(SIMD.f64x2Mul);
  };
  term(0);
  term(1).simd(SIMD.f64x2Add);
  term(2);
  term(3).simd(SIMD.f64x2Add);
  xtr.simd(SIMD.f64x2Add).simd(SIMD.f64x2Add).v128Store(3, 0);
  nextPair().end();
  xtr.get(rowr).get(rb).i32(2).op(OP.i32Shl, OP.i32Add).set(rowr);
  xtr.get(ir).i32(4).op(OP.i32Add).set(ir);
  xtr.br(0).end().end();

  return assembleModule({
    types: [funcType([I32, I32, I32, I32, F64, I32]), funcType([I32, I32, I32, I32, I32])],
    imports: [memoryImport("env", "memory", 0)], // min 0 pages: each training brings its own memory
    functions: [
      { type: 0, export: "scores", body: funcBody([[4, I32], [4, V128]], scores) },
      { type: 1, export: "xtr", body: funcBody([[5, I32], [4, V128]], xtr) },
    ],
  });
}
