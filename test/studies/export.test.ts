import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { onnx } from "onnx-proto";
import { matrix } from "../../lib/core/matrix";
import type { LinearModel, QuantizedLinearModel } from "../../lib/core/model";
import { predictFp32, predictInt8 } from "../../lib/core/predict";
import { quantizeModel } from "../../lib/core/quantize";
import {
  DIGITS_PIXEL_PARAMS,
  integerScores,
  predictInt8Integer,
  prepareIntegerModel,
  quantizeActivations,
} from "../../lib/studies/integer-inference";
import { QUANT_BITS, QUANT_SCHEMES, quantizeWithScheme, type SchemeQuantizedModel } from "../../lib/studies/schemes";
import { seededUniform } from "../../lib/studies/scaling";
import {
  OnnxFileError,
  OnnxRuntimeError,
  decodeOnnxModel,
  encodeOnnxModel,
  loadOnnxModel,
  openOnnxSession,
  saveOnnxModel,
  type ExportableModel,
  type LoadedOnnxModel,
} from "../../lib/studies/export";
import { createOrtSession } from "../../lib/studies/onnx-runtime";
import { sealModel } from "../../lib/studies/onnx-file";
import { goldenSplit, sklearnModel } from "../helpers/golden-data";

const model = sklearnModel();
const qmodel = quantizeModel(model);
const { Xte, yte } = goldenSplit();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "export-test-"));
const file = (name: string): string => path.join(dir, name);
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A small odd-shaped model: 3 × 7 (21 weights: the last byte of 4- and 2-bit packing is padded). */
const next = seededUniform(3);
const small: LinearModel = {
  coef: matrix(new Float32Array(21).map(() => next() - 0.6), 3, 7),
  intercept: Float32Array.of(-0.5, 0, 1e-30),
  classes: Int32Array.of(-1, 5, 2147483647),
};
const smallX = matrix(new Float32Array(5 * 7).map(() => next()), 5, 7);

/** Every field of a loaded model equals the original's (scheme and bits too; the original's int8 is per-row, 8). */
function assertSameModel(loaded: LoadedOnnxModel, original: ExportableModel, label: string): void {
  if ("coef" in original) {
    assert.equal(loaded.kind, "fp32", label);
    assert.deepEqual(loaded.model, original, label);
    return;
  }
  assert.equal(loaded.kind, "quantized", label);
  const m = loaded.model as SchemeQuantizedModel;
  assert.deepEqual(m.qCoef, original.qCoef, label);
  assert.deepEqual(m.scales, original.scales, label); // Float32Array: every scale to the bit
  assert.deepEqual(m.zeroPoints, original.zeroPoints, label);
  assert.deepEqual(m.intercept, original.intercept, label);
  assert.deepEqual(m.classes, original.classes, label);
  assert.equal(m.scheme, "scheme" in original ? original.scheme : "per-row", label);
  assert.equal(m.bits, "bits" in original ? original.bits : 8, label);
}

function allModels(base: LinearModel, prefix: string): [string, ExportableModel][] {
  const models: [string, ExportableModel][] = [[`${prefix}fp32`, base], [`${prefix}int8-original`, quantizeModel(base)]];
  for (const scheme of QUANT_SCHEMES) for (const bits of QUANT_BITS) models.push([`${prefix}${scheme}-${bits}`, quantizeWithScheme(base, scheme, bits)]);
  return models;
}

test("round trip: FP32, the original's INT8 and every scheme at 8, 4 and 2 bits load back identical, byte for byte", () => {
  for (const [name, m] of [...allModels(model, "digits-"), ...allModels(small, "small-")]) {
    const p = file(`${name}.onnx`);
    const info = saveOnnxModel(p, m);
    const bytes = fs.readFileSync(p);
    assert.equal(info.bytesOnDisk, bytes.length, name);
    const loaded = loadOnnxModel(p);
    assertSameModel(loaded, m, name);
    assert.deepEqual(loaded.file, info, name);
    assert.deepEqual(encodeOnnxModel(loaded.model, loaded.options), new Uint8Array(bytes), name);
    assert.deepEqual(encodeOnnxModel(m), new Uint8Array(bytes), `${name}: deterministic`);
  }
  // The integer form, with fixed and dynamic activations.
  for (const activations of [DIGITS_PIXEL_PARAMS, "dynamic" as const]) {
    const p = file(`integer-${typeof activations}.onnx`);
    saveOnnxModel(p, qmodel, { form: "integer", activations });
    const loaded = loadOnnxModel(p);
    assertSameModel(loaded, qmodel, "integer");
    assert.deepEqual(loaded.options, { form: "integer", outputs: ["labels", "scores", "sums"], activations });
  }
});

test("what the files hold: weight bytes, ONNX types and opsets (int8 → 13, INT4 → 21, INT2 → 25)", () => {
  const cases: [ExportableModel, number, number, number, number][] = [
    // model, weight bytes, weight type, opset, IR version
    [model, 2560, 1, 13, 7],
    [qmodel, 640, 3, 13, 7],
    [quantizeWithScheme(model, "per-row", 4), 320, 22, 21, 10],
    [quantizeWithScheme(model, "per-row", 2), 160, 26, 25, 13],
  ];
  for (const [m, weightBytes, type, opset, ir] of cases) {
    const loaded = decodeOnnxModel(encodeOnnxModel(m));
    assert.equal(loaded.file.weightBytes, weightBytes);
    assert.equal(loaded.file.opset, opset);
    assert.equal(loaded.file.irVersion, ir);
    const proto = onnx.ModelProto.decode(loaded.bytes);
    const w = proto.graph?.initializer?.find((t) => t.name === "coef" || t.name === "qCoef");
    assert.equal(w?.dataType, type);
    assert.equal(Number(proto.irVersion), ir);
    assert.equal(Number(proto.opsetImport[0].version), opset);
    const meta = proto.metadataProps.map((e) => e.key);
    assert.equal(meta[meta.length - 1], "sha256");
    assert.match(proto.metadataProps[meta.length - 1].value ?? "", /^[0-9a-f]{64}$/);
  }
  // The per-row int8 model's graph: DequantizeLinear per axis 0, then Gemm, ArgMax, Gather.
  const proto = onnx.ModelProto.decode(encodeOnnxModel(qmodel));
  assert.deepEqual(proto.graph?.node?.map((n) => n.opType), ["DequantizeLinear", "Gemm", "ArgMax", "Gather"]);
  const zp = proto.graph?.initializer?.find((t) => t.name === "zeroPoints");
  assert.deepEqual(Array.from(new Int8Array(zp?.rawData?.slice().buffer as ArrayBuffer)), Array.from(qmodel.zeroPoints));
});

test("ONNX Runtime predicts the lib's labels: FP32, INT8 (450/450), 4 and 2 bits; scores within float32 rounding", async () => {
  const cases: [string, ExportableModel, Int32Array][] = [
    ["fp32", model, predictFp32(Xte, model)],
    ["int8", qmodel, predictInt8(Xte, qmodel)],
  ];
  for (const scheme of QUANT_SCHEMES) {
    for (const bits of QUANT_BITS) {
      const m = quantizeWithScheme(model, scheme, bits);
      cases.push([`${scheme}-${bits}`, m, predictInt8(Xte, m)]);
    }
  }
  for (const [name, m, expected] of cases) {
    const p = file(`run-${name}.onnx`);
    saveOnnxModel(p, m);
    const session = await openOnnxSession(p);
    const { labels, scores } = await session.run(Xte);
    await session.release();
    assert.deepEqual(labels, expected, `${name}: every one of the ${yte.length} labels`);
    assert.equal(scores?.rows, Xte.rows);
    assert.equal(scores?.cols, 10);
    // Float32 sums of 64 products vs the lib's float64: within 1e-5 of the scores' scale.
    const W = "coef" in m ? m.coef : null;
    if (W !== null && scores !== undefined) {
      for (let i = 0; i < Xte.rows; i++) {
        for (let c = 0; c < 10; c++) {
          let s = model.intercept[c];
          for (let j = 0; j < 64; j++) s += Xte.data[i * 64 + j] * W.data[c * 64 + j];
          assert.ok(Math.abs(scores.data[i * 10 + c] - s) < 1e-4, `${name} score [${i}, ${c}]`);
        }
      }
    }
  }
});

test("the integer form: ONNX Runtime's int32 sums are the lib's exactly, its labels predictInt8Integer's", async () => {
  const p = file("digits-int8-integer.onnx");
  saveOnnxModel(p, qmodel, { form: "integer", activations: DIGITS_PIXEL_PARAMS });
  const session = await openOnnxSession(p);
  const { labels, scores, sums } = await session.run(Xte);
  await session.release();
  const Xq = quantizeActivations(Xte, DIGITS_PIXEL_PARAMS);
  const intModel = prepareIntegerModel(qmodel);
  assert.deepEqual(labels, predictInt8Integer(Xq, intModel));
  assert.deepEqual(labels, predictInt8(Xte, qmodel));
  // Σ_j (xq − zx)(q − zw), computed here in plain integers.
  const expected = new Int32Array(Xte.rows * 10);
  for (let i = 0; i < Xte.rows; i++) {
    for (let c = 0; c < 10; c++) {
      let s = 0;
      for (let j = 0; j < 64; j++) s += (Xq.data[i * 64 + j] - 0) * (qmodel.qCoef.data[c * 64 + j] - qmodel.zeroPoints[c]);
      expected[i * 10 + c] = s;
    }
  }
  assert.deepEqual(sums?.data, expected);
  const libScores = integerScores(Xq, intModel).data;
  scores?.data.forEach((v, i) => assert.ok(Math.abs(v - libScores[i]) <= 1e-5 * Math.max(1, Math.abs(libScores[i])), `score ${i}`));
});

test("a zero-point outside the weights' type is an error naming the row, never a different model", () => {
  // Row 1 all positive: the original's formula puts its zero-point below -128.
  const positiveRow: LinearModel = {
    coef: matrix(Float32Array.of(-1, 0.5, 1, 0.2, 0.3, 0.9, -0.2, 0.4, 0.1), 3, 3),
    intercept: new Float32Array(3),
    classes: Int32Array.of(0, 1, 2),
  };
  const q = quantizeModel(positiveRow);
  assert.ok(q.zeroPoints[1] < -128, `zero-point ${q.zeroPoints[1]}`);
  assert.throws(() => encodeOnnxModel(q), /encodeOnnxModel: row 1: the zero-point -\d+ is outside int8's -128\.\.127/);
  assert.throws(() => saveOnnxModel(file("bad-zp.onnx"), q), (err: Error) => {
    assert.ok(err instanceof OnnxFileError);
    assert.match(err.message, /bad-zp\.onnx: cannot save: row 1: the zero-point .* outside int8's -128\.\.127/);
    return true;
  });
  assert.equal(fs.existsSync(file("bad-zp.onnx")), false, "nothing written");
  assert.throws(() => encodeOnnxModel(quantizeWithScheme(positiveRow, "per-row", 4)), /row 1: the zero-point -\d+ is outside int4's -8\.\.7/);
  assert.throws(() => encodeOnnxModel(quantizeWithScheme(positiveRow, "per-row", 2)), /row 1: the zero-point -\d+ is outside int2's -2\.\.1/);
  // Symmetric quantization has no zero-point: the same model exports.
  assert.doesNotThrow(() => encodeOnnxModel(quantizeWithScheme(positiveRow, "symmetric", 8)));
});

test("bad calls give the lib's errors: no path, not a model, bad options", () => {
  const p = file("x.onnx");
  const cases: [() => unknown, RegExp][] = [
    [() => saveOnnxModel(null as unknown as string, model), /^TypeError: saveOnnxModel: filePath is null; expected the path of a file/],
    [() => saveOnnxModel("", model), /saveOnnxModel: filePath is string ""; expected the path/],
    [() => saveOnnxModel(p, {} as LinearModel), /x\.onnx: cannot save: model has neither coef nor qCoef; expected a LinearModel/],
    [() => saveOnnxModel(p, undefined as unknown as LinearModel), /x\.onnx: cannot save: model is undefined; expected a LinearModel/],
    [() => saveOnnxModel(p, null as unknown as LinearModel), /cannot save: model is null/],
    [() => saveOnnxModel(p, [] as unknown as LinearModel), /cannot save: model is an Array/],
    [() => saveOnnxModel(p, { ...model, coef: { data: new Float64Array(640), rows: 10, cols: 64 } } as unknown as LinearModel), /model\.coef\.data is a Float64Array; expected a Float32Array/],
    [() => saveOnnxModel(p, { ...model, intercept: new Float32Array(3) }), /model\.intercept has 3 entries; expected 10/],
    [() => saveOnnxModel(p, { ...model, classes: undefined } as unknown as LinearModel), /model\.classes is undefined; expected a Int32Array \[10\]/],
    [() => saveOnnxModel(p, { ...model, coef: matrix(new Float32Array(640).fill(NaN), 10, 64) }), /model\.coef has NaN at 0/],
    [() => saveOnnxModel(p, { ...qmodel, scales: new Float32Array(10) }), /row 0: the scale is 0; expected a positive finite number/],
    [() => saveOnnxModel(p, { ...qmodel, scheme: "per-column", bits: 8 } as unknown as SchemeQuantizedModel), /model\.scheme is "per-column"/],
    [() => saveOnnxModel(p, { ...quantizeWithScheme(model, "per-row", 4), bits: 2 }), /model\.qCoef\[\d+, \d+\] is -?\d+, outside int2's -2\.\.1/],
    [() => saveOnnxModel(p, model, { form: "integer" }), /options\.form is for quantized models/],
    [() => saveOnnxModel(p, qmodel, { activations: DIGITS_PIXEL_PARAMS }), /options\.activations is for the "integer" form only/],
    [() => saveOnnxModel(p, quantizeWithScheme(model, "per-row", 4), { form: "integer" }), /the "integer" form is int8 only/],
    [() => saveOnnxModel(p, qmodel, { form: "integer", activations: { scale: 0, zeroPoint: 0 } }), /options\.activations: activation scale is 0/],
    [() => saveOnnxModel(p, qmodel, { outputs: ["sums"] }), /options\.outputs\[0\] is "sums"; this model's graph has labels, scores/],
    [() => saveOnnxModel(path.join(dir, "no-such-folder", "m.onnx"), model), /m\.onnx: cannot save: the folder .*no-such-folder does not exist/],
    [() => loadOnnxModel(undefined as unknown as string), /^TypeError: loadOnnxModel: filePath is undefined/],
    [() => loadOnnxModel(p, { maxBytes: -1 }), /loadOnnxModel: options\.maxBytes must be a positive integer, got -1/],
    [() => decodeOnnxModel("abc" as unknown as Uint8Array), /<bytes>: expected the bytes of a model file \(a Uint8Array\), got string "abc"/],
  ];
  for (const [call, pattern] of cases) {
    assert.throws(call, (err: Error) => {
      assert.match(`${err.name === "OnnxFileError" ? "" : `${err.name}: `}${err.message}`, pattern);
      return true;
    });
  }
  assert.equal(fs.existsSync(p), false);
});

test("a file that is not a regular file, too large, missing or damaged: an error naming it, no hang", () => {
  const fifo = file("fifo.onnx");
  assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
  const cases: [string, RegExp, number?][] = [
    [fifo, /fifo\.onnx: it is a FIFO \(named pipe\), not a regular file/],
    ["/dev/zero", /^\/dev\/zero: it is a character device \(such as \/dev\/zero\), not a regular file/],
    [dir, /it is a folder, not a regular file/],
    [file("missing.onnx"), /missing\.onnx: cannot read: no such file/],
  ];
  saveOnnxModel(file("big.onnx"), model);
  cases.push([file("big.onnx"), /big\.onnx: \d+ bytes, more than the limit of 1000 bytes \(pass \{ maxBytes \}/, 1000]);
  for (const [p, pattern, maxBytes] of cases) {
    const t0 = Date.now();
    assert.throws(() => loadOnnxModel(p, maxBytes === undefined ? {} : { maxBytes }), (err: Error) => err instanceof OnnxFileError && pattern.test(err.message));
    assert.ok(Date.now() - t0 < 1000);
  }
  const good = fs.readFileSync(file("big.onnx"));
  fs.writeFileSync(file("truncated.onnx"), good.subarray(0, good.length - 10));
  assert.throws(() => loadOnnxModel(file("truncated.onnx")), /truncated\.onnx: damaged, or not written by saveOnnxModel/);
  fs.writeFileSync(file("empty.onnx"), new Uint8Array(0));
  assert.throws(() => loadOnnxModel(file("empty.onnx")), /empty\.onnx: 0 bytes: too short for a model file/);
  const flipped = Buffer.from(good);
  flipped[100] ^= 1;
  fs.writeFileSync(file("flipped.onnx"), flipped);
  assert.throws(() => loadOnnxModel(file("flipped.onnx")), /flipped\.onnx: damaged: the SHA-256 of its contents is [0-9a-f]{64}, but the file says [0-9a-f]{64}/);
});

test("a sealed file whose graph is not the canonical one is refused (digest alone is not enough)", () => {
  const proto = onnx.ModelProto.decode(encodeOnnxModel(qmodel));
  proto.metadataProps = proto.metadataProps.filter((e) => e.key !== "sha256");
  // An edit that a valid digest would not catch: ArgMax picks the LAST largest score.
  proto.graph?.node?.[2].attribute?.push({ name: "select_last_index", type: 2, i: 1 });
  const edited = sealModel(onnx.ModelProto.encode(proto).finish());
  assert.throws(() => decodeOnnxModel(edited, "edited.onnx"), /edited\.onnx: its graph or metadata is not what saveOnnxModel writes/);
  // Another tool's file (no format in its metadata).
  const foreign = onnx.ModelProto.decode(encodeOnnxModel(model));
  foreign.metadataProps = [];
  assert.throws(() => decodeOnnxModel(sealModel(onnx.ModelProto.encode(foreign).finish()), "foreign.onnx"), /foreign\.onnx: not a model file of this project: its metadata has format null/);
  // Not protobuf at all, sealed.
  assert.throws(() => decodeOnnxModel(sealModel(Uint8Array.of(0xff, 0xff, 0xff)), "junk.onnx"), /junk\.onnx: not a valid ONNX model/);
});

test("a model ONNX Runtime rejects is an error naming the file", async () => {
  const proto = onnx.ModelProto.decode(encodeOnnxModel(model));
  proto.opsetImport[0].version = 99;
  await assert.rejects(
    createOrtSession(onnx.ModelProto.encode(proto).finish(), "opset99.onnx", 64, ["labels"]),
    (err: Error) => err instanceof OnnxRuntimeError && /^opset99\.onnx: ONNX Runtime cannot load it: .*opset/i.test(err.message),
  );
  const session = await openOnnxSession(loadOnnxModel(file("big.onnx")));
  await assert.rejects(session.run(matrix(new Float32Array(3), 1, 3)), /big\.onnx: X is \[1, 3\] with 3 values; the model expects \[N ≥ 1, 64\]/);
  await session.release();
  await assert.rejects(session.run(Xte), /big\.onnx: the session was released/);
});

test("saves are atomic: no temporary file left, an existing file replaced whole", () => {
  const p = file("atomic.onnx");
  saveOnnxModel(p, model);
  saveOnnxModel(p, qmodel);
  assertSameModel(loadOnnxModel(p), qmodel, "replaced");
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith(".tmp")), []);
  // A read-only folder: the error names the file, nothing is left behind.
  if (process.getuid?.() !== 0) {
    const ro = file("ro");
    fs.mkdirSync(ro);
    fs.chmodSync(ro, 0o500);
    assert.throws(() => saveOnnxModel(path.join(ro, "m.onnx"), model), /m\.onnx: cannot save: EACCES: permission denied$/);
    fs.chmodSync(ro, 0o700);
  }
});

/**
 * The fuzz: every single-bit flip of small model files (FP32, INT8, INT4, INT2, the integer form) and seeded
 * random byte replacements until a time budget, each either refused with an OnnxFileError naming the file or —
 * never seen, but the test would accept it — loaded as the identical model.
 */
test("fuzz: every bit flip of small model files, header and data, fails with the file's name or loads identical", (t) => {
  const models: [string, ExportableModel, object][] = [
    ["fp32", small, {}],
    ["int8", quantizeModel(small), {}],
    ["int4", quantizeWithScheme(small, "per-row", 4), {}],
    ["int2", quantizeWithScheme(small, "per-tensor", 2), {}],
    ["integer", quantizeWithScheme(small, "symmetric", 8), { form: "integer", activations: { scale: 0.25, zeroPoint: 3 } }],
  ];
  const rand = seededUniform(13);
  const deadline = Date.now() + 20_000;
  let tried = 0;
  let refused = 0;
  for (const [name, m, options] of models) {
    const good = encodeOnnxModel(m, options);
    const check = (bytes: Uint8Array, what: string): void => {
      tried++;
      let loaded: LoadedOnnxModel;
      try {
        loaded = decodeOnnxModel(bytes, `fuzz-${name}.onnx`);
      } catch (err) {
        assert.ok(err instanceof OnnxFileError, `${name} ${what}: ${String(err)}`);
        assert.match(err.message, new RegExp(`^fuzz-${name}\\.onnx: `));
        refused++;
        return;
      }
      assertSameModel(loaded, m, `${name} ${what} loaded`);
    };
    for (let i = 0; i < good.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const bytes = good.slice();
        bytes[i] ^= 1 << bit;
        check(bytes, `byte ${i} bit ${bit}`);
      }
    }
    for (let cut = 0; cut < good.length; cut += 7) check(good.subarray(0, cut), `cut at ${cut}`);
    for (let r = 0; r < 2000 && Date.now() < deadline; r++) {
      const bytes = good.slice();
      const i = Math.floor(rand() * bytes.length);
      bytes[i] = (bytes[i] + 1 + Math.floor(rand() * 255)) & 0xff;
      check(bytes, `byte ${i} replaced`);
    }
    // Run the good model through ONNX Runtime once: the fuzzed bytes were the bytes of a runnable model.
  }
  assert.ok(Date.now() < deadline + 5_000, "the fuzz ran within its time budget");
  assert.ok(tried > 30_000, `${tried} damaged files tried`);
  assert.equal(refused, tried, "every damaged file was refused (a single changed byte never loads)");
  t.diagnostic(`${tried} damaged files, ${refused} refused with the file's name`);
});

/**
 * Behind the digest: every bit flip of the model's bytes, sealed again (as someone who edits a file and recomputes
 * the digest would), must be refused with the file's name or load as a model that (a) writes back to exactly
 * those bytes and (b) ONNX Runtime runs to the labels the lib computes for it — what the loader says the file
 * holds is what a runtime computes. (A changed weight, scale or bias is then simply another valid model.)
 */
test("fuzz behind the digest: re-sealed bit flips are refused or load as exactly the model ONNX Runtime runs", async (t) => {
  const models: [string, ExportableModel, object][] = [
    ["int8", quantizeModel(small), {}],
    ["int4", quantizeWithScheme(small, "per-row", 4), {}],
    ["int2", quantizeWithScheme(small, "per-tensor", 2), {}],
    ["integer", quantizeModel(small), { form: "integer", activations: { scale: 0.25, zeroPoint: 3 } }],
  ];
  const rand = seededUniform(17);
  const deadline = Date.now() + 30_000;
  let loadedCount = 0;
  let ortChecks = 0;
  let tried = 0;
  for (const [name, m, options] of models) {
    const good = encodeOnnxModel(m, options);
    const body = good.subarray(0, good.length - 76);
    for (let i = 0; i < body.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const edited = body.slice();
        edited[i] ^= 1 << bit;
        const bytes = sealModel(edited);
        tried++;
        let loaded: LoadedOnnxModel;
        try {
          loaded = decodeOnnxModel(bytes, `resealed-${name}.onnx`);
        } catch (err) {
          assert.ok(err instanceof OnnxFileError, `${name} byte ${i} bit ${bit}: ${String(err)}`);
          assert.match(err.message, new RegExp(`^resealed-${name}\\.onnx: `));
          continue;
        }
        loadedCount++;
        assert.deepEqual(encodeOnnxModel(loaded.model, loaded.options), bytes, `${name} byte ${i} bit ${bit}: writes back`);
        // ONNX Runtime on a seeded sample of them (a session takes milliseconds).
        if (rand() < 0.05 && Date.now() < deadline) {
          ortChecks++;
          const lm = loaded.model;
          const expected = "coef" in lm ? predictFp32(smallX, lm) : predictInt8(smallX, lm);
          let labels: Int32Array | undefined;
          try {
            const session = await openOnnxSession(loaded);
            labels = (await session.run(smallX)).labels;
            await session.release();
          } catch (err) {
            assert.fail(`${name} byte ${i} bit ${bit}: loads, but ONNX Runtime: ${String(err)}`);
          }
          if ("qCoef" in lm && options !== undefined && "form" in options) {
            // The integer form quantizes X (scale 0.25): compare with the lib's float path on the same uint8 inputs.
            const Xq = quantizeActivations(smallX, { scale: 0.25, zeroPoint: 3 });
            assert.deepEqual(labels, predictInt8Integer(Xq, prepareIntegerModel(lm)), `${name} byte ${i} bit ${bit}`);
          } else {
            assert.deepEqual(labels, expected, `${name} byte ${i} bit ${bit}: ONNX Runtime agrees with the lib`);
          }
        }
      }
    }
  }
  assert.ok(Date.now() < deadline + 10_000, "within the time budget");
  assert.ok(loadedCount > 100, `${loadedCount} edited models loaded (changed numbers)`);
  assert.ok(ortChecks > 10, `${ortChecks} checked with ONNX Runtime`);
  t.diagnostic(`${tried} re-sealed edits: ${tried - loadedCount} refused, ${loadedCount} loaded as other valid models, ${ortChecks} of them run in ONNX Runtime`);
});

test("the small models run in ONNX Runtime with the lib's labels (the fuzzed files were runnable models)", async () => {
  for (const [name, m] of allModels(small, "small-")) {
    const loaded = decodeOnnxModel(encodeOnnxModel(m), name);
    const session = await openOnnxSession(loaded);
    const { labels } = await session.run(smallX);
    await session.release();
    const expected = "coef" in m ? predictFp32(smallX, m) : predictInt8(smallX, m as QuantizedLinearModel);
    assert.deepEqual(labels, expected, name);
  }
});


