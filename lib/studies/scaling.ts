/**
 * Where INT8 pays: synthetic linear layers `[batch, in] → [batch, out]`, from the digits' 64→10 up to
 * 4096→4096, timed with every kernel of the project:
 *
 * | kernel      | what runs                                                                              |
 * | ----------- | -------------------------------------------------------------------------------------- |
 * | `fp32`      | `linearFp32`: float32 weights, TypeScript, cache-blocked (the FP32 path)              |
 * | `dequant`   | the original's INT8: dequantize the int8 weights to float32 (every call), then `fp32` |
 * | `integer`   | quantize the activations to uint8, then `integerScores` (int32 sums, TypeScript)      |
 * | `wasm`      | quantize the activations to uint8, then `wasmIntegerScores` (int32 sums, WASM SIMD)   |
 * | `wasm-fp32` | `wasmFp32Scores`: float32 in WASM SIMD, the fair float baseline for `wasm`            |
 *
 * All kernels return the same `[batch, out]` float32 scores (up to rounding) into preallocated outputs. The two
 * WebAssembly kernels need WebAssembly SIMD: where it is missing they are left out of the default kernels
 * ({@link availableKernels}), and asking for them by name is an error that says so.
 */
import { createPlot, type NotebookPlot, type PlotlyTrace } from "../display/plot";
import { matrix, type Matrix } from "../core/matrix";
import { dequantizeRows, quantizeRows, type RowQuantized } from "../core/quantize";
import {
  activationParamsForRange,
  integerScores,
  prepareIntegerModel,
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
} from "../kernels/wasm-kernels";
import { timeIt } from "../core/timing";
import { wasmSimdAvailable } from "../kernels/wasm-runtime";

/** The kernels the study compares (see the file comment). */
export type LayerKernel = "fp32" | "dequant" | "integer" | "wasm" | "wasm-fp32";

/** Every kernel, in the order the tables show them. */
export const LAYER_KERNELS: readonly LayerKernel[] = ["fp32", "dequant", "integer", "wasm", "wasm-fp32"];

/**
 * The kernels this runtime runs, the default of the study: all of {@link LAYER_KERNELS}, without `wasm` and
 * `wasm-fp32` where WebAssembly SIMD is missing.
 */
export function availableKernels(): readonly LayerKernel[] {
  return wasmSimdAvailable() ? LAYER_KERNELS : LAYER_KERNELS.filter((k) => k !== "wasm" && k !== "wasm-fp32");
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

function prepareWeights(shape: LayerShape, seed: number): PreparedWeights {
  const layer = syntheticLayer(shape, 1, seed);
  const rq = quantizeRows(layer.W);
  const intModel = prepareIntegerModel({
    qCoef: rq.q,
    scales: rq.scales,
    zeroPoints: rq.zeroPoints,
    intercept: layer.b,
    classes: Int32Array.from({ length: shape.outFeatures }, (_, i) => i),
  });
  return { layer, rq, intModel };
}

function prepareBatch(
  weights: PreparedWeights,
  shape: LayerShape,
  batch: number,
  kernels: readonly LayerKernel[],
  seed: number,
): PreparedLayer {
  const { W, b } = weights.layer;
  const X = syntheticLayer(shape, batch, seed + 1).X;
  const params: ActivationParams = activationParamsForRange(0, 1);
  const xq = new Uint8Array(X.data.length);
  const out = new Float32Array(batch * shape.outFeatures);
  const missing = (k: LayerKernel) => (): Float32Array => {
    throw new Error(`prepareLayer: kernel ${k} was not prepared`);
  };
  if (kernels.includes("wasm")) weights.wasmInt ??= prepareWasmIntegerModel(weights.intModel);
  if (kernels.includes("wasm-fp32")) weights.wasmFp32 ??= prepareWasmFp32Layer(W, b);
  const { wasmInt, wasmFp32 } = weights;
  const run: Record<LayerKernel, () => Float32Array> = {
    fp32: () => linearFp32(X, W, b, out).data,
    dequant: () => linearFp32(X, dequantizeRows(weights.rq), b, out).data,
    integer: () => integerScores(quantizeActivations(X, params, xq), weights.intModel, out).data,
    wasm: wasmInt ? () => wasmIntegerScores(quantizeActivations(X, params, xq), wasmInt, out).data : missing("wasm"),
    "wasm-fp32": wasmFp32 ? () => wasmFp32Scores(X, wasmFp32, out).data : missing("wasm-fp32"),
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
   * Timed calls per case: as many as fit in `budgetMs` (milliseconds ≥ 0), between `minRepeat` (an integer ≥ 1)
   * and `maxRepeat` (an integer ≥ `minRepeat`). Defaults 3, 25, 200 ms.
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
  /** fp32's median / this median: above 1, this kernel is faster than FP32. */
  readonly speedupVsFp32: number;
  /** `speedupVsFp32 > 1`. */
  readonly fasterThanFp32: boolean;
  /**
   * True where the kernel's curve crosses FP32's along the batch axis: `fasterThanFp32` differs from the
   * previous (smaller) batch of the same layer and kernel (see {@link Crossover}).
   */
  readonly crossover: boolean;
}

/**
 * A crossover: for one kernel and layer, the batch size from which the kernel becomes faster (or slower) than
 * FP32, compared with the previous batch size of the sweep. A kernel faster (or slower) at every batch of a
 * layer has no crossover there; {@link ScalingRow.fasterThanFp32} says which.
 */
export interface Crossover {
  readonly kernel: LayerKernel;
  readonly layer: string;
  /** The first batch size of the new side. */
  readonly batch: number;
  readonly becomes: "faster" | "slower";
}

/** What {@link runScalingStudy} returns: the table rows (ready for a DataFrame) and the crossovers. */
export interface ScalingStudy {
  readonly rows: ScalingRow[];
  readonly crossovers: Crossover[];
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
  const kernels = LAYER_KERNELS.filter((k) => k === "fp32" || chosen.includes(k));
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
  const minRepeat = count("minRepeat", options.minRepeat ?? 3, 1);
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
      const timings = kernels.map((kernel) => {
        const fn = layer.run[kernel];
        // Warm up: V8 optimises a kernel only once it is hot, and compiling a big kernel takes TurboFan tens of
        // milliseconds (on a background thread), during which small calls run ~10× slower. So: `warmup` calls,
        // then calls for at least `warmupMs` (and a quarter of the budget), and at least 8 calls for cases under
        // 50 ms (longer calls get their loops optimised within the call). The last warm call sizes the number of
        // timed calls.
        let calls = 0;
        let elapsedMs = 0;
        let lastMs = 0;
        const warmFor = Math.max(warmupMs, budgetMs / 4);
        while (calls < warmup || (elapsedMs < warmFor && lastMs < 50) || (calls < 8 && lastMs < 50)) {
          const t0 = process.hrtime.bigint();
          fn();
          lastMs = Number(process.hrtime.bigint() - t0) / 1e6;
          elapsedMs += lastMs;
          calls++;
          if (calls >= 100_000) break;
        }
        const repeat = Math.max(minRepeat, Math.min(maxRepeat, Math.floor(budgetMs / Math.max(lastMs, 1e-4))));
        return { kernel, timing: timeIt(fn, { warmup: 0, repeat }) };
      });
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
          fasterThanFp32: fp32Ms / timing.medianMs > 1,
          crossover: false,
        });
      }
    }
  }
  const crossovers = markCrossovers(rows);
  return { rows, crossovers };
}

/**
 * Marks the crossovers (see {@link Crossover}) in `rows` and lists them, by kernel, layer and batch. The ARRAY is
 * updated in place: each crossover's element is replaced by a copy of its row with `crossover: true` (the row
 * objects themselves are never modified, so other references to them keep `crossover: false`).
 */
export function markCrossovers(rows: ScalingRow[]): Crossover[] {
  const crossovers: Crossover[] = [];
  const groups = new Map<string, number[]>();
  rows.forEach((row, index) => {
    if (row.kernel === "fp32") return;
    const key = `${row.kernel} ${row.layer}`;
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  for (const indices of groups.values()) {
    indices.sort((a, b) => rows[a].batch - rows[b].batch);
    for (let t = 1; t < indices.length; t++) {
      const before = rows[indices[t - 1]];
      const row = rows[indices[t]];
      if (row.fasterThanFp32 !== before.fasterThanFp32) {
        rows[indices[t]] = { ...row, crossover: true };
        crossovers.push({ kernel: row.kernel, layer: row.layer, batch: row.batch, becomes: row.fasterThanFp32 ? "faster" : "slower" });
      }
    }
  }
  return crossovers;
}

/**
 * Speed-up over FP32 against the work per call (multiply-adds, log scale), one line per kernel (each point
 * labelled with its layer and batch), the crossover points drawn larger, and FP32 itself as the line at 1.
 * A plotly-notebook-js figure, like every plot of the notebook.
 *
 * @example
 * displayPlot(scalingPlot(study.rows));
 */
export function scalingPlot(rows: readonly ScalingRow[]): NotebookPlot {
  const kernels = LAYER_KERNELS.filter((k) => k !== "fp32" && rows.some((r) => r.kernel === k));
  const data: PlotlyTrace[] = kernels.map((kernel) => {
    const mine = rows.filter((r) => r.kernel === kernel).sort((a, b) => a.macs - b.macs || a.batch - b.batch);
    return {
      type: "scatter",
      mode: "lines+markers",
      name: kernel,
      x: mine.map((r) => r.macs),
      y: mine.map((r) => r.speedupVsFp32),
      text: mine.map((r) => `${r.layer} b${r.batch}${r.crossover ? ` (crossover: ${r.fasterThanFp32 ? "faster" : "slower"} from here)` : ""}`),
      hovertemplate: "%{text}<br>%{y:.2f}× FP32<extra>" + kernel + "</extra>",
      marker: { size: mine.map((r) => (r.crossover ? 14 : 7)) },
    };
  });
  const macs = rows.map((r) => r.macs);
  if (macs.length > 0) {
    data.push({
      type: "scatter",
      mode: "lines",
      name: "FP32 (= 1)",
      x: [Math.min(...macs), Math.max(...macs)],
      y: [1, 1],
      text: ["", ""],
      line: { dash: "dot" },
      showlegend: true,
    });
  }
  return createPlot(data, {
    title: { text: "Where INT8 pays: speed-up over FP32 by layer size × batch" },
    xaxis: { title: { text: "multiply-adds per call (batch · in · out)" }, type: "log" },
    yaxis: { title: { text: "speed-up over FP32 (×)" }, type: "log" },
    height: 450,
  });
}

function checkShape(shape: LayerShape, caller: string): LayerShape {
  const { inFeatures, outFeatures } = shape;
  if (!Number.isInteger(inFeatures) || inFeatures < 1 || !Number.isInteger(outFeatures) || outFeatures < 1) {
    throw new RangeError(`${caller}: layer shape must be positive integers, got ${inFeatures}x${outFeatures}`);
  }
  return shape;
}

/** One row of {@link scalingSummary}: one layer and batch, every kernel's speed-up over FP32 side by side. */
export type ScalingSummaryRow = {
  readonly layer: string;
  readonly batch: number;
  /** FP32's median time (ms), the 1× of the row. */
  readonly fp32_ms: number;
} & {
  /** Speed-up over FP32 per kernel (`×`, above 1 is faster), keyed by kernel name; absent if not measured. */
  readonly [K in Exclude<LayerKernel, "fp32">]?: number;
} & {
  /**
   * The kernels whose side changes at this batch (see {@link Crossover}), e.g. `"integer slower from here"`,
   * several joined by `"; "`; `""` when none.
   */
  readonly crossover: string;
};

/**
 * The study as a compact table: one row per layer × batch with FP32's time, each other kernel's speed-up (a
 * number in every kernel column) and a `crossover` column naming the kernels that become faster or slower than
 * FP32 from this batch on — easier to read than one row per kernel.
 *
 * @param digits - decimals of the speed-ups. Default 2.
 * @example
 * displayTable(new dfd.DataFrame(scalingSummary(study.rows)));
 * // layer 1024x1024, batch 16: fp32_ms 9.8, dequant 0.71, integer 0.93, wasm 17.2, wasm-fp32 8.9,
 * //   crossover "integer slower from here"
 */
export function scalingSummary(rows: readonly ScalingRow[], digits = 2): ScalingSummaryRow[] {
  const scale = 10 ** digits;
  const keys: string[] = [];
  const byCase = new Map<string, ScalingRow[]>();
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
    const fp32 = group.find((r) => r.kernel === "fp32");
    const row: Record<string, string | number> = {
      layer: group[0].layer,
      batch: group[0].batch,
      fp32_ms: fp32 ? Math.round(fp32.medianMs * 1e4) / 1e4 : NaN,
    };
    const crossovers: string[] = [];
    for (const r of group) {
      if (r.kernel === "fp32") continue;
      row[r.kernel] = Math.round(r.speedupVsFp32 * scale) / scale;
      if (r.crossover) crossovers.push(`${r.kernel} ${r.fasterThanFp32 ? "faster" : "slower"} from here`);
    }
    row.crossover = crossovers.join("; ");
    return row as ScalingSummaryRow;
  });
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
