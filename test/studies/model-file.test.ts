import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { matrix } from "../../lib/core/matrix";
import type { LinearModel, QuantizedLinearModel } from "../../lib/core/model";
import { quantizeModel } from "../../lib/core/quantize";
import { quantizeWithScheme, type SchemeQuantizedModel } from "../../lib/studies/schemes";
import {
  MODEL_FILE_MAGIC,
  ModelFileError,
  crc32,
  decodeModelFile,
  encodeModelFile,
  loadFloatModel,
  loadModel,
  loadQuantizedModel,
  saveModel,
  type LoadedModel,
} from "../../lib/studies/model-file";
import { seededUniform } from "../../lib/studies/scaling";
import { sklearnModel } from "../helpers/golden-data";

const digitsModel = sklearnModel();
/** An odd-shaped model: 3 × 7 (21 weights: the last byte of 4- and 2-bit packing is padded). */
const next = seededUniform(3);
const oddModel: LinearModel = {
  coef: matrix(new Float32Array(21).map(() => next() - 0.7), 3, 7),
  intercept: Float32Array.of(-0.5, 0, 1e-30),
  classes: Int32Array.of(-1, 5, 2147483647),
};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "model-file-test-"));
const file = (name: string): string => path.join(dir, name);

function assertSameModel(loaded: LoadedModel, original: LinearModel | QuantizedLinearModel): void {
  if ("qCoef" in original) {
    assert.equal(loaded.kind, "quantized");
    const m = loaded.model as SchemeQuantizedModel;
    assert.deepEqual(m.qCoef, original.qCoef);
    assert.deepEqual(m.scales, original.scales); // Float32Array: every scale to the bit
    assert.deepEqual(m.zeroPoints, original.zeroPoints);
    assert.deepEqual(m.intercept, original.intercept);
    assert.deepEqual(m.classes, original.classes);
    if ("scheme" in original) {
      const o = original as SchemeQuantizedModel;
      assert.equal(m.scheme, o.scheme);
      assert.equal(m.bits, o.bits);
    }
  } else {
    assert.equal(loaded.kind, "float");
    assert.deepEqual(loaded.model, original);
  }
}

test("round trip is exact: float, the original's int8, and every scheme at 8/4/2 bits, digits and odd shapes", () => {
  const models: [string, LinearModel | QuantizedLinearModel][] = [
    ["float", digitsModel],
    ["int8-original", quantizeModel(digitsModel)],
    ["odd-float", oddModel],
  ];
  for (const scheme of ["per-tensor", "per-row", "symmetric"] as const) {
    for (const bits of [8, 4, 2] as const) {
      models.push([`${scheme}-${bits}`, quantizeWithScheme(digitsModel, scheme, bits)]);
      models.push([`odd-${scheme}-${bits}`, quantizeWithScheme(oddModel, scheme, bits)]);
    }
  }
  for (const [name, m] of models) {
    const p = file(`${name}.q8m`);
    const saved = saveModel(p, m);
    const bytes = fs.readFileSync(p);
    const loaded = loadModel(p);
    assertSameModel(loaded, m);
    // Every byte: re-encoding the loaded model gives the file back.
    assert.deepEqual(encodeModelFile(loaded.model, p), new Uint8Array(bytes), name);
    assert.equal(saved.bytesOnDisk, bytes.length);
    assert.deepEqual(loaded.file, saved);
    assert.equal(loaded.file.headerBytes % 64, 0, `${name}: data section aligned`);
  }
});

test("the original's int8 model loads as per-row 8-bit; sizes on disk next to sizes in memory", () => {
  const info = saveModel(file("digits-int8.q8m"), quantizeModel(digitsModel));
  const loaded = loadModel(file("digits-int8.q8m"));
  assert.equal(loaded.kind, "quantized");
  if (loaded.kind === "quantized") {
    assert.equal(loaded.model.scheme, "per-row");
    assert.equal(loaded.model.bits, 8);
  }
  // In memory: int8 weights 640 + biases 40 + classes 40 + scales 40 + zero-points 40.
  assert.equal(info.bytesInMemory, 800);
  assert.equal(info.bytesOnDisk, fs.statSync(file("digits-int8.q8m")).size);
  assert.equal(info.bytesOnDisk, info.headerBytes + info.dataBytes);
  // Data: qCoef 640 at 0, intercept 40 at 640, classes 40 at 704.
  assert.equal(info.dataBytes, 744);
  const float = saveModel(file("digits-fp32.q8m"), digitsModel);
  assert.equal(float.bytesInMemory, 2560 + 40 + 40);
  const int4 = saveModel(file("digits-int4.q8m"), quantizeWithScheme(digitsModel, "per-row", 4));
  assert.equal(int4.dataBytes, 384 + 40); // qCoef: 320 packed bytes at 0, intercept at 320, classes at 384
  assert.equal(int4.bytesInMemory, 800); // unpacked to one int8 each in memory
});

test("the format: magic, version 1, header length, JSON header, 64-byte aligned little-endian data, CRC-32", () => {
  const bytes = encodeModelFile(quantizeWithScheme(oddModel, "per-row", 4));
  assert.deepEqual(bytes.subarray(0, 8), MODEL_FILE_MAGIC);
  const view = new DataView(bytes.buffer);
  assert.equal(view.getUint32(8, true), 1);
  const headerLength = view.getUint32(12, true);
  assert.equal((16 + headerLength) % 64, 0);
  const header = JSON.parse(Buffer.from(bytes.subarray(16, 16 + headerLength)).toString("utf8"));
  assert.equal(header.kind, "quantized");
  assert.equal(header.scheme, "per-row");
  assert.equal(header.bits, 4);
  assert.deepEqual(header.tensors.qCoef, { dtype: "int4", shape: [3, 7], offset: 0, byteLength: 11 });
  assert.deepEqual(header.tensors.intercept, { dtype: "float32", shape: [3], offset: 64, byteLength: 12 });
  const data = bytes.subarray(16 + headerLength);
  assert.equal(header.crc32, crc32(data));
  assert.equal(new DataView(data.buffer, data.byteOffset).getFloat32(64, true), -0.5);
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

// --- malformed files ----------------------------------------------------------------------------------

const good = encodeModelFile(quantizeModel(digitsModel));
const goodFloat = encodeModelFile(digitsModel);

/** `bytes` with its JSON header replaced by `mutate(header)` (re-padded; the data section untouched). */
function withHeader(bytes: Uint8Array, mutate: (h: Record<string, unknown>) => unknown, raw?: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const headerLength = view.getUint32(12, true);
  const header = JSON.parse(Buffer.from(bytes.subarray(16, 16 + headerLength)).toString("utf8")) as Record<string, unknown>;
  const result = mutate(header);
  const json = Buffer.from(raw ?? JSON.stringify(result ?? header), "utf8");
  const newLength = Math.ceil((16 + json.length) / 64) * 64 - 16;
  const data = bytes.subarray(16 + headerLength);
  const out = new Uint8Array(16 + newLength + data.length).fill(0x20);
  out.set(bytes.subarray(0, 16), 0);
  new DataView(out.buffer).setUint32(12, newLength, true);
  out.set(json, 16);
  out.set(data, 16 + newLength);
  return out;
}

const tensors = (h: Record<string, unknown>) => h.tensors as Record<string, Record<string, unknown>>;

const malformed: [string, Uint8Array, RegExp][] = [
  ["empty", new Uint8Array(0), /truncated: 0 bytes, shorter than the 16-byte preamble/],
  ["5 bytes", good.subarray(0, 5), /truncated: 5 bytes, shorter than the 16-byte preamble/],
  ["bad magic", Uint8Array.from([...Buffer.from('{"kind":"float"}'), ...good.subarray(16)]), /not a model file: bad magic bytes 7b 22 6b 69 6e 64 22 3a, expected 89 51 38 4d 0d 0a 1a 0a/],
  ["newline-mangled magic", Uint8Array.from([0x89, 0x51, 0x38, 0x4d, 0x0a, 0x1a, 0x0a, ...good.subarray(8)]), /bad magic bytes/],
  ["version 2", (() => { const b = good.slice(); new DataView(b.buffer).setUint32(8, 2, true); return b; })(), /unsupported format version 2 \(this code reads version 1\)/],
  ["truncated header", good.subarray(0, 100), /truncated: the header should be \d+ bytes but only 84 follow the preamble/],
  ["truncated data", good.subarray(0, good.length - 10), /truncated: the data section should be 744 bytes but only 734 are in the file/],
  ["trailing bytes", Uint8Array.from([...good, 0, 0, 0]), /3 unexpected bytes after the 744-byte data section/],
  ["bad JSON", withHeader(good, () => undefined, '{"format": "int8-notebook-model", "kind": '), /the header is not valid JSON \(/],
  ["NaN token in JSON", withHeader(good, () => undefined, '{"scales": [NaN]}'), /the header is not valid JSON/],
  ["JSON array", withHeader(good, () => [1, 2]), /the header is not a JSON object/],
  ["wrong format", withHeader(good, (h) => { h.format = "onnx"; }), /format is "onnx", expected "int8-notebook-model"/],
  ["unknown kind", withHeader(good, (h) => { h.kind = "bf16"; }), /kind is "bf16", expected "float" or "quantized"/],
  ["unknown dtype", withHeader(good, (h) => { tensors(h).qCoef.dtype = "float16"; }), /tensor "qCoef" has unknown dtype "float16" \(known: float32, int32, int8, int4, int2\)/],
  ["wrong dtype for tensor", withHeader(good, (h) => { tensors(h).intercept.dtype = "int32"; }), /tensor "intercept" has dtype "int32", expected "float32"/],
  ["dtype not matching bits", withHeader(good, (h) => { h.bits = 4; }), /tensor "qCoef" has dtype "int8", expected "int4"/],
  ["wrong shape", withHeader(good, (h) => { tensors(h).qCoef.shape = [10, 63]; }), /tensor "qCoef" has shape \[10, 63\], expected \[10, 64\]/],
  ["wrong length", withHeader(good, (h) => { tensors(h).qCoef.byteLength = 600; }), /tensor "qCoef": shape \[10, 64\] of int8 takes 640 bytes, the header says 600/],
  ["misaligned", withHeader(good, (h) => { tensors(h).classes.offset = 700; }), /tensor "classes" is at offset 700, not a multiple of 64/],
  ["past the data", withHeader(good, (h) => { tensors(h).classes.offset = 768; }), /tensor "classes" \(bytes 768..808\) runs past the 744-byte data section/],
  ["missing tensor", withHeader(good, (h) => { delete tensors(h).classes; }), /the header lists no tensor "classes"/],
  ["negative offset", withHeader(good, (h) => { tensors(h).qCoef.offset = -64; }), /tensor "qCoef" has offset -64, expected a non-negative integer/],
  ["NaN scale (written as null)", withHeader(good, (h) => { (h.scales as unknown[])[3] = null; }), /scales\[3\] is null \(NaN, infinite and missing scales are written as null\), expected a positive finite number/],
  ["string scale", withHeader(good, (h) => { (h.scales as unknown[])[0] = "NaN"; }), /scales\[0\] is "NaN"/],
  ["negative scale", withHeader(good, (h) => { (h.scales as unknown[])[1] = -0.5; }), /scales\[1\] is -0.5/],
  ["scale not float32", withHeader(good, (h) => { (h.scales as unknown[])[2] = 0.1; }), /scales\[2\] is 0.1, which is not a float32 value/],
  ["too few scales", withHeader(good, (h) => { (h.scales as unknown[]).pop(); }), /9 scales for a per-row model of 10 rows, expected 10/],
  ["no scales", withHeader(good, (h) => { delete h.scales; }), /the header's scales is undefined, expected an array/],
  ["fractional zero-point", withHeader(good, (h) => { (h.zeroPoints as unknown[])[4] = 1.5; }), /zeroPoints\[4\] is 1.5, expected an int32/],
  ["unknown scheme", withHeader(good, (h) => { h.scheme = "per-channel"; }), /scheme is "per-channel", expected "per-tensor", "per-row" or "symmetric"/],
  ["bits 3", withHeader(good, (h) => { h.bits = 3; }), /the header's bits is 3, expected 8, 4 or 2/],
  ["symmetric with zero-points", withHeader(good, (h) => { h.scheme = "symmetric"; }), /zeroPoints\[0\] is 31 in a symmetric model, expected 0/],
  ["nClasses 0", withHeader(good, (h) => { h.nClasses = 0; }), /nClasses is 0, expected a positive integer/],
  ["corrupted payload", (() => { const b = good.slice(); b[b.length - 100] ^= 0x01; return b; })(), /the data section is corrupted: its CRC-32 is \d+, the header says \d+/],
  ["wrong crc", withHeader(good, (h) => { h.crc32 = 5; }), /CRC-32 is \d+, the header says 5/],
  ["NaN weight in a float model (CRC recomputed)", (() => {
    const b = goodFloat.slice();
    const headerLength = new DataView(b.buffer).getUint32(12, true);
    new DataView(b.buffer).setFloat32(16 + headerLength + 12, NaN, true);
    return withHeader(b, (h) => { h.crc32 = crc32(b.subarray(16 + headerLength)); });
  })(), /coef\[3\] is NaN, expected a finite number/],
];

for (const [name, bytes, message] of malformed) {
  test(`malformed file (${name}): a clear error naming the file`, () => {
    const p = file(`bad-${name.replace(/\W+/g, "-")}.q8m`);
    fs.writeFileSync(p, bytes);
    assert.throws(
      () => loadModel(p),
      (err: unknown) => {
        assert.ok(err instanceof ModelFileError, String(err));
        assert.equal(err.filePath, p);
        assert.ok(err.message.startsWith(`${p}: `), err.message);
        assert.match(err.message, message);
        return true;
      },
    );
  });
}

test("loadQuantizedModel / loadFloatModel: the model, or an error when the file holds the other kind", () => {
  saveModel(file("k-float.q8m"), digitsModel);
  saveModel(file("k-int4.q8m"), quantizeWithScheme(digitsModel, "symmetric", 4));
  assert.deepEqual(loadFloatModel(file("k-float.q8m")), digitsModel);
  assert.equal(loadQuantizedModel(file("k-int4.q8m")).bits, 4);
  assert.throws(() => loadQuantizedModel(file("k-float.q8m")), /k-float.q8m: holds a float model, expected a quantized one/);
  assert.throws(() => loadFloatModel(file("k-int4.q8m")), /k-int4.q8m: holds a quantized model \(symmetric, 4 bits\), expected a float one/);
});

test("a missing file: the error says so and names it", () => {
  assert.throws(() => loadModel(file("nope.q8m")), { name: "ModelFileError", message: `${file("nope.q8m")}: cannot read: no such file` });
});

test("the malformed-file cases start from files that do load (only the named defect is wrong)", () => {
  assert.equal(decodeModelFile(good).kind, "quantized");
  assert.equal(decodeModelFile(withHeader(good, () => undefined)).kind, "quantized");
});

// --- atomic writes --------------------------------------------------------------------------------------

const strays = (): string[] => fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"));

test("saving leaves no temporary file; a model that cannot be saved leaves the old file untouched", () => {
  const p = file("atomic.q8m");
  saveModel(p, quantizeModel(digitsModel));
  const before = fs.readFileSync(p);
  assert.deepEqual(strays(), []);
  const broken = { ...quantizeModel(digitsModel), scales: new Float32Array(10).fill(NaN) };
  assert.throws(() => saveModel(p, broken), new RegExp(`^ModelFileError: ${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot save: scales\\[0\\] is NaN`));
  const perTensorBroken: SchemeQuantizedModel = { ...quantizeWithScheme(digitsModel, "per-tensor", 8), scales: Float32Array.from({ length: 10 }, (_, i) => i + 1) };
  assert.throws(() => saveModel(p, perTensorBroken), /a per-tensor model must have the same scale and zero-point on every row/);
  const outOfRange: SchemeQuantizedModel = { ...quantizeWithScheme(digitsModel, "per-row", 4), qCoef: matrix(new Int8Array(640).fill(9), 10, 64) };
  assert.throws(() => saveModel(p, outOfRange), /value 9 at 0 does not fit in 4 bits/);
  assert.deepEqual(fs.readFileSync(p), before);
  assert.deepEqual(strays(), []);
});

test("when the final rename fails, the temporary file is removed and the error names the target", () => {
  const target = file("a-directory.q8m");
  fs.mkdirSync(target);
  fs.writeFileSync(path.join(target, "keep"), "x"); // a non-empty directory cannot be replaced by a file
  assert.throws(() => saveModel(target, digitsModel), (err: unknown) => {
    assert.ok(err instanceof ModelFileError);
    assert.match(err.message, new RegExp(`^${target.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot save: E[A-Z]+`));
    // The code once, Node's description, and not the temporary file's name: `EISDIR: illegal operation on a directory`.
    assert.match(err.problem, /^cannot save: (E[A-Z]+): [a-z][^,:]*$/);
    assert.doesNotMatch(err.message, /\.tmp/);
    return true;
  });
  assert.deepEqual(strays(), []);
});

test("saving into a missing folder: the error names the file and the folder, once, and no temporary file", () => {
  const missing = path.join(dir, "no-such-dir");
  const target = path.join(missing, "m.q8m");
  assert.throws(() => saveModel(target, digitsModel), {
    name: "ModelFileError",
    message: `${target}: cannot save: the folder ${missing} does not exist`,
  });
  assert.equal(fs.existsSync(missing), false);
  const notAFolder = file("plain-file");
  fs.writeFileSync(notAFolder, "x");
  assert.throws(() => saveModel(path.join(notAFolder, "m.q8m"), digitsModel), {
    name: "ModelFileError",
    message: `${path.join(notAFolder, "m.q8m")}: cannot save: ${notAFolder} is not a folder`,
  });
  assert.deepEqual(strays(), []);
});

test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
