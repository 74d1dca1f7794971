import { test } from "node:test";
import assert from "node:assert/strict";
import { matrix, type Matrix } from "../../lib/core/matrix";
import type { LinearModel } from "../../lib/core/model";
import { predictFp32 } from "../../lib/core/predict";
import { linearScores, predictFp32Wasm, referenceScores, wasmScores } from "../../lib/kernels/predict-kernel";
import { seededUniform } from "../../lib/studies/scaling";
import { loadWasmModule, wasmSimdAvailable } from "../../lib/kernels/wasm-runtime";

function randomCase(seed: number, n: number, k: number, d: number): { X: Matrix<Float32Array>; model: LinearModel } {
  const next = seededUniform(seed);
  return {
    X: matrix(new Float32Array(n * d).map(() => next() * 3 - 1), n, d),
    model: {
      coef: matrix(new Float32Array(k * d).map(() => (next() - 0.5) * 4), k, d),
      intercept: new Float32Array(k).map(() => next() - 0.5),
      classes: Int32Array.from({ length: k }, (_, c) => 10 * c + 3),
    },
  };
}

/** The kernel's scores, copied out of its memory as a dense `[n · k]`. */
function wasmDense(X: Matrix<Float32Array>, m: LinearModel): Float64Array {
  const { data, offset, stride } = wasmScores(X, m.coef, m.intercept);
  const n = X.rows;
  const k = m.coef.rows;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[i * k + c] = data[offset + i * stride + c];
  return out;
}

/**
 * Stated tolerance: 0. Both paths compute `s = 0; s += x_j·w_j for j = 0..d-1; s += b` in float64, the same
 * operations in the same order (no FMA in WebAssembly), so every score is the same float64, bit for bit.
 */
function assertSameScores(actual: Float64Array, expected: Float64Array, label: string): void {
  assert.equal(actual.length, expected.length, label);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${label}: score ${i} is ${actual[i]}, the reference ${expected[i]}`);
  }
}

test("the kernel module (predict-kernel.as.ts.in, built by npm run build) runs here and exports one kernel per class block", () => {
  assert.ok(wasmSimdAvailable());
  const module = loadWasmModule("predict-kernel");
  assert.ok(module);
  const names = WebAssembly.Module.exports(module).map((e) => e.name).filter((n) => n !== "memory");
  assert.deepEqual(names, ["scores_2x2", "scores_2x4", "scores_2x6", "scores_2x8", "scores_2x10", "argmax_labels"]);
});

test("random data, many shapes: WebAssembly scores equal the JavaScript reference bit for bit (tolerance 0)", () => {
  let seed = 1;
  // n odd/even/1; k below, at and above one block of 10 classes, odd and even; d from 1 up.
  for (const n of [1, 2, 3, 7, 50]) {
    for (const k of [1, 2, 3, 9, 10, 11, 20, 23]) {
      for (const d of [1, 2, 5, 64, 67]) {
        const { X, model } = randomCase(seed++, n, k, d);
        const reference = referenceScores(X, model.coef, model.intercept);
        assertSameScores(wasmDense(X, model), reference, `[${n}, ${k}, ${d}]`);
      }
    }
  }
});

test("large magnitudes, NaN and ±Infinity: the same scores on both paths, and predict names the bad input", () => {
  const { X, model } = randomCase(99, 9, 12, 16);
  X.data[0] = 1e30;
  X.data[17] = Number.NaN;
  X.data[40] = Number.POSITIVE_INFINITY;
  X.data[70] = Number.NEGATIVE_INFINITY;
  model.coef.data[5] = -3e25;
  const reference = referenceScores(X, model.coef, model.intercept);
  assert.ok(reference.some(Number.isNaN));
  assertSameScores(wasmDense(X, model), reference, "special values");
  // A non-finite score has no argmax: both paths refuse with the same message, naming the first bad feature
  // (X.data[17] with 16 features is row 1, column 1).
  assert.throws(() => predictFp32(X, model), /predictFp32: X\[1, 1\] is NaN; expected finite features/);
});

test("no features: every score is its bias, on both paths", () => {
  const model: LinearModel = { coef: matrix(new Float32Array(0), 3, 0), intercept: Float32Array.of(0.5, 2, -1), classes: Int32Array.of(1, 2, 3) };
  const X = matrix(new Float32Array(0), 4, 0);
  assertSameScores(wasmDense(X, model), referenceScores(X, model.coef, model.intercept), "d = 0");
  assert.deepEqual(Array.from(predictFp32(X, model)), [2, 2, 2, 2]);
});

test("the memory is reused between calls and grows when a larger X comes; results stay right after growing", () => {
  const small = randomCase(5, 40, 10, 64);
  const first = wasmScores(small.X, small.model.coef, small.model.intercept);
  const again = wasmScores(small.X, small.model.coef, small.model.intercept);
  assert.equal(again.data.buffer, first.data.buffer, "same memory, no new buffer for a same-size call");
  const big = randomCase(6, 3000, 10, 64); // 3000·64·4 + 3000·10·8 bytes: past the first 64 KB page
  const grown = wasmScores(big.X, big.model.coef, big.model.intercept);
  assert.ok(grown.data.buffer.byteLength > first.data.buffer.byteLength);
  assertSameScores(wasmDense(big.X, big.model), referenceScores(big.X, big.model.coef, big.model.intercept), "after growing");
  assertSameScores(wasmDense(small.X, small.model), referenceScores(small.X, small.model.coef, small.model.intercept), "smaller again");
});

test("a changed model is seen by the next call (weights are laid out per call, not cached)", () => {
  const { X, model } = randomCase(7, 20, 10, 64);
  const before = wasmDense(X, model);
  model.coef.data[3] += 1;
  model.intercept[4] -= 2;
  const after = wasmDense(X, model);
  assert.notDeepEqual(after, before);
  assertSameScores(after, referenceScores(X, model.coef, model.intercept), "changed model");
});

test('linearScores: "auto" runs the kernel here, "js" the reference', () => {
  const { X, model } = randomCase(8, 33, 10, 64);
  assert.equal(linearScores(X, model.coef, model.intercept).kernel, "wasm");
  assert.equal(linearScores(X, model.coef, model.intercept, "js").kernel, "js");
});

test("predictFp32Wasm: predictFp32's labels on random shapes (ties included) and on the digits' model", () => {
  let seed = 300;
  for (const n of [1, 2, 3, 17]) {
    for (const k of [1, 2, 9, 10, 11, 23]) {
      for (const d of [1, 5, 64]) {
        const { X, model } = randomCase(seed++, n, k, d);
        assert.deepEqual(predictFp32Wasm(X, model), predictFp32(X, model), `[${n}, ${k}, ${d}]`);
      }
    }
  }
  // Exact ties: equal rows of weights and biases; the first class wins on both.
  const { X, model } = randomCase(400, 6, 4, 8);
  model.coef.data.copyWithin(8, 0, 8);
  model.intercept[1] = model.intercept[0];
  const tied = predictFp32Wasm(X, model);
  assert.deepEqual(tied, predictFp32(X, model));
  assert.ok(!tied.includes(model.classes[1]), "class 1 ties class 0 everywhere and never wins");
});

test("predictFp32Wasm: a NaN score is an error naming the sample and class; wrong shapes are refused", () => {
  const { X, model } = randomCase(401, 5, 3, 4);
  X.data[2 * 4 + 1] = Number.NaN;
  assert.throws(() => predictFp32Wasm(X, model), /predictFp32Wasm: the score of sample 2 for class 0 is NaN/);
  assert.throws(() => predictFp32Wasm(matrix(new Float32Array(6), 2, 3), model), /X has 3 features but the model has 4/);
});

