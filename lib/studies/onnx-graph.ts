/**
 * The ONNX graphs of the notebook's linear classifiers, built with ONNX's own schema (`onnx.proto`, compiled for
 * protobufjs by the `onnx-proto` package) and read back. Every graph takes `X` float32 `[N, d]` and gives
 * `labels` int32 `[N]` (the class of the largest score, the first on a tie, like `np.argmax`), `scores` float32
 * `[N, k]` and, in the integer form, the int32 sums `sums` `[N, k]`:
 *
 * | model                       | graph                                                                      | opset |
 * | --------------------------- | -------------------------------------------------------------------------- | ----- |
 * | FP32 (`LinearModel`)        | Gemm(X, coef, intercept, transB) → ArgMax → Gather(classes)                | 13    |
 * | int8/int4/int2, "dequantize"| DequantizeLinear(qCoef, scales, zeroPoints, axis 0) → coef, then as FP32   | 13/21/25 |
 * | int8, "integer"             | QuantizeLinear or DynamicQuantizeLinear(X) → MatMulInteger(Xq, qCoefT,     | 13    |
 * |                             | zx, zeroPoints) → sums → Cast → Mul(scales · sx) → Add(intercept) → …      |       |
 *
 * Why `DequantizeLinear` per axis is THE int8 model: its inputs are the original's own parameters — one float32
 * scale and one zero-point per row, in the weights' type — and it computes `(q − zp) · scale` in float32, which is
 * the original's `dequantize_per_tensor` bit for bit, so the file holds exactly section 6's model (weights only,
 * as the original: activations stay float). `QLinearMatMul` would requantize the scores to 8 bits with an output
 * scale the original does not have; `MatMulInteger` keeps the zero-points exactly but leaves the scales outside
 * the operator and needs the activations quantized too — that is section 12's integer inference, exported as the
 * `"integer"` form (int8 only: `MatMulInteger` takes 8-bit inputs), which exposes the int32 sums.
 *
 * 4- and 2-bit weights use ONNX's packed `INT4` (opset 21) and `INT2` (opset 25) types, two or four values a
 * byte, low bits first — the layout of `packInts`. A zero-point must fit the weights' type: the original's formula
 * gives one outside −128..127 (int8) when all of a row's weights share a sign, and such a model is refused,
 * naming the row, rather than written as a different one.
 */
import { onnx } from "onnx-proto";
import { matrix, type Matrix } from "../core/matrix";
import type { LinearModel, QuantizedLinearModel } from "../core/model";
import { checkActivationParams } from "../kernels/int8-epilogue";
import { MAX_INT32_SAFE_FEATURES, type ActivationParams } from "./integer-inference";
import { QUANT_SCHEMES, packInts, unpackInts, type QuantBits, type QuantScheme, type SchemeQuantizedModel } from "./schemes";

/** How a quantized model computes: dequantize the weights to float32 (the original) or integer arithmetic. */
export type OnnxForm = "dequantize" | "integer";

/** The graph outputs a file can have (`sums`: the integer form only). */
export type OnnxOutput = "labels" | "scores" | "sums";

/** Options of the export. */
export interface OnnxExportOptions {
  /** Quantized models: `"dequantize"` (default, the original's model) or `"integer"` (8 bits, section 12). */
  readonly form?: OnnxForm;
  /**
   * The integer form only: how `X` becomes uint8 — fixed parameters (`QuantizeLinear`; the scale is stored as
   * float32), e.g. `DIGITS_PIXEL_PARAMS`, or `"dynamic"` (default: `DynamicQuantizeLinear`, each batch its own
   * range, as ONNX Runtime's dynamic quantization).
   */
  readonly activations?: ActivationParams | "dynamic";
  /** Which outputs the graph has, in this order. Default: `labels`, `scores` (and `sums` in the integer form). */
  readonly outputs?: readonly OnnxOutput[];
}

/** What a file says about its model besides the numbers: with the model, enough to write the file again. */
export interface OnnxModelSpec {
  readonly kind: "fp32" | "quantized";
  /** Quantized models only. */
  readonly scheme?: QuantScheme;
  readonly bits?: QuantBits;
  readonly form?: OnnxForm;
  /** The integer form only: the uint8 parameters as stored (scale float32), or `"dynamic"`. */
  readonly activations?: ActivationParams | "dynamic";
  readonly outputs: readonly OnnxOutput[];
  /** The ONNX opset and IR version the graph needs. */
  readonly opset: number;
  readonly irVersion: number;
}

/** A model the export takes: float, the original's int8 (per-row, 8 bits) or any scheme of section 13. */
export type ExportableModel = LinearModel | QuantizedLinearModel | SchemeQuantizedModel;

/** The format written in every file's metadata; a file without it was not written by this code. */
export const ONNX_EXPORT_FORMAT = "quantization-lesson/1";

const DT = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, INT4: 22, INT2: 26 } as const;
const BITS_TYPE: Readonly<Record<QuantBits, number>> = { 8: DT.INT8, 4: DT.INT4, 2: DT.INT2 };
const BITS_TYPE_NAME: Readonly<Record<QuantBits, string>> = { 8: "int8", 4: "int4", 2: "int2" };
/** The opset that first has the weights' type in DequantizeLinear, and the IR version that defines the type. */
const BITS_OPSET: Readonly<Record<QuantBits, { opset: number; irVersion: number }>> = {
  8: { opset: 13, irVersion: 7 },
  4: { opset: 21, irVersion: 10 },
  2: { opset: 25, irVersion: 13 },
};
const INT = onnx.AttributeProto.AttributeType.INT;

/** A checked model, float or quantized (every quantized one with its scheme and bits). */
type CheckedModel =
  | { readonly kind: "fp32"; readonly model: LinearModel; readonly k: number; readonly d: number }
  | { readonly kind: "quantized"; readonly model: SchemeQuantizedModel; readonly k: number; readonly d: number };

// --- building ----------------------------------------------------------------------------------------

/**
 * The ONNX `ModelProto` of a model (see the file comment), checked first: shapes, finite numbers, positive
 * scales, values and zero-points that fit the weights' type. `fail` is called with the first problem, naming
 * the argument, the row or the option that is wrong.
 *
 * @example
 * const { proto, spec } = buildOnnxModel(quantizeModel(model), {}, (p) => { throw new Error(p); });
 * // spec: { kind: "quantized", scheme: "per-row", bits: 8, form: "dequantize", opset: 13, … }
 */
export function buildOnnxModel(
  model: ExportableModel,
  options: OnnxExportOptions,
  fail: (problem: string) => never,
): { proto: onnx.IModelProto; spec: OnnxModelSpec } {
  const checked = checkModel(model, fail);
  if (options === null || typeof options !== "object") fail(`options is ${describe(options)}; expected an object`);
  const form = options.form ?? "dequantize";
  if (form !== "dequantize" && form !== "integer") fail(`options.form is ${JSON.stringify(form)}; expected "dequantize" or "integer"`);
  if (checked.kind === "fp32" && options.form !== undefined) fail("options.form is for quantized models; this is a float model");
  const integer = checked.kind === "quantized" && form === "integer";
  if (checked.kind === "quantized" && integer) checkIntegerForm(checked.model, fail);
  if (!integer && options.activations !== undefined) fail('options.activations is for the "integer" form only');
  let activations: ActivationParams | "dynamic" | undefined;
  if (integer) {
    const a = options.activations ?? "dynamic";
    if (a === "dynamic") activations = a;
    else if (a !== null && typeof a === "object") {
      let p: ActivationParams = a;
      try {
        p = checkActivationParams(a, "options.activations");
      } catch (err) {
        fail((err as Error).message);
      }
      activations = { scale: Math.fround(p.scale), zeroPoint: p.zeroPoint };
      if (!(activations.scale > 0) || !Number.isFinite(activations.scale)) {
        fail(`options.activations.scale ${p.scale} is not a positive float32 (it is stored as one)`);
      }
    } else fail(`options.activations is ${describe(a)}; expected { scale, zeroPoint } or "dynamic"`);
  }
  const possible: readonly OnnxOutput[] = integer ? ["labels", "scores", "sums"] : ["labels", "scores"];
  const outputs: readonly OnnxOutput[] = options.outputs ?? possible;
  if (!Array.isArray(outputs as unknown) || outputs.length === 0) fail(`options.outputs must be a non-empty array of ${possible.join(", ")}`);
  outputs.forEach((o, i) => {
    if (!possible.includes(o)) fail(`options.outputs[${i}] is ${JSON.stringify(o)}; this model's graph has ${possible.join(", ")}`);
    if (outputs.indexOf(o) !== i) fail(`options.outputs names ${JSON.stringify(o)} twice`);
  });

  const { k, d } = checked;
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  let versions = { opset: 13, irVersion: 7 };
  let description: string;
  const spec: { -readonly [K in keyof OnnxModelSpec]: OnnxModelSpec[K] } = { kind: checked.kind, outputs: [...outputs], ...versions };

  if (checked.kind === "fp32") {
    const m = checked.model;
    inits.push(tensor("coef", DT.FLOAT, [k, d], rawBytes(m.coef.data)));
    description = `FP32 linear classifier: ${k} classes × ${d} features, float32 weights.`;
  } else {
    const m = checked.model;
    const { scheme, bits } = m;
    Object.assign(spec, { scheme, bits, form });
    const perTensor = scheme === "per-tensor";
    const paramDims = perTensor ? [] : [k];
    const scales = perTensor ? m.scales.subarray(0, 1) : m.scales;
    const zeroPoints = perTensor ? m.zeroPoints.subarray(0, 1) : m.zeroPoints;
    const withZeroPoint = scheme !== "symmetric";
    const what = `${bits}-bit ${scheme === "symmetric" ? "symmetric (no zero-point)" : "affine"} weights, ${perTensor ? "one scale and zero-point for the whole matrix" : scheme === "per-row" ? "one scale and zero-point per row" : "one scale per row"}`;
    if (!integer) {
      versions = BITS_OPSET[bits];
      const qType = BITS_TYPE[bits];
      inits.push(tensor("qCoef", qType, [k, d], packInts(m.qCoef.data, bits)));
      inits.push(tensor("scales", DT.FLOAT, paramDims, rawBytes(scales)));
      if (withZeroPoint) inits.push(tensor("zeroPoints", qType, paramDims, packInts(Int8Array.from(zeroPoints), bits)));
      nodes.push(
        node("DequantizeLinear", ["qCoef", "scales", ...(withZeroPoint ? ["zeroPoints"] : [])], ["coef"], "dequantize_weights",
          "coef = (qCoef - zeroPoints) * scales, row by row, in float32: the notebook's section 6", perTensor ? [] : [intAttr("axis", 0)]),
      );
      description = `Quantized linear classifier (weights only): ${k} classes × ${d} features, ${what}; dequantized to float32 in the graph.`;
    } else {
      spec.activations = activations;
      const qT = new Int8Array(k * d);
      for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) qT[j * k + c] = m.qCoef.data[c * d + j];
      inits.push(tensor("qCoefT", DT.INT8, [d, k], packInts(qT, 8)));
      if (withZeroPoint) inits.push(tensor("zeroPoints", DT.INT8, paramDims, packInts(Int8Array.from(zeroPoints), 8)));
      inits.push(tensor("scales", DT.FLOAT, paramDims, rawBytes(scales)));
      if (activations === "dynamic") {
        nodes.push(node("DynamicQuantizeLinear", ["X"], ["Xq", "xScale", "xZeroPoint"], "quantize_inputs", "uint8 inputs, each batch its own range"));
      } else {
        const a = activations as ActivationParams;
        inits.push(tensor("xScale", DT.FLOAT, [], rawBytes(Float32Array.of(a.scale))));
        inits.push(tensor("xZeroPoint", DT.UINT8, [], Uint8Array.of(a.zeroPoint)));
        nodes.push(node("QuantizeLinear", ["X", "xScale", "xZeroPoint"], ["Xq"], "quantize_inputs", "Xq = saturate(round(X / xScale) + xZeroPoint), uint8"));
      }
      nodes.push(
        node("MatMulInteger", ["Xq", "qCoefT", "xZeroPoint", ...(withZeroPoint ? ["zeroPoints"] : [])], ["sums"], "integer_sums",
          "sums = Σ_j (Xq - xZeroPoint)(qCoef - zeroPoints), int32: the notebook's section 12"),
        node("Mul", ["xScale", "scales"], ["rescale"], "rescale", "xScale · scales, one float per class"),
        node("Cast", ["sums"], ["sumsFloat"], "to_float", "", [intAttr("to", DT.FLOAT)]),
        node("Mul", ["sumsFloat", "rescale"], ["products"], "rescale_sums", "the float dot products"),
      );
      description = `Quantized linear classifier (integer arithmetic): ${k} classes × ${d} features, ${what}; uint8 inputs (${activations === "dynamic" ? "dynamic range" : `scale ${(activations as ActivationParams).scale}, zero-point ${(activations as ActivationParams).zeroPoint}`}), int32 sums, one float rescale.`;
    }
  }
  inits.push(tensor("intercept", DT.FLOAT, [k], rawBytes(checked.model.intercept)));
  inits.push(tensor("classes", DT.INT32, [k], rawBytes(checked.model.classes)));
  if (integer) nodes.push(node("Add", ["products", "intercept"], ["scores"], "add_bias", "scores [N, k]"));
  else nodes.push(node("Gemm", ["X", "coef", "intercept"], ["scores"], "linear", "scores = X · coefᵀ + intercept, float32", [intAttr("transB", 1)]));
  if (outputs.includes("labels")) {
    nodes.push(
      node("ArgMax", ["scores"], ["best"], "argmax", "the first largest score, like np.argmax", [intAttr("axis", 1), intAttr("keepdims", 0)]),
      node("Gather", ["classes", "best"], ["labels"], "labels", "classes[best]", [intAttr("axis", 0)]),
    );
  }
  Object.assign(spec, versions);

  const outputInfo: Record<OnnxOutput, onnx.IValueInfoProto> = {
    labels: valueInfo("labels", DT.INT32, ["N"]),
    scores: valueInfo("scores", DT.FLOAT, ["N", k]),
    sums: valueInfo("sums", DT.INT32, ["N", k]),
  };
  const metadata: [string, string][] = [
    ["format", ONNX_EXPORT_FORMAT],
    ["kind", checked.kind],
    ...(checked.kind === "quantized"
      ? ([
          ["scheme", checked.model.scheme],
          ["bits", String(checked.model.bits)],
          ["form", form],
          ...(integer ? [["activations", activations === "dynamic" ? "dynamic" : "static"]] : []),
        ] as [string, string][])
      : []),
    ["outputs", outputs.join(",")],
  ];
  const proto: onnx.IModelProto = {
    irVersion: versions.irVersion,
    producerName: "quantization-lesson",
    producerVersion: "1",
    modelVersion: 1,
    docString: description,
    graph: {
      name: "linear_classifier",
      node: nodes,
      initializer: inits,
      input: [valueInfo("X", DT.FLOAT, ["N", d])],
      output: outputs.map((o) => outputInfo[o]),
    },
    opsetImport: [{ domain: "", version: versions.opset }],
    metadataProps: metadata.map(([key, value]) => ({ key, value })),
  };
  return { proto, spec };
}

// --- reading back ------------------------------------------------------------------------------------

/**
 * The model and spec a `ModelProto` written by {@link buildOnnxModel} holds, read from its metadata and
 * initializers. Only what is needed to rebuild the file is read and checked here; the caller rebuilds the file
 * and compares it byte for byte, which checks everything else (every node, attribute, shape and name).
 * `fail` is called with the first problem.
 */
export function readOnnxModel(
  proto: onnx.IModelProto,
  fail: (problem: string) => never,
): { model: LinearModel | SchemeQuantizedModel; options: OnnxExportOptions } {
  const meta = new Map<string, string>();
  for (const e of proto.metadataProps ?? []) meta.set(e.key ?? "", e.value ?? "");
  if (meta.get("format") !== ONNX_EXPORT_FORMAT) {
    fail(`not a model file of this project: its metadata has format ${JSON.stringify(meta.get("format") ?? null)}, expected "${ONNX_EXPORT_FORMAT}"`);
  }
  const inits = new Map<string, onnx.ITensorProto>();
  for (const t of proto.graph?.initializer ?? []) inits.set(t.name ?? "", t);
  const raw = (name: string, type: number, dims: number[]): Uint8Array => {
    const t = inits.get(name);
    if (t === undefined) return fail(`the initializer ${name} is missing`);
    const got = (t.dims ?? []).map(int64ToNumber);
    if (t.dataType !== type || got.length !== dims.length || got.some((v, i) => v !== dims[i])) {
      fail(`the initializer ${name} is type ${t.dataType} [${got.join(", ")}], expected type ${type} [${dims.join(", ")}]`);
    }
    const bytes = t.rawData ?? new Uint8Array(0);
    const count = dims.reduce((a, b) => a * b, 1);
    const need = type === DT.FLOAT || type === DT.INT32 ? 4 * count : type === DT.INT4 ? Math.ceil(count / 2) : type === DT.INT2 ? Math.ceil(count / 4) : count;
    if (bytes.length !== need) fail(`the initializer ${name} has ${bytes.length} bytes of data, expected ${need}`);
    return bytes;
  };
  const kind = meta.get("kind");
  const outputs = (meta.get("outputs") ?? "").split(",") as OnnxOutput[];
  if (kind === "fp32") {
    const [k, d] = dims2(inits.get("coef"), "coef", fail);
    const coef = fromRawBytes(raw("coef", DT.FLOAT, [k, d]), Float32Array);
    const model: LinearModel = {
      coef: matrix(coef, k, d),
      intercept: fromRawBytes(raw("intercept", DT.FLOAT, [k]), Float32Array),
      classes: fromRawBytes(raw("classes", DT.INT32, [k]), Int32Array),
    };
    return { model, options: { outputs } };
  }
  if (kind !== "quantized") return fail(`its metadata has kind ${JSON.stringify(kind ?? null)}, expected "fp32" or "quantized"`);
  const scheme = meta.get("scheme") as QuantScheme;
  if (!QUANT_SCHEMES.includes(scheme)) fail(`its metadata has scheme ${JSON.stringify(scheme ?? null)}, expected ${QUANT_SCHEMES.join(", ")}`);
  const bits = Number(meta.get("bits")) as QuantBits;
  if (bits !== 8 && bits !== 4 && bits !== 2) fail(`its metadata has bits ${JSON.stringify(meta.get("bits") ?? null)}, expected 8, 4 or 2`);
  const form = meta.get("form") as OnnxForm;
  if (form !== "dequantize" && form !== "integer") fail(`its metadata has form ${JSON.stringify(form ?? null)}, expected "dequantize" or "integer"`);
  const integer = form === "integer";
  const [k, d] = integer ? dims2(inits.get("qCoefT"), "qCoefT", fail).reverse() : dims2(inits.get("qCoef"), "qCoef", fail);
  const qType = integer ? DT.INT8 : BITS_TYPE[bits];
  const perTensor = scheme === "per-tensor";
  const paramDims = perTensor ? [] : [k];
  let q: Int8Array;
  if (integer) {
    const qT = unpackInts(raw("qCoefT", DT.INT8, [d, k]), 8, k * d);
    q = new Int8Array(k * d);
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) q[c * d + j] = qT[j * k + c];
  } else {
    q = unpackInts(raw("qCoef", qType, [k, d]), bits, k * d);
  }
  const storedScales = fromRawBytes(raw("scales", DT.FLOAT, paramDims), Float32Array);
  const storedZeroPoints = scheme === "symmetric" ? new Int8Array(storedScales.length) : unpackInts(raw("zeroPoints", qType, paramDims), integer ? 8 : bits, storedScales.length);
  const scales = perTensor ? new Float32Array(k).fill(storedScales[0]) : storedScales;
  const zeroPoints = perTensor ? new Int32Array(k).fill(storedZeroPoints[0]) : Int32Array.from(storedZeroPoints);
  const model: SchemeQuantizedModel = {
    qCoef: matrix(q, k, d),
    scales,
    zeroPoints,
    intercept: fromRawBytes(raw("intercept", DT.FLOAT, [k]), Float32Array),
    classes: fromRawBytes(raw("classes", DT.INT32, [k]), Int32Array),
    scheme,
    bits,
  };
  let activations: ActivationParams | "dynamic" | undefined;
  if (integer) {
    const a = meta.get("activations");
    if (a === "dynamic") activations = "dynamic";
    else if (a === "static") {
      activations = { scale: fromRawBytes(raw("xScale", DT.FLOAT, []), Float32Array)[0], zeroPoint: raw("xZeroPoint", DT.UINT8, [])[0] };
    } else fail(`its metadata has activations ${JSON.stringify(a ?? null)}, expected "static" or "dynamic"`);
  }
  return { model, options: { form, outputs, ...(activations !== undefined ? { activations } : {}) } };
}

// --- checking a model --------------------------------------------------------------------------------

/**
 * Checks that `model` is a {@link ExportableModel} the export can write exactly; returns it with its scheme and
 * bits (the original's `QuantizedLinearModel` is per-row, 8 bits).
 */
function checkModel(model: unknown, fail: (problem: string) => never): CheckedModel {
  const expected = "expected a LinearModel { coef, intercept, classes } or a QuantizedLinearModel { qCoef, scales, zeroPoints, intercept, classes }";
  if (model === null || typeof model !== "object" || Array.isArray(model)) return fail(`model is ${describe(model)}; ${expected}`);
  const m = model as Record<string, unknown>;
  const hasCoef = "coef" in m;
  const hasQ = "qCoef" in m;
  if (hasCoef === hasQ) fail(`model has ${hasCoef ? "both coef and qCoef" : "neither coef nor qCoef"}; ${expected}`);
  const W = checkMatrix(hasCoef ? m.coef : m.qCoef, hasCoef ? "coef" : "qCoef", hasCoef ? Float32Array : Int8Array, fail);
  const { rows: k, cols: d } = W;
  const vector = <T extends Float32Array | Int32Array>(name: string, Type: { new (n: number): T; name: string }): T => {
    const v = m[name];
    if (!(v instanceof Type)) return fail(`model.${name} is ${describe(v)}; expected a ${Type.name} [${k}]`);
    if (v.length !== k) fail(`model.${name} has ${v.length} entries; expected ${k}, one per row of the weights`);
    return v;
  };
  const intercept = vector("intercept", Float32Array);
  const classes = vector("classes", Int32Array);
  checkFinite(intercept, "model.intercept", fail);
  if (hasCoef) {
    checkFinite(W.data as Float32Array, "model.coef", fail);
    return { kind: "fp32", model: { coef: W as Matrix<Float32Array>, intercept, classes }, k, d };
  }
  const scales = vector("scales", Float32Array);
  const zeroPoints = vector("zeroPoints", Int32Array);
  const scheme = ("scheme" in m ? m.scheme : "per-row") as QuantScheme;
  const bits = ("bits" in m ? m.bits : 8) as QuantBits;
  if (!QUANT_SCHEMES.includes(scheme)) fail(`model.scheme is ${JSON.stringify(scheme)}; expected ${QUANT_SCHEMES.join(", ")}`);
  if (bits !== 8 && bits !== 4 && bits !== 2) fail(`model.bits is ${JSON.stringify(bits)}; expected 8, 4 or 2`);
  const lo = -(2 ** (bits - 1));
  const hi = 2 ** (bits - 1) - 1;
  const type = BITS_TYPE_NAME[bits];
  const q = W.data as Int8Array;
  for (let i = 0; i < q.length; i++) {
    if (q[i] < lo || q[i] > hi) fail(`model.qCoef[${Math.floor(i / d)}, ${i % d}] is ${q[i]}, outside ${type}'s ${lo}..${hi}`);
  }
  for (let c = 0; c < k; c++) {
    const s = scales[c];
    if (!(s > 0) || !Number.isFinite(s)) fail(`row ${c}: the scale is ${s}; expected a positive finite number`);
    const z = zeroPoints[c];
    if (scheme === "symmetric" && z !== 0) fail(`row ${c}: the zero-point is ${z} in a symmetric model; expected 0`);
    if (z < lo || z > hi) {
      fail(
        `row ${c}: the zero-point ${z} is outside ${type}'s ${lo}..${hi}, and ONNX's DequantizeLinear needs it in the weights' type ` +
          `(the original's formula puts it there when all of a row's weights share a sign). Export the FP32 model, or quantize with ` +
          `the "symmetric" scheme, which has no zero-point.`,
      );
    }
    if (scheme === "per-tensor" && (!Object.is(s, scales[0]) || z !== zeroPoints[0])) {
      fail(`row ${c}: a per-tensor model has one scale and zero-point, but row ${c} has ${s}, ${z} and row 0 has ${scales[0]}, ${zeroPoints[0]}`);
    }
  }
  return { kind: "quantized", model: { qCoef: W as Matrix<Int8Array>, scales, zeroPoints, intercept, classes, scheme, bits }, k, d };
}

/** The integer form's own limits: 8 bits, sums that fit int32. */
function checkIntegerForm(model: SchemeQuantizedModel, fail: (problem: string) => never): void {
  if (model.bits !== 8) {
    fail(`the "integer" form is int8 only (MatMulInteger takes 8-bit inputs); a ${model.bits}-bit model exports with form "dequantize"`);
  }
  if (model.qCoef.cols > MAX_INT32_SAFE_FEATURES) {
    fail(`${model.qCoef.cols} features could overflow the integer form's int32 sums (at most ${MAX_INT32_SAFE_FEATURES})`);
  }
}

function checkMatrix(
  v: unknown,
  name: string,
  Type: typeof Float32Array | typeof Int8Array,
  fail: (problem: string) => never,
): Matrix<Float32Array | Int8Array> {
  const what = `a Matrix { data: ${Type.name}, rows, cols }`;
  if (v === null || typeof v !== "object") return fail(`model.${name} is ${describe(v)}; expected ${what}`);
  const { data, rows, cols } = v as Record<string, unknown>;
  if (!(data instanceof Type)) return fail(`model.${name}.data is ${describe(data)}; expected a ${Type.name}`);
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || (rows as number) < 1 || (cols as number) < 1) {
    fail(`model.${name} is [${String(rows)}, ${String(cols)}]; expected positive integer rows and cols`);
  }
  if (data.length !== (rows as number) * (cols as number)) fail(`model.${name} has ${data.length} values for [${rows}, ${cols}]`);
  return { data, rows: rows as number, cols: cols as number };
}

function checkFinite(a: Float32Array, name: string, fail: (problem: string) => never): void {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) fail(`${name} has ${a[i]} at ${i}; expected finite numbers`);
}

/** A value as an error message shows it: `null`, `undefined`, `a string`, `an Array`, `a Float64Array`. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v !== "object") return `${typeof v} ${JSON.stringify(v) ?? String(v)}`;
  const name = (v as object).constructor?.name ?? "Object";
  return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`;
}

// --- protobuf helpers --------------------------------------------------------------------------------

/** An initializer, raw little-endian data (no doc string: the names say it, and small files stay small). */
function tensor(name: string, dataType: number, dims: number[], rawData: Uint8Array): onnx.ITensorProto {
  return { name, dataType, dims, rawData };
}

function node(opType: string, input: string[], output: string[], name: string, docString: string, attribute: onnx.IAttributeProto[] = []): onnx.INodeProto {
  return { opType, input, output, name, docString, attribute };
}

function intAttr(name: string, i: number): onnx.IAttributeProto {
  return { name, type: INT, i };
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((v) => (typeof v === "string" ? { dimParam: v } : { dimValue: v })) } } },
  };
}

/** A protobuf int64 (a number, or a Long object when protobufjs has `long`) as a number; NaN otherwise. */
function int64ToNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (v !== null && typeof v === "object" && typeof (v as { toNumber?: unknown }).toNumber === "function") {
    return (v as { toNumber(): number }).toNumber();
  }
  return NaN;
}

function dims2(t: onnx.ITensorProto | undefined, name: string, fail: (problem: string) => never): [number, number] {
  const dims = (t?.dims ?? []).map(int64ToNumber);
  if (t === undefined) return fail(`the initializer ${name} is missing`);
  if (dims.length !== 2 || !dims.every((v) => Number.isSafeInteger(v) && v >= 1)) {
    return fail(`the initializer ${name} has shape [${dims.join(", ")}], expected two positive dimensions`);
  }
  return [dims[0], dims[1]];
}

/** Whether typed arrays are little-endian here, as ONNX's raw data is (then a byte copy is the conversion). */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The 4-byte elements of `a` as ONNX's little-endian raw data. */
function rawBytes(a: Float32Array | Int32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
  const out = new Uint8Array(4 * a.length);
  const view = new DataView(out.buffer);
  const set = a instanceof Float32Array ? view.setFloat32.bind(view) : view.setInt32.bind(view);
  for (let i = 0; i < a.length; i++) set(4 * i, a[i], true);
  return out;
}

/** ONNX's little-endian raw data as 4-byte elements of the type `Type` makes. */
function fromRawBytes<T extends Float32Array | Int32Array>(b: Uint8Array, Type: { new (n: number | ArrayBuffer): T }): T {
  if (LITTLE_ENDIAN) return new Type(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Type(b.length / 4);
  const get = (Type as unknown) === Float32Array ? view.getFloat32.bind(view) : view.getInt32.bind(view);
  for (let i = 0; i < out.length; i++) out[i] = get(4 * i, true);
  return out;
}
