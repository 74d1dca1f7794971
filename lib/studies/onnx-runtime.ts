/**
 * Running an ONNX model with ONNX Runtime (`onnxruntime-node`, its CPU build): a session over the bytes
 * themselves (never a path ONNX Runtime would read again), typed-array inputs and outputs, and errors that name
 * the file. `onnxruntime-node` is loaded on first use, so importing the lib does not load the native library.
 */
import type * as Ort from "onnxruntime-node";
import { matrix, type Matrix } from "../core/matrix";
import type { OnnxOutput } from "./onnx-graph";

/** Options of an ONNX Runtime session. */
export interface OnnxSessionOptions {
  /**
   * Threads ONNX Runtime may use for one run (`intraOpNumThreads`): an integer ≥ 1. Default 1, so timings
   * compare with the project's single-threaded kernels.
   */
  readonly threads?: number;
}

/** What one run gives: the graph's outputs, as typed arrays. */
export interface OnnxResult {
  /** Predicted labels `[N]`. */
  readonly labels?: Int32Array;
  /** Scores `[N, k]`, float32. */
  readonly scores?: Matrix<Float32Array>;
  /** The int32 sums `[N, k]` (the integer form). */
  readonly sums?: Matrix<Int32Array>;
}

/** An ONNX Runtime session over one model. */
export interface OnnxSession {
  /** The file (or name) the model came from, as errors name it. */
  readonly source: string;
  /** Features the model expects, `d`. */
  readonly features: number;
  /** The graph's outputs, in order. */
  readonly outputs: readonly OnnxOutput[];
  /** Runs the model on samples `[N, d]` (float32). */
  run(X: Matrix<Float32Array>): Promise<OnnxResult>;
  /** Frees the native session; later runs are an error. */
  release(): Promise<void>;
}

/** An error ONNX Runtime raised for a model, with the file's name. */
export class OnnxRuntimeError extends Error {
  constructor(readonly source: string, readonly problem: string) {
    super(`${source}: ${problem}`);
    this.name = "OnnxRuntimeError";
  }
}

let ortModule: typeof Ort | undefined;

/** `onnxruntime-node`, loaded once. */
export function onnxRuntime(): typeof Ort {
  // A plain require, on first use: the native library is about 30 MB and most cells never need it.
  ortModule ??= require("onnxruntime-node") as typeof Ort;
  return ortModule;
}

/** The ONNX Runtime version this lib runs, e.g. `"1.30.0"`. */
export function onnxRuntimeVersion(): string {
  return onnxRuntime().env.versions.node ?? "unknown";
}

/**
 * An ONNX Runtime session over `bytes` (a serialized ONNX model): sequential execution, all graph optimizations,
 * `threads` intra-op threads, warnings off. A model ONNX Runtime rejects is an {@link OnnxRuntimeError} naming
 * `source`.
 *
 * @param features - the model's `d` (checked against each run's input).
 * @example
 * const s = await createOrtSession(bytes, "digits-int8.onnx", 64, ["labels", "scores"]);
 * const { labels } = await s.run(Xte); // Int32Array [450]
 */
export async function createOrtSession(
  bytes: Uint8Array,
  source: string,
  features: number,
  outputs: readonly OnnxOutput[],
  options: OnnxSessionOptions = {},
): Promise<OnnxSession> {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`${source}: options.threads must be an integer ≥ 1, got ${String(threads)}`);
  }
  const ort = onnxRuntime();
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      logSeverityLevel: 3,
    });
  } catch (err) {
    throw new OnnxRuntimeError(source, `ONNX Runtime cannot load it: ${firstLine(err)}`);
  }
  let released = false;
  return {
    source,
    features,
    outputs,
    async run(X: Matrix<Float32Array>): Promise<OnnxResult> {
      if (released) throw new OnnxRuntimeError(source, "the session was released");
      if (X === null || typeof X !== "object" || !(X.data instanceof Float32Array)) {
        throw new TypeError(`${source}: X must be a Matrix with Float32Array data, got ${X === null ? "null" : typeof X}`);
      }
      if (X.cols !== features || X.data.length !== X.rows * X.cols || X.rows < 1) {
        throw new RangeError(`${source}: X is [${X.rows}, ${X.cols}] with ${X.data.length} values; the model expects [N ≥ 1, ${features}]`);
      }
      let out: Ort.InferenceSession.OnnxValueMapType;
      try {
        out = await session.run({ X: new ort.Tensor("float32", X.data, [X.rows, X.cols]) });
      } catch (err) {
        throw new OnnxRuntimeError(source, `ONNX Runtime failed to run it: ${firstLine(err)}`);
      }
      const result: { -readonly [K in keyof OnnxResult]: OnnxResult[K] } = {};
      const k = (name: string): number => Number((out[name] as Ort.Tensor).dims[1]);
      if (out.labels !== undefined) result.labels = (out.labels as Ort.Tensor).data as Int32Array;
      if (out.scores !== undefined) result.scores = matrix((out.scores as Ort.Tensor).data as Float32Array, X.rows, k("scores"));
      if (out.sums !== undefined) result.sums = matrix((out.sums as Ort.Tensor).data as Int32Array, X.rows, k("sums"));
      return result;
    },
    async release(): Promise<void> {
      if (released) return;
      released = true;
      await session.release();
    },
  };
}

/** The first line of an error's message (ONNX Runtime's carry a C++ source location and a long tail). */
function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n")[0].replace(/^\/onnxruntime_src\/\S+ /, "");
}
