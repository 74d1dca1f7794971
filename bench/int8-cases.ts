/**
 * Benchmark cases of the integer kernels, run by `bench/bench.ts` after its own figures:
 *
 * - `predict.int8.integer`: the digits test set (450 × 64 → 10), scikit-learn's model quantized per row,
 *   activations quantized losslessly beforehand (like `predict.fp32` gets the scaled pixels), TypeScript kernel;
 * - `predict.int8.wasm`: the same with the WebAssembly SIMD kernel;
 * - `quantize.activations.digits`: the activation quantization those two leave out (450 × 64 floats → uint8);
 * - `predict.int8.wasm.quantize`: what a user pays for the WebAssembly int8 labels from float inputs, the
 *   quantization included (`quantizeActivations` then `predictInt8Wasm`);
 * - `predict.fp32.wasm`: `predictFp32`'s labels by the float64 WebAssembly kernel (`predictFp32Wasm`, the same scores
 *   bit for bit): the fast float path to weigh int8 against;
 * - `simd.dot_add_peak`, `simd.dot_peak`: the WebAssembly SIMD limit (`lib/kernels/dot-peak.ts`), 2·10⁶ iterations
 *   of 96 multiply-adds each — `i32x4.dot_i16x8_s` with its `i32x4.add`, and alone — measured at the start and again
 *   before every `int8-wasm` case of the sweep (one figure each, its runs from all those moments);
 * - `layer.<in>x<out>.b<batch>.<kernel>` for the scaling sweep (`lib/studies/scaling.ts`), kernels `fp32-ts`,
 *   `dequant-ts`, `int8-ts`, `fp32-wasm` (the SIMD float baseline) and `int8-wasm`. The int8 kernels' figures
 *   include quantizing the activations.
 *
 * Full sweep: layers 64x10, 256x256, 1024x1024, 4096x4096 × batches 1, 16, 256, 1024 (the TypeScript kernels
 * take ~10 s a call at 4096x4096 b1024, so the full bench spends minutes there; those cases ask for 3 runs).
 * Quick (`{ quick: true }`): 64x10 and 256x256 ×
 * batches 1 and 32.
 *
 * {@link kernelSummary} turns the figures into the report's `kernels` section: the SIMD limit in GMAC/s, every
 * int8 WebAssembly case's GMAC/s and share of it, and the digits' costs side by side.
 */
import type { Matrix } from "../lib/core/matrix";
import type { LinearModel } from "../lib/core/model";
import { quantizeModel } from "../lib/core/quantize";
import { DIGITS_PIXEL_PARAMS, predictInt8Integer, prepareIntegerModel, quantizeActivations } from "../lib/studies/integer-inference";
import { DOT_PEAK_MACS_PER_ITERATION, dotPeak } from "../lib/kernels/dot-peak";
import { predictInt8Wasm, prepareWasmIntegerModel } from "../lib/kernels/gemm";
import { predictFp32Wasm } from "../lib/kernels/predict-kernel";
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
  cases.push({
    name: "predict.int8.wasm.quantize",
    fn: () => predictInt8Wasm(quantizeActivations(Xte, DIGITS_PIXEL_PARAMS, xq), wasmModel, labels),
    ...small,
  });
  cases.push({ name: "predict.fp32.wasm", fn: () => predictFp32Wasm(Xte, model), ...small });
  const peak = dotPeak();
  const peakCases: BenchCase[] = [
    { name: "simd.dot_add_peak", fn: () => peak.dotAdd(PEAK_ITERATIONS), ...small, runs: 10 },
    { name: "simd.dot_peak", fn: () => peak.dot(PEAK_ITERATIONS), ...small, runs: 10 },
  ];
  cases.push(...peakCases);

  const sweep = quick ? QUICK_SWEEP : FULL_SWEEP;
  for (const layer of prepareSweep(sweep.layers, sweep.batches)) {
    const { inFeatures, outFeatures } = layer.shape;
    // Large cases: few runs (the TypeScript kernels take seconds a call), and the runner's warm-up calls suffice.
    const plan = layer.macs >= 1e9 ? { runs: 3 } : layer.macs >= 1e8 ? { runs: 10 } : small;
    for (const kernel of LAYER_KERNELS) {
      // The SIMD limit is measured again just before each int8-wasm case, so that its best run and the case see
      // the same machine (a shared machine's load comes and goes); the WebAssembly kernels take < 1 s a call, so
      // their large cases get 10 runs.
      if (kernel === "int8-wasm") cases.push(...peakCases);
      const runs = layer.macs >= 1e9 && kernel.endsWith("-wasm") ? { runs: 10 } : plan;
      cases.push({ name: `layer.${inFeatures}x${outFeatures}.b${layer.batch}.${kernel}`, fn: layer.run[kernel], ...runs });
    }
  }
  return cases;
}

/** Iterations of the SIMD-limit loops per call: 192 M multiply-adds, a few milliseconds. */
const PEAK_ITERATIONS = 2_000_000;

/** Figures by name, as the report has them. */
export type FigureMedians = Readonly<Record<string, { readonly median_ms: number; readonly min_ms: number } | undefined>>;

/**
 * The report's `kernels` section, from the figures (null where a figure is missing):
 *
 * - `simd_limit_gmacs`: `simd.dot_add_peak` in GMAC/s at its median — the WebAssembly SIMD limit of an int8
 *   multiply-accumulate here (its runs are spread over the bench, before every int8-wasm case, so that they see the
 *   machine the cases see); `simd_limit_best_gmacs` at its best run; `dot_i16x8_s_gmacs`: the instruction alone;
 * - `int8_wasm`: for each `layer.*.int8-wasm` figure (the activation quantization and the epilogue included), its
 *   GMAC/s at the median and its share of the limit (`share`: median against median), and the same for the best runs
 *   (`share_best`: best against best — on a shared machine the two bracket the truth);
 * - `digits`: the medians (ms) that a user of the digits model pays — int8 kernel alone, with the quantization,
 *   `predictFp32` (plain TypeScript) and its WebAssembly twin, ONNX Runtime's fp32 and int8 (one thread) — and their
 *   ratios (below 1: the first is faster).
 *
 * @example
 * kernelSummary(figures).int8_wasm["4096x4096.b1024"]; // { gmacs: 33.3, share: 0.87, share_best: 0.81 }
 */
export function kernelSummary(figures: FigureMedians): Record<string, unknown> {
  const ms = (name: string): number | null => figures[name]?.median_ms ?? null;
  const best = (name: string): number | null => figures[name]?.min_ms ?? null;
  const round = (v: number | null, digits = 4): number | null => (v === null || !Number.isFinite(v) ? null : Number(v.toFixed(digits)));
  const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : round(a / b));
  const gmacs = (macs: number, t: number | null): number | null => (t === null ? null : round(macs / (t * 1e6), 2));
  const peakMacs = PEAK_ITERATIONS * DOT_PEAK_MACS_PER_ITERATION;
  const limit = gmacs(peakMacs, ms("simd.dot_add_peak"));
  const bestLimit = gmacs(peakMacs, best("simd.dot_add_peak"));
  const int8Wasm: Record<string, { gmacs: number | null; share: number | null; share_best: number | null }> = {};
  for (const name of Object.keys(figures)) {
    const m = name.match(/^layer\.(\d+)x(\d+)\.b(\d+)\.int8-wasm$/);
    if (!m) continue;
    const macs = Number(m[1]) * Number(m[2]) * Number(m[3]);
    const g = gmacs(macs, ms(name));
    int8Wasm[`${m[1]}x${m[2]}.b${m[3]}`] = { gmacs: g, share: ratio(g, limit), share_best: ratio(gmacs(macs, best(name)), bestLimit) };
  }
  const d = {
    int8_wasm_ms: ms("predict.int8.wasm"),
    quantize_ms: ms("quantize.activations.digits"),
    int8_wasm_with_quantize_ms: ms("predict.int8.wasm.quantize"),
    predict_fp32_ms: ms("predict.fp32"),
    predict_fp32_wasm_ms: ms("predict.fp32.wasm"),
    ort_fp32_t1_ms: ms("ort.fp32.digits.t1"),
    ort_int8_t1_ms: ms("ort.int8.digits.t1"),
  };
  return {
    simd_limit_gmacs: limit,
    simd_limit_best_gmacs: bestLimit,
    dot_i16x8_s_gmacs: gmacs(peakMacs, ms("simd.dot_peak")),
    int8_wasm: int8Wasm,
    digits: {
      ...d,
      "int8_wasm_with_quantize/predict_fp32": ratio(d.int8_wasm_with_quantize_ms, d.predict_fp32_ms),
      "int8_wasm_with_quantize/predict_fp32_wasm": ratio(d.int8_wasm_with_quantize_ms, d.predict_fp32_wasm_ms),
      "predict_fp32/ort_fp32_t1": ratio(d.predict_fp32_ms, d.ort_fp32_t1_ms),
      "predict_fp32_wasm/ort_fp32_t1": ratio(d.predict_fp32_wasm_ms, d.ort_fp32_t1_ms),
      "int8_wasm_with_quantize/ort_int8_t1": ratio(d.int8_wasm_with_quantize_ms, d.ort_int8_t1_ms),
    },
  };
}

/** The `kernels` section as table lines (see {@link kernelSummary}). */
export function formatKernelSummary(summary: Record<string, unknown>): string[] {
  const v = (x: unknown): string => (typeof x === "number" ? String(x) : "—");
  const rows = [
    `WebAssembly SIMD limit here: ${v(summary.simd_limit_gmacs)} GMAC/s (i32x4.dot_i16x8_s + i32x4.add; best run ` +
      `${v(summary.simd_limit_best_gmacs)}); the instruction alone ${v(summary.dot_i16x8_s_gmacs)} GMAC/s`,
    "int8-wasm (quantization and epilogue included): GMAC/s, share of the limit (medians; best runs)",
  ];
  const pct = (x: number | null): string => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);
  type Row = { gmacs: number | null; share: number | null; share_best: number | null };
  for (const [name, c] of Object.entries(summary.int8_wasm as Record<string, Row>)) {
    rows.push(`  ${name.padEnd(20)}${v(c.gmacs).padStart(8)}${pct(c.share).padStart(9)}${pct(c.share_best).padStart(9)}`);
  }
  rows.push("digits (medians, ms; ratios below 1: the first is faster)");
  for (const [name, x] of Object.entries(summary.digits as Record<string, number | null>)) rows.push(`  ${name.padEnd(44)}${v(x)}`);
  return rows;
}
