/**
 * The real runtimes in `npm run bench`, on the same weights and inputs as our kernels:
 *
 * - `ort.fp32.digits.t1|t2`: ONNX Runtime, the digits test set (450 × 64 → 10, labels), the FP32 model exported to
 *   ONNX (`Gemm`), one thread or two;
 * - `ort.int8.digits.t1|t2`: the same with ONNX Runtime's int8 kernels (dynamic quantization of the activations,
 *   `MatMulInteger`, fused by ONNX Runtime), the original's per-row int8 weights;
 * - `ort.int8.dq.digits.t1`: the exported INT8 file itself (`DequantizeLinear` on the weights): ONNX Runtime
 *   dequantizes the weights once, at load, and then runs float;
 * - `ort.fp32.<in>x<out>.b<batch>.t1|t2`, `ort.int8.<in>x<out>.b<batch>.t1|t2`: the layer sweep of
 *   `bench/int8-cases.ts` (`layerModels`, `layerInputs` of `lib/studies/scaling.ts`), scores only;
 * - `numpy.<in>x<out>.b<batch>`: NumPy, `X @ W.T + b` in float32, one BLAS thread, the same numbers (written to
 *   temporary files for the Python worker).
 *
 * {@link sideBySide} puts them next to ours, with ratios (ours ÷ theirs: above 1, theirs is faster).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Matrix } from "../lib/core/matrix";
import type { LinearModel } from "../lib/core/model";
import { quantizeModel } from "../lib/core/quantize";
import { encodeOnnxModel } from "../lib/studies/export";
import { createOrtSession, type OnnxSession } from "../lib/studies/onnx-runtime";
import { prepareOrtLayer, timeAsync, type AsyncTimingOptions } from "../lib/studies/onnx-layers";
import { layerInputs, layerModels, type LayerShape } from "../lib/studies/scaling";

/** Adds timed samples (ms) to the figure `name`. */
export type AddSamples = (name: string, samples: Iterable<number>) => void;

/** What the bench's Python worker offers here. */
export interface NumpyWorker {
  request(req: Record<string, unknown>): Promise<Record<string, unknown>>;
  time(what: string, runs: number, warmup: number, threads?: number): Promise<number[]>;
}

/** The layer sweep: shapes × batches. */
export interface Sweep {
  readonly layers: readonly LayerShape[];
  readonly batches: readonly number[];
}

const THREADS = [1, 2] as const;

/** Timing of a case by its size: the big ones get few runs (ONNX Runtime fp32 at 4096² b1024 takes ~0.3 s). */
function plan(macs: number, quick: boolean): AsyncTimingOptions {
  if (quick) return { warmup: 1, warmupMs: 5, minRepeat: 2, maxRepeat: 5, budgetMs: 20 };
  if (macs >= 1e9) return { warmup: 2, warmupMs: 0, minRepeat: 5, maxRepeat: 10, budgetMs: 1500 };
  return { warmup: 5, warmupMs: 100, minRepeat: 10, maxRepeat: 200, budgetMs: 400 };
}

const layerName = (s: LayerShape): string => `${s.inFeatures}x${s.outFeatures}`;

/**
 * Times ONNX Runtime on the digits (see the file comment) and adds the figures.
 *
 * @example
 * await timeOrtDigits(model, Xte, false, add); // ort.fp32.digits.t1, …
 */
export async function timeOrtDigits(model: LinearModel, Xte: Matrix<Float32Array>, quick: boolean, add: AddSamples): Promise<void> {
  const qmodel = quantizeModel(model);
  const files: [string, Uint8Array, readonly number[]][] = [
    ["ort.fp32.digits", encodeOnnxModel(model, { outputs: ["labels"] }), THREADS],
    ["ort.int8.digits", encodeOnnxModel(qmodel, { form: "integer", activations: "dynamic", outputs: ["labels"] }), THREADS],
    ["ort.int8.dq.digits", encodeOnnxModel(qmodel, { outputs: ["labels"] }), [1]],
  ];
  for (const [name, bytes, threads] of files) {
    for (const t of threads) {
      const session: OnnxSession = await createOrtSession(bytes, name, Xte.cols, ["labels"], { threads: t });
      try {
        const timing = await timeAsync(() => session.run(Xte), plan(Xte.rows * Xte.cols * 10, quick));
        add(`${name}.t${t}`, timing.samplesMs);
      } finally {
        await session.release();
      }
    }
  }
}

/**
 * Times ONNX Runtime fp32 and int8, one thread and two, on every layer and batch of the sweep; adds the figures.
 *
 * @example
 * await timeOrtLayers(FULL_SWEEP, false, add); // ort.int8.4096x4096.b1024.t1, …
 */
export async function timeOrtLayers(sweep: Sweep, quick: boolean, add: AddSamples, log: (m: string) => void = () => undefined): Promise<void> {
  for (const shape of sweep.layers) {
    const models = layerModels(shape);
    for (const t of THREADS) {
      log(`bench: ONNX Runtime, layer ${layerName(shape)}, ${t} thread${t > 1 ? "s" : ""}`);
      const sessions = await prepareOrtLayer(models, t);
      try {
        for (const batch of sweep.batches) {
          const X = layerInputs(shape, batch);
          for (const precision of ["fp32", "int8"] as const) {
            const timing = await timeAsync(() => sessions[precision].run(X), plan(batch * shape.inFeatures * shape.outFeatures, quick));
            add(`ort.${precision}.${layerName(shape)}.b${batch}.t${t}`, timing.samplesMs);
          }
        }
      } finally {
        await sessions.release();
      }
    }
  }
}

/**
 * Times NumPy (`X @ W.T + b`, float32, one BLAS thread) on every layer and batch of the sweep, through the bench's
 * Python worker; the weights and inputs go to it as raw float32 files in a temporary folder (removed after).
 *
 * @example
 * await timeNumpyLayers(FULL_SWEEP, python, false, add); // numpy.4096x4096.b1024, …
 */
export async function timeNumpyLayers(sweep: Sweep, python: NumpyWorker, quick: boolean, add: AddSamples, log: (m: string) => void = () => undefined): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-numpy-"));
  const write = (name: string, a: Float32Array): string => {
    const file = path.join(dir, name);
    const bytes = new Uint8Array(a.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < a.length; i++) view.setFloat32(4 * i, a[i], true);
    fs.writeFileSync(file, bytes);
    return file;
  };
  try {
    for (const shape of sweep.layers) {
      log(`bench: NumPy, layer ${layerName(shape)}`);
      const { fp32 } = layerModels(shape);
      const w = write("w.f32", fp32.coef.data);
      const b = write("b.f32", fp32.intercept);
      for (const batch of sweep.batches) {
        const name = `${layerName(shape)}.b${batch}`;
        const x = write("x.f32", layerInputs(shape, batch).data);
        await python.request({ op: "layer", name, w, b, x, out: shape.outFeatures, in: shape.inFeatures, batch });
        // Three calls size the run: as many as fit the case's budget, within its bounds.
        const p = plan(batch * shape.inFeatures * shape.outFeatures, quick);
        const probe = await python.time(`layer:${name}`, 3, p.warmup ?? 1, 1);
        const median = [...probe].sort((u, v) => u - v)[1];
        const runs = Math.max(p.minRepeat ?? 3, Math.min(p.maxRepeat ?? 25, Math.floor((p.budgetMs ?? 200) / Math.max(median, 1e-3))));
        add(`numpy.${name}`, await python.time(`layer:${name}`, runs, 0, 1));
        await python.request({ op: "drop", name });
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The medians the side-by-side reads: `{ median_ms }` by figure name. */
export type Medians = Readonly<Record<string, { readonly median_ms: number } | undefined>>;

/**
 * Our kernels next to ONNX Runtime and NumPy: for the digits and each layer × batch of the sweep, the medians (ms),
 * the ratios ours ÷ theirs (above 1: theirs is faster; `null` where a side was not timed) and the int8 kernels'
 * GMAC/s.
 *
 * @example
 * sideBySide(figures, FULL_SWEEP)["4096x4096.b1024"]["wasm_int8/ort_int8_t1"]; // e.g. 16.3
 */
export function sideBySide(figures: Medians, sweep: Sweep): Record<string, Record<string, number | null>> {
  const ms = (name: string): number | null => figures[name]?.median_ms ?? null;
  const ratio = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0 ? Math.round((a / b) * 1e3) / 1e3 : null);
  const gmacs = (macs: number, t: number | null): number | null => (t !== null && t > 0 ? Math.round((macs / (t * 1e6)) * 10) / 10 : null);
  const out: Record<string, Record<string, number | null>> = {};
  const fp32 = ms("predict.fp32");
  const wasmInt8 = ms("predict.int8.wasm");
  const ortFp32 = ms("ort.fp32.digits.t1");
  const ortInt8 = ms("ort.int8.digits.t1");
  out.digits = {
    fp32_ms: fp32,
    wasm_int8_ms: wasmInt8,
    wasm_int8_with_quantize_ms: wasmInt8 !== null && ms("quantize.activations.digits") !== null ? wasmInt8 + (ms("quantize.activations.digits") as number) : null,
    ort_fp32_t1_ms: ortFp32,
    ort_fp32_t2_ms: ms("ort.fp32.digits.t2"),
    ort_int8_t1_ms: ortInt8,
    ort_int8_t2_ms: ms("ort.int8.digits.t2"),
    ort_int8_dq_t1_ms: ms("ort.int8.dq.digits.t1"),
    numpy_ms: ms("numpy.predict"),
    "fp32/ort_fp32_t1": ratio(fp32, ortFp32),
    "wasm_int8/ort_int8_t1": ratio(wasmInt8, ortInt8),
    "fp32/numpy": ratio(fp32, ms("numpy.predict")),
  };
  for (const shape of sweep.layers) {
    for (const batch of sweep.batches) {
      const key = `${layerName(shape)}.b${batch}`;
      const macs = batch * shape.inFeatures * shape.outFeatures;
      const ours = (k: string): number | null => ms(`layer.${key}.${k}`);
      const ort = (p: string, t: number): number | null => ms(`ort.${p}.${key}.t${t}`);
      const numpy = ms(`numpy.${key}`);
      out[key] = {
        fp32_ms: ours("fp32-ts"),
        wasm_fp32_ms: ours("fp32-wasm"),
        wasm_int8_ms: ours("int8-wasm"),
        ort_fp32_t1_ms: ort("fp32", 1),
        ort_fp32_t2_ms: ort("fp32", 2),
        ort_int8_t1_ms: ort("int8", 1),
        ort_int8_t2_ms: ort("int8", 2),
        numpy_ms: numpy,
        "wasm_int8/ort_int8_t1": ratio(ours("int8-wasm"), ort("int8", 1)),
        "wasm_fp32/ort_fp32_t1": ratio(ours("fp32-wasm"), ort("fp32", 1)),
        "wasm_fp32/numpy": ratio(ours("fp32-wasm"), numpy),
        "ort_fp32_t1/numpy": ratio(ort("fp32", 1), numpy),
        "ort_int8_t1/ort_int8_t2": ratio(ort("int8", 1), ort("int8", 2)),
        wasm_int8_gmacs: gmacs(macs, ours("int8-wasm")),
        ort_int8_t1_gmacs: gmacs(macs, ort("int8", 1)),
        ort_fp32_t1_gmacs: gmacs(macs, ort("fp32", 1)),
      };
    }
  }
  return out;
}
