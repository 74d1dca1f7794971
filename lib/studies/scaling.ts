/**
 * Where INT8 pays: synthetic linear layers `[batch, in] → [batch, out]`, from the digits' 64→10 up to
 * 4096→4096, timed with every kernel of the project:
 *
 * | kernel       | what runs                                                                                 | against      |
 * | ------------ | ----------------------------------------------------------------------------------------- | ------------ |
 * | `fp32-ts`    | `linearFp32`: float32 weights, plain TypeScript, cache-blocked (section 4's kind of code) | —            |
 * | `dequant-ts` | section 7's INT8: dequantize the int8 weights to float32 (every call), then `fp32-ts`    | `fp32-ts`    |
 * | `int8-ts`    | quantize the activations to uint8, then `integerScores` (int32 sums, plain TypeScript)   | `fp32-ts`    |
 * | `fp32-wasm`  | `wasmFp32Scores`: float32 in WebAssembly SIMD (4 multiply-adds per instruction)          | `fp32-ts`    |
 * | `int8-wasm`  | quantize the activations to uint8, then `wasmIntegerScores` (int32 sums, WebAssembly SIMD) | `fp32-wasm` |
 *
 * Each kernel is compared with its `against` kernel ({@link BASELINES}): the same kind of code, float against
 * int8, so a ratio says what int8 itself buys, not what SIMD buys.
 *
 * All kernels return the same `[batch, out]` float32 scores (up to rounding) into preallocated outputs. The two
 * WebAssembly kernels need WebAssembly SIMD: where it is missing they are left out of the default kernels
 * ({@link availableKernels}), and asking for them by name is an error that says so.
 *
 * {@link addOrtRows} adds ONNX Runtime's rows to a study, on the same weights and inputs ({@link layerModels},
 * {@link layerInputs}): `ort-fp32` and `ort-int8` (dynamic quantization, ONNX Runtime's int8 kernels), one thread,
 * and `ort-fp32-t2`, `ort-int8-t2` with two (see `lib/studies/onnx-layers.ts`).
 */
import { panelDomains, panelTitle } from "../display/panels";
import { createPlot, type NotebookPlot, type PlotlyTrace } from "../display/plot";
import { matrix, type Matrix } from "../core/matrix";
import { dequantizeRows, quantizeRows, type RowQuantized } from "../core/quantize";
import {
  activationParamsForRange,
  integerScores,
  prepareIntegerModel,
  primeIntegerKernels,
  quantizeActivations,
  type ActivationParams,
  type IntegerModel,
} from "./integer-inference";
import { linearFp32 } from "../kernels/fp32-kernel";
import {
  prepareWasmFp32Layer,
  prepareWasmIntegerModel,
  wasmFp32Scores,
  wasmIntegerScores,
  type WasmFp32Layer,
  type WasmIntegerModel,
} from "../kernels/gemm";
import { summarize, timeCall, warmUp } from "../core/timing";
import { wasmSimdAvailable } from "../kernels/wasm-runtime";
import type { LinearModel, QuantizedLinearModel } from "../core/model";
// Types only: addOrtRows loads ONNX Runtime (and onnx-proto, which compiles WebAssembly at import) when called.
import type { AsyncTimingOptions, OrtLayerSessions } from "./onnx-layers";

/** The kernels the study compares (see the file comment). */
export type LayerKernel = "fp32-ts" | "dequant-ts" | "int8-ts" | "fp32-wasm" | "int8-wasm";

/** Every kernel, in the order the tables show them. */
export const LAYER_KERNELS: readonly LayerKernel[] = ["fp32-ts", "dequant-ts", "int8-ts", "fp32-wasm", "int8-wasm"];

/** ONNX Runtime's kernels ({@link addOrtRows}): fp32 and int8, one thread, then two (`-t2`). */
export type OrtKernel = "ort-fp32" | "ort-int8" | "ort-fp32-t2" | "ort-int8-t2";

/** Every ONNX Runtime kernel, in the order the tables show them. */
export const ORT_KERNELS: readonly OrtKernel[] = ["ort-fp32", "ort-int8", "ort-fp32-t2", "ort-int8-t2"];

/** Any kernel of a study: ours ({@link LayerKernel}) or ONNX Runtime's. */
export type StudyKernel = LayerKernel | OrtKernel;

/** A row of a study with ONNX Runtime's rows added: a {@link ScalingRow} whose kernel may be ONNX Runtime's. */
export type StudyRow = Omit<ScalingRow, "kernel"> & { readonly kernel: StudyKernel };

/**
 * The kernels this runtime runs, the default of the study: all of {@link LAYER_KERNELS}, without `fp32-wasm` and
 * `int8-wasm` where WebAssembly SIMD is missing.
 */
export function availableKernels(): readonly LayerKernel[] {
  return wasmSimdAvailable() ? LAYER_KERNELS : LAYER_KERNELS.filter((k) => k !== "int8-wasm" && k !== "fp32-wasm");
}

/** A layer shape: `inFeatures → outFeatures` (weights `[outFeatures, inFeatures]`). */
export interface LayerShape {
  readonly inFeatures: number;
  readonly outFeatures: number;
}

/** A synthetic float32 layer and a batch of inputs for it. */
export interface SyntheticLayer {
  /** Weights `[out, in]`, roughly normal with standard deviation 1/√in (a trained layer's scale). */
  readonly W: Matrix<Float32Array>;
  /** Biases `[out]`. */
  readonly b: Float32Array;
  /** Inputs `[batch, in]`, uniform in [0, 1) (like scaled pixels, or activations after a ReLU). */
  readonly X: Matrix<Float32Array>;
}

/**
 * A small seeded generator (mulberry32): the same numbers for the same seed, everywhere.
 *
 * @example
 * const next = seededUniform(1); next(); // a number in [0, 1)
 */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random layer and batch, reproducible from `seed`.
 *
 * @example
 * const { W, b, X } = syntheticLayer({ inFeatures: 64, outFeatures: 10 }, 32); // W [10, 64], X [32, 64]
 */
export function syntheticLayer(shape: LayerShape, batch: number, seed = 1): SyntheticLayer {
  const { inFeatures: d, outFeatures: k } = checkShape(shape, "syntheticLayer");
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`syntheticLayer: batch must be a positive integer, got ${batch}`);
  const next = seededUniform(seed);
  const sd = 1 / Math.sqrt(d);
  const W = new Float32Array(k * d);
  // Sum of 4 uniforms: close enough to a normal for weights, and fast.
  for (let i = 0; i < W.length; i++) W[i] = (next() + next() + next() + next() - 2) * sd * Math.sqrt(3);
  const b = new Float32Array(k);
  for (let i = 0; i < k; i++) b[i] = (next() - 0.5) * 0.1;
  const X = new Float32Array(batch * d);
  for (let i = 0; i < X.length; i++) X[i] = next();
  return { W: matrix(W, k, d), b, X: matrix(X, batch, d) };
}

/** A layer prepared for every kernel: weights in each kernel's layout, one input batch, one output buffer. */
export interface PreparedLayer {
  readonly shape: LayerShape;
  readonly batch: number;
  /** Multiply-adds per call: batch · in · out. */
  readonly macs: number;
  /** Runs one kernel once, writing `[batch, out]` scores into the shared output; returns that output. */
  readonly run: Readonly<Record<LayerKernel, () => Float32Array>>;
}

/** The per-shape part of a {@link PreparedLayer}, shared by every batch size. */
interface PreparedWeights {
  readonly layer: SyntheticLayer;
  readonly rq: RowQuantized;
  readonly intModel: IntegerModel;
  wasmInt?: WasmIntegerModel;
  wasmFp32?: WasmFp32Layer;
}

/**
 * Prepares a synthetic layer for every kernel (the work a runtime does once at load time): per-row int8
 * weights (`quantizeRows`, the original's scheme), the integer model, the WASM layouts; uint8 activation
 * parameters for [0, 1] (`scale = 1/255`). The timed calls then do only per-inference work, the activation
 * quantization included for `integer` and `wasm`.
 *
 * @param kernels - the kernels to prepare (the WASM ones copy the weights into WASM memory). Default: all that run
 *   here ({@link availableKernels}).
 * @example
 * const layer = prepareLayer({ inFeatures: 1024, outFeatures: 1024 }, 32);
 * layer.run.wasm(); // Float32Array [32 · 1024]
 */
export function prepareLayer(
  shape: LayerShape,
  batch: number,
  options: { seed?: number; kernels?: readonly LayerKernel[] } = {},
): PreparedLayer {
  const weights = prepareWeights(shape, options.seed ?? 1);
  return prepareBatch(weights, shape, batch, checkKernels(options.kernels, "prepareLayer"), options.seed ?? 1);
}

/**
 * The study's layer as models: float32 weights `[out, in]` and bias (seeded), and their per-row int8 quantization
 * (`quantizeRows`, the original's scheme); "classes" `0..out-1`. What every kernel of the study runs, ours and
 * ONNX Runtime's.
 *
 * @example
 * const { fp32, int8 } = layerModels({ inFeatures: 4096, outFeatures: 4096 }); // coef [4096, 4096]
 */
export function layerModels(shape: LayerShape, seed = 1): { fp32: LinearModel; int8: QuantizedLinearModel } {
  checkShape(shape, "layerModels");
  const layer = syntheticLayer(shape, 1, seed);
  const rq = quantizeRows(layer.W);
  const classes = Int32Array.from({ length: shape.outFeatures }, (_, i) => i);
  return {
    fp32: { coef: layer.W, intercept: layer.b, classes },
    int8: { qCoef: rq.q, scales: rq.scales, zeroPoints: rq.zeroPoints, intercept: layer.b, classes },
  };
}

/**
 * The study's inputs for a layer and batch: `[batch, in]`, uniform in [0, 1), seeded (`seed + 1`, so not the
 * weights' numbers).
 *
 * @example
 * const X = layerInputs({ inFeatures: 4096, outFeatures: 4096 }, 16); // [16, 4096]
 */
export function layerInputs(shape: LayerShape, batch: number, seed = 1): Matrix<Float32Array> {
  return syntheticLayer(shape, batch, seed + 1).X;
}

function prepareWeights(shape: LayerShape, seed: number): PreparedWeights {
  const { fp32, int8 } = layerModels(shape, seed);
  const layer: SyntheticLayer = { W: fp32.coef, b: fp32.intercept, X: matrix(new Float32Array(0), 0, shape.inFeatures) };
  const rq: RowQuantized = { q: int8.qCoef, scales: int8.scales, zeroPoints: int8.zeroPoints };
  return { layer, rq, intModel: prepareIntegerModel(int8) };
}

function prepareBatch(
  weights: PreparedWeights,
  shape: LayerShape,
  batch: number,
  kernels: readonly LayerKernel[],
  seed: number,
): PreparedLayer {
  primeIntegerKernels(); // before any timing: see its comment
  const { W, b } = weights.layer;
  const X = layerInputs(shape, batch, seed);
  const params: ActivationParams = activationParamsForRange(0, 1);
  const xq = new Uint8Array(X.data.length);
  const out = new Float32Array(batch * shape.outFeatures);
  const missing = (k: LayerKernel) => (): Float32Array => {
    throw new Error(`prepareLayer: kernel ${k} was not prepared`);
  };
  if (kernels.includes("int8-wasm")) weights.wasmInt ??= prepareWasmIntegerModel(weights.intModel);
  if (kernels.includes("fp32-wasm")) weights.wasmFp32 ??= prepareWasmFp32Layer(W, b);
  const { wasmInt, wasmFp32 } = weights;
  const run: Record<LayerKernel, () => Float32Array> = {
    "fp32-ts": () => linearFp32(X, W, b, out).data,
    "dequant-ts": () => linearFp32(X, dequantizeRows(weights.rq), b, out).data,
    "int8-ts": () => integerScores(quantizeActivations(X, params, xq), weights.intModel, out).data,
    "fp32-wasm": wasmFp32 ? () => wasmFp32Scores(X, wasmFp32, out).data : missing("fp32-wasm"),
    "int8-wasm": wasmInt ? () => wasmIntegerScores(quantizeActivations(X, params, xq), wasmInt, out).data : missing("int8-wasm"),
  };
  return { shape, batch, macs: batch * shape.inFeatures * shape.outFeatures, run };
}

/**
 * Prepares every (layer, batch) of a sweep, sharing each layer's weights across its batch sizes.
 *
 * @example
 * const cases = prepareSweep([{ inFeatures: 64, outFeatures: 10 }], [1, 450]); // 2 PreparedLayer
 */
export function prepareSweep(
  layers: readonly LayerShape[],
  batches: readonly number[],
  options: { seed?: number; kernels?: readonly LayerKernel[] } = {},
): PreparedLayer[] {
  const seed = options.seed ?? 1;
  const kernels = checkKernels(options.kernels, "prepareSweep");
  const out: PreparedLayer[] = [];
  for (const shape of layers) {
    checkShape(shape, "prepareSweep");
    const weights = prepareWeights(shape, seed);
    for (const batch of batches) out.push(prepareBatch(weights, shape, batch, kernels, seed));
  }
  return out;
}

/** Options of {@link runScalingStudy}. */
export interface ScalingStudyOptions {
  /** Layer shapes to sweep, e.g. `[{ inFeatures: 64, outFeatures: 10 }, { inFeatures: 4096, outFeatures: 4096 }]`. */
  readonly layers: readonly LayerShape[];
  /** Batch sizes to sweep, e.g. `[1, 32, 1024]`. */
  readonly batches: readonly number[];
  /**
   * Kernels to time. Default: all that run here ({@link availableKernels}); `fp32` is always timed (speed-ups are
   * against it).
   */
  readonly kernels?: readonly LayerKernel[];
  /** Untimed calls before timing each case, at least: an integer ≥ 0. Default 1. */
  readonly warmup?: number;
  /**
   * Cases under 50 ms a call are also warmed up for this long (or a quarter of `budgetMs`, if longer), with at
   * least 8 calls: the time V8 needs to optimise the kernels. Milliseconds ≥ 0; default 60.
   */
  readonly warmupMs?: number;
  /**
   * Timed rounds per case, each calling every kernel once in turn: as many as fit in `budgetMs` per kernel
   * (milliseconds ≥ 0), between `minRepeat` (an integer ≥ 1) and `maxRepeat` (an integer ≥ `minRepeat`).
   * Defaults 5, 25, 200 ms.
   */
  readonly minRepeat?: number;
  readonly maxRepeat?: number;
  readonly budgetMs?: number;
  /** Seed of the synthetic weights and inputs. Default 1. */
  readonly seed?: number;
}

/** One timed (layer, batch, kernel), a row of the study's table. */
export interface ScalingRow {
  /** `"<in>x<out>"`, e.g. `"4096x4096"`. */
  readonly layer: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly batch: number;
  readonly kernel: LayerKernel;
  /** Multiply-adds per call: batch · in · out. */
  readonly macs: number;
  /** Median / fastest / slowest call (ms) and how many were timed. */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
  /** Multiply-adds per second at the median, in billions. */
  readonly gmacPerSecond: number;
  /**
   * `fp32-ts`'s median / this median: above 1, faster than plain-TypeScript float32. The fair comparison of each
   * kernel is with its own baseline ({@link BASELINES}, {@link compareWithBaselines}).
   */
  readonly speedupVsFp32: number;
}

/**
 * The kernel each kernel is measured against: the same kind of code in float32, so that a ratio says what int8
 * buys (`int8-wasm` against `fp32-wasm`, not against plain TypeScript) — or, for `fp32-wasm`, what SIMD buys.
 * ONNX Runtime's int8 is measured against its own fp32, its two-thread kernels against one thread, and its fp32
 * against ours in WebAssembly SIMD.
 */
export const BASELINES: Readonly<Record<StudyKernel, StudyKernel | undefined>> = {
  "fp32-ts": undefined,
  "dequant-ts": "fp32-ts",
  "int8-ts": "fp32-ts",
  "fp32-wasm": "fp32-ts",
  "int8-wasm": "fp32-wasm",
  "ort-fp32": "fp32-wasm",
  "ort-int8": "ort-fp32",
  "ort-fp32-t2": "ort-fp32",
  "ort-int8-t2": "ort-int8",
};

/**
 * Speed-ups within this factor of 1 count as "about the same": as printed (2 decimals), 0.92 to 1.09; 1.1 and
 * above is faster, 0.91 (1 / 1.1) and below slower. On a shared 2-core machine the median of a case moves by a
 * few percent from run to run.
 */
export const SAME_SPEED_BAND = 1.1;

/** One kernel against its baseline on one layer and batch: see {@link compareWithBaselines}. */
export interface BaselineComparison {
  readonly kernel: StudyKernel;
  readonly baseline: StudyKernel;
  readonly layer: string;
  readonly batch: number;
  /** The baseline's median / this kernel's median, rounded to 2 decimals: above 1, this kernel is faster. */
  readonly speedup: number;
  /** `"faster"` from 1.1, `"slower"` from 0.91 down, else `"same"` (within {@link SAME_SPEED_BAND}). */
  readonly verdict: "faster" | "slower" | "same";
}

/**
 * Each kernel's speed-up over its baseline ({@link BASELINES}) in the same layer and batch, in row order; kernels
 * whose baseline was not timed are left out. The verdict is taken from the rounded speed-up, so it never
 * contradicts the printed number.
 *
 * @example
 * compareWithBaselines(study.rows).find((c) => c.kernel === "int8-wasm" && c.batch === 1);
 * // { kernel: "int8-wasm", baseline: "fp32-wasm", layer: "1024x1024", batch: 1, speedup: 3.1, verdict: "faster" }
 */
export function compareWithBaselines(rows: readonly StudyRow[]): BaselineComparison[] {
  const median = new Map<string, number>();
  for (const r of rows) median.set(`${r.layer}/${r.batch}/${r.kernel}`, r.medianMs);
  const out: BaselineComparison[] = [];
  for (const r of rows) {
    const baseline = BASELINES[r.kernel];
    const base = baseline === undefined ? undefined : median.get(`${r.layer}/${r.batch}/${baseline}`);
    if (baseline === undefined || base === undefined) continue;
    const speedup = Math.round((base / r.medianMs) * 100) / 100;
    const verdict = speedup >= SAME_SPEED_BAND ? "faster" : speedup <= Math.round(100 / SAME_SPEED_BAND) / 100 ? "slower" : "same";
    out.push({ kernel: r.kernel, baseline, layer: r.layer, batch: r.batch, speedup, verdict });
  }
  return out;
}

/**
 * A crossover: for one kernel and layer, the batch size from which the kernel becomes faster (or slower) than its
 * baseline, compared with the last smaller batch where it was clearly faster or slower ("about the same" batches
 * in between do not count, so noise around 1 makes no crossover).
 */
export interface Crossover {
  readonly kernel: StudyKernel;
  readonly baseline: StudyKernel;
  readonly layer: string;
  /** The first batch size of the new side. */
  readonly batch: number;
  readonly becomes: "faster" | "slower";
}

/** What {@link runScalingStudy} returns: the table rows (ready for a DataFrame) and the crossovers. */
export interface ScalingStudy {
  readonly rows: ScalingRow[];
  readonly crossovers: Crossover[];
  /** The seed of the weights and inputs ({@link layerModels}, {@link layerInputs}). */
  readonly seed: number;
}

/**
 * Times every kernel on every (layer, batch) of the sweep with `timeIt` (medians) and marks where each kernel's
 * curve crosses FP32's along the batch axis. Pass small sizes for the notebook (seconds) and the full sweep for
 * the benchmark.
 *
 * @example
 * const { rows, crossovers } = runScalingStudy({
 *   layers: [{ inFeatures: 64, outFeatures: 10 }, { inFeatures: 512, outFeatures: 512 }],
 *   batches: [1, 64],
 * });
 * new dfd.DataFrame(rows); // layer, batch, kernel, medianMs, speedupVsFp32, fasterThanFp32, crossover, …
 */
export function runScalingStudy(options: ScalingStudyOptions): ScalingStudy {
  const chosen = checkKernels(options.kernels, "runScalingStudy");
  const kernels = LAYER_KERNELS.filter((k) => k === "fp32-ts" || chosen.includes(k));
  const count = (name: string, value: number, least: number): number => {
    if (!Number.isInteger(value) || value < least) {
      throw new RangeError(`runScalingStudy: options.${name} must be an integer ≥ ${least}, got ${value}`);
    }
    return value;
  };
  const millis = (name: string, value: number): number => {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`runScalingStudy: options.${name} must be a non-negative number of milliseconds, got ${value}`);
    }
    return value;
  };
  const warmup = count("warmup", options.warmup ?? 1, 0);
  const warmupMs = millis("warmupMs", options.warmupMs ?? 60);
  const minRepeat = count("minRepeat", options.minRepeat ?? 5, 1);
  const maxRepeat = count("maxRepeat", options.maxRepeat ?? Math.max(25, minRepeat), minRepeat);
  const budgetMs = millis("budgetMs", options.budgetMs ?? 200);
  if (options.layers.length === 0 || options.batches.length === 0) {
    throw new RangeError("runScalingStudy: give at least one layer and one batch size");
  }
  for (const b of options.batches) {
    if (!Number.isInteger(b) || b < 1) throw new RangeError(`runScalingStudy: batch sizes must be positive integers, got ${b}`);
  }
  const rows: ScalingRow[] = [];
  for (const shape of options.layers) {
    checkShape(shape, "runScalingStudy");
    const weights = prepareWeights(shape, options.seed ?? 1);
    for (const batch of options.batches) {
      const layer = prepareBatch(weights, shape, batch, kernels, options.seed ?? 1);
      // Warm up each kernel: V8 optimises a kernel only once it is hot, and compiling a big kernel takes TurboFan
      // tens of milliseconds (on a background thread), during which small calls run ~10× slower. So: `warmup`
      // calls, then calls for at least `warmupMs` (and a quarter of the budget), and at least 8 calls for cases
      // under 50 ms (longer calls get their loops optimised within the call). The last warm call sizes the rounds.
      const warmFor = Math.max(warmupMs, budgetMs / 4);
      const lastMs = kernels.map((kernel) => {
        const fn = layer.run[kernel];
        const firstMs = timeCall(fn);
        if (firstMs >= 50) return warmup > 1 ? warmUp(fn, { warmup: warmup - 1 }) : firstMs;
        return warmUp(fn, { warmup: Math.max(warmup - 1, 7), warmupMs: warmFor });
      });
      // Then timed rounds, each calling every kernel once in turn, each round starting one kernel later: a slow
      // moment of the machine (another process, a garbage collection) hits all the kernels of a round, not just
      // the one that happened to be running, and no kernel always runs right after the same other one.
      const perRound = lastMs.reduce((a, b) => a + Math.max(b, 1e-4), 0);
      const rounds = Math.max(minRepeat, Math.min(maxRepeat, Math.floor((budgetMs * kernels.length) / perRound)));
      const samples = kernels.map(() => new Float64Array(rounds));
      for (let r = 0; r < rounds; r++) {
        for (let t = 0; t < kernels.length; t++) {
          const k = (r + t) % kernels.length;
          samples[k][r] = timeCall(layer.run[kernels[k]]);
        }
      }
      const timings = kernels.map((kernel, k) => ({ kernel, timing: summarize(samples[k]) }));
      const fp32Ms = timings[0].timing.medianMs;
      for (const { kernel, timing } of timings) {
        rows.push({
          layer: `${shape.inFeatures}x${shape.outFeatures}`,
          inFeatures: shape.inFeatures,
          outFeatures: shape.outFeatures,
          batch,
          kernel,
          macs: layer.macs,
          medianMs: timing.medianMs,
          minMs: timing.minMs,
          maxMs: timing.maxMs,
          runs: timing.runs,
          gmacPerSecond: layer.macs / (timing.medianMs * 1e6),
          speedupVsFp32: fp32Ms / timing.medianMs,
        });
      }
    }
  }
  const crossovers = findCrossovers(rows);
  return { rows, crossovers, seed: options.seed ?? 1 };
}

/**
 * The crossovers of a study ({@link Crossover}), by kernel, layer and batch, from {@link compareWithBaselines}.
 *
 * @example
 * findCrossovers(study.rows); // [{ kernel: "int8-ts", baseline: "fp32-ts", layer: "256x256", batch: 16, becomes: "slower" }]
 */
export function findCrossovers(rows: readonly StudyRow[]): Crossover[] {
  const byCurve = new Map<string, BaselineComparison[]>();
  for (const c of compareWithBaselines(rows)) {
    const key = `${c.kernel} ${c.layer}`;
    byCurve.set(key, [...(byCurve.get(key) ?? []), c]);
  }
  const crossovers: Crossover[] = [];
  for (const curve of byCurve.values()) {
    let side: "faster" | "slower" | undefined;
    for (const c of [...curve].sort((a, b) => a.batch - b.batch)) {
      if (c.verdict === "same") continue;
      if (side !== undefined && c.verdict !== side) {
        crossovers.push({ kernel: c.kernel, baseline: c.baseline, layer: c.layer, batch: c.batch, becomes: c.verdict });
      }
      side = c.verdict;
    }
  }
  return crossovers;
}

/**
 * Each kernel's speed-up over its baseline ({@link BASELINES}) against the batch size, one panel per layer (its
 * name on top), one line per kernel, a dotted line at 1 (as fast as the baseline). Both axes are logarithmic with
 * labelled ticks, and every point is the batch under it: no hovering needed to tell them apart.
 *
 * @example
 * displayPlot(scalingPlot(study.rows));
 */
export function scalingPlot(rows: readonly StudyRow[]): NotebookPlot {
  const comparisons = compareWithBaselines(rows);
  if (comparisons.length === 0) throw new RangeError("scalingPlot: no kernel with its baseline in the rows (time fp32-ts too)");
  const layers = [...new Set(rows.map((r) => r.layer))];
  const batches = [...new Set(rows.map((r) => r.batch))].sort((a, b) => a - b);
  const kernels = [...LAYER_KERNELS, ...ORT_KERNELS].filter((k) => comparisons.some((c) => c.kernel === k));
  const colors = ["#ff7f0e", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
  const domains = panelDomains(layers.length, 0.04);
  const speedups = comparisons.map((c) => c.speedup).filter((v) => v > 0);
  const lo = Math.min(0.8, ...speedups) / 1.3;
  const hi = Math.max(1.25, ...speedups) * 1.3;
  const ticks = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50].filter((t) => t >= lo && t <= hi);
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = {
    title: { text: "Where INT8 pays: each kernel against the same kind of float code (above 1: faster)" },
    height: 470,
    legend: { orientation: "h", y: -0.22 },
    margin: { t: 90 },
  };
  const annotations: Record<string, unknown>[] = [];
  layers.forEach((layer, p) => {
    const suffix = p === 0 ? "" : String(p + 1);
    kernels.forEach((kernel, k) => {
      const points = comparisons.filter((c) => c.kernel === kernel && c.layer === layer).sort((a, b) => a.batch - b.batch);
      if (points.length === 0) return;
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name: `${kernel} vs ${points[0].baseline}`,
        legendgroup: kernel,
        showlegend: p === 0,
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        x: points.map((c) => c.batch),
        y: points.map((c) => c.speedup),
        text: points.map((c) => `${layer}, batch ${c.batch}: ${c.speedup}× ${c.baseline}`),
        hovertemplate: "%{text}<extra>" + kernel + "</extra>",
        line: { color: colors[k % colors.length] },
        marker: { color: colors[k % colors.length], size: 8 },
      });
    });
    data.push({
      type: "scatter",
      mode: "lines",
      name: "as fast as the baseline",
      legendgroup: "one",
      showlegend: p === 0,
      xaxis: `x${suffix}`,
      yaxis: `y${suffix}`,
      x: [batches[0], batches[batches.length - 1]],
      y: [1, 1],
      line: { color: "#333333", dash: "dot", width: 1 },
      hoverinfo: "skip",
    });
    layout[`xaxis${suffix}`] = {
      domain: domains[p],
      type: "log",
      title: { text: "batch (images per call)" },
      tickvals: batches,
      ticktext: batches.map(String),
      range: [Math.log10(batches[0]) - 0.15, Math.log10(batches[batches.length - 1]) + 0.15],
    };
    layout[`yaxis${suffix}`] = {
      anchor: `x${suffix}`,
      type: "log",
      range: [Math.log10(lo), Math.log10(hi)],
      tickvals: ticks,
      ticktext: ticks.map((t) => `${t}×`),
      title: { text: p === 0 ? "speed-up over the baseline" : "" },
    };
    annotations.push(panelTitle(`layer ${layer.replace("x", " → ")}`, domains[p]));
  });
  layout.annotations = annotations;
  return createPlot(data, layout);
}

function checkShape(shape: LayerShape, caller: string): LayerShape {
  const { inFeatures, outFeatures } = shape;
  if (!Number.isInteger(inFeatures) || inFeatures < 1 || !Number.isInteger(outFeatures) || outFeatures < 1) {
    throw new RangeError(`${caller}: layer shape must be positive integers, got ${inFeatures}x${outFeatures}`);
  }
  return shape;
}

/**
 * One row of {@link scalingSummary}: one layer and batch. Keys: `layer`, `batch`, `fp32-ts ms` (plain-TypeScript
 * float32's median, ms), then one `"<kernel> vs <baseline>"` column per kernel timed with its baseline (the
 * speed-up, above 1 faster), then `crossover`.
 */
export type ScalingSummaryRow = Readonly<Record<string, string | number>> & {
  readonly layer: string;
  readonly batch: number;
  /**
   * The kernels that become faster or slower than their baseline from this batch on ({@link findCrossovers}),
   * e.g. `"int8-ts slower than fp32-ts from here"`, several joined by `"; "`; `""` when none.
   */
  readonly crossover: string;
};

/**
 * The study as a compact table: one row per layer × batch with plain-TypeScript float32's time, each kernel's
 * speed-up over its baseline ({@link compareWithBaselines}), and where a kernel changes side ({@link findCrossovers}).
 *
 * @example
 * displayTable(new dfd.DataFrame(scalingSummary(study.rows)));
 * // layer 1024x1024, batch 1: fp32-ts ms 1.79, dequant-ts vs fp32-ts 0.3, int8-ts vs fp32-ts 1.24,
 * //   fp32-wasm vs fp32-ts 11.2, int8-wasm vs fp32-wasm 3.2, crossover ""
 */
export function scalingSummary(rows: readonly StudyRow[]): ScalingSummaryRow[] {
  const comparisons = compareWithBaselines(rows);
  const crossovers = findCrossovers(rows);
  const keys: string[] = [];
  const byCase = new Map<string, StudyRow[]>();
  for (const r of rows) {
    const key = `${r.layer}/${r.batch}`;
    if (!byCase.has(key)) {
      byCase.set(key, []);
      keys.push(key);
    }
    byCase.get(key)?.push(r);
  }
  return keys.map((key) => {
    const group = byCase.get(key) ?? [];
    const { layer, batch } = group[0];
    const fp32 = group.find((r) => r.kernel === "fp32-ts");
    const row: Record<string, string | number> = { layer, batch, "fp32-ts ms": fp32 ? roundMs(fp32.medianMs) : NaN };
    for (const c of comparisons) if (c.layer === layer && c.batch === batch) row[`${c.kernel} vs ${c.baseline}`] = c.speedup;
    row.crossover = crossovers
      .filter((c) => c.layer === layer && c.batch === batch)
      .map((c) => `${c.kernel} ${c.becomes} than ${c.baseline} from here`)
      .join("; ");
    return row as ScalingSummaryRow;
  });
}

/**
 * What the study shows, computed: for each kernel against its baseline, one line saying, layer by layer, at which
 * batches it was faster, slower or about the same, and its lowest and highest speed-up with their batches —
 * for printing under the table. Every number comes from `rows`, so the lines hold for the run that printed them.
 *
 * @example
 * describeScaling(study.rows).forEach((line) => console.log(line));
 * // "int8-wasm vs fp32-wasm: 64x10 slower at every batch (0.33× at batch 16 to 0.39× at batch 1); …"
 */
export function describeScaling(rows: readonly StudyRow[]): string[] {
  const comparisons = compareWithBaselines(rows);
  const layers = [...new Set(rows.map((r) => r.layer))];
  const kernels = [...LAYER_KERNELS, ...ORT_KERNELS].filter((k) => comparisons.some((c) => c.kernel === k));
  const words = { faster: "faster", slower: "slower", same: "about the same" } as const;
  const perLayer = (cs: readonly BaselineComparison[]): string => {
    const counts = (["faster", "slower", "same"] as const).map((v) => [v, cs.filter((c) => c.verdict === v).length] as const);
    const all = counts.find(([, n]) => n === cs.length);
    const verdicts = all
      ? `${words[all[0]]} at ${cs.length === 1 ? "its one batch" : "every batch"}`
      : counts
          .filter(([, n]) => n > 0)
          .map(([v, n]) => `${words[v]} at batch${n > 1 ? "es" : ""} ${cs.filter((c) => c.verdict === v).map((c) => c.batch).join(", ")}`)
          .join(", ");
    const lo = cs.reduce((a, b) => (b.speedup < a.speedup ? b : a));
    const hi = cs.reduce((a, b) => (b.speedup > a.speedup ? b : a));
    const range = lo === hi ? `${lo.speedup}×` : `${lo.speedup}× at batch ${lo.batch} to ${hi.speedup}× at batch ${hi.batch}`;
    return `${verdicts} (${range})`;
  };
  return kernels.map((kernel) => {
    const mine = comparisons.filter((c) => c.kernel === kernel);
    const parts = layers
      .map((layer) => [layer, mine.filter((c) => c.layer === layer)] as const)
      .filter(([, cs]) => cs.length > 0)
      .map(([layer, cs]) => `${layer} ${perLayer(cs)}`);
    return `${kernel} vs ${mine[0].baseline}: ${parts.join("; ")}`;
  });
}

function roundMs(ms: number): number {
  return ms >= 1 ? Math.round(ms * 100) / 100 : Number(ms.toPrecision(3));
}

/** Options of {@link addOrtRows}: the thread counts, and how each case is timed (as `runScalingStudy`). */
export interface OrtRowsOptions extends AsyncTimingOptions {
  /** ONNX Runtime's intra-op threads, each 1 or 2 (this machine's cores). Default `[1, 2]`. */
  readonly threads?: readonly (1 | 2)[];
}

/**
 * A study with ONNX Runtime's rows added: for every layer and batch of `study`, ONNX Runtime fp32 and int8
 * (`lib/studies/onnx-layers.ts`) at each thread count, on the same weights and inputs ({@link layerModels},
 * {@link layerInputs} with the study's seed), timed the same way; speed-ups against the study's own FP32 row.
 * The rows come grouped by layer and batch (ours, then ONNX Runtime's), and the crossovers are marked again.
 *
 * @example
 * const study = await addOrtRows(runScalingStudy({ layers, batches }));
 * displayTable(new dfd.DataFrame(versusOrt(study.rows)));
 */
export async function addOrtRows(
  study: ScalingStudy,
  options: OrtRowsOptions = {},
): Promise<{ rows: StudyRow[]; crossovers: Crossover[]; seed: number }> {
  const threads = options.threads ?? [1, 2];
  if (!Array.isArray(threads) || threads.length === 0 || threads.some((t) => t !== 1 && t !== 2)) {
    throw new RangeError(`addOrtRows: options.threads must list 1 and/or 2, got ${JSON.stringify(threads)}`);
  }
  const { prepareOrtLayer, timeAsync } = await import("./onnx-layers");
  const groups = new Map<string, StudyRow[]>();
  for (const r of study.rows) {
    const key = `${r.layer}/${r.batch}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const layers = new Map<string, { shape: LayerShape; batches: number[] }>();
  for (const r of study.rows) {
    const entry = layers.get(r.layer) ?? { shape: { inFeatures: r.inFeatures, outFeatures: r.outFeatures }, batches: [] };
    if (!entry.batches.includes(r.batch)) entry.batches.push(r.batch);
    layers.set(r.layer, entry);
  }
  for (const [name, { shape, batches }] of layers) {
    const models = layerModels(shape, study.seed);
    for (const t of threads) {
      const sessions: OrtLayerSessions = await prepareOrtLayer(models, t);
      try {
        for (const batch of batches) {
          const X = layerInputs(shape, batch, study.seed);
          const group = groups.get(`${name}/${batch}`) ?? [];
          const fp32 = group.find((r) => r.kernel === "fp32-ts");
          if (fp32 === undefined) throw new RangeError(`addOrtRows: the study has no fp32 row for ${name}, batch ${batch}`);
          for (const precision of ["fp32", "int8"] as const) {
            const timing = await timeAsync(() => sessions[precision].run(X), options);
            const macs = batch * shape.inFeatures * shape.outFeatures;
            group.push({
              layer: name,
              inFeatures: shape.inFeatures,
              outFeatures: shape.outFeatures,
              batch,
              kernel: `ort-${precision}${t === 2 ? "-t2" : ""}`,
              macs,
              medianMs: timing.medianMs,
              minMs: timing.minMs,
              maxMs: timing.maxMs,
              runs: timing.runs,
              gmacPerSecond: macs / (timing.medianMs * 1e6),
              speedupVsFp32: fp32.medianMs / timing.medianMs,
            });
          }
        }
      } finally {
        await sessions.release();
      }
    }
  }
  const order = [...LAYER_KERNELS, ...ORT_KERNELS];
  const rows = [...groups.values()].flatMap((g) => g.sort((a, b) => order.indexOf(a.kernel) - order.indexOf(b.kernel)));
  return { rows, crossovers: findCrossovers(rows), seed: study.seed };
}

/** One row of {@link versusOrt}: our kernels and ONNX Runtime's on one layer and batch. */
export interface VersusOrtRow {
  readonly layer: string;
  readonly batch: number;
  /** Medians (ms); absent where the kernel was not timed. */
  readonly fp32_ms?: number;
  readonly wasm_fp32_ms?: number;
  readonly ort_fp32_ms?: number;
  readonly wasm_int8_ms?: number;
  readonly ort_int8_ms?: number;
  readonly ort_int8_t2_ms?: number;
  /** Our time ÷ ONNX Runtime's (one thread): above 1, ONNX Runtime is that many times faster. */
  readonly "wasm_fp32/ort_fp32"?: number;
  readonly "wasm_int8/ort_int8"?: number;
  /** Multiply-adds per second (billions) of the two int8 kernels. */
  readonly wasm_int8_gmacs?: number;
  readonly ort_int8_gmacs?: number;
}

/**
 * Our kernels next to ONNX Runtime's, one row per layer and batch: the medians, our time ÷ ONNX Runtime's for
 * float (`fp32-wasm` vs `ort-fp32`) and int8 (`int8-wasm` vs `ort-int8`), and both int8 kernels' GMAC/s.
 *
 * @param digits - significant digits of the ratios and GMAC/s. Default 3.
 * @example
 * displayTable(new dfd.DataFrame(versusOrt((await addOrtRows(study)).rows)));
 * // 4096x4096, batch 1024: wasm_int8_ms 1005, ort_int8_ms 61.5, wasm_int8/ort_int8 16.3, …
 */
export function versusOrt(rows: readonly StudyRow[], digits = 3): VersusOrtRow[] {
  const round = (v: number): number => Number(v.toPrecision(digits));
  const ms = (v: number): number => Math.round(v * 1e4) / 1e4;
  const out: VersusOrtRow[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.layer}/${r.batch}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const get = (k: StudyKernel): StudyRow | undefined => rows.find((x) => x.layer === r.layer && x.batch === r.batch && x.kernel === k);
    const [fp32, wasmFp32, ortFp32, wasm, ortInt8, ortInt8t2] = (["fp32-ts", "fp32-wasm", "ort-fp32", "int8-wasm", "ort-int8", "ort-int8-t2"] as const).map(get);
    const row: Record<string, string | number> = { layer: r.layer, batch: r.batch };
    if (fp32) row.fp32_ms = ms(fp32.medianMs);
    if (wasmFp32) row.wasm_fp32_ms = ms(wasmFp32.medianMs);
    if (ortFp32) row.ort_fp32_ms = ms(ortFp32.medianMs);
    if (wasm) row.wasm_int8_ms = ms(wasm.medianMs);
    if (ortInt8) row.ort_int8_ms = ms(ortInt8.medianMs);
    if (ortInt8t2) row.ort_int8_t2_ms = ms(ortInt8t2.medianMs);
    if (wasmFp32 && ortFp32) row["wasm_fp32/ort_fp32"] = round(wasmFp32.medianMs / ortFp32.medianMs);
    if (wasm && ortInt8) row["wasm_int8/ort_int8"] = round(wasm.medianMs / ortInt8.medianMs);
    if (wasm) row.wasm_int8_gmacs = round(wasm.gmacPerSecond);
    if (ortInt8) row.ort_int8_gmacs = round(ortInt8.gmacPerSecond);
    out.push(row as unknown as VersusOrtRow);
  }
  return out;
}

/** The kernels asked for (default: {@link availableKernels}), each checked to be one of {@link LAYER_KERNELS}. */
function checkKernels(kernels: readonly LayerKernel[] | undefined, caller: string): readonly LayerKernel[] {
  for (const k of kernels ?? []) {
    if (!LAYER_KERNELS.includes(k)) {
      throw new RangeError(`${caller}: unknown kernel ${JSON.stringify(k)}; expected ${LAYER_KERNELS.join(", ")}`);
    }
  }
  return kernels ?? availableKernels();
}
