import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { quantizePerTensor, quantizeRows } from "../../lib/core/quantize";
import {
  QUANT_BITS,
  QUANT_SCHEMES,
  changedImagesPlot,
  changedPredictions,
  compareQuantSchemes,
  confusionPlot,
  describeChanges,
  dequantizeModelWeights,
  packInts,
  packedByteLength,
  quantizeAffine,
  quantizeSymmetric,
  quantizeWithScheme,
  quantizedModelSize,
  schemesPlot,
  unpackInts,
  weightImagesPlot,
  type QuantBits,
  type QuantScheme,
} from "../../lib/studies/schemes";
import { predictInt8Integer, prepareIntegerModel, quantizeActivations, DIGITS_PIXEL_PARAMS } from "../../lib/studies/integer-inference";
import { accuracy, predictFp32, predictInt8 } from "../../lib/core/predict";
import { goldenSplit, sklearnGolden, sklearnModel } from "../helpers/golden-data";
import { golden } from "../helpers/paths";

interface SchemesGolden {
  cases: {
    scheme: QuantScheme; bits: QuantBits; q: number[][]; scales: number[]; zeroPoints: number[];
    packed: number[] | null; accuracy: number; maxAbsWeightError: number;
  }[];
}
const g = sklearnGolden;
const gs = JSON.parse(fs.readFileSync(golden("quant-schemes.json"), "utf8")) as SchemesGolden;
const model = sklearnModel();
const { Xte, yte } = goldenSplit();
const testSet = { X: Xte, y: yte };
const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;

test("8-bit affine is the original's quantize_per_tensor, byte for byte (digits rows and edge cases)", () => {
  for (let c = 0; c < 10; c++) {
    const row = model.coef.data.subarray(c * 64, (c + 1) * 64);
    assert.deepEqual(quantizeAffine(row, 8), quantizePerTensor(row));
  }
  for (const k of g.quant_cases) {
    const r = quantizeAffine(Float32Array.from(k.w), 8);
    assert.deepEqual(Array.from(r.q), k.q);
    assert.equal(r.scale, k.scale);
    assert.equal(r.zp, k.zp);
  }
  const perRow = quantizeWithScheme(model, "per-row", 8);
  const rows = quantizeRows(model.coef);
  assert.deepEqual(perRow.qCoef, rows.q);
  assert.deepEqual(Array.from(perRow.qCoef.data), g.qW.flat());
  assert.deepEqual(Array.from(perRow.scales), g.scales);
  assert.deepEqual(Array.from(perRow.zeroPoints), g.zps);
});

const fp32 = predictFp32(Xte, model);

test("every scheme × bits equals NumPy's (test/golden/make_quant_schemes_golden.py): values, scales, zero-points, packed bytes, accuracy, error", () => {
  assert.equal(gs.cases.length, 9);
  const rows = compareQuantSchemes(model, testSet);
  for (const c of gs.cases) {
    const m = quantizeWithScheme(model, c.scheme, c.bits);
    const what = `${c.scheme} ${c.bits}-bit`;
    assert.deepEqual(Array.from(m.qCoef.data), c.q.flat(), `${what} values`);
    assert.deepEqual(Array.from(m.scales), c.scales, `${what} scales`);
    assert.deepEqual(Array.from(m.zeroPoints), c.zeroPoints, `${what} zero-points`);
    if (c.packed !== null) assert.deepEqual(Array.from(packInts(m.qCoef.data, c.bits)), c.packed, `${what} packed`);
    const row = rows.find((r) => r.scheme === c.scheme && r.bits === c.bits);
    assert.ok(row, what);
    assert.equal(row.accuracy, round4(c.accuracy), `${what} accuracy`);
    assert.equal(row.max_weight_error, round4(c.maxAbsWeightError), `${what} max error`);
    // The labels changed, recomputed from NumPy's accuracy would not do: count them from the predictions.
    const changed = predictInt8(Xte, m).reduce((n, v, i) => n + (v !== fp32[i] ? 1 : 0), 0);
    assert.equal(row.changed_labels, changed, `${what} changed labels`);
  }
});

test("hand-computed small cases: affine and symmetric at 4 and 2 bits", () => {
  // 4-bit affine on [-1, 0, 0.5, 1]: scale 2/15, zp = round(7.5) - 8 = 0; -1/scale = -7.4999996 in float32 → -7.
  assert.deepEqual(quantizeAffine(Float32Array.of(-1, 0, 0.5, 1), 4), { q: Int8Array.of(-7, 0, 4, 7), scale: 2 / 15, zp: 0 });
  // 2-bit affine on [0, 1, 2, 3]: scale 1, zp = 0 - 2 = -2, q = w - 2.
  assert.deepEqual(quantizeAffine(Float32Array.of(0, 1, 2, 3), 2), { q: Int8Array.of(-2, -1, 0, 1), scale: 1, zp: -2 });
  // Symmetric 4-bit: scale = 1/7; 0.5 / float32(1/7) = 3.4999998 → 3.
  assert.deepEqual(quantizeSymmetric(Float32Array.of(-1, 0, 0.5, 1), 4), { q: Int8Array.of(-7, 0, 3, 7), scale: 1 / 7, zp: 0 });
  // Symmetric 2-bit is ternary: scale = max|w|, q in -1..1.
  assert.deepEqual(quantizeSymmetric(Float32Array.of(-2, -0.9, 0.2, 1.1), 2), { q: Int8Array.of(-1, 0, 0, 1), scale: 2, zp: 0 });
  // Constant and all-zero inputs: scale 1, zeros.
  assert.deepEqual(quantizeAffine(Float32Array.of(3, 3), 4), { q: Int8Array.of(0, 0), scale: 1, zp: 0 });
  assert.deepEqual(quantizeSymmetric(Float32Array.of(0, 0), 2), { q: Int8Array.of(0, 0), scale: 1, zp: 0 });
  assert.throws(() => quantizeAffine(Float32Array.of(1, NaN), 4), /w\[1\] is NaN/);
  assert.throws(() => quantizeAffine(Float32Array.of(1), 3 as QuantBits), /bits must be 8, 4 or 2, got 3/);
});

test("packing: two's complement, first value in the low bits, last byte zero-padded; unpack inverts it", () => {
  assert.deepEqual(packInts(Int8Array.of(1, -2, 7, -8), 4), Uint8Array.of(0xe1, 0x87));
  assert.deepEqual(packInts(Int8Array.of(-1, 3, 5), 4), Uint8Array.of(0x3f, 0x05)); // odd count: high nibble 0
  assert.deepEqual(packInts(Int8Array.of(1, -1, 0, -2), 2), Uint8Array.of(0b10_00_11_01));
  assert.deepEqual(packInts(Int8Array.of(1, -1, 0, -2, -1), 2), Uint8Array.of(0x8d, 0b11));
  assert.deepEqual(packInts(Int8Array.of(-128, 127), 8), Uint8Array.of(0x80, 0x7f));
  assert.throws(() => packInts(Int8Array.of(8), 4), /value 8 at 0 does not fit in 4 bits \(-8..7\)/);
  assert.throws(() => packInts(Int8Array.of(0, -3), 2), /value -3 at 1 does not fit in 2 bits/);
  for (const bits of [8, 4, 2] as const) {
    const lo = -(2 ** (bits - 1));
    const all = Int8Array.from({ length: 2 ** bits + 3 }, (_, i) => lo + (i % 2 ** bits));
    const packed = packInts(all, bits);
    assert.equal(packed.length, packedByteLength(all.length, bits));
    assert.deepEqual(unpackInts(packed, bits, all.length), all);
  }
  assert.throws(() => unpackInts(Uint8Array.of(1, 2), 4, 5), /5 values of 4 bits take 3 bytes, got 2/);
  // Bad arguments get the lib's messages, not a raw "Invalid typed array length".
  assert.throws(() => unpackInts(Uint8Array.of(1), 4, -1), /^RangeError: unpackInts: count must be an integer >= 0, got -1$/);
  assert.throws(() => unpackInts(Uint8Array.of(1), 4, 1.5), /unpackInts: count must be an integer >= 0, got 1\.5/);
  assert.throws(() => unpackInts([1] as unknown as Uint8Array, 4, 2), /^TypeError: unpackInts: packed must be a Uint8Array, got an array of 1$/);
  assert.throws(() => unpackInts(Uint8Array.of(1), 3 as QuantBits, 2), /unpackInts: bits must be 8, 4 or 2, got 3/);
  assert.throws(() => packInts(Uint8Array.of(1) as unknown as Int8Array, 4), /packInts: q must be an Int8Array, got an? Uint8Array of 1/);
});

test("sizes count packed weights + float32 biases + scales/zero-points", () => {
  const size = (scheme: QuantScheme, bits: QuantBits) => quantizedModelSize(quantizeWithScheme(model, scheme, bits));
  assert.deepEqual(size("per-row", 8), { weightBytes: 640, biasBytes: 40, quantParamBytes: 80, totalBytes: 760 });
  assert.deepEqual(size("per-row", 4), { weightBytes: 320, biasBytes: 40, quantParamBytes: 80, totalBytes: 440 });
  assert.deepEqual(size("per-row", 2), { weightBytes: 160, biasBytes: 40, quantParamBytes: 80, totalBytes: 280 });
  assert.deepEqual(size("per-tensor", 8), { weightBytes: 640, biasBytes: 40, quantParamBytes: 8, totalBytes: 688 });
  assert.deepEqual(size("symmetric", 4), { weightBytes: 320, biasBytes: 40, quantParamBytes: 40, totalBytes: 400 });
});

test("compareQuantSchemes: FP32 first, then 3 schemes × 8/4/2 bits, table rows with rounded numbers", () => {
  const rows = compareQuantSchemes(model, testSet);
  assert.equal(rows.length, 1 + QUANT_SCHEMES.length * QUANT_BITS.length);
  assert.deepEqual(rows[0], { scheme: "fp32", bits: 32, accuracy: g.acc_fp32, changed_labels: 0, bytes: 2600, times_smaller: 1, max_weight_error: 0 });
  const find = (scheme: string, bits: number) => rows.find((r) => r.scheme === scheme && r.bits === bits);
  assert.deepEqual(find("per-row", 8), { scheme: "per-row", bits: 8, accuracy: g.acc_int8, changed_labels: 0, bytes: 760, times_smaller: 3.42, max_weight_error: 0.0125 });
  assert.deepEqual(find("per-tensor", 8), { scheme: "per-tensor", bits: 8, accuracy: 0.9622, changed_labels: 1, bytes: 688, times_smaller: 3.78, max_weight_error: 0.0128 });
  assert.deepEqual(find("per-row", 2), { scheme: "per-row", bits: 2, accuracy: 0.9089, changed_labels: 40, bytes: 280, times_smaller: 9.29, max_weight_error: 1.0512 });
  for (const r of rows) assert.equal(r.times_smaller, Math.round((2600 / r.bytes) * 100) / 100);
  // Fewer bits: a larger weight error, for every scheme.
  for (const s of QUANT_SCHEMES) {
    const e = QUANT_BITS.map((b) => find(s, b)?.max_weight_error ?? NaN);
    assert.ok(e[0] < e[1] && e[1] < e[2], `${s}: ${e}`);
  }
  const only = compareQuantSchemes(model, testSet, { schemes: ["symmetric"], bits: [4] });
  assert.deepEqual(only.map((r) => `${r.scheme}/${r.bits}`), ["fp32/32", "symmetric/4"]);
  assert.throws(() => compareQuantSchemes(model, testSet, { bits: [3 as QuantBits] }), /compareQuantSchemes: options\.bits\[0\] must be 8, 4 or 2, got 3/);
  assert.throws(() => compareQuantSchemes(model, testSet, { schemes: ["per-channel" as QuantScheme] }), /compareQuantSchemes: options\.schemes\[0\] must be .*"per-tensor".*"per-row".*"symmetric", got "per-channel"/);
  assert.throws(() => compareQuantSchemes(model, { X: Xte, y: yte.subarray(1) }), /compareQuantSchemes: test\.y must be 450 labels/);
});

test("the 4- and 2-bit models run on the integer kernel too, with the dequantize path's predictions", () => {
  const Xq = quantizeActivations(Xte, DIGITS_PIXEL_PARAMS);
  for (const c of gs.cases) {
    const m = quantizeWithScheme(model, c.scheme, c.bits);
    const yhat = predictInt8Integer(Xq, prepareIntegerModel(m));
    assert.equal(accuracy(yhat, yte), c.accuracy, `${c.scheme} ${c.bits}-bit`);
  }
});

test("changedPredictions: the relabelled test images, labels before and after; none at 8 bits per row", () => {
  const none = changedPredictions(model, testSet, "per-row", 8);
  assert.equal(none.indices.length, 0);
  assert.equal(describeChanges(none), "per-row, 8 bits: 0 of 450 test labels change.");
  for (const bits of [4, 2] as const) {
    const c = changedPredictions(model, testSet, "per-row", bits);
    const q = predictInt8(Xte, quantizeWithScheme(model, "per-row", bits));
    const expected = Array.from(fp32.keys()).filter((i) => fp32[i] !== q[i]);
    assert.deepEqual(Array.from(c.indices), expected);
    assert.deepEqual(Array.from(c.fp32), expected.map((i) => fp32[i]));
    assert.deepEqual(Array.from(c.quantized), expected.map((i) => q[i]));
    assert.deepEqual(Array.from(c.truth), expected.map((i) => yte[i]));
    assert.equal(c.total, 450);
  }
  // Hand-checked on the digits: 11 changes at 4 bits, 3 right → wrong, 5 wrong → right, 3 wrong → wrong.
  assert.equal(
    describeChanges(changedPredictions(model, testSet, "per-row", 4)),
    "per-row, 4 bits: 11 of 450 test labels change: 3 from right to wrong, 5 from wrong to right, 3 from one wrong label to another; the most common new label is 8 (6 of 11).",
  );
  // Per tensor at 2 bits, most relabelled images go to one class.
  assert.match(describeChanges(changedPredictions(model, testSet, "per-tensor", 2)), /110 of 450 test labels change: 99 from right to wrong, 4 from wrong to right, 7 from one wrong label to another; the most common new label is 5 \(76 of 110\)\./);
});

test("the section-13 figures are well formed: schemes chart, weight images, relabelled images, confusion", () => {
  const rows = compareQuantSchemes(model, testSet);
  const plot = schemesPlot(rows);
  const points = plot.data.filter((t) => (t.x ?? []).some((v) => v !== null));
  // Left panel: fp32 + 3 schemes through 3 widths; right panel (x2): the same without 2 bits.
  assert.deepEqual(points.map((t) => `${t.name}@${t.xaxis}:${t.x?.length}`), [
    "fp32@x:1", "per-tensor@x:3", "per-row@x:3", "symmetric@x:3", "fp32@x2:1", "per-tensor@x2:2", "per-row@x2:2", "symmetric@x2:2",
    "FP32 accuracy@x2:2",
  ]);
  for (const t of points) {
    const x = (t.x ?? []) as readonly number[];
    assert.ok(x.every((v, i) => i === 0 || v >= x[i - 1]), "each line runs by size");
  }
  const perRow = points[2];
  assert.deepEqual(perRow.x, [280, 440, 760]);
  assert.deepEqual(perRow.y, [90.89, 96.44, 96]);
  const layout = plot.layout as Record<string, { tickvals?: number[]; ticktext?: string[]; range?: number[]; type?: string }>;
  assert.equal(layout.xaxis.type, "log");
  assert.deepEqual(layout.xaxis.ticktext, layout.xaxis.tickvals?.map(String), "labelled log ticks");
  assert.ok((layout.yaxis.range?.[0] ?? 0) > 50, "the accuracy axis does not start at 0");
  assert.ok((layout.yaxis2.range?.[0] ?? 0) > 95 && (layout.yaxis2.range?.[1] ?? 100) < 97.5, "the zoom panel spans the 8- and 4-bit cluster");

  const weights = weightImagesPlot(model, "per-row", [4, 2]);
  assert.equal(weights.data.length, 30);
  assert.equal(weights.data[10].name, "4-bit · 0");
  const z4 = (weights.data[13].z as number[][]).flat();
  const deq = dequantizeModelWeights(quantizeWithScheme(model, "per-row", 4)).data.subarray(3 * 64, 4 * 64);
  assert.deepEqual(z4, Array.from(deq));
  assert.ok(new Set((weights.data[20].z as number[][]).flat()).size <= 4, "2 bits: at most 4 levels per row");

  const changes = changedPredictions(model, testSet, "per-row", 2);
  const images = changedImagesPlot(Xte, changes, 12);
  assert.equal(images.data.length, 12);
  assert.equal(images.data[0].name, `${changes.fp32[0]}→${changes.quantized[0]} (${changes.truth[0]})`);
  assert.deepEqual((images.data[0].z as number[][]).flat(), Array.from(Xte.data.subarray(changes.indices[0] * 64, (changes.indices[0] + 1) * 64)));
  assert.throws(() => changedImagesPlot(Xte, changedPredictions(model, testSet, "per-row", 8)), /changedImagesPlot: changes must be at least one changed label/);

  const confusion = confusionPlot(model, testSet, [["per-tensor", 2], ["per-row", 2]]);
  assert.equal(confusion.data.length, 2);
  const text = confusion.data[0].text as string[][];
  const z = confusion.data[0].z as (number | null)[][];
  assert.equal(z[3][3], null, "the diagonal is not coloured");
  // Per tensor at 2 bits: 19 of FP32's 7s become 5s (the confusion computed above by hand).
  assert.equal(z[7][5], 19);
  assert.equal(text.flat().reduce((n, v) => n + (v === "" ? 0 : Number(v)), 0), 450);
});

test("dequantizeModelWeights is (q - zp) · scale per row", () => {
  const m = quantizeWithScheme(model, "per-tensor", 8);
  const W = dequantizeModelWeights(m);
  assert.equal(W.rows, 10);
  assert.equal(W.data[5], Math.fround((m.qCoef.data[5] - m.zeroPoints[0]) * m.scales[0]));
});
