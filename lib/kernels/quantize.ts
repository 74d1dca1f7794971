/**
 * Float activations to uint8 (ONNX `QuantizeLinear`, saturating), fast: a WebAssembly SIMD kernel
 * (`quantize.as.ts.in`) beside its plain TypeScript twin, {@link quantizeUint8Reference}, which gives the same levels
 * for every input:
 *
 *     out[i] = clamp(roundHalfToEven(x[i] / scale) + zeroPoint, 0, 255)
 *
 * with the division in float64 (a multiplication by the inverse when the scale is a power of two: the same result),
 * clamping before rounding (so NaN is caught and ±Infinity saturate to 0 / 255). `quantizeActivations` of
 * `lib/studies/integer-inference.ts` is built on it.
 *
 * The kernel works through the input 16 384 values at a time in one small WebAssembly memory per process (80 KB);
 * where WebAssembly SIMD is missing, the twin runs instead.
 */
import { roundUp } from "./blocking";
import { WasmArena, loadWasmModule } from "./wasm-runtime";

/** Which code quantizes: the WebAssembly SIMD kernel or the plain TypeScript twin. */
export type QuantizeKernel = "wasm" | "ts";

/** 1.5 · 2⁵²: `v + ROUND_MAGIC - ROUND_MAGIC` rounds `v` (|v| < 2⁵¹) to an integer, ties to even. */
const ROUND_MAGIC = 6755399441055744;

/** Values per kernel call: 64 KB of float32 in, 16 KB of uint8 out. */
const CHUNK = 16384;

/**
 * Quantizes `x` into `out` (as long as `x`) with `scale` (positive, finite) and `zeroPoint` (an integer 0..255; the
 * caller checks both). Returns -1, or the index of the first NaN in `x` (which has no uint8 level: `out` is then not
 * fully written).
 *
 * @param kernel - `"auto"` (default): the WebAssembly kernel where SIMD is available, else the twin.
 * @example
 * const out = new Uint8Array(Xte.data.length);
 * quantizeUint8(Xte.data, 1 / 16, 0, out); // -1; out holds the raw pixels 0..16
 */
export function quantizeUint8(x: Float32Array, scale: number, zeroPoint: number, out: Uint8Array, kernel: "auto" | QuantizeKernel = "auto"): number {
  if (out.length !== x.length) throw new RangeError(`quantizeUint8: out has ${out.length} elements, expected ${x.length}`);
  const k = kernel === "auto" ? quantizeKernel() : kernel;
  return k === "wasm" ? wasmQuantize().run(x, scale, zeroPoint, out) : quantizeUint8Reference(x, scale, zeroPoint, out);
}

/**
 * The code {@link quantizeUint8} runs by default here: `"wasm"` where WebAssembly SIMD is available, else `"ts"`.
 *
 * @example
 * quantizeKernel(); // "wasm" on Node 20
 */
export function quantizeKernel(): QuantizeKernel {
  return loadWasmModule("quantize") === null ? "ts" : "wasm";
}

/**
 * The plain TypeScript twin of the kernel: the same arguments, result and levels as {@link quantizeUint8}.
 *
 * @example
 * quantizeUint8Reference(Float32Array.of(0.5, 1.5, -3, Infinity), 1, 0, new Uint8Array(4)); // -1; out: 0, 2, 0, 255
 */
export function quantizeUint8Reference(x: Float32Array, scale: number, zeroPoint: number, out: Uint8Array): number {
  // Clamp before rounding: with integer bounds the rounded value stays in 0..255 (and NaN is caught).
  const lo = -zeroPoint;
  const hi = 255 - zeroPoint;
  const factor = powerOfTwoInverse(scale);
  for (let i = 0; i < x.length; i++) {
    let v = factor !== 0 ? x[i] * factor : x[i] / scale;
    if (!(v >= lo)) {
      if (v !== v) return i;
      v = lo;
    } else if (v > hi) {
      v = hi;
    }
    out[i] = v + ROUND_MAGIC - ROUND_MAGIC + zeroPoint;
  }
  return -1;
}

/** `1 / scale` when `scale` is a power of two (multiplying by it is then exactly dividing by `scale`), else 0. */
function powerOfTwoInverse(scale: number): number {
  const inverse = 1 / scale;
  return Number.isInteger(Math.log2(scale)) && inverse * scale === 1 ? inverse : 0;
}

/** The powers of two that are normal float32 numbers: a float32 times one is exact in float32 (unless it overflows). */
const F32_MIN_NORMAL = 2 ** -126;
const F32_MAX_POW2 = 2 ** 127;

type Quantize = (x: number, n: number, a: number, lo: number, hi: number, zeroPoint: number, out: number) => number;

interface QuantizeExports {
  readonly quantize_f32_mul: Quantize;
  readonly quantize_f64_mul: Quantize;
  readonly quantize_f64_div: Quantize;
}

/** The kernel's memory: one chunk of float32 inputs at 0, its uint8 outputs after them. */
class QuantizeArena {
  private readonly arena: WasmArena<QuantizeExports>;

  constructor(module: WebAssembly.Module) {
    this.arena = new WasmArena<QuantizeExports>(module, CHUNK * 5);
  }

  run(x: Float32Array, scale: number, zeroPoint: number, out: Uint8Array): number {
    const { exports, f32, u8 } = this.arena;
    const factor = powerOfTwoInverse(scale);
    const f32Exact = factor >= F32_MIN_NORMAL && factor <= F32_MAX_POW2;
    const kernel = factor === 0 ? exports.quantize_f64_div : f32Exact ? exports.quantize_f32_mul : exports.quantize_f64_mul;
    const a = factor === 0 ? scale : factor;
    const outOff = CHUNK * 4;
    for (let start = 0; start < x.length; start += CHUNK) {
      const n = Math.min(CHUNK, x.length - start);
      f32.set(n === x.length ? x : x.subarray(start, start + n), 0);
      const padded = roundUp(n, 16);
      if (padded > n) f32.fill(0, n, padded); // zeros quantize to the zero-point; not copied out
      const nanAt = kernel(0, padded, a, -zeroPoint, 255 - zeroPoint, zeroPoint, outOff);
      if (nanAt >= 0) return start + nanAt;
      out.set(u8.subarray(outOff, outOff + n), start);
    }
    return -1;
  }
}

let shared: QuantizeArena | undefined;

function wasmQuantize(): QuantizeArena {
  if (shared === undefined) {
    const module = loadWasmModule("quantize");
    if (module === null) throw new Error('quantizeUint8: kernel "wasm": WebAssembly SIMD is not available in this runtime; use "ts"');
    shared = new QuantizeArena(module);
  }
  return shared;
}
