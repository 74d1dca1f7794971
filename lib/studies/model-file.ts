/**
 * Saving and loading models (float or quantized) in a small binary format:
 *
 *     offset  bytes  field
 *     0       8      magic 89 51 38 4D 0D 0A 1A 0A ("\x89Q8M\r\n\x1a\n", PNG-style: the high byte catches 7-bit
 *                    transfers, CR LF catches newline conversion, 1A stops a DOS `type`)
 *     8       4      format version, uint32 little-endian (1)
 *     12      4      header length H, uint32 little-endian
 *     16      H      header: UTF-8 JSON, padded with spaces so the data section starts on a 64-byte boundary
 *     16 + H  D      data section: the tensors, raw little-endian, each at a 64-byte-aligned offset (relative to
 *                    the data section), zero bytes between
 *
 * The header says everything needed to read the data and check it (see {@link ModelFileHeader}): the kind, the
 * shapes, every tensor's dtype, offset and length, the scheme and bits, the scales and zero-points (as JSON
 * numbers: a float32 printed by JavaScript reads back bit for bit), the data length and its CRC-32.
 *
 * Writing is atomic: the bytes go to a temporary file in the same folder, are flushed to disk, and the file is
 * renamed over the target, so a reader sees the old file or the new one, never half of one. Reading checks
 * everything and throws one error naming the file and what is wrong.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { matrix } from "../core/matrix";
import type { LinearModel, QuantizedLinearModel } from "../core/model";
import { packInts, unpackInts, type QuantBits, type QuantScheme, type SchemeQuantizedModel } from "./schemes";

/** The 8 magic bytes every model file starts with. */
export const MODEL_FILE_MAGIC = Uint8Array.of(0x89, 0x51, 0x38, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a);
/** The format version this code writes and reads. */
export const MODEL_FILE_VERSION = 1;
/** The `format` field of every header. */
export const MODEL_FILE_FORMAT = "int8-notebook-model";

const PREAMBLE_BYTES = 16;
const ALIGN = 64;

/** Element types of the data section. `int4` / `int2` are packed (see `packInts`: low bits first). */
export type TensorDtype = "float32" | "int32" | "int8" | "int4" | "int2";
const DTYPE_BITS: Readonly<Record<TensorDtype, number>> = { float32: 32, int32: 32, int8: 8, int4: 4, int2: 2 };
const BITS_DTYPE: Readonly<Record<QuantBits, TensorDtype>> = { 8: "int8", 4: "int4", 2: "int2" };

/** Where one tensor is in the data section. */
export interface TensorEntry {
  readonly dtype: TensorDtype;
  readonly shape: number[];
  /** Byte offset from the start of the data section, a multiple of 64. */
  readonly offset: number;
  readonly byteLength: number;
}

/** The JSON header of a model file. */
export interface ModelFileHeader {
  readonly format: typeof MODEL_FILE_FORMAT;
  readonly kind: "float" | "quantized";
  /** Rows k (classes) and columns d (features) of the weights. */
  readonly nClasses: number;
  readonly nFeatures: number;
  /** Quantized only: the scheme, the bits, the scales and zero-points (ONE of each for `per-tensor`). */
  readonly scheme?: QuantScheme;
  readonly bits?: QuantBits;
  readonly scales?: number[];
  readonly zeroPoints?: number[];
  /** `coef` (float) or `qCoef` (quantized), then `intercept` and `classes`. */
  readonly tensors: Record<string, TensorEntry>;
  /** Length of the data section in bytes, and its CRC-32 (IEEE, as zlib's `crc32`). */
  readonly dataBytes: number;
  readonly crc32: number;
}

/** Sizes of a saved or loaded model file. */
export interface ModelFileInfo {
  readonly path: string;
  readonly version: number;
  /** The whole file. */
  readonly bytesOnDisk: number;
  /** Preamble + JSON header (with its padding). */
  readonly headerBytes: number;
  /** The data section (tensors + alignment padding). */
  readonly dataBytes: number;
  /**
   * What the model's typed arrays take in memory once loaded: weights (4- and 2-bit ones unpacked to one int8
   * each), biases, classes, and per-row scales and zero-points.
   */
  readonly bytesInMemory: number;
}

/** A loaded model: the kind says which. */
export type LoadedModel =
  | { readonly kind: "float"; readonly model: LinearModel; readonly file: ModelFileInfo }
  | { readonly kind: "quantized"; readonly model: SchemeQuantizedModel; readonly file: ModelFileInfo };

/** Any model {@link saveModel} takes: float, the original's int8 (per-row, 8 bits), or any scheme. */
export type SavableModel = LinearModel | QuantizedLinearModel | SchemeQuantizedModel;

/** A model file that cannot be read (or a model that cannot be written); the message names the file. */
export class ModelFileError extends Error {
  constructor(readonly filePath: string, readonly problem: string) {
    super(`${filePath}: ${problem}`);
    this.name = "ModelFileError";
  }
}

// --- writing ----------------------------------------------------------------------------------------

/**
 * Encodes a model as the bytes of a model file (see the file comment).
 *
 * @example
 * const bytes = encodeModelFile(quantizeModel(model)); // Uint8Array, 16 + header + data
 */
export function encodeModelFile(model: SavableModel, source = "<model>"): Uint8Array {
  const fail = (problem: string): never => {
    throw new ModelFileError(source, `cannot save: ${problem}`);
  };
  const isQuantized = "qCoef" in model;
  const W = isQuantized ? model.qCoef : model.coef;
  const k = W.rows;
  const d = W.cols;
  if (!Number.isInteger(k) || !Number.isInteger(d) || k < 1 || d < 1 || W.data.length !== k * d) {
    fail(`the weights are [${k}, ${d}] with ${W.data.length} values`);
  }
  if (model.intercept.length !== k) fail(`${model.intercept.length} biases for ${k} weight rows`);
  if (model.classes.length !== k) fail(`${model.classes.length} classes for ${k} weight rows`);
  checkFinite(model.intercept, "intercept", fail);

  const parts: { name: string; dtype: TensorDtype; shape: number[]; bytes: Uint8Array }[] = [];
  let quant: Pick<ModelFileHeader, "scheme" | "bits" | "scales" | "zeroPoints"> = {};
  if (isQuantized) {
    const scheme: QuantScheme = "scheme" in model ? model.scheme : "per-row";
    const bits: QuantBits = "bits" in model ? model.bits : 8;
    if (!["per-tensor", "per-row", "symmetric"].includes(scheme)) fail(`unknown scheme ${JSON.stringify(scheme)}`);
    if (bits !== 8 && bits !== 4 && bits !== 2) fail(`bits is ${String(bits)}, expected 8, 4 or 2`);
    if (model.scales.length !== k || model.zeroPoints.length !== k) {
      fail(`${model.scales.length} scales and ${model.zeroPoints.length} zero-points for ${k} rows`);
    }
    for (let c = 0; c < k; c++) {
      if (!(model.scales[c] > 0) || !Number.isFinite(model.scales[c])) fail(`scales[${c}] is ${model.scales[c]}, expected a positive finite number`);
      if (scheme === "symmetric" && model.zeroPoints[c] !== 0) fail(`zeroPoints[${c}] is ${model.zeroPoints[c]} in a symmetric model`);
    }
    let scales = Array.from(model.scales);
    let zeroPoints = Array.from(model.zeroPoints);
    if (scheme === "per-tensor") {
      if (!scales.every((s) => s === scales[0]) || !zeroPoints.every((z) => z === zeroPoints[0])) {
        fail("a per-tensor model must have the same scale and zero-point on every row");
      }
      scales = [scales[0]];
      zeroPoints = [zeroPoints[0]];
    }
    let packed: Uint8Array;
    try {
      packed = packInts(model.qCoef.data, bits);
    } catch (err) {
      return fail((err as Error).message);
    }
    quant = { scheme, bits, scales, zeroPoints };
    parts.push({ name: "qCoef", dtype: BITS_DTYPE[bits], shape: [k, d], bytes: packed });
  } else {
    checkFinite(model.coef.data, "coef", fail);
    parts.push({ name: "coef", dtype: "float32", shape: [k, d], bytes: littleEndianBytes(model.coef.data) });
  }
  parts.push({ name: "intercept", dtype: "float32", shape: [k], bytes: littleEndianBytes(model.intercept) });
  parts.push({ name: "classes", dtype: "int32", shape: [k], bytes: littleEndianBytes(model.classes) });

  const tensors: Record<string, TensorEntry> = {};
  let dataBytes = 0;
  for (const p of parts) {
    dataBytes = roundUp(dataBytes, ALIGN);
    tensors[p.name] = { dtype: p.dtype, shape: p.shape, offset: dataBytes, byteLength: p.bytes.length };
    dataBytes += p.bytes.length;
  }
  const data = new Uint8Array(dataBytes);
  for (const p of parts) data.set(p.bytes, tensors[p.name].offset);
  const header: ModelFileHeader = {
    format: MODEL_FILE_FORMAT,
    kind: isQuantized ? "quantized" : "float",
    nClasses: k,
    nFeatures: d,
    ...quant,
    tensors,
    dataBytes,
    crc32: crc32(data),
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const headerLength = roundUp(PREAMBLE_BYTES + json.length, ALIGN) - PREAMBLE_BYTES;
  const out = new Uint8Array(PREAMBLE_BYTES + headerLength + dataBytes);
  out.set(MODEL_FILE_MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, MODEL_FILE_VERSION, true);
  view.setUint32(12, headerLength, true);
  out.set(json, PREAMBLE_BYTES);
  out.fill(0x20, PREAMBLE_BYTES + json.length, PREAMBLE_BYTES + headerLength); // spaces: still valid JSON
  out.set(data, PREAMBLE_BYTES + headerLength);
  return out;
}

/**
 * Saves a model to `filePath` atomically (temporary file in the same folder, flushed, renamed over the
 * target; removed again if anything fails). Returns the sizes on disk and in memory. The folder must exist (it
 * is not created); anything wrong throws a {@link ModelFileError} naming `filePath`.
 *
 * @example
 * const info = saveModel("out/digits-int8.q8m", quantizeModel(model));
 * info.bytesOnDisk;   // 1448: 704 preamble + JSON header (padded to 64) + 744 data (640 weights, 40 biases, 40 classes, aligned)
 * info.bytesInMemory; // 800: int8 weights 640 + biases 40 + classes 40 + scales 40 + zero-points 40
 */
export function saveModel(filePath: string, model: SavableModel): ModelFileInfo {
  const bytes = encodeModelFile(model, filePath);
  const dir = path.dirname(path.resolve(filePath));
  if (!isFolder(dir)) {
    const problem = fs.existsSync(dir) ? `${dir} is not a folder` : `the folder ${dir} does not exist`;
    throw new ModelFileError(filePath, `cannot save: ${problem}`);
  }
  const tmp = path.join(dir, `.${path.basename(filePath)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, "wx", 0o644);
    fs.writeSync(fd, bytes, 0, bytes.length, 0);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, filePath);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; the first error is the one to report
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // the temporary file may not exist
    }
    throw new ModelFileError(filePath, `cannot save: ${describeFsError(err)}`);
  }
  return fileInfo(filePath, bytes, model);
}

function isFolder(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A file-system error without the path Node puts in its message (here the temporary file's, which means nothing
 * to the caller): `EACCES: permission denied, open '/x/.m.q8m.123.ab.tmp'` → `EACCES: permission denied`.
 */
function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e.code !== "string" || typeof e.syscall !== "string") return e.message;
  const description = e.message.replace(new RegExp(`^${e.code}: `), "").replace(new RegExp(`, ${e.syscall}\\b.*$`, "s"), "");
  return `${e.code}: ${description}`;
}

// --- reading ----------------------------------------------------------------------------------------

/**
 * Loads a model saved by {@link saveModel}: an identical model (every weight byte, scale, zero-point, bias and
 * class) plus the file's sizes. Anything wrong (no such file, truncated, bad magic, unsupported version, bad
 * JSON, unknown dtype, wrong shapes or lengths, NaN or missing scales, checksum mismatch, trailing bytes)
 * throws a {@link ModelFileError} naming the file and the problem.
 *
 * @example
 * const { kind, model, file } = loadModel("out/digits-int8.q8m"); // kind "quantized", file.bytesOnDisk 1448
 */
export function loadModel(filePath: string): LoadedModel {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(filePath);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ModelFileError(filePath, `cannot read: ${e.code === "ENOENT" ? "no such file" : e.message}`);
  }
  return decodeModelFile(bytes, filePath);
}

/**
 * {@link loadModel} for a file that must hold a quantized model (any scheme and bits); a float model is an error.
 *
 * @example
 * const qm = loadQuantizedModel("out/digits-int8.q8m"); // SchemeQuantizedModel: qCoef [10, 64], scheme "per-row"
 */
export function loadQuantizedModel(filePath: string): SchemeQuantizedModel {
  const loaded = loadModel(filePath);
  if (loaded.kind !== "quantized") throw new ModelFileError(filePath, "holds a float model, expected a quantized one");
  return loaded.model;
}

/**
 * {@link loadModel} for a file that must hold a float model; a quantized model is an error.
 *
 * @example
 * const m = loadFloatModel("out/digits-fp32.q8m"); // LinearModel: coef [10, 64]
 */
export function loadFloatModel(filePath: string): LinearModel {
  const loaded = loadModel(filePath);
  if (loaded.kind !== "float") throw new ModelFileError(filePath, `holds a quantized model (${loaded.model.scheme}, ${loaded.model.bits} bits), expected a float one`);
  return loaded.model;
}

/**
 * Decodes the bytes of a model file (see {@link loadModel}); `source` names it in errors.
 *
 * @example
 * decodeModelFile(encodeModelFile(model)).model; // equal to model
 */
export function decodeModelFile(bytes: Uint8Array, source = "<bytes>"): LoadedModel {
  const fail = (problem: string): never => {
    throw new ModelFileError(source, problem);
  };
  if (bytes.length < PREAMBLE_BYTES) {
    fail(`truncated: ${bytes.length} bytes, shorter than the ${PREAMBLE_BYTES}-byte preamble (magic, version, header length)`);
  }
  for (let i = 0; i < MODEL_FILE_MAGIC.length; i++) {
    if (bytes[i] !== MODEL_FILE_MAGIC[i]) {
      fail(`not a model file: bad magic bytes ${hex(bytes.subarray(0, 8))}, expected ${hex(MODEL_FILE_MAGIC)}`);
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== MODEL_FILE_VERSION) fail(`unsupported format version ${version} (this code reads version ${MODEL_FILE_VERSION})`);
  const headerLength = view.getUint32(12, true);
  const dataStart = PREAMBLE_BYTES + headerLength;
  if (dataStart > bytes.length) {
    fail(`truncated: the header should be ${headerLength} bytes but only ${bytes.length - PREAMBLE_BYTES} follow the preamble`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + PREAMBLE_BYTES, headerLength).toString("utf8"));
  } catch (err) {
    return fail(`the header is not valid JSON (${(err as Error).message})`);
  }
  const h = checkHeader(parsed, fail);
  const k = h.nClasses;
  const d = h.nFeatures;

  const available = bytes.length - dataStart;
  if (available < h.dataBytes) fail(`truncated: the data section should be ${h.dataBytes} bytes but only ${available} are in the file`);
  if (available > h.dataBytes) fail(`${available - h.dataBytes} unexpected bytes after the ${h.dataBytes}-byte data section`);
  const data = bytes.subarray(dataStart, dataStart + h.dataBytes);
  const crc = crc32(data);
  if (crc !== h.crc32) fail(`the data section is corrupted: its CRC-32 is ${crc}, the header says ${h.crc32}`);

  const tensor = (name: string, dtype: TensorDtype | readonly TensorDtype[], shape: number[]): Uint8Array => {
    const t = h.tensors[name];
    if (t === undefined) return fail(`the header lists no tensor "${name}"`);
    const allowed = typeof dtype === "string" ? [dtype] : dtype;
    if (!allowed.includes(t.dtype)) fail(`tensor "${name}" has dtype "${t.dtype}", expected ${allowed.map((s) => `"${s}"`).join(" or ")}`);
    if (t.shape.length !== shape.length || t.shape.some((v, i) => v !== shape[i])) {
      fail(`tensor "${name}" has shape [${t.shape.join(", ")}], expected [${shape.join(", ")}]`);
    }
    const count = shape.reduce((a, b) => a * b, 1);
    const need = Math.ceil((count * DTYPE_BITS[t.dtype]) / 8);
    if (t.byteLength !== need) fail(`tensor "${name}": shape [${shape.join(", ")}] of ${t.dtype} takes ${need} bytes, the header says ${t.byteLength}`);
    if (t.offset % ALIGN !== 0) fail(`tensor "${name}" is at offset ${t.offset}, not a multiple of ${ALIGN}`);
    if (t.offset + t.byteLength > h.dataBytes) {
      fail(`tensor "${name}" (bytes ${t.offset}..${t.offset + t.byteLength}) runs past the ${h.dataBytes}-byte data section`);
    }
    return data.subarray(t.offset, t.offset + t.byteLength);
  };
  const intercept = fromLittleEndian(tensor("intercept", "float32", [k]), Float32Array);
  checkFinite(intercept, "intercept", fail);
  const classes = fromLittleEndian(tensor("classes", "int32", [k]), Int32Array);

  if (h.kind === "float") {
    const coef = fromLittleEndian(tensor("coef", "float32", [k, d]), Float32Array);
    checkFinite(coef, "coef", fail);
    const model: LinearModel = { coef: matrix(coef, k, d), intercept, classes };
    return { kind: "float", model, file: fileInfo(source, bytes, model) };
  }
  const bits = h.bits as QuantBits;
  const scheme = h.scheme as QuantScheme;
  const packed = tensor("qCoef", BITS_DTYPE[bits], [k, d]);
  const q = unpackInts(packed, bits, k * d);
  const nParams = scheme === "per-tensor" ? 1 : k;
  const rawScales = h.scales as unknown[];
  const rawZeroPoints = h.zeroPoints as unknown[];
  if (rawScales.length !== nParams) fail(`${rawScales.length} scales for a ${scheme} model of ${k} rows, expected ${nParams}`);
  if (rawZeroPoints.length !== nParams) fail(`${rawZeroPoints.length} zero-points for a ${scheme} model of ${k} rows, expected ${nParams}`);
  const scales = new Float32Array(k);
  const zeroPoints = new Int32Array(k);
  for (let c = 0; c < nParams; c++) {
    const s = rawScales[c];
    if (typeof s !== "number" || !Number.isFinite(s) || s <= 0) {
      fail(`scales[${c}] is ${JSON.stringify(s)} (NaN, infinite and missing scales are written as null), expected a positive finite number`);
    }
    if (Math.fround(s as number) !== s) fail(`scales[${c}] is ${String(s)}, which is not a float32 value`);
    const z = rawZeroPoints[c];
    if (typeof z !== "number" || !Number.isInteger(z) || Math.abs(z) > 2 ** 31 - 1) {
      fail(`zeroPoints[${c}] is ${JSON.stringify(z)}, expected an int32`);
    }
    if (scheme === "symmetric" && z !== 0) fail(`zeroPoints[${c}] is ${String(z)} in a symmetric model, expected 0`);
  }
  for (let c = 0; c < k; c++) {
    scales[c] = rawScales[nParams === 1 ? 0 : c] as number;
    zeroPoints[c] = rawZeroPoints[nParams === 1 ? 0 : c] as number;
  }
  const model: SchemeQuantizedModel = { qCoef: matrix(q, k, d), scales, zeroPoints, intercept, classes, scheme, bits };
  return { kind: "quantized", model, file: fileInfo(source, bytes, model) };
}

/** Checks the header's structure; returns it typed. */
function checkHeader(parsed: unknown, fail: (problem: string) => never): ModelFileHeader {
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) fail("the header is not a JSON object");
  const h = parsed as Record<string, unknown>;
  if (h.format !== MODEL_FILE_FORMAT) fail(`the header's format is ${JSON.stringify(h.format)}, expected "${MODEL_FILE_FORMAT}"`);
  if (h.kind !== "float" && h.kind !== "quantized") fail(`the header's kind is ${JSON.stringify(h.kind)}, expected "float" or "quantized"`);
  for (const key of ["nClasses", "nFeatures", "dataBytes"] as const) {
    const v = h[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < (key === "dataBytes" ? 0 : 1)) {
      fail(`the header's ${key} is ${JSON.stringify(v)}, expected a ${key === "dataBytes" ? "non-negative" : "positive"} integer`);
    }
  }
  if (typeof h.crc32 !== "number" || !Number.isInteger(h.crc32) || h.crc32 < 0 || h.crc32 > 0xffffffff) {
    fail(`the header's crc32 is ${JSON.stringify(h.crc32)}, expected an unsigned 32-bit integer`);
  }
  if (typeof h.tensors !== "object" || h.tensors === null || Array.isArray(h.tensors)) fail("the header has no tensors object");
  for (const [name, raw] of Object.entries(h.tensors as Record<string, unknown>)) {
    const t = raw as Record<string, unknown>;
    if (typeof t !== "object" || t === null) fail(`tensor "${name}" is not an object`);
    if (typeof t.dtype !== "string" || !(t.dtype in DTYPE_BITS)) {
      fail(`tensor "${name}" has unknown dtype ${JSON.stringify(t.dtype)} (known: ${Object.keys(DTYPE_BITS).join(", ")})`);
    }
    if (!Array.isArray(t.shape) || !t.shape.every((v) => Number.isInteger(v) && v >= 0)) {
      fail(`tensor "${name}" has shape ${JSON.stringify(t.shape)}, expected an array of non-negative integers`);
    }
    for (const key of ["offset", "byteLength"] as const) {
      if (typeof t[key] !== "number" || !Number.isInteger(t[key]) || (t[key] as number) < 0) {
        fail(`tensor "${name}" has ${key} ${JSON.stringify(t[key])}, expected a non-negative integer`);
      }
    }
  }
  if (h.kind === "quantized") {
    if (h.scheme !== "per-tensor" && h.scheme !== "per-row" && h.scheme !== "symmetric") {
      fail(`the header's scheme is ${JSON.stringify(h.scheme)}, expected "per-tensor", "per-row" or "symmetric"`);
    }
    if (h.bits !== 8 && h.bits !== 4 && h.bits !== 2) fail(`the header's bits is ${JSON.stringify(h.bits)}, expected 8, 4 or 2`);
    if (!Array.isArray(h.scales)) fail(`the header's scales is ${JSON.stringify(h.scales)}, expected an array`);
    if (!Array.isArray(h.zeroPoints)) fail(`the header's zeroPoints is ${JSON.stringify(h.zeroPoints)}, expected an array`);
  }
  return h as unknown as ModelFileHeader;
}

// --- helpers ----------------------------------------------------------------------------------------

function fileInfo(filePath: string, bytes: Uint8Array, model: SavableModel): ModelFileInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = PREAMBLE_BYTES + view.getUint32(12, true);
  const arrays =
    "qCoef" in model
      ? [model.qCoef.data, model.intercept, model.classes, model.scales, model.zeroPoints]
      : [model.coef.data, model.intercept, model.classes];
  return {
    path: filePath,
    version: view.getUint32(8, true),
    bytesOnDisk: bytes.length,
    headerBytes,
    dataBytes: bytes.length - headerBytes,
    bytesInMemory: arrays.reduce((sum, a) => sum + a.byteLength, 0),
  };
}

function checkFinite(a: Float32Array, name: string, fail: (problem: string) => never): void {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) fail(`${name}[${i}] is ${a[i]}, expected a finite number`);
}

const roundUp = (v: number, m: number): number => Math.ceil(v / m) * m;
const BIG_ENDIAN = os.endianness() === "BE";

/** The bytes of a 4-byte typed array in little-endian order (a copy). */
function littleEndianBytes(a: Float32Array | Int32Array): Uint8Array {
  const bytes = new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
  if (BIG_ENDIAN) swap4(bytes);
  return bytes;
}

/** A new, aligned typed array from little-endian bytes. */
function fromLittleEndian<T extends Float32Array | Int32Array>(bytes: Uint8Array, Type: { new (b: ArrayBuffer): T }): T {
  const copy = new Uint8Array(bytes); // a copy (Buffer.prototype.slice would share memory)
  if (BIG_ENDIAN) swap4(copy);
  return new Type(copy.buffer);
}

function swap4(b: Uint8Array): void {
  for (let i = 0; i + 3 < b.length; i += 4) {
    const t0 = b[i];
    const t1 = b[i + 1];
    b[i] = b[i + 3];
    b[i + 1] = b[i + 2];
    b[i + 2] = t1;
    b[i + 3] = t0;
  }
}

function hex(b: Uint8Array): string {
  return Array.from(b, (v) => v.toString(16).padStart(2, "0")).join(" ");
}

let crcTable: Uint32Array | undefined;
/**
 * CRC-32 (IEEE 802.3, the one of zlib, gzip and PNG) of `data`.
 *
 * @example
 * crc32(new TextEncoder().encode("123456789")); // 0xCBF43926
 */
export function crc32(data: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
