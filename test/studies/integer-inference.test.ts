import { test } from "node:test";
import assert from "node:assert/strict";
import { matrix, type Matrix } from "../../lib/core/matrix";
import type { LinearModel, QuantizedLinearModel } from "../../lib/core/model";
import { accuracy, predictInt8 } from "../../lib/core/predict";
import { dequantizeRows, quantizeModel, quantizeRows } from "../../lib/core/quantize";
import {
  DIGITS_PIXEL_PARAMS,
  MAX_INT32_SAFE_FEATURES,
  activationParamsForRange,
  dequantizeActivations,
  integerScores,
  predictInt8Integer,
  prepareIntegerModel,
  quantizeActivations,
  roundHalfEvenFast,
  type QuantizedActivations,
} from "../../lib/studies/integer-inference";
import { linearFp32 } from "../../lib/kernels/fp32-kernel";
import {
  predictInt8Wasm,
  prepareWasmFp32Layer,
  prepareWasmIntegerModel,
  wasmFp32Scores,
  wasmIntegerScores,
  wasmSimdAvailable,
} from "../../lib/kernels/gemm";
import { loadWasmModule } from "../../lib/kernels/wasm-runtime";
import { seededUniform } from "../../lib/studies/scaling";
import { goldenSplit, sklearnGolden, sklearnModel } from "../helpers/golden-data";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const g = sklearnGolden;
const model = sklearnModel();
const { Xte, rawTe, yte } = goldenSplit();
const qmodel = quantizeModel(model);
const intModel = prepareIntegerModel(qmodel);
const wasmModel = prepareWasmIntegerModel(intModel);

/**
 * The float path the integer kernel stands for: dequantized activations × dequantized weights (float32, as
 * `predictInt8`), summed in float64, + bias. Also returns Σ|x·w| + |b| per score, the scale of the rounding.
 */
function floatScores(Xq: QuantizedActivations, qm: QuantizedLinearModel): { scores: Float64Array; magnitude: Float64Array } {
  const X = dequantizeActivations(Xq);
  const W = dequantizeRows({ q: qm.qCoef, scales: qm.scales, zeroPoints: qm.zeroPoints });
  const { rows: n, cols: d } = X;
  const k = W.rows;
  const scores = new Float64Array(n * k);
  const magnitude = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      let m = 0;
      for (let j = 0; j < d; j++) {
        s += X.data[i * d + j] * W.data[c * d + j];
        m += Math.abs(X.data[i * d + j] * W.data[c * d + j]);
      }
      scores[i * k + c] = s + qm.intercept[c];
      magnitude[i * k + c] = m + Math.abs(qm.intercept[c]);
    }
  }
  return { scores, magnitude };
}

/** A random float model `[k, d]` and inputs `[n, d]` from a seed; weights shifted so some rows share a sign. */
function randomCase(seed: number, n: number, k: number, d: number, shift = 0): { model: LinearModel; X: Matrix<Float32Array> } {
  const next = seededUniform(seed);
  const W = new Float32Array(k * d).map(() => (next() - 0.5) * 2 + shift * (next() - 0.3));
  const b = new Float32Array(k).map(() => next() - 0.5);
  const X = new Float32Array(n * d).map(() => next() * 3 - 1);
  return {
    model: { coef: matrix(W, k, d), intercept: b, classes: Int32Array.from({ length: k }, (_, i) => 100 + i) },
    X: matrix(X, n, d),
  };
}

// ---------------------------------------------------------------------------------------------------

test("digits: the scaled pixels quantize LOSSLESSLY at scale 1/16 (xq = raw pixel, dequantized = Xte exactly)", () => {
  const Xq = quantizeActivations(Xte, DIGITS_PIXEL_PARAMS);
  assert.deepEqual(Array.from(Xq.data), Array.from(rawTe.data));
  assert.deepEqual(dequantizeActivations(Xq).data, Xte.data);
  assert.equal(Xq.scale, 1 / 16);
  assert.equal(Xq.zeroPoint, 0);
});

test("digits: integer kernel (TypeScript and WASM SIMD) predicts exactly what predictInt8 predicts, all 450", () => {
  const Xq = quantizeActivations(Xte, DIGITS_PIXEL_PARAMS);
  const dequant = predictInt8(Xte, qmodel);
  const integer = predictInt8Integer(Xq, intModel);
  const wasm = predictInt8Wasm(Xq, wasmModel);
  assert.deepEqual(Array.from(integer), Array.from(dequant));
  assert.deepEqual(Array.from(wasm), Array.from(dequant));
  assert.deepEqual(Array.from(integer), g.yhat_int8); // and the original's predict_int8
  assert.equal(accuracy(integer, yte), g.acc_int8);
  // The scores agree to the bit between the two integer kernels, and argmax of integerScores is the prediction.
  const s = integerScores(Xq, intModel);
  assert.deepEqual(wasmIntegerScores(Xq, wasmModel).data, s.data);
  for (let i = 0; i < Xq.rows; i++) {
    const row = Array.from(s.data.subarray(i * 10, i * 10 + 10));
    assert.equal(model.classes[row.indexOf(Math.max(...row))], integer[i]);
  }
});

test("digits: why the predictions can be identical: the smallest top-2 margin dwarfs the rounding difference", () => {
  const Xq = quantizeActivations(Xte, DIGITS_PIXEL_PARAMS);
  const { scores, magnitude } = floatScores(Xq, qmodel);
  const integer = integerScores(Xq, intModel);
  let minMargin = Infinity;
  let maxDiff = 0;
  for (let i = 0; i < Xq.rows; i++) {
    const row = Array.from(scores.subarray(i * 10, i * 10 + 10)).sort((a, b) => b - a);
    minMargin = Math.min(minMargin, row[0] - row[1]);
    for (let c = 0; c < 10; c++) {
      const diff = Math.abs(integer.data[i * 10 + c] - scores[i * 10 + c]);
      maxDiff = Math.max(maxDiff, diff);
      assert.ok(diff <= 1e-6 * magnitude[i * 10 + c], `score ${i},${c} differs by ${diff}`);
    }
  }
  assert.ok(minMargin > 1000 * maxDiff, `min margin ${minMargin} vs max score difference ${maxDiff}`);
});

// The bound: each dequantized weight is rounded to float32 (2⁻²⁴ relative), the float path sums in float64
// (d·2⁻⁵³), the integer path's score is stored float32 (2⁻²⁴ of |score| ≤ Σ|x·w| + |b|): about 1.8e-7 of
// Σ|x·w| + |b| in all. Measured: at most 6e-8. The tests allow 1e-6.
test("random models and inputs: integer scores match the float path within 1e-6 · (Σ|x·w| + |b|)", () => {
  // Odd shapes on purpose: d not a multiple of 16, k not of 4, n not of 4; weights of one sign (zero-points far
  // outside -128..127); activations with a non-zero zero-point.
  const shapes: [number, number, number, number][] = [
    [1, 1, 1, 0], [7, 3, 5, 0], [13, 10, 64, 0], [5, 6, 33, 3], [9, 17, 100, 8], [4, 4, 16, 0], [33, 12, 200, 2],
  ];
  let seed = 11;
  for (const [n, k, d, shift] of shapes) {
    const { model: m, X } = randomCase(seed++, n, k, d, shift);
    const qm = quantizeModel(m);
    const im = prepareIntegerModel(qm);
    const params = activationParamsForRange(-1, 2); // zero-point 85
    assert.equal(params.zeroPoint, 85);
    const Xq = quantizeActivations(X, params);
    const { scores, magnitude } = floatScores(Xq, qm);
    const integer = integerScores(Xq, im);
    for (let i = 0; i < n * k; i++) {
      const diff = Math.abs(integer.data[i] - scores[i]);
      assert.ok(diff <= 1e-6 * magnitude[i], `[${n},${k},${d}] score ${i}: ${integer.data[i]} vs ${scores[i]} (Σ|xw|+|b| = ${magnitude[i]})`);
    }
    // WASM: the same bits; predictions: the same labels, and the float path's argmax.
    const wm = prepareWasmIntegerModel(im);
    assert.deepEqual(wasmIntegerScores(Xq, wm).data, integer.data, `[${n},${k},${d}] wasm scores`);
    const labels = predictInt8Integer(Xq, im);
    assert.deepEqual(predictInt8Wasm(Xq, wm), labels);
    assert.deepEqual(labels, predictInt8(dequantizeActivations(Xq), qm), `[${n},${k},${d}] labels`);
  }
});

test("integer kernels equal a naive int32 triple loop exactly (extreme values: 255 × -128 over many columns)", () => {
  const n = 5;
  const k = 6;
  const d = 4099; // int32 sums reach 255·128·4099 ≈ 1.3e8
  const q = new Int8Array(k * d).map((_, i) => (i % 7 === 0 ? 127 : -128));
  const qm: QuantizedLinearModel = {
    qCoef: matrix(q, k, d),
    scales: Float32Array.from({ length: k }, (_, c) => 0.001 * (c + 1)),
    zeroPoints: Int32Array.from([0, -300, 200, 5, -128, 127]),
    intercept: new Float32Array(k).fill(0.5),
    classes: Int32Array.from({ length: k }, (_, c) => c),
  };
  const Xq: QuantizedActivations = { data: new Uint8Array(n * d).fill(255).map((v, i) => (i % 5 === 0 ? 3 : v)), rows: n, cols: d, scale: 0.5, zeroPoint: 7 };
  const im = prepareIntegerModel(qm);
  const expected = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let total = 0; // exact in float64: |total| < 2^53
      for (let j = 0; j < d; j++) total += (Xq.data[i * d + j] - 7) * (q[c * d + j] - qm.zeroPoints[c]);
      expected[i * k + c] = total * (0.5 * qm.scales[c]) + qm.intercept[c];
    }
  }
  assert.deepEqual(integerScores(Xq, im).data, expected);
  assert.deepEqual(wasmIntegerScores(Xq, prepareWasmIntegerModel(im)).data, expected);
});

test("an exact tie picks the first class on every path (np.argmax); near-ties are where paths may differ", () => {
  // Rows 1 and 2 are the same weights and bias: every sample ties between them.
  const W = Float32Array.from([0.1, -0.2, 0.3, 0.5, 0.4, -0.1, 0.5, 0.4, -0.1]);
  const m: LinearModel = { coef: matrix(W, 3, 3), intercept: Float32Array.from([-5, 0.25, 0.25]), classes: Int32Array.from([7, 8, 9]) };
  const X = matrix(Float32Array.from([1, 1, 1, 0.5, 0, 1]), 2, 3);
  const qm = quantizeModel(m);
  const Xq = quantizeActivations(X, { scale: 1 / 16, zeroPoint: 0 });
  assert.deepEqual(Array.from(predictInt8(X, qm)), [8, 8]);
  assert.deepEqual(Array.from(predictInt8Integer(Xq, prepareIntegerModel(qm))), [8, 8]);
  assert.deepEqual(Array.from(predictInt8Wasm(Xq, prepareWasmIntegerModel(prepareIntegerModel(qm)))), [8, 8]);
});

test("the WASM model grows with the batch and gives the same results for any batch size and order", () => {
  const { model: m, X } = randomCase(99, 50, 10, 40);
  const im = prepareIntegerModel(quantizeModel(m));
  const wm = prepareWasmIntegerModel(im);
  const params = activationParamsForRange(-1, 2);
  for (const n of [3, 50, 1, 4, 21]) {
    const Xn = matrix(X.data.subarray(0, n * 40), n, 40);
    const Xq = quantizeActivations(Xn, params);
    assert.deepEqual(wasmIntegerScores(Xq, wm).data, integerScores(Xq, im).data, `batch ${n}`);
  }
});

test("outputs go into the given buffers, and wrong sizes are refused", () => {
  const Xq = quantizeActivations(Xte, DIGITS_PIXEL_PARAMS);
  const labels = new Int32Array(450);
  assert.equal(predictInt8Integer(Xq, intModel, labels), labels);
  assert.equal(predictInt8Wasm(Xq, wasmModel, labels), labels);
  const scores = new Float32Array(4500);
  assert.equal(integerScores(Xq, intModel, scores).data, scores);
  assert.equal(wasmIntegerScores(Xq, wasmModel, scores).data, scores);
  const xq = new Uint8Array(450 * 64);
  assert.equal(quantizeActivations(Xte, DIGITS_PIXEL_PARAMS, xq).data, xq);
  assert.throws(() => predictInt8Integer(Xq, intModel, new Int32Array(3)), /out has 3 elements, expected 450/);
  assert.throws(() => integerScores(Xq, intModel, new Float32Array(3)), /out has 3 elements/);
  assert.throws(() => quantizeActivations(Xte, DIGITS_PIXEL_PARAMS, new Uint8Array(2)), /out has 2 elements/);
  const wrong = quantizeActivations(matrix(new Float32Array(6), 2, 3), DIGITS_PIXEL_PARAMS);
  assert.throws(() => predictInt8Integer(wrong, intModel), /Xq has 3 features but the model has 64/);
  assert.throws(() => predictInt8Wasm(wrong, wasmModel), /Xq has 3 features but the model has 64/);
});

test("quantizeActivations: half to even, clamping to 0..255, NaN refused; activationParamsForRange as ORT", () => {
  const X = matrix(Float32Array.from([0.5, 1.5, 2.5, -0.5, -3, 300, 254.5, 255.5]), 1, 8);
  assert.deepEqual(Array.from(quantizeActivations(X, { scale: 1, zeroPoint: 0 }).data), [0, 2, 2, 0, 0, 255, 254, 255]);
  assert.deepEqual(Array.from(quantizeActivations(X, { scale: 1, zeroPoint: 3 }).data), [3, 5, 5, 3, 0, 255, 255, 255]);
  // A scale that is not a power of two divides: 0.3 / 0.1 = 2.9999999999999996 → 3.
  assert.deepEqual(Array.from(quantizeActivations(matrix(Float32Array.from([0.3]), 1, 1), { scale: 0.1, zeroPoint: 0 }).data), [3]);
  assert.throws(() => quantizeActivations(matrix(Float32Array.from([1, NaN]), 1, 2), DIGITS_PIXEL_PARAMS), /X.data\[1\] is NaN/);
  assert.throws(() => quantizeActivations(X, { scale: 0, zeroPoint: 0 }), /scale is 0/);
  assert.throws(() => quantizeActivations(X, { scale: 1, zeroPoint: 256 }), /zero-point is 256/);
  assert.deepEqual(activationParamsForRange(0, 1), { scale: 1 / 255, zeroPoint: 0 });
  assert.deepEqual(activationParamsForRange(-1, 1), { scale: 2 / 255, zeroPoint: 128 });
  assert.deepEqual(activationParamsForRange(2, 3), { scale: 3 / 255, zeroPoint: 0 }); // widened to include 0
  assert.deepEqual(activationParamsForRange(0, 0), { scale: 1, zeroPoint: 0 });
  assert.deepEqual([0.5, 1.5, 2.5, -2.5, 3.7, -0.2].map(roundHalfEvenFast), [0, 2, 2, -2, 4, 0]);
});

test("prepareIntegerModel: row sums precomputed; bad models refused with the reason", () => {
  assert.deepEqual(
    Array.from(intModel.rowSums),
    Array.from({ length: 10 }, (_, c) => g.coef_float32[c].reduce((s, _v, j) => s + qmodel.qCoef.data[c * 64 + j], 0)),
  );
  const bad = (patch: Partial<QuantizedLinearModel>) => prepareIntegerModel({ ...qmodel, ...patch });
  assert.throws(() => bad({ scales: new Float32Array(10).fill(NaN) }), /scales\[0\] is NaN/);
  assert.throws(() => bad({ zeroPoints: new Int32Array(3) }), /zeroPoints has 3 entries, expected 10/);
  assert.throws(() => bad({ qCoef: matrix(new Int8Array(0), 0, 0) }), /non-empty/);
  assert.ok(MAX_INT32_SAFE_FEATURES >= 65_000);
  assert.throws(() => bad({ qCoef: { data: new Int8Array(70_000), rows: 1, cols: 70_000 } as Matrix<Int8Array> }), /overflow int32/);
});

test("float32 kernels: cache-blocked TypeScript and WASM SIMD agree with a naive float64 product", () => {
  for (const [n, k, d] of [[1, 1, 1], [6, 7, 13], [9, 10, 64], [17, 33, 70]] as const) {
    const { model: m, X } = randomCase(n * 1000 + k, n, k, d);
    const ts = linearFp32(X, m.coef, m.intercept);
    const wasm = wasmFp32Scores(X, prepareWasmFp32Layer(m.coef, m.intercept));
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        let s = 0;
        let mag = 0;
        for (let j = 0; j < d; j++) {
          s += X.data[i * d + j] * m.coef.data[c * d + j];
          mag += Math.abs(X.data[i * d + j] * m.coef.data[c * d + j]);
        }
        s += m.intercept[c];
        assert.ok(Math.abs(ts.data[i * k + c] - s) <= 1e-7 * (mag + 1), `linearFp32 [${n},${k},${d}] ${i},${c}`);
        assert.ok(Math.abs(wasm.data[i * k + c] - s) <= 1e-6 * (mag + 1), `wasmFp32Scores [${n},${k},${d}] ${i},${c}`);
      }
    }
  }
});

test("the kernels module (lib/kernels/gemm.as.ts.in, compiled by npm run build) runs here: four micro-kernels, the int8 epilogue", () => {
  assert.ok(wasmSimdAvailable());
  const module = loadWasmModule("gemm");
  assert.ok(module);
  const exports = WebAssembly.Module.exports(module).map((e) => e.name).filter((n) => n !== "memory");
  assert.deepEqual(exports, ["gemm_i16i8_4x2", "gemm_i16i8_1x4", "gemm_f32_4x2", "gemm_f32_1x4", "int8_scores", "int8_labels"]);
});

test("a quantized model of random rows: every kernel's labels agree with the dequantize path on well-separated scores", () => {
  const { model: m, X } = randomCase(5, 200, 10, 64);
  const rq = quantizeRows(m.coef);
  const qm: QuantizedLinearModel = { qCoef: rq.q, scales: rq.scales, zeroPoints: rq.zeroPoints, intercept: m.intercept, classes: m.classes };
  const Xq = quantizeActivations(X, activationParamsForRange(-1, 2));
  const Xdq = dequantizeActivations(Xq);
  const reference = predictInt8(Xdq, qm);
  assert.deepEqual(predictInt8Integer(Xq, prepareIntegerModel(qm)), reference);
  assert.deepEqual(predictInt8Wasm(Xq, prepareWasmIntegerModel(prepareIntegerModel(qm))), reference);
});

test("importing the kernel modules runs nothing: no priming, no WebAssembly compiled (both wait for a first call)", () => {
  // A fresh process counts what the imports do: the priming builds its tiny inputs with Int8Array.from /
  // Float32Array.from, and every WebAssembly module is compiled by WebAssembly.Module.
  const modules = ["studies/integer-inference", "kernels/fp32-kernel", "kernels/gemm", "kernels/predict-kernel", "core/train", "studies/scaling"].map((m) =>
    path.join(__dirname, "..", "..", "lib", `${m}.js`),
  );
  const script = `
    let calls = 0;
    for (const T of [Int8Array, Float32Array]) { const from = T.from; T.from = function (...a) { calls++; return from.apply(this, a); }; }
    const Module = WebAssembly.Module;
    WebAssembly.Module = function (bytes) { calls++; return new Module(bytes); };
    for (const m of ${JSON.stringify(modules)}) require(m);
    const before = calls;
    require(${JSON.stringify(modules[0])}).quantizeActivations({ data: new Float32Array(1), rows: 1, cols: 1 }, { scale: 1, zeroPoint: 0 });
    console.log(JSON.stringify({ atImport: before, firstCall: calls - before }));`;
  const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const counts = JSON.parse(run.stdout) as { atImport: number; firstCall: number };
  assert.equal(counts.atImport, 0);
  assert.ok(counts.firstCall > 0, "the first call compiles the WebAssembly quantizer (priming is primeIntegerKernels(), called by the timing harnesses)");
});
