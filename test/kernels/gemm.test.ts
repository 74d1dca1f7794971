/**
 * The WebAssembly SIMD layers of lib/kernels/gemm.ts against their plain TypeScript twins, on random shapes and the
 * edges of the kernels' tiles and padding: 1 and odd sizes, sizes around the 16-column / 8-float SIMD steps, around
 * the 4-sample and 2/4-row tiles, past a cache block, batch 1, extreme values.
 *
 * Tolerance 0 everywhere: the int8 sums are exact integers in both, with one shared epilogue; the float32 twin
 * (f32GemmReference) performs the kernel's float32 operations in the kernel's order.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { matrix, type Matrix } from "../../lib/core/matrix";
import { quantizeRows } from "../../lib/core/quantize";
import { blockRows, roundUp } from "../../lib/kernels/blocking";
import {
  DEPTH_STEP,
  f32GemmReference,
  predictInt8Wasm,
  prepareWasmFp32Layer,
  prepareWasmIntegerModel,
  wasmFp32Scores,
  wasmIntegerScores,
} from "../../lib/kernels/gemm";
import type { QuantizedActivations } from "../../lib/kernels/int8-epilogue";
import { integerScores, predictInt8Integer, prepareIntegerModel, type IntegerModel } from "../../lib/studies/integer-inference";
import { seededUniform } from "../../lib/studies/scaling";

/** A random integer model `[k, d]` (weights over the whole int8 range, per-row scales and zero-points). */
function randomIntegerModel(next: () => number, k: number, d: number): IntegerModel {
  return prepareIntegerModel({
    qCoef: matrix(Int8Array.from({ length: k * d }, () => Math.floor(next() * 256) - 128), k, d),
    scales: Float32Array.from({ length: k }, () => 0.001 + next() * 0.05),
    zeroPoints: Int32Array.from({ length: k }, () => Math.floor(next() * 256) - 128),
    intercept: Float32Array.from({ length: k }, () => next() - 0.5),
    classes: Int32Array.from({ length: k }, (_, c) => 7 * c + 1),
  });
}

function randomActivations(next: () => number, n: number, d: number, max = 255): QuantizedActivations {
  const data = Uint8Array.from({ length: n * d }, () => Math.floor(next() * (max + 1)));
  return { data, rows: n, cols: d, scale: 0.004 + next() * 0.01, zeroPoint: Math.floor(next() * 256) };
}

function assertBitIdentical(actual: Float32Array, expected: Float32Array, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${label}: element ${i} is ${actual[i]}, its twin ${expected[i]}`);
  }
}

// Batch sizes around the 4-sample tile; features around the 16-column step; rows around the 2- and 4-row tiles.
const BATCHES = [1, 2, 3, 4, 5, 7, 8, 9, 33];
const FEATURES = [1, 2, 7, 15, 16, 17, 31, 33, 64, 100];
const ROWS = [1, 2, 3, 4, 5, 10, 11, 13];

test("int8: WebAssembly scores and labels equal the TypeScript kernel's exactly, on every tile and padding edge", () => {
  const next = seededUniform(11);
  let cases = 0;
  for (const d of FEATURES) {
    for (const k of ROWS) {
      const model = randomIntegerModel(next, k, d);
      const wm = prepareWasmIntegerModel(model);
      assert.equal(wm.paddedFeatures % DEPTH_STEP.i16i8, 0);
      for (const n of BATCHES) {
        const Xq = randomActivations(next, n, d);
        const label = `[n ${n}, k ${k}, d ${d}]`;
        assert.deepEqual(wasmIntegerScores(Xq, wm).data, integerScores(Xq, model).data, `${label} scores`);
        assert.deepEqual(predictInt8Wasm(Xq, wm), predictInt8Integer(Xq, model), `${label} labels`);
        cases++;
      }
    }
  }
  assert.equal(cases, FEATURES.length * ROWS.length * BATCHES.length);
});

test("int8: extreme values (255 × -128 and 255 × 127 over 4099 columns) and rows past one cache block", () => {
  const d = 4099; // not a multiple of 16; 255·128·4099 ≈ 1.3e8, far inside int32
  const k = blockRows(roundUp(d, 16), 4) + 3; // one cache block of weight rows, and 3 more
  const q = new Int8Array(k * d);
  for (let c = 0; c < k; c++) q.fill(c % 2 === 0 ? -128 : 127, c * d, (c + 1) * d);
  const model = prepareIntegerModel({
    qCoef: matrix(q, k, d),
    scales: new Float32Array(k).fill(1),
    zeroPoints: new Int32Array(k),
    intercept: new Float32Array(k),
    classes: Int32Array.from({ length: k }, (_, c) => c),
  });
  const wm = prepareWasmIntegerModel(model);
  const Xq: QuantizedActivations = { data: new Uint8Array(5 * d).fill(255), rows: 5, cols: d, scale: 1, zeroPoint: 0 };
  const scores = wasmIntegerScores(Xq, wm).data;
  assert.deepEqual(scores, integerScores(Xq, model).data);
  // The int32 sums are exact; the scores are stored float32 (-133,791,360 is exact there, 132,746,115 is not).
  assert.equal(scores[0], 255 * -128 * d);
  assert.equal(scores[1], Math.fround(255 * 127 * d));
  assert.equal(scores[4 * k + k - 1], Math.fround(k % 2 === 1 ? 255 * -128 * d : 255 * 127 * d));
});

test("int8: the 4096-feature layer of the bench, random rows (batch 1, 6 and 16) equals the TypeScript kernel", () => {
  const next = seededUniform(12);
  const model = randomIntegerModel(next, 300, 4096);
  const wm = prepareWasmIntegerModel(model);
  for (const n of [1, 6, 16]) {
    const Xq = randomActivations(next, n, 4096);
    assert.deepEqual(wasmIntegerScores(Xq, wm).data, integerScores(Xq, model).data, `batch ${n}`);
  }
});

test("int8: a batch of 0 samples gives empty outputs", () => {
  const next = seededUniform(13);
  const model = randomIntegerModel(next, 3, 20);
  const empty: QuantizedActivations = { data: new Uint8Array(0), rows: 0, cols: 20, scale: 1, zeroPoint: 0 };
  assert.equal(wasmIntegerScores(empty, prepareWasmIntegerModel(model)).data.length, 0);
  assert.equal(predictInt8Wasm(empty, prepareWasmIntegerModel(model)).length, 0);
});

function randomFloat(next: () => number, rows: number, cols: number, spread = 2): Matrix<Float32Array> {
  return matrix(Float32Array.from({ length: rows * cols }, () => (next() - 0.5) * spread), rows, cols);
}

test("float32: WebAssembly scores equal their twin f32GemmReference bit for bit, on every tile and padding edge", () => {
  const next = seededUniform(21);
  for (const d of [1, 3, 4, 7, 8, 9, 16, 17, 64, 70]) {
    for (const k of ROWS) {
      const W = randomFloat(next, k, d);
      const b = Float32Array.from({ length: k }, () => next() - 0.5);
      const layer = prepareWasmFp32Layer(W, b);
      for (const n of [1, 3, 4, 5, 9]) {
        const X = randomFloat(next, n, d, 6);
        assertBitIdentical(wasmFp32Scores(X, layer).data, f32GemmReference(X, W, b).data, `[n ${n}, k ${k}, d ${d}]`);
      }
    }
  }
});

test("float32: large magnitudes, signed zeros, NaN and ±Infinity give the twin's values", () => {
  const next = seededUniform(22);
  const W = randomFloat(next, 6, 13);
  W.data[0] = 3e38;
  W.data[14] = -0;
  W.data[20] = Number.POSITIVE_INFINITY;
  const b = Float32Array.of(0, -0, 1e-45, -1, 2, 0);
  const X = randomFloat(next, 5, 13);
  X.data[0] = 3e38; // overflows to +Infinity in float32
  X.data[13] = Number.NaN;
  X.data[27] = -0;
  X.data.fill(0, 39, 52); // sample 3: all zeros
  assertBitIdentical(wasmFp32Scores(X, prepareWasmFp32Layer(W, b)).data, f32GemmReference(X, W, b).data, "special values");
});

test("float32: the twin is float32 arithmetic, close to linearFp32's float64 sums (what makes them differ)", () => {
  const next = seededUniform(23);
  const W = randomFloat(next, 10, 64);
  const X = randomFloat(next, 20, 64);
  const b = new Float32Array(10);
  const f32 = f32GemmReference(X, W, b).data;
  let differs = 0;
  for (let i = 0; i < 20; i++) {
    for (let c = 0; c < 10; c++) {
      let exact = 0;
      for (let j = 0; j < 64; j++) exact += X.data[i * 64 + j] * W.data[c * 64 + j];
      assert.ok(Math.abs(f32[i * 10 + c] - exact) <= 1e-5, `score ${i},${c}`);
      if (f32[i * 10 + c] !== Math.fround(exact)) differs++;
    }
  }
  assert.ok(differs > 0, "some float32 sums round differently from the float64 sum");
});

test("a per-row quantized float layer through both integer paths: the same scores", () => {
  const next = seededUniform(31);
  const W = randomFloat(next, 37, 129);
  const rq = quantizeRows(W);
  const model = prepareIntegerModel({
    qCoef: rq.q,
    scales: rq.scales,
    zeroPoints: rq.zeroPoints,
    intercept: new Float32Array(37),
    classes: Int32Array.from({ length: 37 }, (_, c) => c),
  });
  const Xq = randomActivations(next, 21, 129);
  assert.deepEqual(wasmIntegerScores(Xq, prepareWasmIntegerModel(model)).data, integerScores(Xq, model).data);
});
