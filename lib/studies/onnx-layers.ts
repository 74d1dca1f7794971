/**
 * ONNX Runtime on the scaling study's layers, for the side-by-side of section 15 and `npm run bench`: the same
 * float32 weights, the same per-row int8 weights (`quantizeRows`) and the same inputs as our kernels, exported to
 * ONNX in memory and run by `onnxruntime-node`:
 *
 * - `fp32`: `Gemm` (ONNX Runtime's MLAS float GEMM, AVX-512 on this CPU);
 * - `int8`: ONNX Runtime's dynamic quantization, as `onnxruntime.quantization.quantize_dynamic` writes it —
 *   `DynamicQuantizeLinear` (uint8 activations, each batch its own range) → `MatMulInteger` (int8 weights, one
 *   zero-point per row) → `Cast` → `Mul` (the two scales) → `Add` (bias), which ONNX Runtime fuses into one
 *   `DynamicQuantizeMatMul` and runs with its int8 kernels (VNNI / AMX here).
 *
 * Both give scores `[batch, out]` only (no labels), like our kernels in the study. Timing is asynchronous (a run is a
 * promise) but measured the same way as `runScalingStudy`: warm-up calls, then as many timed calls as fit a budget.
 */
import type { Matrix } from "../core/matrix";
import type { LinearModel, QuantizedLinearModel } from "../core/model";
import { summarize, timingSink, type Timing } from "../core/timing";
import { encodeOnnxModel } from "./export";
import { createOrtSession, type OnnxSession } from "./onnx-runtime";

/** ONNX Runtime's two ways to run a layer (see the file comment). */
export type OrtPrecision = "fp32" | "int8";

/** The two sessions of one layer, at one thread count. */
export interface OrtLayerSessions {
  readonly threads: number;
  readonly fp32: OnnxSession;
  readonly int8: OnnxSession;
  /** Frees both sessions. */
  release(): Promise<void>;
}

/**
 * ONNX Runtime sessions for a layer given as our models (float32 weights `[out, in]` and their per-row int8
 * quantization), with `threads` intra-op threads.
 *
 * @example
 * const s = await prepareOrtLayer(layerModels({ inFeatures: 1024, outFeatures: 1024 }), 1);
 * (await s.int8.run(X)).scores; // [batch, 1024]
 */
export async function prepareOrtLayer(
  models: { readonly fp32: LinearModel; readonly int8: QuantizedLinearModel },
  threads: number,
): Promise<OrtLayerSessions> {
  const d = models.fp32.coef.cols;
  const name = `${d}x${models.fp32.coef.rows}`;
  const fp32 = await createOrtSession(encodeOnnxModel(models.fp32, { outputs: ["scores"] }), `layer ${name} fp32`, d, ["scores"], { threads });
  const int8 = await createOrtSession(
    encodeOnnxModel(models.int8, { form: "integer", activations: "dynamic", outputs: ["scores"] }),
    `layer ${name} int8`,
    d,
    ["scores"],
    { threads },
  );
  return {
    threads,
    fp32,
    int8,
    async release() {
      await fp32.release();
      await int8.release();
    },
  };
}

/** How {@link timeAsync} warms up and how many calls it times. */
export interface AsyncTimingOptions {
  /** Untimed calls first (an integer ≥ 0). Default 2. */
  readonly warmup?: number;
  /** Then untimed calls until this many milliseconds have passed (calls under 50 ms only). Default 30. */
  readonly warmupMs?: number;
  /** Timed calls: as many as fit in `budgetMs`, between `minRepeat` and `maxRepeat`. Defaults 3, 25, 200 ms. */
  readonly minRepeat?: number;
  readonly maxRepeat?: number;
  readonly budgetMs?: number;
}

/**
 * Times an asynchronous call (an ONNX Runtime run): warm-up, then timed calls one after another, each from its
 * start to its promise settling. Returns the same {@link Timing} as `timeIt`.
 *
 * @example
 * const t = await timeAsync(() => session.run(X), { budgetMs: 100 }); // t.medianMs
 */
export async function timeAsync(fn: () => Promise<unknown>, options: AsyncTimingOptions = {}): Promise<Timing> {
  const warmup = options.warmup ?? 2;
  const warmupMs = options.warmupMs ?? 30;
  const minRepeat = options.minRepeat ?? 3;
  const maxRepeat = options.maxRepeat ?? Math.max(25, minRepeat);
  const budgetMs = options.budgetMs ?? 200;
  for (const [name, v, least] of [["warmup", warmup, 0], ["minRepeat", minRepeat, 1], ["maxRepeat", maxRepeat, minRepeat]] as const) {
    if (!Number.isInteger(v) || v < least) throw new RangeError(`timeAsync: options.${name} must be an integer ≥ ${least}, got ${v}`);
  }
  for (const [name, v] of [["warmupMs", warmupMs], ["budgetMs", budgetMs]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new RangeError(`timeAsync: options.${name} must be milliseconds ≥ 0, got ${v}`);
  }
  const once = async (): Promise<number> => {
    const t0 = process.hrtime.bigint();
    timingSink.last = await fn();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  let calls = 0;
  let elapsed = 0;
  let last = 0;
  let fastest = Infinity;
  while (calls < warmup || (elapsed < warmupMs && last < 50)) {
    last = await once();
    elapsed += last;
    fastest = Math.min(fastest, last);
    calls++;
    if (calls >= 10_000) break;
  }
  // Sized by the fastest warm call: one slow call (another process, a collection) would otherwise cut the runs.
  const perCall = Number.isFinite(fastest) ? fastest : 1;
  const repeat = Math.max(minRepeat, Math.min(maxRepeat, Math.floor(budgetMs / Math.max(perCall, 1e-3))));
  const samplesMs = new Float64Array(repeat);
  for (let i = 0; i < repeat; i++) samplesMs[i] = await once();
  return { ...summarize(samplesMs), samplesMs };
}

/**
 * Runs a session on `X` and returns its scores (a check that the session computes what it should).
 *
 * @example
 * const scores = await ortScores(s.fp32, X); // [batch, out] float32
 */
export async function ortScores(session: OnnxSession, X: Matrix<Float32Array>): Promise<Matrix<Float32Array>> {
  const { scores } = await session.run(X);
  if (scores === undefined) throw new Error(`${session.source}: the session has no scores output`);
  return scores;
}
