/**
 * Section 14: the model leaves the notebook as an ONNX file, the format real runtimes load, and comes back.
 *
 * - {@link saveOnnxModel} writes the FP32 model, the original's INT8 model (per-row scales and zero-points) or any
 *   scheme of section 13 at 8, 4 or 2 bits as ONNX (graphs: `lib/studies/onnx-graph.ts`), sealed with a SHA-256
 *   of every byte (`lib/studies/onnx-file.ts`), atomically.
 * - {@link loadOnnxModel} reads it back — refusing what is not a regular file and what is larger than a limit —
 *   checks the digest, reads the model and writes it again to compare byte for byte: what loads is exactly the
 *   model that was saved, or the load fails with an error naming the file.
 * - {@link openOnnxSession} runs it with ONNX Runtime (`onnxruntime-node`) on the verified bytes.
 *
 * @example
 * saveOnnxModel("out/models/digits-int8.onnx", quantizeModel(model));
 * const session = await openOnnxSession("out/models/digits-int8.onnx");
 * const { labels } = await session.run(Xte); // the 450 labels of predictInt8
 */
import { onnx } from "onnx-proto";
import type { LinearModel } from "../core/model";
import { buildOnnxModel, describe, readOnnxModel, type ExportableModel, type OnnxExportOptions, type OnnxModelSpec } from "./onnx-graph";
import { DEFAULT_MAX_MODEL_BYTES, readModelFile, sealModel, unsealModel, writeFileAtomic } from "./onnx-file";
import { createOrtSession, type OnnxSession, type OnnxSessionOptions } from "./onnx-runtime";
import type { SchemeQuantizedModel } from "./schemes";

export type { ExportableModel, OnnxExportOptions, OnnxForm, OnnxModelSpec, OnnxOutput } from "./onnx-graph";
export type { OnnxResult, OnnxSession, OnnxSessionOptions } from "./onnx-runtime";
export { OnnxRuntimeError, onnxRuntimeVersion } from "./onnx-runtime";
export { DEFAULT_MAX_MODEL_BYTES } from "./onnx-file";

/** A model file that cannot be written or read; the message starts with the file's path. */
export class OnnxFileError extends Error {
  constructor(readonly filePath: string, readonly problem: string) {
    super(`${filePath}: ${problem}`);
    this.name = "OnnxFileError";
  }
}

/** Sizes and identity of a saved or loaded model file. */
export interface OnnxFileInfo {
  readonly path: string;
  /** The whole file. */
  readonly bytesOnDisk: number;
  /** The weights' own bytes (float32, or int8 / packed int4 / packed int2). */
  readonly weightBytes: number;
  /** Everything else: biases, classes, scales and zero-points, the graph, names, metadata and the digest. */
  readonly otherBytes: number;
  /** The SHA-256 the file carries (of every byte before the digest entry), hex. */
  readonly sha256: string;
  /** ONNX opset and IR version of the graph. */
  readonly opset: number;
  readonly irVersion: number;
}

/** A model read back from a file: the lib's model, how it was exported, and the verified bytes. */
export type LoadedOnnxModel = (
  | { readonly kind: "fp32"; readonly model: LinearModel }
  | { readonly kind: "quantized"; readonly model: SchemeQuantizedModel }
) & {
  /** The options that write this file again, byte for byte. */
  readonly options: OnnxExportOptions;
  readonly spec: OnnxModelSpec;
  readonly file: OnnxFileInfo;
  /** The file's bytes, as checked (what {@link openOnnxSession} gives ONNX Runtime). */
  readonly bytes: Uint8Array;
};

/** Options of {@link loadOnnxModel}. */
export interface LoadOptions {
  /** The largest file to read, bytes (a positive integer). Default {@link DEFAULT_MAX_MODEL_BYTES} (256 MiB). */
  readonly maxBytes?: number;
}

/**
 * The bytes of the ONNX file of `model` (see the file comment): deterministic, sealed.
 *
 * @example
 * const bytes = encodeOnnxModel(quantizeWithScheme(model, "per-row", 4)); // Uint8Array, INT4 weights
 */
export function encodeOnnxModel(model: ExportableModel, options: OnnxExportOptions = {}): Uint8Array {
  return encode(model, options, (problem) => {
    throw new RangeError(`encodeOnnxModel: ${problem}`);
  }).bytes;
}

function encode(model: ExportableModel, options: OnnxExportOptions, fail: (problem: string) => never): { bytes: Uint8Array; spec: OnnxModelSpec } {
  const { proto, spec } = buildOnnxModel(model, options ?? {}, fail);
  return { bytes: sealModel(onnx.ModelProto.encode(proto).finish()), spec };
}

/**
 * Saves `model` as an ONNX file, atomically (temporary file in the same folder, flushed, renamed over the
 * target). The folder must exist. Anything wrong — a bad path, not a model, a zero-point outside the weights'
 * type (naming the row), a folder that does not exist — throws an {@link OnnxFileError} naming the file.
 *
 * @param options - quantized models: `form` (`"dequantize"`, default, or `"integer"`), `activations`, `outputs`.
 * @example
 * const info = saveOnnxModel("out/models/digits-int8.onnx", quantizeModel(model));
 * info.bytesOnDisk; // 1813 for the digits: 640 bytes of int8 weights (info.weightBytes) + 1173 of biases,
 *                  // scales, zero-points, the graph, metadata and the digest (info.otherBytes)
 */
export function saveOnnxModel(filePath: string, model: ExportableModel, options: OnnxExportOptions = {}): OnnxFileInfo {
  checkPath(filePath, "saveOnnxModel");
  const fail = (problem: string): never => {
    throw new OnnxFileError(filePath, problem);
  };
  const { bytes } = encode(model, options, (problem) => fail(`cannot save: ${problem}`));
  writeFileAtomic(filePath, bytes, fail);
  return decodeOnnxModel(bytes, filePath).file;
}

/**
 * Loads a file written by {@link saveOnnxModel}: checks that it is a regular file no larger than `maxBytes`, that
 * its SHA-256 matches, that it is an ONNX model of this project, and that writing the model it holds gives the
 * file back byte for byte. Returns the model (every weight, scale, zero-point, bias and class as saved) or throws
 * an {@link OnnxFileError} naming the file and the problem.
 *
 * @example
 * const { kind, model, file } = loadOnnxModel("out/models/digits-int8.onnx");
 * // kind "quantized"; model: qCoef [10, 64], scheme "per-row", bits 8; file.bytesOnDisk
 */
export function loadOnnxModel(filePath: string, options: LoadOptions = {}): LoadedOnnxModel {
  checkPath(filePath, "loadOnnxModel");
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(`loadOnnxModel: options.maxBytes must be a positive integer, got ${String(maxBytes)}`);
  }
  const bytes = readModelFile(filePath, maxBytes, (problem) => {
    throw new OnnxFileError(filePath, problem);
  });
  return decodeOnnxModel(bytes, filePath);
}

/**
 * {@link loadOnnxModel} on bytes already in memory; `source` names them in errors.
 *
 * @example
 * decodeOnnxModel(encodeOnnxModel(model)).model; // equal to model
 */
export function decodeOnnxModel(bytes: Uint8Array, source = "<bytes>"): LoadedOnnxModel {
  const fail = (problem: string): never => {
    throw new OnnxFileError(source, problem);
  };
  if (!(bytes instanceof Uint8Array)) fail(`expected the bytes of a model file (a Uint8Array), got ${describe(bytes)}`);
  const { body, sha256 } = unsealModel(bytes, fail);
  try {
    let proto: onnx.ModelProto;
    try {
      proto = onnx.ModelProto.decode(body);
    } catch (err) {
      return fail(`not a valid ONNX model: ${(err as Error).message}`);
    }
    const { model, options } = readOnnxModel(proto, fail);
    const again = encode(model, options, (problem) => fail(`holds a model that saveOnnxModel would not write: ${problem}`));
    if (!Buffer.from(again.bytes.subarray(0, body.length)).equals(body) || again.bytes.length !== bytes.length) {
      fail("its graph or metadata is not what saveOnnxModel writes for the model it holds (edited by another tool?)");
    }
    const spec = again.spec;
    const weightBytes = proto.graph?.initializer?.find((t) => /^(coef|qCoef|qCoefT)$/.test(t.name ?? ""))?.rawData?.length ?? 0;
    const file: OnnxFileInfo = {
      path: source,
      bytesOnDisk: bytes.length,
      weightBytes,
      otherBytes: bytes.length - weightBytes,
      sha256,
      opset: spec.opset,
      irVersion: spec.irVersion,
    };
    const common = { options, spec, file, bytes };
    return "coef" in model ? { kind: "fp32", model, ...common } : { kind: "quantized", model, ...common };
  } catch (err) {
    if (err instanceof OnnxFileError) throw err;
    return fail(`cannot be read as a model of this project: ${(err as Error).message}`);
  }
}

/**
 * An ONNX Runtime session for a model file (loaded and checked with {@link loadOnnxModel}) or an already loaded
 * model: ONNX Runtime gets the verified bytes, never the path. One thread unless `options.threads` says more.
 * A model ONNX Runtime rejects, or a run that fails, is an error naming the file.
 *
 * @example
 * const session = await openOnnxSession("out/models/digits-fp32.onnx");
 * const { labels, scores } = await session.run(Xte); // Int32Array [450], [450, 10] float32
 * await session.release();
 */
export async function openOnnxSession(source: string | LoadedOnnxModel, options: OnnxSessionOptions & LoadOptions = {}): Promise<OnnxSession> {
  const loaded = typeof source === "string" ? loadOnnxModel(source, options) : source;
  if (loaded === null || typeof loaded !== "object" || !(loaded.bytes instanceof Uint8Array)) {
    throw new TypeError(`openOnnxSession: source is ${describe(source)}; expected a file path or what loadOnnxModel returns`);
  }
  const d = loaded.kind === "fp32" ? loaded.model.coef.cols : loaded.model.qCoef.cols;
  return createOrtSession(loaded.bytes, loaded.file.path, d, loaded.spec.outputs, options);
}

function checkPath(filePath: unknown, caller: string): void {
  if (typeof filePath !== "string" || filePath.length === 0) {
    throw new TypeError(`${caller}: filePath is ${describe(filePath)}; expected the path of a file (a non-empty string)`);
  }
}
