/**
 * The two products that cost nearly all of the L-BFGS training time of `lib/core/train.ts`, over one float64 "heap"
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
 * The WebAssembly version is `logistic-kernels.as.ts.in` (AssemblyScript, compiled by `npm run build`), loaded
 * through `lib/kernels/wasm-runtime.ts` like every WebAssembly module of the project; `scoresJs` and `xtrJs` here
 * are its plain TypeScript twins.
 */
import { WasmArena, loadWasmModule, wasmSimdRequired } from "./wasm-runtime";

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

/** The compiled kernels (`logistic-kernels.as.ts.in`); `null` when this runtime has no WebAssembly SIMD. */
const logisticKernelModule = (): WebAssembly.Module | null => loadWasmModule("logistic-kernels");
