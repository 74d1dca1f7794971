/**
 * Benchmark cases of the integer kernels, run by `bench/bench.ts` after its own figures:
 *
 * - `predict.int8.integer`: the digits test set (450 × 64 → 10), scikit-learn's model quantized per row,
 *   activations quantized losslessly beforehand (like `predict.fp32` gets the scaled pixels), TypeScript kernel;
 * - `predict.int8.wasm`: the same with the WebAssembly SIMD kernel;
 * - `quantize.activations.digits`: the activation quantization those two leave out (450 × 64 floats → uint8);
 * - `layer.<in>x<out>.b<batch>.<kernel>` for the scaling sweep (`lib/studies/scaling.ts`), kernels `fp32-ts`,
 *   `dequant-ts`, `int8-ts`, `fp32-wasm` (the SIMD float baseline) and `int8-wasm`. The int8 kernels' figures
 *   include quantizing the activations.
 *
 * Full sweep: layers 64x10, 256x256, 1024x1024, 4096x4096 × batches 1, 16, 256, 1024 (the TypeScript kernels
 * take ~10 s a call at 4096x4096 b1024, so the full bench spends minutes there; those cases ask for 3 runs).
 * Quick (`{ quick: true }`): 64x10 and 256x256 ×
 * batches 1 and 32.
 */
import type { Matrix } from "../lib/core/matrix";
import type { LinearModel } from "../lib/core/model";
import { quantizeModel } from "../lib/core/quantize";
import { DIGITS_PIXEL_PARAMS, predictInt8Integer, prepareIntegerModel, quantizeActivations } from "../lib/studies/integer-inference";
import { predictInt8Wasm, prepareWasmIntegerModel } from "../lib/kernels/gemm";
import { LAYER_KERNELS, prepareSweep, type LayerShape } from "../lib/studies/scaling";
import type { BenchCase } from "./types";

/** The sweep of the full benchmark. */
export const FULL_SWEEP: { readonly layers: readonly LayerShape[]; readonly batches: readonly number[] } = {
  layers: [
    { inFeatures: 64, outFeatures: 10 },
    { inFeatures: 256, outFeatures: 256 },
    { inFeatures: 1024, outFeatures: 1024 },
    { inFeatures: 4096, outFeatures: 4096 },
  ],
  batches: [1, 16, 256, 1024],
};

/** The sweep of the quick benchmark (seconds). */
export const QUICK_SWEEP: typeof FULL_SWEEP = {
  layers: [
    { inFeatures: 64, outFeatures: 10 },
    { inFeatures: 256, outFeatures: 256 },
  ],
  batches: [1, 32],
};

/** Warm-up of the small cases (ms): long enough for TurboFan to compile their kernels. */
export const SMALL_CASE_WARMUP_MS = 100;

/**
 * The integer kernels' benchmark cases (see the file comment), for `model` (the bench's own trained digits model,
 * `[10, 64]`) on the test images `Xte` (`[450, 64]`, scaled 0..1). Everything is prepared here, before any timing:
 * weights, layouts, inputs and output buffers. The small cases (below 10⁸ multiply-adds) ask for
 * {@link SMALL_CASE_WARMUP_MS} of warm-up (~6 s in all for the full list, ~2 s for the quick one): V8 optimises a
 * kernel only once it is hot, and TurboFan takes tens of milliseconds to compile the bigger ones, during which a
 * small case runs ~10× slower — longer than a runner's few warm-up calls. Without it the small cases would time the
 * interpreter (64x10 b16 fp32: 0.2 ms cold, 0.005 ms warm).
 *
 * @example
 * for (const c of int8BenchCases({ model, Xte, quick: true })) {
 *   console.log(c.name, timeIt(c.fn, { warmupMs: c.warmupMs, repeat: c.runs }).medianMs);
 * }
 */
export function int8BenchCases(options: { model: LinearModel; Xte: Matrix<Float32Array>; quick?: boolean }): BenchCase[] {
  const { model, Xte } = options;
  const quick = options.quick ?? false;
  const cases: BenchCase[] = [];

  const intModel = prepareIntegerModel(quantizeModel(model));
  const wasmModel = prepareWasmIntegerModel(intModel);
  const Xq = quantizeActivations(Xte, DIGITS_PIXEL_PARAMS);
  const labels = new Int32Array(Xte.rows);
  const xq = new Uint8Array(Xq.data.length);
  const small = { warmupMs: SMALL_CASE_WARMUP_MS };
  cases.push({ name: "predict.int8.integer", fn: () => predictInt8Integer(Xq, intModel, labels), ...small });
  cases.push({ name: "predict.int8.wasm", fn: () => predictInt8Wasm(Xq, wasmModel, labels), ...small });
  cases.push({ name: "quantize.activations.digits", fn: () => quantizeActivations(Xte, DIGITS_PIXEL_PARAMS, xq), ...small });

  const sweep = quick ? QUICK_SWEEP : FULL_SWEEP;
  for (const layer of prepareSweep(sweep.layers, sweep.batches)) {
    const { inFeatures, outFeatures } = layer.shape;
    // Large cases: few runs (the TypeScript kernels take seconds a call), and the runner's warm-up calls suffice.
    const plan = layer.macs >= 1e9 ? { runs: 3 } : layer.macs >= 1e8 ? { runs: 10 } : small;
    for (const kernel of LAYER_KERNELS) {
      cases.push({ name: `layer.${inFeatures}x${outFeatures}.b${layer.batch}.${kernel}`, fn: layer.run[kernel], ...plan });
    }
  }
  return cases;
}
