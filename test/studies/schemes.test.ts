import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { quantizePerTensor, quantizeRows } from "../../lib/core/quantize";
import {
  QUANT_BITS,
  QUANT_SCHEMES,
  compareQuantSchemes,
  dequantizeModelWeights,
  packInts,
  packedByteLength,
  quantizeAffine,
  quantizeSymmetric,
  quantizeWithScheme,
  quantizedModelSize,
  schemesPlot,
  unpackInts,
  type QuantBits,
  type QuantScheme,
} from "../../lib/studies/schemes";
import { predictInt8Integer, prepareIntegerModel, quantizeActivations, DIGITS_PIXEL_PARAMS } from "../../lib/studies/integer-inference";
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

test("every scheme × bits equals NumPy's (test/golden/make_quant_schemes_golden.py): values, scales, zero-points, packed bytes, accuracy, error", () => {
  assert.equal(gs.cases.length, 9);
  const rows = compareQuantSchemes(model, Xte, yte);
  for (const c of gs.cases) {
    const m = quantizeWithScheme(model, c.scheme, c.bits);
    const what = `${c.scheme} ${c.bits}-bit`;
    assert.deepEqual(Array.from(m.qCoef.data), c.q.flat(), `${what} values`);
    assert.deepEqual(Array.from(m.scales), c.scales, `${what} scales`);
    assert.deepEqual(Array.from(m.zeroPoints), c.zeroPoints, `${what} zero-points`);
    if (c.packed !== null) assert.deepEqual(Array.from(packInts(m.qCoef.data, c.bits)), c.packed, `${what} packed`);
    const row = rows.find((r) => r.scheme === c.scheme && r.bits === c.bits);
    assert.ok(row, what);
    assert.equal(row.accuracy, c.accuracy, `${what} accuracy`);
    assert.equal(row.maxAbsWeightError, c.maxAbsWeightError, `${what} max error`);
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
});

test("sizes count packed weights + float32 biases + scales/zero-points", () => {
  const size = (scheme: QuantScheme, bits: QuantBits) => quantizedModelSize(quantizeWithScheme(model, scheme, bits));
  assert.deepEqual(size("per-row", 8), { weightBytes: 640, biasBytes: 40, quantParamBytes: 80, totalBytes: 760 });
  assert.deepEqual(size("per-row", 4), { weightBytes: 320, biasBytes: 40, quantParamBytes: 80, totalBytes: 440 });
  assert.deepEqual(size("per-row", 2), { weightBytes: 160, biasBytes: 40, quantParamBytes: 80, totalBytes: 280 });
  assert.deepEqual(size("per-tensor", 8), { weightBytes: 640, biasBytes: 40, quantParamBytes: 8, totalBytes: 688 });
  assert.deepEqual(size("symmetric", 4), { weightBytes: 320, biasBytes: 40, quantParamBytes: 40, totalBytes: 400 });
});

test("compareQuantSchemes: FP32 first, then 3 schemes × 8/4/2 bits, plain fields ready for a DataFrame", () => {
  const rows = compareQuantSchemes(model, Xte, yte);
  assert.equal(rows.length, 1 + QUANT_SCHEMES.length * QUANT_BITS.length);
  assert.deepEqual(rows[0], {
    scheme: "fp32", bits: 32, accuracy: g.acc_fp32, agreementWithFp32: 1, totalBytes: 2600, weightBytes: 2560,
    biasBytes: 40, quantParamBytes: 0, compressionVsFp32: 1, maxAbsWeightError: 0,
  });
  const perRow8 = rows.find((r) => r.scheme === "per-row" && r.bits === 8);
  assert.equal(perRow8?.accuracy, g.acc_int8);
  for (const r of rows) {
    for (const v of Object.values(r)) assert.ok(typeof v === "string" || Number.isFinite(v), JSON.stringify(r));
    assert.equal(r.compressionVsFp32, 2600 / r.totalBytes);
  }
  // Fewer bits: a larger weight error, for every scheme.
  for (const s of QUANT_SCHEMES) {
    const e = QUANT_BITS.map((b) => rows.find((r) => r.scheme === s && r.bits === b)?.maxAbsWeightError ?? NaN);
    assert.ok(e[0] < e[1] && e[1] < e[2], `${s}: ${e}`);
  }
  const only = compareQuantSchemes(model, Xte, yte, { schemes: ["symmetric"], bits: [4] });
  assert.deepEqual(only.map((r) => `${r.scheme}/${r.bits}`), ["fp32/32", "symmetric/4"]);
});

test("the 4- and 2-bit models run on the integer kernel too, with the dequantize path's predictions", () => {
  const Xq = quantizeActivations(Xte, DIGITS_PIXEL_PARAMS);
  for (const c of gs.cases) {
    const m = quantizeWithScheme(model, c.scheme, c.bits);
    const yhat = predictInt8Integer(Xq, prepareIntegerModel(m));
    const acc = yhat.reduce((s, v, i) => s + (v === yte[i] ? 1 : 0), 0) / yte.length;
    assert.equal(acc, c.accuracy, `${c.scheme} ${c.bits}-bit`);
  }
});

test("dequantizeModelWeights and schemesPlot are well formed", () => {
  const m = quantizeWithScheme(model, "per-tensor", 8);
  const W = dequantizeModelWeights(m);
  assert.equal(W.rows, 10);
  assert.equal(W.data[5], Math.fround((m.qCoef.data[5] - m.zeroPoints[0]) * m.scales[0]));
  const plot = schemesPlot(compareQuantSchemes(model, Xte, yte));
  assert.deepEqual(plot.data.map((t) => t.name), ["fp32", "per-tensor", "per-row", "symmetric"]);
  for (const t of plot.data) {
    const x = (t.x ?? []) as readonly number[];
    assert.equal(x.length, t.y?.length);
    assert.equal((t.text as string[]).length, x.length);
    assert.ok(x.every((v, i) => i === 0 || v >= x[i - 1]), "sorted by size");
  }
  assert.equal(plot.data[1].x?.length, 3);
  assert.ok(JSON.stringify(plot.layout).includes("model size"));
});
